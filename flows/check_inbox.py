"""The `check-inbox` flow: check every new or changed article in a folder, one task per article.

Runs sequentially by default; with `dask.address` or `dask.local_workers` in the config,
`inbox_flow_for(config)` returns the flow on prefect-dask's `DaskTaskRunner`, and each Dask
worker process loads the models once (`shared_checker`) and reuses them for all its articles.
"""

from __future__ import annotations

import os
import resource
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner

from pipeline.checker import ArticleChecker, shared_checker
from pipeline.config import data_dir, load_config, resolve_path
from pipeline.errors import InputError
from pipeline.evidence import evidence_set_fingerprint
from pipeline.inbox import ArticleJob, Ledger, claim_verdicts, evidence_fingerprint, scan_inbox, write_summary
from pipeline.report import render, report_to_dict, write_atomically

DEFAULT_RESULT_DIR = data_dir() / "inbox-results"


def _retry_unless_input_error(task, task_run, state) -> bool:
    """Retry transient failures; bad input (an `InputError`) fails the same way every time."""
    try:
        state.result()
    except InputError:
        return False
    except Exception:
        return True
    return True


@task(
    name="check-one-article",
    retries=2,
    retry_delay_seconds=1,
    retry_condition_fn=_retry_unless_input_error,
    cache_policy=NO_CACHE,
    persist_result=False,
)
def check_one_article(config: dict, article_path: str, report_file: str, evidence_paths: list[str] | None, roster_path: str | None) -> dict:
    """Check one article with this process's shared checker and write its JSON report atomically."""
    checker = shared_checker(config)
    data = report_to_dict(checker.check(article_path, evidence_paths, roster_path))
    write_atomically(report_file, render(data, "json"))
    return {
        "verdicts": claim_verdicts(data),
        "claims": len(data["claims"]),
        "flags": len(data["flags"]),
        # Which process and which checker object did the work: shows models load once per worker.
        "pid": os.getpid(),
        "checker": id(checker),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),  # Linux: KiB
    }


def _evidence_inputs(config: dict, evidence_paths: list[str] | None, roster_path: str | None) -> tuple[list[str], str | None]:
    """The evidence files and roster a check really uses (the bundled set when none is given), as the checker does."""
    if evidence_paths:
        return list(evidence_paths), roster_path
    evidence_cfg = config["evidence"]
    roster = roster_path or resolve_path(evidence_cfg.get("default_roster"))
    return [str(resolve_path(evidence_cfg["default_set"]))], str(roster) if roster else None


def _error_text(state) -> tuple[str, bool]:
    """A one-line error of a failed task state and whether it is permanent (bad input)."""
    try:
        exc = state.result(raise_on_failure=False)
    except Exception as read_error:  # the exception itself could not be read back
        return (state.message or str(read_error)), False
    if isinstance(exc, BaseException):
        return f"{type(exc).__name__}: {exc}", isinstance(exc, InputError)
    return state.message or f"task ended {state.type.value}", False


@flow(
    name="check-inbox",
    log_prints=True,
    persist_result=True,
    result_serializer="json",
    result_storage=DEFAULT_RESULT_DIR,  # a Path: an unsaved local folder, no storage block needed
    task_runner=ThreadPoolTaskRunner(max_workers=1),
)
def check_inbox_flow(
    inbox: str,
    output: str,
    evidence_paths: list[str] | None = None,
    roster_path: str | None = None,
    config_path: str | None = None,
    config_overrides: dict | None = None,
    retry_failed: bool = False,
) -> dict:
    """Check every new or changed article in ``inbox``; write reports, a ledger and a summary to ``output``.

    ``retry_failed`` re-checks articles that failed on bad input before (otherwise skipped until they change).

    Returns:
        The run summary: ``checked``, ``skipped``, ``failed`` (this run: ``{"article", "error"}``),
        ``failing`` (every article of the inbox whose last check failed, this run or before:
        ``{"article", "error", "permanent", "failed_at"}``) and ``changed_verdicts``
        (``{"article", "claim_id", "text", "old", "new"}``), plus the run's evidence fingerprint,
        models and summary file.
    """
    config = load_config(config_path, config_overrides)
    out = Path(output)
    out.mkdir(parents=True, exist_ok=True)
    evidence_files, roster = _evidence_inputs(config, evidence_paths, roster_path)
    # The files are read (and validated) only when their path, size or modification time is new to the index folder.
    evidence = evidence_fingerprint(evidence_set_fingerprint(evidence_files, resolve_path(config["evidence"]["index_dir"])), roster)
    models = ArticleChecker(config).model_names()  # names hash the model files; nothing is loaded here
    ledger = Ledger.load(out)
    articles = scan_inbox(inbox)
    plan = ledger.plan(articles, out, evidence, models, retry_failed=retry_failed)
    print(f"{len(plan.jobs)} article(s) to check, {len(plan.skipped)} skipped")

    futures = [
        (job, check_one_article.submit(config, job.path, job.report, evidence_paths, roster_path)) for job in plan.jobs
    ]
    checked, failed, changes = [], [], []
    for job, future in futures:
        future.wait()
        state = future.state
        if state.is_completed():
            result = state.result()
            found = ledger.record_checked(job, evidence, models, result["verdicts"])
            changes.extend(c.to_dict() for c in found)
            checked.append(_checked_entry(job, result))
        else:
            error, permanent = _error_text(state)
            ledger.record_failed(job, evidence, models, error, permanent=permanent)
            failed.append({"article": job.name, "error": error, "permanent": permanent})
            print(f"failed: {job.name}: {error}")
        ledger.save()

    summary = {
        "inbox": str(inbox),
        "output": str(out),
        "evidence": evidence,
        "models": models,
        "checked": checked,
        "skipped": [s.to_dict() for s in plan.skipped],
        "failed": failed,
        "failing": ledger.failures(articles),
        "changed_verdicts": changes,
    }
    summary["summary_file"] = str(write_summary(out, summary))
    print(
        f"checked {len(checked)}, skipped {len(plan.skipped)}, failed {len(failed)}, "
        f"{len(summary['failing'])} failing, {len(changes)} verdict(s) changed"
    )
    return summary


def _checked_entry(job: ArticleJob, result: dict) -> dict:
    return {
        "article": job.name,
        "report": job.report,
        "key": job.key,
        "reason": job.reason,
        "claims": result["claims"],
        "flags": result["flags"],
        "worker": {"pid": result["pid"], "checker": result["checker"], "peak_rss_mb": result["peak_rss_mb"]},
    }


def task_runner_for(config: dict):
    """prefect-dask's `DaskTaskRunner` when the config names a Dask scheduler or local workers, else None.

    Raises:
        InputError: ``dask.local_workers`` is not a positive integer.
    """
    dask = config.get("dask") or {}
    address = dask.get("address")
    workers = dask.get("local_workers")
    if not address and not workers:
        return None
    from prefect_dask import DaskTaskRunner

    if address:
        return DaskTaskRunner(address=str(address))
    if not isinstance(workers, int) or isinstance(workers, bool) or workers <= 0:
        raise InputError(f"dask.local_workers must be a positive integer, got {workers!r}")
    return DaskTaskRunner(
        cluster_class="distributed.LocalCluster",
        cluster_kwargs={
            "n_workers": workers,
            "processes": True,
            "threads_per_worker": 1,
            "host": "127.0.0.1",  # loopback only
            "dashboard_address": None,
        },
    )


def inbox_flow_for(config: dict):
    """`check_inbox_flow` with the task runner and result folder the config asks for."""
    options = {}
    runner = task_runner_for(config)
    if runner is not None:
        options["task_runner"] = runner
    result_dir = (config.get("inbox") or {}).get("result_dir")
    if result_dir:
        options["result_storage"] = resolve_path(result_dir)
    return check_inbox_flow.with_options(**options) if options else check_inbox_flow
