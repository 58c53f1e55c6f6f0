"""`factcheck schedule` (serve check-inbox on a cron schedule) and `factcheck inbox run` (one run now)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Optional

import typer

from cli.groups import app, one_line_errors
from pipeline.errors import InputError

inbox_app = typer.Typer(help="Check a folder of articles (see docs/scheduling.md).", no_args_is_help=True)
app.add_typer(inbox_app, name="inbox")

_INBOX = typer.Option(..., "--inbox", help="Folder of articles (.txt, .md, .html, .json).")
_OUTPUT = typer.Option(..., "--output", "-o", help="Folder for reports, the ledger and run summaries.")
_EVIDENCE = typer.Option(None, "--evidence", "-e", help="Evidence set(s): .jsonl, .csv or a folder. Default: the bundled set.")
_ROSTER = typer.Option(None, "--roster", help="CSV of people: name,aliases,role,organisation.")
_CONFIG = typer.Option(None, "--config", help="YAML config merged over configs/default.yaml (dask: and inbox: sections).")


def _parameters(inbox: Path, output: Path, evidence: Optional[list[Path]], roster: Optional[Path], config: Optional[Path], config_dict: dict) -> dict:
    """Validate the inputs up front (one-line errors) and return the flow's parameters, paths made absolute."""
    from pipeline.config import resolve_path
    from pipeline.evidence import evidence_set_fingerprint
    from pipeline.inbox import scan_inbox

    scan_inbox(inbox)
    if evidence:  # read and validated only when new or changed since the index folder last saw it
        evidence_set_fingerprint(evidence, resolve_path(config_dict["evidence"]["index_dir"]))
    if roster and not roster.is_file():
        raise InputError(f"roster {roster} does not exist")
    if output.exists() and not output.is_dir():
        raise InputError(f"output {output} exists and is not a folder")
    return {
        "inbox": str(inbox.resolve()),
        "output": str(output.resolve()),
        "evidence_paths": [str(p.resolve()) for p in evidence] if evidence else None,
        "roster_path": str(roster.resolve()) if roster else None,
        "config_path": str(config.resolve()) if config else None,
    }


def _check_cron(cron: str) -> None:
    from prefect.client.schemas.schedules import CronSchedule

    try:
        CronSchedule(cron=cron)
    except ValueError:  # pydantic's ValidationError is a ValueError
        raise InputError(f"--cron {cron!r} is not a valid cron expression (e.g. '*/30 * * * *')") from None


@app.command()
@one_line_errors
def schedule(
    inbox: Path = _INBOX,
    output: Path = _OUTPUT,
    cron: str = typer.Option("*/30 * * * *", "--cron", help="When to check the inbox (cron, server time zone UTC)."),
    evidence: Optional[list[Path]] = _EVIDENCE,
    roster: Optional[Path] = _ROSTER,
    config: Optional[Path] = _CONFIG,
    name: str = typer.Option("inbox", "--name", help="Deployment name (the deployment is check-inbox/NAME)."),
) -> None:
    """Serve the check-inbox flow as a Prefect deployment on a cron schedule (needs PREFECT_API_URL)."""
    from pipeline.config import load_config

    config_dict = load_config(config)
    parameters = _parameters(inbox, output, evidence, roster, config, config_dict)
    _check_cron(cron)
    api_url = os.environ.get("PREFECT_API_URL")
    if not api_url:
        from prefect.settings import PREFECT_API_URL

        api_url = PREFECT_API_URL.value()
    if not api_url:
        raise InputError("PREFECT_API_URL is not set; start `prefect server start` and export PREFECT_API_URL (docs/scheduling.md)")
    from flows.check_inbox import inbox_flow_for

    from cli.signals import run_stoppably

    print(f"serving check-inbox/{name} on {cron!r} against {api_url}; Ctrl-C to stop", file=sys.stderr)
    # limit=1: runs of one inbox never overlap, so the ledger has a single writer.
    # SIGINT/SIGTERM: the flow run in progress (a child process) is stopped, exit 130/143 (cli/signals.py).
    run_stoppably(
        lambda: inbox_flow_for(config_dict).serve(name=name, cron=cron, parameters=parameters, limit=1, print_starting_message=False),
        what=f"serving check-inbox/{name}",
    )


@inbox_app.command("run")
@one_line_errors
def inbox_run(
    inbox: Path = _INBOX,
    output: Path = _OUTPUT,
    evidence: Optional[list[Path]] = _EVIDENCE,
    roster: Optional[Path] = _ROSTER,
    config: Optional[Path] = _CONFIG,
    retry_failed: bool = typer.Option(False, "--retry-failed", help="Re-check articles that failed on bad input before (otherwise skipped until they change)."),
) -> None:
    """Check the inbox once now: new or changed articles only; prints the run summary as JSON.

    Exits 1 while any article of the inbox is failing (this run or an earlier one); the summary lists them.
    """
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    from pipeline.config import load_config

    config_dict = load_config(config)
    parameters = _parameters(inbox, output, evidence, roster, config, config_dict)
    from cli.signals import run_stoppably
    from flows.check_inbox import inbox_flow_for
    from flows.server import prefect_api

    if (config_dict.get("dask") or {}).get("address") and not os.environ.get("PREFECT_API_URL"):
        print("warning: a Dask scheduler without PREFECT_API_URL: each remote worker starts its own Prefect server (docs/scheduling.md)", file=sys.stderr)

    def run_inbox() -> dict:
        # The temporary server's URL is exported, so Dask workers use it instead of starting their own.
        with prefect_api():
            return inbox_flow_for(config_dict)(**parameters, retry_failed=retry_failed)

    summary = run_stoppably(run_inbox, what=f"check of inbox {inbox}")
    sys.stdout.write(json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    print(
        f"checked {len(summary['checked'])}, skipped {len(summary['skipped'])}, failed {len(summary['failed'])}, "
        f"{len(summary['changed_verdicts'])} verdict(s) changed; summary in {summary['summary_file']}",
        file=sys.stderr,
    )
    for failure in summary["failing"]:
        print(f"failing: {failure['article']}: {failure['error']} (since {failure['failed_at']})", file=sys.stderr)
    if summary["failing"]:
        raise typer.Exit(code=1)
