"""Progress for whoever is watching a flow run in this process (the CLI's progress bars): each stage as it
finishes, the passages of a new evidence set as they are embedded (hours for a large archive, once), and
the verify stage's sentences as they are scored (the long part of a long check)."""

from __future__ import annotations

from typing import Callable

_listeners: list[Callable[[str], None]] = []


def subscribe(listener: Callable[[str], None]) -> Callable[[], None]:
    """Call ``listener(stage)`` as each stage finishes; returns a function that unsubscribes."""
    _listeners.append(listener)
    return lambda: _listeners.remove(listener)


def stage_done(stage: str) -> None:
    for listener in list(_listeners):
        listener(stage)


class _Count:
    """Whoever follows one kind of work as ``listener(done, total)``."""

    def __init__(self) -> None:
        self._listeners: list[Callable[[int, int], None]] = []

    def subscribe(self, listener: Callable[[int, int], None]) -> Callable[[], None]:
        """Call ``listener(done, total)`` as the work goes on; returns a function that unsubscribes."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def __call__(self, done: int, total: int) -> None:
        for listener in list(self._listeners):
            listener(done, total)


_sentences, _passages = _Count(), _Count()
subscribe_sentences = _sentences.subscribe  # the verify stage scoring sentences
sentences_verified = _sentences  # its progress callback (`NliVerifier.run`'s ``on_progress``)
subscribe_passages = _passages.subscribe  # the evidence stage embedding the passages of a set it has not indexed yet
passages_embedded = _passages  # its progress callback (`EvidenceIndex.for_files`'s ``on_progress``)
