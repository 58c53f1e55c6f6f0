"""Alembic environment, run programmatically by ``review.store.upgrade_schema``.

The caller passes an open connection in ``config.attributes["connection"]``; there is
no alembic.ini. For ``alembic revision --autogenerate`` during development, build a
Config the same way (see docs/review.md).
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from review.store import Base

config = context.config
target_metadata = Base.metadata


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        engine = create_engine(config.get_main_option("sqlalchemy.url"))
        with engine.begin() as connection:
            _run(connection)
        engine.dispose()
    else:
        _run(connection)


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite ALTER needs batch mode
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported; pass a connection")
run_migrations()
