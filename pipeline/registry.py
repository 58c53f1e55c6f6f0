"""A local registry of claim-classifier versions, retrained from editors' decisions.

Layout (outside git, under ``pipeline.paths.data_dir()``, which honours ``$FACTCHECK_HOME``)::

    registry/claims/
        registry.json        {"versions": {...}, "default": "v0002" | null, "history": [...],
                              "shipped_heldout_f1": float | null}
        v0001/               model (fp16 safetensors, tokenizer, config), metrics.json, train.jsonl
        v0002/
        .tmp-*               a training in progress (never listed; removed when it fails)

``default: null`` means the shipped model (``models/claims``). A version is written into a
hidden temporary directory and moved into place with ``os.replace`` only once it is complete,
so an interrupted training leaves no visible version and ``registry.json`` untouched.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from pipeline.checkworthiness import CheckworthinessModel
from pipeline.errors import InputError
from pipeline.evaluation.claims import evaluate_sentences
from pipeline.io import read_jsonl_objects, write_json_atomically
from pipeline.paths import data_dir, resolve_path
from pipeline.training.claim_data import LabelledSentence, normalise_text, split_heldout, write_jsonl_rows
from pipeline.training.claims import train_claim_soup

SHIPPED = "shipped"


@dataclass(frozen=True)
class EditorDecision:
    """One editor's decision on a claim, as exported by the review app (one JSON line)."""

    text: str
    label: int
    claim_id: str = ""
    decision: str = ""
    editor: str = ""
    decided_at: str = ""


@dataclass(frozen=True)
class VersionInfo:
    """A registry entry as shown by ``factcheck models list``."""

    name: str
    path: Path
    heldout_f1: float | None
    created_at: str
    is_default: bool
    train_rows: int | None = None
    heldout_rows: int | None = None


@dataclass(frozen=True)
class RetrainResult:
    """Outcome of :func:`retrain`: the new version, its held-out F1 and whether it became default."""

    version: str
    path: Path
    heldout_f1: float
    previous_default: str
    previous_f1: float | None
    promoted: bool
    train_rows: int
    heldout_rows: int
    decisions_applied: int


def load_decisions(paths: Iterable[str | Path]) -> list[EditorDecision]:
    """Read editors' decisions from JSON Lines files (see docs/claims.md for the format)."""
    decisions = []
    for path in paths:
        for number, item in read_jsonl_objects(path):
            if not isinstance(item.get("text"), str) or not item["text"].strip():
                raise InputError(f"{path} line {number}: 'text' must be a non-empty string")
            label = item.get("label")
            if label not in (0, 1) or isinstance(label, bool):
                raise InputError(f"{path} line {number}: 'label' must be 0 or 1, got {label!r}")
            decided_at = item.get("decided_at") or ""
            if decided_at:
                try:
                    datetime.fromisoformat(str(decided_at).replace("Z", "+00:00"))
                except ValueError:
                    raise InputError(f"{path} line {number}: 'decided_at' is not ISO 8601: {decided_at!r}") from None
            decisions.append(EditorDecision(item["text"], int(label), str(item.get("claim_id", "")),
                                            str(item.get("decision", "")), str(item.get("editor", "")),
                                            str(decided_at)))
    return decisions


def _decision_time(decision: EditorDecision) -> datetime:
    if not decision.decided_at:
        return datetime.min.replace(tzinfo=timezone.utc)
    moment = datetime.fromisoformat(decision.decided_at.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def merge_decisions(
    base_rows: Sequence[LabelledSentence], decisions: Sequence[EditorDecision]
) -> tuple[list[LabelledSentence], int]:
    """Merge editors' decisions into the base rows, one row per normalised text.

    The first base row of a text wins over later base duplicates; an editor's decision
    overrides the base label, and among decisions on the same text the latest
    ``decided_at`` wins (file order breaks ties; decisions without a time count as oldest).

    Returns:
        The merged rows (base order, then new texts from decisions) and how many
        distinct texts took their label from a decision.
    """
    merged: dict[str, LabelledSentence] = {}
    for row in base_rows:
        merged.setdefault(normalise_text(row.text), row)
    latest: dict[str, EditorDecision] = {}
    for decision in sorted(decisions, key=_decision_time):  # stable: file order among equal times
        latest[normalise_text(decision.text)] = decision
    for key, decision in latest.items():
        if key in merged:
            merged[key] = replace(merged[key], label=decision.label, source="decision")
        else:
            merged[key] = LabelledSentence(decision.text, decision.label, "decision")
    return list(merged.values()), len(latest)


class ClaimRegistry:
    """Versions of the claim classifier under ``root`` (default ``data_dir()/registry/claims``).

    Args:
        root: Registry folder.
        shipped_path: The shipped model that counts as the default while no version is promoted.
    """

    def __init__(self, root: str | Path | None = None, *, shipped_path: str | Path | None = None) -> None:
        self.root = Path(root) if root is not None else data_dir() / "registry" / "claims"
        self.shipped_path = Path(shipped_path) if shipped_path is not None else resolve_path("models/claims")

    # -- state -------------------------------------------------------------------------
    @property
    def index_path(self) -> Path:
        return self.root / "registry.json"

    def _read(self) -> dict[str, Any]:
        if not self.index_path.is_file():
            return {"versions": {}, "default": None, "history": [], "shipped_heldout_f1": None}
        try:
            data = json.loads(self.index_path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise InputError(f"registry index {self.index_path} is not valid JSON: {exc.msg}") from None
        data.setdefault("versions", {})
        data.setdefault("default", None)
        data.setdefault("history", [])
        data.setdefault("shipped_heldout_f1", None)
        return data

    def _write(self, data: dict[str, Any]) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        write_json_atomically(self.index_path, data)

    def default_name(self) -> str:
        """Name of the default version, or ``"shipped"``."""
        return self._read()["default"] or SHIPPED

    def default_model_path(self) -> Path | None:
        """Directory of the promoted default version; None when the shipped model is the default."""
        name = self._read()["default"]
        if not name:
            return None
        path = self.root / name
        if not (path / "config.json").is_file():
            raise InputError(f"registry default {name} is missing its model at {path}")
        return path

    def path_of(self, name: str) -> Path:
        """Model directory of a version name (or ``shipped``)."""
        if name == SHIPPED:
            return self.shipped_path
        if name not in self._read()["versions"]:
            raise InputError(f"no claim-model version {name!r} in {self.root}")
        return self.root / name

    def heldout_f1(self, name: str) -> float | None:
        """Held-out F1 recorded for ``name`` (the shipped model's latest measurement for ``shipped``)."""
        data = self._read()
        if name == SHIPPED:
            return data["shipped_heldout_f1"]
        if name not in data["versions"]:
            raise InputError(f"no claim-model version {name!r} in {self.root}")
        return data["versions"][name].get("heldout_f1")

    def versions(self) -> list[VersionInfo]:
        """The shipped model first, then every complete version, oldest first."""
        data = self._read()
        default = data["default"] or SHIPPED
        out = [VersionInfo(SHIPPED, self.shipped_path, data["shipped_heldout_f1"], "", default == SHIPPED)]
        for name in sorted(data["versions"]):
            entry = data["versions"][name]
            out.append(VersionInfo(name, self.root / name, entry.get("heldout_f1"), entry.get("created_at", ""),
                                   default == name, entry.get("train_rows"), entry.get("heldout_rows")))
        return out

    # -- changes -----------------------------------------------------------------------
    def promote(self, name: str, *, force: bool = False) -> str:
        """Make ``name`` the default. Refuses a worse held-out F1 than the current default's unless ``force``.

        Returns:
            The previous default's name.
        """
        data = self._read()
        current = data["default"] or SHIPPED
        if name != SHIPPED and name not in data["versions"]:
            raise InputError(f"no claim-model version {name!r} in {self.root}")
        if name == current:
            return current
        if not force:
            candidate_f1 = self.heldout_f1(name)
            current_f1 = self.heldout_f1(current)
            if candidate_f1 is not None and current_f1 is not None and candidate_f1 < current_f1:
                raise InputError(
                    f"version {name} has held-out F1 {candidate_f1:.3f}, worse than the default {current} "
                    f"({current_f1:.3f}); use --force to promote it anyway"
                )
        data["history"].append(current)
        data["default"] = None if name == SHIPPED else name
        self._write(data)
        return current

    def rollback(self) -> str:
        """Return to the previous default. Returns the name now default."""
        data = self._read()
        if not data["history"]:
            raise InputError(f"nothing to roll back to: {self.default_name()} has been the only default")
        previous = data["history"].pop()
        data["default"] = None if previous == SHIPPED else previous
        self._write(data)
        return previous

    def add_version(
        self, staged: Path, *, metrics: dict[str, Any], promote: bool, shipped_heldout_f1: float | None = None
    ) -> str:
        """Move a complete ``staged`` directory into place as the next version and record it."""
        data = self._read()
        number = max([int(n[1:]) for n in data["versions"] if n[1:].isdigit()] + [0]) + 1
        while (self.root / f"v{number:04d}").exists():
            number += 1
        name = f"v{number:04d}"
        os.replace(staged, self.root / name)
        data["versions"][name] = {
            "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            **metrics,
        }
        if shipped_heldout_f1 is not None:
            data["shipped_heldout_f1"] = shipped_heldout_f1
        if promote:
            data["history"].append(data["default"] or SHIPPED)
            data["default"] = name
        self._write(data)
        return name

    def staging_dir(self) -> Path:
        """A fresh hidden directory inside the registry for a training in progress."""
        self.root.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=".tmp-", dir=self.root))


def default_claim_model_path(config: dict) -> Path:
    """`claim_model_path` of a config mapping's ``claims.model_path``."""
    return claim_model_path((config.get("claims") or {}).get("model_path"))


def claim_model_path(model_path: str | Path | None) -> Path:
    """The registry's default version if one is promoted, else ``model_path`` (``models/claims`` when unset)."""
    promoted = ClaimRegistry().default_model_path()
    if promoted is not None:
        return promoted
    path = resolve_path(model_path or "models/claims")
    assert path is not None
    return path


def heldout_f1_of(model_path: Path, rows: Sequence[LabelledSentence], *, threshold: float,
                  max_length: int = 128, threads: int | None = 2) -> float:
    """F1 of the check-worthy class of the model at ``model_path`` on ``rows``."""
    model = CheckworthinessModel(model_path, max_length=max_length, threads=threads)
    return evaluate_sentences(model, rows, threshold).f1


def retrain(
    base_rows: Sequence[LabelledSentence],
    decisions: Sequence[EditorDecision],
    *,
    registry: ClaimRegistry,
    base_model: str | Path,
    threshold: float = 0.5,
    heldout_fraction: float = 0.1,
    epochs: float = 3.0,
    lr: float = 5e-5,
    batch_size: int = 32,
    max_length: int = 64,
    seeds: Sequence[int] = (13,),
    threads: int | None = 2,
    trainer: Callable[..., Any] = train_claim_soup,
) -> RetrainResult:
    """Train a new registry version on base rows + editors' decisions, and promote it if not worse.

    The held-out split is fixed by text hash (:func:`pipeline.training.claim_data.is_heldout`), so
    the same sentences are held out in every retraining. Both the new model and the current
    default (the shipped model while none is promoted) are scored on it; the new version
    becomes default only if its F1 is not lower.
    """
    merged, applied = merge_decisions(base_rows, decisions)
    train_rows, heldout_rows = split_heldout(merged, heldout_fraction)
    if not train_rows or not heldout_rows:
        raise InputError(
            f"need rows on both sides of the held-out split, got {len(train_rows)} train / {len(heldout_rows)} held out"
        )
    staging = registry.staging_dir()
    try:
        trainer(train_rows, heldout_rows, staging / "model", base_model=base_model, epochs=epochs, lr=lr,
                batch_size=batch_size, max_length=max_length, seeds=seeds, threads=threads)
        version_dir = staging / "version"
        os.replace(staging / "model", version_dir)
        write_jsonl_rows(train_rows, version_dir / "train.jsonl")
        new_f1 = heldout_f1_of(version_dir, heldout_rows, threshold=threshold, max_length=max_length, threads=threads)
        current = registry.default_name()
        current_path = registry.path_of(current)
        current_f1: float | None = None
        if (current_path / "config.json").is_file():
            current_f1 = heldout_f1_of(current_path, heldout_rows, threshold=threshold, max_length=max_length,
                                       threads=threads)
        # With no model to compare against (nothing shipped yet), the new version wins.
        promoted = current_f1 is None or new_f1 >= current_f1
        metrics_path = version_dir / "metrics.json"
        metrics = json.loads(metrics_path.read_text(encoding="utf-8")) if metrics_path.is_file() else {}
        metrics.update({"heldout_f1": new_f1, "heldout_rows": len(heldout_rows), "train_rows": len(train_rows),
                        "decisions_applied": applied, "threshold": threshold,
                        "compared_with": {"version": current, "heldout_f1": current_f1}})
        write_json_atomically(metrics_path, metrics)
        name = registry.add_version(
            version_dir,
            metrics={"heldout_f1": new_f1, "heldout_rows": len(heldout_rows), "train_rows": len(train_rows),
                     "decisions_applied": applied, "compared_with": {"version": current, "heldout_f1": current_f1}},
            promote=promoted,
            shipped_heldout_f1=current_f1 if current == SHIPPED else None,
        )
        if current != SHIPPED and current_f1 is not None:
            data = registry._read()
            data["versions"][current]["heldout_f1"] = current_f1  # re-measured on today's held-out split
            registry._write(data)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return RetrainResult(name, registry.root / name, new_f1, current, current_f1, promoted,
                         len(train_rows), len(heldout_rows), applied)
