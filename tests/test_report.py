import json

from pipeline.report import render, render_html, write_atomically

DATA = {
    "schema_version": 1,
    "article": {"path": "a.txt", "sha256": "0", "title": "<b>Title</b>", "format": "txt", "text": "Intro <script>alert(1)</script> Heather Nuart said."},
    "models": {},
    "claims": [
        {"id": "c1", "text": "Heather Nuart said.", "start": 32, "end": 51, "checkworthiness": 0.9, "speaker": None, "verdict": "not_enough_evidence",
         "confidence": 0.8, "evidence": [{"id": "p1", "text": "<img src=x onerror=alert(1)>", "source": "s", "url": "", "date": "", "score": 0.1, "label": "neutral", "probabilities": {}}]}
    ],
    "flags": [
        {"id": "f1", "type": "name_misspelling", "claim_id": None, "start": 32, "end": 45, "text": "Heather Nuart", "message": "did you mean", "suggestion": "Heather Nauert", "confidence": 0.9, "evidence_ids": ["p1"]}
    ],
    "timings": {},
}


def test_offsets_in_fixture_are_right():
    text = DATA["article"]["text"]
    assert all(text[f["start"] : f["end"]] == f["text"] for f in DATA["flags"] + DATA["claims"])


def test_html_escapes_article_and_evidence_and_highlights_flags():
    page = render_html(DATA)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "<img src=x" not in page
    assert '<mark class="name_misspelling"' in page and ">Heather Nuart</mark>" in page
    assert "Heather Nauert" in page


def test_json_and_markdown_render_the_flags():
    assert json.loads(render(DATA, "json"))["flags"][0]["suggestion"] == "Heather Nauert"
    assert "**name_misspelling**" in render(DATA, "md")


def test_write_atomically_leaves_old_file_when_rendering_fails(tmp_path):
    target = tmp_path / "r.json"
    target.write_text("old", encoding="utf-8")

    try:
        write_atomically(target, object())  # not a str: the write fails part-way
    except TypeError:
        pass
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]


# Schema 2: changes, source sentences, needs_review and the summary.
from pipeline.report import SCHEMA_VERSION, render_markdown, report_to_dict  # noqa: E402
from pipeline.types import Article, Change, Claim, EvidenceJudgement, Flag, Passage, Report, Verdict  # noqa: E402

ARTICLE_TEXT = "Exports rose <b>sharply</b> in May. Nobody knows."
SOURCE = "Exports fell <script>x</script> in May."


def _report() -> Report:
    start = 0
    end = ARTICLE_TEXT.index(".") + 1
    changes = (
        Change("direction", "rose", "fell", 8, 12, 8, 12),
        Change("content", "<b>sharply</b>", "<script>x</script>", 13, 27, 13, 31),
    )
    claims = (
        Claim("c1", ARTICLE_TEXT[start:end], start, end, 0.9, "s1"),
        Claim("c2", "Nobody knows.", end + 1, len(ARTICLE_TEXT), 0.7, "s2"),
        Claim("c3", "unchecked", 0, 0, 0.1, "s3"),
    )
    verdicts = {
        "c1": Verdict("c1", "contradicted", 0.9, changes=changes, source_sentence=SOURCE, decided_by=("p1",)),
        "c2": Verdict("c2", "needs_review", 0.5),
    }
    flags = (
        Flag("contradicted", "c1", start, end, ARTICLE_TEXT[start:end], "the source says fell",
             suggestion=SOURCE, evidence_ids=("p1",), changes=changes, source_sentence=SOURCE),
        Flag("needs_review", "c2", end + 1, len(ARTICLE_TEXT), "Nobody knows.", "the checker could not decide"),
    )
    article = Article("a.txt", ARTICLE_TEXT, "T", "0")
    return Report(article, {}, claims, verdicts, flags)


def test_report_json_carries_changes_source_sentence_and_summary():
    data = json.loads(render(report_to_dict(_report()), "json"))
    assert data["schema_version"] == SCHEMA_VERSION == 2
    flag = data["flags"][0]
    assert flag["source_sentence"] == SOURCE
    assert flag["changes"][0] == {"article": "rose", "source": "fell", "kind": "direction",
                                  "article_start": 8, "article_end": 12, "source_start": 8, "source_end": 12}
    assert ARTICLE_TEXT[flag["changes"][1]["article_start"]:flag["changes"][1]["article_end"]] == "<b>sharply</b>"
    assert SOURCE[flag["changes"][1]["source_start"]:flag["changes"][1]["source_end"]] == "<script>x</script>"
    assert data["flags"][1]["changes"] == [] and data["flags"][1]["source_sentence"] is None
    claim = data["claims"][0]
    assert claim["decided_by"] == ["p1"] and claim["source_sentence"] == SOURCE and len(claim["changes"]) == 2
    assert data["claims"][2]["changes"] == [] and data["claims"][2]["decided_by"] == []
    assert data["summary"] == {"sentences": 3, "verified": 2, "supported": 0, "contradicted": 1,
                               "not_enough_evidence": 0, "needs_review": 1, "flags": 2,
                               "automatic_flags": 1, "needs_review_flags": 1}


def test_report_json_gives_each_passage_its_title_url_and_date():
    passage = Passage("p1", "Exports fell in May.", source="ONS", url="https://ons.gov.uk/x", title="Trade, May", date="2024-06-12")
    judgement = EvidenceJudgement(passage, 0.5, "entailment", {"entailment": 0.9, "neutral": 0.05, "contradiction": 0.05})
    claim = Claim("c1", "Exports fell in May.", 0, 20, 0.9, "s1")
    report = Report(Article("a.txt", claim.text, "T", "0"), {}, (claim,), {"c1": Verdict("c1", "supported", 0.9, (judgement,))}, ())
    (evidence,) = report_to_dict(report)["claims"][0]["evidence"]
    assert (evidence["title"], evidence["url"], evidence["date"], evidence["source"]) == ("Trade, May", "https://ons.gov.uk/x", "2024-06-12", "ONS")


def test_html_marks_changed_words_escaped_and_shows_summary():
    page = render_html(report_to_dict(_report()))
    assert '<mark class="change" title="direction">rose</mark>' in page
    assert '<mark class="change" title="direction">fell</mark>' in page
    assert "<script>x</script>" not in page and "<b>sharply</b>" not in page
    assert '<mark class="change" title="content">&lt;script&gt;x&lt;/script&gt;</mark>' in page
    assert '<mark class="change" title="content">&lt;b&gt;sharply&lt;/b&gt;</mark>' in page
    assert '<mark class="needs_review"' in page and "mark.needs_review" in page
    assert "2 of 3 sentences verified; 1 left to a human" in page


def test_markdown_lists_changes_and_summary():
    md = render_markdown(report_to_dict(_report()))
    assert "changed: “rose” → source “fell” (direction)" in md
    assert "2 sentences verified; 1 left to needs_review" in md


def test_schema_1_data_without_new_fields_still_renders():
    assert "Heather Nuart" in render_html(DATA) and "0 left to needs_review" in render_markdown(DATA)
