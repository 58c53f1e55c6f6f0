"""Page times of the review app with a desk's worth of history, as ratios against a near-empty database.

Fills a fresh SQLite review database with N runs (the hand-built sample report of the review
tests, each with its own title and check time, 5 flags each) and about D decisions by three
editors, serves the app in-process (FastAPI's TestClient: routing, templates, SQL and the
session check, no network), logs in and times each page R times. The same pages are timed in
the same run on a database of 5 runs with proportionally as many decisions (the baseline).

    python bench/review_pages.py                          # 305 runs, 2,015 decisions, 30 repeats
    python bench/review_pages.py --runs 1000 --decisions 6000 --repeats 10

Pages: the runs list (first and a later page), a search, a run page, a flag page, the history
(first and a later page) and the admin page. Printed per page: p50/p95 in milliseconds at both
sizes and the p50 ratio large/baseline.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from review import store  # noqa: E402
from review.app import create_app  # noqa: E402
from review.store import DecisionInput  # noqa: E402
from tests.review.sample_report import sample_report  # noqa: E402

PASSWORD = "bench password, long enough"
EDITORS = ("ada", "bea", "cy")


def fill(database_url: str, runs: int, decisions: int) -> dict[str, int]:
    """``runs`` runs and ``decisions`` decisions (each flag in turn, accept/reject alternating); ids of a run and a flag."""
    users = [store.add_user(name, PASSWORD, role="admin" if name == "ada" else "editor", database_url=database_url) for name in EDITORS]
    run_ids = []
    for n in range(runs):
        report = sample_report(created_at=f"2026-{1 + n // 600 % 12:02d}-{1 + n // 24 % 25:02d}T{n % 24:02d}:{n % 60:02d}:00+00:00")
        report["article"]["title"] = f"Summit check {n}"
        run_ids.append(store.record_run(report, database_url=database_url))
    engine = store.get_engine(database_url)
    with Session(engine) as session:
        flags = session.scalars(select(store.Flag.id).order_by(store.Flag.id)).all()
    latest: dict[int, tuple[int, str]] = {}
    for n in range(decisions):
        pk = flags[n % len(flags)]
        seen, last = latest.get(pk, (0, "reject"))
        action = "accept" if last == "reject" else "reject"
        decision = DecisionInput(action, note=f"bench note {n}", seen_decision_id=seen)
        latest[pk] = (store.decide(engine, flag_pk=pk, user_id=users[n % len(users)], decision=decision), action)
    middle = run_ids[len(run_ids) // 2]
    with Session(engine) as session:
        flag = session.scalar(select(store.Flag.id).where(store.Flag.run_id == middle).order_by(store.Flag.id))
    return {"run": middle, "flag": flag}


def pages(ids: dict[str, int]) -> dict[str, str]:
    return {
        "runs list, page 1": "/",
        "runs list, page 4": "/?page=4",
        "runs search": "/?q=check+17",
        "run page": f"/runs/{ids['run']}",
        "flag page": f"/flags/{ids['flag']}",
        "history, page 1": "/history",
        "history, page 20": "/history?page=20",
        "admin page": "/admin/users",
    }


def log_in(client: TestClient) -> None:
    import re

    client.cookies.delete("factcheck_login", path="/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    response = client.post("/login", data={"username": "ada", "password": PASSWORD, "csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303, response.text[:300]


def time_pages(runs: int, decisions: int, repeats: int) -> dict[str, tuple[float, float]]:
    """p50 and p95 milliseconds of each page on a database of ``runs`` runs and ``decisions`` decisions."""
    with tempfile.TemporaryDirectory(prefix="factcheck-bench-review-") as folder:
        database_url = f"sqlite:///{Path(folder) / 'review.sqlite'}"
        started = time.perf_counter()
        ids = fill(database_url, runs, decisions)
        print(f"  {runs} runs, {decisions} decisions recorded in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        app = create_app(database_url=database_url, start_worker=False)
        results = {}
        with TestClient(app) as client:
            log_in(client)
            for name, path in pages(ids).items():
                assert client.get(path).status_code == 200, path  # warm: templates compiled, statements cached
                times = []
                for _ in range(repeats):
                    start = time.perf_counter()
                    response = client.get(path)
                    times.append((time.perf_counter() - start) * 1000)
                    assert response.status_code == 200, path
                cuts = statistics.quantiles(times, n=20, method="inclusive")
                results[name] = (statistics.median(times), cuts[18])
        store.dispose_engines()
        return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=305)
    parser.add_argument("--decisions", type=int, default=2015)
    parser.add_argument("--baseline-runs", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    baseline_decisions = max(1, round(args.decisions * args.baseline_runs / args.runs))
    print(f"baseline: {args.baseline_runs} runs", file=sys.stderr)
    baseline = time_pages(args.baseline_runs, baseline_decisions, args.repeats)
    print(f"large: {args.runs} runs", file=sys.stderr)
    large = time_pages(args.runs, args.decisions, args.repeats)
    print(f"| page | {args.baseline_runs} runs p50 / p95 ms | {args.runs} runs p50 / p95 ms | p50 ratio |")
    print("|---|---|---|---|")
    for name, (p50, p95) in large.items():
        base50, base95 = baseline[name]
        print(f"| {name} | {base50:.1f} / {base95:.1f} | {p50:.1f} / {p95:.1f} | {p50 / base50:.2f}x |")


if __name__ == "__main__":
    main()
