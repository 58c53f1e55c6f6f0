"""A real browser (Debian's Chromium through Playwright) logs in, rejects a flag, reloads."""

from __future__ import annotations

import re
import socket
import threading
import time
from pathlib import Path

import pytest

from tests.review.conftest import PASSWORD, flag_pk
from tests.review.sample_report import SCRIPT

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is absent (apt-get install -y chromium)"),
]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture()
def server(app):
    import uvicorn

    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not uv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    uv.should_exit = True
    thread.join(timeout=10)


def test_editor_rejects_a_flag_and_the_decision_survives_a_reload(server, db_url, run_id):
    from playwright.sync_api import sync_playwright

    dialogs: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            page.goto(f"{server}/runs/{run_id}")
            assert "/login" in page.url  # not logged in: sent to the login page
            page.fill("input[name=username]", "alice")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{server}/runs/{run_id}")
            # the hostile article text is shown as text, not run
            assert SCRIPT in page.inner_text("#article")
            assert page.locator("#article script, #article img").count() == 0

            # keyboard: j selects the first flag and highlights its span; Enter opens it
            page.keyboard.press("j")
            assert page.locator("#flag-list .flag-row.selected").count() == 1
            assert page.locator("#article mark.current").count() >= 1
            first = page.locator("#flag-list .flag-row.selected").get_attribute("data-flag")
            page.locator("#flag-list .flag-row.selected a").click()
            page.wait_for_url(f"{server}/flags/{first}")

            assert int(first) == flag_pk(run_id, "f-contra", db_url)
            assert page.inner_text("#flag-status") == "open"
            page.fill("#note", "the 2017 test was an ICBM, not a claim about this")
            page.locator("#note").evaluate("el => el.blur()")  # keys typed in a text box are not shortcuts
            page.keyboard.press("r")
            # the next open flag opens, saying the decision was saved
            page.wait_for_url(re.compile(rf".*/flags/\d+\?decided={first}$"))
            assert "Decision saved" in page.inner_text("#decision-saved")

            page.goto(f"{server}/flags/{first}")
            assert page.inner_text("#flag-status") == "reject"
            history = page.inner_text("#history")
            assert "alice" in history and "reject" in history and "the 2017 test was an ICBM" in history

            # e edits the correction; Ctrl+Enter submits it as a correction
            page.keyboard.press("j")
            page.wait_for_url(lambda url: re.search(r"/flags/\d+$", url) is not None and not url.endswith(f"/flags/{first}"))
            second = page.url
            page.keyboard.press("e")
            page.keyboard.press("Control+a")
            page.keyboard.type("Officials gave no figure for the cost.")
            page.keyboard.press("Control+Enter")
            page.wait_for_url(re.compile(r".*/flags/\d+\?(decided|saved)=\d+$"))
            page.goto(second)
            assert page.inner_text("#flag-status") == "correct", page.inner_text("#history") + page.url
            assert "Officials gave no figure for the cost." in page.inner_text("#history")

            page.goto(f"{server}/runs/{run_id}?status=reject")
            assert page.locator("#flag-list .flag-row").count() == 1
        finally:
            browser.close()
    assert dialogs == []  # no alert(1) ever fired
