"""The Prefect API a command runs its flows against: ``$PREFECT_API_URL`` when set, else a temporary server it owns.

Prefect's own temporary server (started lazily by the first flow) outlives its parent when the
parent is killed. This one is started by the command itself, before any flow, as a child process
that the kernel signals when the parent dies (``PR_SET_PDEATHSIG``), and it is stopped when the
command ends or is stopped by a signal (cli/signals.py stops every child process).
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from typing import Iterator

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


_PARENT_VARIABLE = "FACTCHECK_SERVER_PARENT_PID"


def ephemeral_app():
    """The uvicorn app factory of the temporary server: Prefect's API without the UI, as Prefect's own temporary server."""
    from prefect.server.api.server import create_app

    _die_with_parent(int(os.environ.get(_PARENT_VARIABLE, "0")))
    return create_app(ephemeral=True, final=True)


def _die_with_parent(parent_pid: int) -> None:
    """Ask the kernel for SIGTERM when the parent dies (even by SIGKILL); exit now if it is already gone.

    Done in the child itself rather than in a ``preexec_fn``, which can deadlock when the parent has threads.
    """
    if not parent_pid:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() != parent_pid:  # the parent died before the request took effect
        os._exit(0)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_temporary_server(*, timeout: float) -> tuple[subprocess.Popen, str]:
    """Start Prefect's API on a free loopback port as a child that dies with this process; return it and its API URL.

    The kernel sends the parent-death signal when the *thread* that started the child ends: call it
    from a thread that lives as long as the server is needed (`prefect_api` does).

    Raises:
        RuntimeError: the server exited or did not answer its health check within ``timeout`` seconds.
    """
    import httpx

    port = _free_port()
    command = [
        sys.executable, "-m", "uvicorn", "--factory", "flows.server:ephemeral_app",
        "--host", "127.0.0.1", "--port", str(port), "--log-level", "error", "--lifespan", "on",
        "--timeout-graceful-shutdown", "2",
    ]  # fmt: skip
    env = {**os.environ, "PREFECT_SERVER_UI_ENABLED": "false", "PREFECT_SERVER_ANALYTICS_ENABLED": "false", _PARENT_VARIABLE: str(os.getpid())}
    env.pop("PREFECT_API_URL", None)
    process = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL)
    api_url = f"http://127.0.0.1:{port}/api"
    deadline = time.monotonic() + timeout
    with httpx.Client(timeout=2) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"the temporary Prefect server exited with code {process.returncode} before it answered")
            try:
                if client.get(f"{api_url}/health").status_code == 200:
                    return process, api_url
            except httpx.TransportError:
                pass
            time.sleep(0.1)
    stop_server(process)
    raise RuntimeError(f"the temporary Prefect server did not answer within {timeout:.0f} s (PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS)")


def stop_server(process: subprocess.Popen, *, grace: float = 3.0) -> None:
    """SIGTERM, then SIGKILL after ``grace`` seconds."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _drain_prefect_workers() -> None:
    """Send the logs and events Prefect still holds while the server can take them (else: connection errors at exit)."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all(timeout=5)
    EventsWorker.drain_all(timeout=5)


def _use_api_url(api_url: str | None) -> None:
    """Point this process, all its threads and its future child processes at ``api_url`` (None: unset)."""
    from prefect.context import refresh_global_settings_context

    if api_url:
        os.environ["PREFECT_API_URL"] = api_url
    else:
        os.environ.pop("PREFECT_API_URL", None)
    refresh_global_settings_context()


@contextmanager
def prefect_api() -> Iterator[str]:
    """The Prefect API URL to run flows against, for the duration of the block.

    ``PREFECT_API_URL`` set (environment or Prefect profile): that server is used, nothing is started.
    Otherwise a temporary server is started (see `start_temporary_server`), exported as
    ``PREFECT_API_URL`` to this process, its threads and its child processes (Dask workers), and
    stopped at the end.
    """
    from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS

    existing = PREFECT_API_URL.value()  # the environment, the Prefect profile or a test harness
    if existing:
        yield existing
        return

    process, api_url = start_temporary_server(timeout=PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value())
    _use_api_url(api_url)
    try:
        yield api_url
    finally:
        try:
            _drain_prefect_workers()
        finally:
            _use_api_url(None)
            stop_server(process)
