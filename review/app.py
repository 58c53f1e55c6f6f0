"""The editors' review web app (FastAPI, server-rendered Jinja2 pages): the app and its account pages.

The security model is described in :mod:`review.web`; the desk's pages are in :mod:`review.pages`.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, FastAPI, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import select
from starlette.exceptions import HTTPException as StarletteHTTPException

from pipeline.errors import InputError
from review import accounts, pages, security, settings, store
from review.store import ROLES, User
from review.web import (
    HERE,
    LOGIN_COOKIE,
    SESSION_COOKIE,
    AdminUser,
    Auth,
    CurrentUser,
    Db,
    Forbidden,
    NotAuthenticated,
    client_address,
    guard_posts,
    page,
    require_user,
    safe_next,
)

# --------------------------------------------------------------------------- login

public = APIRouter()


def _login_page(request: Request, context: dict[str, Any], status_code: int = 200) -> Response:
    """The login form, with a fresh login CSRF token in its cookie and hidden field."""
    token = security.new_csrf_token()
    response = page(request, "login.html", {"login_token": token, **context}, status_code=status_code)
    response.set_cookie(
        LOGIN_COOKIE, token, httponly=True, samesite="strict", secure=request.app.state.https_only, path="/login"
    )
    return response


@public.get("/login")
def login_form(request: Request, auth: Auth, next: str = "/", message: str = "") -> Response:
    if auth is not None:  # already logged in
        return RedirectResponse(safe_next(next), status_code=303)
    notices = {"password": "Password changed: log in with the new one.", "out": "Logged out."}
    return _login_page(request, {"next": safe_next(next), "error": None, "notice": notices.get(message)})


@public.post("/login")
def login(
    request: Request,
    db: Db,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    address = client_address(request)
    context = {"next": safe_next(next), "username": username}
    refusal = accounts.login_refusal(db, username, address)
    if refusal is not None:
        response = _login_page(request, {**context, "error": refusal.message}, status_code=429)
        if refusal.retry_after:
            response.headers["Retry-After"] = str(refusal.retry_after)
        return response
    user = db.scalar(select(User).where(User.username == username.strip()))
    usable = user is not None and user.active
    if not security.verify_password(user.password_hash if usable else None, password):
        accounts.record_failure(db, username, address, policy=request.app.state.throttle_policy)
        return _login_page(request, {**context, "error": "Wrong username or password."}, status_code=401)
    accounts.record_success(db, username, address)
    if security.needs_rehash(user.password_hash):
        user.password_hash = security.hash_password(password)
        db.commit()
    token = accounts.open_session(db, user, address=address, policy=request.app.state.session_policy)
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=request.app.state.https_only,
        max_age=int(request.app.state.session_policy.max_age.total_seconds()),
    )
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


# --------------------------------------------------------------------------- own account

protected = APIRouter(dependencies=[Depends(require_user)])


@protected.post("/logout")
def logout(request: Request, db: Db) -> Response:
    accounts.close_session(db, request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/login?message=out", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@protected.get("/account")
def account_page(request: Request, user: CurrentUser) -> Response:
    return page(request, "account.html", {"error": None})


@protected.post("/account/password")
def change_password(
    request: Request,
    db: Db,
    user: CurrentUser,
    current: Annotated[str, Form()] = "",
    new: Annotated[str, Form()] = "",
    repeat: Annotated[str, Form()] = "",
) -> Response:
    error = None
    if not security.verify_password(user.password_hash, current):
        error = "The current password is wrong."
    elif new != repeat:
        error = "The two new passwords differ."
    if error is None:
        try:
            accounts.set_password(request.app.state.engine, user.username, new)
        except InputError as exc:
            error = str(exc)
    if error:
        return page(request, "account.html", {"error": error}, status_code=400)
    response = RedirectResponse("/login?message=password", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


# --------------------------------------------------------------------------- admin

admin = APIRouter(prefix="/admin", dependencies=[Depends(require_user)])


def _admin_page(request: Request, db: Db, *, message: str | None = None, error: str | None = None, status_code: int = 200) -> Response:
    users = accounts.list_users(db)
    context = {
        "users": users,
        "sessions": {u.id: accounts.session_count(db, u.id) for u in users},
        "throttled": accounts.throttled(db),
        "roles": ROLES,
        "message": message,
        "error": error,
    }
    return page(request, "admin.html", context, status_code=status_code)


@admin.get("/users")
def users_page(request: Request, db: Db, user: AdminUser, done: str = "") -> Response:
    return _admin_page(request, db, message=done or None)


@admin.post("/users")
def add_user(
    request: Request,
    db: Db,
    user: AdminUser,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "editor",
) -> Response:
    try:
        store.add_user(username, password, role=role, database_url=request.app.state.database_url)
    except InputError as exc:
        return _admin_page(request, db, error=str(exc), status_code=400)
    return RedirectResponse("/admin/users?" + urlencode({"done": f"Added {username.strip()} ({role})."}), status_code=303)


@admin.post("/users/{username}/{action}")
def account_action(
    request: Request, db: Db, user: AdminUser, username: str, action: str, value: Annotated[str, Form()] = ""
) -> Response:
    if action not in accounts.ACCOUNT_ACTIONS:
        raise StarletteHTTPException(404, f"no account action {action!r}")
    try:
        done = accounts.apply_account_action(request.app.state.engine, action, username, value)
    except InputError as exc:
        return _admin_page(request, db, error=str(exc), status_code=400)
    return RedirectResponse("/admin/users?" + urlencode({"done": done}), status_code=303)


@admin.post("/throttle")
def lift_throttle(request: Request, user: AdminUser, key: Annotated[str, Form()] = "") -> Response:
    lifted = accounts.lift_throttle(request.app.state.engine, key)
    done = f"Cleared the failed logins of {key}." if lifted else f"{key} had no failed logins."
    return RedirectResponse("/admin/users?" + urlencode({"done": done}), status_code=303)


# --------------------------------------------------------------------------- app


SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def create_app(
    *, database_url: str | None = None, config: dict[str, Any] | None = None, start_worker: bool = True
) -> FastAPI:
    """Build the review app; the database schema is upgraded to the latest migration here.

    Args:
        database_url: SQLAlchemy URL (default: see :func:`review.settings.database_url`).
        config: Pipeline config (default: ``load_config()``).
        start_worker: Start the check worker (models load in its thread) with the app's lifespan.
    """
    from contextlib import asynccontextmanager

    from pipeline.config import load_config
    from review.worker import CheckWorker

    config = load_config() if config is None else config
    url = settings.database_url(database_url, config)
    worker = CheckWorker(url, config)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        if start_worker:
            worker.start()
        try:
            yield
        finally:
            worker.stop()

    app = FastAPI(
        title="factcheck review",
        dependencies=[Depends(guard_posts)],
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=lifespan,
    )
    app.state.database_url = url
    app.state.engine = store.get_engine(url)
    app.state.organization = settings.organization(config)
    app.state.https_only = settings.https_only(config)
    app.state.session_policy = settings.session_policy(config)
    app.state.throttle_policy = settings.throttle_policy(config)
    app.state.allowed_origins = settings.allowed_origins(config)
    app.state.evidence_sets = settings.evidence_sets(config)
    app.state.worker = worker

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if not request.url.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    def _is_api(request: Request) -> bool:
        return request.url.path.startswith("/api/")

    @app.exception_handler(NotAuthenticated)
    async def not_authenticated(request: Request, exc: NotAuthenticated) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": "not logged in"}, status_code=401)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse("/login?" + urlencode({"next": target}, quote_via=quote), status_code=303)

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": exc.detail}, status_code=403)
        return page(request, "error.html", {"title": "Forbidden", "detail": exc.detail}, status_code=403)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail
        if exc.status_code == 400 and "maximum size" in str(detail):
            detail = (
                f"The form was larger than the server accepts ({detail}). Notes, corrections and comments "
                f"hold at most {store.MAX_NOTE_CHARS} characters; go back, shorten the text and send it again."
            )
        if _is_api(request):
            return JSONResponse({"detail": detail}, status_code=exc.status_code)
        context = {"title": f"Error {exc.status_code}", "detail": detail}
        return page(request, "error.html", context, status_code=exc.status_code)

    app.include_router(public)
    app.include_router(protected)
    app.include_router(admin)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    return app
