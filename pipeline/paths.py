"""Where the project's files are: config paths resolved against the project root, and the user's data folder."""

from __future__ import annotations

import os
from pathlib import Path

from pipeline import PROJECT_ROOT


def resolve_path(value: str | Path | None) -> Path | None:
    """Resolve a config path: ``~`` expanded, relative paths against the project root."""
    if value is None or value == "":
        return None
    path = Path(value).expanduser()
    return path if path.is_absolute() else PROJECT_ROOT / path


def data_dir() -> Path:
    """The user's data folder (model registry, review database, run records)."""
    return Path(os.environ.get("FACTCHECK_HOME", "~/.local/share/factcheck")).expanduser()
