"""Retrieval at scale: index build time, query latency p50/p95 and memory at 10k, 100k, 1M passages.

Passages are synthetic: sentences drawn from a Zipf-distributed vocabulary, with dense
vectors that are random unit vectors (embedding a million passages with MiniLM on two CPU
cores would take the better part of an hour; the embedding rate is measured on a sample
and reported separately so the full build time can be estimated). Queries run through the
real `EvidenceIndex.search` (real MiniLM query embedding, bm25s BM25, dense, RRF).

The baseline measured in the same run is BM25 alone (`EvidenceIndex.bm25`); the ratio
printed is hybrid latency / BM25 latency.

    python bench/retrieval.py --sizes 10000 100000 1000000
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.embed import SentenceEmbedder  # noqa: E402
from pipeline.evidence import EvidenceIndex  # noqa: E402
from pipeline.types import Passage  # noqa: E402


def synthetic_passages(n: int, rng: np.random.Generator, vocab_size: int = 30_000) -> list[Passage]:
    vocab = np.array([f"w{i:05d}" for i in range(vocab_size)])
    ranks = np.arange(1, vocab_size + 1)
    probs = 1.0 / ranks
    probs /= probs.sum()
    lengths = rng.integers(12, 40, size=n)
    words = rng.choice(vocab, size=int(lengths.sum()), p=probs)
    passages, cursor = [], 0
    for i, length in enumerate(lengths):
        passages.append(Passage(id=f"s{i}", text=" ".join(words[cursor : cursor + length]) + f" {2000 + i % 25}."))
        cursor += length
    return passages


def random_unit_vectors(n: int, dim: int, rng: np.random.Generator) -> np.ndarray:
    vectors = rng.standard_normal((n, dim), dtype=np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def percentile_ms(samples: list[float], q: float) -> float:
    return float(np.percentile(samples, q) * 1000)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_size(n: int, embedder: SentenceEmbedder, queries: int, rng: np.random.Generator, ann_threshold: int) -> dict:
    passages = synthetic_passages(n, rng)
    vectors = random_unit_vectors(n, 384, rng)
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        index = EvidenceIndex.build_or_load(passages, tmp, embedder, vectors=vectors, ann_threshold=ann_threshold)
        build_s = time.perf_counter() - start
        # Queries: 8 words of a random passage, so BM25 has a true answer to find.
        picks = rng.integers(0, n, size=queries)
        texts = [" ".join(rng.permutation(passages[i].text.split()[:-1])[:8]) for i in picks]
        bm25_lat, hybrid_lat, hits = [], [], 0
        for i, text in zip(picks, texts):
            t0 = time.perf_counter()
            top = index.bm25(text, 30)
            bm25_lat.append(time.perf_counter() - t0)
            hits += any(row == i for row, _ in top[:5])
            t0 = time.perf_counter()
            index.search([text], top_k=5)
            hybrid_lat.append(time.perf_counter() - t0)
    return {
        "passages": n,
        "build_s": build_s,
        "bm25_p50_ms": percentile_ms(bm25_lat, 50),
        "bm25_p95_ms": percentile_ms(bm25_lat, 95),
        "hybrid_p50_ms": percentile_ms(hybrid_lat, 50),
        "hybrid_p95_ms": percentile_ms(hybrid_lat, 95),
        "bm25_recall_at_5": hits / queries,
        "ann": n >= ann_threshold,
        "peak_rss_mb": peak_rss_mb(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--ann-threshold", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    embedder = SentenceEmbedder()
    embedder.warm_up()
    sample = [p.text for p in synthetic_passages(512, rng)]
    t0 = time.perf_counter()
    embedder.encode(sample)
    rate = len(sample) / (time.perf_counter() - t0)
    print(f"MiniLM embedding rate: {rate:.0f} passages/s (a real 1M-passage build would add {1_000_000 / rate / 60:.0f} min)")
    print(f"{'passages':>9} {'build s':>8} {'BM25 p50':>9} {'p95':>7} {'hybrid p50':>11} {'p95':>7} {'ratio':>6} {'ANN':>4} {'recall@5':>8} {'peak MB':>8}")
    for n in args.sizes:
        r = bench_size(n, embedder, args.queries, rng, args.ann_threshold)
        ratio = r["hybrid_p50_ms"] / max(r["bm25_p50_ms"], 1e-6)
        print(
            f"{n:>9} {r['build_s']:>8.1f} {r['bm25_p50_ms']:>8.1f}ms {r['bm25_p95_ms']:>5.1f}ms {r['hybrid_p50_ms']:>9.1f}ms "
            f"{r['hybrid_p95_ms']:>5.1f}ms {ratio:>5.2f}x {'yes' if r['ann'] else 'no':>4} {r['bm25_recall_at_5']:>8.2f} {r['peak_rss_mb']:>8.0f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
