"""Accounts of the review app: server-side sessions, login throttling and user management.

A login creates a row in ``sessions``; the cookie carries only the random token, and only
the token's SHA-256 is stored, so the database alone cannot be replayed as a cookie.
Logging out deletes the row; a password change, disabling or removing an account deletes
every session of that account at once.

Failed logins are counted per account (``user:NAME``, known or not, so throttling reveals
nothing about which names exist) and per client address (``addr:IP``). After
``free_failures`` in a row each further failure doubles a wait (1 s, 2 s, 4 s ... up to
``max_delay``) during which that account or address is refused even the right password;
at ``lockout_failures`` an account is locked until an admin unlocks it. A successful
login clears both counters.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session

from pipeline.errors import InputError
from review import security
from review.store import ROLES, AuthSession, Comment, Decision, LoginThrottle, User, utcnow

# --------------------------------------------------------------------------- sessions

# last_seen_at is written at most this often, so reading a page is not a write each time.
TOUCH_EVERY = timedelta(seconds=60)


@dataclass(frozen=True)
class SessionPolicy:
    max_age: timedelta = timedelta(hours=12)  # from login, whatever the activity
    idle: timedelta = timedelta(hours=2)  # without a request


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def open_session(db: Session, user: User, *, address: str, policy: SessionPolicy) -> str:
    """Start a session for ``user`` (committed) and return the token for the cookie."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.add(
        AuthSession(
            token_hash=token_hash(token),
            user_id=user.id,
            csrf=security.new_csrf_token(),
            created_at=now,
            last_seen_at=now,
            expires_at=now + policy.max_age,
            address=address[:64],
        )
    )
    db.commit()
    return token


def live_session(db: Session, token: str | None, *, policy: SessionPolicy) -> AuthSession | None:
    """The session a cookie token names, when it exists, has not expired or idled out, and its account is active."""
    if not token:
        return None
    found = db.scalar(select(AuthSession).where(AuthSession.token_hash == token_hash(token)))
    if found is None:
        return None
    now = utcnow()
    if found.expires_at <= now or now - found.last_seen_at > policy.idle or not found.user.active:
        db.delete(found)
        db.commit()
        return None
    if now - found.last_seen_at > TOUCH_EVERY:
        found.last_seen_at = now
        db.commit()
    return found


def close_session(db: Session, token: str | None) -> None:
    if token:
        db.execute(delete(AuthSession).where(AuthSession.token_hash == token_hash(token)))
        db.commit()


def _close_all_sessions(db: Session, user_id: int) -> int:
    return db.execute(delete(AuthSession).where(AuthSession.user_id == user_id)).rowcount


def session_count(db: Session, user_id: int) -> int:
    return db.scalar(select(func.count()).select_from(AuthSession).where(AuthSession.user_id == user_id)) or 0


# --------------------------------------------------------------------------- throttling


@dataclass(frozen=True)
class ThrottlePolicy:
    free_failures: int = 3
    max_delay: timedelta = timedelta(minutes=5)
    lockout_failures: int = 10


@dataclass(frozen=True)
class Refusal:
    """Why a login is refused before its password is checked."""

    message: str
    retry_after: int | None  # seconds; None: locked until an admin unlocks


def account_key(username: str) -> str:
    return f"user:{username.strip().lower()[:150]}"


def address_key(address: str) -> str:
    return f"addr:{address[:150]}"


def login_refusal(db: Session, username: str, address: str) -> Refusal | None:
    """A refusal when the account is locked or the account or address must still wait."""
    now = utcnow()
    waits = []
    for key in (account_key(username), address_key(address)):
        row = db.get(LoginThrottle, key)
        if row is None:
            continue
        if row.locked:
            return Refusal("This account is locked after too many failed logins; an admin can unlock it.", None)
        if row.blocked_until is not None and row.blocked_until > now:
            waits.append(int((row.blocked_until - now).total_seconds()) + 1)
    if waits:
        wait = max(waits)
        return Refusal(f"Too many failed logins: wait {wait} s before trying again.", wait)
    return None


def record_failure(db: Session, username: str, address: str, *, policy: ThrottlePolicy) -> None:
    now = utcnow()
    for key in (account_key(username), address_key(address)):
        row = db.get(LoginThrottle, key) or LoginThrottle(key=key, failures=0, locked=False)
        row.failures += 1
        row.last_failure_at = now
        beyond = row.failures - policy.free_failures
        if beyond > 0:
            delay = min(timedelta(seconds=2 ** (beyond - 1)), policy.max_delay)
            row.blocked_until = now + delay
        if key.startswith("user:") and row.failures >= policy.lockout_failures:
            row.locked = True
        db.add(row)
    db.commit()


def record_success(db: Session, username: str, address: str) -> None:
    db.execute(delete(LoginThrottle).where(LoginThrottle.key.in_([account_key(username), address_key(address)])))
    db.commit()


def throttled(db: Session) -> list[LoginThrottle]:
    """Accounts and addresses with failed logins, locked first."""
    return list(db.scalars(select(LoginThrottle).order_by(LoginThrottle.locked.desc(), LoginThrottle.key)))


def lift_throttle(engine: Engine, key: str) -> bool:
    """Clear the failures (and lockout) of one ``user:NAME`` or ``addr:IP`` key; False when it had none."""
    with Session(engine) as db, db.begin():
        return db.execute(delete(LoginThrottle).where(LoginThrottle.key == key)).rowcount > 0


# --------------------------------------------------------------------------- user management


def _user(db: Session, username: str) -> User:
    user = db.scalar(select(User).where(User.username == username.strip()))
    if user is None or user.removed_at is not None:
        raise InputError(f"no user {username!r}")
    return user


def _check_not_last_admin(db: Session, user: User) -> None:
    if user.role != "admin":
        return
    admins = db.scalar(
        select(func.count()).select_from(User).where(User.role == "admin", User.disabled_at.is_(None), User.removed_at.is_(None))
    )
    if admins <= 1:
        raise InputError(f"{user.username!r} is the last active admin; make another admin first")


def list_users(db: Session) -> list[User]:
    """Every account that is not removed, by name."""
    return list(db.scalars(select(User).where(User.removed_at.is_(None)).order_by(User.username)))


def active_users(db: Session) -> list[User]:
    return [user for user in list_users(db) if user.active]


def set_password(engine: Engine, username: str, password: str) -> int:
    """New password for ``username``; every session of the account ends. Returns how many ended."""
    if not password:
        raise InputError("password must not be empty")
    with Session(engine) as db, db.begin():
        user = _user(db, username)
        user.password_hash = security.hash_password(password)
        return _close_all_sessions(db, user.id)


def disable_user(engine: Engine, username: str) -> int:
    """Disable the account and end every session of it. Returns how many sessions ended."""
    with Session(engine) as db, db.begin():
        user = _user(db, username)
        _check_not_last_admin(db, user)
        user.disabled_at = user.disabled_at or utcnow()
        return _close_all_sessions(db, user.id)


def enable_user(engine: Engine, username: str) -> None:
    with Session(engine) as db, db.begin():
        _user(db, username).disabled_at = None


def remove_user(engine: Engine, username: str) -> str:
    """Remove the account and end its sessions.

    An account that decided or commented on nothing is deleted. One with history stays only
    as the name on that history: it can never log in again and is listed nowhere.
    Returns "deleted" or "removed".
    """
    with Session(engine) as db, db.begin():
        user = _user(db, username)
        _check_not_last_admin(db, user)
        _close_all_sessions(db, user.id)
        has_history = db.scalar(select(Decision.id).where(Decision.user_id == user.id).limit(1)) or db.scalar(
            select(Comment.id).where(Comment.user_id == user.id).limit(1)
        )
        if has_history:
            user.removed_at = utcnow()
            user.password_hash = "!removed"  # never verifies
            return "removed"
        db.delete(user)
        return "deleted"


def set_role(engine: Engine, username: str, role: str) -> None:
    if role not in ROLES:
        raise InputError(f"role must be one of {', '.join(ROLES)}, got {role!r}")
    with Session(engine) as db, db.begin():
        user = _user(db, username)
        if role != "admin":
            _check_not_last_admin(db, user)
        user.role = role


def unlock_user(engine: Engine, username: str) -> bool:
    """Lift the lockout and failure count of an account; False when it had none."""
    return lift_throttle(engine, account_key(username))


def last_login_at(db: Session, user_id: int) -> datetime | None:
    return db.scalar(select(func.max(AuthSession.created_at)).where(AuthSession.user_id == user_id))


# --------------------------------------------------------------------------- admin actions

ACCOUNT_ACTIONS = ("disable", "enable", "remove", "role", "password", "unlock")


def apply_account_action(engine: Engine, action: str, name: str, value: str = "") -> str:
    """Do one admin action (`ACCOUNT_ACTIONS`) on account ``name`` and say what was done: the admin page's
    message and the ``factcheck users`` commands' output. ``value`` is the role or the password."""
    if action == "disable":
        return f"Disabled {name}; {disable_user(engine, name)} session(s) ended."
    if action == "enable":
        enable_user(engine, name)
        return f"Enabled {name}."
    if action == "remove":
        return f"{remove_user(engine, name).capitalize()} {name}; its sessions ended."
    if action == "role":
        set_role(engine, name, value)
        return f"{name} is now {value}."
    if action == "password":
        return f"New password for {name}; {set_password(engine, name, value)} session(s) ended."
    return f"Unlocked {name}." if unlock_user(engine, name) else f"{name} was not locked."
