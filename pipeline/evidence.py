"""Evidence: load an evidence set, index it once, retrieve passages and look up who they name.

An index folder ``evidence-<fingerprint>`` (a hash of the passages and the embedder) holds
everything derived from the set: the passages (SQLite), their MiniLM vectors (``vectors.npy``,
fp16), each passage's word counts for BM25 (`pipeline.bm25`), a FAISS inverted-file index for large sets, the single words passages use of
people, and the quotations with an FTS5 index; all of these take no spaCy, so a million passages
index in minutes. The people a passage names and the speakers of its quotations
(`pipeline.attribution.PassageNames`, spaCy NER) are found when a check first needs that passage
(the passages retrieved for an article, and those whose quotations are like its quotations).
Beside the folders, ``sources.sqlite`` maps each evidence file's path, size and modification
time to its fingerprint, so checking against an unchanged set opens its index without reading
the file, and ``passage_cache.sqlite`` keeps each passage's vector and names by content, so a
set with passages added embeds only the new ones, and a passage is parsed once. A set that is an
earlier set with passages appended (a wire archive's file growing) extends that set's index: its
passages, word counts, vectors and IVF index are copied and only the new passages added.
"""

from __future__ import annotations

import csv
import hashlib
import json
import operator
import os
import re
import sqlite3
import shutil
import tempfile
from contextlib import closing
from pathlib import Path
from typing import Callable, Iterable, Iterator, Protocol, Sequence

import numpy as np

from pipeline.attribution import EvidenceQuote, PassageNames, lone_words, names_in_passages, needs_parsing, quote_rows
from pipeline.bm25 import TermCounts, write_term_counts
from pipeline.embed import SentenceEmbedder
from pipeline.errors import InputError
from pipeline.formats import DOCUMENT_SUFFIXES, read_document_file
from pipeline.index_cache import explained_write_errors, remove_stale_builds
from pipeline.io import open_text, read_jsonl_objects
from pipeline.types import Passage, RetrievedPassage, content_id

PASSAGE_FIELDS = ("id", "text", "source", "url", "title", "date", "speaker")
INDEX_VERSION = 6  # 5: no names stored per passage (found when a check needs them), quotations stored before their speakers are known; 6: term counts (pipeline.bm25) instead of bm25s
_PASSAGES_DB = "passages.sqlite"
_VECTORS = "vectors.npy"
_ANN = "ann.faiss"
_SPARSE_DIR = "bm25"
_SOURCES_DB = "sources.sqlite"
_CACHE_DB = "passage_cache.sqlite"
_SQL_CHUNK = 900  # bound parameters per query, under SQLite's limit
_WORD = re.compile(r"\w+")
_STOPWORDS = frozenset(
    "a an and are as at be been but by for from has have he her his i in is it its of on or our she that the their "
    "they this to was we were will with would you not no".split()
)
_EVIDENCE_SUFFIXES = (".txt", ".md") + DOCUMENT_SUFFIXES


def _passage_from_row(row: dict, where: str) -> Passage:
    text = row.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError(f'{where}: passage has no "text"')
    values = {k: str(row.get(k) or "") for k in PASSAGE_FIELDS if k != "text"}
    values["id"] = values["id"] or content_id("p", text)
    return Passage(text=text.strip(), **values)


def _read_jsonl(path: Path) -> list[Passage]:
    return [_passage_from_row(row, f"{path}:{number}") for number, row in read_jsonl_objects(path)]


def _read_csv(path: Path) -> list[Passage]:
    with open_text(path, "evidence") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or "text" not in reader.fieldnames:
            raise InputError(f'{path}: CSV evidence needs a "text" column, got {reader.fieldnames}')
        return [_passage_from_row(row, f"{path}:{number}") for number, row in enumerate(reader, start=2)]


def _folder_files(path: Path) -> list[Path]:
    return sorted(p for p in path.rglob("*") if p.suffix.lower() in _EVIDENCE_SUFFIXES and p.is_file())


def _read_document(file: Path, source: str) -> list[Passage]:
    """One passage per paragraph (line) of a .txt, .md, .pdf or .docx file, ids ``source#N`` (pipeline.formats reads it)."""
    document = read_document_file(file, "evidence")
    text = document.text
    title = document.title or next((line.strip("# ").strip() for line in text.splitlines() if line.strip()), file.stem)
    passages = []
    for number, paragraph in enumerate(p.strip() for p in re.split(r"\n\s*\n|\n", text)):
        if paragraph and not paragraph.startswith("#"):
            passages.append(Passage(id=f"{source}#{number}", text=paragraph, source=source, title=title))
    return passages


def _read_folder(path: Path) -> list[Passage]:
    return [passage for file in _folder_files(path) for passage in _read_document(file, file.relative_to(path).as_posix())]


def load_evidence(paths: Sequence[str | Path]) -> list[Passage]:
    """Read evidence sets (.jsonl, .csv, .pdf, .docx, or a folder of .txt/.md/.pdf/.docx) into passages with unique ids.

    Raises:
        InputError: a missing file, a line that is not JSON or lacks ``text``, duplicate ids, or no passages.
    """
    passages: list[Passage] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise InputError(f"evidence {path} does not exist")
        try:
            if path.is_dir():
                passages.extend(_read_folder(path))
            elif path.suffix.lower() == ".csv":
                passages.extend(_read_csv(path))
            elif path.suffix.lower() in DOCUMENT_SUFFIXES:
                passages.extend(_read_document(path, path.name))
            else:
                passages.extend(_read_jsonl(path))
        except UnicodeDecodeError as exc:
            raise InputError(f"evidence {path} is not valid UTF-8") from exc
    if not passages:
        raise InputError(f"evidence {', '.join(map(str, paths))} holds no passages")
    seen: dict[str, Passage] = {}
    for passage in passages:
        if passage.id in seen and seen[passage.id] != passage:
            raise InputError(f"evidence id {passage.id!r} is used by two different passages")
        seen[passage.id] = passage
    return list(seen.values())


_FIELDS_OF = operator.attrgetter(*PASSAGE_FIELDS)


def fingerprint(passages: Iterable[Passage], embedder_name: str) -> str:
    """A hash of every field of every passage, in order, and of the embedder (a second a million passages)."""
    digest = hashlib.sha256(f"v{INDEX_VERSION}|{embedder_name}".encode())
    for p in passages:
        digest.update("\x1f".join(_FIELDS_OF(p)).encode("utf-8") + b"\x1e")
    return digest.hexdigest()[:16]


def terms(text: str) -> list[str]:
    """The content words of ``text``, lower-cased, in order, repeats kept: what BM25 indexes."""
    return [w for w in _WORD.findall(text.lower()) if w not in _STOPWORDS and len(w) > 1]


def query_terms(text: str, *, max_terms: int = 32) -> list[str]:
    """The distinct content words of ``text``, in order."""
    return list(dict.fromkeys(terms(text)))[:max_terms]


def source_signature(paths: Sequence[str | Path]) -> str | None:
    """A hash of the path, size and modification time of every evidence file, read without opening them; ``None`` if one is missing."""
    entries = []
    for raw in paths:
        path = Path(raw).resolve()
        try:
            for file in _folder_files(path) if path.is_dir() else [path]:
                stat = file.stat()
                entries.append([str(file), stat.st_size, stat.st_mtime_ns])
        except OSError:
            return None
    return hashlib.sha256(json.dumps(entries).encode()).hexdigest()[:24]


def _sources_db(index_dir: Path) -> sqlite3.Connection:
    """``sources.sqlite``: evidence files' signatures (`source_signature`) -> the index built from them
    (``sources``, per embedder) and the content fingerprint of what they held (``contents``)."""
    conn = _connect(index_dir / _SOURCES_DB, shared=True)
    conn.execute("CREATE TABLE IF NOT EXISTS sources (signature TEXT, embedder TEXT, fingerprint TEXT, PRIMARY KEY (signature, embedder))")
    conn.execute("CREATE TABLE IF NOT EXISTS contents (signature TEXT PRIMARY KEY, fingerprint TEXT)")
    return conn


def evidence_set_fingerprint(paths: Sequence[str | Path], index_dir: str | Path) -> str:
    """The content fingerprint of the evidence files ``paths`` (``fingerprint(passages, "")``, whatever the embedder),
    and what validates them up front: the files are read (raising `InputError` for bad input) only when their
    path, size and modification time are not recorded in ``index_dir``'s ``sources.sqlite``, which then records them."""
    index_dir = Path(index_dir)
    signature = source_signature(paths)
    if signature and (index_dir / _SOURCES_DB).exists():
        with closing(_sources_db(index_dir)) as conn:
            known = conn.execute("SELECT fingerprint FROM contents WHERE signature = ?", (signature,)).fetchone()
        if known:
            return known[0]
    content = fingerprint(load_evidence(paths), "")
    if signature:
        try:
            index_dir.mkdir(parents=True, exist_ok=True)
            with closing(_sources_db(index_dir)) as conn, conn:
                conn.execute("INSERT OR REPLACE INTO contents VALUES (?, ?)", (signature, content))
        except (OSError, sqlite3.Error):
            pass  # an unwritable index folder only costs reading the files again next time
    return content


def _top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` highest scores, best first (ties in index order)."""
    top = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
    return top[np.argsort(-scores[top], kind="stable")]


def _chunks(items: Sequence, size: int = _SQL_CHUNK) -> Iterator[Sequence]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _connect(path: Path, *, read_only: bool = False, shared: bool = False) -> sqlite3.Connection:
    """A connection to ``path``; ``shared`` files (the source map, the passage cache) take writers from several processes."""
    if read_only:
        return sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    conn = sqlite3.connect(str(path), timeout=120)
    if shared:
        conn.execute("PRAGMA journal_mode=WAL")
    return conn


class EvidenceIndex:
    """Hybrid retrieval over one evidence set (BM25 and dense cosine, fused by reciprocal rank),
    and the people and quotations its passages name. Passages stay in SQLite and are read by row."""

    def __init__(self, path: Path, size: int, vectors: np.ndarray | None, ann, sparse, embedder: SentenceEmbedder) -> None:
        self.path = path
        self.size = size
        self.embedder = embedder
        self._vectors = vectors  # float32 rows for exact dense search; None when ``ann`` (FAISS IVF) is used
        self._ann = ann
        self._sparse = sparse  # `pipeline.bm25.TermCounts`, or None when no passage has a content word

    def __len__(self) -> int:
        return self.size

    @property
    def fingerprint(self) -> str:
        return self.path.name.removeprefix("evidence-")

    @classmethod
    def for_files(
        cls,
        paths: Sequence[str | Path],
        index_dir: str | Path,
        embedder: SentenceEmbedder,
        *,
        ann_threshold: int = 50_000,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> "EvidenceIndex":
        """The index of the evidence files ``paths``, opened without reading them when their path, size and
        modification time are those recorded when the index was built; otherwise the files are read and
        their content's fingerprint decides whether an index exists (a touched file) or one is built;
        ``on_progress(done, total)`` follows the embedding of the passages a build embeds."""
        index_dir = Path(index_dir)
        index_dir.mkdir(parents=True, exist_ok=True)
        signature = source_signature(paths)  # before reading: a file edited meanwhile is read again next time
        with closing(_sources_db(index_dir)) as conn:
            known = conn.execute("SELECT fingerprint FROM sources WHERE signature = ? AND embedder = ?", (signature, embedder.model_name)).fetchone()
        if known and (index_dir / f"evidence-{known[0]}").is_dir():
            return cls.open(index_dir / f"evidence-{known[0]}", embedder, ann_threshold=ann_threshold)
        passages = load_evidence(paths)
        index = cls.build_or_load(passages, index_dir, embedder, ann_threshold=ann_threshold, on_progress=on_progress)
        if signature:
            with closing(_sources_db(index_dir)) as conn, conn:
                conn.execute("INSERT OR REPLACE INTO sources VALUES (?, ?, ?)", (signature, embedder.model_name, index.fingerprint))
                conn.execute("INSERT OR REPLACE INTO contents VALUES (?, ?)", (signature, fingerprint(passages, "")))
        return index

    @classmethod
    def build_or_load(
        cls,
        passages: list[Passage],
        index_dir: str | Path,
        embedder: SentenceEmbedder,
        *,
        ann_threshold: int = 50_000,
        vectors: np.ndarray | None = None,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> "EvidenceIndex":
        """Open the persisted index for these passages, building it (atomically) if absent.

        ``vectors`` (one row per passage) skips embedding; benchmarks use it for synthetic sets.
        """
        index_dir = Path(index_dir)
        with explained_write_errors(index_dir):
            index_dir.mkdir(parents=True, exist_ok=True)
        path = index_dir / f"evidence-{fingerprint(passages, embedder.model_name)}"
        if not path.exists():
            remove_stale_builds(index_dir)  # left by builds killed over an hour ago
            base = _prefix_index(index_dir, passages, embedder.model_name)
            with explained_write_errors(index_dir):
                _build_index(path, passages, embedder, vectors, ann_threshold=ann_threshold, base=base, on_progress=on_progress)
        return cls.open(path, embedder, ann_threshold=ann_threshold)

    @classmethod
    def open(cls, path: Path, embedder: SentenceEmbedder, *, ann_threshold: int = 50_000) -> "EvidenceIndex":
        """Load an index folder written by ``build_or_load``: vectors, the sparse index and the IVF index (memory-mapped); not the passages."""
        vectors = np.load(path / _VECTORS, mmap_mode="r")
        sparse_dir = path / _SPARSE_DIR
        sparse = TermCounts.open(sparse_dir) if sparse_dir.exists() else None
        if len(vectors) < ann_threshold:
            return cls(path, len(vectors), np.asarray(vectors, dtype=np.float32), None, sparse, embedder)
        if (path / _ANN).exists():
            import faiss

            return cls(path, len(vectors), None, faiss.read_index(str(path / _ANN), faiss.IO_FLAG_MMAP), sparse, embedder)
        return cls(path, len(vectors), None, _ivf(np.asarray(vectors, dtype=np.float32)), sparse, embedder)

    def _db(self) -> sqlite3.Connection:
        return _connect(self.path / _PASSAGES_DB, read_only=True)

    def passages_at(self, rows: Sequence[int]) -> list[Passage]:
        """The passages at row indices ``rows`` (0-based, as `bm25` and `dense` return them), in that order."""
        found: dict[int, Passage] = {}
        with closing(self._db()) as conn:
            for chunk in _chunks([int(r) + 1 for r in rows]):
                query = f"SELECT rowid, {', '.join(PASSAGE_FIELDS)} FROM passages WHERE rowid IN ({', '.join('?' * len(chunk))})"
                for rowid, *values in conn.execute(query, chunk):
                    found[rowid - 1] = Passage(**dict(zip(PASSAGE_FIELDS, values)))
        return [found[int(r)] for r in rows]

    def names_of(self, passage_ids: Iterable[str]) -> list[tuple[Passage, PassageNames]]:
        """Each passage with these ids and the people and quotations it names (parsed the first time a check asks)."""
        ids = list(dict.fromkeys(passage_ids))
        found: dict[str, Passage] = {}
        with closing(self._db()) as conn:
            for chunk in _chunks(ids):
                query = f"SELECT {', '.join(PASSAGE_FIELDS)} FROM passages WHERE id IN ({', '.join('?' * len(chunk))})"
                for values in conn.execute(query, chunk):
                    passage = Passage(**dict(zip(PASSAGE_FIELDS, values)))
                    found[passage.id] = passage
        passages = [found[i] for i in ids if i in found]
        return list(zip(passages, self._names([p.text for p in passages])))

    def _names(self, texts: list[str]) -> list[PassageNames]:
        """`names_in_passages` of ``texts`` through the passage cache beside the index (recomputed when that is read-only)."""
        try:
            with closing(_PassageCache(self.path.parent / _CACHE_DB, self.embedder.model_name)) as cache:
                return cache.names(texts)
        except sqlite3.OperationalError:
            return names_in_passages(texts)

    def standalone_words(self, words: Iterable[str]) -> set[str]:
        """Those of ``words`` that some passage uses alone of a person ("Marchand, 22, won")."""
        words = list(set(words))
        with closing(self._db()) as conn:
            return {
                word
                for chunk in _chunks(words)
                for (word,) in conn.execute(f"SELECT word FROM lone_words WHERE word IN ({', '.join('?' * len(chunk))})", chunk)
            }

    def quotes_like(self, text: str, *, limit: int = 10, pages: int = 5) -> list[EvidenceQuote]:
        """The attributed evidence quotations sharing most words with ``text``, best first (FTS5 BM25 over the quotations).

        Quotations whose speaker only the passage's text names get it from `names_of` here; those
        with nobody to credit are skipped, reading at most ``pages`` pages of ``limit`` hits.
        """
        words = query_terms(text)
        if not words:
            return []
        query = (
            "SELECT q.text, q.speaker, q.passage_id FROM quotes_fts JOIN quotes q ON q.id = quotes_fts.rowid "
            "WHERE quotes_fts MATCH ? ORDER BY quotes_fts.rank LIMIT ? OFFSET ?"
        )
        match = " OR ".join(f'"{w}"' for w in words)
        with closing(self._db()) as conn:
            return credited_quotes(
                lambda offset: conn.execute(query, (match, limit, offset)).fetchall(), self.names_of, limit=limit, pages=pages
            )

    def bm25(self, query: str, k: int) -> list[tuple[int, float]]:
        """(row index, score) of the top ``k`` passages by BM25 that share a word with ``query``; higher is better."""
        if self._sparse is None:
            return []
        ids = self._sparse.term_ids(query_terms(query))
        if not ids:
            return []
        scores = self._sparse.scores(ids)
        return [(int(i), float(scores[i])) for i in _top_k(scores, k) if scores[i] > 0]

    def dense(self, query_vectors: np.ndarray, k: int) -> list[list[tuple[int, float]]]:
        """Per query row, (row index, cosine) of the top ``k`` passages."""
        k = min(k, self.size)
        if self._ann is not None:
            scores, ids = self._ann.search(np.ascontiguousarray(query_vectors, dtype=np.float32), k)
            return [[(int(i), float(s)) for i, s in zip(r_ids, r_scores) if i >= 0] for r_ids, r_scores in zip(ids, scores)]
        import torch

        # torch, not numpy: an OpenBLAS matmul right after the torch embedder fights its thread pool
        # (bench/retrieval.py at 10k passages: p50 24 -> 9 ms, p95 83 -> 17 ms with the query embedding).
        sims = (torch.from_numpy(np.ascontiguousarray(query_vectors, dtype=np.float32)) @ torch.from_numpy(self._vectors).T).numpy()
        return [[(int(i), float(row[i])) for i in _top_k(row, k)] for row in sims]

    def search(self, queries: Sequence[str], *, top_k: int = 5, candidates: int = 30, rrf_k: int = 60) -> list[list[RetrievedPassage]]:
        """Hybrid search: reciprocal rank fusion of BM25 and dense rankings, ``top_k`` per query."""
        return hybrid_search(self, queries, top_k=top_k, candidates=candidates, rrf_k=rrf_k)


def credited_quotes(
    page_at: Callable[[int], Sequence[tuple[str, str, str]]],
    names_of: Callable[[list[str]], list[tuple[Passage, PassageNames]]],
    *,
    limit: int,
    pages: int,
) -> list[EvidenceQuote]:
    """The first ``limit`` quotations credited to someone, from pages of ``limit`` ranked hits (text, speaker or "",
    passage id) that ``page_at(offset)`` reads, at most ``pages`` of them; a speaker only the passage's text names
    comes from ``names_of`` (an index's or store's, parsing each passage once)."""
    found: list[EvidenceQuote] = []
    for page in range(pages):
        hits = page_at(page * limit)
        found += _credited(hits, names_of)
        if len(found) >= limit or len(hits) < limit:
            break
    return found[:limit]


def _credited(
    hits: Sequence[tuple[str, str, str]], names_of: Callable[[list[str]], list[tuple[Passage, PassageNames]]]
) -> list[EvidenceQuote]:
    """``hits`` with the speaker their passage's text names filled in; quotations credited to nobody are dropped."""
    speakers: dict[tuple[str, str], str] = {}
    for passage, names in names_of([passage_id for _, speaker, passage_id in hits if not speaker]):
        for quote, speaker in names.quotes:
            speakers.setdefault((passage.id, quote), speaker)
    credited = [EvidenceQuote(quote, speaker or speakers.get((passage_id, quote), ""), passage_id) for quote, speaker, passage_id in hits]
    return [q for q in credited if q.speaker]


class RankedStore(Protocol):
    """What hybrid search reads: this index, or the PostgreSQL store (`pipeline.evidence_postgres`)."""

    embedder: SentenceEmbedder

    def bm25(self, query: str, k: int) -> list[tuple[int, float]]: ...

    def dense(self, query_vectors: np.ndarray, k: int) -> list[list[tuple[int, float]]]: ...

    def passages_at(self, rows: Sequence[int]) -> list[Passage]: ...


def hybrid_search(
    store: RankedStore, queries: Sequence[str], *, top_k: int = 5, candidates: int = 30, rrf_k: int = 60
) -> list[list[RetrievedPassage]]:
    """Reciprocal rank fusion of ``store``'s BM25 and dense rankings (``candidates`` each), ``top_k`` per query."""
    if top_k <= 0:
        raise ValueError(f"top_k must be > 0, got {top_k}")
    if not queries:
        return []
    dense_hits = store.dense(store.embedder.encode(list(queries)), candidates)
    ranked = []
    for query, dense_row in zip(queries, dense_hits):
        fused: dict[int, float] = {}
        for ranking in (store.bm25(query, candidates), dense_row):
            for rank, (row, _) in enumerate(ranking):
                fused[row] = fused.get(row, 0.0) + 1.0 / (rrf_k + rank + 1)
        ranked.append(sorted(fused.items(), key=lambda item: -item[1])[:top_k])
    rows = list(dict.fromkeys(row for best in ranked for row, _ in best))
    passages = dict(zip(rows, store.passages_at(rows)))
    return [[RetrievedPassage(passages[row], score) for row, score in best] for best in ranked]


def _ivf(vectors: np.ndarray, *, lists: int = 1024, probes: int = 64):
    """An inverted-file index (FAISS IVF, fp16 rows, exact for vectors stored as fp16) for dense search.

    Approximate and sub-linear: a query is compared with the ``probes`` lists whose centroids are
    nearest (6 % of the passages at 1,024 lists). Unlike an HNSW graph (13 min for 1M passages on
    two cores), it builds in about a minute: k-means on a sample of 40 rows a list, then one
    assignment per vector. Lists are capped so each centroid is trained on 39 rows or more.
    """
    import faiss

    lists = max(1, min(lists, len(vectors) // 39))
    ann = faiss.IndexIVFScalarQuantizer(
        faiss.IndexFlatIP(vectors.shape[1]), vectors.shape[1], lists, faiss.ScalarQuantizer.QT_fp16, faiss.METRIC_INNER_PRODUCT
    )
    ann.train(vectors[:: max(1, len(vectors) // (40 * lists))])
    ann.add(vectors)
    ann.nprobe = probes
    return ann


class _PassageCache:
    """Vectors and `PassageNames` of every passage indexed so far, by a hash of its text: a changed set recomputes only new passages."""

    def __init__(self, path: Path, embedder_name: str) -> None:
        self.conn = _connect(path, shared=True)
        self.conn.execute("CREATE TABLE IF NOT EXISTS vectors (digest BLOB PRIMARY KEY, vector BLOB)")
        self.conn.execute("CREATE TABLE IF NOT EXISTS names (digest BLOB PRIMARY KEY, names TEXT)")
        self.embedder_name = embedder_name

    def close(self) -> None:
        self.conn.close()

    @staticmethod
    def _digest(*parts: str) -> bytes:
        return hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()[:16]

    def _get(self, table: str, column: str, digests: list[bytes]) -> dict[bytes, object]:
        found = {}
        for chunk in _chunks(digests):
            query = f"SELECT digest, {column} FROM {table} WHERE digest IN ({', '.join('?' * len(chunk))})"
            found.update(self.conn.execute(query, chunk).fetchall())
        return found

    def vectors(
        self, texts: Sequence[str], embedder: SentenceEmbedder, *, chunk: int = 256, on_progress: Callable[[int, int], None] | None = None
    ) -> np.ndarray:
        """fp16 vectors of ``texts``, embedding (and remembering) only those not seen before; ``on_progress(done, total)``
        is called before the first and after each ``chunk`` of those (not at all when every vector is known)."""
        digests = [self._digest(self.embedder_name, t) for t in texts]
        found = self._get("vectors", "vector", digests)
        missing = list(dict.fromkeys(i for i, d in enumerate(digests) if d not in found))
        for done, batch in enumerate(_chunks(missing, chunk)):
            if on_progress:
                on_progress(done * chunk, len(missing))
            encoded = embedder.encode([texts[i] for i in batch]).astype(np.float16)
            rows = [(digests[i], v.tobytes()) for i, v in zip(batch, encoded)]
            with self.conn:
                self.conn.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)", rows)
            found.update(rows)
        if missing and on_progress:
            on_progress(len(missing), len(missing))
        return np.stack([np.frombuffer(found[d], dtype=np.float16) for d in digests]) if texts else np.zeros((0, 0), np.float16)

    def names(self, texts: Sequence[str], *, chunk: int = 2048) -> list[PassageNames]:
        """`PassageNames` of ``texts``; only texts that need spaCy are remembered, the others are cheap to redo."""
        costly = [i for i, t in enumerate(texts) if needs_parsing(t)]
        digests = {i: self._digest(f"v{INDEX_VERSION}", texts[i]) for i in costly}
        found = self._get("names", "names", list(digests.values()))
        result: list[PassageNames | None] = [None] * len(texts)
        for i in costly:
            if digests[i] in found and PassageNames.is_current(found[digests[i]]):
                result[i] = PassageNames.from_json(found[digests[i]])
        todo = [i for i, names in enumerate(result) if names is None]
        for batch in _chunks(todo, chunk):
            computed = names_in_passages([texts[i] for i in batch])
            remembered = [(digests[i], names.to_json()) for i, names in zip(batch, computed) if i in digests]
            with self.conn:
                self.conn.executemany("INSERT OR REPLACE INTO names VALUES (?, ?)", remembered)
            for i, names in zip(batch, computed):
                result[i] = names
        return result  # type: ignore[return-value]


def _build_index(
    path: Path,
    passages: list[Passage],
    embedder: SentenceEmbedder,
    vectors: np.ndarray | None,
    *,
    ann_threshold: int,
    base: Path | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> None:
    """Write the index folder ``path``: built under a temporary name and renamed, so a half-built index is never seen.

    ``base``, the index of the first passages of ``passages`` (an evidence file appended to), is
    extended: only the new passages are inserted, embedded, counted for BM25 and added to its IVF index.
    """
    work = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    cache = _PassageCache(path.parent / _CACHE_DB, embedder.model_name)
    try:
        known = 0
        if base is not None:
            shutil.copytree(base, work, dirs_exist_ok=True)
            known = _size_of(base)
        texts = [p.text for p in passages]
        added = cache.vectors(texts[known:], embedder, on_progress=on_progress) if vectors is None else np.asarray(vectors[known:], dtype=np.float16)
        all_vectors = np.concatenate([np.load(base / _VECTORS), added]) if base is not None else added
        np.save(work / _VECTORS, all_vectors)
        with closing(_connect(work / _PASSAGES_DB)) as conn:
            if base is None:
                _create_tables(conn)
            _insert_passages(conn, passages[known:])
        _write_bm25(work / _SPARSE_DIR, texts, known, base / _SPARSE_DIR if base is not None else None)
        _write_ann(work / _ANN, all_vectors, added, ann_threshold)
        try:
            os.rename(work, path)
        except OSError:
            if not path.exists():  # another process finishing the same index first is fine
                raise
    finally:
        cache.close()
        shutil.rmtree(work, ignore_errors=True)


def _size_of(index: Path) -> int:
    """The passages in the index folder ``index`` (rows of its vectors, read from the file's header)."""
    return len(np.load(index / _VECTORS, mmap_mode="r"))


def _prefix_index(index_dir: Path, passages: Sequence[Passage], embedder_name: str, *, tries: int = 2) -> Path | None:
    """An index in ``index_dir`` of the first passages of ``passages`` (the set before passages were appended), the largest first."""
    sized = []
    for folder in index_dir.glob("evidence-*"):
        try:
            size = _size_of(folder)
        except (OSError, ValueError):
            continue
        if 0 < size < len(passages):
            sized.append((size, folder))
    for size, folder in sorted(sized, reverse=True)[:tries]:
        if folder.name == f"evidence-{fingerprint(passages[:size], embedder_name)}":
            return folder
    return None


def _write_bm25(folder: Path, texts: Sequence[str], known: int, start: Path | None) -> None:
    """The term counts of ``texts`` (`pipeline.bm25`); those of the first ``known`` are read from ``start`` when it exists."""
    if start is not None and start.exists():
        write_term_counts(folder, [terms(t) for t in texts[known:]], start=start)
        return
    corpus = [terms(t) for t in texts]
    if any(corpus):
        write_term_counts(folder, corpus)


def _write_ann(file: Path, vectors: np.ndarray, added: np.ndarray, ann_threshold: int) -> None:
    """The IVF index of ``vectors``: ``added`` (their last rows) added to the one at ``file`` when there is one, else built."""
    import faiss

    if file.exists():
        ann = faiss.read_index(str(file))
        ann.add(np.asarray(added, dtype=np.float32))
    elif len(vectors) >= ann_threshold:
        ann = _ivf(np.asarray(vectors, dtype=np.float32))
    else:
        return
    faiss.write_index(ann, str(file))


def _create_tables(conn: sqlite3.Connection) -> None:
    """The passages, the words used alone of people, and the quotations with their FTS5 index."""
    conn.execute(f"CREATE TABLE passages ({', '.join(f'{f} TEXT' for f in PASSAGE_FIELDS)})")
    conn.execute("CREATE INDEX passages_id ON passages (id)")
    conn.execute("CREATE TABLE lone_words (word TEXT PRIMARY KEY)")
    conn.execute("CREATE TABLE quotes (id INTEGER PRIMARY KEY, passage_id TEXT, text TEXT, speaker TEXT)")
    conn.execute("CREATE VIRTUAL TABLE quotes_fts USING fts5(text, content='quotes', content_rowid='id')")


def _insert_passages(conn: sqlite3.Connection, passages: Sequence[Passage]) -> None:
    """Append passages (row order is index order), their lone words and their quotations (speaker "" where only the text names them)."""
    last_quote = conn.execute("SELECT COALESCE(MAX(id), 0) FROM quotes").fetchone()[0]
    conn.executemany(f"INSERT INTO passages VALUES ({', '.join('?' * len(PASSAGE_FIELDS))})", ([getattr(p, f) for f in PASSAGE_FIELDS] for p in passages))
    conn.executemany("INSERT OR IGNORE INTO lone_words VALUES (?)", ((w,) for p in passages for w in lone_words(p.text)))
    conn.executemany("INSERT INTO quotes (passage_id, text, speaker) VALUES (?, ?, ?)", (row for p in passages for row in quote_rows(p)))
    conn.execute("INSERT INTO quotes_fts (rowid, text) SELECT id, text FROM quotes WHERE id > ?", (last_quote,))
    conn.commit()
