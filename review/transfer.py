"""Copying a whole review database to another one (``factcheck db copy``): SQLite to PostgreSQL.

The target is given the current schema by the migrations, then every table is copied in
foreign-key order, in one transaction, with the primary keys kept (links, exports and the
decision history keep their ids). PostgreSQL's id sequences are moved past the copied ids so
that new rows do not collide. A target holding any row is refused: a copy never merges.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, Integer, func, insert, select, text

from pipeline.errors import InputError
from review.store import Base, get_engine

BATCH_ROWS = 1000


@dataclass(frozen=True)
class CopiedTable:
    name: str
    source_rows: int
    target_rows: int


def row_counts(engine: Engine) -> dict[str, int]:
    """Rows in each of the review store's tables."""
    with engine.connect() as connection:
        return {table.name: connection.scalar(select(func.count()).select_from(table)) for table in Base.metadata.sorted_tables}


def _require_empty(target: Engine) -> None:
    filled = {name: count for name, count in row_counts(target).items() if count}
    if filled:
        shown = ", ".join(f"{name} {count}" for name, count in filled.items())
        raise InputError(f"the target database is not empty ({shown} rows); copy into an empty database")


def _move_sequences_past_copied_ids(connection) -> None:
    for table in Base.metadata.sorted_tables:
        for column in table.primary_key.columns:
            if isinstance(column.type, Integer) and column.autoincrement in (True, "auto"):
                connection.execute(
                    text(f"SELECT setval(pg_get_serial_sequence(:table, :column), COALESCE(MAX({column.name}), 0) + 1, false) FROM {table.name}"),
                    {"table": table.name, "column": column.name},
                )


def copy_database(source_url: str, target_url: str) -> list[CopiedTable]:
    """Copy every table of the review database at ``source_url`` into the empty one at ``target_url``.

    The source is opened as any command opens it (an older SQLite file is upgraded first).

    Raises:
        InputError: Same URL twice, a target that holds rows, or row counts that differ after the copy.
    """
    if source_url == target_url:
        raise InputError("--from and --to are the same database")
    source = get_engine(source_url)
    target = get_engine(target_url, upgrade_existing=False)  # an empty database gets the schema
    _require_empty(target)
    with source.connect() as reading, target.begin() as writing:
        for table in Base.metadata.sorted_tables:
            rows = reading.execute(select(table)).mappings()
            while batch := rows.fetchmany(BATCH_ROWS):
                writing.execute(insert(table), [dict(row) for row in batch])
        if writing.dialect.name == "postgresql":
            _move_sequences_past_copied_ids(writing)
    source_counts, target_counts = row_counts(source), row_counts(target)
    copied = [CopiedTable(name, source_counts[name], target_counts[name]) for name in source_counts]
    wrong = [table for table in copied if table.source_rows != table.target_rows]
    if wrong:
        shown = ", ".join(f"{t.name} {t.source_rows} -> {t.target_rows}" for t in wrong)
        raise InputError(f"row counts differ after the copy: {shown}")
    return copied
