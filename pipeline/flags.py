"""Flags derived from quotations (malformed marks) and from verdicts (contradicted, misattribution, unsupported, needs_review)."""

from __future__ import annotations

from typing import Mapping, Sequence

from pipeline.changes import MEANING_KINDS, corrected_text, describe
from pipeline.types import Article, Claim, Flag, Quote, Verdict

ATTRIBUTION_KINDS = frozenset({"speaker", "role"})  # changes that credit words or a role to the wrong person


def quote_flags(article: Article, quotes: Sequence[Quote]) -> list[Flag]:
    """A ``malformed_quote`` flag for each quotation missing its opening or closing mark."""
    flags = []
    for quote in quotes:
        if not (quote.opening_mark_missing or quote.closing_mark_missing):
            continue
        missing = "opening" if quote.opening_mark_missing else "closing"
        suggestion = f"“{quote.text}”"
        flags.append(
            Flag(
                type="malformed_quote",
                claim_id=None,
                start=quote.start,
                end=quote.end,
                text=article.text[quote.start : quote.end],
                message=f"This quotation has no {missing} quotation mark"
                + (f" (credited to {quote.speaker})." if quote.speaker else "."),
                suggestion=suggestion,
                confidence=0.95,
            )
        )
    return flags


def verdict_flags(claims: Sequence[Claim], verdicts: Mapping[str, Verdict], *, min_checkworthiness: float) -> list[Flag]:
    """Flags from verdicts, in the order of ``claims``.

    ``contradicted`` (``misattribution`` when the change is who spoke) for claims the evidence
    contradicts; ``unsupported`` for check-worthy claims it does not cover; ``needs_review``
    for check-worthy claims the checker could not decide confidently.
    """
    flags = []
    for claim in claims:
        verdict = verdicts.get(claim.id)
        if verdict is None:
            continue
        if verdict.label == "contradicted":
            flags.append(contradiction_flag(claim, verdict))
        elif verdict.label == "not_enough_evidence" and claim.checkworthiness >= min_checkworthiness:
            flags.append(
                Flag(
                    type="unsupported",
                    claim_id=claim.id,
                    start=claim.start,
                    end=claim.end,
                    text=claim.text,
                    message="No passage in the evidence set supports this check-worthy claim.",
                    confidence=round(verdict.confidence * claim.checkworthiness, 4),
                    evidence_ids=tuple(j.passage.id for j in verdict.evidence[:3]),
                )
            )
        elif verdict.label == "needs_review" and claim.checkworthiness >= min_checkworthiness:
            flags.append(
                Flag(
                    type="needs_review",
                    claim_id=claim.id,
                    start=claim.start,
                    end=claim.end,
                    text=claim.text,
                    message=review_message(verdict),
                    confidence=verdict.confidence,
                    evidence_ids=verdict.decided_by or tuple(j.passage.id for j in verdict.evidence[:2]),
                    changes=verdict.changes,
                    source_sentence=verdict.source_sentence,
                )
            )
    return flags


def review_message(verdict: Verdict) -> str:
    """Why an editor should look: the source's other wording (a hedge changed), the terms a sentence much like it does
    not give, or the best passage's score."""
    meaning = [c for c in verdict.changes if c.kind in MEANING_KINDS]
    if meaning:
        return f"The source words this differently; an editor should decide whether the meaning changed: {describe(meaning)}."
    if verdict.note:
        return f"{verdict.note}; an editor should compare them."  # `review_close_restatements`
    best = verdict.evidence[0] if verdict.evidence else None
    return "The checker could not decide this claim confidently; an editor should compare it with the evidence" + (
        f" (best passage: {best.label}, {max(best.probabilities.get('entailment', 0), best.probabilities.get('contradiction', 0)):.2f})." if best else "."
    )


def contradiction_flag(claim: Claim, verdict: Verdict) -> Flag:
    """A ``contradicted`` or ``misattribution`` flag citing the passages that decided it.

    When the claim restates a source sentence, the message names each changed word side by
    side and the suggestion is the article sentence with the source's words; otherwise the
    message quotes the deciding passage and there is no suggestion.
    """
    meaning = [c for c in verdict.changes if c.kind in MEANING_KINDS]
    decided_by = verdict.decided_by or tuple(j.passage.id for j in verdict.evidence[:1])
    deciding = next((j.passage for j in verdict.evidence if j.passage.id in decided_by), None)
    if meaning:
        kind = "misattribution" if any(c.kind in ATTRIBUTION_KINDS for c in meaning) else "contradicted"
        message = f"The evidence says otherwise: {describe(meaning)}."
        if verdict.source_sentence:
            message += f" Source: {verdict.source_sentence}"
        # A misattribution is corrected by the speaker or role alone; a contradiction by every meaning change.
        fixes = [c for c in meaning if c.kind in ATTRIBUTION_KINDS] if kind == "misattribution" else meaning
        suggestion = corrected_text(claim.text, fixes, article_offset=claim.start)
    else:
        kind = "contradicted"
        message = "The evidence contradicts this claim" + (f": {deciding.text}" if deciding else ".")
        suggestion = None
    return Flag(
        type=kind,
        claim_id=claim.id,
        start=claim.start,
        end=claim.end,
        text=claim.text,
        message=message,
        suggestion=suggestion if suggestion != claim.text else None,
        confidence=verdict.confidence,
        evidence_ids=decided_by,
        changes=verdict.changes,
        source_sentence=verdict.source_sentence,
    )


def merge_attribution_flags(attribution: list[Flag], verdict: list[Flag]) -> list[Flag]:
    """All flags, in article order; a verdict's misattribution is dropped where the attribution check already flagged one
    there, or flagged the speaker it names (the first sentence of a quotation whose speaker comes after the last); a
    verdict's contradiction is dropped where every change it found is a name the attribution check flagged ("Jordon"
    for "Jordan", "Commerce Secretary Robert Lighthizer" for the trade representative): one error, one flag."""
    flagged = [f for f in attribution if f.type == "misattribution"]
    named = {f.text for f in flagged}

    def already_flagged(flag: Flag) -> bool:
        speakers = [c.article for c in flag.changes if c.kind == "speaker"]
        return any(f.start < flag.end and flag.start < f.end for f in flagged) or bool(speakers) and set(speakers) <= named

    def names_flagged(flag: Flag) -> bool:
        meaning = [c for c in flag.changes if c.kind in MEANING_KINDS]
        return bool(meaning) and all(
            c.kind == "entity" and c.article_start is not None and c.article_end is not None
            and any(f.start <= c.article_start and c.article_end <= f.end for f in attribution) for c in meaning)

    kept = [f for f in verdict if not ((f.type == "misattribution" and already_flagged(f)) or (f.type == "contradicted" and names_flagged(f)))]
    flags = attribution + kept
    flags.sort(key=lambda f: (f.start, f.type))
    return flags
