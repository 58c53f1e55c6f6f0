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


@dataclass(frozen=True)
class Piece:
    """A piece of a sentence: ``kind`` names the change it is part of, or is None for unchanged text."""

    text: str
    kind: str | None = None


def marked_pieces(text: str, spans: Sequence[tuple[int, int, str]]) -> list[Piece]:
    """Cut ``text`` into unchanged pieces and (start, end, kind) change pieces.

    Spans outside the text, empty or overlapping an earlier one are skipped, so a bad
    offset leaves words unmarked rather than garbled. Pieces carry raw text: the template escapes.
    """
    pieces, pos = [], 0
    for start, end, kind in sorted(spans):
        if start < pos or start >= end or end > len(text):
            continue
        if start > pos:
            pieces.append(Piece(text[pos:start]))
        pieces.append(Piece(text[start:end], kind or "change"))
        pos = end
    if pos < len(text) or not pieces:
        pieces.append(Piece(text[pos:]))
    return pieces


def change_pieces(flag_text: str, flag_start: int, source: str | None, changes: Sequence[dict] | None) -> tuple[list[Piece], list[Piece]]:
    """(flag text, source sentence) pieces with the changed words of ``changes`` marked.

    Article offsets of a change index the article, so they are made relative to the flag's start.
    """
    in_flag, in_source = [], []
    for change in changes or ():
        kind = str(change.get("kind") or "change")
        a, b = change.get("article_start"), change.get("article_end")
        if isinstance(a, int) and isinstance(b, int):
            in_flag.append((a - flag_start, b - flag_start, kind))
        a, b = change.get("source_start"), change.get("source_end")
        if isinstance(a, int) and isinstance(b, int):
            in_source.append((a, b, kind))
    return marked_pieces(flag_text, in_flag), marked_pieces(source or "", in_source)
