"""Pipeline configuration: a YAML file merged over `configs/default.yaml`, validated (see `pipeline.settings`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.paths import data_dir, resolve_path
from pipeline.settings import DEFAULT_CONFIG, ConfigError, Settings, load_settings

__all__ = ["DEFAULT_CONFIG", "ConfigError", "Settings", "data_dir", "load_config", "load_settings", "resolve_path"]


def load_config(path: str | Path | None = None, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """The validated configuration as plain mappings, for code not yet reading `Settings` (see `load_settings`).

    Raises:
        ConfigError: an unknown key or a bad value, named with the file that set it.
    """
    return load_settings(path, overrides).model_dump()
