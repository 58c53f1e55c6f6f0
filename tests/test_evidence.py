import builtins
import io
import json
import os
from pathlib import Path

import pytest

from pipeline.embed import SentenceEmbedder
from pipeline.errors import InputError
from pipeline.evidence import EvidenceIndex, load_evidence, query_terms
from tests.conftest import BUNDLED_ARTICLE, PROJECT_ROOT

PASSAGES = [
    {"id": "treasury", "text": "The Treasury imposed sanctions on 27 shipping companies and 28 vessels on 23 February 2018.", "source": "Treasury"},
    {"id": "nauert", "text": "Heather Nauert was the spokesperson of the U.S. State Department.", "source": "State"},
    {"id": "moon", "text": "Moon Jae-in was elected President of South Korea in May 2017.", "source": "Reuters"},
    {"id": "olympics", "text": "The Winter Olympics were held in PyeongChang in February 2018."},
]


@pytest.fixture(scope="module")
def embedder():
    return SentenceEmbedder()


def _write_jsonl(path, rows):
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_hybrid_search_ranks_the_relevant_passage_first(tmp_path, embedder):
    passages = load_evidence([_write_jsonl(tmp_path / "e.jsonl", PASSAGES)])
    index = EvidenceIndex.build_or_load(passages, tmp_path / "idx", embedder)
    hits = index.search(["Who was the State Department spokesperson?", "sanctions against ships"], top_k=2)
    assert hits[0][0].passage.id == "nauert"
    assert hits[1][0].passage.id == "treasury"
    assert len(hits[0]) == 2


def test_index_is_reused_and_rebuilt_when_evidence_changes(tmp_path, embedder):
    path = _write_jsonl(tmp_path / "e.jsonl", PASSAGES)
    first = EvidenceIndex.build_or_load(load_evidence([path]), tmp_path / "idx", embedder)
    again = EvidenceIndex.build_or_load(load_evidence([path]), tmp_path / "idx", embedder)
    assert again.path == first.path
    assert [p.name for p in (tmp_path / "idx").glob("*evidence-*")] == [first.path.name]  # no temporary folder left behind
    _write_jsonl(path, PASSAGES + [{"id": "new", "text": "Kim Jong Un is the leader of North Korea."}])
    changed = EvidenceIndex.build_or_load(load_evidence([path]), tmp_path / "idx", embedder)
    assert changed.path != first.path
    assert changed.search(["leader of North Korea"], top_k=1)[0][0].passage.id == "new"


def test_passages_appended_to_an_evidence_file_extend_its_index_instead_of_rebuilding_it(tmp_path, embedder, monkeypatch):
    """Issue 17: adding passages to a large archive must not retrain its dense index or re-insert what it holds;
    the extended index answers exactly as one built from scratch would."""
    import pipeline.evidence as evidence

    trained = []
    real_ivf = evidence._ivf
    monkeypatch.setattr(evidence, "_ivf", lambda vectors: trained.append(len(vectors)) or real_ivf(vectors))
    path = _write_jsonl(tmp_path / "e.jsonl", PASSAGES)
    first = EvidenceIndex.build_or_load(load_evidence([path]), tmp_path / "idx", embedder, ann_threshold=1)
    added = [
        {"id": "kim", "text": "Kim Jong Un is the leader of North Korea."},
        {"id": "said", "text": "“Talks will start in April,” Moon told reporters in Seoul on Friday."},
    ]
    _write_jsonl(path, PASSAGES + added)
    extended = EvidenceIndex.build_or_load(load_evidence([path]), tmp_path / "idx", embedder, ann_threshold=1)
    assert trained == [len(PASSAGES)]  # the IVF index was trained once, for the first build, and extended since
    assert extended.path != first.path and len(extended) == len(PASSAGES) + 2
    rebuilt = EvidenceIndex.build_or_load(load_evidence([path]), tmp_path / "fresh", embedder, ann_threshold=1)
    queries = ["leader of North Korea", "When will the talks start?", "Who was the State Department spokesperson?"]
    assert [[h.passage.id for h in hits] for hits in extended.search(queries, top_k=3)] == [
        [h.passage.id for h in hits] for hits in rebuilt.search(queries, top_k=3)
    ]
    assert extended.search(["leader of North Korea"], top_k=1)[0][0].passage.id == "kim"
    assert extended.passages_at(range(len(PASSAGES) + 2)) == rebuilt.passages_at(range(len(PASSAGES) + 2))
    assert extended.quotes_like("Talks will start in April", limit=5) == rebuilt.quotes_like("Talks will start in April", limit=5)
    assert extended.quotes_like("Talks will start in April", limit=5)[0].speaker == "Moon"
    assert extended.standalone_words(["Moon"]) == {"Moon"}


def test_building_an_index_reports_the_passages_embedded_so_far(tmp_path, embedder, monkeypatch):
    """Embedding a new archive takes hours on a CPU: the build says how far it is, in chunks, counting only the
    passages it embeds (the others' vectors come from the passage cache)."""
    import pipeline.evidence as evidence

    monkeypatch.setattr(evidence._PassageCache.vectors, "__kwdefaults__", {"chunk": 2, "on_progress": None})
    seen = []
    path = _write_jsonl(tmp_path / "e.jsonl", PASSAGES)
    EvidenceIndex.for_files([path], tmp_path / "idx", embedder, on_progress=lambda done, total: seen.append((done, total)))
    assert seen == [(0, 4), (2, 4), (4, 4)]
    seen.clear()
    _write_jsonl(path, PASSAGES + [{"id": "new", "text": "Kim Jong Un is the leader of North Korea."}])
    EvidenceIndex.for_files([path], tmp_path / "idx", embedder, on_progress=lambda done, total: seen.append((done, total)))
    assert seen == [(0, 1), (1, 1)]


def _forbid_reading(monkeypatch, path):
    """Make any open() of ``path`` fail the test: what "the evidence file is not read" means, observably."""
    real_open = io.open

    def guarded(file, *args, **kwargs):
        if isinstance(file, (str, os.PathLike)) and Path(file).resolve() == path.resolve():
            raise AssertionError(f"{path} was read")
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded)
    monkeypatch.setattr(io, "open", guarded)


class _CountingEmbedder:
    """The real embedder, counting the texts it embeds."""

    def __init__(self, embedder):
        self.inner, self.model_name, self.embedded = embedder, embedder.model_name, 0

    def encode(self, texts):
        self.embedded += len(texts)
        return self.inner.encode(texts)


def test_unchanged_evidence_file_is_not_read_and_added_passages_are_the_only_ones_embedded(tmp_path, embedder, monkeypatch):
    path = _write_jsonl(tmp_path / "e.jsonl", PASSAGES)
    counting = _CountingEmbedder(embedder)
    first = EvidenceIndex.for_files([path], tmp_path / "idx", counting)
    assert counting.embedded == len(PASSAGES)
    with monkeypatch.context() as patched:
        _forbid_reading(patched, path)
        again = EvidenceIndex.for_files([path], tmp_path / "idx", counting)
        assert again.path == first.path
        assert again.search(["Who was the State Department spokesperson?"], top_k=1)[0][0].passage.id == "nauert"
    os.utime(path, ns=(path.stat().st_mtime_ns + 10**9,) * 2)  # touched, same content: read, same index
    assert EvidenceIndex.for_files([path], tmp_path / "idx", counting).path == first.path
    embedded = counting.embedded
    _write_jsonl(path, PASSAGES + [{"id": "new", "text": "Kim Jong Un is the leader of North Korea."}])
    changed = EvidenceIndex.for_files([path], tmp_path / "idx", counting)
    assert changed.path != first.path and len(changed) == len(PASSAGES) + 1
    assert counting.embedded - embedded == 1  # the other passages' vectors came from the passage cache
    assert changed.search(["leader of North Korea"], top_k=1)[0][0].passage.id == "new"


def test_building_an_index_parses_no_passage_and_a_check_parses_each_passage_it_needs_once(tmp_path, embedder, monkeypatch):
    """spaCy NER is what made a 100,000-passage build take 11 minutes: the build runs none; the passages
    a check looks at are parsed when first asked for and remembered beside the index (issue 17)."""
    import pipeline.evidence as evidence

    parsed = []
    real = evidence.names_in_passages
    monkeypatch.setattr(evidence, "names_in_passages", lambda texts: parsed.extend(texts) or real(texts))
    rows = PASSAGES + [{"id": "q", "text": "“We will keep rates steady until inflation falls,” said Jerome Powell, Chair of the Federal Reserve."}]
    path = _write_jsonl(tmp_path / "e.jsonl", rows)
    index = EvidenceIndex.for_files([path], tmp_path / "idx", embedder)
    assert parsed == []
    assert index.names_of(["q"])[0][1].people == (("Jerome Powell", "Chair of the Federal Reserve"),)
    assert parsed == [rows[-1]["text"]]
    reopened = EvidenceIndex.for_files([path], tmp_path / "idx", embedder)
    assert reopened.names_of(["q"])[0][1].people == (("Jerome Powell", "Chair of the Federal Reserve"),)
    assert reopened.quotes_like("rates steady until inflation falls", limit=5)[0].speaker == "Jerome Powell"
    assert len(parsed) == 1  # remembered in passage_cache.sqlite, not parsed again by a new process's index


def test_index_finds_who_each_passage_names_and_its_quotations(tmp_path, embedder):
    rows = PASSAGES + [{"id": "q", "text": "“We will keep rates steady until inflation falls,” said Jerome Powell, Chair of the Federal Reserve."}]
    index = EvidenceIndex.build_or_load(load_evidence([_write_jsonl(tmp_path / "e.jsonl", rows)]), tmp_path / "idx", embedder)
    ((passage, names),) = index.names_of(["q"])
    assert passage.id == "q" and names.people == (("Jerome Powell", "Chair of the Federal Reserve"),)
    assert index.names_of(["olympics"])[0][1].people == ()
    (quote,) = index.quotes_like("rates steady until inflation falls", limit=5)
    assert (quote.speaker, quote.passage_id) == ("Jerome Powell", "q")
    assert index.quotes_like("zebra crossings", limit=5) == []


def test_ann_search_finds_the_same_top_passage(tmp_path, embedder):
    passages = load_evidence([_write_jsonl(tmp_path / "e.jsonl", PASSAGES)])
    index = EvidenceIndex.build_or_load(passages, tmp_path / "idx", embedder, ann_threshold=1)
    assert index.search(["elected President of South Korea"], top_k=1)[0][0].passage.id == "moon"


def test_single_passage_evidence_set(tmp_path, embedder):
    passages = load_evidence([_write_jsonl(tmp_path / "e.jsonl", PASSAGES[:1])])
    index = EvidenceIndex.build_or_load(passages, tmp_path / "idx", embedder)
    assert [h.passage.id for h in index.search(["anything at all"], top_k=5)[0]] == ["treasury"]


def test_query_terms_are_distinct_content_words():
    assert query_terms('NEAR(ab cd) "x" * -yz ab') == ["near", "ab", "cd", "yz"]
    assert query_terms("the and of") == []


def test_csv_and_folder_evidence(tmp_path):
    (tmp_path / "e.csv").write_text("id,text,source\nx1,The sky is blue.,Almanac\n", encoding="utf-8")
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "wire.txt").write_text("Title line\n\nFirst paragraph of the wire.\n\nSecond paragraph.\n", encoding="utf-8")
    passages = load_evidence([tmp_path / "e.csv", folder])
    assert [p.id for p in passages] == ["x1", "wire.txt#0", "wire.txt#1", "wire.txt#2"]


@pytest.mark.parametrize(
    "line, message",
    [("not json at all", r"e.jsonl:2: not valid JSON"), ('{"id": "a"}', r'e.jsonl:2: passage has no "text"'), ("[1, 2]", r"e.jsonl:2: expected a JSON object")],
)
def test_bad_evidence_lines_name_file_and_line(tmp_path, line, message):
    path = tmp_path / "e.jsonl"
    path.write_text(json.dumps(PASSAGES[0]) + "\n" + line + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=message):
        load_evidence([path])


def test_empty_evidence_set_is_an_error(tmp_path):
    (tmp_path / "e.jsonl").write_text("\n", encoding="utf-8")
    with pytest.raises(InputError, match="holds no passages"):
        load_evidence([tmp_path / "e.jsonl"])


def test_bm25_ranks_by_the_rare_shared_word_and_skips_unrelated_passages(tmp_path, embedder):
    rows = [{"id": f"p{i}", "text": f"common words appear here in passage number {i}"} for i in range(30)]
    rows.append({"id": "target", "text": "common words and the rare zygote term"})
    rows.append({"id": "unrelated", "text": "Nothing shared at all."})
    index = EvidenceIndex.build_or_load(load_evidence([_write_jsonl(tmp_path / "e.jsonl", rows)]), tmp_path / "idx", embedder)
    hits = [p.id for p in index.passages_at([row for row, _ in index.bm25("common words zygote", 40)])]
    assert hits[0] == "target"
    assert len(hits) == 31 and "unrelated" not in hits
    assert index.bm25("quasar nebula", 5) == []


def test_evidence_of_stopwords_only_still_searches_densely(tmp_path, embedder):
    rows = [{"id": "a", "text": "It is."}, {"id": "b", "text": "And then we were."}]
    index = EvidenceIndex.build_or_load(load_evidence([_write_jsonl(tmp_path / "e.jsonl", rows)]), tmp_path / "idx", embedder)
    assert index.bm25("it is", 5) == []
    assert len(index.search(["it is"], top_k=2)[0]) == 2


def test_a_check_against_a_stored_index_does_not_read_the_evidence_file(tiny_config, tmp_path, monkeypatch):
    from pipeline.checker import ArticleChecker
    from pipeline.config import load_config

    evidence = tmp_path / "evidence.jsonl"
    evidence.write_bytes((PROJECT_ROOT / "examples" / "north_korea" / "evidence.jsonl").read_bytes())
    ArticleChecker(load_config(tiny_config)).evidence([evidence])  # builds the index
    _forbid_reading(monkeypatch, evidence)
    report = ArticleChecker(load_config(tiny_config)).check(BUNDLED_ARTICLE, [evidence])  # a new process, as it were
    assert ("Heather Nuart", "Heather Nauert") in {(f.text, f.suggestion) for f in report.flags if f.type == "name_misspelling"}


def _record_opens(monkeypatch) -> list[Path]:
    """Every file opened from now on (``open``, ``io.open``, ``Path.open``, ``Path.read_bytes``), resolved."""
    opened: list[Path] = []
    real_open = io.open

    def recording(file, *args, **kwargs):
        if isinstance(file, (str, os.PathLike)):
            opened.append(Path(file).resolve())
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", recording)
    monkeypatch.setattr(io, "open", recording)
    return opened


def test_the_embedders_weights_are_hashed_once_until_they_change(tmp_path, monkeypatch):
    from pipeline import embed

    weights = tmp_path / "model" / "model.safetensors"
    weights.parent.mkdir()
    weights.write_bytes(b"weights v1" * 1000)
    monkeypatch.setenv("FACTCHECK_HOME", str(tmp_path / "home"))
    first = embed.SentenceEmbedder(weights.parent).model_name
    monkeypatch.setattr(embed, "_DIGESTS", {})  # a new process: only the digest file is left
    opened = _record_opens(monkeypatch)
    assert embed.SentenceEmbedder(weights.parent).model_name == first
    assert weights.resolve() not in opened
    weights.write_bytes(b"weights v2" * 1000)
    os.utime(weights, ns=(weights.stat().st_mtime_ns + 10**9,) * 2)
    changed = embed.SentenceEmbedder(weights.parent).model_name
    assert changed != first and changed.startswith("model@")
    assert weights.resolve() in opened


def test_validating_an_indexed_unchanged_evidence_file_does_not_read_it(tmp_path, embedder, monkeypatch):
    """What `factcheck check`/`schedule` and the inbox flow do up front: a file read and indexed before, unchanged, is not opened."""
    from pipeline.evidence import evidence_set_fingerprint, fingerprint

    path = _write_jsonl(tmp_path / "e.jsonl", PASSAGES)
    content = fingerprint(load_evidence([path]), "")
    EvidenceIndex.for_files([path], tmp_path / "idx", embedder)  # the first check: read, indexed, its signature recorded
    opened = _record_opens(monkeypatch)
    assert evidence_set_fingerprint([path], tmp_path / "idx") == content
    assert path.resolve() not in opened
    path.write_text(path.read_text(encoding="utf-8") + "not json\n", encoding="utf-8")  # changed: read and refused
    with pytest.raises(InputError, match=r"e\.jsonl:5"):
        evidence_set_fingerprint([path], tmp_path / "idx")
    assert path.resolve() in opened
    _write_jsonl(path, PASSAGES[:2])
    changed = evidence_set_fingerprint([path], tmp_path / "idx")  # read and validated once ...
    opened.clear()
    assert evidence_set_fingerprint([path], tmp_path / "idx") == changed != content  # ... then not again
    assert path.resolve() not in opened
