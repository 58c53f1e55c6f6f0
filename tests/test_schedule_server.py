"""`factcheck schedule` against a real `prefect server start` on loopback, driven through run_deployment."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.test_check_inbox_flow import make_inbox

BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _stop(process: subprocess.Popen | None) -> None:
    """Stop a process this test started, and its children (it leads its own session)."""
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def _wait_for(condition, timeout: float, what: str, process: subprocess.Popen, log: Path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{what}: process exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            value = condition()
            if value:
                return value
        except Exception:  # not up yet
            pass
        time.sleep(1)
    raise AssertionError(f"{what} did not happen within {timeout} s:\n{log.read_text()[-3000:]}")


@pytest.mark.slow
def test_scheduled_deployment_checks_an_inbox_and_reports_the_broken_article(tiny_config, tmp_path):
    from prefect.client.orchestration import get_client
    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL, temporary_settings

    port = _free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    env = {
        **os.environ,
        "PREFECT_HOME": str(tmp_path / "prefect-home"),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_LOGGING_LEVEL": "WARNING",
    }
    env.pop("PREFECT_API_URL", None)
    inbox = make_inbox(tmp_path / "inbox", 2, broken=True)
    out = tmp_path / "out"
    server = served = None
    server_log, serve_log = tmp_path / "server.log", tmp_path / "serve.log"
    try:
        with server_log.open("w") as log:
            server = subprocess.Popen(
                [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
                env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        _wait_for(lambda: httpx.get(f"{api_url}/health", timeout=2).status_code == 200, 180, "server health", server, server_log)

        with serve_log.open("w") as log:
            served = subprocess.Popen(
                [sys.executable, "-m", "cli", "schedule", "--inbox", str(inbox), "--output", str(out),
                 "--cron", "0 0 1 1 *", "--config", str(tiny_config), "--name", "test-inbox"],
                env={**env, "PREFECT_API_URL": api_url}, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )

        with temporary_settings(updates={PREFECT_API_URL: api_url}):

            def deployment():
                with get_client(sync_client=True) as client:
                    return client.read_deployment_by_name("check-inbox/test-inbox")

            found = _wait_for(deployment, 180, "deployment registration", served, serve_log)
            assert found.schedules and found.schedules[0].schedule.cron == "0 0 1 1 *"
            flow_run = run_deployment("check-inbox/test-inbox", timeout=300)
            assert flow_run.state.is_completed(), f"{flow_run.state}\n{serve_log.read_text()[-3000:]}"
            summary = flow_run.state.result()  # the persisted JSON result, read back from its folder

        assert sorted(c["article"] for c in summary["checked"]) == ["story0.txt", "story1.txt"]
        assert [f["article"] for f in summary["failed"]] == ["broken.txt"] and "binary" in summary["failed"][0]["error"]
        reports = sorted(p.name for p in out.glob("story*.json"))
        assert len(reports) == 2 and reports == sorted(Path(c["report"]).name for c in summary["checked"])
        assert len(list(out.glob("summary-*.json"))) == 1
    finally:
        _stop(served)
        _stop(server)
