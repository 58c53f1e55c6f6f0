"""The evidence store on a PostgreSQL server (``evidence.backend: postgres``): one archive many checkers share.

The same retrieval as the embedded :class:`pipeline.evidence.EvidenceIndex`, in tables instead
of one machine's files:

* ``evidence_passages``: a row per passage, keyed by a hash of its content and the embedder's
  name (adding the same passage again inserts nothing), with the `PassageNames` found when it
  was added and its embedding in a pgvector column under an HNSW index (inner product, the
  vectors are unit length; rounded through fp16 as the embedded index stores them).
* ``evidence_terms`` / ``evidence_df`` / ``evidence_stats``: the postings of the words
  :func:`pipeline.evidence.terms` yields, document frequencies and the passage count and total
  length. BM25 (Lucene's, k1 1.5, b 0.75: what bm25s computes) is scored in SQL from them at
  query time, so adding passages never rebuilds anything and scores stay those of the whole
  archive. PostgreSQL's own ``ts_rank`` ranks differently from BM25 and would change the fused
  top 5; it serves the quotations (``evidence_quotes``, a GIN full-text index) instead, as
  FTS5 does in the embedded index.
* ``evidence_lone_words``: the words some passage uses alone of a person.

Dense and sparse rankings are fused by :func:`pipeline.evidence.hybrid_search`, as the embedded index's are.
Writers take an advisory lock, so two processes adding at once serialise; readers never wait.
Unlike the embedded index (one per evidence set), a store is the desk's whole archive: the
evidence files a check names are added to it, and searches cover everything added so far.
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from pipeline.attribution import EvidenceQuote, PassageNames, evidence_quotes, names_in_passages
from pipeline.embed import SentenceEmbedder
from pipeline.errors import InputError
from pipeline.evidence import PASSAGE_FIELDS, hybrid_search, load_evidence, query_terms, terms
from pipeline.types import Passage, RetrievedPassage

K1, B = 1.5, 0.75  # bm25s's defaults (method "lucene")
WRITE_LOCK = 0x6576_6964  # pg_advisory_xact_lock key of the writers
HNSW_M, HNSW_EF_CONSTRUCTION, HNSW_EF_SEARCH = 16, 64, 100
TABLES = ("evidence_passages", "evidence_terms", "evidence_df", "evidence_stats", "evidence_lone_words", "evidence_quotes", "evidence_meta")


def libpq_url(database_url: str) -> str:
    """A libpq URL from a SQLAlchemy one (``postgresql+psycopg://`` -> ``postgresql://``)."""
    scheme, sep, rest = database_url.partition("://")
    if not sep or scheme.split("+")[0] not in ("postgresql", "postgres"):
        raise InputError(f"evidence.database_url must be a postgresql:// URL, got {database_url.split('://')[0]}://…")
    return f"postgresql://{rest}"


def passage_digest(passage: Passage, embedder_name: str) -> bytes:
    """What keys a passage in the store: its every field and the embedder that embedded it."""
    fields = json.dumps([embedder_name, *(getattr(passage, f) for f in PASSAGE_FIELDS)], ensure_ascii=False)
    return hashlib.sha256(fields.encode("utf-8")).digest()[:16]


def _vector_text(vector: np.ndarray) -> str:
    return "[" + ",".join(repr(float(x)) for x in vector) + "]"


SCHEMA = """
CREATE EXTENSION IF NOT EXISTS vector;
CREATE TABLE IF NOT EXISTS evidence_meta (embedder TEXT PRIMARY KEY, dim INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS evidence_stats (one BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one), passages BIGINT NOT NULL, total_length BIGINT NOT NULL);
INSERT INTO evidence_stats VALUES (TRUE, 0, 0) ON CONFLICT DO NOTHING;
CREATE TABLE IF NOT EXISTS evidence_passages (
    row_id BIGINT PRIMARY KEY, digest BYTEA NOT NULL UNIQUE,
    id TEXT NOT NULL, text TEXT NOT NULL, source TEXT, url TEXT, title TEXT, date TEXT, speaker TEXT,
    names TEXT, embedding vector({dim}) NOT NULL
);
CREATE INDEX IF NOT EXISTS evidence_passages_id ON evidence_passages (id);
CREATE TABLE IF NOT EXISTS evidence_terms (term TEXT NOT NULL, row_id BIGINT NOT NULL, tf INTEGER NOT NULL, length INTEGER NOT NULL, PRIMARY KEY (term, row_id));
CREATE TABLE IF NOT EXISTS evidence_df (term TEXT PRIMARY KEY, df BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS evidence_lone_words (word TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS evidence_quotes (
    id BIGSERIAL PRIMARY KEY, passage_id TEXT NOT NULL, text TEXT NOT NULL, speaker TEXT NOT NULL,
    tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', text)) STORED
);
CREATE INDEX IF NOT EXISTS evidence_quotes_tsv ON evidence_quotes USING gin (tsv);
"""
HNSW_INDEX = (
    f"CREATE INDEX IF NOT EXISTS evidence_passages_hnsw ON evidence_passages USING hnsw (embedding vector_ip_ops) "
    f"WITH (m = {HNSW_M}, ef_construction = {HNSW_EF_CONSTRUCTION})"
)
_BM25_TERM = f"q.idf * t.tf / (t.tf + {K1} * (1 - {B} + {B} * t.length / %(avgdl)s))"
BM25_ALL = f"""
WITH q AS (SELECT * FROM unnest(%(terms)s::text[], %(idfs)s::float8[]) AS q(term, idf))
SELECT t.row_id, SUM({_BM25_TERM}) AS score FROM q JOIN evidence_terms t ON t.term = q.term
GROUP BY t.row_id ORDER BY score DESC, t.row_id LIMIT %(k)s
"""
BM25_CANDIDATES = f"""
WITH q AS (SELECT * FROM unnest(%(terms)s::text[], %(idfs)s::float8[]) AS q(term, idf)),
     candidates AS (SELECT DISTINCT row_id FROM evidence_terms WHERE term = ANY(%(rare)s))
SELECT t.row_id, SUM({_BM25_TERM}) AS score FROM candidates c JOIN evidence_terms t ON t.row_id = c.row_id JOIN q ON q.term = t.term
GROUP BY t.row_id ORDER BY score DESC, t.row_id LIMIT %(k)s
"""
COMMON_SHARE = 0.02  # query words in more than this share of passages are scored only for the others' candidates


class PostgresEvidenceStore:
    """Hybrid retrieval and the names and quotations of the passages, in a PostgreSQL database (pgvector)."""

    def __init__(self, database_url: str, embedder: SentenceEmbedder, *, exact_dense: bool = False) -> None:
        """``exact_dense`` scans every vector instead of the HNSW index (benchmarks: HNSW's recall)."""
        import psycopg

        self.embedder = embedder
        try:
            self._conn = psycopg.connect(libpq_url(database_url), autocommit=True)
        except psycopg.OperationalError as exc:
            raise InputError(f"cannot reach the evidence database: {str(exc).strip().splitlines()[0]}") from exc
        self._lock = threading.Lock()  # one connection, used by one thread at a time
        self._conn.execute(f"SET hnsw.ef_search = {HNSW_EF_SEARCH}")  # pgvector's GUC, known once the extension is
        self._exact_dense = exact_dense

    def close(self) -> None:
        self._conn.close()

    def _has_table(self, name: str) -> bool:
        return self._conn.execute("SELECT to_regclass(%s) IS NOT NULL", (name,)).fetchone()[0]

    def _rows(self, query: str, params: dict | tuple = ()) -> list[tuple]:
        with self._lock:
            return self._conn.execute(query, params).fetchall()

    def __len__(self) -> int:
        if not self._has_table("evidence_stats"):
            return 0
        return int(self._rows("SELECT passages FROM evidence_stats")[0][0])

    def row_counts(self) -> dict[str, int]:
        """Rows in each of the store's tables."""
        return {table: self._rows(f"SELECT count(*) FROM {table}")[0][0] for table in TABLES if self._has_table(table)}

    def stored_bytes(self) -> int:
        """The store's tables and indexes on disk."""
        return sum(self._rows("SELECT pg_total_relation_size(%s)", (table,))[0][0] for table in TABLES if self._has_table(table))

    # ------------------------------------------------------------------ writing

    def _create_schema(self, cursor, dim: int) -> None:
        cursor.execute(SCHEMA.format(dim=dim))
        cursor.execute("INSERT INTO evidence_meta VALUES (%s, %s) ON CONFLICT DO NOTHING", (self.embedder.model_name, dim))
        known = cursor.execute("SELECT embedder, dim FROM evidence_meta").fetchall()
        if known != [(self.embedder.model_name, dim)]:
            raise InputError(f"the evidence database holds vectors of {', '.join(f'{e} ({d})' for e, d in known)}, not of {self.embedder.model_name}")

    def add(self, passages: Sequence[Passage], vectors: np.ndarray | None = None) -> int:
        """Add the passages not in the store yet (by content hash) and return how many were new.

        ``vectors`` (one row per passage) skips embedding; benchmarks use it for synthetic sets.
        """
        digests = [passage_digest(p, self.embedder.model_name) for p in passages]
        with self._lock, self._conn.transaction(), self._conn.cursor() as cursor:
            dim = int(vectors.shape[1]) if vectors is not None else len(self.embedder.encode(["dimension"])[0])
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            self._create_schema(cursor, dim)
            cursor.execute("SELECT digest FROM evidence_passages WHERE digest = ANY(%s)", (digests,))
            known = {bytes(d) for (d,) in cursor.fetchall()}
            new = [i for i, d in enumerate(digests) if d not in known and not known.add(d)]  # first of each digest
            if not new:
                return 0
            fresh = [passages[i] for i in new]
            texts = [p.text for p in fresh]
            encoded = self.embedder.encode(texts) if vectors is None else np.asarray(vectors)[new]
            encoded = np.asarray(encoded, dtype=np.float16).astype(np.float32)  # as the embedded index stores them
            names = names_in_passages(texts)
            first_row = cursor.execute("SELECT COALESCE(MAX(row_id), 0) + 1 FROM evidence_passages").fetchone()[0]
            was_empty = first_row == 1
            self._copy_passages(cursor, first_row, fresh, [digests[i] for i in new], names, encoded)
            self._copy_terms(cursor, first_row, texts)
            self._add_names(cursor, fresh, names)
            if was_empty:
                cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
                cursor.execute(HNSW_INDEX)
        return len(new)

    @staticmethod
    def _copy_passages(cursor, first_row: int, passages, digests, names, vectors) -> None:
        empty = PassageNames()
        columns = ", ".join(("row_id", "digest", *PASSAGE_FIELDS, "names", "embedding"))
        with cursor.copy(f"COPY evidence_passages ({columns}) FROM STDIN") as copy:
            for row, (passage, digest, found, vector) in enumerate(zip(passages, digests, names, vectors), start=first_row):
                fields = [getattr(passage, f) for f in PASSAGE_FIELDS]
                copy.write_row([row, digest, *fields, None if found == empty else found.to_json(), _vector_text(vector)])

    @staticmethod
    def _copy_terms(cursor, first_row: int, texts: Sequence[str]) -> None:
        df: Counter[str] = Counter()
        total = 0
        with cursor.copy("COPY evidence_terms (term, row_id, tf, length) FROM STDIN") as copy:
            for row, text in enumerate(texts, start=first_row):
                words = terms(text)
                total += len(words)
                counts = Counter(words)
                df.update(counts.keys())
                for term, tf in counts.items():
                    copy.write_row((term, row, tf, len(words)))
        cursor.execute("CREATE TEMP TABLE new_df (term TEXT, df BIGINT) ON COMMIT DROP")
        with cursor.copy("COPY new_df (term, df) FROM STDIN") as copy:
            for term, count in df.items():
                copy.write_row((term, count))
        cursor.execute(
            "INSERT INTO evidence_df SELECT term, df FROM new_df ON CONFLICT (term) DO UPDATE SET df = evidence_df.df + excluded.df"
        )
        cursor.execute(
            "UPDATE evidence_stats SET passages = passages + %s, total_length = total_length + %s", (len(texts), total)
        )

    @staticmethod
    def _add_names(cursor, passages, names) -> None:
        lone = sorted({w for found in names for w in found.lone_words})
        cursor.executemany("INSERT INTO evidence_lone_words VALUES (%s) ON CONFLICT DO NOTHING", [(w,) for w in lone])
        quotes = [q for p, n in zip(passages, names) if p.speaker or n.quotes for q in evidence_quotes(p, n)]
        cursor.executemany(
            "INSERT INTO evidence_quotes (passage_id, text, speaker) VALUES (%s, %s, %s)", [(q.passage_id, q.text, q.speaker) for q in quotes]
        )

    # ------------------------------------------------------------------ reading

    def passages_at(self, rows: Sequence[int]) -> list[Passage]:
        """The passages with these row ids (as `bm25` and `dense` return them), in that order."""
        found = {
            row: Passage(**dict(zip(PASSAGE_FIELDS, values)))
            for row, *values in self._rows(f"SELECT row_id, {', '.join(PASSAGE_FIELDS)} FROM evidence_passages WHERE row_id = ANY(%s)", (list(rows),))
        }
        return [found[int(r)] for r in rows]

    def names_of(self, passage_ids: Iterable[str]) -> list[tuple[Passage, PassageNames]]:
        """Each passage with these ids (the latest added, if an id was reused) and the people and quotations it names."""
        ids = list(dict.fromkeys(passage_ids))
        query = f"SELECT DISTINCT ON (id) {', '.join(PASSAGE_FIELDS)}, names FROM evidence_passages WHERE id = ANY(%s) ORDER BY id, row_id DESC"
        found = {}
        for *values, names in self._rows(query, (ids,)):
            passage = Passage(**dict(zip(PASSAGE_FIELDS, values)))
            found[passage.id] = (passage, PassageNames.from_json(names))
        return [found[i] for i in ids if i in found]

    def standalone_words(self, words: Iterable[str]) -> set[str]:
        """Those of ``words`` that some passage uses alone of a person."""
        return {word for (word,) in self._rows("SELECT word FROM evidence_lone_words WHERE word = ANY(%s)", (list(set(words)),))}

    def quotes_like(self, text: str, *, limit: int = 10) -> list[EvidenceQuote]:
        """The evidence quotations sharing most words with ``text``, best first (PostgreSQL full-text search, ts_rank)."""
        words = query_terms(text)
        if not words:
            return []
        query = (
            "SELECT text, speaker, passage_id FROM evidence_quotes, to_tsquery('simple', %(q)s) query "
            "WHERE tsv @@ query ORDER BY ts_rank(tsv, query) DESC, id LIMIT %(limit)s"
        )
        tsquery = " | ".join("'" + w.replace("'", "") + "'" for w in words)
        return [EvidenceQuote(*row) for row in self._rows(query, {"q": tsquery, "limit": limit})]

    def bm25(self, query: str, k: int) -> list[tuple[int, float]]:
        """(row id, score) of the top ``k`` passages by BM25 that share a word with ``query``; higher is better.

        Exact, with MaxScore pruning: the passages holding a rare query word are scored on every
        query word; a passage with only common words scores under the sum of their idf (each
        word adds less than its idf), so when the k-th candidate scores at least that, nobody
        else can enter the top k. Otherwise every passage with a query word is scored.
        """
        words = query_terms(query)
        if not words:
            return []
        stats = self._rows("SELECT passages, total_length FROM evidence_stats")
        known = self._rows("SELECT term, df FROM evidence_df WHERE term = ANY(%s)", (words,))
        if not stats or not known:
            return []
        n, total = stats[0]
        idf = {term: math.log(1 + (n - df + 0.5) / (df + 0.5)) for term, df in known}
        params = {"terms": list(idf), "idfs": list(idf.values()), "avgdl": max(total / max(n, 1), 1e-9), "k": k}
        common = {term for term, df in known if df > COMMON_SHARE * n}
        rare = [term for term in idf if term not in common]
        if common and rare:
            best = self._rows(BM25_CANDIDATES, {**params, "rare": rare})
            if len(best) == k and best[-1][1] >= sum(idf[t] for t in common):
                return [(int(row), float(score)) for row, score in best]
        return [(int(row), float(score)) for row, score in self._rows(BM25_ALL, params)]

    def dense(self, query_vectors: np.ndarray, k: int) -> list[list[tuple[int, float]]]:
        """Per query row, (row id, inner product) of the top ``k`` passages by the HNSW index."""
        # The HNSW index serves ORDER BY its distance; "+ 0" is an expression it cannot order, so every row is scanned.
        order = "(embedding <#> %(v)s::vector) + 0" if self._exact_dense else "embedding <#> %(v)s::vector"
        query = f"SELECT row_id, -(embedding <#> %(v)s::vector) FROM evidence_passages ORDER BY {order} LIMIT %(k)s"
        return [[(int(row), float(score)) for row, score in self._rows(query, {"v": _vector_text(v), "k": k})] for v in query_vectors]

    def search(self, queries: Sequence[str], *, top_k: int = 5, candidates: int = 30, rrf_k: int = 60) -> list[list[RetrievedPassage]]:
        """Hybrid search: reciprocal rank fusion of BM25 and dense rankings, ``top_k`` per query."""
        return hybrid_search(self, queries, top_k=top_k, candidates=candidates, rrf_k=rrf_k)


_stores: dict[tuple[str, str], PostgresEvidenceStore] = {}
_stores_lock = threading.Lock()


def store_for_files(paths: Sequence[str | Path], database_url: str, embedder: SentenceEmbedder) -> PostgresEvidenceStore:
    """The shared store at ``database_url`` with the passages of the evidence files ``paths`` added (only new ones).

    One store (one connection) per URL and embedder in a process.
    """
    key = (database_url, embedder.model_name)
    with _stores_lock:
        store = _stores.get(key)
        if store is None:
            store = _stores[key] = PostgresEvidenceStore(database_url, embedder)
    store.add(load_evidence(paths))
    return store
