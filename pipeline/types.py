"""Typed records passed between pipeline stages.

Every record is a frozen dataclass. Ids are stable content hashes so that the same
article, evidence set and models always give the same ids (reports can be diffed and
editors' decisions survive a re-run).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Literal

VerdictLabel = Literal["supported", "contradicted", "not_enough_evidence", "needs_review"]
FlagType = Literal["name_misspelling", "misattribution", "contradicted", "unsupported", "malformed_quote", "needs_review"]
NliLabel = Literal["entailment", "neutral", "contradiction"]

VERDICT_LABELS: tuple[str, ...] = ("supported", "contradicted", "not_enough_evidence", "needs_review")
FLAG_TYPES: tuple[str, ...] = (
    "name_misspelling", "misattribution", "contradicted", "unsupported", "malformed_quote", "needs_review"
)
# Kinds of a word-level change between an article sentence and the source sentence it restates.
CHANGE_KINDS: tuple[str, ...] = (
    "number", "date", "negation", "direction", "entity", "speaker", "role", "hedge", "content", "harmless"
)


def content_id(prefix: str, *parts: object) -> str:
    """Return a short stable id such as ``c-1a2b3c4d5e`` built from ``parts``."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()
    return f"{prefix}-{digest[:10]}"


@dataclass(frozen=True)
class Article:
    """An article as read from disk: ``text`` is exactly the decoded file content.

    For HTML, ``text`` is the extracted main text; offsets in every other record index into ``text``.
    """

    path: str
    text: str
    title: str
    sha256: str
    format: str = "txt"


@dataclass(frozen=True)
class Sentence:
    id: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Quote:
    """A quotation and who the article credits it to.

    ``opening_mark_missing`` is set when the quotation ends with a closing mark but
    has no matching opening mark (a common copy-editing slip).
    """

    id: str
    start: int
    end: int
    text: str
    speaker: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    speaker_role: str | None = None
    opening_mark_missing: bool = False
    closing_mark_missing: bool = False
    speaker_kind: str | None = None  # "name", "previous" (earlier quotation), "pronoun", "role" or "body" ("the company said")


@dataclass(frozen=True)
class Claim:
    id: str
    text: str
    start: int
    end: int
    checkworthiness: float
    sentence_id: str
    quote_id: str | None = None
    speaker: str | None = None
    # how the article credits the quotation: "name" (named at it), "previous" (the quotation before's speaker),
    # "pronoun", "role", "body"; None when unknown
    speaker_kind: str | None = None


@dataclass(frozen=True)
class Passage:
    id: str
    text: str
    source: str = ""
    url: str = ""
    title: str = ""
    date: str = ""
    speaker: str = ""


@dataclass(frozen=True)
class RetrievedPassage:
    passage: Passage
    score: float


@dataclass(frozen=True)
class EvidenceJudgement:
    """One passage judged against one claim by the NLI model."""

    passage: Passage
    retrieval_score: float
    label: str
    probabilities: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Change:
    """One edit between an article sentence and the source sentence it restates.

    ``article``/``source`` are the differing words ("" for a pure insertion or deletion).
    ``article_start``/``article_end`` are offsets into the article text (as every other
    offset); ``source_start``/``source_end`` are offsets into the source sentence.
    ``kind`` is one of `CHANGE_KINDS`; only "harmless" leaves a claim supported.
    """

    kind: str
    article: str
    source: str
    article_start: int | None = None
    article_end: int | None = None
    source_start: int | None = None
    source_end: int | None = None


@dataclass(frozen=True)
class Verdict:
    claim_id: str
    label: str
    confidence: float
    evidence: tuple[EvidenceJudgement, ...] = ()
    note: str = ""  # why, in words, when a rule rather than the model decided (e.g. "number 27 -> 28")
    changes: tuple[Change, ...] = ()  # word-level edits against the deciding source sentence
    source_sentence: str | None = None  # the evidence sentence the claim restates, when one was found
    decided_by: tuple[str, ...] = ()  # ids of the passages that decided the verdict


@dataclass(frozen=True)
class Person:
    name: str
    aliases: tuple[str, ...] = ()
    role: str = ""
    organisation: str = ""
    source_ids: tuple[str, ...] = ()
    other_roles: tuple[str, ...] = ()  # further roles the evidence gives them ("captain", then "flanker")

    @property
    def roles(self) -> tuple[str, ...]:
        """The role, then every other role on record (the first may be "")."""
        return (self.role, *self.other_roles)


@dataclass(frozen=True)
class Flag:
    type: str
    claim_id: str | None
    start: int
    end: int
    text: str
    message: str
    suggestion: str | None = None
    confidence: float = 1.0
    evidence_ids: tuple[str, ...] = ()
    changes: tuple[Change, ...] = ()  # what differs from the deciding source sentence
    source_sentence: str | None = None  # that source sentence, for side-by-side display

    @property
    def id(self) -> str:
        return content_id("f", self.type, self.start, self.end, self.text)


@dataclass(frozen=True)
class Report:
    article: Article
    models: dict[str, str]
    claims: tuple[Claim, ...]
    verdicts: dict[str, Verdict]
    flags: tuple[Flag, ...]
    timings: dict[str, float] = field(default_factory=dict)
