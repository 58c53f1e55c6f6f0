"""File helpers shared by every stage: atomic writes and JSON Lines reading with line-numbered errors."""

from __future__ import annotations

import fcntl
import glob
import json
import os
import tempfile
from pathlib import Path
from typing import Iterator

from pipeline.errors import InputError


# Temporary files this process is writing now; a signal handler removes them before exiting (cli/signals.py).
_PENDING_TEMPORARIES: set[str] = set()


def write_atomically(path: str | Path, content: str) -> Path:
    """Write ``content`` to ``path`` via a temporary file in the same folder, so readers never see half a file.

    The temporary file is locked while it is written; those left by a killed writer are removed first.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    _PENDING_TEMPORARIES.add(tmp)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # released when the writer closes it or dies: an unlocked one is stale
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(content)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; reports and models are meant to be shared
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    finally:
        _PENDING_TEMPORARIES.discard(tmp)
    return path


def remove_stale_temporaries(path: str | Path) -> list[Path]:
    """Remove the temporary files of ``path`` (``.NAME.<8 random>``) that no live writer holds; return them."""
    path = Path(path)
    removed = []
    for candidate in glob.glob(os.path.join(glob.escape(str(path.parent)), f".{glob.escape(path.name)}.{'?' * 8}")):
        try:
            fd = os.open(candidate, os.O_RDONLY)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # a writer holds it
            continue
        else:
            Path(candidate).unlink(missing_ok=True)
            removed.append(Path(candidate))
        finally:
            os.close(fd)
    return removed


def remove_pending_temporaries() -> None:
    """Remove the temporary files this process is writing now (called on SIGINT/SIGTERM, just before exiting)."""
    for tmp in list(_PENDING_TEMPORARIES):
        Path(tmp).unlink(missing_ok=True)


def write_json_atomically(path: str | Path, data: object) -> Path:
    """Pretty, key-sorted JSON (values JSON cannot hold written as strings), atomically."""
    return write_atomically(path, json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True, default=str) + "\n")


def read_jsonl_objects(path: str | Path) -> Iterator[tuple[int, dict]]:
    """Yield (line number, object) for each non-blank line of a JSON Lines file.

    Raises:
        InputError: the file is missing or not UTF-8, or a line is not a JSON object (file and line named).
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"file not found: {path}")
    try:
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(f"{path}:{number}: not valid JSON ({exc.msg})") from None
                if not isinstance(row, dict):
                    raise InputError(f"{path}:{number}: expected a JSON object, got {type(row).__name__}")
                yield number, row
    except UnicodeDecodeError:
        raise InputError(f"{path} is not valid UTF-8") from None
