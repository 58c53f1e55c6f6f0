"""BM25 from stored term counts: the scores bm25s computes (Lucene's variant), also after passages are appended."""

import bm25s
import numpy as np
import pytest

from pipeline.bm25 import TermCounts, write_term_counts


def _corpus(rng, count, lengths, vocabulary=300):
    words = [f"w{i}" for i in range(vocabulary)]
    zipf = 1 / np.arange(1, vocabulary + 1)
    return [list(rng.choice(words, size=int(rng.integers(*lengths)), p=zipf / zipf.sum())) for _ in range(count)]


def _bm25s_scores(corpus, query):
    reference = bm25s.BM25()  # method "lucene", k1 1.5, b 0.75
    reference.index(corpus, show_progress=False)
    return reference.get_scores(reference.get_tokens_ids(query))


@pytest.mark.parametrize("query", [["w0", "w1", "w250"], ["w3"], ["w0", "w7", "w12", "w99", "w200"]])
def test_scores_are_those_of_bm25s_and_stay_so_when_passages_are_appended(tmp_path, query):
    rng = np.random.default_rng(5)
    first, later = _corpus(rng, 300, (3, 20)), _corpus(rng, 200, (20, 60))  # the mean length moves
    write_term_counts(tmp_path / "a", first)
    counts = TermCounts.open(tmp_path / "a")
    np.testing.assert_allclose(counts.scores(counts.term_ids(query)), _bm25s_scores(first, query), rtol=1e-5, atol=1e-6)

    import shutil

    shutil.copytree(tmp_path / "a", tmp_path / "b")
    write_term_counts(tmp_path / "b", later + [["w299", "new-word"]], start=tmp_path / "a")
    extended = TermCounts.open(tmp_path / "b")
    everything = first + later + [["w299", "new-word"]]
    np.testing.assert_allclose(extended.scores(extended.term_ids(query)), _bm25s_scores(everything, query), rtol=1e-5, atol=1e-6)
    assert extended.term_ids(["new-word", "never-seen"]) == extended.term_ids(["new-word"]) and len(extended.term_ids(["new-word"])) == 1
    assert int(np.argmax(extended.scores(extended.term_ids(["new-word"])))) == len(everything) - 1
    # The first folder is untouched: an index that others may still have open does not change under them.
    np.testing.assert_allclose(TermCounts.open(tmp_path / "a").scores(counts.term_ids(query)), _bm25s_scores(first, query), rtol=1e-5, atol=1e-6)
