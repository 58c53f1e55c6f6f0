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
