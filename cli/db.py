"""`factcheck db upgrade|status|copy`: the review database's schema, and moving it to a shared server."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer

from cli.groups import db_app, one_line_errors
from cli.review import DatabaseUrl


@contextmanager
def _opened(database_url: str | None) -> Iterator[tuple[str, object]]:
    """The review database's URL and a fresh engine on it (schema untouched), disposed after."""
    from review import settings, store

    url = settings.database_url(database_url)
    engine = store.open_engine(url)
    try:
        yield url, engine
    finally:
        engine.dispose()


@db_app.command("upgrade")
@one_line_errors
def db_upgrade(database_url: DatabaseUrl = None) -> None:
    """Run the review database's migrations up to the revision this version needs (creates an empty one's schema)."""
    from review import store

    with _opened(database_url) as (url, engine):
        before = store.schema_revision(engine)
        store.upgrade_schema(engine)
        after = store.schema_revision(engine)
    print(f"{store.shown_url(url)}: at {after}" + (" (was already)" if before == after else f" (was {before or 'empty'})"))


@db_app.command("status")
@one_line_errors
def db_status(database_url: DatabaseUrl = None) -> None:
    """Show the review database's schema revision and whether `factcheck db upgrade` is needed. Exit 1 when it is."""
    from review import store

    with _opened(database_url) as (url, engine):
        current = store.schema_revision(engine)
    head = store.head_revision()
    state = "current" if current == head else "needs `factcheck db upgrade`"
    print(f"{store.shown_url(url)}: revision {current or 'none (empty)'}, this version needs {head}: {state}")
    if current != head:
        raise typer.Exit(code=1)


@db_app.command("copy")
@one_line_errors
def db_copy(
    source: Annotated[str, typer.Option("--from", help="SQLAlchemy URL of the database to copy, e.g. sqlite:///review.sqlite.")],
    target: Annotated[
        str, typer.Option("--to", help="SQLAlchemy URL of an empty database, e.g. postgresql+psycopg://desk@db.example/review.")
    ],
) -> None:
    """Copy every table of one review database into an empty one (SQLite to PostgreSQL), checking row counts."""
    from review.store import shown_url
    from review.transfer import copy_database

    copied = copy_database(source, target)
    width = max(len(table.name) for table in copied)
    for table in copied:
        print(f"{table.name.ljust(width)}  {table.target_rows:>8} rows")
    print(f"copied {sum(t.target_rows for t in copied)} rows in {len(copied)} tables to {shown_url(target)}; counts match")
