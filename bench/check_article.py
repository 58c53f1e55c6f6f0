"""Seconds per article, end to end: a cold process, and warm (models loaded) with and without Prefect.

    python bench/check_article.py [--article PATH] [--repeats 5] [--config FILE]
    python bench/check_article.py --evidence-sizes 1000 20000 100000 1000000 [--synthetic-vectors] [--add 1000] [--repeats 3]

Prints, in one run:
  first  `factcheck check` in a fresh process on a machine where Prefect has no database yet
  cold   `factcheck check` in a fresh process (imports, model loads, Prefect's temporary server)
  warm   `ArticleChecker.check` in this process after `warm_up()` (the baseline for the ratios)
  flow   the `check-article` Prefect flow in this process, models already loaded
and the share of each stage in the warm time, and Prefect's own overhead (flow - warm).

With ``--evidence-sizes``, instead: for each size N, the bundled article's evidence inside an archive of
N passages (the rest distinct Wikipedia sentences from ``../shared/data/nli``, read from there, then
deterministic splices of two of them once those run out). One fresh process builds the index (build
seconds, peak RSS), another loads the models and times the warm check: the index opened from disk as
by a new ``factcheck check`` (`ArticleChecker.forget_evidence`), then every stage, median of
``--repeats``, with its peak RSS; the table gives each size's ratio against the first size's archive,
built beside it and checked in the same process, the two taking turns (so load on a shared machine
weighs on both alike).
``--synthetic-vectors`` gives the filler passages random unit vectors (the article's own evidence is
embedded for real) and prints the measured embedding rate, so a large archive's build time is that
of reading the file and everything but MiniLM on the filler (making the random vectors is not
timed). ``--add N`` then times indexing the same archive with N more filler passages appended (the
index of the archive extended, not rebuilt; the check is timed on the archive without them).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
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


BUNDLED_EVIDENCE = ROOT / "examples" / "north_korea" / "evidence.jsonl"
FILLER_SOURCES = [ROOT.parent / "shared" / "data" / "nli" / name for name in ("vitaminc_train.jsonl", "fever_nli.jsonl", "vitaminc_dev.jsonl", "fever_evidence.jsonl")]


def distinct_sentences(sources: list[Path]) -> list[str]:
    """Every distinct premise of the NLI files (one per 60-character opening: VitaminC keeps several revisions of a sentence)."""
    seen: set[str] = set()
    sentences = []
    for source in sources:
        with source.open(encoding="utf-8") as handle:
            for line in handle:
                text = " ".join(json.loads(line)["premise"].split())
                if len(text) > 20 and text[:60] not in seen:
                    seen.add(text[:60])
                    sentences.append(text)
    return sentences


def filler_passages(n: int, pool: list[str]) -> list[dict]:
    """``n`` unrelated passages: the pool's sentences, then splices (first half of one, second half of another), all distinct."""
    rows = []
    for i in range(n):
        if i < len(pool):
            text = pool[i]
        else:
            head, tail = pool[i % len(pool)].split(), pool[(i * 7919 + i // len(pool)) % len(pool)].split()
            text = " ".join(head[: len(head) // 2] + tail[len(tail) // 2 :]) + f" ({i // len(pool)})"
        rows.append({"id": f"filler-{i:07d}", "text": text, "source": "Wikipedia (NLI premises)"})
    return rows


def write_archive(path: Path, size: int) -> int:
    """The bundled evidence plus filler up to ``size`` passages, as JSON Lines; returns the bundled passages' count."""
    bundled = BUNDLED_EVIDENCE.read_text(encoding="utf-8").splitlines()
    rows = filler_passages(max(0, size - len(bundled)), distinct_sentences(FILLER_SOURCES))
    with path.open("w", encoding="utf-8") as handle:
        handle.writelines(line + "\n" for line in bundled)
        handle.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    return len(bundled)


def synthetic_vectors(passages: list, bundled: int, embedder):
    """Random unit vectors (seeded: a longer archive's first rows are a shorter one's), the bundled passages embedded for real."""
    import numpy as np

    vectors = np.random.default_rng(17).standard_normal((len(passages), 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    vectors[:bundled] = embedder.encode([p.text for p in passages[:bundled]])
    return vectors


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def sized_config(config: str | None, index_dir: Path) -> dict:
    from pipeline.config import load_config

    return load_config(config, {"evidence": {"index_dir": str(index_dir)}})


def build_archive_index(archive: Path, bundled: int, index_dir: Path, config: str | None, synthetic: bool, add: int) -> dict:
    """Build the archive's index in this process (as the first check would), recording its source signature;
    then, with ``add``, index the archive with ``add`` more passages appended (a copy of the file)."""
    from pipeline.checker import ArticleChecker
    from pipeline.evidence import EvidenceIndex, load_evidence

    cfg = sized_config(config, index_dir)
    checker = ArticleChecker(cfg)
    embedder, result = checker.embedder, {}

    def index_seconds(path: Path) -> float:
        """What the first check of ``path`` spends indexing it: with synthetic vectors, reading the file and building
        (making the vectors is not timed; the file is then read once more, untimed, to record its signature)."""
        if not synthetic:
            start = time.perf_counter()
            checker.evidence([path])
            return time.perf_counter() - start
        start = time.perf_counter()
        passages = load_evidence([path])
        read_s = time.perf_counter() - start
        vectors = synthetic_vectors(passages, bundled, embedder)
        start = time.perf_counter()
        EvidenceIndex.build_or_load(passages, index_dir, embedder, vectors=vectors, ann_threshold=cfg["evidence"]["ann_threshold"])
        built_s = time.perf_counter() - start
        checker.evidence([path])
        return read_s + built_s

    result.update(build_s=index_seconds(archive), build_rss_mb=peak_rss_mb())
    sample = [p.text for p in load_evidence([archive])[bundled : bundled + 512]] if synthetic else []
    if sample:
        start = time.perf_counter()
        embedder.encode(sample)
        result["embed_per_s"] = len(sample) / (time.perf_counter() - start)
    if add:
        longer = archive.with_name("archive-plus.jsonl")
        lines = archive.read_text(encoding="utf-8").splitlines()
        extra = filler_passages(len(lines) - bundled + add, distinct_sentences(FILLER_SOURCES))[len(lines) - bundled :]
        longer.write_text("\n".join(lines + [json.dumps(row, ensure_ascii=False) for row in extra]) + "\n", encoding="utf-8")
        result["add_s"] = index_seconds(longer)
    return result


def time_warm_checks(article: Path, archives: list[Path], index_dir: Path, config: str | None, repeats: int) -> list[dict]:
    """Per archive, the median warm check over ``repeats`` and each stage's median, the index opened from disk each
    time; the archives take turns within each repeat, so a machine's load weighs on each alike."""
    from pipeline.checker import ArticleChecker

    checker = ArticleChecker(sized_config(config, index_dir))
    checker.warm_up()
    for archive in archives:
        checker.check(article, [archive])
    totals, stages, flags = [[] for _ in archives], [{} for _ in archives], [[] for _ in archives]
    for _ in range(repeats):
        for i, archive in enumerate(archives):
            checker.forget_evidence()
            start = time.perf_counter()
            report = checker.check(article, [archive])
            totals[i].append(time.perf_counter() - start)
            for stage, seconds in report.timings.items():
                stages[i].setdefault(stage, []).append(seconds)
            flags[i] = sorted(f"{f.type}:{f.text}" for f in report.flags)
    return [
        {"check_s": statistics.median(t), "stages": {k: statistics.median(v) for k, v in st.items()}, "check_rss_mb": peak_rss_mb(), "flags": f}
        for t, st, f in zip(totals, stages, flags)
    ]


def run_child(args: argparse.Namespace) -> None:
    """One step of --evidence-sizes in this fresh process; prints its JSON result."""
    work = args.work
    archive, baseline, index_dir = work / "archive.jsonl", work / "baseline.jsonl", work / "indexes"
    if args.child == "build":
        bundled = write_archive(archive, args.size)
        result = build_archive_index(archive, bundled, index_dir, args.config, args.synthetic_vectors, args.add)
        if args.baseline:  # the first size's archive, beside this one, for the check to take turns with
            build_archive_index(baseline, write_archive(baseline, args.baseline), index_dir, args.config, args.synthetic_vectors, 0)
    else:
        checked = time_warm_checks(args.article, [archive] + ([baseline] if baseline.exists() else []), index_dir, args.config, args.repeats)
        result = {**checked[0], "baseline": checked[1] if len(checked) > 1 else checked[0]}
    print("RESULT " + json.dumps(result))


def child_result(args: argparse.Namespace, step: str, size: int, work: Path) -> dict:
    command = [sys.executable, __file__, "--child", step, "--size", str(size), "--work", str(work), "--article", str(args.article), "--repeats", str(args.repeats)]
    command += ["--baseline", str(args.evidence_sizes[0])] if step == "build" and size != args.evidence_sizes[0] else []
    command += ["--config", args.config] if args.config else []
    command += ["--synthetic-vectors"] if args.synthetic_vectors else []
    command += ["--add", str(args.add)] if args.add else []
    done = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True)
    return json.loads(next(line for line in done.stdout.splitlines() if line.startswith("RESULT "))[7:])


def compare_sizes(args: argparse.Namespace) -> None:
    """The --evidence-sizes table: build and warm check per size, each in fresh processes; each ratio is against the
    first size's archive checked in the same process, taking turns with it."""
    vectors = "random unit vectors for the filler passages (--synthetic-vectors)" if args.synthetic_vectors else "MiniLM for every passage"
    print(f"article: {args.article.name}, {os.cpu_count()} CPUs; archive = bundled evidence + filler; vectors: {vectors}", flush=True)
    rows = []
    for size in args.evidence_sizes:
        with tempfile.TemporaryDirectory(prefix=f"check-{size}-") as tmp:
            built = child_result(args, "build", size, Path(tmp))
            rows.append((size, built, child_result(args, "check", size, Path(tmp))))
        size_, b, c = rows[-1]
        rate = f", MiniLM {b['embed_per_s']:.0f} passages/s (whole archive would take {size_ / b['embed_per_s'] / 60:.0f} min)" if "embed_per_s" in b else ""
        added = f"; {args.add:,} passages appended: indexed in {b['add_s']:.1f} s" if "add_s" in b else ""
        print(f"  {size_:>9,} built in {b['build_s']:.1f} s (peak {b['build_rss_mb']:.0f} MB){rate}{added}", flush=True)
    base = rows[0][2]
    stage_names = [s for s in ("evidence", "retrieve", "verify", "attribution", "segment", "claims") if s in base["stages"]]
    print(f"\n{'passages':>10} {'build s':>8} {'check s':>8} {'base s':>7} {'ratio':>6} " + " ".join(f"{s[:9]:>9}" for s in stage_names) + f" {'peak MB':>8}")
    for size, b, c in rows:
        stage_cells = " ".join(f"{c['stages'].get(s, 0.0):9.3f}" for s in stage_names)
        ratio = c["check_s"] / c["baseline"]["check_s"]
        print(f"{size:>10,} {b['build_s']:8.1f} {c['check_s']:8.2f} {c['baseline']['check_s']:7.2f} {ratio:5.2f}x {stage_cells} {c['check_rss_mb']:8.0f}")
    print(f"(base s: the {rows[0][0]:,}-passage archive's check in the same process, taking turns with the row's)")
    for size, _, c in rows[1:]:
        extra, lost = sorted(set(c["flags"]) - set(base["flags"])), sorted(set(base["flags"]) - set(c["flags"]))
        print(f"flags at {size:,} not at {rows[0][0]:,}: {extra or 'none'}; at {rows[0][0]:,} not at {size:,}: {lost or 'none'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--article", type=Path, default=ROOT / "examples" / "north_korea" / "article.txt")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--config", default=None)
    parser.add_argument("--evidence-sizes", type=int, nargs="+", metavar="N", help="Warm check inside archives of N passages (see above).")
    parser.add_argument("--synthetic-vectors", action="store_true", help="With --evidence-sizes: random unit vectors for the filler passages.")
    parser.add_argument("--add", type=int, default=0, metavar="N", help="With --evidence-sizes: also time indexing the archive with N passages appended.")
    parser.add_argument("--child", choices=("build", "check"), help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--baseline", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return run_child(args)
    if args.evidence_sizes:
        return compare_sizes(args)

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
