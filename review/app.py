"""The editors' review web app (FastAPI, server-rendered Jinja2 pages).

Security model:

* Every page except ``/login`` needs a logged-in editor: pages answer ``303`` to
  ``/login?next=...``, JSON endpoints under ``/api/`` answer ``401``.
* Sessions are signed cookies (Starlette ``SessionMiddleware``, itsdangerous):
  HttpOnly, SameSite=Lax, ``Secure`` when ``review.https_only_cookies`` is set.
* Every POST must carry the session's CSRF token in the form field ``csrf_token``;
  a missing or wrong token answers ``403`` before the handler runs.
* Templates autoescape; article, claim and evidence text is never marked safe.
  A Content-Security-Policy allowing only this origin's scripts backs that up.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Iterator
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, FastAPI, Form, Request
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from pipeline.errors import InputError
from pipeline.types import FLAG_TYPES
from review import exports, render, security, settings, store
from review.store import Decision, DecisionInput, Evidence, Flag, Run, StaleDecision, User

HERE = Path(__file__).resolve().parent
# Shown beside a flag type where it is not self-explanatory.
TYPE_DESCRIPTIONS = {"needs_review": "needs review: the checker could not decide"}
SESSION_COOKIE = "factcheck_review"
CSRF_FIELD = "csrf_token"


class NotAuthenticated(Exception):
    """No editor is logged in."""


class CsrfFailure(Exception):
    """A POST without the session's CSRF token."""


def _templates() -> Jinja2Templates:
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True)
    env.filters["when"] = lambda moment: "" if moment is None else moment.strftime("%Y-%m-%d %H:%M UTC")
    env.filters["pct"] = lambda value: "" if value is None else f"{value:.0%}"
    env.filters["score"] = lambda value: "" if value is None else f"{value:.3f}"
    return Jinja2Templates(env=env)


TEMPLATES = _templates()


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use."""
    token = request.session.get("csrf")
    if not token:
        token = security.new_csrf_token()
        request.session["csrf"] = token
    return token


async def csrf_protect(request: Request) -> None:
    """App-wide dependency: refuse any POST whose form lacks the session's CSRF token."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if "user_id" not in request.session and request.url.path != "/login":
        return  # not logged in: require_user answers with the login redirect / 401
    given = None
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        given = value if isinstance(value, str) else None
    if not security.tokens_match(request.session.get("csrf"), given):
        raise CsrfFailure()


def get_db(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine) as session:
        yield session


Db = Annotated[Session, Depends(get_db)]


def require_user(request: Request, db: Db) -> User:
    user_id = request.session.get("user_id")
    user = db.get(User, user_id) if isinstance(user_id, int) else None
    if user is None:
        raise NotAuthenticated()
    return user


CurrentUser = Annotated[User, Depends(require_user)]


def _safe_next(target: str | None) -> str:
    """Only same-site paths: no scheme, no host, no ``//evil``."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def page(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> Response:
    context = {"csrf_token": csrf_token(request), "user": context.pop("user", None), **context}
    return TEMPLATES.TemplateResponse(request, name, context, status_code=status_code)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


# --------------------------------------------------------------------------- login

public = APIRouter()


@public.get("/login")
def login_form(request: Request, db: Db, next: str = "/") -> Response:
    user_id = request.session.get("user_id")
    if isinstance(user_id, int) and db.get(User, user_id) is not None:  # already logged in
        return RedirectResponse(_safe_next(next), status_code=303)
    return page(request, "login.html", {"next": _safe_next(next), "error": None})


@public.post("/login")
def login(
    request: Request,
    db: Db,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    user = db.scalar(select(User).where(User.username == username.strip()))
    if not security.verify_password(user.password_hash if user else None, password):
        context = {"next": _safe_next(next), "error": "Wrong username or password.", "username": username}
        return page(request, "login.html", context, status_code=401)
    if security.needs_rehash(user.password_hash):
        user.password_hash = security.hash_password(password)
        db.commit()
    # A fresh session (and CSRF token) on login, so a planted cookie cannot be reused.
    request.session.clear()
    request.session["user_id"] = user.id
    request.session["csrf"] = security.new_csrf_token()
    return RedirectResponse(_safe_next(next), status_code=303)


# --------------------------------------------------------------------------- pages

protected = APIRouter(dependencies=[Depends(require_user)])


@protected.post("/logout")
def logout(request: Request) -> Response:
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@dataclass
class RunSummary:
    run: Run
    total: int
    by_type: dict[str, int]
    by_status: dict[str, int]


def _summaries(db: Session) -> list[RunSummary]:
    runs = db.scalars(select(Run).order_by(Run.recorded_at.desc(), Run.id.desc())).all()
    summaries = {run.id: RunSummary(run, 0, {}, {}) for run in runs}
    for flag, decision in store.flags_with_status(db):
        summary = summaries[flag.run_id]
        summary.total += 1
        summary.by_type[flag.type] = summary.by_type.get(flag.type, 0) + 1
        status = store.status_of(decision)
        summary.by_status[status] = summary.by_status.get(status, 0) + 1
    return list(summaries.values())


@protected.get("/")
def runs_page(request: Request, db: Db, user: CurrentUser) -> Response:
    context = {"user": user, "summaries": _summaries(db), "flag_types": FLAG_TYPES, "statuses": store.STATUSES}
    return page(request, "runs.html", context)


def _check_filter(name: str, value: str | None, allowed: tuple[str, ...]) -> str | None:
    if not value:
        return None
    if value not in allowed:
        raise StarletteHTTPException(400, f"{name} must be one of {', '.join(allowed)}, got {value!r}")
    return value


@protected.get("/runs/{run_id}")
def run_page(
    request: Request, db: Db, user: CurrentUser, run_id: int, type: str | None = None, status: str | None = None
) -> Response:
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
    context = {
        "user": user,
        "run": run,
        "rows": rows,
        "segments": render.segments(run.article_text, [flag for flag, _ in rows]),
        "flag_types": FLAG_TYPES,
        "type_descriptions": TYPE_DESCRIPTIONS,
        "statuses": store.STATUSES,
        "type_filter": type_filter,
        "status_filter": status_filter,
        "status_of": store.status_of,
    }
    return page(request, "run.html", context)


def _flag_evidence(db: Session, flag: Flag) -> list[Evidence]:
    """The passages a flag cites (by ``evidence_ids``, anywhere in its run), else its claim's evidence."""
    if flag.evidence_ids:
        found = db.scalars(
            select(Evidence)
            .join(Evidence.claim)
            .where(Evidence.passage_id.in_(flag.evidence_ids), store.Claim.run_id == flag.run_id)
            .order_by(Evidence.claim_pk, Evidence.position)
        ).all()
        first: dict[str, Evidence] = {}
        for passage in found:
            first.setdefault(passage.passage_id, passage)
        return [first[pid] for pid in flag.evidence_ids if pid in first]
    return list(flag.claim.evidence) if flag.claim else []


def _other_runs_decisions(db: Session, flag: Flag) -> list[Decision]:
    """Decisions on the same flag (same stable id) in other checks of the same article text."""
    if not flag.run.article_sha256:
        return []
    return list(
        db.scalars(
            select(Decision)
            .join(Decision.flag)
            .join(Flag.run)
            .where(Flag.flag_id == flag.flag_id, Flag.id != flag.id, Run.article_sha256 == flag.run.article_sha256)
            .order_by(Decision.decided_at.desc(), Decision.id.desc())
        ).all()
    )


def _neighbours(db: Session, flag: Flag) -> tuple[int | None, int | None]:
    ids = db.scalars(select(Flag.id).where(Flag.run_id == flag.run_id).order_by(Flag.position)).all()
    index = ids.index(flag.id)
    return (ids[index - 1] if index > 0 else None, ids[index + 1] if index + 1 < len(ids) else None)


def _flag_page(
    request: Request,
    db: Session,
    user: User,
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
    before, span, after = render.context_window(flag.run.article_text, flag.start, flag.end)
    form = form or {}
    evidence = _flag_evidence(db, flag)
    article_pieces, source_pieces = render.change_pieces(flag.text, flag.start, flag.source_sentence, flag.changes)
    context = {
        "user": user,
        "flag": flag,
        "run": flag.run,
        "claim": flag.claim,
        "evidence": evidence,
        "uncited": [pid for pid in flag.evidence_ids if pid not in {p.passage_id for p in evidence}],
        "latest": latest,
        "status": store.status_of(latest),
        "history": list(reversed(flag.decisions)),
        "other_runs": _other_runs_decisions(db, flag),
        "previous_id": previous,
        "next_id": following,
        "context": (before, span, after),
        "article_pieces": article_pieces,
        "source_pieces": source_pieces,
        "changes": flag.changes or [],
        "type_descriptions": TYPE_DESCRIPTIONS,
        "message": message,
        "error": error,
        "form_note": form.get("note", ""),
        "form_correction": form.get("correction") or (latest.correction if latest and latest.correction else flag.suggestion or ""),
    }
    return page(request, "flag.html", context, status_code=status_code)


@protected.get("/flags/{flag_pk}")
def flag_page(request: Request, db: Db, user: CurrentUser, flag_pk: int, saved: int = 0) -> Response:
    return _flag_page(request, db, user, flag_pk, message="Decision saved." if saved else None)


@protected.post("/flags/{flag_pk}/decisions")
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
        return _flag_page(
            request, db, user, flag_pk, error=f"seen_decision_id must be a number, got {seen_decision_id!r}", form=form, status_code=400
        )
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
        return _flag_page(request, db, user, flag_pk, error=str(exc), form=form, status_code=400)
    except StaleDecision as exc:
        message = f"Not saved: {exc}. Read the latest decision below; submit again if you still disagree."
        return _flag_page(request, db, user, flag_pk, error=message, form=form, status_code=409)
    return RedirectResponse(f"/flags/{flag_pk}?saved=1", status_code=303)


@protected.get("/history")
def history_page(request: Request, db: Db, user: CurrentUser, limit: int = 500) -> Response:
    limit = max(1, min(limit, 5000))
    decisions = db.scalars(select(Decision).order_by(Decision.decided_at.desc(), Decision.id.desc()).limit(limit)).all()
    return page(request, "history.html", {"user": user, "decisions": decisions})


@protected.get("/export/decisions.jsonl")
def export_decisions(db: Db) -> Response:
    text = exports.jsonl_text(exports.decision_rows(db))
    headers = {"Content-Disposition": 'attachment; filename="decisions.jsonl"'}
    return PlainTextResponse(text, media_type="application/x-ndjson", headers=headers)


@protected.get("/export/claimreview.json")
def export_claimreview(request: Request, db: Db) -> Response:
    items = exports.claimreview_items(db, request.app.state.organization)
    headers = {"Content-Disposition": 'attachment; filename="claimreview.json"'}
    return JSONResponse(items, media_type="application/ld+json", headers=headers)


# --------------------------------------------------------------------------- JSON


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


@protected.get("/api/runs")
def api_runs(db: Db) -> list[dict[str, Any]]:
    return [
        {
            "id": s.run.id,
            "title": s.run.article_title,
            "path": s.run.article_path,
            "recorded_at": exports.iso(s.run.recorded_at),
            "flags": s.total,
            "by_type": s.by_type,
            "by_status": s.by_status,
        }
        for s in _summaries(db)
    ]


@protected.get("/api/runs/{run_id}/flags")
def api_run_flags(db: Db, run_id: int) -> list[dict[str, Any]]:
    if db.get(Run, run_id) is None:
        raise StarletteHTTPException(404, f"no run {run_id}")
    return [_flag_json(flag, decision) for flag, decision in store.flags_with_status(db, run_id=run_id)]


@protected.get("/api/flags/{flag_pk}")
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


# --------------------------------------------------------------------------- app


SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def create_app(*, database_url: str | None = None, config: dict[str, Any] | None = None, secret: str | None = None) -> FastAPI:
    """Build the review app; the database schema is upgraded to the latest migration here.

    Args:
        database_url: SQLAlchemy URL (default: see :func:`review.settings.database_url`).
        config: Pipeline config (default: ``load_config()``).
        secret: Session-signing key (default: see :func:`review.settings.secret_key`).
    """
    from pipeline.config import load_config

    config = load_config() if config is None else config
    app = FastAPI(title="factcheck review", dependencies=[Depends(csrf_protect)], docs_url=None, redoc_url=None, openapi_url=None)
    app.state.engine = store.get_engine(settings.database_url(database_url, config))
    app.state.organization = settings.organization(config)
    cookies = settings.cookie_settings(config)
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret or settings.secret_key(config),
        session_cookie=SESSION_COOKIE,
        max_age=cookies["max_age"],
        same_site="lax",
        https_only=cookies["https_only"],
    )

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.url.path != "/login" and not request.url.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.exception_handler(NotAuthenticated)
    async def not_authenticated(request: Request, exc: NotAuthenticated) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": "not logged in"}, status_code=401)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse("/login?" + urlencode({"next": target}, quote_via=quote), status_code=303)

    @app.exception_handler(CsrfFailure)
    async def csrf_failure(request: Request, exc: CsrfFailure) -> Response:
        detail = "Missing or invalid CSRF token: reload the page and submit the form again."
        if _is_api(request):
            return JSONResponse({"detail": detail}, status_code=403)
        return page(request, "error.html", {"title": "Forbidden", "detail": detail}, status_code=403)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code)
        context = {"title": f"Error {exc.status_code}", "detail": exc.detail}
        return page(request, "error.html", context, status_code=exc.status_code)

    app.include_router(public)
    app.include_router(protected)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    return app
