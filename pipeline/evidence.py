"""Evidence: load an evidence set, index it in SQLite (FTS5 + dense vectors), retrieve passages.

The index file is named by a hash of the evidence content and the embedder, so an edited
evidence set gets a new index on the next run and an unchanged one is reused.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import sqlite3
import tempfile
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from pipeline.embed import SentenceEmbedder
from pipeline.errors import InputError
from pipeline.io import read_jsonl_objects
from pipeline.types import Passage, RetrievedPassage, content_id

PASSAGE_FIELDS = ("id", "text", "source", "url", "title", "date", "speaker")
INDEX_VERSION = 1
_STOPWORDS = frozenset(
    "a an and are as at be been but by for from has have he her his i in is it its of on or our she that the their "
    "they this to was we were will with would you not no".split()
)


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
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or "text" not in reader.fieldnames:
            raise InputError(f'{path}: CSV evidence needs a "text" column, got {reader.fieldnames}')
        return [_passage_from_row(row, f"{path}:{number}") for number, row in enumerate(reader, start=2)]


def _read_folder(path: Path) -> list[Passage]:
    passages = []
    for file in sorted(p for p in path.rglob("*") if p.suffix.lower() in (".txt", ".md") and p.is_file()):
        text = file.read_text(encoding="utf-8")
        title = next((line.strip("# ").strip() for line in text.splitlines() if line.strip()), file.stem)
        for number, paragraph in enumerate(p.strip() for p in re.split(r"\n\s*\n|\n", text)):
            if paragraph and not paragraph.startswith("#"):
                rel = file.relative_to(path).as_posix()
                passages.append(Passage(id=f"{rel}#{number}", text=paragraph, source=rel, title=title))
    return passages


def load_evidence(paths: Sequence[str | Path]) -> list[Passage]:
    """Read evidence sets (.jsonl, .csv, or a folder of .txt/.md) into passages with unique ids.

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


def fingerprint(passages: Iterable[Passage], embedder_name: str) -> str:
    digest = hashlib.sha256(f"v{INDEX_VERSION}|{embedder_name}".encode())
    for p in passages:
        digest.update(json.dumps([getattr(p, f) for f in PASSAGE_FIELDS]).encode("utf-8"))
    return digest.hexdigest()[:16]


def query_terms(text: str, *, max_terms: int = 32) -> list[str]:
    """The distinct content words of ``text``, in order."""
    terms: list[str] = []
    for word in re.findall(r"\w+", text.lower()):
        if word not in _STOPWORDS and len(word) > 1 and word not in terms:
            terms.append(word)
    return terms[:max_terms]


def fts_query(text: str, *, max_terms: int = 32) -> str:
    """An FTS5 OR-query of the distinct content words of ``text``, each quoted (no FTS syntax leaks through)."""
    return " OR ".join(f'"{t}"' for t in query_terms(text, max_terms=max_terms))


class EvidenceIndex:
    """Hybrid retrieval over one evidence set: BM25 (FTS5) and dense cosine, fused by reciprocal rank."""

    def __init__(self, db_path: Path, passages: list[Passage], vectors: np.ndarray, embedder: SentenceEmbedder) -> None:
        self.db_path = db_path
        self.passages = passages
        self.embedder = embedder
        self._vectors = vectors
        self._ann = None
        self._conn = sqlite3.connect(str(db_path), check_same_thread=False)
        self._vocab_ready = False
        self.rare_terms, self.rare_terms_above = 6, 20_000

    @classmethod
    def build_or_load(
        cls,
        passages: list[Passage],
        index_dir: str | Path,
        embedder: SentenceEmbedder,
        *,
        ann_threshold: int = 50_000,
        vectors: np.ndarray | None = None,
    ) -> "EvidenceIndex":
        """Open the persisted index for these passages, building it (atomically) if absent.

        ``vectors`` (one row per passage) skips embedding; benchmarks use it for synthetic sets.
        """
        index_dir = Path(index_dir)
        index_dir.mkdir(parents=True, exist_ok=True)
        db_path = index_dir / f"evidence-{fingerprint(passages, embedder.model_name)}.sqlite"
        if not db_path.exists():
            _build_index(db_path, passages, embedder, vectors)
        index = cls.open(db_path, embedder)
        if len(index.passages) >= ann_threshold:
            index.enable_ann()
        return index

    @classmethod
    def open(cls, db_path: Path, embedder: SentenceEmbedder) -> "EvidenceIndex":
        with sqlite3.connect(str(db_path)) as conn:
            rows = conn.execute(f"SELECT {', '.join(PASSAGE_FIELDS)}, vector FROM passages ORDER BY rowid").fetchall()
        passages = [Passage(**dict(zip(PASSAGE_FIELDS, row[:-1]))) for row in rows]
        vectors = np.frombuffer(b"".join(row[-1] for row in rows), dtype=np.float16).reshape(len(rows), -1)
        return cls(db_path, passages, vectors.astype(np.float32), embedder)

    def enable_ann(self, *, neighbours: int = 32, ef_search: int = 64) -> None:
        """Use an HNSW graph (FAISS) for dense search: approximate, sub-linear at millions of passages."""
        import faiss

        ann = faiss.IndexHNSWFlat(self._vectors.shape[1], neighbours, faiss.METRIC_INNER_PRODUCT)
        ann.hnsw.efSearch = ef_search
        ann.add(self._vectors)
        self._ann = ann

    def _rarest(self, terms: list[str], keep: int) -> list[str]:
        """The ``keep`` terms found in the fewest passages: an OR over common words scores half the index."""
        if self._vocab_ready is False:
            self._conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.passages_vocab USING fts5vocab(main, passages_fts, row)")
            self._vocab_ready = True
        placeholders = ", ".join("?" * len(terms))
        df = dict(self._conn.execute(f"SELECT term, doc FROM temp.passages_vocab WHERE term IN ({placeholders})", terms).fetchall())
        return sorted(terms, key=lambda t: df.get(t, 0))[:keep]

    def bm25(self, query: str, k: int) -> list[tuple[int, float]]:
        """(row index, score) of the top ``k`` passages by BM25; higher is better.

        On large sets (``rare_terms_above`` passages) only the rarest query terms are matched.
        """
        terms = query_terms(query)
        if len(self.passages) > self.rare_terms_above and len(terms) > self.rare_terms:
            terms = self._rarest(terms, self.rare_terms)
        match = " OR ".join(f'"{t}"' for t in terms)
        if not match:
            return []
        rows = self._conn.execute(
            "SELECT rowid, bm25(passages_fts) AS s FROM passages_fts WHERE passages_fts MATCH ? ORDER BY s LIMIT ?",
            (match, k),
        ).fetchall()
        return [(rowid - 1, -score) for rowid, score in rows]

    def dense(self, query_vectors: np.ndarray, k: int) -> list[list[tuple[int, float]]]:
        """Per query row, (row index, cosine) of the top ``k`` passages."""
        k = min(k, len(self.passages))
        if self._ann is not None:
            scores, ids = self._ann.search(np.ascontiguousarray(query_vectors, dtype=np.float32), k)
            return [[(int(i), float(s)) for i, s in zip(r_ids, r_scores) if i >= 0] for r_ids, r_scores in zip(ids, scores)]
        sims = query_vectors @ self._vectors.T
        results = []
        for row in sims:
            top = np.argpartition(-row, k - 1)[:k] if k < len(row) else np.arange(len(row))
            top = top[np.argsort(-row[top])]
            results.append([(int(i), float(row[i])) for i in top])
        return results

    def search(self, queries: Sequence[str], *, top_k: int = 5, candidates: int = 30, rrf_k: int = 60) -> list[list[RetrievedPassage]]:
        """Hybrid search: reciprocal rank fusion of BM25 and dense rankings, ``top_k`` per query."""
        if top_k <= 0:
            raise ValueError(f"top_k must be > 0, got {top_k}")
        if not queries:
            return []
        dense_hits = self.dense(self.embedder.encode(list(queries)), candidates)
        results = []
        for query, dense_row in zip(queries, dense_hits):
            fused: dict[int, float] = {}
            for ranking in (self.bm25(query, candidates), dense_row):
                for rank, (row, _) in enumerate(ranking):
                    fused[row] = fused.get(row, 0.0) + 1.0 / (rrf_k + rank + 1)
            best = sorted(fused.items(), key=lambda item: -item[1])[:top_k]
            results.append([RetrievedPassage(self.passages[row], score) for row, score in best])
        return results

    def close(self) -> None:
        self._conn.close()


def _build_index(
    db_path: Path, passages: list[Passage], embedder: SentenceEmbedder, vectors: np.ndarray | None, *, chunk: int = 2048
) -> None:
    fd, tmp_name = tempfile.mkstemp(prefix=db_path.stem, suffix=".tmp", dir=db_path.parent)
    os.close(fd)
    try:
        conn = sqlite3.connect(tmp_name)
        conn.execute(f"CREATE TABLE passages ({', '.join(f'{f} TEXT' for f in PASSAGE_FIELDS)}, vector BLOB)")
        conn.execute("CREATE VIRTUAL TABLE passages_fts USING fts5(text, content='passages', content_rowid='rowid')")
        for i in range(0, len(passages), chunk):
            batch = passages[i : i + chunk]
            batch_vectors = embedder.encode([p.text for p in batch]) if vectors is None else vectors[i : i + chunk]
            conn.executemany(
                f"INSERT INTO passages VALUES ({', '.join('?' * (len(PASSAGE_FIELDS) + 1))})",
                [[getattr(p, f) for f in PASSAGE_FIELDS] + [v.tobytes()] for p, v in zip(batch, batch_vectors.astype(np.float16))],
            )
        conn.execute("INSERT INTO passages_fts(passages_fts) VALUES ('rebuild')")
        conn.commit()
        conn.close()
        os.replace(tmp_name, db_path)
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
