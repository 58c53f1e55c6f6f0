"""`factcheck db upgrade|status|copy`, `serve` on an older schema, and concurrent editors on PostgreSQL."""

from __future__ import annotations

import multiprocessing

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from cli.main import app as cli
from review import store
from review.transfer import row_counts
from tests.review.sample_report import sample_report

PASSWORD = "correct horse battery staple"


def _factcheck(*args: str):
    return CliRunner().invoke(cli, list(args))


def _older_schema(url: str) -> None:
    engine = store.open_engine(url)
    store.upgrade_schema(engine, "0002")
    engine.dispose()


def test_serve_refuses_an_older_schema_until_db_upgrade(tmp_path):
    url = f"sqlite:///{tmp_path / 'review.sqlite'}"
    _older_schema(url)

    refused = _factcheck("serve", "--port", "1", "--database-url", url)
    assert refused.exit_code == 2
    assert refused.stderr.strip().splitlines() == [
        f"error: the review database {url} is at revision 0002, this version needs {store.head_revision()}: run `factcheck db upgrade`"
    ]
    status = _factcheck("db", "status", "--database-url", url)
    assert status.exit_code == 1 and "revision 0002" in status.stdout and "needs `factcheck db upgrade`" in status.stdout

    upgraded = _factcheck("db", "upgrade", "--database-url", url)
    assert upgraded.exit_code == 0 and f"at {store.head_revision()} (was 0002)" in upgraded.stdout
    assert _factcheck("db", "status", "--database-url", url).exit_code == 0
    assert "(was already)" in _factcheck("db", "upgrade", "--database-url", url).stdout


def test_a_shared_server_is_never_upgraded_by_whoever_opens_it(pg_url):
    _older_schema(pg_url)
    try:
        store.get_engine(pg_url)
    except store.SchemaOutOfDate as exc:
        assert "run `factcheck db upgrade`" in str(exc)
    else:
        raise AssertionError("an older PostgreSQL schema was opened")
    assert _factcheck("db", "upgrade", "--database-url", pg_url).exit_code == 0
    store.record_run(sample_report(), database_url=pg_url)  # opens now


def _desk_database(url: str) -> dict[str, int]:
    """A SQLite review database with two runs, two editors, decisions and a comment."""
    users = {name: store.add_user(name, PASSWORD, database_url=url) for name in ("alice", "bob")}
    runs = [store.record_run(sample_report(created_at), database_url=url) for created_at in ("2026-11-27T10:00:00+00:00", "2026-11-28T10:00:00+00:00")]
    engine = store.get_engine(url)
    with Session(engine) as session:
        flags = session.scalars(select(store.Flag.id).where(store.Flag.run_id == runs[0]).order_by(store.Flag.id)).all()
    first = store.decide(engine, flag_pk=flags[0], user_id=users["alice"], decision=store.DecisionInput("accept"))
    store.decide(engine, flag_pk=flags[0], user_id=users["bob"], decision=store.DecisionInput("reject", note="Checked.", seen_decision_id=first))
    store.decide(engine, flag_pk=flags[1], user_id=users["bob"], decision=store.DecisionInput("correct", correction="In 2017."))
    store.add_comment(engine, flag_pk=flags[1], user_id=users["alice"], body="Called the ministry.")
    return {"flag": flags[2], **users}


def test_db_copy_moves_every_row_to_postgres_and_new_rows_follow(tmp_path, pg_url):
    sqlite_url = f"sqlite:///{tmp_path / 'review.sqlite'}"
    ids = _desk_database(sqlite_url)
    source_counts = row_counts(store.get_engine(sqlite_url))

    copied = _factcheck("db", "copy", "--from", sqlite_url, "--to", pg_url)
    assert copied.exit_code == 0, copied.output
    lines = copied.stdout.splitlines()
    printed = {line.split()[0]: int(line.split()[1]) for line in lines[:-1]}
    assert printed == source_counts and printed["decisions"] == 3 and printed["comments"] == 1 and printed["runs"] == 2
    assert lines[-1].endswith("counts match")

    # The copy keeps ids, and PostgreSQL's sequences continue after them.
    engine = store.get_engine(pg_url)
    decision = store.decide(engine, flag_pk=ids["flag"], user_id=ids["bob"], decision=store.DecisionInput("accept"))
    assert decision == 4
    assert store.add_user("carol", PASSWORD, database_url=pg_url) == 3
    with Session(engine) as session:
        assert [u.username for u in session.scalars(select(store.User).order_by(store.User.id))] == ["alice", "bob", "carol"]

    again = _factcheck("db", "copy", "--from", sqlite_url, "--to", pg_url)
    assert again.exit_code == 2
    assert len(again.stderr.strip().splitlines()) == 1 and "the target database is not empty" in again.stderr


def _decide_every_flag(url: str, user_id: int, flag_pks: list[int], barrier) -> dict[str, list[int]]:
    """One editor's process: decide each flag as if nobody had yet (seen decision 0)."""
    engine = store.get_engine(url)
    won, stale = [], []
    barrier.wait()
    for pk in flag_pks:
        try:
            store.decide(engine, flag_pk=pk, user_id=user_id, decision=store.DecisionInput("accept", note=f"editor {user_id}"))
            won.append(pk)
        except store.StaleDecision:
            stale.append(pk)
    store.dispose_engines()
    return {"won": won, "stale": stale}


def test_concurrent_editors_on_postgres_one_decision_wins_each_flag(pg_url):
    editors = [store.add_user(f"editor{i}", PASSWORD, database_url=pg_url) for i in range(4)]
    runs = [store.record_run(sample_report(f"2026-11-{day}T10:00:00+00:00"), database_url=pg_url) for day in (20, 21, 22)]
    engine = store.get_engine(pg_url)
    with Session(engine) as session:
        flags = session.scalars(select(store.Flag.id).where(store.Flag.run_id.in_(runs)).order_by(store.Flag.id)).all()
    store.dispose_engines()

    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        barrier = manager.Barrier(len(editors))
        with context.Pool(len(editors)) as pool:
            results = pool.starmap(_decide_every_flag, [(pg_url, user, flags, barrier) for user in editors])

    engine = store.get_engine(pg_url)
    with Session(engine) as session:
        rows = session.execute(select(store.Decision.flag_pk, store.Decision.user_id, store.Decision.seq)).all()
        runs_in_review = session.scalar(select(func.count()).select_from(store.Run).where(store.Run.status == "in_review"))
    winners = {pk: user for user, result in zip(editors, results) for pk in result["won"]}
    assert len(rows) == len(flags) == sum(len(r["won"]) for r in results)  # nothing duplicated
    assert sorted(pk for pk, _, _ in rows) == sorted(flags)  # nothing lost
    assert {pk: user for pk, user, _ in rows} == winners and {seq for _, _, seq in rows} == {1}
    for result in results:
        assert sorted(result["won"] + result["stale"]) == sorted(flags)  # every attempt answered
    assert runs_in_review == len(runs)
