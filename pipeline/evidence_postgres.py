"""The evidence store on a PostgreSQL server (``evidence.backend: postgres``): one archive many checkers share.

The same retrieval as the embedded :class:`pipeline.evidence.EvidenceIndex`, in tables instead
of one machine's files:

* ``evidence_passages``: a row per passage, keyed by a hash of its content and the embedder's
  name (adding the same passage again inserts nothing), with its `PassageNames` (found with
  spaCy the first time a check asks for the passage, NULL until then) and its embedding in a
  pgvector column under an HNSW index (inner product, the vectors are unit length; rounded
  through fp16 as the embedded index stores them).
* ``evidence_terms`` / ``evidence_df`` / ``evidence_stats``: the postings of the words
  :func:`pipeline.evidence.terms` yields (term, passage, tf, passage length), document
  frequencies and the passage count and total length. BM25 (Lucene's, k1 1.5, b 0.75: what
  bm25s computes) is scored from them at query time with the archive's current idf and mean
  length, so adding passages never rebuilds anything and scores stay those of the whole
  archive. Each posting also keeps its impact, the length-normalised tf weight
  ``tf / (tf + k1 (1 - b + b len / avgdl))`` at the mean length when it was added, under an
  index on (term, impact): a query reads each word's postings best first and stops once no
  passage it has not read can reach the top k (see :meth:`PostgresEvidenceStore.bm25`), so it
  reads a few thousand postings where summing them all read every passage with a common word.
  PostgreSQL's own ``ts_rank`` ranks differently from BM25 and would change the fused
  top 5; it serves the quotations (``evidence_quotes``, a GIN full-text index) instead, as
  FTS5 does in the embedded index.
* ``evidence_lone_words``: the words some passage uses alone of a person; ``evidence_quotes``: the
  quotations, found without spaCy when added, with speaker "" where only the passage's text names one.

Dense and sparse rankings are fused by :func:`pipeline.evidence.hybrid_search`, as the embedded index's are.
Writers take an advisory lock, so two processes adding at once serialise; readers never wait.
Adding passages the store holds already writes nothing, so checkers can point at a read-only
replica once their evidence is on the primary (the names a check parses are then not kept).
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

from pipeline.attribution import EvidenceQuote, PassageNames, lone_words, names_in_passages, quote_rows
from pipeline.embed import SentenceEmbedder
from pipeline.errors import InputError
from pipeline.evidence import PASSAGE_FIELDS, credited_quotes, hybrid_search, load_evidence, query_terms, terms
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
    return "[" + ",".join(map(repr, vector.tolist())) + "]"


SCHEMA = """
CREATE EXTENSION IF NOT EXISTS vector;
CREATE TABLE IF NOT EXISTS evidence_meta (embedder TEXT PRIMARY KEY, dim INTEGER NOT NULL);
-- min_avgdl: the least mean length any posting's weight was computed at (how far stored weights may undershoot today's)
CREATE TABLE IF NOT EXISTS evidence_stats (
    one BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one), passages BIGINT NOT NULL, total_length BIGINT NOT NULL, min_avgdl FLOAT8
);
INSERT INTO evidence_stats VALUES (TRUE, 0, 0, NULL) ON CONFLICT DO NOTHING;
CREATE TABLE IF NOT EXISTS evidence_passages (
    row_id BIGINT PRIMARY KEY, digest BYTEA NOT NULL UNIQUE,
    id TEXT NOT NULL, text TEXT NOT NULL, source TEXT, url TEXT, title TEXT, date TEXT, speaker TEXT,
    names TEXT, embedding vector({dim}) NOT NULL
);
CREATE INDEX IF NOT EXISTS evidence_passages_id ON evidence_passages (id);
CREATE TABLE IF NOT EXISTS evidence_terms (term TEXT NOT NULL, row_id BIGINT NOT NULL, tf INTEGER NOT NULL, length INTEGER NOT NULL, weight REAL NOT NULL);
CREATE TABLE IF NOT EXISTS evidence_df (term TEXT PRIMARY KEY, df BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS evidence_lone_words (word TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS evidence_quotes (
    id BIGSERIAL PRIMARY KEY, passage_id TEXT NOT NULL, text TEXT NOT NULL, speaker TEXT NOT NULL,
    tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', text)) STORED
);
CREATE INDEX IF NOT EXISTS evidence_quotes_tsv ON evidence_quotes USING gin (tsv);
"""
# Built after the first COPY into an empty store (faster than row by row), no-ops afterwards.
INDEXES = (
    "CREATE UNIQUE INDEX IF NOT EXISTS evidence_terms_key ON evidence_terms (term, row_id) INCLUDE (tf, length)",  # look-ups
    "CREATE INDEX IF NOT EXISTS evidence_terms_impact ON evidence_terms (term, weight, row_id) INCLUDE (tf, length)",
    f"CREATE INDEX IF NOT EXISTS evidence_passages_hnsw ON evidence_passages USING hnsw (embedding vector_ip_ops) "
    f"WITH (m = {HNSW_M}, ef_construction = {HNSW_EF_CONSTRUCTION})",
)
# The next ``depth`` postings of each listed word after (impact, row id) (w, r), best first (a backward scan of
# evidence_terms_impact), as arrays per word (i: the word's place in the list).
NEXT_POSTINGS = """
SELECT q.i, array_agg(p.row_id ORDER BY p.weight DESC, p.row_id DESC), array_agg(p.tf ORDER BY p.weight DESC, p.row_id DESC),
       array_agg(p.length ORDER BY p.weight DESC, p.row_id DESC), array_agg(p.weight ORDER BY p.weight DESC, p.row_id DESC)
FROM unnest(%(terms)s::text[], %(weights)s::real[], %(rows)s::bigint[], %(depths)s::int[]) WITH ORDINALITY AS q(term, w, r, depth, i)
CROSS JOIN LATERAL (
    SELECT row_id, tf, length, weight FROM evidence_terms t
    WHERE t.term = q.term AND (t.weight, t.row_id) < (q.w, q.r) ORDER BY t.weight DESC, t.row_id DESC LIMIT q.depth
) p
GROUP BY q.i
"""
TF_OF = "SELECT row_id, tf, length FROM evidence_terms WHERE term = %s AND row_id = ANY(%s::bigint[])"
FIRST_DEPTH = 4096  # a word with at most this many postings is read whole at once; others are read from their best posting on


def build_memory_mb(passages: int, dim: int) -> int:
    """``maintenance_work_mem`` for building the indexes of a first batch: pgvector's HNSW build slows down several
    times once its graph (the vectors and about ``2 m`` neighbours each) outgrows it; at least 1 GB, at most 8 GB."""
    graph = passages * (4 * dim + 2 * HNSW_M * 8 + 64) * 1.2
    return int(min(max(graph / 2**20, 1024), 8192))


def _first_not_in(known: set[bytes], digests: Sequence[bytes], positions: Iterable[int]) -> list[int]:
    """Those of ``positions`` whose digest is not in ``known``, the first of each digest."""
    seen = set(known)
    return [i for i in positions if digests[i] not in seen and not seen.add(digests[i])]


def impact(tf, length, avgdl):
    """BM25's length-normalised tf weight, in [0, 1): a word's score in a passage is its idf times this."""
    return tf / (tf + K1 * (1 - B + B * length / avgdl))


class _Scores:
    """A BM25 query's state: per passage read so far its score from each word (``part``; ``known`` False: that word's
    tf not known yet); per word the last (impact, row id) read, how many postings were read and the bound on the
    score of a passage it did not hold (0 once read whole)."""

    def __init__(self, idf: np.ndarray, avgdl: float, *, shrink: float) -> None:
        self.idf, self.avgdl, self.shrink = idf, avgdl, shrink
        self.rows = np.zeros(0, dtype=np.int64)  # sorted
        self.part = np.zeros((0, len(idf)))
        self.known = np.zeros((0, len(idf)), dtype=bool)
        self.last = [(math.inf, 2**63 - 1)] * len(idf)
        self.count = [0] * len(idf)
        self.bound = idf.copy()  # before any posting is read: idf times an impact under 1

    def _at(self, rows: np.ndarray) -> np.ndarray:
        """Where ``rows`` are in ``self.rows``, adding those not there yet."""
        new = np.setdiff1d(rows, self.rows, assume_unique=True)
        if len(new):
            merged = np.union1d(self.rows, new)
            keep = np.searchsorted(merged, self.rows)
            part, known = np.zeros((len(merged), len(self.idf))), np.zeros((len(merged), len(self.idf)), dtype=bool)
            part[keep], known[keep] = self.part, self.known
            known[:, self.bound == 0] = True  # a list read whole holds every passage with that word
            self.rows, self.part, self.known = merged, part, known
        return np.searchsorted(self.rows, rows)

    def _set(self, word: int, at: np.ndarray, tfs, lengths) -> None:
        self.part[at, word] = self.idf[word] * impact(np.asarray(tfs, dtype=np.float64), np.asarray(lengths, dtype=np.float64), self.avgdl)
        self.known[at, word] = True

    def read(self, word: int, rows, tfs, lengths, weights, *, ended: bool) -> None:
        """The next postings of ``word``'s list, best impact first; ``ended``: none left after them."""
        if len(rows):
            self._set(word, self._at(np.asarray(rows, dtype=np.int64)), tfs, lengths)
            self.last[word] = (weights[-1], rows[-1])
            self.count[word] += len(rows)
        if ended:
            self.bound[word] = 0.0
            self.known[:, word] = True
        else:  # a passage not read here weighs at most the last impact read, loosened to today's mean length
            w = min(float(self.last[word][0]) * (1 + 1e-6), 1.0)  # stored as float4
            self.bound[word] = self.idf[word] * w / (w + self.shrink * (1 - w))

    def open(self, word: int, k: int) -> np.ndarray:
        """The passages whose tf of ``word`` is not known and that may still enter the top k."""
        lower = self.part.sum(axis=1)
        upper = lower + (~self.known) @ self.bound
        threshold = np.partition(lower, len(lower) - k)[len(lower) - k] if len(lower) >= k else 0.0
        return self.rows[~self.known[:, word] & (upper >= threshold)]

    def looked_up(self, word: int, rows: np.ndarray, found) -> None:
        """``found``: (row id, tf, length) of those of ``rows`` that hold ``word``; the others do not."""
        self.known[np.searchsorted(self.rows, rows), word] = True
        if found:
            hits = np.array(found, dtype=np.int64)
            self._set(word, np.searchsorted(self.rows, hits[:, 0]), hits[:, 1], hits[:, 2])

    def top(self, k: int) -> list[tuple[int, float]]:
        """The top ``k`` (row id, exact score) of the passages whose every tf is known, best first, ties by row id."""
        complete = np.flatnonzero(self.known.all(axis=1))
        lower = self.part[complete].sum(axis=1)
        order = np.lexsort((self.rows[complete], -lower))[:k]
        return [(int(self.rows[complete[i]]), float(lower[i])) for i in order]


class PostgresEvidenceStore:
    """Hybrid retrieval and the names and quotations of the passages, in a PostgreSQL database (pgvector)."""

    def __init__(self, database_url: str, embedder: SentenceEmbedder, *, exact_dense: bool = False) -> None:
        """``exact_dense`` scans every vector instead of the HNSW index (benchmarks: HNSW's recall); a store first
        filled by such a connection gets no HNSW index (benchmarks of BM25 alone)."""
        import psycopg

        self.embedder = embedder
        try:
            # Never prepared: a prepared statement's generic plan orders by the vector parameter without the HNSW
            # index (42-100 ms a dense query at 100k passages against 7 ms planned with the vector known).
            self._conn = psycopg.connect(libpq_url(database_url), autocommit=True, prepare_threshold=None)
        except psycopg.OperationalError as exc:
            raise InputError(f"cannot reach the evidence database: {str(exc).strip().splitlines()[0]}") from exc
        self._lock = threading.Lock()  # one connection, used by one thread at a time
        self._conn.execute(f"SET hnsw.ef_search = {HNSW_EF_SEARCH}")  # pgvector's GUC, known once the extension is
        self._exact_dense = exact_dense
        if self._has_table("evidence_terms") and not self._rows(
            "SELECT 1 FROM information_schema.columns WHERE table_name = 'evidence_terms' AND column_name = 'weight'"
        ):
            raise InputError("the evidence database was built by an older factcheck (postings without impacts): point evidence.database_url at a new database")

    def close(self) -> None:
        self._conn.close()

    def _has_table(self, name: str) -> bool:
        return self._rows("SELECT to_regclass(%s) IS NOT NULL", (name,))[0][0]

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
        self._check_embedder(cursor.execute("SELECT embedder, dim FROM evidence_meta").fetchall(), dim)

    def add(self, passages: Sequence[Passage], vectors: np.ndarray | None = None) -> int:
        """Add the passages not in the store yet (by content hash) and return how many were new.

        Passages all in the store already are checked without writing, so checkers can read a
        read-only replica once the primary holds their evidence; a replica that lacks some is an
        `InputError`. ``vectors`` (one row per passage) skips embedding; benchmarks use it for synthetic sets.
        """
        import psycopg

        digests = [passage_digest(p, self.embedder.model_name) for p in passages]
        unknown: Sequence[int] = range(len(digests))
        if self._has_table("evidence_passages"):
            self._check_embedder(self._rows("SELECT embedder, dim FROM evidence_meta"))
            unknown = _first_not_in(self._known_digests(self._rows, digests), digests, unknown)
            if not unknown:
                return 0
        try:
            return self._add_new(passages, digests, unknown, vectors)
        except psycopg.errors.ReadOnlySqlTransaction as exc:
            raise InputError(
                "the evidence database is read-only (a replica?) and lacks passages of these evidence files: add them through the primary's URL"
            ) from exc

    def _check_embedder(self, known: list[tuple[str, int]], dim: int | None = None) -> None:
        """``known``: the store's (embedder, dimension); it must be this store's embedder (and ``dim``, if given)."""
        if known and (known[0][0] != self.embedder.model_name or (dim is not None and known[0][1] != dim)):
            raise InputError(f"the evidence database holds vectors of {', '.join(f'{e} ({d})' for e, d in known)}, not of {self.embedder.model_name}")

    @staticmethod
    def _known_digests(fetch, digests: Sequence[bytes]) -> set[bytes]:
        """Those of ``digests`` the store holds; ``fetch(query, params)`` runs a query and returns its rows."""
        return {bytes(d) for (d,) in fetch("SELECT digest FROM evidence_passages WHERE digest = ANY(%s)", (list(digests),))}

    def _add_new(self, passages: Sequence[Passage], digests: list[bytes], unknown: Sequence[int], vectors: np.ndarray | None) -> int:
        """`add`'s writing part for the passages at positions ``unknown``, under the writers' lock (those another writer
        added meanwhile are skipped)."""
        with self._lock, self._conn.transaction(), self._conn.cursor() as cursor:
            dim = int(vectors.shape[1]) if vectors is not None else len(self.embedder.encode(["dimension"])[0])
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            self._create_schema(cursor, dim)
            known = self._known_digests(lambda q, p: cursor.execute(q, p).fetchall(), [digests[i] for i in unknown])
            new = _first_not_in(known, digests, unknown)
            if not new:
                return 0
            fresh = [passages[i] for i in new]
            texts = [p.text for p in fresh]
            encoded = self.embedder.encode(texts) if vectors is None else np.asarray(vectors)[new]
            encoded = np.asarray(encoded, dtype=np.float16).astype(np.float32)  # as the embedded index stores them
            first_row = cursor.execute("SELECT COALESCE(MAX(row_id), 0) + 1 FROM evidence_passages").fetchone()[0]
            was_empty = first_row == 1
            self._copy_passages(cursor, first_row, fresh, [digests[i] for i in new], encoded)
            self._copy_terms(cursor, first_row, texts)
            self._add_lone_words_and_quotes(cursor, fresh)
            if was_empty:
                cursor.execute(f"SET LOCAL maintenance_work_mem = '{build_memory_mb(len(new), dim)}MB'")
                for statement in INDEXES if not self._exact_dense else INDEXES[:-1]:
                    cursor.execute(statement)
        if was_empty:  # index-only scans of the postings need the visibility map (autovacuum keeps it after later adds)
            with self._lock:
                self._conn.execute("VACUUM (ANALYZE) evidence_terms, evidence_passages")
        return len(new)

    @staticmethod
    def _copy_passages(cursor, first_row: int, passages, digests, vectors) -> None:
        """The passages' rows; ``names`` stays NULL until a check first asks for the passage (`names_of`)."""
        columns = ", ".join(("row_id", "digest", *PASSAGE_FIELDS, "embedding"))
        with cursor.copy(f"COPY evidence_passages ({columns}) FROM STDIN") as copy:
            for row, (passage, digest, vector) in enumerate(zip(passages, digests, vectors), start=first_row):
                copy.write_row([row, digest, *(getattr(passage, f) for f in PASSAGE_FIELDS), _vector_text(vector)])

    @staticmethod
    def _copy_terms(cursor, first_row: int, texts: Sequence[str]) -> None:
        """The postings of ``texts``, weighted at the archive's mean length with them added; df and stats updated."""
        counted = [Counter(terms(text)) for text in texts]
        lengths = [sum(c.values()) for c in counted]
        n, total = cursor.execute("SELECT passages, total_length FROM evidence_stats").fetchone()
        avgdl = max((total + sum(lengths)) / (n + len(texts)), 1e-9)
        df: Counter[str] = Counter()
        with cursor.copy("COPY evidence_terms (term, row_id, tf, length, weight) FROM STDIN") as copy:
            for row, (counts, length) in enumerate(zip(counted, lengths), start=first_row):
                df.update(counts.keys())
                for term, tf in counts.items():
                    copy.write_row((term, row, tf, length, impact(tf, length, avgdl)))
        cursor.execute("CREATE TEMP TABLE new_df (term TEXT, df BIGINT) ON COMMIT DROP")
        with cursor.copy("COPY new_df (term, df) FROM STDIN") as copy:
            for term, count in df.items():
                copy.write_row((term, count))
        cursor.execute(
            "INSERT INTO evidence_df SELECT term, df FROM new_df ON CONFLICT (term) DO UPDATE SET df = evidence_df.df + excluded.df"
        )
        cursor.execute(
            "UPDATE evidence_stats SET passages = passages + %s, total_length = total_length + %s, min_avgdl = LEAST(min_avgdl, %s)",
            (len(texts), sum(lengths), avgdl),
        )

    @staticmethod
    def _add_lone_words_and_quotes(cursor, passages) -> None:
        """What needs no spaCy: the words used alone of people, and the quotations (speaker "" where only the text names one)."""
        lone = sorted({w for p in passages for w in lone_words(p.text)})
        cursor.executemany("INSERT INTO evidence_lone_words VALUES (%s) ON CONFLICT DO NOTHING", [(w,) for w in lone])
        rows = [row for p in passages for row in quote_rows(p)]
        cursor.executemany("INSERT INTO evidence_quotes (passage_id, text, speaker) VALUES (%s, %s, %s)", rows)

    # ------------------------------------------------------------------ reading

    def passages_at(self, rows: Sequence[int]) -> list[Passage]:
        """The passages with these row ids (as `bm25` and `dense` return them), in that order."""
        found = {
            row: Passage(**dict(zip(PASSAGE_FIELDS, values)))
            for row, *values in self._rows(f"SELECT row_id, {', '.join(PASSAGE_FIELDS)} FROM evidence_passages WHERE row_id = ANY(%s)", (list(rows),))
        }
        return [found[int(r)] for r in rows]

    def names_of(self, passage_ids: Iterable[str]) -> list[tuple[Passage, PassageNames]]:
        """Each passage with these ids (the latest added, if an id was reused) and the people and quotations it names,
        found (spaCy) the first time any checker asks for the passage and stored in its row."""
        ids = list(dict.fromkeys(passage_ids))
        query = f"SELECT DISTINCT ON (id) row_id, {', '.join(PASSAGE_FIELDS)}, names FROM evidence_passages WHERE id = ANY(%s) ORDER BY id, row_id DESC"
        found, unparsed = {}, []
        for row, *values, names in self._rows(query, (ids,)):
            passage = Passage(**dict(zip(PASSAGE_FIELDS, values)))
            if not PassageNames.is_current(names):
                unparsed.append((row, passage))
            else:
                found[passage.id] = (passage, PassageNames.from_json(names))
        if unparsed:
            parsed = names_in_passages([p.text for _, p in unparsed])
            self._store_names([(names.to_json(), row) for (row, _), names in zip(unparsed, parsed)])
            found.update((p.id, (p, n)) for (_, p), n in zip(unparsed, parsed))
        return [found[i] for i in ids if i in found]

    def _store_names(self, updates: list[tuple[str, int]]) -> None:
        """Keep parsed names for every checker; on a read-only replica they are parsed again by each check instead."""
        import psycopg

        try:
            with self._lock, self._conn.transaction(), self._conn.cursor() as cursor:
                cursor.executemany("UPDATE evidence_passages SET names = %s WHERE row_id = %s", updates)
        except psycopg.errors.ReadOnlySqlTransaction:
            pass

    def standalone_words(self, words: Iterable[str]) -> set[str]:
        """Those of ``words`` that some passage uses alone of a person."""
        return {word for (word,) in self._rows("SELECT word FROM evidence_lone_words WHERE word = ANY(%s)", (list(set(words)),))}

    def quotes_like(self, text: str, *, limit: int = 10, pages: int = 5) -> list[EvidenceQuote]:
        """The attributed evidence quotations sharing most words with ``text``, best first (PostgreSQL full-text search,
        ts_rank); speakers only a passage's text names come from `names_of`, and quotations credited to nobody are
        skipped, reading at most ``pages`` pages of ``limit`` hits."""
        words = query_terms(text)
        if not words:
            return []
        query = (
            "SELECT text, speaker, passage_id FROM evidence_quotes, to_tsquery('simple', %(q)s) query "
            "WHERE tsv @@ query ORDER BY ts_rank(tsv, query) DESC, id LIMIT %(limit)s OFFSET %(offset)s"
        )
        tsquery = " | ".join("'" + w.replace("'", "") + "'" for w in words)
        return credited_quotes(
            lambda offset: self._rows(query, {"q": tsquery, "limit": limit, "offset": offset}), self.names_of, limit=limit, pages=pages
        )

    def bm25(self, query: str, k: int) -> list[tuple[int, float]]:
        """(row id, score) of the top ``k`` passages by BM25 that share a word with ``query``; higher is better.

        Exact, as bm25s scores the whole archive, without reading every posting (a threshold
        algorithm: Fagin's TA, with MaxScore's order). Each query word's postings are read best
        impact first: rare words' whole, common words' first posting only, to begin with. A
        passage not read in a word's list weighs at most that list's last impact there, so its
        score is bounded; the passages read are completed, the words that bound most first, by
        looking up their tf of the words whose lists did not hold them, for as long as they may
        still enter the top k. No passage unread in every list scores above the sum of the lists'
        bounds: once the k-th exact score reaches it, the top k are final; otherwise the rarest
        word not read whole is read four times deeper. Impacts were computed at the mean length
        when their passage was added; the bounds are loosened to hold at today's (``shrink``).
        """
        words = query_terms(query)
        if not words or k <= 0:
            return []
        stats = self._rows("SELECT passages, total_length, min_avgdl FROM evidence_stats") if self._has_table("evidence_stats") else []
        known = self._rows("SELECT term, df FROM evidence_df WHERE term = ANY(%s)", (words,)) if stats else []
        if not known:
            return []
        n, total, min_avgdl = stats[0]
        avgdl = max(total / max(n, 1), 1e-9)
        terms_ = [term for term, _ in known]
        dfs = np.array([df for _, df in known])
        scores = _Scores(np.log(1 + (n - dfs + 0.5) / (dfs + 0.5)), avgdl, shrink=min(1.0, min_avgdl / avgdl))
        depths = [int(df) + 1 if df <= FIRST_DEPTH else 1 for df in dfs]  # df + 1: the list is seen to end
        while True:
            reading = [i for i, d in enumerate(depths) if d]
            found = self._rows(NEXT_POSTINGS, {
                "terms": [terms_[i] for i in reading], "weights": [scores.last[i][0] for i in reading],
                "rows": [scores.last[i][1] for i in reading], "depths": [depths[i] for i in reading],
            })
            for j, rows, tfs, lengths, weights in found:
                scores.read(reading[j - 1], rows, tfs, lengths, weights, ended=len(rows) < depths[reading[j - 1]])
            for i in set(reading) - {reading[j - 1] for j, *_ in found}:
                scores.read(i, [], [], [], [], ended=True)
            for i in np.argsort(-scores.bound, kind="stable"):
                if scores.bound[i] > 0:
                    ask = scores.open(i, k)
                    if len(ask):
                        scores.looked_up(i, ask, self._rows(TF_OF, (terms_[i], "{" + ",".join(map(str, ask.tolist())) + "}")))  # text: fast to send
            best = scores.top(k)
            unread = float(scores.bound.sum())
            if unread == 0 or (len(best) == k and best[-1][1] >= unread):
                return best
            rarest = min((i for i in range(len(dfs)) if scores.bound[i] > 0), key=lambda i: dfs[i])
            depths = [0] * len(dfs)
            deeper = 4 * max(scores.count[rarest], FIRST_DEPTH // 4)
            depths[rarest] = int(dfs[rarest]) + 1 if scores.count[rarest] + deeper >= dfs[rarest] / 2 else deeper

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
