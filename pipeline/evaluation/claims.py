"""Evaluation of the check-worthiness classifier.

Two benchmarks, told apart by file type:

* ClaimBuster JSON (``.json``): precision, recall and F1 of the check-worthy class at a threshold.
* CLEF CheckThat! 2019 CSV (``.csv``): mean average precision over debates. Each debate's
  lines are ranked by score and the average precision of that ranking is taken; the mean
  runs over debates that hold at least one check-worthy line.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, Sequence

import numpy as np

from pipeline.training.claim_data import DebateLine, LabelledSentence, load_claimbuster, load_clef
from pipeline.errors import InputError


class Scorer(Protocol):
    def score(self, texts: Sequence[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class ClassificationScores:
    """Scores of the check-worthy class on a labelled set."""

    rows: int
    positives: int
    threshold: float
    precision: float
    recall: float
    f1: float
    accuracy: float

    def lines(self) -> list[str]:
        """Human-readable lines; the last one is exactly ``f1=0.xxx``."""
        return [
            f"rows={self.rows} checkworthy={self.positives} threshold={self.threshold:g}",
            f"accuracy={self.accuracy:.3f}",
            f"precision={self.precision:.3f}",
            f"recall={self.recall:.3f}",
            f"f1={self.f1:.3f}",
        ]


@dataclass(frozen=True)
class RankingScores:
    """Mean average precision over debates (CLEF CheckThat! 2019 Task 1)."""

    lines_scored: int
    debates: int
    debates_without_positives: int
    per_debate: tuple[tuple[str, float], ...]
    map: float

    def lines(self) -> list[str]:
        """Human-readable lines; the last one is exactly ``map=0.xxx``."""
        out = [f"lines={self.lines_scored} debates={self.debates} "
               f"(skipped without check-worthy lines: {self.debates_without_positives})"]
        out += [f"ap[{name}]={ap:.3f}" for name, ap in self.per_debate]
        out.append(f"map={self.map:.3f}")
        return out


def binary_scores(labels: Sequence[int], predictions: Sequence[int]) -> dict[str, float]:
    """Precision, recall and F1 of the check-worthy class, and accuracy."""
    tp = sum(1 for y, p in zip(labels, predictions) if y == 1 and p == 1)
    fp = sum(1 for y, p in zip(labels, predictions) if y == 0 and p == 1)
    fn = sum(1 for y, p in zip(labels, predictions) if y == 1 and p == 0)
    correct = sum(1 for y, p in zip(labels, predictions) if y == p)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1,
            "accuracy": correct / len(labels) if len(labels) else 0.0}


def classification_scores(labels: Sequence[int], scores: Sequence[float], threshold: float) -> ClassificationScores:
    """Precision/recall/F1 of the check-worthy class when ``score >= threshold`` means check-worthy."""
    if len(labels) != len(scores):
        raise ValueError(f"labels and scores differ in length: {len(labels)} != {len(scores)}")
    predictions = [1 if s >= threshold else 0 for s in scores]
    result = binary_scores(list(labels), predictions)
    return ClassificationScores(len(labels), int(sum(labels)), threshold, result["precision"], result["recall"],
                                result["f1"], result["accuracy"])


def average_precision(labels: Sequence[int], scores: Sequence[float]) -> float | None:
    """Average precision of ranking items by descending score (ties keep input order).

    Returns None when no item is positive (AP is undefined).
    """
    if len(labels) != len(scores):
        raise ValueError(f"labels and scores differ in length: {len(labels)} != {len(scores)}")
    order = sorted(range(len(scores)), key=lambda i: -float(scores[i]))
    hits, total = 0, 0.0
    for rank, index in enumerate(order, start=1):
        if labels[index]:
            hits += 1
            total += hits / rank
    return total / hits if hits else None


def mean_average_precision(lines: Sequence[DebateLine], scores: Sequence[float]) -> RankingScores:
    """MAP over debates (grouped by ``file_name``, lines in ``line_number`` order before ranking)."""
    if len(lines) != len(scores):
        raise ValueError(f"lines and scores differ in length: {len(lines)} != {len(scores)}")
    groups: dict[str, list[tuple[int, int, float]]] = defaultdict(list)
    for line, score in zip(lines, scores):
        groups[line.file_name].append((line.line_number, line.label, float(score)))
    per_debate, skipped = [], 0
    for name in sorted(groups):
        rows = sorted(groups[name])
        ap = average_precision([r[1] for r in rows], [r[2] for r in rows])
        if ap is None:
            skipped += 1
        else:
            per_debate.append((name, ap))
    mean = sum(ap for _, ap in per_debate) / len(per_debate) if per_debate else 0.0
    return RankingScores(len(lines), len(groups), skipped, tuple(per_debate), mean)


def evaluate_sentences(model: Scorer, rows: Sequence[LabelledSentence], threshold: float) -> ClassificationScores:
    """Score ``rows`` with ``model`` and measure the check-worthy class at ``threshold``."""
    if not rows:
        raise InputError("no rows to evaluate")
    scores = model.score([r.text for r in rows])
    return classification_scores([r.label for r in rows], scores.tolist(), threshold)


def evaluate_file(model: Scorer, path: str | Path, threshold: float) -> ClassificationScores | RankingScores:
    """Evaluate on a ClaimBuster ``.json`` (F1) or a CLEF 2019 ``.csv`` (MAP) file."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        return evaluate_sentences(model, load_claimbuster(path), threshold)
    if suffix == ".csv":
        lines = load_clef(path)
        return mean_average_precision(lines, model.score([line.text for line in lines]).tolist())
    raise InputError(f"unsupported evaluation file {path}: expected ClaimBuster .json or CLEF 2019 .csv")
