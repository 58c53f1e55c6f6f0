"""Prefect flow ``train-nli``: fine-tune the NLI cross-encoder. The work is in ``pipeline.training.nli``."""

from __future__ import annotations

from typing import Any

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from pipeline.training.nli import train_nli


@task(cache_policy=NO_CACHE, name="train-nli-model")
def train_nli_model(train_files: list[str], eval_files: list[str], output_dir: str, options: dict[str, Any]) -> dict:
    """Train and write the model directory; returns its metrics plus the output path."""
    result = train_nli(train_files, eval_files, output_dir, **options)
    return {"output": str(result.output_dir), **result.metrics}


@flow(name="train-nli")
def train_nli_flow(train_files: list[str], eval_files: list[str], output_dir: str,
                   options: dict[str, Any] | None = None) -> dict:
    """Fine-tune the NLI cross-encoder on ``train_files``, evaluating on ``eval_files``."""
    return train_nli_model(train_files, eval_files, output_dir, dict(options or {}))
