"""The review database: stored check reports and editors' decisions on their flags.

Tables: ``users`` (editors and admins), ``sessions`` (server-side logins: the cookie holds
only a random token whose hash is the key), ``login_throttle`` (failed logins per account and
per client address), ``runs`` (one stored report each, with its desk status and assignee),
``claims``, ``evidence`` (passages listed under a claim), ``flags``, ``decisions``
(append-only history: every decision is a new row; a flag's status is its latest decision,
or ``open``), ``comments`` (a thread per flag) and ``check_jobs`` (checks started from the
browser, queued for the app's worker).

The schema is created and upgraded by the Alembic migrations in ``review/migrations``,
run programmatically (``upgrade head``) the first time a process opens a database URL: an
empty database gets the whole schema, an existing SQLite file is upgraded in place. A shared
server's database (PostgreSQL) at an older revision is refused instead (:class:`SchemaOutOfDate`):
it is upgraded once, deliberately, with ``factcheck db upgrade``, not by whichever worker
starts first.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    create_engine,
    event,
    false,
    func,
    select,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship
from sqlalchemy.pool import StaticPool

from pipeline.errors import InputError
from pipeline.types import FLAG_TYPES, VERDICT_LABELS, content_id
from review import settings

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
ACTIONS: tuple[str, ...] = ("accept", "reject", "correct")
STATUSES: tuple[str, ...] = ("open", *ACTIONS)
MAX_NOTE_CHARS = 5000
ROLES: tuple[str, ...] = ("editor", "admin")
# Desk status of an article (a run): set by editors; the first decision moves "new" to "in_review".
RUN_STATUSES: tuple[str, ...] = ("new", "in_review", "done")
JOB_STATUSES: tuple[str, ...] = ("queued", "running", "done", "failed")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Timestamps stored as naive UTC (SQLite keeps no zone) and read back as aware UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=timezone.utc)


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    role: Mapped[str] = mapped_column(String(16), default="editor", server_default="editor")
    # A disabled account cannot log in and has no sessions; enabling it again restores it.
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # A removed account with history stays as a name on its decisions and comments, nothing more.
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    @property
    def active(self) -> bool:
        return self.disabled_at is None and self.removed_at is None

    @property
    def state(self) -> str:
        return "removed" if self.removed_at else "disabled" if self.disabled_at else "active"


class AuthSession(Base):
    """One login. The cookie carries a random token; only its SHA-256 is stored."""

    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE", name="fk_sessions_user_id_users"), index=True
    )
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    address: Mapped[str] = mapped_column(String(64), default="")

    user: Mapped[User] = relationship()


class LoginThrottle(Base):
    """Consecutive failed logins of one key (``user:NAME`` or ``addr:IP``)."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # Set at the lockout threshold on an account: only an admin (or `factcheck users unlock`) lifts it.
    locked: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Run(Base):
    """One stored report of ``factcheck check``."""

    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    schema_version: Mapped[int] = mapped_column(Integer)
    article_path: Mapped[str] = mapped_column(Text, default="")
    article_sha256: Mapped[str] = mapped_column(String(64), default="", index=True)
    article_title: Mapped[str] = mapped_column(Text, default="")
    article_text: Mapped[str] = mapped_column(Text)
    models: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    report: Mapped[dict] = mapped_column(JSON)
    # The article's public address and publication date (ClaimReview itemReviewed), when known.
    article_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    article_published: Mapped[str | None] = mapped_column(String(40), nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="new", server_default="new", index=True)
    assignee_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL", name="fk_runs_assignee_id_users"), nullable=True, index=True
    )

    assignee: Mapped[User | None] = relationship()
    claims: Mapped[list[Claim]] = relationship(back_populates="run", order_by="Claim.position")
    flags: Mapped[list[Flag]] = relationship(back_populates="run", order_by="Flag.position")


class Claim(Base):
    __tablename__ = "claims"
    __table_args__ = (UniqueConstraint("run_id", "claim_id", name="uq_claims_run_claim"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    claim_id: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    checkworthiness: Mapped[float | None] = mapped_column(Float, nullable=True)
    verdict: Mapped[str | None] = mapped_column(String(32), nullable=True)
    confidence: Mapped[float | None] = mapped_column(Float, nullable=True)
    speaker: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Report schema 2: the passages that decided the verdict, the source sentence it restates, why.
    decided_by: Mapped[list | None] = mapped_column(JSON, nullable=True)
    source_sentence: Mapped[str | None] = mapped_column(Text, nullable=True)
    verdict_note: Mapped[str | None] = mapped_column(Text, nullable=True)

    run: Mapped[Run] = relationship(back_populates="claims")
    evidence: Mapped[list[Evidence]] = relationship(back_populates="claim", order_by="Evidence.position")


class Evidence(Base):
    """An evidence passage as listed under a claim in the report."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_pk: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    passage_id: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text, default="")
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    label: Mapped[str] = mapped_column(String(32), default="")
    url: Mapped[str | None] = mapped_column(Text, nullable=True)
    title: Mapped[str | None] = mapped_column(Text, nullable=True)
    date: Mapped[str | None] = mapped_column(String(40), nullable=True)
    # Calibrated NLI probabilities of this passage against the claim (entailment/neutral/contradiction).
    probabilities: Mapped[dict | None] = mapped_column(JSON, nullable=True)

    claim: Mapped[Claim] = relationship(back_populates="evidence")


class Flag(Base):
    __tablename__ = "flags"
    __table_args__ = (UniqueConstraint("run_id", "flag_id", name="uq_flags_run_flag"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    flag_id: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(32), index=True)
    claim_pk: Mapped[int | None] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), nullable=True)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    message: Mapped[str] = mapped_column(Text, default="")
    suggestion: Mapped[str | None] = mapped_column(Text, nullable=True)
    confidence: Mapped[float | None] = mapped_column(Float, nullable=True)
    evidence_ids: Mapped[list] = mapped_column(JSON, default=list)
    # Report schema 2; None on flags recorded from schema-1 reports.
    changes: Mapped[list | None] = mapped_column(JSON, nullable=True)
    source_sentence: Mapped[str | None] = mapped_column(Text, nullable=True)

    run: Mapped[Run] = relationship(back_populates="flags")
    claim: Mapped[Claim | None] = relationship()
    decisions: Mapped[list[Decision]] = relationship(back_populates="flag", order_by="Decision.seq")


class Decision(Base):
    """One editor's decision on a flag. Rows are never updated: history is the table."""

    __tablename__ = "decisions"
    __table_args__ = (
        # seq counts a flag's decisions 1, 2, 3...; two editors deciding from the same
        # version both compute the same seq, so the later insert fails instead of
        # silently overwriting the first.
        UniqueConstraint("flag_pk", "seq", name="uq_decisions_flag_seq"),
        CheckConstraint("action IN ('accept', 'reject', 'correct')", name="ck_decisions_action"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    flag_pk: Mapped[int] = mapped_column(ForeignKey("flags.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(16))
    correction: Mapped[str | None] = mapped_column(Text, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    flag: Mapped[Flag] = relationship(back_populates="decisions")
    user: Mapped[User] = relationship()


class Comment(Base):
    """One message in a flag's comment thread."""

    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    flag_pk: Mapped[int] = mapped_column(
        ForeignKey("flags.id", ondelete="CASCADE", name="fk_comments_flag_pk_flags"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", name="fk_comments_user_id_users"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship()


class CheckJob(Base):
    """A check started from the browser: queued, run by the app's worker, then a run."""

    __tablename__ = "check_jobs"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="ck_check_jobs_status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", name="fk_check_jobs_user_id_users"))
    status: Mapped[str] = mapped_column(String(16), default="queued")
    title: Mapped[str] = mapped_column(Text, default="")
    filename: Mapped[str] = mapped_column(String(255), default="")
    suffix: Mapped[str] = mapped_column(String(8), default=".txt")
    source_text: Mapped[str] = mapped_column(Text)
    evidence_set: Mapped[str] = mapped_column(String(80))
    article_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    article_published: Mapped[str | None] = mapped_column(String(40), nullable=True)
    stage: Mapped[str] = mapped_column(String(32), default="")
    stages_done: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    run_id: Mapped[int | None] = mapped_column(
        ForeignKey("runs.id", ondelete="SET NULL", name="fk_check_jobs_run_id_runs"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    user: Mapped[User] = relationship()


# --------------------------------------------------------------------------- engine


_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def shown_url(url: str) -> str:
    """``url`` with its password hidden, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return repr(url)


def private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600 if absent; take group and other access off an existing one.

    The review database holds password hashes and editors' notes. SQLite gives its -wal and
    -shm files the database file's mode, so they stay private too.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        mode = path.stat().st_mode & 0o777
        if mode & 0o077:
            path.chmod(mode & 0o700)


def _create_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
        parsed.get_dialect()
    except (ArgumentError, NoSuchModuleError) as exc:
        raise InputError(f"not a usable database URL: {shown_url(url)} ({exc})") from exc
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database in ("", ":memory:"):
            # One shared connection, or every session would see its own empty database.
            engine = create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False})
        else:
            private_file(Path(database).expanduser())
            engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


class SchemaOutOfDate(InputError):
    """The database's schema revision is not the one this code needs."""


def open_engine(url: str) -> Engine:
    """A new engine for ``url``, its schema neither checked nor touched (``factcheck db``)."""
    try:
        return _create_engine(url)
    except ImportError as exc:
        raise InputError(f"the database driver for {shown_url(url)} is not installed: {exc.name}") from exc


def _alembic_config():
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    config.set_main_option("path_separator", "os")
    return config


def head_revision() -> str:
    """The newest migration's revision id: the schema this code needs."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def schema_revision(engine: Engine) -> str | None:
    """The revision the database is at (None: no migration has run on it)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def check_schema(engine: Engine, *, allow_upgrade: bool) -> str | None:
    """The database's revision if it is ``head``, or None when it needs migrations that may run now.

    Raises:
        SchemaOutOfDate: The database is at another revision and ``allow_upgrade`` is false,
            or it is at a revision this code does not know (written by a newer version).
    """
    current, head = schema_revision(engine), head_revision()
    if current == head:
        return current
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    try:
        ScriptDirectory.from_config(_alembic_config()).get_revision(current)
    except CommandError:
        raise SchemaOutOfDate(
            f"the review database {shown_url(engine.url.render_as_string())} is at revision {current}, "
            f"which this version of factcheck does not know (it needs {head}); upgrade factcheck"
        ) from None
    if not allow_upgrade:
        raise SchemaOutOfDate(
            f"the review database {shown_url(engine.url.render_as_string())} is at revision {current or 'none (empty)'}, "
            f"this version needs {head}: run `factcheck db upgrade`"
        )
    return None


def upgrade_schema(engine: Engine, revision: str = "head") -> None:
    """Run the Alembic migrations up to ``revision`` on ``engine``."""
    from alembic import command

    config = _alembic_config()
    with engine.connect() as connection:
        # SQLite's batch mode rebuilds a table (copy, drop, rename) to add a constraint; with
        # foreign keys on, dropping the old table would cascade-delete every child row.
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


def _upgrades_itself(engine: Engine, upgrade_existing: bool) -> bool:
    """Whether opening the database may migrate it: an empty one, or (``upgrade_existing``) a SQLite file."""
    return schema_revision(engine) is None or (upgrade_existing and engine.dialect.name == "sqlite")


def get_engine(database_url: str | None = None, *, upgrade_existing: bool = True) -> Engine:
    """An engine for ``database_url`` (see :func:`review.settings.database_url`) whose schema is current.

    An empty database is given the schema. An existing SQLite file at an older revision is
    upgraded in place, unless ``upgrade_existing`` is false (``factcheck serve``); an existing
    database on a server never is. Engines are cached per URL, so the check runs once per
    process and URL.

    Raises:
        SchemaOutOfDate: The schema is not current and may not be migrated here.
    """
    url = settings.database_url(database_url)
    with _engines_lock:
        engine = _engines.get(url)
        if engine is None:
            engine = open_engine(url)
            try:
                if check_schema(engine, allow_upgrade=_upgrades_itself(engine, upgrade_existing)) is None:
                    upgrade_schema(engine)
            except SchemaOutOfDate:
                engine.dispose()
                raise
            except OperationalError as exc:
                engine.dispose()
                raise InputError(f"cannot open the review database {shown_url(url)}: {exc.orig}") from exc
            _engines[url] = engine
    return engine


def dispose_engines() -> None:
    """Close every cached engine (tests and shutdown)."""
    with _engines_lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


# --------------------------------------------------------------------------- record_run


def _require(mapping: dict, key: str, kinds: type | tuple[type, ...], where: str) -> Any:
    if key not in mapping:
        raise InputError(f"report {where} lacks {key!r}")
    value = mapping[key]
    if not isinstance(value, kinds) or (isinstance(value, bool) and kinds is int):
        raise InputError(f"report {where}.{key} must be {getattr(kinds, '__name__', kinds)}, got {value!r:.80}")
    return value


def _optional_float(value: Any, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InputError(f"report {where} must be a number, got {value!r:.80}")
    return float(value)


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise InputError(f"report created_at is not ISO 8601: {value!r}") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _optional_str(value: Any) -> str | None:
    return (str(value).strip() or None) if value is not None else None


def _probabilities(value: Any, where: str) -> dict[str, float] | None:
    if not value:
        return None
    if not isinstance(value, dict):
        raise InputError(f"report {where} must be an object, got {value!r:.80}")
    return {str(label): _optional_float(p, f"{where}.{label}") for label, p in value.items()}


def whole_title(title: str, text: str) -> str:
    """``title`` trimmed; when it is a cut-off start of the article's first line, that whole line.

    Ingest keeps the first 120 characters of a plain-text article's first line as its title,
    which cuts long headlines mid-word.
    """
    title = title.strip()
    first_line = next((line.strip().lstrip("#").strip() for line in text.splitlines() if line.strip()), "")
    if title and len(first_line) > len(title) and first_line.startswith(title):
        return first_line
    return title


def report_digest(report: dict) -> str:
    """SHA-256 of the report's canonical JSON (sorted keys): identical reports, identical digest."""
    canonical = json.dumps(report, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _build_run(report: dict, digest: str) -> Run:
    if not isinstance(report, dict):
        raise InputError(f"report must be a JSON object, got {type(report).__name__}")
    version = _require(report, "schema_version", int, "")
    if version < 1:
        raise InputError(f"report schema_version must be >= 1, got {version}")
    article = _require(report, "article", dict, "")
    text = _require(article, "text", str, "article")
    run = Run(
        report_sha256=digest,
        schema_version=version,
        article_path=str(article.get("path") or ""),
        article_sha256=str(article.get("sha256") or ""),
        article_title=whole_title(str(article.get("title") or ""), text),
        article_text=text,
        article_url=_optional_str(article.get("url")),
        article_published=_optional_str(article.get("published")),
        models=report.get("models") if isinstance(report.get("models"), dict) else {},
        created_at=_parse_time(report.get("created_at")),
        recorded_at=utcnow(),
        report=report,
    )
    claims_by_id: dict[str, Claim] = {}
    for position, raw in enumerate(_require(report, "claims", list, "")):
        where = f"claims[{position}]"
        if not isinstance(raw, dict):
            raise InputError(f"report {where} must be an object, got {raw!r:.80}")
        claim_id = str(_require(raw, "id", str, where))
        if claim_id in claims_by_id:
            raise InputError(f"report {where}.id {claim_id!r} is not unique")
        verdict = raw.get("verdict")
        if verdict is not None and verdict not in VERDICT_LABELS:
            raise InputError(f"report {where}.verdict must be one of {', '.join(VERDICT_LABELS)}, got {verdict!r}")
        claim = Claim(
            claim_id=claim_id,
            position=position,
            text=_require(raw, "text", str, where),
            start=_require(raw, "start", int, where),
            end=_require(raw, "end", int, where),
            checkworthiness=_optional_float(raw.get("checkworthiness"), f"{where}.checkworthiness"),
            verdict=verdict,
            confidence=_optional_float(raw.get("confidence"), f"{where}.confidence"),
            speaker=str(raw["speaker"]) if raw.get("speaker") else None,
            decided_by=[str(p) for p in raw["decided_by"]] if isinstance(raw.get("decided_by"), list) else None,
            source_sentence=_optional_str(raw.get("source_sentence")),
            verdict_note=_optional_str(raw.get("verdict_note")),
        )
        for ev_position, ev in enumerate(raw.get("evidence") or []):
            ev_where = f"{where}.evidence[{ev_position}]"
            if not isinstance(ev, dict):
                raise InputError(f"report {ev_where} must be an object, got {ev!r:.80}")
            claim.evidence.append(
                Evidence(
                    position=ev_position,
                    passage_id=str(_require(ev, "id", str, ev_where)),
                    text=_require(ev, "text", str, ev_where),
                    source=str(ev.get("source") or ""),
                    score=_optional_float(ev.get("score"), f"{ev_where}.score"),
                    label=str(ev.get("label") or ""),
                    url=_optional_str(ev.get("url")),
                    title=_optional_str(ev.get("title")),
                    date=_optional_str(ev.get("date")),
                    probabilities=_probabilities(ev.get("probabilities"), f"{ev_where}.probabilities"),
                )
            )
        claims_by_id[claim_id] = claim
        run.claims.append(claim)
    seen_flag_ids: set[str] = set()
    for position, raw in enumerate(_require(report, "flags", list, "")):
        where = f"flags[{position}]"
        if not isinstance(raw, dict):
            raise InputError(f"report {where} must be an object, got {raw!r:.80}")
        flag_type = _require(raw, "type", str, where)
        if flag_type not in FLAG_TYPES:
            raise InputError(f"report {where}.type must be one of {', '.join(FLAG_TYPES)}, got {flag_type!r}")
        start = _require(raw, "start", int, where)
        end = _require(raw, "end", int, where)
        span_text = _require(raw, "text", str, where)
        flag_id = str(raw.get("id") or content_id("f", flag_type, start, end, span_text))
        base_id, n = flag_id, 1
        while flag_id in seen_flag_ids:  # two identical flags in one report: keep both
            n += 1
            flag_id = f"{base_id}-{n}"
        seen_flag_ids.add(flag_id)
        claim_ref = raw.get("claim_id")
        claim = None
        if claim_ref is not None:
            claim = claims_by_id.get(str(claim_ref))
            if claim is None:
                raise InputError(f"report {where}.claim_id {claim_ref!r} names no claim in the report")
        evidence_ids = raw.get("evidence_ids") or []
        if not isinstance(evidence_ids, list):
            raise InputError(f"report {where}.evidence_ids must be a list, got {evidence_ids!r:.80}")
        suggestion = raw.get("suggestion")
        source_sentence = raw.get("source_sentence")
        if source_sentence is not None and not isinstance(source_sentence, str):
            raise InputError(f"report {where}.source_sentence must be a string or null, got {source_sentence!r:.80}")
        run.flags.append(
            Flag(
                flag_id=flag_id,
                position=position,
                type=flag_type,
                claim=claim,
                start=start,
                end=end,
                text=span_text,
                message=str(raw.get("message") or ""),
                suggestion=None if suggestion is None else str(suggestion),
                confidence=_optional_float(raw.get("confidence"), f"{where}.confidence"),
                evidence_ids=[str(e) for e in evidence_ids],
                changes=_changes(raw.get("changes"), f"{where}.changes") if "changes" in raw else None,
                source_sentence=source_sentence,
            )
        )
    return run


_CHANGE_OFFSETS = ("article_start", "article_end", "source_start", "source_end")


def _changes(value: Any, where: str) -> list[dict]:
    """A flag's ``changes`` checked and reduced to the contract's fields."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise InputError(f"report {where} must be a list, got {value!r:.80}")
    changes = []
    for i, raw in enumerate(value):
        if not isinstance(raw, dict):
            raise InputError(f"report {where}[{i}] must be an object, got {raw!r:.80}")
        change = {key: str(raw.get(key) or "") for key in ("article", "source", "kind")}
        for key in _CHANGE_OFFSETS:
            offset = raw.get(key)
            if offset is not None and (isinstance(offset, bool) or not isinstance(offset, int)):
                raise InputError(f"report {where}[{i}].{key} must be an integer or null, got {offset!r:.80}")
            change[key] = offset
        changes.append(change)
    return changes


def record_run(report: dict, *, database_url: str | None = None) -> int:
    """Store a ``factcheck check`` report for review and return its run id.

    Idempotent per report content: recording a report identical to one already stored
    (same canonical JSON, ``created_at`` included) returns the existing run id. A new
    check of the same article is a new report and becomes a new run.

    Args:
        report: The report dict (JSON contract in DESIGN.md, with ``article.text``).
        database_url: SQLAlchemy URL; default from ``$FACTCHECK_DATABASE_URL``, the
            ``review.database_url`` config key, or ``$FACTCHECK_HOME/review.sqlite``.

    Raises:
        InputError: The report breaks the contract (the message names the bad field).
    """
    digest = report_digest(report)
    run = _build_run(report, digest)
    engine = get_engine(database_url)
    with Session(engine) as session:
        try:
            with session.begin():
                existing = session.scalar(select(Run.id).where(Run.report_sha256 == digest))
                if existing is not None:
                    return existing
                session.add(run)
            return run.id
        except IntegrityError:
            # Recorded concurrently by another process between our check and insert.
            existing = session.scalar(select(Run.id).where(Run.report_sha256 == digest))
            if existing is None:
                raise
            return existing


# --------------------------------------------------------------------------- decisions


class StaleDecision(Exception):
    """Someone decided on the flag after the version the editor saw."""

    def __init__(self, latest: Decision | None):
        self.latest = latest
        who = f"{latest.action} by {latest.user.username} at {latest.decided_at:%Y-%m-%d %H:%M:%S} UTC" if latest else "none"
        super().__init__(f"this flag was decided since you opened it (latest: {who}); your decision was not saved")


@dataclass(frozen=True)
class DecisionInput:
    """What an editor submits: ``seen_decision_id`` is the latest decision they saw (0: none)."""

    action: str
    note: str = ""
    correction: str | None = None
    seen_decision_id: int = 0

    def validated(self) -> DecisionInput:
        if self.action not in ACTIONS:
            raise InputError(f"action must be one of {', '.join(ACTIONS)}, got {self.action!r}")
        note = (self.note or "").strip()
        if len(note) > MAX_NOTE_CHARS:
            raise InputError(f"note is {len(note)} characters; at most {MAX_NOTE_CHARS}")
        correction = (self.correction or "").strip()
        if self.action == "correct" and not correction:
            raise InputError("a correction needs the corrected text")
        if len(correction) > MAX_NOTE_CHARS:
            raise InputError(f"correction is {len(correction)} characters; at most {MAX_NOTE_CHARS}")
        return DecisionInput(
            action=self.action,
            note=note,
            correction=correction if self.action == "correct" else None,
            seen_decision_id=self.seen_decision_id,
        )


def latest_decision(session: Session, flag_pk: int) -> Decision | None:
    return session.scalar(select(Decision).where(Decision.flag_pk == flag_pk).order_by(Decision.seq.desc()).limit(1))


def decide(engine: Engine, *, flag_pk: int, user_id: int, decision: DecisionInput) -> int:
    """Record a decision in one transaction and return its id.

    Submitting what the flag's latest decision already says (same editor, action, correction,
    and no new note) records nothing and returns that decision's id: a double click or a key
    pressed twice is one decision. The first decision on a run still ``new`` moves it to
    ``in_review``.

    Raises:
        InputError: Bad action, missing correction, too long a note.
        LookupError: No flag ``flag_pk``.
        StaleDecision: The flag's latest decision is not ``decision.seen_decision_id``.
    """
    decision = decision.validated()
    with Session(engine) as session:
        try:
            with session.begin():
                if session.get(Flag, flag_pk) is None:
                    raise LookupError(f"no flag {flag_pk}")
                latest = latest_decision(session, flag_pk)
                if latest is not None and _repeats(latest, user_id, decision):
                    return latest.id
                if (latest.id if latest else 0) != decision.seen_decision_id:
                    raise StaleDecision(latest)
                row = Decision(
                    flag_pk=flag_pk,
                    seq=(latest.seq if latest else 0) + 1,
                    user_id=user_id,
                    action=decision.action,
                    correction=decision.correction,
                    note=decision.note,
                    decided_at=utcnow(),
                )
                session.add(row)
                run = session.get(Flag, flag_pk).run
                if run.status == "new":
                    run.status = "in_review"
            return row.id
        except IntegrityError:
            raise StaleDecision(latest_decision(session, flag_pk)) from None


def _repeats(latest: Decision, user_id: int, decision: DecisionInput) -> bool:
    return (
        latest.user_id == user_id
        and latest.action == decision.action
        and (latest.correction or None) == decision.correction
        and decision.note in ("", latest.note)
    )


def next_open_flag(session: Session, flag: Flag) -> int | None:
    """The first open flag of ``flag``'s run after it (wrapping round), or None when all are decided."""
    still_open = [f for f, decision in flags_with_status(session, run_id=flag.run_id) if decision is None and f.id != flag.id]
    later = [f for f in still_open if f.position > flag.position]
    return (later or still_open)[0].id if still_open else None


MAX_COMMENT_CHARS = 5000


def add_comment(engine: Engine, *, flag_pk: int, user_id: int, body: str) -> int:
    """Append a comment to a flag's thread and return its id.

    Raises:
        InputError: Empty or too long a comment.
        LookupError: No flag ``flag_pk``.
    """
    body = (body or "").strip()
    if not body:
        raise InputError("a comment needs some text")
    if len(body) > MAX_COMMENT_CHARS:
        raise InputError(f"comment is {len(body)} characters; at most {MAX_COMMENT_CHARS}")
    with Session(engine) as session, session.begin():
        if session.get(Flag, flag_pk) is None:
            raise LookupError(f"no flag {flag_pk}")
        comment = Comment(flag_pk=flag_pk, user_id=user_id, body=body, created_at=utcnow())
        session.add(comment)
        session.flush()
        return comment.id


def set_run_status(engine: Engine, run_id: int, status: str) -> None:
    if status not in RUN_STATUSES:
        raise InputError(f"status must be one of {', '.join(RUN_STATUSES)}, got {status!r}")
    with Session(engine) as session, session.begin():
        run = session.get(Run, run_id)
        if run is None:
            raise LookupError(f"no run {run_id}")
        run.status = status


def assign_run(engine: Engine, run_id: int, assignee_id: int | None) -> None:
    """Assign a run to an active account, or unassign it (``None``)."""
    with Session(engine) as session, session.begin():
        run = session.get(Run, run_id)
        if run is None:
            raise LookupError(f"no run {run_id}")
        if assignee_id is not None:
            user = session.get(User, assignee_id)
            if user is None or not user.active:
                raise InputError(f"no active editor with id {assignee_id}")
        run.assignee_id = assignee_id


# --------------------------------------------------------------------------- queries


def _latest_seq_subquery():
    return select(Decision.flag_pk, func.max(Decision.seq).label("seq")).group_by(Decision.flag_pk).subquery()


def flags_with_status(
    session: Session, *, run_id: int | None = None, run_ids: list[int] | None = None
) -> list[tuple[Flag, Decision | None]]:
    """Flags (of one run, of ``run_ids``, or all) each with its latest decision (None: open), in report order."""
    latest = _latest_seq_subquery()
    query = (
        select(Flag, Decision)
        .outerjoin(latest, latest.c.flag_pk == Flag.id)
        .outerjoin(Decision, (Decision.flag_pk == Flag.id) & (Decision.seq == latest.c.seq))
        .order_by(Flag.run_id, Flag.position)
    )
    if run_id is not None:
        query = query.where(Flag.run_id == run_id)
    if run_ids is not None:
        query = query.where(Flag.run_id.in_(run_ids))
    return [(flag, decision) for flag, decision in session.execute(query).all()]


def status_of(decision: Decision | None) -> str:
    return decision.action if decision else "open"


def add_user(username: str, password: str, *, role: str = "editor", database_url: str | None = None) -> int:
    """Create an account (role ``editor`` or ``admin``); the password is stored as an Argon2 hash."""
    from review.security import hash_password

    if role not in ROLES:
        raise InputError(f"role must be one of {', '.join(ROLES)}, got {role!r}")
    username = username.strip()
    if not username or len(username) > 80 or any(c.isspace() for c in username):
        raise InputError(f"username must be 1-80 characters without spaces, got {username!r}")
    if not password:
        raise InputError("password must not be empty")
    engine = get_engine(database_url)
    with Session(engine) as session:
        try:
            with session.begin():
                if session.scalar(select(User.id).where(User.username == username)) is not None:
                    raise InputError(f"user {username!r} already exists")
                user = User(username=username, password_hash=hash_password(password), created_at=utcnow(), role=role)
                session.add(user)
        except IntegrityError:
            raise InputError(f"user {username!r} already exists") from None
        return user.id
