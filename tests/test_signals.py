"""Stopping a check: a real `factcheck check` subprocess with its real temporary Prefect server."""

import os
import signal
import subprocess
import sys
import time

import psutil
import pytest

from pipeline.io import write_atomically
from tests.conftest import BUNDLED_ARTICLE, PROJECT_ROOT


def _server_of(process: subprocess.Popen, *, timeout: float = 180) -> psutil.Process:
    """The temporary Prefect server started by ``process``, once it is running."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for child in psutil.Process(process.pid).children(recursive=True):
            try:
                if "flows.server:ephemeral_app" in " ".join(child.cmdline()):
                    return child
            except psutil.NoSuchProcess:
                pass
        assert process.poll() is None, process.stderr.read()
        time.sleep(0.2)
    raise AssertionError("no temporary Prefect server was started")


def _start_long_check(tmp_path, tiny_config) -> subprocess.Popen:
    article = tmp_path / "long.txt"
    article.write_text("\n".join([BUNDLED_ARTICLE.read_text(encoding="utf-8")] * 20), encoding="utf-8")
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect")}
    env.pop("PREFECT_API_URL", None)
    command = [sys.executable, "-m", "cli", "check", str(article), "--config", str(tiny_config), "-o", str(tmp_path / "r.json"), "-o", str(tmp_path / "r.html")]
    return subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _gone(process: psutil.Process, timeout: float = 10) -> bool:
    try:
        process.wait(timeout=timeout)
    except psutil.TimeoutExpired:
        return False
    except psutil.NoSuchProcess:
        pass
    return True


@pytest.mark.parametrize("stop, code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_signal_stops_the_check_and_its_server_and_leaves_no_file(tmp_path, tiny_config, stop, code):
    check = _start_long_check(tmp_path, tiny_config)
    server = _server_of(check)
    check.send_signal(stop)
    _, stderr = check.communicate(timeout=60)
    assert check.returncode == code
    assert stderr.strip().splitlines()[-1] == f"stopped by {stop.name}: check of {tmp_path / 'long.txt'} not finished"
    assert _gone(server)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith((".r.", "r."))) == []


def test_server_dies_with_a_killed_check(tmp_path, tiny_config):
    check = _start_long_check(tmp_path, tiny_config)
    server = _server_of(check)
    check.kill()
    check.communicate(timeout=60)
    assert _gone(server)  # parent-death signal: no orphan left with parent 1


def test_stale_temporary_report_is_removed_by_the_next_write(tmp_path):
    stale = tmp_path / ".r.json.k1ll3d9x"  # what `kill -9` during a write leaves
    stale.write_text("{}")
    other = tmp_path / ".r.json.notes"  # not a temporary name of ours
    other.write_text("keep")
    write_atomically(tmp_path / "r.json", "{}\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".r.json.notes", "r.json"]


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_serving(process: subprocess.Popen, port: int, *, timeout: float = 120) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("factcheck serve did not answer")


@pytest.mark.parametrize("stop, code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_signal_stops_serve_and_its_check_worker_within_5_seconds(tmp_path, stop, code):
    """The worker is still loading the shipped models when the signal comes: it is cut off, not waited for."""
    port = _free_port()
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect")}
    command = [sys.executable, "-m", "cli", "serve", "--port", str(port), "--database-url", f"sqlite:///{tmp_path / 'review.db'}"]
    serve = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait_until_serving(serve, port)
        started = time.monotonic()
        serve.send_signal(stop)
        _, stderr = serve.communicate(timeout=30)
        elapsed = time.monotonic() - started
    finally:
        if serve.poll() is None:
            serve.kill()
    assert serve.returncode == code
    assert elapsed < 5, elapsed
    assert stderr.strip().splitlines()[-1] == f"stopped by {stop.name}: review app on http://127.0.0.1:{port}/ not finished"
    import socket

    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", port), timeout=2):
        pass  # nothing listens on the port any more
