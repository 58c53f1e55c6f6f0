"""File helpers shared by every stage: text decoding, atomic writes, JSON Lines reading with line-numbered errors."""

from __future__ import annotations

import codecs
import fcntl
import glob
import io
import json
import os
import tempfile
from pathlib import Path
from typing import Iterator, Mapping, TextIO

from pipeline.errors import InputError

# Longest first: the UTF-32 little-endian mark starts with the UTF-16 one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def bom_encoding(head: bytes) -> str | None:
    """The codec a byte-order mark at the start of ``head`` names, or None when there is none."""
    return next((name for bom, name in _BOMS if head.startswith(bom)), None)


def decode_text(raw: bytes, what: str) -> str:
    """Decode UTF-8 (with or without a byte-order mark) or UTF-16/32 with a byte-order mark.

    ``what`` names the input in errors, e.g. ``"article a.txt"``.

    Raises:
        InputError: NUL bytes without a byte-order mark (binary), or bytes invalid in the encoding (offset named).
    """
    encoding = bom_encoding(raw)
    if encoding is None and b"\x00" in raw[:8192]:
        raise InputError(f"{what} looks binary (NUL bytes); expected UTF-8 text")
    try:
        return raw.decode(encoding or "utf-8")
    except UnicodeDecodeError as exc:
        name = "UTF-8" if encoding in (None, "utf-8-sig") else encoding.upper()
        raise InputError(f"{what} is not valid {name} (byte {exc.start}); re-save it as UTF-8") from None


def read_text(path: str | Path, what: str) -> str:
    """The decoded text of the file ``path`` (see `decode_text`); ``what`` names it in errors ("roster").

    Raises:
        InputError: the path is missing, a directory, unreadable, binary or not in a supported encoding.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{what} {path} does not exist")
    if not path.is_file():
        raise InputError(f"{what} {path} is not a file")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {what} {path}: {exc.strerror}") from None
    return decode_text(raw, f"{what} {path}")


def open_text(path: str | Path, what: str) -> TextIO:
    """`read_text` as a file object, for readers such as `csv.DictReader` (newlines kept as in the file)."""
    return io.StringIO(read_text(path, what), newline="")


# Temporary files this process is writing now; a signal handler removes them before exiting (cli/signals.py).
_PENDING_TEMPORARIES: set[str] = set()


def write_atomically(path: str | Path, content: str) -> Path:
    """Write ``content`` to ``path`` via a temporary file in the same folder, so readers never see half a file.

    The temporary file is locked while it is written; those left by a killed writer are removed first.
    """
    return write_all_atomically({path: content})[0]


def write_all_atomically(contents: Mapping[str | Path, str]) -> list[Path]:
    """Write several files all or none: each is written in full to a locked temporary beside it, then all are renamed.

    A failure while writing any of them (a full disk, a folder gone) leaves every target as it was.
    """
    staged: list[tuple[TextIO, str, Path]] = []
    try:
        for target, content in contents.items():
            path = Path(target)
            path.parent.mkdir(parents=True, exist_ok=True)
            remove_stale_temporaries(path)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
            _PENDING_TEMPORARIES.add(tmp)
            handle = os.fdopen(fd, "w", encoding="utf-8")
            staged.append((handle, tmp, path))
            fcntl.flock(fd, fcntl.LOCK_EX)  # released when the writer closes it or dies: an unlocked one is stale
            handle.write(content)
            handle.flush()
            os.chmod(tmp, 0o644)  # mkstemp makes 0600; reports and models are meant to be shared
        for _, tmp, path in staged:
            os.replace(tmp, path)
    finally:
        for handle, tmp, _ in staged:
            handle.close()
            Path(tmp).unlink(missing_ok=True)  # nothing left once renamed
            _PENDING_TEMPORARIES.discard(tmp)
    return [path for _, _, path in staged]


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
        InputError: the file is missing or not UTF-8 (or UTF-16/32 with a byte-order mark), or a line is not a
            JSON object (file and line named).
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"file not found: {path}")
    with path.open("rb") as raw:
        encoding = bom_encoding(raw.read(4)) or "utf-8"
    try:
        with path.open(encoding=encoding, newline="\n") as handle:
            for number, line in enumerate(handle, start=1):
                if number == 1:
                    line = line.lstrip("\ufeff")
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
        raise InputError(f"{path} is not valid {'UTF-8' if encoding == 'utf-8' else encoding.upper()}") from None


def refuse_unwritable_outputs(paths: list[str | Path], option: str = "--output") -> None:
    """Refuse report paths that cannot be written, before any work: a folder, a missing or read-only parent, a repeat.

    Tries what the write does (a temporary file in the parent, removed again), so a read-only file system is caught too.

    Raises:
        InputError: one line naming the path and what is wrong.
    """
    seen: set[Path] = set()
    for target in paths:
        path = Path(target)
        resolved = path.expanduser().resolve()
        if resolved in seen:
            raise InputError(f"{option} {path} is given twice")
        seen.add(resolved)
        if path.is_dir():
            raise InputError(f"{option} {path} is a folder; give a file name such as {path / 'report.json'}")
        if not path.parent.is_dir():
            raise InputError(f"{option} {path}: folder {path.parent} does not exist")
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
            os.close(fd)
            os.unlink(tmp)
        except OSError as exc:
            raise InputError(f"{option} {path}: cannot write in {path.parent} ({exc.strerror}); choose another folder") from None


def write_reports(contents: Mapping[str | Path, str]) -> list[Path]:
    """`write_all_atomically` for reports: a full disk or a read-only folder is one `InputError` saying what to do."""
    try:
        return write_all_atomically(contents)
    except OSError as exc:
        raise InputError(
            f"cannot write report {exc.filename or ', '.join(map(str, contents))} ({exc.strerror}): free space or choose another --output; no report was written"
        ) from None
