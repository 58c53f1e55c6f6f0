"""Claims: every sentence is a candidate claim, scored for check-worthiness.

Two scorers: the trained classifier (``claims.backend: model``, the default) and a
documented heuristic (``claims.backend: heuristic``) used when no model is installed.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Protocol, Sequence

import numpy as np

from pipeline.segment import Segmentation
from pipeline.settings import ClaimsSettings
from pipeline.types import Claim, Quote, Sentence, content_id

_NUMBER = re.compile(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|hundred|thousand|million|billion|percent|half|twice|dozen)\b", re.I)
_DATE = re.compile(r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|July|August|September|October|November|December|yesterday|today|last week|this week|\d{4})\b")
_FACT_VERBS = re.compile(r"\b(?:is|was|are|were|has|have|had|released|announced|imposed|voted|signed|met|won|lost|increased|decreased|rose|fell|killed|said|stated|reported|approved|passed|launched|sanctions?)\b", re.I)
_OPINION = re.compile(r"\b(?:I think|I believe|we'll see|seems|maybe|perhaps|hope|feel|should|could|might|may well|likely)\b", re.I)
_PROPER = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+")


def heuristic_score(text: str) -> float:
    """A transparent check-worthiness score in [0, 1].

    Numbers, dates, named entities and factual verbs raise it; opinion and hedging
    markers, questions and very short sentences lower it. Weights were set by hand on
    the ClaimBuster train set's patterns; the trained model replaces this by default.
    """
    words = len(text.split())
    if words < 4:
        return 0.05
    score = 0.2
    score += 0.25 if _NUMBER.search(text) else 0.0
    score += 0.15 if _DATE.search(text) else 0.0
    score += min(0.2, 0.07 * len(_PROPER.findall(text)))
    score += 0.15 if _FACT_VERBS.search(text) else 0.0
    score -= 0.25 if _OPINION.search(text) else 0.0
    score -= 0.3 if text.rstrip().rstrip("”\"").endswith("?") else 0.0
    return float(min(1.0, max(0.0, score)))


class ClaimScorer(Protocol):
    model_name: str

    def warm_up(self) -> None: ...

    def score(self, texts: Sequence[str]) -> np.ndarray: ...


class HeuristicScorer:
    model_name = "heuristic-v1"

    def warm_up(self) -> None:
        return None

    def score(self, texts: Sequence[str]) -> np.ndarray:
        return np.array([heuristic_score(t) for t in texts], dtype=np.float32)


def make_scorer(claims: ClaimsSettings) -> ClaimScorer:
    """The scorer ``claims.backend`` names: "model" (the promoted or configured model) or "heuristic"."""
    if claims.backend == "heuristic":
        return HeuristicScorer()
    from pipeline.checkworthiness import CheckworthinessModel
    from pipeline.registry import claim_model_path

    path = claim_model_path(claims.model_path)
    if not (Path(path) / "config.json").exists():
        raise FileNotFoundError(f"claim model {path} not found; train it (`factcheck train claims`) or set claims.backend: heuristic")
    return CheckworthinessModel(path)


def _quote_for(sentence: Sentence, quotes: Sequence[Quote]) -> Quote | None:
    for quote in quotes:
        if quote.start < sentence.end and sentence.start < quote.end:
            return quote
    return None


class ClaimDetector:
    """Score every sentence of an article; return them all as claims, highest-scoring meaning most check-worthy."""

    def __init__(self, scorer: ClaimScorer) -> None:
        self.scorer = scorer

    def warm_up(self) -> None:
        self.scorer.warm_up()

    def run(self, segmentation: Segmentation) -> list[Claim]:
        sentences = [s for s in segmentation.sentences if len(s.text.split()) >= 3]
        scores = self.scorer.score([s.text for s in sentences]) if sentences else np.zeros(0)
        claims = []
        for sentence, score in zip(sentences, scores):
            quote = _quote_for(sentence, segmentation.quotes)
            claims.append(
                Claim(
                    id=content_id("c", sentence.start, sentence.text),
                    text=sentence.text,
                    start=sentence.start,
                    end=sentence.end,
                    checkworthiness=round(float(score), 4),
                    sentence_id=sentence.id,
                    quote_id=quote.id if quote else None,
                    speaker=quote.speaker if quote else None,
                    speaker_kind=quote.speaker_kind if quote else None,
                )
            )
        return claims
