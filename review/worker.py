"""The check worker of `factcheck serve`: one long-lived thread that loads the models once and
runs the checks editors queue from the browser, one after another.

A check is a row in ``check_jobs`` (queued → running → done or failed, with the stage
reached); the worker records the report as a run, so the browser opens it like any other.
Checks still queued or running when the app stopped are run again at the next start.
"""

from __future__ import annotations

import logging
import queue
import re
import tempfile
import threading
from pathlib import Path
from typing import Any, Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.checker import STAGES
from pipeline.errors import InputError
from review import settings, store
from review.store import CheckJob, utcnow

log = logging.getLogger(__name__)


def _default_checker(config: dict):
    from pipeline.checker import shared_checker

    return shared_checker(config)


def article_file(folder: Path, job: CheckJob) -> Path:
    """The job's text written to ``folder`` under a safe name with the job's suffix."""
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", Path(job.filename).stem)[:60] or f"check-{job.id}"
    path = folder / f"{stem}{job.suffix}"
    path.write_text(job.source_text, encoding="utf-8")
    return path


class CheckWorker:
    """Runs queued checks in one thread with the pipeline's models loaded once (``shared_checker``)."""

    def __init__(self, database_url: str, config: dict, *, checker: Callable[[dict], Any] = _default_checker):
        self.database_url = database_url
        self.config = config
        self._checker = checker
        self._queue: queue.Queue[int | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self.ready = threading.Event()  # set once the models are loaded (or failed to load)
        self.load_error: str | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self.running:
            return
        self._thread = threading.Thread(target=self._serve, name="factcheck-check-worker", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the thread to stop after the check it is running (if any)."""
        if self.running:
            self._queue.put(None)
            self._thread.join(timeout)

    def submit(self, job_id: int) -> None:
        self._queue.put(job_id)

    def _engine(self):
        return store.get_engine(self.database_url)

    def _serve(self) -> None:
        try:
            checker = self._checker(self.config)
        except Exception as exc:  # every queued check then fails with this message
            log.exception("the check worker could not load the models")
            checker, self.load_error = None, f"the models did not load: {type(exc).__name__}: {exc}"
        self.ready.set()
        with Session(self._engine()) as db:
            for job_id in db.scalars(select(CheckJob.id).where(CheckJob.status.in_(("queued", "running"))).order_by(CheckJob.id)):
                self._queue.put(job_id)
        seen: set[int] = set()
        while (job_id := self._queue.get()) is not None:
            if job_id not in seen:  # a job queued at start-up and submitted again runs once
                seen.add(job_id)
                self._run_job(checker, job_id)

    def _update(self, job_id: int, **fields: Any) -> None:
        with Session(self._engine()) as db, db.begin():
            job = db.get(CheckJob, job_id)
            for name, value in fields.items():
                setattr(job, name, value)

    def _run_job(self, checker, job_id: int) -> None:
        with Session(self._engine()) as db:
            job = db.get(CheckJob, job_id)
            if job is None or job.status in ("done", "failed"):
                return
            db.expunge(job)
        self._update(job_id, status="running", started_at=utcnow(), stage="starting", stages_done=0, error="")
        try:
            if checker is None:
                raise RuntimeError(self.load_error)
            run_id = self._check(checker, job)
        except InputError as exc:
            self._update(job_id, status="failed", error=str(exc), finished_at=utcnow())
        except Exception as exc:  # reported on the job's page; the worker goes on with the next check
            log.exception("check %s failed", job_id)
            self._update(job_id, status="failed", error=f"{type(exc).__name__}: {exc}", finished_at=utcnow())
        else:
            self._update(job_id, status="done", run_id=run_id, stage="done", stages_done=len(STAGES), finished_at=utcnow())

    def _check(self, checker, job: CheckJob) -> int:
        """The pipeline's whole check (`ArticleChecker.check`) on the job's article, progress recorded after each
        stage; returns the run id."""
        from pipeline.report import report_to_dict

        evidence_set = settings.evidence_sets(self.config).get(job.evidence_set)
        if evidence_set is None:
            raise InputError(f"no evidence set {job.evidence_set!r} in this app's configuration")
        done = iter(range(1, len(STAGES) + 1))

        def progress(stage: str) -> None:
            self._update(job.id, stage=stage, stages_done=next(done))

        with tempfile.TemporaryDirectory(prefix="factcheck-job-") as folder:
            report = checker.check(article_file(Path(folder), job), evidence_set["evidence"], evidence_set["roster"], on_stage=progress)
        data = report_to_dict(report, {"url": job.article_url, "published": job.article_published})
        data["article"]["path"] = job.filename or f"check {job.id}"  # not the temporary file
        if job.title:
            data["article"]["title"] = job.title
        run_id = store.record_run(data, database_url=self.database_url)
        progress("report")
        return run_id
