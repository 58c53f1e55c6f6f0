"""Flags derived from quotations (malformed marks) and from verdicts (contradicted, unsupported)."""

from __future__ import annotations

from typing import Mapping, Sequence

from pipeline.types import Article, Claim, Flag, Quote, Verdict


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
    """``contradicted`` for claims the evidence contradicts; ``unsupported`` for check-worthy claims it does not cover."""
    flags = []
    for claim in claims:
        verdict = verdicts.get(claim.id)
        if verdict is None:
            continue
        if verdict.label == "contradicted":
            best = verdict.evidence[0].passage if verdict.evidence else None
            flags.append(
                Flag(
                    type="contradicted",
                    claim_id=claim.id,
                    start=claim.start,
                    end=claim.end,
                    text=claim.text,
                    message="The evidence contradicts this claim"
                    + (f" ({verdict.note})" if verdict.note else "")
                    + (f": {best.text}" if best else "."),
                    suggestion=best.text if best else None,
                    confidence=verdict.confidence,
                    evidence_ids=tuple(j.passage.id for j in verdict.evidence if j.label == "contradiction") or (best.id,) if best else (),
                )
            )
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
    return flags
