"""BM25 scored at query time from stored term counts, so that passages can be appended to an index.

Lucene's BM25 (k1 1.5, b 0.75), as bm25s and the PostgreSQL store compute it:
``idf * tf / (tf + k1 * (1 - b + b * length / mean length))``, ``idf = ln(1 + (N - df + 0.5) / (df + 0.5))``.
bm25s stores each passage's weight of each word, which depends on every passage (the count,
the mean length, the word's document frequency), so one appended passage means rebuilding all
of them; here the folder keeps only what does not change (each passage's word counts and length)
and the weights are computed for the words of a query. Postings are columns of a compressed
sparse matrix (scipy), memory-mapped when opened; the vocabulary is a SQLite table, looked up
per query instead of loaded.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path

import numpy as np
from scipy import sparse

K1, B = 1.5, 0.75
_VOCABULARY = "terms.sqlite"
_ARRAYS = ("indptr", "rows", "counts", "lengths")


def write_term_counts(folder: Path, corpus: Sequence[Sequence[str]], *, start: Path | None = None) -> None:
    """Write the term counts of ``corpus`` (each passage's words, as `pipeline.evidence.terms` gives them) to ``folder``.

    ``start``, a folder written before for the first passages, is extended by ``corpus`` (the passages after them);
    ``folder`` must then hold a copy of ``start``'s vocabulary (the index build copies the whole index first).
    """
    folder.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(folder / _VOCABULARY)) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS terms (term TEXT PRIMARY KEY, id INTEGER NOT NULL)")
        vocabulary = dict(conn.execute("SELECT term, id FROM terms"))
        known = len(vocabulary)
        ids = np.fromiter((vocabulary.setdefault(word, len(vocabulary)) for words in corpus for word in words), dtype=np.int64)
        conn.executemany("INSERT INTO terms VALUES (?, ?)", ((t, i) for t, i in vocabulary.items() if i >= known))
        conn.commit()
    lengths = np.fromiter((len(words) for words in corpus), dtype=np.int32, count=len(corpus))
    rows = np.repeat(np.arange(len(corpus), dtype=np.int32), lengths)
    added = sparse.csc_matrix((np.ones(len(ids), dtype=np.int32), (rows, ids)), shape=(len(corpus), len(vocabulary)))
    if start is not None:
        before = TermCounts.open(start)
        old = sparse.csc_matrix((before.counts, before.rows, before.indptr), shape=(len(before.lengths), len(before.indptr) - 1))
        old.resize((old.shape[0], len(vocabulary)))
        added = sparse.vstack([old, added], format="csc")
        lengths = np.concatenate([before.lengths, lengths])
    added.sum_duplicates()
    for name, array in zip(_ARRAYS, (added.indptr.astype(np.int64), added.indices.astype(np.int32), added.data.astype(np.int32), lengths)):
        np.save(folder / f"{name}.npy", array)


class TermCounts:
    """The postings of an index folder written by `write_term_counts`, and BM25 over them."""

    def __init__(self, folder: Path, indptr: np.ndarray, rows: np.ndarray, counts: np.ndarray, lengths: np.ndarray) -> None:
        self.folder = folder
        self.indptr, self.rows, self.counts, self.lengths = indptr, rows, counts, lengths
        self.mean_length = max(float(lengths.mean()) if len(lengths) else 0.0, 1e-9)

    @classmethod
    def open(cls, folder: Path) -> "TermCounts":
        return cls(folder, *(np.load(folder / f"{name}.npy", mmap_mode="r") for name in _ARRAYS))

    def term_ids(self, words: Sequence[str]) -> list[int]:
        """The ids of those of ``words`` some passage holds."""
        if not words:
            return []
        with closing(sqlite3.connect(f"file:{self.folder / _VOCABULARY}?mode=ro", uri=True)) as conn:
            found = dict(conn.execute(f"SELECT term, id FROM terms WHERE term IN ({', '.join('?' * len(words))})", list(words)))
        return [found[w] for w in words if w in found]

    def scores(self, term_ids: Sequence[int]) -> np.ndarray:
        """Every passage's BM25 score for a query of these words (0 for passages holding none of them)."""
        total = len(self.lengths)
        scores = np.zeros(total, dtype=np.float64)
        for term in term_ids:
            start, end = int(self.indptr[term]), int(self.indptr[term + 1])
            rows, counts = self.rows[start:end], self.counts[start:end].astype(np.float64)
            idf = math.log(1 + (total - (end - start) + 0.5) / ((end - start) + 0.5))
            scores[rows] += idf * counts / (counts + K1 * (1 - B + B * self.lengths[rows] / self.mean_length))
        return scores
