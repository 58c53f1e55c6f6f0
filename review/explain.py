"""Plain words for what the checker computed, so an editor can read every number shown."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

# What the NLI verifier's reading of a passage means for the claim, in the editor's words.
READINGS = {
    "contradiction": "the source says otherwise",
    "entailment": "the source says the same",
    "neutral": "the source neither confirms nor contradicts it",
}

VERDICT_WORDS = {
    "supported": "supported by the evidence",
    "contradicted": "contradicted by the evidence",
    "not_enough_evidence": "not covered by the evidence",
    "needs_review": "undecided: the checker leaves it to an editor",
}

# How each flag type's confidence is computed (pipeline/flags.py, pipeline/attribution.py).
FLAG_CONFIDENCE = {
    "contradicted": "how sure the checker is that the source contradicts the sentence (the verdict's confidence)",
    "misattribution": "how sure the checker is that the words belong to someone else",
    "unsupported": "the verdict's confidence that no passage supports the claim, multiplied by the claim's "
    "check-worthiness, so it is lower than the verdict's confidence",
    "needs_review": "the verdict's confidence (low: the evidence neither clearly supports nor contradicts it)",
    "name_misspelling": "how close the name is to the spelling in the evidence or roster (100 % would be identical)",
    "malformed_quote": "fixed at 95 %: an unbalanced quotation mark is nearly always a slip",
}

VERDICT_CONFIDENCE = (
    "For supported and contradicted: the calibrated probability of the deciding passage's reading; "
    "when a word-by-word comparison with a source sentence decided, how much of the sentence matched. "
    "For undecided claims: one minus the best passage's support or contradiction."
)
CHECKWORTHINESS = "how likely the sentence states a checkable fact worth checking (the claim classifier's probability)"
READING_PERCENT = "the verifier's calibrated probability of that reading, for this passage against the claim"
RANK = "passages are ranked by how closely they match the claim's words and meaning; rank 1 is the closest"


@dataclass(frozen=True)
class Reading:
    words: str
    percent: float | None  # 0-1

    def __str__(self) -> str:
        return self.words if self.percent is None else f"{self.words} — {self.percent:.0%}"


def reading(label: str, probabilities: dict | None) -> Reading | None:
    """The passage's NLI label in words with its calibrated probability ("the source says otherwise — 92 %")."""
    if label not in READINGS:
        return None
    value = (probabilities or {}).get(label)
    return Reading(READINGS[label], float(value) if isinstance(value, (int, float)) else None)


def link(url: str | None) -> str | None:
    """``url`` when it is an absolute http(s) address, else None (no javascript:, data:, file: links)."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def split_at(text: str, sentence: str | None) -> tuple[str, str, str] | None:
    """(before, sentence, after) when ``sentence`` occurs in ``text``; None otherwise."""
    if not sentence:
        return None
    at = text.find(sentence)
    if at < 0:
        return None
    return text[:at], sentence, text[at + len(sentence) :]


def cited_elsewhere(passage_id: str) -> str:
    """Words for a cited id whose text the report does not carry."""
    if passage_id.startswith("roster:"):
        return f"the roster of people (--roster), entry {passage_id.split(':', 1)[1]}"
    return f"evidence passage {passage_id} (its text is not in this report)"
