"""The sentence limit (refused with one line before any model runs, in every path that checks) and the
verify stage's per-sentence progress."""

import pytest
from typer.testing import CliRunner

from cli.main import app
from pipeline.checker import ArticleChecker
from pipeline.config import load_config
from pipeline.errors import InputError
from pipeline.ingest import read_article
from pipeline.limits import count_sentences_up_to, refuse_too_many_sentences
from pipeline.segment import segment
from pipeline.types import Claim, Passage, RetrievedPassage
from pipeline.verify import PROGRESS_BATCHES, NliVerifier
from tests.conftest import BUNDLED_ARTICLE

BUNDLED_SENTENCES = len(segment(read_article(BUNDLED_ARTICLE)).sentences)


def test_the_count_is_the_pipelines_own():
    assert BUNDLED_SENTENCES > 20
    assert count_sentences_up_to(BUNDLED_ARTICLE.read_text(encoding="utf-8"), 10_000) == (BUNDLED_SENTENCES, True)


def test_a_huge_article_is_refused_after_splitting_only_a_part_of_it():
    text = "\n".join(f"Sentence number {i} says nothing at all. It has a second sentence too." for i in range(5000))
    count, whole = count_sentences_up_to(text, 100)
    assert not whole and 100 < count < 1000


def test_the_limit_is_inclusive(tmp_path):
    article = read_article(BUNDLED_ARTICLE)
    refuse_too_many_sentences(article, BUNDLED_SENTENCES)
    refuse_too_many_sentences(article, None)
    with pytest.raises(InputError, match=f"has {BUNDLED_SENTENCES} sentences; the limit is {BUNDLED_SENTENCES - 1} "):
        refuse_too_many_sentences(article, BUNDLED_SENTENCES - 1)


def test_cli_refuses_above_max_sentences_with_one_line_and_no_report(tmp_path):
    result = CliRunner().invoke(app, ["check", str(BUNDLED_ARTICLE), "--max-sentences", "10", "-o", str(tmp_path / "r.json")])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"error: article {BUNDLED_ARTICLE} has {BUNDLED_SENTENCES} sentences; the limit is 10 "
        "(--max-sentences or limits.max_sentences; split the article or raise the limit)"
    ]
    assert not (tmp_path / "r.json").exists()


def test_cli_refuses_a_bad_max_sentences_and_reads_the_limit_from_the_config(tmp_path):
    result = CliRunner().invoke(app, ["check", str(BUNDLED_ARTICLE), "--max-sentences", "0"])
    assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1
    assert "limits.max_sentences must be a positive integer" in result.output
    config = tmp_path / "c.yaml"
    config.write_text("limits:\n  max_sentences: 5\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(BUNDLED_ARTICLE), "--config", str(config)])
    assert result.exit_code == 2 and "the limit is 5 " in result.output


def test_the_default_limit_admits_the_bundled_article():
    limit = load_config()["limits"]["max_sentences"]
    assert limit is not None and limit > BUNDLED_SENTENCES * 20


def test_the_checkers_ingest_stage_refuses_too(tmp_path):
    """The inbox (ArticleChecker.check) and the review app's worker go through the same stage."""
    checker = ArticleChecker(load_config(None, {"limits": {"max_sentences": 3}}))
    with pytest.raises(InputError, match="the limit is 3 "):
        checker.ingest(BUNDLED_ARTICLE)


def _claim(i: int) -> Claim:
    text = f"The summit took place on day {i} of the talks."
    return Claim(id=f"c{i}", text=text, start=0, end=len(text), checkworthiness=0.9, sentence_id=f"s{i}")


def test_verify_reports_sentences_done_out_of_all(tiny_nli_model):
    verifier = NliVerifier(tiny_nli_model, batch_size=1, quantize=False)
    claims = [_claim(i) for i in range(10)]
    passages = {c.id: [RetrievedPassage(Passage(f"p{c.id}", "The summit was held in Panmunjom."), 0.5)] for c in claims}
    passages["c4"] = []  # a claim without passages still counts as done
    seen = []
    verdicts = verifier.run(claims, passages, on_progress=lambda done, total: seen.append((done, total)))
    assert len(verdicts) == 10
    assert seen[0] == (0, 10) and seen[-1] == (10, 10)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen) and len(seen) >= 10 // PROGRESS_BATCHES
    assert {total for _, total in seen} == {10}
    # the same verdicts as without a callback
    assert {k: (v.label, v.confidence) for k, v in verifier.run(claims, passages).items()} == {k: (v.label, v.confidence) for k, v in verdicts.items()}


def test_the_review_apps_new_check_fails_with_the_same_line(tmp_path, tiny_config):
    import time

    from sqlalchemy.orm import Session

    from review import store
    from review.worker import CheckWorker

    url = f"sqlite:///{tmp_path / 'review.sqlite'}"
    user = store.add_user("alice", "correct horse battery staple", database_url=url)
    with Session(store.get_engine(url)) as db, db.begin():
        job = store.CheckJob(user_id=user, title="Long", filename="long.txt", source_text=BUNDLED_ARTICLE.read_text(encoding="utf-8"), evidence_set="default")
        db.add(job)
        db.flush()
        job_id = job.id
    # ArticleChecker itself, not warmed: the refusal must come before any model is needed.
    worker = CheckWorker(url, load_config(tiny_config, {"limits": {"max_sentences": 3}}), checker=ArticleChecker)
    worker.start()
    try:
        worker.submit(job_id)
        deadline = time.monotonic() + 60
        while (job := _job(store, url, job_id)).status in ("queued", "running"):
            assert time.monotonic() < deadline
            time.sleep(0.2)
    finally:
        worker.stop()
        store.dispose_engines()
    assert job.status == "failed"
    assert f"has {BUNDLED_SENTENCES} sentences; the limit is 3 (--max-sentences" in job.error


def _job(store, url, job_id):
    from sqlalchemy.orm import Session

    with Session(store.get_engine(url)) as db:
        job = db.get(store.CheckJob, job_id)
        db.expunge(job)
        return job
