"""What verifying every sentence costs: warm seconds per article against verifying only the check-worthy ones.

    python bench/verify_coverage.py [--article PATH] [--repeats 5] [--threshold 0.5]

Both checkers run in this process with the same models and evidence index; the baseline
retrieves and verifies only claims whose check-worthiness reaches ``--threshold`` (the rule
before every sentence was verified). Prints the median warm seconds of each and their ratio.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from pipeline.checker import ArticleChecker  # noqa: E402
from pipeline.config import load_config  # noqa: E402


class CheckworthyOnlyChecker(ArticleChecker):
    """The baseline: retrieval and verification only for check-worthy claims."""

    threshold = 0.5

    def retrieve(self, claims, context):
        return super().retrieve([c for c in claims if c.checkworthiness >= self.threshold], context)


def median_seconds(checker: ArticleChecker, article: Path, repeats: int) -> tuple[float, int]:
    checker.check(article)  # the first check indexes the evidence set
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        report = checker.check(article)
        times.append(time.perf_counter() - start)
    return statistics.median(times), len(report.verdicts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--article", type=Path, default=ROOT / "examples" / "north_korea" / "article.txt")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threshold", type=float, default=0.5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        config = load_config(None)
        config["evidence"]["index_dir"] = tmp
        config["review"]["record_runs"] = False
        every = ArticleChecker(config)
        every.warm_up()
        CheckworthyOnlyChecker.threshold = args.threshold
        baseline = CheckworthyOnlyChecker(config)
        baseline.embedder, baseline.claim_detector, baseline._verifier = every.embedder, every.claim_detector, every.verifier
        base_s, base_n = median_seconds(baseline, args.article, args.repeats)
        every_s, every_n = median_seconds(every, args.article, args.repeats)
    print(f"check-worthy only (baseline): {base_s:.2f} s warm, {base_n} sentences verified")
    print(f"every sentence:               {every_s:.2f} s warm, {every_n} sentences verified")
    print(f"ratio: {every_s / base_s:.2f}x the baseline's time for {every_n / max(base_n, 1):.1f}x the sentences")


if __name__ == "__main__":
    main()
