"""Alignment: compare a claim with the evidence sentence it restates, word for word.

Altered copy is the commonest error a desk sees: a wire sentence reused with a number,
date or negation changed. When a claim and an evidence sentence are the same sentence
apart from those tokens, the difference decides the verdict more reliably than an NLI
model does; when they are the same sentence, the claim is supported. Otherwise this
stage abstains and the NLI verdict stands.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Mapping, Sequence

from rapidfuzz import fuzz

from pipeline.types import Claim, EvidenceJudgement, RetrievedPassage, Verdict

_NUMBER_WORDS = "zero one two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty hundred thousand million billion trillion".split()
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*%?|\b(?:" + "|".join(_NUMBER_WORDS) + r")\b", re.I)
_DATE_WORDS = re.compile(
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|may|june|july|"
    r"august|september|october|november|december|yesterday|today|tomorrow)\b",
    re.I,
)
_NEGATION = re.compile(r"\b(?:not|no|never|none|nobody|nothing|neither|nor|without)\b|n[’']t\b", re.I)
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|%|[a-z]+(?:'t)?")
_WORD_TO_DIGIT = {w: str(i) for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve".split())}
_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][”\"’']))\s+(?=[“\"A-Z0-9])")


@dataclass(frozen=True)
class Alignment:
    """The evidence sentence a claim restates and how it differs."""

    passage: RetrievedPassage
    sentence: str
    similarity: float
    changed: tuple[str, ...]  # e.g. ("number 27 -> 28", "negation")


def _mask(text: str) -> str:
    text = _NUMBER.sub("#", text.lower())
    text = _DATE_WORDS.sub("@", text)
    text = _NEGATION.sub(" ", text)
    text = re.sub(r"[^\w#@ ]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _similarity(claim: str, sentence: str) -> float:
    a, b = _mask(claim), _mask(sentence)
    if not a or not b:
        return 0.0
    shorter, longer = sorted((a, b), key=len)
    if len(longer) > 1.5 * len(shorter):
        # A claim that restates part of a longer evidence sentence (or the reverse).
        return fuzz.partial_ratio(shorter, longer) * 0.97 if len(shorter.split()) >= 6 else 0.0
    return fuzz.ratio(a, b)


def _tokens(text: str) -> list[str]:
    tokens = []
    for token in _TOKEN.findall(text.lower().replace("’", "'")):
        token = token.replace(",", "") if token[0].isdigit() else token
        tokens.append(_WORD_TO_DIGIT.get(token, token))
    return tokens


def _kind(tokens: Sequence[str]) -> str | None:
    """"number" or "date" when every token of a changed stretch is one, else None."""
    if tokens and all(t[0].isdigit() or t == "%" for t in tokens):
        return "number"
    if tokens and all(_DATE_WORDS.fullmatch(t) or t[0].isdigit() for t in tokens) and any(_DATE_WORDS.fullmatch(t) for t in tokens):
        return "date"
    return None


def _differences(claim: str, sentence: str) -> tuple[str, ...]:
    """Like-for-like swaps (a number for a number, a weekday for a weekday) and added or dropped negations.

    "on Tuesday" against "on 19 March 2024" is another way to say the date, not a change.
    """
    claim_tokens, sentence_tokens = _tokens(claim), _tokens(sentence)
    changed = []
    matcher = difflib.SequenceMatcher(a=sentence_tokens, b=claim_tokens, autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op != "replace":
            continue
        before, after = sentence_tokens[a0:a1], claim_tokens[b0:b1]
        kind = _kind(before)
        if kind is not None and kind == _kind(after) and (kind != "date" or _same_date_shape(before, after)):
            changed.append(f"{kind} {' '.join(before)} -> {' '.join(after)}")
    if _negations(claim) % 2 != _negations(sentence) % 2:
        changed.append("negation")
    return tuple(changed)


def _same_date_shape(before: Sequence[str], after: Sequence[str]) -> bool:
    return [t[0].isdigit() for t in before] == [t[0].isdigit() for t in after]


def _negations(text: str) -> int:
    return len(_NEGATION.findall(text))


def split_evidence_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def best_alignment(claim: Claim, passages: Sequence[RetrievedPassage]) -> Alignment | None:
    """The evidence sentence most similar to ``claim`` once numbers, dates and negations are masked."""
    best: Alignment | None = None
    for retrieved in passages:
        for sentence in split_evidence_sentences(retrieved.passage.text):
            similarity = _similarity(claim.text, sentence)
            if best is None or similarity > best.similarity:
                best = Alignment(retrieved, sentence, similarity, ())
    if best is None:
        return None
    return Alignment(best.passage, best.sentence, best.similarity, _differences(claim.text, best.sentence))


class AlignmentChecker:
    """Verdicts for claims that restate an evidence sentence; abstains on the rest."""

    def __init__(self, *, min_similarity: float = 88.0) -> None:
        if not 0 < min_similarity <= 100:
            raise ValueError(f"min_similarity must be in (0, 100], got {min_similarity}")
        self.min_similarity = min_similarity

    def run(self, claims: Sequence[Claim], passages: Mapping[str, Sequence[RetrievedPassage]]) -> dict[str, Verdict]:
        verdicts = {}
        for claim in claims:
            alignment = best_alignment(claim, passages.get(claim.id, ()))
            if alignment is None or alignment.similarity < self.min_similarity:
                continue
            label = "contradicted" if alignment.changed else "supported"
            nli_label = "contradiction" if alignment.changed else "entailment"
            judgement = EvidenceJudgement(
                passage=alignment.passage.passage,
                retrieval_score=alignment.passage.score,
                label=nli_label,
                probabilities={"alignment": round(alignment.similarity / 100, 4)},
            )
            note = f"restates evidence {alignment.passage.passage.id} with {'; '.join(alignment.changed)}" if alignment.changed else ""
            confidence = round(min(0.99, alignment.similarity / 100), 4)
            verdicts[claim.id] = Verdict(claim.id, label, confidence, (judgement,), note)
        return verdicts


def merge_verdicts(nli: Mapping[str, Verdict], aligned: Mapping[str, Verdict]) -> dict[str, Verdict]:
    """Alignment verdicts win; the NLI judgements of the other passages are kept after the aligned one."""
    merged = dict(nli)
    for claim_id, verdict in aligned.items():
        previous = nli.get(claim_id)
        rest = tuple(j for j in (previous.evidence if previous else ()) if j.passage.id != verdict.evidence[0].passage.id)
        merged[claim_id] = Verdict(claim_id, verdict.label, verdict.confidence, verdict.evidence + rest, verdict.note)
    return merged
