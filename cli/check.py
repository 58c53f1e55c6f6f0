"""`factcheck check`: run the check-article flow on one article and write the report."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from cli.groups import app, one_line_errors
from cli.quiet import loud_libraries, quiet_prefect_errors
from pipeline.errors import InputError
from pipeline.report import FORMATS

if TYPE_CHECKING:
    from pipeline.config import Settings


def _format_for(output: Optional[Path], fmt: Optional[str]) -> str:
    if fmt:
        if fmt not in FORMATS:
            raise InputError(f"--format must be one of {', '.join(FORMATS)}, got {fmt!r}")
        return fmt
    suffix = output.suffix.lower().lstrip(".") if output else "json"
    return {"htm": "html", "markdown": "md"}.get(suffix, suffix if suffix in FORMATS else "json")


def _summary(data: dict) -> str:
    counts: dict[str, int] = {}
    for flag in data["flags"]:
        counts[flag["type"]] = counts.get(flag["type"], 0) + 1
    by_type = ", ".join(f"{n} {t}" for t, n in sorted(counts.items())) or "no flags"
    return f"{len(data['claims'])} claims, {len(data['flags'])} flags ({by_type})"


def _record_run(data: dict, config: dict) -> None:
    """Keep the run for the review app; a failure here must not lose the report already written."""
    if not config.get("review", {}).get("record_runs", True):
        return
    try:
        from review.store import record_run
    except ModuleNotFoundError:
        return
    try:
        # Same precedence as `factcheck serve`: $FACTCHECK_DATABASE_URL, then the config, then the default file.
        database_url = os.environ.get("FACTCHECK_DATABASE_URL") or config.get("review", {}).get("database_url")
        run_id = record_run(data, database_url=database_url)
        print(f"recorded as run {run_id} for review (factcheck serve)", file=sys.stderr)
    except Exception as exc:  # the database is optional for a check; say why it was skipped
        print(f"warning: run not recorded for review: {exc}", file=sys.stderr)


def _article_metadata(article: Path, url: Optional[str], published: Optional[str]) -> dict[str, str]:
    """--url and --published checked; what they leave out is read from an HTML article's metadata."""
    from pipeline.io import read_text
    from review.metadata import article_metadata

    markup = read_text(article, f"article {article}") if article.suffix.lower() in (".html", ".htm") else None
    return article_metadata(url, published, markup)


def _progress_columns() -> tuple:
    """Stage bar, and the bars of the passages a new evidence set embeds and of the verify stage's sentences (done/total, with an estimate of the time left)."""
    from rich.progress import BarColumn, MofNCompleteColumn, SpinnerColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    class EstimateColumn(TimeRemainingColumn):
        """Time left, only for the tasks made with ``estimate=True`` (the stage bar's would mean nothing)."""

        def render(self, task):
            return super().render(task) if task.fields.get("estimate") else ""

    return SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), EstimateColumn()


def _warm(config: "Settings") -> None:
    from pipeline.checker import shared_checker

    try:
        shared_checker(config)
    except Exception:  # the flow's first task loads again and reports the error properly
        pass


@app.command()
@one_line_errors
def check(
    article: Path = typer.Argument(..., help="Article file: .txt, .md, .html, .json ({title, text}), .pdf or .docx (English)."),
    evidence: Optional[list[Path]] = typer.Option(None, "--evidence", "-e", help="Evidence set(s): .jsonl, .csv or a folder. Default: the bundled set."),
    roster: Optional[Path] = typer.Option(None, "--roster", help="CSV of people: name,aliases,role,organisation."),
    output: Optional[list[Path]] = typer.Option(None, "--output", "-o", help="Report file; repeat for several formats. Default: JSON on stdout."),
    fmt: Optional[str] = typer.Option(None, "--format", "-f", help="json, md or html (default: from each output's suffix)."),
    config: Optional[Path] = typer.Option(None, "--config", help="YAML config merged over configs/default.yaml."),
    record: bool = typer.Option(True, "--record/--no-record", help="Record the run for the review app."),
    url: Optional[str] = typer.Option(None, "--url", help="The article's public http(s) address (report, review app, ClaimReview). Default: from an HTML article's metadata."),
    published: Optional[str] = typer.Option(None, "--published", help="The article's publication date, ISO 8601 (2026-11-30). Default: from an HTML article's metadata."),
    max_sentences: Optional[int] = typer.Option(None, "--max-sentences", help="Refuse an article with more sentences (default: limits.max_sentences, 2000)."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Show the libraries' warnings, progress bars and Prefect's logs (as `factcheck --verbose check`)."),
) -> None:
    """Check ARTICLE's claims, names, roles and quotations against an evidence set."""
    if verbose:
        loud_libraries()
    else:
        quiet_prefect_errors()
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    from rich.console import Console
    from rich.progress import Progress

    from pipeline.config import load_settings, resolve_path
    from pipeline.ingest import read_article
    from pipeline.attribution import read_roster_csv
    from pipeline.evidence import evidence_set_fingerprint
    from pipeline.index_cache import list_indexes, require_writable
    from pipeline.io import refuse_unwritable_outputs
    from pipeline.limits import refuse_too_many_sentences

    # Fail fast on bad input, before any model or server starts (counting sentences loads only spaCy).
    overrides = {"limits": {"max_sentences": max_sentences}} if max_sentences is not None else None
    settings = load_settings(config, overrides, require_models=True)  # model folders on disk too
    refuse_unwritable_outputs(list(output or []))
    if roster:
        read_roster_csv(roster)  # a folder, a missing file, undecodable text or no "name" column: one line now
    index_dir = resolve_path(settings.evidence.index_dir)
    if settings.evidence.backend == "embedded" and not list_indexes(index_dir):
        require_writable(index_dir)  # a new evidence set is built there (a folder already holding indexes may be shared read-only)
    refuse_too_many_sentences(read_article(article), settings.limits.max_sentences)
    article_metadata = _article_metadata(article, url, published)
    if evidence:  # read and validated only when new or changed since the index folder last saw it
        evidence_set_fingerprint(evidence, index_dir)
    outputs = {str(path): _format_for(path, fmt) for path in output or []}
    from cli.signals import run_stoppably  # Prefect and the models only once the input is known to be good
    from flows.check_article import check_article_flow
    from flows.progress import subscribe, subscribe_passages, subscribe_sentences
    from flows.server import prefect_api
    from pipeline.checker import STAGES

    # Load the models while Prefect starts its temporary server: the two overlap on a cold start.
    warming = threading.Thread(target=_warm, args=(settings,), daemon=True)
    warming.start()
    console = Console(stderr=True)

    def run_check() -> dict:
        with prefect_api(), Progress(*_progress_columns(), console=console, transient=True) as progress:
            bar = progress.add_task("starting", total=len(STAGES))
            sentences = progress.add_task("verify: sentences", total=None, visible=False, estimate=True)
            passages = progress.add_task("evidence: passages embedded", total=None, visible=False, estimate=True)
            unsubscribe_stages = subscribe(lambda stage: progress.update(bar, advance=1, description=f"{stage} done"))

            def counted(task, done: int, total: int) -> None:
                if done == 0:  # the work starts: its clock (elapsed and estimate) starts now
                    progress.reset(task, total=total, visible=total > 0)
                else:
                    progress.update(task, completed=done, visible=done < total)

            unsubscribe_sentences = subscribe_sentences(lambda done, total: counted(sentences, done, total))
            unsubscribe_passages = subscribe_passages(lambda done, total: counted(passages, done, total))
            try:
                return check_article_flow(
                    str(article),
                    [str(p) for p in evidence] if evidence else None,
                    str(roster) if roster else None,
                    outputs,
                    str(config) if config else None,
                    overrides,
                    article_metadata=article_metadata,
                )
            finally:
                unsubscribe_stages()
                unsubscribe_sentences()
                unsubscribe_passages()

    # SIGINT/SIGTERM: temporary files removed, the Prefect server stopped, exit 130/143 (cli/signals.py).
    data = run_stoppably(run_check, what=f"check of {article}")
    if not outputs:
        from pipeline.report import render

        sys.stdout.write(render(data, _format_for(None, fmt)))
    for path in outputs:
        console.print(f"report written to {path}")
    console.print(_summary(data))
    if record:
        _record_run(data, settings.model_dump())
