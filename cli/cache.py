"""`factcheck cache list|clear`: the persisted evidence indexes in ``evidence.index_dir``."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Optional

import typer

from cli.groups import cache_app, one_line_errors

ConfigOption = Annotated[Optional[Path], typer.Option("--config", help="YAML config merged over configs/default.yaml (for evidence.index_dir).")]


def _index_dir(config: Optional[Path]) -> Path:
    from pipeline.config import load_settings, resolve_path

    return resolve_path(load_settings(config).evidence.index_dir)


def _size(size: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return ""


def _age(seconds: float) -> str:
    for unit, length in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= length:
            return f"{seconds / length:.0f} {unit}"
    return f"{seconds:.0f} s"


def _describe(info, now: float) -> str:
    if info.building:
        what = "temporary build folder (a build running, or one interrupted; removed at the next build after an hour)"
    else:
        sources = ", ".join(info.sources[:5]) + (f" and {len(info.sources) - 5} more" if len(info.sources) > 5 else "")
        what = f"{info.passages if info.passages is not None else '?'} passages, sources: {sources or 'none named'}"
    return f"{info.path.name}  {_size(info.size)}  {_age(now - info.modified)} old  {what}"


@cache_app.command("list")
@one_line_errors
def cache_list(config: ConfigOption = None) -> None:
    """Each index in evidence.index_dir with its size, passages, sources and age; temporary build folders marked."""
    from pipeline.index_cache import list_indexes

    index_dir = _index_dir(config)
    infos = list_indexes(index_dir)
    now = time.time()
    for info in infos:
        print(_describe(info, now))
    print(f"{len(infos)} folder(s), {_size(sum(i.size for i in infos))} in {index_dir}")


@cache_app.command("clear")
@one_line_errors
def cache_clear(
    config: ConfigOption = None,
    stale: bool = typer.Option(False, "--stale", help="Only temporary build folders untouched for an hour (left by killed builds)."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Remove without asking (otherwise only what would be removed is printed)."),
) -> None:
    """Remove the indexes in evidence.index_dir (rebuilt at the next check), or with --stale only stale build folders."""
    from pipeline.index_cache import STALE_AFTER_SECONDS, clear_indexes, list_indexes, remove_stale_builds

    index_dir = _index_dir(config)
    infos = list_indexes(index_dir)
    if stale:
        infos = [i for i in infos if i.building and time.time() - i.modified > STALE_AFTER_SECONDS]
    total = _size(sum(i.size for i in infos))
    if not yes:
        for info in infos:
            print(f"would remove {info.path}")
        print(f"{len(infos)} folder(s), {total} would be removed from {index_dir}; run again with --yes to remove them")
        return
    removed = remove_stale_builds(index_dir) if stale else [i.path for i in clear_indexes(index_dir)]
    print(f"removed {len(removed)} folder(s), {total} from {index_dir}")
