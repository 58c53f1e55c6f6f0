"""`factcheck eval cases`: run the whole pipeline over the evaluation cases and score it."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer

from cli.groups import eval_app, one_line_errors


def _ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


@eval_app.command("cases")
@one_line_errors
def cases(
    directory: Path = typer.Argument(..., help="Folder of cases (e.g. eval_cases/), or one case folder."),
    config: Optional[Path] = typer.Option(None, "--config", help="YAML config merged over configs/default.yaml."),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Write the scores and per-case failures as JSON here."),
    reports: Optional[Path] = typer.Option(None, "--reports", help="Folder to keep each case's report JSON in (<case>.json)."),
) -> None:
    """Check every case's article against its evidence and score the flags against expected.jsonl."""
    from rich.console import Console
    from rich.table import Table

    from pipeline.evaluation.cases import load_cases, run_cases, summarise
    from pipeline.checker import ArticleChecker
    from pipeline.config import load_config
    from pipeline.report import write_atomically

    # Validate every case before any model loads: a typo in a case is a one-line error.
    loaded = load_cases(directory)
    config_dict = load_config(config)
    console = Console(stderr=True)
    with console.status(f"loading models for {len(loaded)} cases"):
        checker = ArticleChecker(config_dict)
        checker.warm_up()

    def progress(case, score) -> None:
        mark = "[green]ok[/green]" if score.passed else f"[red]{len(score.failures)} failure(s)[/red]"
        console.print(f"{case.name}: {mark} ({score.seconds:.2f}s)")

    summary = summarise(run_cases(loaded, checker, on_case=progress, report_dir=reports))

    out = Console()
    by_type = Table(title=f"Recall by flag type ({summary.cases} cases, {summary.cases_passed} without failures)")
    by_type.add_column("flag type")
    by_type.add_column("must-flag spans", justify="right")
    by_type.add_column("recall", justify="right")
    for flag_type, total in summary.must_by_type.items():
        by_type.add_row(flag_type, str(total), _ratio(summary.recall_by_type.get(flag_type)))
    by_type.add_row("all", str(sum(summary.must_by_type.values())), _ratio(summary.recall_overall))
    out.print(by_type)
    out.print(
        f"must-not spans flagged: {summary.must_not_flagged}/{summary.must_not_total}; "
        f"name suggestions right: {_ratio(summary.name_suggestion_acc)} of {summary.name_suggestion_total} caught; "
        f"seconds per case: mean {summary.sec_per_case_mean:.2f}, p95 {summary.sec_per_case_p95:.2f}"
    )
    if summary.must_by_kind or summary.controls_total:
        by_kind = Table(title="Recall by error kind, flags on controls")
        by_kind.add_column("kind")
        by_kind.add_column("spans", justify="right")
        by_kind.add_column("recall / flagged share", justify="right")
        for kind, total in summary.must_by_kind.items():
            by_kind.add_row(kind, str(total), _ratio(summary.recall_by_kind.get(kind)))
        for kind, total in summary.controls_total.items():
            by_kind.add_row(f"{kind} (flagged)", str(total), _ratio(summary.control_flagged_share.get(kind)))
        out.print(by_kind)
    out.print(
        f"must-flag spans left to needs_review: {_ratio(summary.needs_review_share)}; "
        f"precision of automatic flags on expectation spans: {_ratio(summary.auto_flag_precision)}"
    )
    failed = [s for s in summary.case_scores if s.failures]
    if failed:
        failures = Table(title="Failures")
        failures.add_column("case")
        failures.add_column("failure")
        for score in failed:
            for message in score.failures:
                failures.add_row(score.name, message)
        out.print(failures)
    if json_out is not None:
        write_atomically(json_out, json.dumps(summary.to_dict(), indent=2, ensure_ascii=False) + "\n")
        print(f"wrote {json_out}", file=sys.stderr)
    out.print(summary.summary_line(), highlight=False, soft_wrap=True)


@eval_app.command("generate-cases")
@one_line_errors
def generate_cases(
    out_dir: Path = typer.Argument(..., help="Folder to write the generated case folders into (e.g. build/planted)."),
    data_dir: Path = typer.Option(Path("../shared/data"), "--data-dir", help="Shared data folder; FEVER/VitaminC premises are read from its nli/."),
    cases_dir: Path = typer.Option(Path("eval_cases"), "--cases", help="Case set whose evidence sets are source texts."),
    seed: int = typer.Option(13, "--seed", help="Random seed: the same seed and inputs give the same cases."),
    count: int = typer.Option(250, "--count", help="Number of cases to generate."),
) -> None:
    """Write planted-error cases (articles rewritten from source texts with known errors and controls)."""
    from collections import Counter

    from pipeline.errors import InputError
    from pipeline.evaluation.planted import generate_cases as generate, load_sources, write_cases

    if count < 1:
        raise InputError(f"--count must be >= 1, got {count}")
    generated = generate(load_sources(data_dir, cases_dir), count=count, seed=seed)
    write_cases(generated, out_dir)
    kinds = Counter(edit.kind for case in generated for edit in case.edits)
    summary = ", ".join(f"{kind} {n}" for kind, n in sorted(kinds.items()))
    print(f"wrote {len(generated)} cases to {out_dir}: {summary}")
