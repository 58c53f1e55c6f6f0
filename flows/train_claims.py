"""Prefect flow ``train-claim-classifier``: train the check-worthiness model or retrain it into the registry.

Thin orchestration only; the work is in ``pipeline.training.claims`` (its data: ``pipeline.training.claim_data``) and ``pipeline.registry``.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any, Sequence

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from pipeline.training.claim_data import LabelledSentence, load_labelled, split_heldout
from pipeline.training.claims import train_claim_soup
from pipeline.registry import ClaimRegistry, EditorDecision, load_decisions, retrain


@task(cache_policy=NO_CACHE)
def load_training_rows(paths: Sequence[str]) -> list[LabelledSentence]:
    """Read and concatenate labelled files (ClaimBuster .json, CLEF .csv, .jsonl)."""
    rows: list[LabelledSentence] = []
    for path in paths:
        rows.extend(load_labelled(path))
    return rows


@task(cache_policy=NO_CACHE)
def load_editor_decisions(paths: Sequence[str]) -> list[EditorDecision]:
    """Read editors' decisions (JSON Lines from the review app)."""
    return load_decisions(paths)


@task(cache_policy=NO_CACHE)
def train_to_directory(rows: list[LabelledSentence], output: str, options: dict[str, Any]) -> dict[str, Any]:
    """Train on the non-held-out rows, pick the best epoch on the held-out ones, write ``output``."""
    fraction = options.pop("heldout_fraction")
    options.pop("threshold", None)
    train_rows, heldout_rows = split_heldout(rows, fraction)
    result = train_claim_soup(train_rows, heldout_rows, output, **options)
    return {"output": str(result.output_dir), **result.metrics}


@task(cache_policy=NO_CACHE)
def retrain_into_registry(rows: list[LabelledSentence], decisions: list[EditorDecision], registry_root: str | None,
                          shipped_path: str | None, options: dict[str, Any]) -> dict[str, Any]:
    """Merge decisions, train a new registry version, promote it if its held-out F1 is not worse."""
    fraction = options.pop("heldout_fraction")
    registry = ClaimRegistry(registry_root, shipped_path=shipped_path)
    result = retrain(rows, decisions, registry=registry, heldout_fraction=fraction, **options)
    summary = asdict(result)
    summary["path"] = str(result.path)
    return summary


@flow(name="train-claim-classifier")
def train_claim_classifier_flow(
    data: list[str],
    decisions: list[str] | None = None,
    output: str = "registry",
    registry_root: str | None = None,
    options: dict[str, Any] | None = None,
    shipped_path: str | None = None,
) -> dict[str, Any]:
    """Train the check-worthiness classifier.

    Args:
        data: Labelled base files.
        decisions: Editors' decision files (JSON Lines); merged over the base rows.
        output: ``"registry"`` for a new registry version, else a directory to write the model to.
        registry_root: Registry folder (default ``$FACTCHECK_HOME/registry/claims``).
        shipped_path: The model that is the default while no version is promoted
            (``claims.model_path``; default ``models/claims``).
        options: Keyword arguments for training: base_model, epochs, lr, batch_size, max_length,
            seeds (one run per seed, weights averaged), threads, heldout_fraction and (registry only) threshold.
    """
    options = dict(options or {})
    rows = load_training_rows(data)
    if output == "registry":
        editor_decisions = load_editor_decisions(decisions or [])
        return retrain_into_registry(rows, editor_decisions, registry_root, shipped_path, options)
    if decisions:
        from pipeline.registry import merge_decisions

        rows, _ = merge_decisions(rows, load_editor_decisions(decisions))
    return train_to_directory(rows, str(Path(output)), options)
