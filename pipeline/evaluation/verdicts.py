"""The verify stage's verdicts on labelled claim/evidence pairs, as an editor would get them.

`factcheck eval nli` scores the NLI model alone (arg-max label). This scores what the
pipeline decides for a claim checked against one evidence passage: source alignment first,
then the NLI model under ``nli.support_threshold`` / ``nli.contradict_threshold``, with
`needs_review` where neither decides (`pipeline.checker.ArticleChecker.verify`). Each
``{premise, hypothesis, label}`` row is a claim (the hypothesis) with one retrieved passage
(the premise); the gold label names the right verdict:

| gold label | right verdict | automatic and wrong |
|---|---|---|
| entailment | supported | contradicted, not_enough_evidence |
| contradiction | contradicted | supported, not_enough_evidence |
| neutral | not_enough_evidence (flagged `unsupported`) | supported, contradicted |

``needs_review`` is never wrong and never right: it is left to an editor, and its share is reported.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Sequence

from pipeline.alignment import AlignmentChecker, merge_verdicts
from pipeline.errors import InputError
from pipeline.training.nli import read_nli_jsonl
from pipeline.types import VERDICT_LABELS, Claim, Passage, RetrievedPassage
from pipeline.verify import NLI_LABELS, NliVerifier

RIGHT_VERDICT: dict[str, str] = {"entailment": "supported", "contradiction": "contradicted", "neutral": "not_enough_evidence"}


@dataclass(frozen=True)
class VerdictEvalResult:
    """Verdicts of the verify stage on one data file.

    ``counts[gold][verdict]``: rows of that gold label given that verdict. ``decided_by_alignment``:
    rows whose verdict the source alignment gave (the rest are the NLI model's).
    """

    data: str
    model: str
    rows: int
    counts: dict[str, dict[str, int]]
    decided_by_alignment: int
    seconds: float

    @property
    def automatic(self) -> int:
        """Rows given a verdict other than needs_review."""
        return sum(n for row in self.counts.values() for verdict, n in row.items() if verdict != "needs_review")

    @property
    def right(self) -> int:
        return sum(self.counts[gold][RIGHT_VERDICT[gold]] for gold in self.counts)

    @property
    def automatic_precision(self) -> float:
        """Of the rows decided automatically, the share decided right."""
        return self.right / self.automatic if self.automatic else 0.0

    @property
    def accuracy(self) -> float:
        """Rows given the right verdict over all rows (needs_review counts as not right)."""
        return self.right / self.rows if self.rows else 0.0

    @property
    def needs_review_share(self) -> float:
        return 1 - self.automatic / self.rows if self.rows else 0.0

    def recall(self, gold: str) -> float:
        """Rows of ``gold`` given its right verdict, over the rows of ``gold``."""
        total = sum(self.counts[gold].values())
        return self.counts[gold][RIGHT_VERDICT[gold]] / total if total else 0.0

    def to_dict(self) -> dict[str, Any]:
        figures = {
            "accuracy": self.accuracy, "automatic_precision": self.automatic_precision,
            "needs_review_share": self.needs_review_share, "recall": {gold: self.recall(gold) for gold in NLI_LABELS},
        }
        return {**asdict(self), **figures}


def pair_claims(rows: Sequence[dict[str, Any]]) -> tuple[list[Claim], dict[str, list[RetrievedPassage]]]:
    """Each row's hypothesis as a claim, with its premise as the one passage retrieved for it."""
    claims, passages = [], {}
    for number, row in enumerate(rows):
        claim = Claim(f"row-{number}", row["hypothesis"], 0, len(row["hypothesis"]), 1.0, f"s-{number}")
        claims.append(claim)
        passages[claim.id] = [RetrievedPassage(Passage(f"p-{number}", row["premise"]), 1.0)]
    return claims, passages


def evaluate_verdicts(
    data_file: str | Path, verifier: NliVerifier, alignment: AlignmentChecker, *, limit: int | None = None
) -> VerdictEvalResult:
    """The verify stage's verdict on every row of ``data_file`` (the first ``limit`` when given), against its label.

    Raises:
        InputError: missing or malformed data, or a bad ``limit``.
    """
    if limit is not None and limit <= 0:
        raise InputError(f"limit must be > 0, got {limit}")
    rows = read_nli_jsonl([data_file])[:limit]
    claims, passages = pair_claims(rows)
    verifier.warm_up()
    started = time.perf_counter()
    aligned = alignment.run(claims, passages)
    verdicts = merge_verdicts(verifier.run(claims, passages), aligned)
    seconds = time.perf_counter() - started
    counts = {gold: dict.fromkeys(VERDICT_LABELS, 0) for gold in NLI_LABELS}
    for claim, row in zip(claims, rows):
        counts[NLI_LABELS[row["label"]]][verdicts[claim.id].label] += 1
    return VerdictEvalResult(str(data_file), verifier.model_name, len(rows), counts, len(aligned), round(seconds, 2))
