"""Sessions that end, throttled logins, the Origin check, the database file's mode, note limits."""

from __future__ import annotations

import os

from fastapi.testclient import TestClient

from review import accounts, store
from tests.review.conftest import csrf_from, decide, flag_pk, login
from tests.review.sample_report import sample_report


def test_a_cookie_saved_before_logout_opens_nothing_after_it(app, alice):
    saved = alice.cookies.get("factcheck_session")
    assert alice.get("/", follow_redirects=False).status_code == 200
    token = csrf_from(alice.get("/").text)
    assert alice.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    with TestClient(app) as thief:
        thief.cookies.set("factcheck_session", saved)
        assert thief.get("/", follow_redirects=False).status_code == 303
        assert thief.get("/api/runs").status_code == 401


def test_disabling_an_editor_ends_every_session_and_refuses_login(app, alice, db_url):
    assert alice.get("/", follow_redirects=False).status_code == 200
    assert accounts.disable_user(store.get_engine(db_url), "alice") == 1
    assert alice.get("/", follow_redirects=False).status_code == 303
    with TestClient(app) as again:
        assert login(again).status_code == 401
    accounts.enable_user(store.get_engine(db_url), "alice")
    with TestClient(app) as again:
        assert login(again).status_code == 303


def test_wrong_passwords_in_a_row_refuse_even_the_right_one_until_lifted(app, db_url):
    with TestClient(app) as client:
        for _ in range(4):
            assert login(client, "alice", "wrong").status_code == 401
        refused = login(client)  # the right password, straight after
        assert refused.status_code == 429 and "wait" in refused.text and int(refused.headers["retry-after"]) >= 1
        assert client.get("/", follow_redirects=False).status_code == 303
        engine = store.get_engine(db_url)
        accounts.unlock_user(engine, "alice")
        accounts.lift_throttle(engine, accounts.address_key("testclient"))
        assert login(client).status_code == 303


def test_a_post_from_another_origin_is_refused_and_writes_nothing(alice, db_url, run_id):
    pk = flag_pk(run_id, "f-contra", db_url)
    page = alice.get(f"/flags/{pk}").text
    data = {"csrf_token": csrf_from(page), "seen_decision_id": "0", "action": "reject"}
    response = alice.post(f"/flags/{pk}/decisions", data=data, headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    response = alice.post(f"/flags/{pk}/decisions", data=data, headers={"Referer": "https://evil.example/x"})
    assert response.status_code == 403
    assert alice.get(f"/api/flags/{pk}").json()["history"] == []
    ok = alice.post(f"/flags/{pk}/decisions", data=data, headers={"Origin": "http://testserver"}, follow_redirects=False)
    assert ok.status_code == 303


def test_the_database_file_is_private(tmp_path):
    old = os.umask(0o022)
    try:
        url = f"sqlite:///{tmp_path / 'new.sqlite'}"
        store.record_run(sample_report(), database_url=url)
        assert (tmp_path / "new.sqlite").stat().st_mode & 0o777 == 0o600
    finally:
        os.umask(old)
        store.dispose_engines()


def test_a_too_long_note_is_refused_with_the_text_kept(alice, db_url, run_id):
    pk = flag_pk(run_id, "f-contra", db_url)
    note = "n" * 6000
    response = decide(alice, pk, "reject", note=note)
    assert response.status_code == 400 and "at most 5000" in response.text
    assert f">{note}</textarea>" in response.text and 'maxlength="5000"' in response.text


def test_the_same_decision_twice_is_one_decision(alice, db_url, run_id):
    pk = flag_pk(run_id, "f-contra", db_url)
    page = alice.get(f"/flags/{pk}").text
    data = {"csrf_token": csrf_from(page), "seen_decision_id": "0", "action": "accept"}
    assert alice.post(f"/flags/{pk}/decisions", data=data, follow_redirects=False).status_code == 303
    assert alice.post(f"/flags/{pk}/decisions", data=data, follow_redirects=False).status_code == 303  # double click
    assert [d["action"] for d in alice.get(f"/api/flags/{pk}").json()["history"]] == ["accept"]
