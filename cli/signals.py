"""SIGINT and SIGTERM for long commands: stop the work, leave nothing behind, exit 130 / 143 with one line.

The work runs in a worker thread while the main thread only waits, so a signal is handled at
once, whatever the work is doing (a model's forward pass, Prefect's engine, which installs its
own SIGTERM handler in the main thread and reports a crash before giving up). On a signal the
temporary files being written are removed, every child process (the temporary Prefect server,
Dask workers, flow runs of `factcheck schedule`) is stopped, SIGKILL after a grace period, and
the process exits without running the rest of the work.
"""

from __future__ import annotations

import contextvars
import os
import signal
import sys
import threading
from typing import Callable, TypeVar

T = TypeVar("T")

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
CHILD_GRACE_SECONDS = 3.0
# How long work asked to stop gently (a web server closing its connections) may take before it is cut off.
GENTLE_STOP_SECONDS = 2.5


def stop_child_processes(*, grace: float = CHILD_GRACE_SECONDS) -> None:
    """SIGTERM every descendant of this process, then SIGKILL those still running after ``grace`` seconds."""
    import psutil

    children = psutil.Process().children(recursive=True)
    for child in children:
        try:
            child.terminate()
        except psutil.NoSuchProcess:
            pass
    _, alive = psutil.wait_procs(children, timeout=grace)
    for child in alive:
        try:
            child.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(alive, timeout=grace)


def _stop(signum: int, what: str) -> None:
    """Clean up and leave: never returns."""
    from pipeline.io import remove_pending_temporaries

    for stop_signal in STOP_SIGNALS:  # a second Ctrl-C must not interrupt the clean-up
        signal.signal(stop_signal, signal.SIG_IGN)
    remove_pending_temporaries()
    stop_child_processes()
    remove_pending_temporaries()  # one the work thread began while the children stopped
    print(f"stopped by {signal.Signals(signum).name}: {what} not finished", file=sys.stderr, flush=True)
    sys.stdout.flush()
    os._exit(128 + signum)


def run_stoppably(work: Callable[[], T], *, what: str, stop_gently: Callable[[], None] | None = None) -> T:
    """Run ``work()`` and return its result; SIGINT or SIGTERM meanwhile stops it (exit 130 / 143).

    ``what`` names the work in the one line printed on a signal (``"check of a.txt"``).
    ``stop_gently``, if given, is called first on a signal (e.g. to let a web server finish its
    requests); the work then has `GENTLE_STOP_SECONDS` to end before it is cut off all the same.
    Outside the main thread (signals cannot be handled there) ``work`` simply runs.
    """
    if threading.current_thread() is not threading.main_thread():
        return work()
    outcome: dict[str, object] = {}

    def target() -> None:
        try:
            outcome["value"] = work()
        except BaseException as exc:  # re-raised in the main thread
            outcome["error"] = exc

    # copy_context: the work sees the context variables (Prefect settings) of the caller.
    worker = threading.Thread(target=contextvars.copy_context().run, args=(target,), name="factcheck-work", daemon=True)

    def on_signal(signum: int, _frame) -> None:
        if stop_gently is not None:
            for stop_signal in STOP_SIGNALS:
                signal.signal(stop_signal, signal.SIG_IGN)
            stop_gently()
            worker.join(GENTLE_STOP_SECONDS)
        _stop(signum, what)

    previous = {s: signal.signal(s, on_signal) for s in STOP_SIGNALS}
    try:
        worker.start()
        while worker.is_alive():
            worker.join(0.2)  # the wait wakes for signals; the handler runs here, in the main thread
    finally:
        for stop_signal, handler in previous.items():
            signal.signal(stop_signal, handler)
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]
