"""A real browser (Debian's Chromium through Playwright) logs in, rejects a flag, reloads."""

from __future__ import annotations

import re
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy.orm import Session

from review import store
from review.store import DecisionInput
from tests.conftest import BUNDLED_ARTICLE
from tests.review.conftest import PASSWORD, flag_pk
from tests.review.sample_report import SCRIPT

DESK_ARTICLE = BUNDLED_ARTICLE.read_text(encoding="utf-8")

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


@contextmanager
def serving(app, *, lifespan: str = "off") -> Iterator[str]:
    """``app`` served by uvicorn on a free loopback port in a thread; yields its base URL."""
    import uvicorn

    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan=lifespan)
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not uv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        uv.should_exit = True
        thread.join(timeout=10)


@pytest.fixture()
def server(app):
    with serving(app) as url:
        yield url


@pytest.fixture()
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def test_editor_rejects_a_flag_and_the_decision_survives_a_reload(server, chromium, db_url, run_id):
    dialogs: list[str] = []
    page = chromium.new_page()
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
    assert dialogs == []  # no alert(1) ever fired


def _earlier_decisions(db_url: str, run_id: int, editor: int, count: int) -> None:
    """``count`` decisions already in the history (accept and reject in turn on the sample run's flags)."""
    engine = store.get_engine(db_url)
    pks = [flag_pk(run_id, f, db_url) for f in ("f-contra", "f-unsup", "f-misattr", "f-name", "f-quote")]
    for n in range(count):
        pk = pks[n % len(pks)]
        with Session(engine) as session:
            latest = store.latest_decision(session, pk)
        action = "reject" if latest is not None and latest.action == "accept" else "accept"
        store.decide(engine, flag_pk=pk, user_id=editor, decision=DecisionInput(action, seen_decision_id=latest.id if latest else 0))


def test_a_desk_day_in_chromium_check_assign_decide_comment_page_logout(chromium, db_url, editors, run_id, tiny_config):
    """Log in, start a check from the New check page, assign its report, decide two flags by keyboard,
    comment, page the history, log out; the cookie saved before logging out then opens nothing."""
    from pipeline.config import load_config
    from review.app import create_app

    _earlier_decisions(db_url, run_id, editors["bob"], 55)
    app = create_app(database_url=db_url, config=load_config(tiny_config))
    with serving(app, lifespan="on") as server:  # the lifespan starts the check worker
        page = chromium.new_page()
        page.goto(f"{server}/checks/new")
        page.fill("input[name=username]", "alice")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{server}/checks/new")

        page.fill("#check-title", "Summit, checked from the browser")
        page.fill("#check-text", DESK_ARTICLE)
        page.fill("#check-url", "https://news.example/2026/summit")
        page.fill("#check-published", "2026-11-30")
        page.click("#start-check")
        page.wait_for_url(re.compile(r".*/runs/\d+$"), timeout=120_000)  # the progress page opens the report when done
        run = int(page.url.rsplit("/", 1)[1])
        assert run != run_id and "Summit, checked from the browser" in page.inner_text("h1")

        page.select_option("#run-assignee", "bob")
        page.click("#assign")
        page.wait_for_load_state()
        assert page.locator("#run-assignee option:checked").inner_text() == "bob"

        # two flags decided with the keyboard: j selects, Enter opens, a accepts (the next open flag opens), r rejects
        page.keyboard.press("j")
        first = page.locator("#flag-list .flag-row.selected").get_attribute("data-flag")
        page.keyboard.press("Enter")
        page.wait_for_url(f"{server}/flags/{first}")
        page.keyboard.press("a")
        page.wait_for_url(re.compile(rf".*/flags/\d+\?decided={first}$"))
        second = page.url.split("/flags/")[1].split("?")[0]
        assert second != first and "Decision saved" in page.inner_text("#decision-saved")
        page.keyboard.press("r")
        page.wait_for_url(re.compile(rf".*/flags/\d+\?(decided|saved)={second}$"))

        page.goto(f"{server}/flags/{second}")
        assert page.inner_text("#flag-status") == "reject"
        page.fill("#comment", "Rejected: the roster spells it this way.")
        page.click("#add-comment")
        page.wait_for_url(f"{server}/flags/{second}#comments")
        assert "Rejected: the roster spells it this way." in page.inner_text("#comment-list")

        page.goto(f"{server}/history")
        assert "1–50 of 57 decisions" in page.inner_text("#page-count")
        assert page.locator("text=Summit, checked from the browser").count() >= 2  # the two new decisions come first
        page.click("#page-next")
        page.wait_for_url(re.compile(r".*/history\?page=2$"))
        assert "51–57 of 57 decisions · page 2 of 2" in page.inner_text("#page-count")

        saved = page.context.cookies()
        page.click("#logout")
        page.wait_for_url(re.compile(r".*/login.*"))
        replay = chromium.new_context()
        replay.add_cookies(saved)
        again = replay.new_page()
        again.goto(f"{server}/runs/{run}")
        assert "/login" in again.url  # the session ended with the logout: a copy of the cookie opens nothing
        replay.close()

    with Session(store.get_engine(db_url)) as session:
        checked = session.get(store.Run, run)
        assert (checked.assignee.username, checked.status, checked.article_url) == ("bob", "in_review", "https://news.example/2026/summit")
        actions = {int(pk): store.latest_decision(session, int(pk)).action for pk in (first, second)}
        assert actions == {int(first): "accept", int(second): "reject"}
