"""Split an article into plain and flagged segments for the highlighted article view.

Segments carry raw text; the template escapes each one (autoescape), so article text
is never marked safe. Overlapping flags are handled by cutting the text at every flag
boundary: each piece lists every flag that covers it, and no tags ever cross.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, Sequence


class Span(Protocol):
    id: int
    type: str
    start: int
    end: int


@dataclass(frozen=True)
class Segment:
    text: str
    flags: tuple = ()

    @property
    def types(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(flag.type for flag in self.flags))

    @property
    def flag_ids(self) -> str:
        return " ".join(str(flag.id) for flag in self.flags)


def valid_span(text: str, span: Span) -> bool:
    return 0 <= span.start < span.end <= len(text)


def segments(text: str, spans: Sequence[Span]) -> list[Segment]:
    """Cut ``text`` at each span boundary; spans with offsets outside the text are skipped."""
    usable = [span for span in spans if valid_span(text, span)]
    cuts = sorted({0, len(text), *(s.start for s in usable), *(s.end for s in usable)})
    pieces = []
    for left, right in zip(cuts, cuts[1:]):
        covering = tuple(s for s in usable if s.start <= left and right <= s.end)
        pieces.append(Segment(text[left:right], covering))
    return pieces


def context_window(text: str, start: int, end: int, width: int = 240) -> tuple[str, str, str]:
    """The flagged span with up to ``width`` characters either side: (before, span, after)."""
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    before = text[max(0, start - width) : start]
    after = text[end : end + width]
    return ("…" + before if start > width else before, text[start:end], after + "…" if end + width < len(text) else after)
