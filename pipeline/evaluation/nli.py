"""Evaluate an NLI model (through `NliVerifier.predict`) on a labelled JSON Lines file."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.errors import InputError
from pipeline.training.nli import expected_calibration_error, read_nli_jsonl
from pipeline.verify import NLI_LABELS, NliVerifier


@dataclass(frozen=True)
class NliEvalResult:
    """Scores of one model on one data file. ``confusion[i][j]``: gold label i predicted as j."""

    data: str
    model: str
    rows: int
    accuracy: float
    macro_f1: float
    per_class_f1: dict[str, float]
    confusion: list[list[int]]
    ece: float
    seconds: float
    pairs_per_second: float
    quantized: bool
    temperature: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def score_predictions(probabilities: np.ndarray, labels: np.ndarray) -> dict[str, Any]:
    """Accuracy, macro-F1, per-class F1, confusion matrix and 15-bin ECE of ``(n, 3)`` probabilities."""
    from sklearn.metrics import confusion_matrix, f1_score

    predictions = np.asarray(probabilities).argmax(axis=1)
    per_class = f1_score(labels, predictions, labels=[0, 1, 2], average=None, zero_division=0)
    return {
        "accuracy": float((predictions == labels).mean()) if len(labels) else 0.0,
        "macro_f1": float(np.mean(per_class)),
        "per_class_f1": {name: float(value) for name, value in zip(NLI_LABELS, per_class)},
        "confusion": confusion_matrix(labels, predictions, labels=[0, 1, 2]).tolist(),
        "ece": expected_calibration_error(probabilities, labels, bins=15),
    }


def evaluate_nli(data_file: str | Path, verifier: NliVerifier, *, limit: int | None = None) -> NliEvalResult:
    """Score ``verifier`` on ``data_file`` (the first ``limit`` rows when given).

    Raises:
        InputError: missing or malformed data, or a bad ``limit``.
    """
    if limit is not None and limit <= 0:
        raise InputError(f"limit must be > 0, got {limit}")
    rows = read_nli_jsonl([data_file])
    if limit is not None:
        rows = rows[:limit]
    labels = np.array([row["label"] for row in rows])
    verifier.warm_up()
    started = time.perf_counter()
    probabilities = verifier.predict([(row["premise"], row["hypothesis"]) for row in rows])
    seconds = time.perf_counter() - started
    scores = score_predictions(probabilities, labels)
    return NliEvalResult(
        data=str(data_file),
        model=verifier.model_name,
        rows=len(rows),
        seconds=round(seconds, 2),
        pairs_per_second=round(len(rows) / seconds, 1) if seconds > 0 else 0.0,
        quantized=verifier.quantize,
        temperature=float(verifier.temperature or 1.0),
        **scores,
    )
