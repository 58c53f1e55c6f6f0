"""Check-worthiness data sets: ClaimBuster, CLEF CheckThat! 2019 and JSON Lines rows, and the fixed held-out split.

Read by the classifier's training (`pipeline.training.claims`), its evaluation
(`pipeline.evaluation.claims`) and the model registry's retraining (`pipeline.registry`).
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import unicodedata
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

from pipeline.errors import InputError
from pipeline.io import read_jsonl_objects, write_atomically

HELDOUT_BUCKETS = 1000  # held-out membership is decided per mille of the text hash


@dataclass(frozen=True)
class LabelledSentence:
    """One training/evaluation sentence. ``label`` 1 means check-worthy."""

    text: str
    label: int
    source: str = ""


@dataclass(frozen=True)
class DebateLine:
    """One line of a CLEF CheckThat! 2019 debate transcript."""

    file_name: str
    line_number: int
    speaker: str
    text: str
    label: int


def _label(value: Any, where: str) -> int:
    try:
        label = int(value)
    except (TypeError, ValueError):
        raise InputError(f"{where}: label must be 0 or 1, got {value!r}") from None
    if label not in (0, 1):
        raise InputError(f"{where}: label must be 0 or 1, got {value!r}")
    return label


def load_claimbuster(path: str | Path) -> list[LabelledSentence]:
    """Read a ClaimBuster JSON file: ``[{"sentence_id", "label", "text"}, ...]``."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"no such file: {path}") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{path} is not valid JSON: {exc}") from None
    if not isinstance(data, list):
        raise InputError(f"{path} must hold a JSON list of rows, got {type(data).__name__}")
    rows = []
    for i, item in enumerate(data):
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise InputError(f"{path} row {i}: expected an object with a 'text' string")
        rows.append(LabelledSentence(item["text"], _label(item.get("label"), f"{path} row {i}"), "claimbuster"))
    if not rows:
        raise InputError(f"{path} holds no rows")
    return rows


def load_clef(path: str | Path) -> list[DebateLine]:
    """Read a CLEF 2019 CSV: ``line_number,speaker,text,label,file_name``."""
    path = Path(path)
    try:
        handle = path.open(encoding="utf-8", newline="")
    except FileNotFoundError:
        raise InputError(f"no such file: {path}") from None
    with handle:
        reader = csv.DictReader(handle)
        missing = {"line_number", "text", "label", "file_name"} - set(reader.fieldnames or [])
        if missing:
            raise InputError(f"{path} lacks the column(s) {', '.join(sorted(missing))}")
        lines = []
        for i, row in enumerate(reader, start=2):
            try:
                number = int(row["line_number"])
            except (TypeError, ValueError):
                raise InputError(f"{path} line {i}: line_number must be an integer, got {row['line_number']!r}") from None
            lines.append(
                DebateLine(row["file_name"], number, row.get("speaker") or "", row["text"] or "",
                           _label(row["label"], f"{path} line {i}"))
            )
    if not lines:
        raise InputError(f"{path} holds no rows")
    return lines


def load_labelled(path: str | Path) -> list[LabelledSentence]:
    """Read any supported labelled file by extension: ClaimBuster ``.json``, CLEF ``.csv``, ``.jsonl``."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        return load_claimbuster(path)
    if suffix == ".csv":
        return [LabelledSentence(line.text, line.label, "clef2019") for line in load_clef(path)]
    if suffix == ".jsonl":
        return read_jsonl_rows(path)
    raise InputError(f"unsupported data file {path}: expected .json (ClaimBuster), .csv (CLEF 2019) or .jsonl")


def read_jsonl_rows(path: str | Path) -> list[LabelledSentence]:
    """Read ``{"text", "label"}`` JSON Lines (the format of a registry version's ``train.jsonl``)."""
    rows = []
    for number, item in read_jsonl_objects(path):
        if not isinstance(item.get("text"), str):
            raise InputError(f"{path} line {number}: expected an object with a 'text' string")
        rows.append(LabelledSentence(item["text"], _label(item.get("label"), f"{path} line {number}"),
                                     str(item.get("source", ""))))
    return rows


def normalise_text(text: str) -> str:
    """The form used to deduplicate and to hash sentences: NFKC, casefolded, single spaces."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", text).strip()


def is_heldout(text: str, fraction: float = 0.1) -> bool:
    """Whether ``text`` belongs to the fixed held-out split (decided by its normalised-text hash).

    The same sentence is held out in every run and every retraining, whatever else is in the data.
    """
    if not 0.0 < fraction < 1.0:
        raise ValueError(f"held-out fraction must be between 0 and 1, got {fraction}")
    digest = hashlib.sha256(normalise_text(text).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % HELDOUT_BUCKETS < round(fraction * HELDOUT_BUCKETS)


def split_heldout(
    rows: Sequence[LabelledSentence], fraction: float = 0.1
) -> tuple[list[LabelledSentence], list[LabelledSentence]]:
    """Split rows into (train, held-out) by text hash; see :func:`is_heldout`."""
    train, heldout = [], []
    for row in rows:
        (heldout if is_heldout(row.text, fraction) else train).append(row)
    return train, heldout


def write_jsonl_rows(rows: Iterable[LabelledSentence], path: str | Path) -> None:
    """Write rows as ``{"text", "label", "source"}`` JSON Lines, atomically."""
    write_atomically(path, "".join(json.dumps(asdict(row), ensure_ascii=False) + "\n" for row in rows))
