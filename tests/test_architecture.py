"""The layout rules of `pipeline/`: stages without Prefect, no import circle, no private names across modules."""

from __future__ import annotations

import ast
import graphlib
from pathlib import Path

PIPELINE = Path(__file__).resolve().parent.parent / "pipeline"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PIPELINE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports() -> list[tuple[str, str, list[str]]]:
    """(importing module, imported module, names) for every ``from ... import`` in pipeline/, lazy ones included."""
    found = []
    for path in sorted(PIPELINE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                found.append((_module_name(path), node.module, [alias.name for alias in node.names]))
            elif isinstance(node, ast.Import):
                found.extend((_module_name(path), alias.name, []) for alias in node.names)
    return found


def test_pipeline_modules_import_no_circle():
    graph: dict[str, set[str]] = {}
    for importer, imported, _ in _imports():
        if imported.startswith("pipeline."):
            graph.setdefault(importer, set()).add(imported)
    try:
        graphlib.TopologicalSorter(graph).prepare()
    except graphlib.CycleError as exc:
        raise AssertionError(f"import circle: {' -> '.join(exc.args[1])}") from None


def test_no_module_imports_another_modules_private_names():
    private = [(importer, imported, name) for importer, imported, names in _imports()
               if imported.startswith("pipeline") for name in names if name.startswith("_")]
    assert private == []


def test_pipeline_stages_do_not_import_prefect():
    assert [importer for importer, imported, _ in _imports() if imported.split(".")[0] == "prefect"] == []
