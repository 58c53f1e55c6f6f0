"""The review database: migrations, record_run, decisions and their history."""

from __future__ import annotations

import re

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from pipeline.errors import InputError
from review import store
from review.store import DecisionInput, StaleDecision
from tests.review.conftest import flag_pk
from tests.review.sample_report import sample_report


def test_migrations_build_the_schema_the_models_describe(db_url):
    engine = store.get_engine(db_url)
    assert {"users", "runs", "claims", "evidence", "flags", "decisions", "alembic_version"} <= set(
        inspect(engine).get_table_names()
    )
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == "0003"
        diff = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), store.Base.metadata)
    assert diff == []


def test_default_database_lives_in_factcheck_home(tmp_path, monkeypatch):
    monkeypatch.setenv("FACTCHECK_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("FACTCHECK_DATABASE_URL", raising=False)
    try:
        run = store.record_run(sample_report())
        assert run == 1
        assert (tmp_path / "home" / "review.sqlite").is_file()
        monkeypatch.setenv("FACTCHECK_DATABASE_URL", f"sqlite:///{tmp_path / 'other.sqlite'}")
        store.record_run(sample_report())
        assert (tmp_path / "other.sqlite").is_file()
    finally:
        store.dispose_engines()


def test_record_run_stores_claims_flags_and_evidence(db_url, run_id):
    with Session(store.get_engine(db_url)) as session:
        run = session.get(store.Run, run_id)
        assert run.article_text == sample_report()["article"]["text"]
        assert [c.claim_id for c in run.claims] == ["c-met", "c-bond", "c-missiles", "c-cost"]
        assert [f.type for f in run.flags] == [
            "contradicted", "unsupported", "misattribution", "name_misspelling", "malformed_quote",
        ]
        contradicted = run.flags[0]
        assert contradicted.claim.claim_id == "c-missiles"
        assert [e.passage_id for e in contradicted.claim.evidence] == ["ev-tests"]
        assert run.flags[3].claim is None
        assert run.claims[1].speaker == "Heather Nuart"


def test_record_run_is_idempotent_per_report_but_a_new_check_is_a_new_run(db_url, run_id):
    assert store.record_run(sample_report(), database_url=db_url) == run_id
    later = store.record_run(sample_report(created_at="2026-11-28T09:00:00Z"), database_url=db_url)
    assert later != run_id
    with Session(store.get_engine(db_url)) as session:
        assert len(session.scalars(select(store.Run)).all()) == 2


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda r: r.pop("claims"), "lacks 'claims'"),
        (lambda r: r["article"].pop("text"), "article lacks 'text'"),
        (lambda r: r["flags"][0].update(type="typo"), "got 'typo'"),
        (lambda r: r["flags"][0].update(claim_id="c-nope"), "'c-nope' names no claim"),
        (lambda r: r["claims"][0].update(verdict="maybe"), "got 'maybe'"),
        (lambda r: r["claims"][0].update(start="3"), "claims[0].start must be int"),
    ],
)
def test_record_run_names_the_bad_field(db_url, mutate, message):
    report = sample_report()
    mutate(report)
    with pytest.raises(InputError, match=message.replace("[", r"\[").replace("]", r"\]")):
        store.record_run(report, database_url=db_url)


def test_every_decision_is_a_new_history_row(db_url, run_id, editors):
    engine = store.get_engine(db_url)
    pk = flag_pk(run_id, "f-contra", db_url)
    first = store.decide(engine, flag_pk=pk, user_id=editors["alice"], decision=DecisionInput("accept", "checked"))
    second = store.decide(
        engine,
        flag_pk=pk,
        user_id=editors["bob"],
        decision=DecisionInput("correct", "", "Tested in 2017", seen_decision_id=first),
    )
    with Session(engine) as session:
        flag = session.get(store.Flag, pk)
        assert [(d.action, d.user.username, d.seq) for d in flag.decisions] == [
            ("accept", "alice", 1),
            ("correct", "bob", 2),
        ]
        assert store.latest_decision(session, pk).id == second
        assert flag.decisions[1].correction == "Tested in 2017"


def test_stale_decision_is_refused_and_nothing_is_written(db_url, run_id, editors):
    engine = store.get_engine(db_url)
    pk = flag_pk(run_id, "f-unsup", db_url)
    store.decide(engine, flag_pk=pk, user_id=editors["alice"], decision=DecisionInput("accept"))
    with pytest.raises(StaleDecision, match="accept by alice"):
        # bob opened the flag before alice decided: he saw no decision (version 0)
        store.decide(engine, flag_pk=pk, user_id=editors["bob"], decision=DecisionInput("reject", seen_decision_id=0))
    with Session(engine) as session:
        assert [d.action for d in session.get(store.Flag, pk).decisions] == ["accept"]


def test_same_seq_cannot_be_written_twice(db_url, run_id, editors):
    """The unique (flag, seq) constraint backs the version check against concurrent writers."""
    from sqlalchemy.exc import IntegrityError

    engine = store.get_engine(db_url)
    pk = flag_pk(run_id, "f-unsup", db_url)
    store.decide(engine, flag_pk=pk, user_id=editors["alice"], decision=DecisionInput("accept"))
    with Session(engine) as session, pytest.raises(IntegrityError):
        with session.begin():
            session.add(store.Decision(flag_pk=pk, seq=1, user_id=editors["bob"], action="reject", note=""))


@pytest.mark.parametrize(
    ("decision", "message"),
    [
        (DecisionInput("maybe"), "action must be one of accept, reject, correct, got 'maybe'"),
        (DecisionInput("correct", correction="  "), "needs the corrected text"),
        (DecisionInput("accept", note="x" * 5001), "at most 5000"),
    ],
)
def test_bad_decisions_are_refused(db_url, run_id, editors, decision, message):
    engine = store.get_engine(db_url)
    with pytest.raises(InputError, match=message):
        store.decide(engine, flag_pk=flag_pk(run_id, "f-contra", db_url), user_id=editors["alice"], decision=decision)


def test_add_user_hashes_the_password_and_refuses_duplicates(db_url, editors):
    with Session(store.get_engine(db_url)) as session:
        user = session.scalar(select(store.User).where(store.User.username == "alice"))
        assert user.password_hash.startswith("$argon2")
        assert "battery" not in user.password_hash
    with pytest.raises(InputError, match="'alice' already exists"):
        store.add_user("alice", "x", database_url=db_url)
    with pytest.raises(InputError, match="without spaces"):
        store.add_user("a b", "x", database_url=db_url)


def test_bad_database_urls_are_one_line_input_errors_without_the_password():
    with pytest.raises(InputError, match="not a usable database URL: nonsense://"):
        store.get_engine("nonsense://")
    with pytest.raises(InputError, match=r"postgresql\+nodriver://u:\*\*\*@") as error:
        store.get_engine("postgresql+nodriver://u:hunter2@localhost/x")
    assert "hunter2" not in str(error.value)


# --------------------------------------------------------------------------- report schema 2

from tests.review.sample_report import SOURCE_SENTENCE, sample_report_v2  # noqa: E402


def test_schema_2_report_round_trips_changes_and_a_needs_review_flag(db_url):
    report = sample_report_v2()
    run_id = store.record_run(report, database_url=db_url)
    with Session(store.get_engine(db_url)) as session:
        flags = {f.flag_id: f for f in session.scalars(select(store.Flag).where(store.Flag.run_id == run_id))}
        contra = flags["f-contra"]
        assert contra.source_sentence == SOURCE_SENTENCE
        assert contra.changes == next(f for f in report["flags"] if f["id"] == "f-contra")["changes"]
        assert contra.changes[1] == {"article": "2010", "source": "2017", "kind": "number",
                                     "article_start": contra.changes[1]["article_start"],
                                     "article_end": contra.changes[1]["article_start"] + 4,
                                     "source_start": SOURCE_SENTENCE.index("2017"),
                                     "source_end": SOURCE_SENTENCE.index("2017") + 4}
        assert flags["f-review"].type == "needs_review" and flags["f-review"].changes == []
        assert flags["f-review"].claim.verdict == "needs_review"
        run = session.get(store.Run, run_id)
        assert run.schema_version == 2 and run.report["summary"]["needs_review_flags"] == 1


def test_schema_1_report_still_imports_without_changes(db_url, run_id):
    with Session(store.get_engine(db_url)) as session:
        flags = session.scalars(select(store.Flag).where(store.Flag.run_id == run_id)).all()
        assert flags and all(f.changes is None and f.source_sentence is None for f in flags)
        assert session.get(store.Run, run_id).schema_version == 1


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda r: r["flags"][0].update(changes="rose"), "flags[0].changes must be a list"),
        (lambda r: r["flags"][0].update(changes=[{"kind": "number", "article_start": "3"}]), "flags[0].changes[0].article_start"),
        (lambda r: r["flags"][0].update(source_sentence=3), "flags[0].source_sentence"),
    ],
)
def test_bad_changes_name_the_field(db_url, mutate, message):
    report = sample_report_v2()
    mutate(report)
    with pytest.raises(InputError, match=re.escape(message)):
        store.record_run(report, database_url=db_url)


def test_migration_upgrades_an_existing_schema_1_database(tmp_path):
    """A database made by revision 0001 with a run in it gains the new columns; its rows survive."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    engine = create_engine(url)
    config = Config()
    config.set_main_option("script_location", str(store.MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        connection.exec_driver_sql(
            "INSERT INTO runs (id, report_sha256, schema_version, article_path, article_sha256, article_title, "
            "article_text, models, recorded_at, report) VALUES (1, 'x', 1, '', '', 'old', 'Text.', '{}', '2026-11-27', '{}')"
        )
        connection.exec_driver_sql(
            "INSERT INTO flags (id, run_id, flag_id, position, type, start, \"end\", text, message, evidence_ids) "
            "VALUES (1, 1, 'f-old', 0, 'unsupported', 0, 5, 'Text.', 'old flag', '[]')"
        )
    engine.dispose()
    try:
        upgraded = store.get_engine(url)
        columns = {c["name"] for c in inspect(upgraded).get_columns("flags")}
        assert {"changes", "source_sentence"} <= columns
        with Session(upgraded) as session:
            old = session.scalar(select(store.Flag).where(store.Flag.flag_id == "f-old"))
            assert old.message == "old flag" and old.changes is None and old.source_sentence is None
        new_run = store.record_run(sample_report_v2(), database_url=url)
        assert new_run == 2
    finally:
        store.dispose_engines()
