"""BM25 on the PostgreSQL store ranks as bm25s does, while reading only the best postings of common words, also after passages are added."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline import evidence_postgres
from pipeline.embed import SentenceEmbedder
from pipeline.evidence import EvidenceIndex
from pipeline.evidence_postgres import PostgresEvidenceStore
from pipeline.types import Passage

VOCAB = [f"w{i}" for i in range(400)]
ZIPF = 1.0 / np.arange(1, len(VOCAB) + 1)


@pytest.fixture(scope="module")
def embedder() -> SentenceEmbedder:
    return SentenceEmbedder()


def _passages(rng, count: int, lengths: tuple[int, int], prefix: str) -> list[Passage]:
    """Zipf-distributed words: the commonest in most passages, as in news copy."""
    texts = [" ".join(rng.choice(VOCAB, size=rng.integers(*lengths), p=ZIPF / ZIPF.sum())) for _ in range(count)]
    return [Passage(id=f"{prefix}{i}", text=text) for i, text in enumerate(texts)]


def _vectors(rng, count: int) -> np.ndarray:
    vectors = rng.standard_normal((count, 384)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def _queries(rng, passages: list[Passage], count: int) -> list[str]:
    picks = rng.integers(0, len(passages), size=count)
    return [" ".join(rng.choice(passages[i].text.split(), size=4)) for i in picks] + ["w0 w1 w2 w399", "w0 w1", "w3"]


def _ranking(index, query: str, k: int, offset: int) -> list[tuple[float, int]]:
    """Row ids by score, ties in row order (bm25s's float32 scores order exact ties by noise); the k-th score's ties left out."""
    top = [(round(score, 4), row + offset) for row, score in index.bm25(query, k)]
    return sorted((-score, row) for score, row in top if len(top) < k or score != top[-1][0])


def _queries_seen(monkeypatch) -> list:
    """The state of each BM25 query the store answers from now on: ``rounds`` read, ``bound`` left per word (0: read whole)."""
    seen = []

    class Recording(evidence_postgres._Scores):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self.rounds = 0
            seen.append(self)

        def top(self, k):
            self.rounds += 1
            return super().top(k)

    monkeypatch.setattr(evidence_postgres, "_Scores", Recording)
    return seen


def test_bm25_ranks_as_bm25s_while_reading_part_of_the_common_words_postings(pg_url, embedder, tmp_path, monkeypatch):
    monkeypatch.setattr(evidence_postgres, "FIRST_DEPTH", 16)  # at 600 passages, most words are past it
    rng = np.random.default_rng(7)
    passages = _passages(rng, 600, (5, 30), "p")
    vectors = _vectors(rng, len(passages))
    embedded = EvidenceIndex.build_or_load(passages, tmp_path / "index", embedder, vectors=vectors)
    store = PostgresEvidenceStore(pg_url, embedder)
    store.add(passages, vectors=vectors)
    seen = _queries_seen(monkeypatch)
    queries = _queries(rng, passages, 40)
    for k in (5, 10, 30):
        expected = [_ranking(embedded, q, k, 1) for q in queries]
        assert sum(len(r) for r in expected) > len(queries) * k / 2  # exact ties at the k-th score aside
        seen.clear()
        assert [_ranking(store, q, k, 0) for q in queries] == expected
        assert any(query.rounds > 1 for query in seen)  # some read deeper than their first round
        assert sum((query.bound > 0).any() for query in seen) > len(queries) / 2  # most stopped with postings unread
    store.close()


def test_passages_added_later_rank_as_a_store_built_with_them(pg_url, postgres_server, embedder, tmp_path, monkeypatch):
    """The second batch is longer, so the mean length moves and the first batch's stored impacts are stale."""
    monkeypatch.setattr(evidence_postgres, "FIRST_DEPTH", 16)
    rng = np.random.default_rng(11)
    first, later = _passages(rng, 400, (5, 20), "a"), _passages(rng, 300, (30, 80), "b")
    vectors = _vectors(rng, len(first) + len(later))
    queries = _queries(rng, first + later, 40)

    grown = PostgresEvidenceStore(pg_url, embedder)
    assert grown.add(first, vectors=vectors[: len(first)]) == len(first)
    before = [_ranking(grown, q, 10, 0) for q in queries]
    assert grown.add([*first, *later], vectors=vectors) == len(later)  # only the new ones
    assert len(grown) == len(first) + len(later)

    postgres_server.create_database(rebuilt_name := f"{grown._conn.info.dbname}_rebuilt")
    try:
        rebuilt = PostgresEvidenceStore(postgres_server.sqlalchemy_url_for(rebuilt_name), embedder)
        rebuilt.add([*first, *later], vectors=vectors)
        embedded = EvidenceIndex.build_or_load([*first, *later], tmp_path / "index", embedder, vectors=vectors)
        after = [_ranking(grown, q, 10, 0) for q in queries]
        assert after == [_ranking(rebuilt, q, 10, 0) for q in queries] == [_ranking(embedded, q, 10, 1) for q in queries]
        assert after != before
        rebuilt.close()
    finally:
        postgres_server.drop_database(rebuilt_name)
    grown.close()
