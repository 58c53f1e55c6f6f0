"""Seconds per article, end to end: a cold process, and warm (models loaded) with and without Prefect.

    python bench/check_article.py [--article PATH] [--repeats 5] [--config FILE]

Prints, in one run:
  first  `factcheck check` in a fresh process on a machine where Prefect has no database yet
  cold   `factcheck check` in a fresh process (imports, model loads, Prefect's temporary server)
  warm   `ArticleChecker.check` in this process after `warm_up()` (the baseline for the ratios)
  flow   the `check-article` Prefect flow in this process, models already loaded
and the share of each stage in the warm time, and Prefect's own overhead (flow - warm).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")


def time_cold(article: Path, config: str | None) -> tuple[float, float]:
    """Seconds of two fresh processes sharing one new PREFECT_HOME: the very first run (Prefect
    creates its database) and a later cold start (the usual case on a machine in use)."""
    with tempfile.TemporaryDirectory() as tmp:
        command = [sys.executable, "-m", "cli", "check", str(article), "--output", f"{tmp}/r.json", "--no-record"]
        if config:
            command += ["--config", config]
        times = []
        for _ in range(2):
            start = time.perf_counter()
            subprocess.run(command, cwd=ROOT, check=True, capture_output=True, env={**os.environ, "PREFECT_HOME": tmp})
            times.append(time.perf_counter() - start)
        return times[0], times[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--article", type=Path, default=ROOT / "examples" / "north_korea" / "article.txt")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--config", default=None)
    args = parser.parse_args()

    first, cold = time_cold(args.article, args.config)

    from pipeline.checker import shared_checker
    from pipeline.config import load_config

    config = load_config(args.config)
    start = time.perf_counter()
    checker = shared_checker(config)
    warm_up_s = time.perf_counter() - start
    checker.check(args.article)  # first call builds or opens the evidence index
    warm_runs, stage_totals = [], {}
    for _ in range(args.repeats):
        start = time.perf_counter()
        report = checker.check(args.article)
        warm_runs.append(time.perf_counter() - start)
        for stage, seconds in report.timings.items():
            stage_totals[stage] = stage_totals.get(stage, 0.0) + seconds

    from flows.check_article import check_article_flow

    check_article_flow(str(args.article), config_path=args.config)  # starts Prefect's temporary server
    flow_runs = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        check_article_flow(str(args.article), config_path=args.config)
        flow_runs.append(time.perf_counter() - start)

    warm, flow = statistics.median(warm_runs), statistics.median(flow_runs)
    words = len(args.article.read_text(encoding="utf-8").split())
    print(f"article: {args.article.name} ({words} words), {os.cpu_count()} CPUs, torch threads {config['nli']['threads']}")
    print(f"first run (new Prefect database): {first:7.2f} s")
    print(f"cold process (factcheck check):   {cold:7.2f} s")
    print(f"model load (warm_up):             {warm_up_s:7.2f} s")
    print(f"warm ArticleChecker.check:        {warm:7.2f} s  (median of {args.repeats})")
    print(f"warm check-article flow:          {flow:7.2f} s  (Prefect overhead {flow - warm:+.2f} s, {100 * (flow - warm) / flow:.0f}%)")
    total = sum(stage_totals.values())
    print("share of warm time by stage: " + ", ".join(f"{k} {100 * v / total:.0f}%" for k, v in sorted(stage_totals.items(), key=lambda kv: -kv[1])))
    print(f"ratio cold/warm: {cold / warm:.1f}x")


if __name__ == "__main__":
    main()
