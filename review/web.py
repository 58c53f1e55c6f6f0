"""What every page of the review app shares: templates, the database session, who is logged in, paging.

Security model (the app's routes rely on it):

* A login is a row in ``sessions``; the cookie ``factcheck_session`` holds only its random
  token (HttpOnly, SameSite=Lax, ``Secure`` when ``review.https_only_cookies`` is set).
* Every page except ``/login`` needs a live session: pages answer ``303`` to
  ``/login?next=...``, JSON endpoints under ``/api/`` answer ``401``.
* Every POST must come from this app's origin (``Origin``, else ``Referer``, when the browser
  sends one) and carry the session's CSRF token in the form field ``csrf_token`` (on the
  login form: the token of the ``factcheck_login`` cookie); otherwise ``403`` before the
  handler runs.
* Templates autoescape; article, claim and evidence text is never marked safe. A
  Content-Security-Policy allowing only this origin's scripts backs that up.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Iterator, Sequence
from urllib.parse import urlencode, urlsplit

from fastapi import Depends, Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from review import accounts, security
from review.store import AuthSession, User

HERE = Path(__file__).resolve().parent
SESSION_COOKIE = "factcheck_session"
LOGIN_COOKIE = "factcheck_login"
CSRF_FIELD = "csrf_token"
PAGE_SIZE = 50


class NotAuthenticated(Exception):
    """No editor is logged in."""


class Forbidden(Exception):
    """A POST without the session's CSRF token, from another origin, or an editor on an admin page."""

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


def _templates() -> Jinja2Templates:
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True)
    env.filters["when"] = lambda moment: "" if moment is None else moment.strftime("%Y-%m-%d %H:%M UTC")
    env.filters["pct"] = lambda value: "" if value is None else f"{value:.0%}"
    env.filters["words"] = lambda value: (value or "").replace("_", " ")
    return Jinja2Templates(env=env)


TEMPLATES = _templates()


def get_db(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine) as session:
        yield session


Db = Annotated[Session, Depends(get_db)]


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def current_session(request: Request, db: Db) -> AuthSession | None:
    """The live session the cookie names (cached on the request), or None."""
    if not hasattr(request.state, "auth"):
        request.state.auth = accounts.live_session(
            db, request.cookies.get(SESSION_COOKIE), policy=request.app.state.session_policy
        )
    return request.state.auth


Auth = Annotated[AuthSession | None, Depends(current_session)]


def require_user(auth: Auth) -> User:
    if auth is None:
        raise NotAuthenticated()
    return auth.user


CurrentUser = Annotated[User, Depends(require_user)]


def require_admin(user: CurrentUser) -> User:
    if user.role != "admin":
        raise Forbidden("Only an admin can manage accounts.")
    return user


AdminUser = Annotated[User, Depends(require_admin)]


def _origin_of(url: str) -> str | None:
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def same_origin(request: Request) -> bool:
    """Whether a POST comes from this app: its ``Origin`` (else ``Referer``) is ours or an allowed one.

    A request with neither header (curl, scripts) passes on to the CSRF check; browsers send
    ``Origin`` on every form POST. ``Origin: null`` (sandboxed frames, some redirects) is refused.
    """
    given = request.headers.get("origin")
    origin = given.lower() if given is not None else None
    if origin is None:
        referer = request.headers.get("referer")
        if referer is None:
            return True
        origin = _origin_of(referer)
    own = f"{request.url.scheme}://{request.headers.get('host', request.url.netloc)}".lower()
    return origin is not None and (origin == own or origin in request.app.state.allowed_origins)


async def guard_posts(request: Request, auth: Auth) -> None:
    """App-wide dependency: refuse a POST from another origin or without the right CSRF token."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if not same_origin(request):
        raise Forbidden("This form was sent from another site; open the page here and submit it again.")
    if auth is not None:
        expected = auth.csrf
    elif request.url.path == "/login":
        expected = request.cookies.get(LOGIN_COOKIE)
    else:
        return  # not logged in: require_user answers with the login redirect / 401
    given = None
    if request.headers.get("content-type", "").startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        value = (await request.form()).get(CSRF_FIELD)
        given = value if isinstance(value, str) else None
    if not security.tokens_match(expected, given):
        raise Forbidden("Missing or invalid CSRF token: reload the page and submit the form again.")


def safe_next(target: str | None) -> str:
    """Only same-site paths: no scheme, no host, no ``//evil``."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def page(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> Response:
    auth = getattr(request.state, "auth", None)
    context = {"csrf_token": auth.csrf if auth else "", "user": auth.user if auth else None, **context}
    return TEMPLATES.TemplateResponse(request, name, context, status_code=status_code)


@dataclass
class Page:
    """One page of a listing: ``items`` and enough to draw "page 2 of 7, 305 runs"."""

    items: Sequence[Any]
    number: int
    size: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.size))

    @property
    def first(self) -> int:
        return (self.number - 1) * self.size + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.total, self.number * self.size)


def paged(db: Session, query: Select, number: int, size: int = PAGE_SIZE) -> Page:
    total = db.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    number = max(1, min(number, max(1, math.ceil(total / size))))
    items = db.scalars(query.limit(size).offset((number - 1) * size)).all()
    return Page(items, number, size, total)


def page_link(filters: dict[str, Any], number: int) -> str:
    """``?filters&page=N`` keeping only the filters that are set."""
    kept = {key: value for key, value in filters.items() if value not in (None, "")}
    return "?" + urlencode({**kept, "page": number})


def contains(column, text: str):
    """Case-insensitive substring match with LIKE's wildcards taken literally (SQLite and PostgreSQL)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.ilike(f"%{escaped}%", escape="\\")
