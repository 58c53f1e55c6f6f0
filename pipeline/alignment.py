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
from functools import lru_cache
from typing import Mapping, Sequence

from rapidfuzz import fuzz

from pipeline.types import Claim, EvidenceJudgement, RetrievedPassage, Verdict

_NUMBER_WORDS = "zero one two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty hundred thousand million billion trillion".split()
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*%?|\b(?:" + "|".join(_NUMBER_WORDS) + r")\b", re.I)
_MONTHS = frozenset("january february march april may june july august september october november december".split())
# News style abbreviates months ("Jan. 13", "Sept. 26"); wire evidence often spells them out.
_MONTH_ABBREVIATIONS = {
    "jan": "january", "feb": "february", "mar": "march", "apr": "april", "jun": "june", "jul": "july",
    "aug": "august", "sep": "september", "sept": "september", "oct": "october", "nov": "november", "dec": "december",
}
_DATE_WORDS = re.compile(
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|tomorrow|"
    + "|".join(sorted(_MONTHS | set(_MONTH_ABBREVIATIONS)))
    + r")\b",
    re.I,
)
_NEGATION = re.compile(r"\b(?:not|no|never|none|nobody|nothing|neither|nor|without)\b|n[’']t\b", re.I)
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*(?=st|nd|rd|th)|\d+(?:[.,]\d+)*|%|[a-z]+(?:'t)?")
_WORD_TO_DIGIT = {w: str(i) for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve".split())}
_WORD_TO_DIGIT.update({w: str(i) for i, w in enumerate("zeroth first second third fourth fifth sixth seventh eighth ninth tenth".split()) if i})
_STOPWORDS = frozenset(
    "the a an of in on at to for from by with and or but as is was were are be been has have had its it this that "
    "their his her they he she we after before than about into over under more less most least".split()
)
_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][”\"’']))(?<![ap]\.m\.)\s+(?=[“\"A-Z0-9])")


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


def _raw_tokens(text: str) -> list[str]:
    """Lower-case word and number tokens; thousands separators dropped, month abbreviations spelled out."""
    tokens = _TOKEN.findall(text.lower().replace("’", "'"))
    return [t.replace(",", "") if t[0].isdigit() else _MONTH_ABBREVIATIONS.get(t, t) for t in tokens]


def _tokens(text: str) -> list[str]:
    """Lower-case word and number tokens, number words as digits ("third" -> "3")."""
    return [_WORD_TO_DIGIT.get(t, t) for t in _raw_tokens(text)]


_ORDINALS = frozenset("first second third fourth fifth sixth seventh eighth ninth tenth".split())


def _number_kinds(text: str) -> list[str | None]:
    """Per token: what a number is ("ordinal", "percent", "year", "day", "count"), None for words.

    Only numbers of one kind can contradict each other: a "second term" is not a date's 24th.
    """
    raw = _raw_tokens(text)
    kinds: list[str | None] = []
    for i, token in enumerate(raw):
        after = raw[i + 1] if i + 1 < len(raw) else ""
        before = raw[i - 1] if i else ""
        if token in _ORDINALS or (token[0].isdigit() and after in ("st", "nd", "rd", "th")):
            kinds.append("ordinal")
        elif not (token[0].isdigit() or token in _WORD_TO_DIGIT):
            kinds.append(None)
        elif after in ("%", "percent"):
            kinds.append("percent")
        elif token.isdigit() and 1800 <= int(token) <= 2100:
            kinds.append("year")
        elif before in _MONTHS or after in _MONTHS:
            kinds.append("day")
        else:
            kinds.append("count")
    return kinds


@lru_cache(maxsize=256)
def _tokens_and_kinds(text: str) -> tuple[tuple[str, ...], tuple[str | None, ...]]:
    """``_tokens`` and ``_number_kinds`` of ``text``, cached: a claim and its evidence are read once per sentence checked."""
    return tuple(_tokens(text)), tuple(_number_kinds(text))


def _close(a: str, b: str) -> bool:
    """Equal up to rounding: 58.55 and 58.5, 1.3 and 1.30."""
    try:
        x, y = float(a), float(b)
    except ValueError:
        return a == b
    return abs(x - y) <= max(0.01 * max(abs(x), abs(y)), 0.051)


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


def _anchors(tokens: Sequence[str], index: int, per_side: int = 2, reach: int = 5) -> set[str]:
    """The nearest content words on each side of a number: what the number counts or dates."""
    found: set[str] = set()
    for step in (-1, 1):
        taken, position = 0, index + step
        while 0 <= position < len(tokens) and abs(position - index) <= reach and taken < per_side:
            token = tokens[position]
            if not token[0].isdigit() and token not in _STOPWORDS and len(token) > 2:
                found.add(token)
                taken += 1
            position += step
    return found


def _unit(tokens: Sequence[str], index: int) -> str | None:
    """The word right after a number when it names what is counted ("11 hours", "86 centimetres"), else None."""
    after = tokens[index + 1] if index + 1 < len(tokens) else ""
    if not after or after[0].isdigit() or after in _STOPWORDS or after == "%" or len(after) < 3:
        return None
    return after


def _same_quantity(kind: str | None, unit: str | None, other_kind: str | None, other_unit: str | None) -> bool:
    """Whether two numbers give the same quantity: same kind and, for counts, the same thing counted.

    "one orbit" and "11 hours" cannot contradict each other; a count whose unit is unknown can.
    """
    if kind != other_kind:
        return False
    if kind not in ("count", "ordinal") or unit is None or other_unit is None:
        return True
    return unit.rstrip("s") == other_unit.rstrip("s")


def _content(tokens: Sequence[str]) -> set[str]:
    return {t for t in tokens if not t[0].isdigit() and t not in _STOPWORDS and len(t) > 3}


def anchored_number_conflicts(claim: str, sentence: str, *, context: str = "", min_overlap: float = 0.4) -> tuple[str, ...]:
    """Numbers the claim gives for something the evidence sentence counts differently.

    "voted 7–2" against "voted by a majority of 5–4": both numbers sit next to "voted",
    the sentences share most of their words, and the claim's numbers are neither in the
    evidence sentence nor next to the same words in ``context`` (all of the claim's evidence).
    Returns descriptions of each conflict, or () when none.
    """
    (claim_tokens, claim_kinds), (sentence_tokens, sentence_kinds) = _tokens_and_kinds(claim), _tokens_and_kinds(sentence)
    claim_content = _content(claim_tokens)
    if not claim_content or len(claim_content & _content(sentence_tokens)) / len(claim_content) < min_overlap:
        return ()
    sentence_numbers = [t for t in sentence_tokens if t[0].isdigit()]
    context_tokens, context_kinds = _tokens_and_kinds(context)
    conflicts = []
    for i, token in enumerate(claim_tokens):
        if not token[0].isdigit() or any(_close(token, n) for n in sentence_numbers):
            continue
        anchors, unit = _anchors(claim_tokens, i), _unit(claim_tokens, i)
        if _gives_number(context_tokens, context_kinds, token, claim_kinds[i], anchors):
            continue
        for j, other in enumerate(sentence_tokens):
            if not other[0].isdigit() or _close(other, token):
                continue
            shared = anchors & _anchors(sentence_tokens, j)
            if shared and _same_quantity(claim_kinds[i], unit, sentence_kinds[j], _unit(sentence_tokens, j)):
                conflicts.append(f"{sorted(shared)[0]}: {other} -> {token}")
                break
    return tuple(conflicts)


def _gives_number(tokens: Sequence[str], kinds: Sequence[str | None], number: str, kind: str | None, anchors: set[str]) -> bool:
    """Whether ``tokens`` give ``number`` as the same kind of number next to one of ``anchors``: for the same thing."""
    return any(
        t[0].isdigit() and kinds[k] == kind and _close(t, number) and anchors & _anchors(tokens, k) for k, t in enumerate(tokens)
    )


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
                alignment = _conflict_alignment(claim, passages.get(claim.id, ()))
            if alignment is None:
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
            confidence = round(min(0.99, max(alignment.similarity / 100, 0.7 if alignment.changed else 0.0)), 4)
            verdicts[claim.id] = Verdict(claim.id, label, confidence, (judgement,), note)
        return verdicts


def _conflict_alignment(claim: Claim, passages: Sequence[RetrievedPassage]) -> Alignment | None:
    """The first evidence sentence with an anchored number conflict; a number another passage gives for the same thing is none."""
    context = "\n".join(retrieved.passage.text for retrieved in passages)
    for retrieved in passages:
        for sentence in split_evidence_sentences(retrieved.passage.text):
            conflicts = anchored_number_conflicts(claim.text, sentence, context=context)
            if conflicts:
                return Alignment(retrieved, sentence, _similarity(claim.text, sentence), conflicts)
    return None


def merge_verdicts(nli: Mapping[str, Verdict], aligned: Mapping[str, Verdict]) -> dict[str, Verdict]:
    """Alignment verdicts win; the NLI judgements of the other passages are kept after the aligned one."""
    merged = dict(nli)
    for claim_id, verdict in aligned.items():
        previous = nli.get(claim_id)
        rest = tuple(j for j in (previous.evidence if previous else ()) if j.passage.id != verdict.evidence[0].passage.id)
        merged[claim_id] = Verdict(claim_id, verdict.label, verdict.confidence, verdict.evidence + rest, verdict.note)
    return merged
