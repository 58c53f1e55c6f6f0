"""Fixtures for the review app: a fresh SQLite database per test, editors, a recorded run."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from review import store
from review.app import create_app
from tests.review.sample_report import sample_report

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch):
    """Real Argon2, with the smallest cost: the default costs ~0.5 s a hash on a busy 2-core box."""
    from argon2 import PasswordHasher

    from review import security

    monkeypatch.setattr(security, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))


@pytest.fixture()
def db_url(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'review.sqlite'}"
    yield url
    store.dispose_engines()


@pytest.fixture()
def run_id(db_url) -> int:
    return store.record_run(sample_report(), database_url=db_url)


@pytest.fixture()
def editors(db_url) -> dict[str, int]:
    return {name: store.add_user(name, PASSWORD, database_url=db_url) for name in ("alice", "bob")}


@pytest.fixture()
def app(db_url, editors, run_id):
    """The app without its check worker (tests of checks from the browser start one)."""
    return create_app(database_url=db_url, start_worker=False)


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF field"
    return match.group(1)


def seen_from(html: str) -> str:
    match = re.search(r'name="seen_decision_id" value="(\d+)"', html)
    assert match, "page has no version field"
    return match.group(1)


def login(client: TestClient, username: str = "alice", password: str = PASSWORD):
    client.cookies.delete("factcheck_login", path="/login")
    token = csrf_from(client.get("/login").text)
    return client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token}, follow_redirects=False
    )


@pytest.fixture()
def client(app) -> TestClient:
    with TestClient(app) as anonymous:
        yield anonymous


@pytest.fixture()
def alice(app) -> TestClient:
    with TestClient(app) as logged_in:
        assert login(logged_in).status_code == 303
        yield logged_in


@pytest.fixture()
def bob(app) -> TestClient:
    with TestClient(app) as logged_in:
        assert login(logged_in, "bob").status_code == 303
        yield logged_in


def flag_pk(run_id: int, flag_id: str, db_url: str) -> int:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    with Session(store.get_engine(db_url)) as session:
        return session.scalar(select(store.Flag.id).where(store.Flag.run_id == run_id, store.Flag.flag_id == flag_id))


def decide(client: TestClient, pk: int, action: str, **fields) -> object:
    page = client.get(f"/flags/{pk}").text
    data = {"csrf_token": csrf_from(page), "seen_decision_id": seen_from(page), "action": action, **fields}
    return client.post(f"/flags/{pk}/decisions", data=data, follow_redirects=False)
