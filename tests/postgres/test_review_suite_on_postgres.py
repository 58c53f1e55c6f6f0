"""The review store's own tests (tests/review), run again against a real PostgreSQL database.

Every test there that uses the review database (the ``db_url`` fixture, directly or through
``run_id``, ``editors``, ``decided`` or the app clients) is collected here too, with ``db_url``
pointing at a fresh PostgreSQL database: new tables and store functions are covered on
PostgreSQL as soon as they have a SQLite test. Tests that inspect SQLite itself are left out
by name below.
"""

from __future__ import annotations

import inspect

import pytest

from tests.review import conftest as review_fixtures
from tests.review import test_app, test_desk, test_exports, test_store

SQLITE_ONLY = {
    "test_migrations_build_the_schema_the_models_describe",  # PRAGMA journal_mode / foreign_keys
}
USES_DATABASE = {"db_url", "run_id", "editors", "decided", "app", "client", "alice", "bob", "admin"}


def _borrowed(module) -> dict[str, object]:
    """``module``'s fixtures, and its tests that touch the review database."""
    names = {}
    for name, value in vars(module).items():
        if hasattr(value, "_fixture_function_marker") or type(value).__name__ == "FixtureFunctionDefinition":
            names[name] = value
        elif name.startswith("test_") and callable(value) and name not in SQLITE_ONLY:
            if USES_DATABASE & set(inspect.signature(value).parameters):
                names[name] = value
    return names


for _module in (review_fixtures, test_store, test_exports, test_app, test_desk):
    globals().update(_borrowed(_module))


@pytest.fixture()
def db_url(pg_url) -> str:
    return pg_url
