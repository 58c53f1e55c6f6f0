"""The folder of persisted evidence indexes (``evidence.index_dir``): what is in it, what is stale, whether it is writable.

Each index is a folder ``evidence-<fingerprint>``; a build writes ``.evidence-<fingerprint>.<random>``
and renames it when complete, so a killed build leaves only such a temporary folder behind.
"""

from __future__ import annotations

import errno
import shutil
import sqlite3
import tempfile
import time
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from pipeline.errors import InputError

STALE_AFTER_SECONDS = 3600
INDEX_GLOB = "evidence-*"
BUILD_GLOB = ".evidence-*"
_PASSAGES_DB = "passages.sqlite"


@dataclass(frozen=True)
class IndexInfo:
    """One folder of the index directory, as `factcheck cache list` shows it."""

    path: Path
    size: int  # bytes on disk, every file under the folder
    modified: float  # newest modification time of the folder or anything in it (epoch seconds)
    passages: int | None  # None while building, or when unreadable
    sources: tuple[str, ...]  # distinct ``source`` fields of its passages, most passages first
    building: bool  # a temporary folder: a build in progress or one that was interrupted


def _files(folder: Path) -> list[Path]:
    return [folder, *folder.rglob("*")]


def last_modified(folder: Path) -> float:
    """The newest modification time of ``folder`` or anything under it (a running build keeps touching its files)."""
    return max((p.stat().st_mtime for p in _files(folder) if p.exists()), default=0.0)


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in _files(folder) if p.is_file())


def _passage_summary(folder: Path) -> tuple[int | None, tuple[str, ...]]:
    db = folder / _PASSAGES_DB
    if not db.is_file():
        return None, ()
    try:
        with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
            total = conn.execute("SELECT count(*) FROM passages").fetchone()[0]
            rows = conn.execute("SELECT source FROM passages WHERE source != '' GROUP BY source ORDER BY count(*) DESC, source").fetchall()
    except sqlite3.Error:
        return None, ()
    return total, tuple(row[0] for row in rows)


def list_indexes(index_dir: str | Path) -> list[IndexInfo]:
    """Every index and temporary build folder in ``index_dir``, newest first (empty when the folder does not exist)."""
    index_dir = Path(index_dir)
    if not index_dir.is_dir():
        return []
    infos = []
    for pattern, building in ((INDEX_GLOB, False), (BUILD_GLOB, True)):
        for folder in index_dir.glob(pattern):
            if folder.is_dir():
                passages, sources = (None, ()) if building else _passage_summary(folder)
                infos.append(IndexInfo(folder, folder_size(folder), last_modified(folder), passages, sources, building))
    return sorted(infos, key=lambda info: -info.modified)


def remove_stale_builds(index_dir: str | Path, *, older_than: float = STALE_AFTER_SECONDS) -> list[Path]:
    """Remove temporary build folders untouched for ``older_than`` seconds (left by a killed build); return them."""
    index_dir = Path(index_dir)
    cutoff = time.time() - older_than
    removed = []
    for folder in index_dir.glob(BUILD_GLOB) if index_dir.is_dir() else ():
        if folder.is_dir() and last_modified(folder) < cutoff:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def clear_indexes(index_dir: str | Path) -> list[IndexInfo]:
    """Remove every index and temporary build folder in ``index_dir``; return what was removed."""
    removed = list_indexes(index_dir)
    for info in removed:
        shutil.rmtree(info.path, ignore_errors=True)
    return removed


def not_writable(index_dir: Path, reason: str) -> InputError:
    return InputError(f"evidence.index_dir {index_dir} is not writable ({reason}): set evidence.index_dir or free space")


def require_writable(index_dir: str | Path) -> None:
    """Refuse an index directory where a new index cannot be written (read-only, no permission, a file in the way).

    Tries what a build does: create the folder if needed and a temporary folder in it (removed again).

    Raises:
        InputError: one line naming ``evidence.index_dir`` and what to do.
    """
    index_dir = Path(index_dir)
    existing = next((p for p in (index_dir, *index_dir.parents) if p.exists()), None)
    if existing is not None and not existing.is_dir():
        raise not_writable(index_dir, f"{existing} is a file")
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        Path(tempfile.mkdtemp(prefix=".write-check.", dir=index_dir)).rmdir()
    except OSError as exc:
        raise not_writable(index_dir, exc.strerror or str(exc)) from None


@contextmanager
def explained_write_errors(index_dir: str | Path) -> Iterator[None]:
    """Turn a full disk or a read-only folder during an index build into one `InputError` saying what to do."""
    try:
        yield
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM):
            raise not_writable(Path(index_dir), exc.strerror or str(exc)) from None
        raise
    except sqlite3.OperationalError as exc:  # SQLite reports a full disk or a read-only file in its own words
        if any(words in str(exc) for words in ("disk is full", "readonly", "unable to open")):
            raise not_writable(Path(index_dir), str(exc)) from None
        raise
