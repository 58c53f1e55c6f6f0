"""Evidence: load an evidence set, index it (SQLite passages and dense vectors, a bm25s sparse index), retrieve passages.

The index folder is named by a hash of the evidence content and the embedder, so an edited
evidence set gets a new index on the next run and an unchanged one is reused.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import sqlite3
import shutil
import tempfile
from contextlib import closing
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from pipeline.embed import SentenceEmbedder
from pipeline.errors import InputError
from pipeline.io import open_text, read_jsonl_objects, read_text
from pipeline.types import Passage, RetrievedPassage, content_id

PASSAGE_FIELDS = ("id", "text", "source", "url", "title", "date", "speaker")
INDEX_VERSION = 2
_PASSAGES_DB = "passages.sqlite"
_SPARSE_DIR = "bm25"
_WORD = re.compile(r"\w+")
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
    with open_text(path, "evidence") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or "text" not in reader.fieldnames:
            raise InputError(f'{path}: CSV evidence needs a "text" column, got {reader.fieldnames}')
        return [_passage_from_row(row, f"{path}:{number}") for number, row in enumerate(reader, start=2)]


def _read_folder(path: Path) -> list[Passage]:
    passages = []
    for file in sorted(p for p in path.rglob("*") if p.suffix.lower() in (".txt", ".md") and p.is_file()):
        text = read_text(file, "evidence")
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


def terms(text: str) -> list[str]:
    """The content words of ``text``, lower-cased, in order, repeats kept: what BM25 indexes."""
    return [w for w in _WORD.findall(text.lower()) if w not in _STOPWORDS and len(w) > 1]


def query_terms(text: str, *, max_terms: int = 32) -> list[str]:
    """The distinct content words of ``text``, in order."""
    return list(dict.fromkeys(terms(text)))[:max_terms]


def _top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` highest scores, best first (ties in index order)."""
    top = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
    return top[np.argsort(-scores[top], kind="stable")]


class EvidenceIndex:
    """Hybrid retrieval over one evidence set: BM25 (bm25s) and dense cosine, fused by reciprocal rank."""

    def __init__(self, path: Path, passages: list[Passage], vectors: np.ndarray, sparse, embedder: SentenceEmbedder) -> None:
        self.path = path
        self.passages = passages
        self.embedder = embedder
        self._vectors = vectors
        self._sparse = sparse  # a bm25s.BM25, or None when no passage has a content word
        self._ann = None

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
        path = index_dir / f"evidence-{fingerprint(passages, embedder.model_name)}"
        if not path.exists():
            _build_index(path, passages, embedder, vectors)
        index = cls.open(path, embedder)
        if len(index.passages) >= ann_threshold:
            index.enable_ann()
        return index

    @classmethod
    def open(cls, path: Path, embedder: SentenceEmbedder) -> "EvidenceIndex":
        """Load an index folder written by ``build_or_load``."""
        import bm25s

        with closing(sqlite3.connect(str(path / _PASSAGES_DB))) as conn:
            rows = conn.execute(f"SELECT {', '.join(PASSAGE_FIELDS)}, vector FROM passages ORDER BY rowid").fetchall()
        passages = [Passage(**dict(zip(PASSAGE_FIELDS, row[:-1]))) for row in rows]
        vectors = np.frombuffer(b"".join(row[-1] for row in rows), dtype=np.float16).reshape(len(rows), -1)
        sparse_dir = path / _SPARSE_DIR
        sparse = bm25s.BM25.load(str(sparse_dir), show_progress=False) if sparse_dir.exists() else None
        return cls(path, passages, vectors.astype(np.float32), sparse, embedder)

    def enable_ann(self, *, neighbours: int = 32, ef_search: int = 64) -> None:
        """Use an HNSW graph (FAISS) for dense search: approximate, sub-linear at millions of passages."""
        import faiss

        ann = faiss.IndexHNSWFlat(self._vectors.shape[1], neighbours, faiss.METRIC_INNER_PRODUCT)
        ann.hnsw.efSearch = ef_search
        ann.add(self._vectors)
        self._ann = ann

    def bm25(self, query: str, k: int) -> list[tuple[int, float]]:
        """(row index, score) of the top ``k`` passages by BM25 that share a word with ``query``; higher is better."""
        if self._sparse is None:
            return []
        ids = self._sparse.get_tokens_ids(query_terms(query))
        if not ids:
            return []
        scores = self._sparse.get_scores(ids)
        return [(int(i), float(scores[i])) for i in _top_k(scores, k) if scores[i] > 0]

    def dense(self, query_vectors: np.ndarray, k: int) -> list[list[tuple[int, float]]]:
        """Per query row, (row index, cosine) of the top ``k`` passages."""
        k = min(k, len(self.passages))
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


def _build_index(
    path: Path, passages: list[Passage], embedder: SentenceEmbedder, vectors: np.ndarray | None, *, chunk: int = 2048
) -> None:
    """Write the index folder ``path``: built under a temporary name and renamed, so a half-built index is never seen."""
    import bm25s

    work = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    try:
        with closing(sqlite3.connect(str(work / _PASSAGES_DB))) as conn:
            conn.execute(f"CREATE TABLE passages ({', '.join(f'{f} TEXT' for f in PASSAGE_FIELDS)}, vector BLOB)")
            for i in range(0, len(passages), chunk):
                batch = passages[i : i + chunk]
                batch_vectors = embedder.encode([p.text for p in batch]) if vectors is None else vectors[i : i + chunk]
                conn.executemany(
                    f"INSERT INTO passages VALUES ({', '.join('?' * (len(PASSAGE_FIELDS) + 1))})",
                    [[getattr(p, f) for f in PASSAGE_FIELDS] + [v.tobytes()] for p, v in zip(batch, batch_vectors.astype(np.float16))],
                )
            conn.commit()
        corpus = [terms(p.text) for p in passages]
        if any(corpus):
            sparse = bm25s.BM25()
            sparse.index(corpus, show_progress=False)
            sparse.save(str(work / _SPARSE_DIR), show_progress=False)
        try:
            os.rename(work, path)
        except OSError:
            if not path.exists():  # another process finishing the same index first is fine
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
