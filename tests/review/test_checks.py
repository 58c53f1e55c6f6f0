"""A check started from the browser's form runs on the app's worker (real pipeline, tiny models) and becomes a run."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from pipeline.config import load_config
from review import store
from review.app import create_app
from tests.review.conftest import csrf_from, login

ARTICLE = "Kim Jong Un met Donald Trump in Singapore on 12 June 2018. Officials said the summit cost $20 million.\n"


def test_new_check_is_queued_run_by_the_worker_and_opens_its_report(db_url, editors, run_id, tiny_config):
    app = create_app(database_url=db_url, config=load_config(tiny_config))
    with TestClient(app) as alice:  # the lifespan starts the worker thread
        assert login(alice).status_code == 303
        token = csrf_from(alice.get("/checks/new").text)
        bad = alice.post("/checks", data={"csrf_token": token, "title": "Summit", "text": "  ", "evidence_set": "default"})
        assert bad.status_code == 400 and "paste the article" in bad.text and 'value="Summit"' in bad.text
        started = alice.post(
            "/checks",
            data={"csrf_token": token, "title": "Summit cost", "text": ARTICLE, "evidence_set": "default",
                  "url": "https://news.example/summit", "published": "2026-11-30"},
            follow_redirects=False,
        )
        assert started.status_code == 303
        job = started.headers["location"].rsplit("/", 1)[1]
        deadline = time.monotonic() + 240
        while (state := alice.get(f"/api/checks/{job}").json())["status"] in ("queued", "running"):
            assert time.monotonic() < deadline, state
            time.sleep(0.5)
        assert state["status"] == "done", state
        opened = alice.get(f"/checks/{job}", follow_redirects=False)
        assert opened.headers["location"] == f"/runs/{state['run_id']}"
        newest = alice.get("/api/runs").json()["runs"][0]
        assert (newest["id"], newest["title"], newest["status"]) == (state["run_id"], "Summit cost", "new")
        assert app.state.worker.running  # one long-lived worker served the check
        with Session(store.get_engine(db_url)) as session:
            run = session.get(store.Run, state["run_id"])
            assert (run.article_url, run.article_published) == ("https://news.example/summit", "2026-11-30")
