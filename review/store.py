"""The review database: stored check reports and editors' decisions on their flags.

Tables: ``users`` (editors), ``runs`` (one stored report each), ``claims``, ``evidence``
(passages listed under a claim), ``flags`` and ``decisions`` (append-only history: every
decision is a new row; a flag's status is its latest decision, or ``open``).

The schema is created and upgraded by the Alembic migrations in ``review/migrations``,
run programmatically (``upgrade head``) the first time a process opens a database URL.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
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


# --------------------------------------------------------------------------- engine


_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _shown(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return repr(url)


def _create_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
        parsed.get_dialect()
    except (ArgumentError, NoSuchModuleError) as exc:
        raise InputError(f"not a usable database URL: {_shown(url)} ({exc})") from exc
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database in ("", ":memory:"):
            # One shared connection, or every session would see its own empty database.
            engine = create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False})
        else:
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def upgrade_schema(engine: Engine) -> None:
    """Run the Alembic migrations up to ``head`` on ``engine``."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    config.set_main_option("path_separator", "os")
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def get_engine(database_url: str | None = None) -> Engine:
    """An engine for ``database_url`` (see :func:`review.settings.database_url`), schema upgraded.

    Engines are cached per URL, so migrations run once per process and URL.
    """
    url = settings.database_url(database_url)
    with _engines_lock:
        engine = _engines.get(url)
        if engine is None:
            try:
                engine = _create_engine(url)
            except ImportError as exc:
                raise InputError(f"the database driver for {_shown(url)} is not installed: {exc.name}") from exc
            try:
                upgrade_schema(engine)
            except OperationalError as exc:
                engine.dispose()
                raise InputError(f"cannot open the review database {_shown(url)}: {exc.orig}") from exc
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
        article_title=str(article.get("title") or ""),
        article_text=text,
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
            return row.id
        except IntegrityError:
            raise StaleDecision(latest_decision(session, flag_pk)) from None


# --------------------------------------------------------------------------- queries


def _latest_seq_subquery():
    return select(Decision.flag_pk, func.max(Decision.seq).label("seq")).group_by(Decision.flag_pk).subquery()


def flags_with_status(session: Session, *, run_id: int | None = None) -> list[tuple[Flag, Decision | None]]:
    """Flags (of one run, or all) each with its latest decision (None: open), in report order."""
    latest = _latest_seq_subquery()
    query = (
        select(Flag, Decision)
        .outerjoin(latest, latest.c.flag_pk == Flag.id)
        .outerjoin(Decision, (Decision.flag_pk == Flag.id) & (Decision.seq == latest.c.seq))
        .order_by(Flag.run_id, Flag.position)
    )
    if run_id is not None:
        query = query.where(Flag.run_id == run_id)
    return [(flag, decision) for flag, decision in session.execute(query).all()]


def status_of(decision: Decision | None) -> str:
    return decision.action if decision else "open"


def add_user(username: str, password: str, *, database_url: str | None = None) -> int:
    """Create an editor account; the password is stored as an Argon2 hash."""
    from review.security import hash_password

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
                user = User(username=username, password_hash=hash_password(password), created_at=utcnow())
                session.add(user)
        except IntegrityError:
            raise InputError(f"user {username!r} already exists") from None
        return user.id
