"""Pipeline configuration: a YAML file merged over `configs/default.yaml`."""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

import yaml

from pipeline import PROJECT_ROOT
from pipeline.errors import InputError

DEFAULT_CONFIG = PROJECT_ROOT / "configs" / "default.yaml"


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise InputError(f"cannot read config {path}: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise InputError(f"config {path} is not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise InputError(f"config {path} must be a mapping, got {type(data).__name__}")
    return data


def load_config(path: str | Path | None = None, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Load the default config, then ``path`` (or ``$FACTCHECK_CONFIG``), then ``overrides``."""
    config = _read_yaml(DEFAULT_CONFIG)
    path = path or os.environ.get("FACTCHECK_CONFIG")
    if path:
        config = _merge(config, _read_yaml(Path(path)))
    if overrides:
        config = _merge(config, overrides)
    return config


def resolve_path(value: str | Path | None) -> Path | None:
    """Resolve a config path: ``~`` expanded, relative paths against the project root."""
    if value is None or value == "":
        return None
    path = Path(value).expanduser()
    return path if path.is_absolute() else PROJECT_ROOT / path


def data_dir() -> Path:
    """The user's data folder (model registry, review database, run records)."""
    return Path(os.environ.get("FACTCHECK_HOME", "~/.local/share/factcheck")).expanduser()
