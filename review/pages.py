"""The desk's pages: runs (status, assignment, search), an article's flags, a flag's evidence,
decision and comments, the decision history, new checks, exports and the JSON API."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException as StarletteHTTPException

from pipeline.checker import STAGES
from pipeline.errors import InputError
from pipeline.types import FLAG_TYPES
from review import accounts, explain, exports, render, store
from review.metadata import article_metadata
from review.store import CheckJob, Claim, Comment, Decision, DecisionInput, Evidence, Flag, Run, StaleDecision, User
from review.web import CurrentUser, Db, Page, contains, page_link, paged, require_user, safe_next
from review.web import page as show_page

router = APIRouter(dependencies=[Depends(require_user)])

# Shown beside a flag type where it is not self-explanatory.
TYPE_DESCRIPTIONS = {"needs_review": "needs review: the checker could not decide"}
RUN_STATUS_WORDS = {"new": "new", "in_review": "in review", "done": "done"}
OTHER_RUNS_SHOWN = 5
ARTICLE_SUFFIXES = (".txt", ".md", ".html", ".htm", ".json")


def _check_filter(name: str, value: str | None, allowed: tuple[str, ...]) -> str | None:
    if not value:
        return None
    if value not in allowed:
        raise StarletteHTTPException(400, f"{name} must be one of {', '.join(allowed)}, got {value!r}")
    return value


# --------------------------------------------------------------------------- runs


@dataclass
class RunSummary:
    run: Run
    total: int
    by_type: dict[str, int]
    by_status: dict[str, int]


def _summaries(db: Session, runs: list[Run]) -> list[RunSummary]:
    summaries = {run.id: RunSummary(run, 0, {}, {}) for run in runs}
    for flag, decision in store.flags_with_status(db, run_ids=list(summaries)):
        summary = summaries[flag.run_id]
        summary.total += 1
        summary.by_type[flag.type] = summary.by_type.get(flag.type, 0) + 1
        status = store.status_of(decision)
        summary.by_status[status] = summary.by_status.get(status, 0) + 1
    return list(summaries.values())


def _runs_query(*, q: str, status: str | None, assignee: str, flag_type: str | None):
    query = select(Run).order_by(Run.recorded_at.desc(), Run.id.desc())
    if q:
        query = query.where(or_(contains(Run.article_title, q), contains(Run.article_path, q), contains(Run.article_text, q)))
    if status:
        query = query.where(Run.status == status)
    if assignee == "-":
        query = query.where(Run.assignee_id.is_(None))
    elif assignee:
        query = query.where(Run.assignee.has(User.username == assignee))
    if flag_type:
        query = query.where(exists().where(Flag.run_id == Run.id, Flag.type == flag_type))
    return query


@router.get("/")
def runs_list(
    request: Request, db: Db, user: CurrentUser, q: str = "", status: str = "", assignee: str = "", type: str = "", page: int = 1
) -> Response:
    filters = {"q": q.strip(), "status": _check_filter("status", status, store.RUN_STATUSES), "assignee": assignee, "type": _check_filter("type", type, FLAG_TYPES)}
    listing = paged(db, _runs_query(q=filters["q"], status=filters["status"], assignee=assignee, flag_type=filters["type"]), page)
    context = {
        "listing": listing,
        "summaries": _summaries(db, list(listing.items)),
        "filters": filters,
        "link": lambda number: page_link(filters, number),
        "flag_types": FLAG_TYPES,
        "statuses": store.STATUSES,
        "run_statuses": RUN_STATUS_WORDS,
        "editors": accounts.active_users(db),
        "jobs": _recent_jobs(db, user),
    }
    return show_page(request, "runs.html", context)


@router.post("/runs/{run_id}/status")
def run_status(request: Request, db: Db, user: CurrentUser, run_id: int, status: Annotated[str, Form()] = "", back: Annotated[str, Form()] = "") -> Response:
    try:
        store.set_run_status(request.app.state.engine, run_id, status)
    except LookupError:
        raise StarletteHTTPException(404, f"no run {run_id}") from None
    except InputError as exc:
        raise StarletteHTTPException(400, str(exc)) from None
    return RedirectResponse(_back(back, f"/runs/{run_id}"), status_code=303)


@router.post("/runs/{run_id}/assign")
def run_assign(request: Request, db: Db, user: CurrentUser, run_id: int, assignee: Annotated[str, Form()] = "", back: Annotated[str, Form()] = "") -> Response:
    target = None
    if assignee:
        target = db.scalar(select(User).where(User.username == assignee))
        if target is None:
            raise StarletteHTTPException(400, f"no editor {assignee!r}")
    try:
        store.assign_run(request.app.state.engine, run_id, target.id if target else None)
    except LookupError:
        raise StarletteHTTPException(404, f"no run {run_id}") from None
    except InputError as exc:
        raise StarletteHTTPException(400, str(exc)) from None
    return RedirectResponse(_back(back, f"/runs/{run_id}"), status_code=303)


def _back(target: str, default: str) -> str:
    return safe_next(target) if target else default


@router.get("/runs/{run_id}")
def run_page(request: Request, db: Db, user: CurrentUser, run_id: int, type: str | None = None, status: str | None = None) -> Response:
    run = db.get(Run, run_id)
    if run is None:
        raise StarletteHTTPException(404, f"no run {run_id}")
    type_filter = _check_filter("type", type, FLAG_TYPES)
    status_filter = _check_filter("status", status, store.STATUSES)
    rows = [
        (flag, decision)
        for flag, decision in store.flags_with_status(db, run_id=run_id)
        if (type_filter is None or flag.type == type_filter)
        and (status_filter is None or store.status_of(decision) == status_filter)
    ]
    decided = {flag.id for flag, decision in rows if decision is not None}
    context = {
        "run": run,
        "rows": rows,
        "segments": render.segments(run.article_text, [flag for flag, _ in rows]),
        "decided": decided,
        "flag_types": FLAG_TYPES,
        "type_descriptions": TYPE_DESCRIPTIONS,
        "statuses": store.STATUSES,
        "run_statuses": RUN_STATUS_WORDS,
        "editors": accounts.active_users(db),
        "type_filter": type_filter,
        "status_filter": status_filter,
        "status_of": store.status_of,
    }
    return show_page(request, "run.html", context)


# --------------------------------------------------------------------------- a flag


@dataclass
class ShownPassage:
    """An evidence passage as the editor reads it."""

    passage: Evidence
    rank: int
    link: str | None
    reading: explain.Reading | None
    decided: bool
    marked: tuple[str, str, str] | None  # the deciding source sentence inside the passage


def _flag_evidence(db: Session, flag: Flag) -> list[Evidence]:
    """The passages a flag cites (by ``evidence_ids``, anywhere in its run), else its claim's evidence."""
    if flag.evidence_ids:
        found = db.scalars(
            select(Evidence)
            .join(Evidence.claim)
            .where(Evidence.passage_id.in_(flag.evidence_ids), Claim.run_id == flag.run_id)
            .order_by(Evidence.claim_pk, Evidence.position)
        ).all()
        first: dict[str, Evidence] = {}
        for passage in found:
            first.setdefault(passage.passage_id, passage)
        return [first[pid] for pid in flag.evidence_ids if pid in first]
    return list(flag.claim.evidence) if flag.claim else []


def _shown_evidence(flag: Flag, passages: list[Evidence]) -> list[ShownPassage]:
    claim = flag.claim
    deciding = set((claim.decided_by if claim else None) or ())
    if flag.type in ("contradicted", "misattribution", "needs_review"):
        deciding |= set(flag.evidence_ids)
    sentence = flag.source_sentence or (claim.source_sentence if claim else None)
    shown = []
    for passage in passages:
        decided = passage.passage_id in deciding
        shown.append(
            ShownPassage(
                passage=passage,
                rank=passage.position + 1,
                link=explain.link(passage.url),
                reading=explain.reading(passage.label, passage.probabilities),
                decided=decided,
                marked=explain.split_at(passage.text, sentence) if decided else None,
            )
        )
    return shown


def _other_runs_decisions(db: Session, flag: Flag, limit: int) -> tuple[list[Decision], int]:
    """The latest decisions on the same flag (same stable id) in other checks of the same article text, and how many there are."""
    if not flag.run.article_sha256:
        return [], 0
    query = (
        select(Decision)
        .join(Decision.flag)
        .join(Flag.run)
        .where(Flag.flag_id == flag.flag_id, Flag.id != flag.id, Run.article_sha256 == flag.run.article_sha256)
        .order_by(Decision.decided_at.desc(), Decision.id.desc())
    )
    listing = paged(db, query, 1, limit)
    return list(listing.items), listing.total


def _neighbours(db: Session, flag: Flag) -> tuple[int | None, int | None]:
    ids = db.scalars(select(Flag.id).where(Flag.run_id == flag.run_id).order_by(Flag.position)).all()
    index = ids.index(flag.id)
    return (ids[index - 1] if index > 0 else None, ids[index + 1] if index + 1 < len(ids) else None)


def _flag_page(
    request: Request,
    db: Session,
    flag_pk: int,
    *,
    message: str | None = None,
    error: str | None = None,
    form: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    flag = db.get(Flag, flag_pk)
    if flag is None:
        raise StarletteHTTPException(404, f"no flag {flag_pk}")
    latest = store.latest_decision(db, flag.id)
    previous, following = _neighbours(db, flag)
    form = form or {}
    evidence = _flag_evidence(db, flag)
    article_pieces, source_pieces = render.change_pieces(flag.text, flag.start, flag.source_sentence, flag.changes)
    other_runs, other_total = _other_runs_decisions(db, flag, OTHER_RUNS_SHOWN)
    listed = {p.passage_id for p in evidence}
    context = {
        "flag": flag,
        "run": flag.run,
        "claim": flag.claim,
        "evidence": _shown_evidence(flag, evidence),
        "uncited": [explain.cited_elsewhere(pid) for pid in flag.evidence_ids if pid not in listed],
        "latest": latest,
        "status": store.status_of(latest),
        "history": list(reversed(flag.decisions)),
        "comments": db.scalars(select(Comment).where(Comment.flag_pk == flag.id).order_by(Comment.created_at, Comment.id)).all(),
        "other_runs": other_runs,
        "other_total": other_total,
        "other_link": "/history?" + urlencode({"flag": flag.flag_id, "article": flag.run.article_sha256}),
        "previous_id": previous,
        "next_id": following,
        "context": render.context_window(flag.run.article_text, flag.start, flag.end),
        "article_pieces": article_pieces,
        "source_pieces": source_pieces,
        "changes": flag.changes or [],
        "type_descriptions": TYPE_DESCRIPTIONS,
        "flag_confidence": explain.FLAG_CONFIDENCE.get(flag.type, ""),
        "verdict_words": explain.VERDICT_WORDS,
        "verdict_confidence": explain.VERDICT_CONFIDENCE,
        "checkworthiness": explain.CHECKWORTHINESS,
        "reading_percent": explain.READING_PERCENT,
        "rank_words": explain.RANK,
        "max_chars": store.MAX_NOTE_CHARS,
        "max_comment": store.MAX_COMMENT_CHARS,
        "message": message,
        "error": error,
        "form_note": form.get("note", ""),
        "form_comment": form.get("comment", ""),
        "form_correction": form.get("correction") or (latest.correction if latest and latest.correction else flag.suggestion or ""),
    }
    return show_page(request, "flag.html", context, status_code=status_code)


def _saved_message(db: Session, decided_pk: int | None) -> str | None:
    if not decided_pk:
        return None
    decided = db.get(Flag, decided_pk)
    if decided is None:
        return None
    return f"Decision saved on the {decided.type.replace('_', ' ')} flag “{decided.text[:80]}”. This is the next open flag."


@router.get("/flags/{flag_pk}")
def flag_page(request: Request, db: Db, flag_pk: int, saved: int = 0, decided: int = 0) -> Response:
    message = "Decision saved. Every flag of this article is decided." if saved else _saved_message(db, decided)
    return _flag_page(request, db, flag_pk, message=message)


@router.post("/flags/{flag_pk}/decisions")
def decide(
    request: Request,
    db: Db,
    user: CurrentUser,
    flag_pk: int,
    action: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    correction: Annotated[str, Form()] = "",
    seen_decision_id: Annotated[str, Form()] = "",
) -> Response:
    form = {"note": note, "correction": correction}
    try:
        seen = int(seen_decision_id)
    except ValueError:
        error = f"seen_decision_id must be a number, got {seen_decision_id!r}"
        return _flag_page(request, db, flag_pk, error=error, form=form, status_code=400)
    try:
        store.decide(
            request.app.state.engine,
            flag_pk=flag_pk,
            user_id=user.id,
            decision=DecisionInput(action=action, note=note, correction=correction, seen_decision_id=seen),
        )
    except LookupError:
        raise StarletteHTTPException(404, f"no flag {flag_pk}") from None
    except InputError as exc:
        message = f"Not saved: {exc}. Your text is kept below."
        return _flag_page(request, db, flag_pk, error=message, form=form, status_code=400)
    except StaleDecision as exc:
        message = f"Not saved: {exc}. Read the latest decision below; submit again if you still disagree."
        return _flag_page(request, db, flag_pk, error=message, form=form, status_code=409)
    following = store.next_open_flag(db, db.get(Flag, flag_pk))
    if following is None:
        return RedirectResponse(f"/flags/{flag_pk}?saved=1", status_code=303)
    return RedirectResponse(f"/flags/{following}?decided={flag_pk}", status_code=303)


@router.post("/flags/{flag_pk}/comments")
def comment(request: Request, db: Db, user: CurrentUser, flag_pk: int, body: Annotated[str, Form()] = "") -> Response:
    try:
        store.add_comment(request.app.state.engine, flag_pk=flag_pk, user_id=user.id, body=body)
    except LookupError:
        raise StarletteHTTPException(404, f"no flag {flag_pk}") from None
    except InputError as exc:
        return _flag_page(request, db, flag_pk, error=f"Comment not saved: {exc}. Your text is kept below.", form={"comment": body}, status_code=400)
    return RedirectResponse(f"/flags/{flag_pk}#comments", status_code=303)


# --------------------------------------------------------------------------- history


@router.get("/history")
def history_page(
    request: Request,
    db: Db,
    user: CurrentUser,
    q: str = "",
    editor: str = "",
    action: str = "",
    type: str = "",
    flag: str = "",
    article: str = "",
    page: int = 1,
) -> Response:
    filters = {
        "q": q.strip(),
        "editor": editor,
        "action": _check_filter("action", action, store.ACTIONS),
        "type": _check_filter("type", type, FLAG_TYPES),
        "flag": flag,
        "article": article,
    }
    query = select(Decision).join(Decision.flag).join(Flag.run).join(Decision.user).order_by(Decision.decided_at.desc(), Decision.id.desc())
    if filters["q"]:
        text = filters["q"]
        query = query.where(
            or_(contains(Flag.text, text), contains(Decision.note, text), contains(Decision.correction, text), contains(Run.article_title, text))
        )
    if editor:
        query = query.where(User.username == editor)
    if filters["action"]:
        query = query.where(Decision.action == filters["action"])
    if filters["type"]:
        query = query.where(Flag.type == filters["type"])
    if flag:
        query = query.where(Flag.flag_id == flag)
    if article:
        query = query.where(Run.article_sha256 == article)
    listing = paged(db, query, page)
    context = {
        "listing": listing,
        "filters": filters,
        "link": lambda number: page_link(filters, number),
        "actions": store.ACTIONS,
        "flag_types": FLAG_TYPES,
        "editors": accounts.list_users(db),
    }
    return show_page(request, "history.html", context)


# --------------------------------------------------------------------------- new checks


def _recent_jobs(db: Session, user: User) -> list[CheckJob]:
    return list(db.scalars(select(CheckJob).where(CheckJob.user_id == user.id).order_by(CheckJob.id.desc()).limit(5)))


def _new_check_page(request: Request, form: dict[str, str], error: str | None = None, status_code: int = 200) -> Response:
    context = {"sets": request.app.state.evidence_sets, "form": form, "error": error, "suffixes": ARTICLE_SUFFIXES}
    return show_page(request, "new_check.html", context, status_code=status_code)


@router.get("/checks/new")
def new_check(request: Request) -> Response:
    return _new_check_page(request, {"evidence_set": next(iter(request.app.state.evidence_sets), "")})


def _validated_article(text: str, upload: UploadFile | None, raw: bytes) -> tuple[str, str, str]:
    """(text, suffix, filename) from the pasted text or the uploaded file, checked as `factcheck check` checks it."""
    from pipeline.ingest import MAX_ARTICLE_BYTES, read_article

    if upload is not None and upload.filename:
        filename = Path(upload.filename).name
        suffix = Path(filename).suffix.lower()
        if suffix not in ARTICLE_SUFFIXES:
            raise InputError(f"the file must be {', '.join(ARTICLE_SUFFIXES)}, got {filename!r}")
        if len(raw) > MAX_ARTICLE_BYTES:
            raise InputError(f"the file is {len(raw)} bytes; the limit is {MAX_ARTICLE_BYTES}")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(f"{filename} is not valid UTF-8 (byte {exc.start}); re-save it as UTF-8") from None
    elif text.strip():
        filename, suffix = "", ".txt"
    else:
        raise InputError("paste the article's text or choose a file")
    import tempfile

    with tempfile.TemporaryDirectory(prefix="factcheck-new-") as folder:
        path = Path(folder) / f"article{suffix}"
        path.write_text(text, encoding="utf-8")
        try:
            read_article(path)
        except InputError as exc:
            raise InputError(str(exc).replace(str(path), filename or "the pasted text")) from None
    return text, suffix, filename


@router.post("/checks")
async def start_check(
    request: Request,
    db: Db,
    user: CurrentUser,
    title: Annotated[str, Form()] = "",
    text: Annotated[str, Form()] = "",
    url: Annotated[str, Form()] = "",
    published: Annotated[str, Form()] = "",
    evidence_set: Annotated[str, Form()] = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    form = {"title": title, "text": text, "url": url, "published": published, "evidence_set": evidence_set}
    raw = await file.read() if file is not None and file.filename else b""
    try:
        if evidence_set not in request.app.state.evidence_sets:
            raise InputError(f"choose one of the evidence sets: {', '.join(request.app.state.evidence_sets)}")
        article_text, suffix, filename = _validated_article(text, file, raw)
        meta = article_metadata(url, published, article_text if suffix in (".html", ".htm") else None)
    except InputError as exc:
        return _new_check_page(request, form, error=f"Not started: {exc}.", status_code=400)
    job = CheckJob(
        user_id=user.id,
        status="queued",
        title=title.strip(),
        filename=filename,
        suffix=suffix,
        source_text=article_text,
        evidence_set=evidence_set,
        article_url=meta.get("url"),
        article_published=meta.get("published"),
        stage="queued",
        stages_done=0,
        error="",
        created_at=store.utcnow(),
    )
    db.add(job)
    db.commit()
    request.app.state.worker.submit(job.id)
    return RedirectResponse(f"/checks/{job.id}", status_code=303)


def _job(db: Session, job_id: int) -> CheckJob:
    job = db.get(CheckJob, job_id)
    if job is None:
        raise StarletteHTTPException(404, f"no check {job_id}")
    return job


@router.get("/checks/{job_id}")
def check_page(request: Request, db: Db, job_id: int) -> Response:
    job = _job(db, job_id)
    if job.status == "done" and job.run_id:
        return RedirectResponse(f"/runs/{job.run_id}", status_code=303)
    context = {"job": job, "stages": STAGES, "worker": request.app.state.worker}
    return show_page(request, "check.html", context)


def _job_json(job: CheckJob) -> dict[str, Any]:
    return {
        "id": job.id,
        "status": job.status,
        "stage": job.stage,
        "stages_done": job.stages_done,
        "stages": len(STAGES),
        "error": job.error,
        "run_id": job.run_id,
    }


@router.get("/api/checks/{job_id}")
def api_check(db: Db, job_id: int) -> dict[str, Any]:
    return _job_json(_job(db, job_id))


# --------------------------------------------------------------------------- exports and JSON


@router.get("/export/decisions.jsonl")
def export_decisions(db: Db) -> Response:
    text = exports.jsonl_text(exports.decision_rows(db))
    headers = {"Content-Disposition": 'attachment; filename="decisions.jsonl"'}
    return PlainTextResponse(text, media_type="application/x-ndjson", headers=headers)


@router.get("/export/claimreview.json")
def export_claimreview(request: Request, db: Db) -> Response:
    items = exports.claimreview_items(db, request.app.state.organization)
    headers = {"Content-Disposition": 'attachment; filename="claimreview.json"'}
    return JSONResponse(items, media_type="application/ld+json", headers=headers)


def _flag_json(flag: Flag, decision: Decision | None) -> dict[str, Any]:
    return {
        "id": flag.id,
        "flag_id": flag.flag_id,
        "run_id": flag.run_id,
        "type": flag.type,
        "claim_id": flag.claim.claim_id if flag.claim else None,
        "start": flag.start,
        "end": flag.end,
        "text": flag.text,
        "message": flag.message,
        "suggestion": flag.suggestion,
        "confidence": flag.confidence,
        "changes": flag.changes or [],
        "source_sentence": flag.source_sentence,
        "status": store.status_of(decision),
        "latest_decision_id": decision.id if decision else 0,
    }


@router.get("/api/runs")
def api_runs(db: Db, q: str = "", status: str = "", assignee: str = "", type: str = "", page: int = 1) -> dict[str, Any]:
    query = _runs_query(q=q.strip(), status=_check_filter("status", status, store.RUN_STATUSES), assignee=assignee, flag_type=_check_filter("type", type, FLAG_TYPES))
    listing: Page = paged(db, query, page)
    return {
        "page": listing.number,
        "pages": listing.pages,
        "total": listing.total,
        "runs": [
            {
                "id": s.run.id,
                "title": s.run.article_title,
                "path": s.run.article_path,
                "status": s.run.status,
                "assignee": s.run.assignee.username if s.run.assignee else None,
                "recorded_at": exports.iso(s.run.recorded_at),
                "flags": s.total,
                "by_type": s.by_type,
                "by_status": s.by_status,
            }
            for s in _summaries(db, list(listing.items))
        ],
    }


@router.get("/api/runs/{run_id}/flags")
def api_run_flags(db: Db, run_id: int) -> list[dict[str, Any]]:
    if db.get(Run, run_id) is None:
        raise StarletteHTTPException(404, f"no run {run_id}")
    return [_flag_json(flag, decision) for flag, decision in store.flags_with_status(db, run_id=run_id)]


@router.get("/api/flags/{flag_pk}")
def api_flag(db: Db, flag_pk: int) -> dict[str, Any]:
    flag = db.get(Flag, flag_pk)
    if flag is None:
        raise StarletteHTTPException(404, f"no flag {flag_pk}")
    data = _flag_json(flag, store.latest_decision(db, flag_pk))
    data["history"] = [
        {
            "id": d.id,
            "action": d.action,
            "correction": d.correction,
            "note": d.note,
            "editor": d.user.username,
            "decided_at": exports.iso(d.decided_at),
        }
        for d in flag.decisions
    ]
    return data
