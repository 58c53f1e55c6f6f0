"""Stage progress for whoever is watching a flow run in this process (the CLI's progress bar)."""

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
