"""NLI commands: `factcheck train nli` and `factcheck eval nli`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import typer

from cli.groups import eval_app, one_line_errors, train_app
from pipeline.errors import InputError


@train_app.command("nli")
@one_line_errors
def train_nli_command(
    train: list[Path] = typer.Option(..., "--train", help="Training JSON Lines {premise, hypothesis, label} (repeatable)."),
    eval_files: list[Path] = typer.Option(..., "--eval", help="Evaluation JSON Lines (repeatable), scored each epoch."),
    output: Path = typer.Option(..., "--output", "-o", help="Directory for the trained model."),
    base_model: Optional[Path] = typer.Option(None, "--base-model", help="Base encoder directory (default all-MiniLM-L6-v2)."),
    epochs: float = typer.Option(1.0, "--epochs"),
    lr: float = typer.Option(6e-5, "--lr"),
    batch_size: int = typer.Option(32, "--batch-size"),
    max_length: int = typer.Option(128, "--max-length"),
    max_train_rows: Optional[int] = typer.Option(None, "--max-train-rows", help="Use at most this many training rows."),
    max_eval_rows: Optional[int] = typer.Option(2000, "--max-eval-rows", help="Seeded sample of the eval data."),
    eval_steps: Optional[int] = typer.Option(None, "--eval-steps", help="Evaluate every N steps instead of each epoch."),
    time_budget: Optional[float] = typer.Option(None, "--time-budget", help="Seconds for the training loop (LR decays to 0 by then)."),
    seed: int = typer.Option(42, "--seed"),
    threads: int = typer.Option(2, "--threads", help="torch CPU threads."),
    work_dir: Optional[Path] = typer.Option(None, "--work-dir", help="Checkpoint folder (temporary when omitted)."),
    save_steps: Optional[int] = typer.Option(None, "--save-steps", help="Resumable checkpoint every N steps."),
    resume: bool = typer.Option(False, "--resume", help="Continue from the latest checkpoint in --work-dir."),
    use_prefect: bool = typer.Option(True, "--prefect/--no-prefect", help="Run as the Prefect flow train-nli."),
) -> None:
    """Fine-tune the 3-label NLI cross-encoder; writes fp16 weights, calibration.json and metrics.json."""
    for path in [*train, *eval_files]:
        if not path.is_file():
            raise InputError(f"no such file: {path}")
    if base_model is not None and not (base_model / "config.json").is_file():
        raise InputError(f"--base-model {base_model} is not a model directory (config.json missing)")
    options = {
        "base_model": str(base_model) if base_model else None, "epochs": epochs, "lr": lr, "batch_size": batch_size,
        "max_length": max_length, "seed": seed, "max_train_rows": max_train_rows, "max_eval_rows": max_eval_rows,
        "eval_steps": eval_steps, "threads": threads, "time_budget_s": time_budget,
        "work_dir": str(work_dir) if work_dir else None, "save_steps": save_steps, "resume": resume,
    }
    train_paths, eval_paths = [str(p) for p in train], [str(p) for p in eval_files]
    if use_prefect:
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
        from flows.train_nli import train_nli_flow

        summary = train_nli_flow(train_paths, eval_paths, str(output), options)
    else:
        from pipeline.training.nli import train_nli

        result = train_nli(train_paths, eval_paths, output, **options)
        summary = {"output": str(result.output_dir), **result.metrics}
    scores = summary["eval_during_training"]
    typer.echo(f"model written to {summary['output']} in {summary['wall_seconds']:.0f} s, "
               f"temperature={summary['temperature']:.3f}")
    typer.echo(f"eval accuracy={scores['accuracy']:.3f} macro_f1={scores['macro_f1']:.3f}")


@eval_app.command("nli")
@one_line_errors
def eval_nli_command(
    data: list[Path] = typer.Option(..., "--data", help="JSON Lines {premise, hypothesis, label}; repeat for several sets."),
    model: Optional[Path] = typer.Option(None, "--model", help="Model directory. Default: nli.model_path in the config."),
    batch_size: Optional[int] = typer.Option(None, "--batch-size", help="Default: nli.batch_size in the config."),
    limit: Optional[int] = typer.Option(None, "--limit", help="Score only the first N rows of each set."),
    fp32: bool = typer.Option(False, "--fp32", help="Skip dynamic int8 quantization."),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Also write the scores to this JSON file."),
    config: Optional[Path] = typer.Option(None, "--config", help="YAML config merged over configs/default.yaml."),
) -> None:
    """Accuracy, macro-F1, per-class F1, confusion matrix and ECE; the last line is `accuracy=0.xxx`.

    With several ``--data`` files: one line per set, then ``mean_accuracy=0.xxx`` (unweighted mean).
    """
    from pipeline.config import load_config
    from pipeline.evaluation.nli import evaluate_nli
    from pipeline.training.nli import write_json_atomic
    from pipeline.verify import NliVerifier

    for path in data:
        if not path.is_file():
            raise InputError(f"no such file: {path}")
    cfg = load_config(config)
    overrides = dict(cfg.get("nli") or {})
    if model is not None:
        overrides["model_path"] = str(model.resolve())
    if batch_size is not None:
        overrides["batch_size"] = batch_size
    if fp32:
        overrides["quantize"] = False
    verifier = NliVerifier.from_config({"nli": overrides})
    results = [evaluate_nli(path, verifier, limit=limit) for path in data]
    if len(results) == 1:
        _print_one_set(results[0])
        if json_out is not None:
            write_json_atomic(json_out, results[0].to_dict())
        typer.echo(f"accuracy={results[0].accuracy:.3f}")
        return
    for result in results:
        typer.echo(f"set={Path(result.data).stem} rows={result.rows} accuracy={result.accuracy:.3f} "
                   f"macro_f1={result.macro_f1:.3f} ece={result.ece:.3f} ({result.pairs_per_second:.0f} pairs/s)")
    mean = sum(r.accuracy for r in results) / len(results)
    if json_out is not None:
        write_json_atomic(json_out, {"model": results[0].model, "sets": [r.to_dict() for r in results],
                                     "mean_accuracy": mean})
    typer.echo(f"model={results[0].model} sets={len(results)} mean_accuracy={mean:.3f}")


def _print_one_set(result) -> None:
    """The detailed report of one set: header, confusion table with per-class F1, macro-F1 and ECE."""
    from rich.console import Console
    from rich.table import Table

    from pipeline.verify import NLI_LABELS

    console = Console()
    plain = {"markup": False, "highlight": False, "soft_wrap": True}
    console.print(f"model={result.model} data={result.data} rows={result.rows} "
                  f"int8={result.quantized} temperature={result.temperature:.3f} "
                  f"({result.pairs_per_second:.0f} pairs/s)", **plain)
    table = Table(title="confusion (rows: gold, columns: predicted)")
    table.add_column("gold \\ predicted")
    for name in NLI_LABELS:
        table.add_column(name, justify="right")
    table.add_column("F1", justify="right")
    for name, row in zip(NLI_LABELS, result.confusion):
        table.add_row(name, *(str(v) for v in row), f"{result.per_class_f1[name]:.3f}")
    console.print(table)
    console.print(f"macro_f1={result.macro_f1:.3f} ece={result.ece:.3f}", **plain)


@eval_app.command("verdicts")
@one_line_errors
def eval_verdicts_command(
    data: list[Path] = typer.Option(..., "--data", help="JSON Lines {premise, hypothesis, label}; repeat for several sets."),
    model: Optional[Path] = typer.Option(None, "--model", help="NLI model directory. Default: nli.model_path in the config."),
    limit: Optional[int] = typer.Option(None, "--limit", help="Check only the first N rows of each set."),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Also write the figures to this JSON file."),
    config: Optional[Path] = typer.Option(None, "--config", help="YAML config merged over configs/default.yaml."),
) -> None:
    """The verify stage's verdict (alignment, then the NLI thresholds, else needs_review) on each claim/evidence pair.

    One line per set; the last line is `accuracy=0.xxx automatic_precision=0.xxx needs_review_share=0.xxx`
    (of the last set). See docs/nli.md, "Verdicts on claim/evidence pairs".
    """
    from pipeline.alignment import AlignmentChecker
    from pipeline.config import load_settings
    from pipeline.evaluation.verdicts import evaluate_verdicts
    from pipeline.training.nli import write_json_atomic
    from pipeline.verify import NliVerifier

    for path in data:
        if not path.is_file():
            raise InputError(f"no such file: {path}")
    settings = load_settings(config)
    nli = settings.nli if model is None else settings.nli.model_copy(update={"model_path": str(model.resolve())})
    verifier = NliVerifier.from_settings(nli)
    alignment = AlignmentChecker(min_coverage=settings.verify.restatement_coverage)
    results = []
    for path in data:
        result = evaluate_verdicts(path, verifier, alignment, limit=limit)
        results.append(result)
        shares = " ".join(
            f"{gold}->{verdict}={n / max(sum(row.values()), 1):.3f}" for gold, row in result.counts.items() for verdict, n in row.items()
        )
        typer.echo(f"set={path.stem} rows={result.rows} aligned={result.decided_by_alignment} {shares} ({result.seconds:.0f} s)")
    if json_out is not None:
        write_json_atomic(json_out, {"model": results[0].model, "sets": [r.to_dict() for r in results]})
    last = results[-1]
    typer.echo(f"accuracy={last.accuracy:.3f} automatic_precision={last.automatic_precision:.3f} "
               f"needs_review_share={last.needs_review_share:.3f}")
