"""The PostgreSQL evidence store against the embedded index, on the bundled evidence and article."""

from __future__ import annotations

import dataclasses
import multiprocessing

import pytest

from pipeline.embed import SentenceEmbedder
from pipeline.evidence import EvidenceIndex, load_evidence
from pipeline.evidence_postgres import PostgresEvidenceStore, build_memory_mb
from pipeline.ingest import read_article
from pipeline.segment import split_sentences
from tests.conftest import PROJECT_ROOT

EXAMPLE = PROJECT_ROOT / "examples" / "north_korea"


@pytest.fixture(scope="module")
def embedder() -> SentenceEmbedder:
    return SentenceEmbedder()


@pytest.fixture(scope="module")
def passages():
    return load_evidence([EXAMPLE / "evidence.jsonl"])


@pytest.fixture(scope="module")
def sentences() -> list[str]:
    article = read_article(EXAMPLE / "article.txt")
    return [s.text for s in split_sentences(article.text)]


@pytest.fixture()
def embedded(passages, embedder, tmp_path) -> EvidenceIndex:
    return EvidenceIndex.build_or_load(passages, tmp_path / "index", embedder)


@pytest.fixture()
def store(pg_url, passages, embedder):
    store = PostgresEvidenceStore(pg_url, embedder)
    assert store.add(passages) == len(passages)
    yield store
    store.close()


def _ids(results) -> list[list[str]]:
    return [[hit.passage.id for hit in hits] for hits in results]


def test_same_top_five_and_names_as_the_embedded_index(store, embedded, sentences):
    assert len(sentences) > 10
    assert _ids(store.search(sentences)) == _ids(embedded.search(sentences))
    ids = [p.id for hits in embedded.search(sentences) for p in (h.passage for h in hits)]
    assert store.names_of(ids) == embedded.names_of(ids)
    words = {w for s in sentences for w in s.replace(",", " ").split()}
    assert store.standalone_words(words) == embedded.standalone_words(words)
    quote = next(s for s in sentences if "“" in s or '"' in s)
    assert {q.passage_id for q in store.quotes_like(quote, limit=50)} == {q.passage_id for q in embedded.quotes_like(quote, limit=50)}


def test_adding_parses_no_passage_and_a_check_parses_each_passage_it_needs_once(pg_url, passages, embedder, monkeypatch):
    """As in the embedded index (issue 17): spaCy runs on the passages a check asks for, once for every checker."""
    import pipeline.evidence_postgres as evidence_postgres

    parsed = []
    real = evidence_postgres.names_in_passages
    monkeypatch.setattr(evidence_postgres, "names_in_passages", lambda texts: parsed.extend(texts) or real(texts))
    quoted = dataclasses.replace(passages[0], id="powell", speaker="", text="“We will keep rates steady until inflation falls,” said Jerome Powell, Chair of the Federal Reserve.")
    store = PostgresEvidenceStore(pg_url, embedder)
    try:
        store.add([*passages, quoted])
        assert parsed == []
        assert store.names_of(["powell"])[0][1].people == (("Jerome Powell", "Chair of the Federal Reserve"),)
        assert parsed == [quoted.text]
    finally:
        store.close()
    other = PostgresEvidenceStore(pg_url, embedder)  # another checker on the same store
    try:
        assert other.quotes_like("rates steady until inflation falls", limit=5)[0].speaker == "Jerome Powell"
        assert len(parsed) == 1  # stored in the passage's row
    finally:
        other.close()


def test_adding_again_is_a_no_op_and_a_new_passage_is_only_itself(store, passages, sentences):
    before, results = store.row_counts(), store.search(sentences)
    assert store.add(passages) == 0 and store.add(list(reversed(passages))) == 0
    assert store.row_counts() == before and store.search(sentences) == results

    edited = dataclasses.replace(passages[0], id="kcna-new", text=passages[0].text + " Pyongyang repeated the claim on Friday.")
    assert store.add([*passages, edited]) == 1
    assert len(store) == len(passages) + 1
    assert store.row_counts()["evidence_passages"] == before["evidence_passages"] + 1
    assert "kcna-new" in [hit.passage.id for hit in store.search([edited.text])[0]]


def test_checkers_read_a_read_only_replica_and_one_lacking_their_evidence_is_refused(pg_url, pg_database, postgres_server, passages, sentences, embedder):
    """A read-only database (default_transaction_read_only, what a hot standby refuses writes with) serves checks of
    evidence it holds; new evidence is a one-line error naming the primary."""
    import psycopg

    from pipeline.errors import InputError

    primary = PostgresEvidenceStore(pg_url, embedder)
    primary.add(passages)
    expected = _ids(primary.search(sentences))
    primary.close()
    with psycopg.connect(postgres_server.libpq_url, autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{pg_database}" SET default_transaction_read_only = on')
    replica = PostgresEvidenceStore(pg_url, embedder)
    try:
        assert replica.add(passages) == 0
        assert _ids(replica.search(sentences)) == expected
        ids = [p.id for p in passages[:3]]
        assert [p.id for p, _ in replica.names_of(ids)] == ids  # parsed, not stored
        assert replica._rows("SELECT count(*) FROM evidence_passages WHERE names IS NOT NULL")[0][0] == 0
        new = dataclasses.replace(passages[0], id="late", text="A passage the primary never received.")
        with pytest.raises(InputError, match="read-only .* primary"):
            replica.add([*passages, new])
        assert len(replica) == len(passages)
    finally:
        replica.close()


def _search_in_another_process(url: str, queries: list[str], barrier) -> list[list[str]]:
    store = PostgresEvidenceStore(url, SentenceEmbedder())
    barrier.wait()
    try:
        return _ids(store.search(queries))
    finally:
        store.close()


def test_two_checker_processes_read_the_store_at_once(store, pg_url, sentences):
    expected = _ids(store.search(sentences))
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        barrier = manager.Barrier(2)
        with context.Pool(2) as pool:
            results = pool.starmap(_search_in_another_process, [(pg_url, sentences, barrier)] * 2)
    assert results == [expected, expected]


def test_a_check_on_the_postgres_backend_flags_what_the_embedded_one_does(tiny_config, pg_url):
    from pipeline.checker import ArticleChecker
    from pipeline.config import load_config
    from pipeline.evidence_postgres import PostgresEvidenceStore as Store
    from tests.conftest import BUNDLED_ARTICLE

    evidence = [EXAMPLE / "evidence.jsonl"]
    shared = ArticleChecker(load_config(tiny_config, overrides={"evidence": {"backend": "postgres", "database_url": pg_url}}))
    assert isinstance(shared.evidence(evidence).index, Store)
    on_postgres = shared.check(BUNDLED_ARTICLE, evidence)
    embedded = ArticleChecker(load_config(tiny_config)).check(BUNDLED_ARTICLE, evidence)

    def flags(report):
        return [(f.type, f.text, f.suggestion, f.evidence_ids) for f in report.flags]

    assert flags(on_postgres) == flags(embedded) and any(f.type == "name_misspelling" for f in embedded.flags)


def test_the_first_batch_gets_room_for_its_hnsw_graph_in_build_memory():
    """pgvector slows down several times once the graph outgrows maintenance_work_mem: 1M 384-dimensional vectors
    alone are 1.5 GB, over PostgreSQL's and the store's former 1 GB."""
    assert build_memory_mb(1_000, 384) == 1024
    assert build_memory_mb(1_000_000, 384) * 2**20 > 1_000_000 * 384 * 4
    assert build_memory_mb(50_000_000, 384) == 8192  # capped: the server's memory is not known here
