"""Progress for whoever is watching a flow run in this process (the CLI's progress bars): each stage as it
finishes, the passages of a new evidence set as they are embedded (hours for a large archive, once), and
the verify stage's sentences as they are scored (the long part of a long check)."""

from __future__ import annotations

from typing import Callable

_listeners: list[Callable[[str], None]] = []
_sentence_listeners: list[Callable[[int, int], None]] = []
_passage_listeners: list[Callable[[int, int], None]] = []


def subscribe(listener: Callable[[str], None]) -> Callable[[], None]:
    """Call ``listener(stage)`` as each stage finishes; returns a function that unsubscribes."""
    _listeners.append(listener)
    return lambda: _listeners.remove(listener)


def stage_done(stage: str) -> None:
    for listener in list(_listeners):
        listener(stage)


def subscribe_sentences(listener: Callable[[int, int], None]) -> Callable[[], None]:
    """Call ``listener(done, total)`` as the verify stage scores sentences; returns a function that unsubscribes."""
    _sentence_listeners.append(listener)
    return lambda: _sentence_listeners.remove(listener)


def sentences_verified(done: int, total: int) -> None:
    """The verify stage's progress callback (`NliVerifier.run`'s ``on_progress``)."""
    for listener in list(_sentence_listeners):
        listener(done, total)


def subscribe_passages(listener: Callable[[int, int], None]) -> Callable[[], None]:
    """Call ``listener(done, total)`` as the evidence stage embeds the passages of a set it has not indexed yet."""
    _passage_listeners.append(listener)
    return lambda: _passage_listeners.remove(listener)


def passages_embedded(done: int, total: int) -> None:
    """The evidence stage's progress callback (`EvidenceIndex.for_files`'s ``on_progress``)."""
    for listener in list(_passage_listeners):
        listener(done, total)
