"""The desk's own actions through the app: the admin page, paging and filters, comments, assignment and status."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from review import store
from tests.review.conftest import PASSWORD, csrf_from, decide, flag_pk, login
from tests.review.sample_report import sample_report


def _post(client: TestClient, page: str, action: str, **data):
    """Submit a form of ``page`` (its CSRF token) to ``action``."""
    return client.post(action, data={"csrf_token": csrf_from(client.get(page).text), **data}, follow_redirects=False)


@pytest.fixture()
def admin(app, db_url) -> TestClient:
    store.add_user("ada", PASSWORD, role="admin", database_url=db_url)
    with TestClient(app) as logged_in:
        assert login(logged_in, "ada").status_code == 303
        yield logged_in


def _record_runs(db_url: str, count: int) -> list[int]:
    """``count`` more checks of the sample article, each with its own title ("Summit check N")."""
    ids = []
    for n in range(count):
        report = sample_report(created_at=f"2026-11-{1 + n // 24:02d}T{n % 24:02d}:00:00+00:00")
        report["article"]["title"] = f"Summit check {n}"
        ids.append(store.record_run(report, database_url=db_url))
    return ids


def test_admin_adds_and_disables_an_editor_from_the_page(admin, app, alice):
    added = _post(admin, "/admin/users", "/admin/users", username="carol", password="a long pass phrase", role="editor")
    assert added.status_code == 303
    page = admin.get(added.headers["location"]).text
    assert "Added carol (editor)." in page and "carol" in page
    duplicate = _post(admin, "/admin/users", "/admin/users", username="carol", password="x" * 12, role="editor")
    assert duplicate.status_code == 400 and "already exists" in duplicate.text

    with TestClient(app) as carol:
        assert login(carol, "carol", "a long pass phrase").status_code == 303
        assert carol.get("/", follow_redirects=False).status_code == 200
        disabled = _post(admin, "/admin/users", "/admin/users/carol/disable")
        assert disabled.status_code == 303
        assert "Disabled carol; 1 session(s) ended." in admin.get(disabled.headers["location"]).text
        assert carol.get("/", follow_redirects=False).status_code == 303  # her open session ended at once
        assert login(carol, "carol", "a long pass phrase").status_code != 303

    # an editor has no admin page and cannot post to it
    assert alice.get("/admin/users", follow_redirects=False).status_code == 403
    refused = alice.post("/admin/users/bob/disable", data={"csrf_token": csrf_from(alice.get("/").text)}, follow_redirects=False)
    assert refused.status_code == 403
    assert login(TestClient(app), "bob").status_code == 303  # bob still logs in


def test_runs_list_pages_and_filters_by_search_status_assignee_and_type(alice, db_url, run_id):
    ids = _record_runs(db_url, 55)  # 56 runs with the fixture's
    first = alice.get("/").text
    assert "1–50 of 56 runs · page 1 of 2" in first and first.count('<tr data-run="') == 50
    later = alice.get("/?page=2").text
    assert "51–56 of 56 runs · page 2 of 2" in later and later.count('<tr data-run="') == 6
    assert 'rel="prev"' in later and 'rel="next"' not in later

    found = alice.get("/", params={"q": "check 17"}).text
    assert re.findall(r'<tr data-run="(\d+)"', found) == [str(ids[17])] and "1–1 of 1 runs" in found
    assert alice.get("/api/runs", params={"q": "no such words anywhere"}).json()["total"] == 0

    assert _post(alice, f"/runs/{ids[3]}", f"/runs/{ids[3]}/status", status="done").status_code == 303
    assert _post(alice, f"/runs/{ids[4]}", f"/runs/{ids[4]}/assign", assignee="bob").status_code == 303
    done = alice.get("/api/runs", params={"status": "done"}).json()
    assert [r["id"] for r in done["runs"]] == [ids[3]]
    bobs = alice.get("/api/runs", params={"assignee": "bob"}).json()
    assert [(r["id"], r["assignee"]) for r in bobs["runs"]] == [(ids[4], "bob")]
    assert alice.get("/api/runs", params={"assignee": "-"}).json()["total"] == 55
    assert alice.get("/api/runs", params={"type": "misattribution"}).json()["total"] == 56  # every sample run has one
    assert alice.get("/", params={"status": "lost"}).status_code == 400


def test_history_pages_and_filters_by_editor_and_decision(alice, bob, db_url, run_id):
    runs = [run_id, *_record_runs(db_url, 11)]
    for n, run in enumerate(runs):
        for flag in ("f-contra", "f-unsup", "f-misattr", "f-name", "f-quote"):
            editor = alice if n % 2 == 0 else bob
            assert decide(editor, flag_pk(run, flag, db_url), "accept" if flag != "f-unsup" else "reject").status_code == 303
    first = alice.get("/history").text
    assert "1–50 of 60 decisions · page 1 of 2" in first
    assert "51–60 of 60 decisions · page 2 of 2" in alice.get("/history?page=2").text
    assert "1–30 of 30 decisions" in alice.get("/history", params={"editor": "bob"}).text
    assert "1–12 of 12 decisions" in alice.get("/history", params={"action": "reject"}).text
    assert "1–6 of 6 decisions" in alice.get("/history", params={"editor": "bob", "action": "reject"}).text


def test_a_comment_joins_the_flags_thread_with_its_author(alice, bob, db_url, run_id):
    pk = flag_pk(run_id, "f-contra", db_url)
    assert "No comments yet." in alice.get(f"/flags/{pk}").text
    posted = _post(alice, f"/flags/{pk}", f"/flags/{pk}/comments", body="Called the ministry: <b>2017</b> is right.")
    assert posted.status_code == 303 and posted.headers["location"] == f"/flags/{pk}#comments"
    _post(bob, f"/flags/{pk}", f"/flags/{pk}/comments", body="Agreed.")
    page = bob.get(f"/flags/{pk}").text
    thread = page[page.index('id="comment-list"'):]
    assert thread.index("alice") < thread.index("Called the ministry") < thread.index("bob") < thread.index("Agreed.")
    assert "&lt;b&gt;2017&lt;/b&gt;" in thread and "<b>2017</b>" not in thread
    empty = _post(alice, f"/flags/{pk}", f"/flags/{pk}/comments", body="   ")
    assert empty.status_code == 400 and "Comment not saved" in empty.text
    other = flag_pk(run_id, "f-unsup", db_url)
    assert "No comments yet." in alice.get(f"/flags/{other}").text  # threads are per flag


def test_assignment_and_status_show_on_the_run_and_the_list(alice, db_url, run_id, editors):
    assert alice.get("/api/runs").json()["runs"][0]["status"] == "new"
    decide(alice, flag_pk(run_id, "f-contra", db_url), "accept")
    assert alice.get("/api/runs").json()["runs"][0]["status"] == "in_review"  # the first decision starts the review

    assigned = _post(alice, f"/runs/{run_id}", f"/runs/{run_id}/assign", assignee="bob", back="/")
    assert assigned.status_code == 303 and assigned.headers["location"] == "/"
    row = alice.get("/").text
    assert re.search(r'<td class="assignee">bob</td>', row)
    assert re.search(r'<option value="bob" selected>bob</option>', alice.get(f"/runs/{run_id}").text)
    assert _post(alice, f"/runs/{run_id}", f"/runs/{run_id}/assign", assignee="mallory").status_code == 400
    _post(alice, f"/runs/{run_id}", f"/runs/{run_id}/assign", assignee="")
    assert alice.get("/api/runs").json()["runs"][0]["assignee"] is None

    assert _post(alice, f"/runs/{run_id}", f"/runs/{run_id}/status", status="done").status_code == 303
    assert 'class="run-status run-done"' in alice.get("/").text
    bad = _post(alice, f"/runs/{run_id}", f"/runs/{run_id}/status", status="published")
    assert bad.status_code == 400 and "status must be one of new, in_review, done" in bad.text
    assert alice.get("/api/runs").json()["runs"][0]["status"] == "done"
    assert _post(alice, "/", "/runs/9999/status", status="done").status_code == 404
