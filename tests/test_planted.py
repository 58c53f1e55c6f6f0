"""The planted-error case generator and the per-kind / control scoring of evaluation cases."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from pipeline.evaluation import planted
from pipeline.evaluation.cases import load_case, load_cases, score_case, summarise

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PREMISES = [
    "Marie Curie was a Polish and naturalised-French physicist who won the Nobel Prize in Physics in 1903 .",
    "Marie Curie was the first woman to win a Nobel Prize , and she won it again in 1911 .",
    "Marie Curie was born in Warsaw on 7 November 1867 .",
    "Marie Curie was not allowed to study at the University of Warsaw , which admitted only men .",
    "Marie Curie was married to Pierre Curie , with whom she shared 2 of her prizes .",
    "Marie Curie was awarded a second prize , which was larger than the first .",
]


def _levenshtein(a: str, b: str) -> int:
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


@pytest.fixture(scope="module")
def sources(tmp_path_factory) -> list[planted.Source]:
    data = tmp_path_factory.mktemp("data")
    (data / "nli").mkdir()
    rows = [{"premise": p, "hypothesis": "x", "label": "entailment"} for p in PREMISES]
    (data / "nli" / "fever_evidence.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return planted.load_sources(data, PROJECT_ROOT / "eval_cases")


@pytest.fixture(scope="module")
def generated(sources, tmp_path_factory) -> tuple[list[planted.GeneratedCase], Path]:
    cases = planted.generate_cases(sources, count=120, seed=5)
    out = tmp_path_factory.mktemp("planted")
    planted.write_cases(cases, out)
    return cases, out


def _original(case: planted.GeneratedCase) -> list[tuple[str | None, planted.Edit]]:
    """Each edit with the source sentence it was made from (None for invented sentences)."""
    passages = iter(case.source.passages)
    return [(None if e.kind == "invented" else next(passages).text, e) for e in case.edits]


def test_detokenise_fever_text():
    text = planted.detokenise("Soul Food -LRB- 1997 -RRB- is a film by Kenneth `` Babyface '' Edmonds , Tracey Edmonds .")
    assert text == 'Soul Food (1997) is a film by Kenneth "Babyface" Edmonds, Tracey Edmonds.'


def test_premises_grouped_by_subject(sources):
    fever = [s for s in sources if s.origin == "fever"]
    assert len(fever) == 1 and fever[0].subject == "Marie Curie"
    assert fever[0].passages[0].text.endswith("in 1903.")


def test_generation_is_deterministic(sources):
    first = planted.generate_cases(sources, count=30, seed=9)
    second = planted.generate_cases(sources, count=30, seed=9)
    assert [planted.case_files(c) for c in first] == [planted.case_files(c) for c in second]
    other = planted.generate_cases(sources, count=30, seed=10)
    assert [planted.case_files(c) for c in first] != [planted.case_files(c) for c in other]


def test_every_kind_is_produced_and_every_case_loads(generated):
    cases, out = generated
    kinds = {e.kind for c in cases for e in c.edits}
    assert set(planted.ERROR_KINDS) | {"control", "control_harmless"} <= kinds
    loaded = load_cases(out)
    assert len(loaded) == len(cases)
    errors = sum(1 for c in loaded for e in c.expectations if e.must_flag)
    controls = sum(1 for c in loaded for e in c.expectations if not e.must_flag)
    assert controls >= 2 * errors
    assert all(e.kind for c in loaded for e in c.expectations)


def test_planted_edits_change_the_text_as_stated(generated):
    cases, _ = generated
    for case in cases:
        for original, edit in _original(case):
            assert edit.span in edit.text
            if edit.kind == "invented":
                assert edit.text not in {p.text for p in case.source.passages}
                continue
            if edit.kind == "control":
                assert edit.text == original
                continue
            assert edit.text != original, (edit.kind, original)
            if edit.kind == "number":
                old_numbers = re.findall(r"\d+(?:[.,]\d+)?", original)
                assert re.findall(r"\d+(?:[.,]\d+)?", edit.text) != old_numbers
                assert edit.span not in re.findall(r"\d+(?:[.,]\d+)?", original) or original.count(edit.span) < edit.text.count(edit.span)
            elif edit.kind == "direction":
                pairs = {(a, b) for a, b in planted.DIRECTION_PAIRS} | {(b, a) for a, b in planted.DIRECTION_PAIRS}
                assert any(new.lower() == edit.span.lower() and re.search(rf"\b{old}\b", original, re.I) for old, new in pairs)
            elif edit.kind == "negation":
                assert ("not" in edit.text.split()) != ("not" in original.split()) or original.count("not") != edit.text.count("not")
            elif edit.kind == "name_spelling":
                assert edit.suggestion in case.source.people and edit.suggestion in original
                assert 1 <= _levenshtein(edit.span, edit.suggestion) <= 2
            elif edit.kind == "speaker":
                people = case.source.people
                assert any(edit.span == p or edit.span == p.split()[-1] for p in people)
                assert edit.span not in original
            elif edit.kind == "date":
                assert edit.span not in original or original.count(edit.span) < edit.text.count(edit.span)


def test_harmless_controls_are_harmless(generated):
    cases, _ = generated
    seen = 0
    for case in cases:
        for original, edit in _original(case):
            if edit.kind != "control_harmless":
                continue
            seen += 1
            assert edit.text != original
            # A harmless edit drops a trailing clause or keeps every number and the negation.
            if original.startswith(edit.text[:-1]):
                continue
            assert sorted(re.findall(r"\d+", edit.text)) == sorted(re.findall(r"\d+", original))
            assert (" not " in original) == (" not " in edit.text or "n't" in edit.text)
    assert seen >= 10


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The programme began on 6 June 2024.", {"The program began on 6 June 2024.", "The programme began on June 6, 2024."}),
        ("He did not attend.", {"He didn't attend."}),
        ("Prices rose, according to Eurostat.", {"Prices rose."}),
    ],
)
def test_harmless_edit_options(text, expected):
    results = {planted.harmless_edit(text, random.Random(seed)) for seed in range(20)}
    assert results == expected


def test_misspell_is_close_but_different():
    rng = random.Random(3)
    for _ in range(50):
        wrong = planted.misspell("Christine Lagarde", rng)
        assert wrong != "Christine Lagarde" and 1 <= _levenshtein(wrong, "Christine Lagarde") <= 2


def test_span_of_a_repeated_year_points_at_the_changed_one():
    old = "On 6 June 2024 the rate stood where it had been since September 2023."
    new = old.replace("2023", "2024")
    assert planted.locate_change(old, new, "2024") == new.rindex("2024")


ARTICLE = "Prices rose 5% in May. The bank cut rates. Officials said more. An invented sentence here."
EXPECTED = [
    {"text": "5%", "type": "contradicted", "must_flag": True, "kind": "number"},
    {"text": "The bank cut rates.", "type": None, "must_flag": False, "kind": "control"},
    {"text": "Officials said more.", "type": None, "must_flag": False, "kind": "control_harmless"},
    {"text": "An invented sentence here.", "type": "unsupported", "must_flag": True, "kind": "invented"},
]


def _flag(flag_type: str, needle: str) -> dict:
    start = ARTICLE.index(needle)
    return {"type": flag_type, "start": start, "end": start + len(needle), "text": needle}


def test_kind_and_control_scoring():
    report = {"flags": [_flag("contradicted", "Prices rose 5% in May."), _flag("contradicted", "Officials said more.")]}
    summary = summarise([score_case(EXPECTED, report, ARTICLE)])
    assert summary.recall_by_kind == {"invented": 0.0, "number": 1.0}
    assert summary.controls_total == {"control": 1, "control_harmless": 1}
    assert summary.control_flagged_share == {"control": 0.0, "control_harmless": 1.0}
    assert summary.auto_flag_precision == 0.5
    assert summary.needs_review_share == 0.0
    assert "control_harmless_flagged=1.000" in summary.summary_line()
    assert summary.to_dict()["recall_by_kind"]["number"] == 1.0


def test_needs_review_flag_neither_catches_nor_flags():
    report = {"flags": [_flag("needs_review", "An invented sentence here."), _flag("needs_review", "The bank cut rates.")]}
    score = score_case(EXPECTED, report, ARTICLE)
    summary = summarise([score])
    assert score.must_caught == {}
    assert score.must_not_flagged == 0
    assert summary.needs_review_share == 0.5
    assert summary.auto_flag_precision is None
    assert summary.control_flagged_share["control"] == 0.0


def test_kind_is_optional_and_checked(tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "article.txt").write_text("A fact.", encoding="utf-8")
    (folder / "evidence.jsonl").write_text('{"id": "p", "text": "A fact."}\n', encoding="utf-8")
    (folder / "expected.jsonl").write_text('{"text": "A fact.", "type": null, "must_flag": false, "kind": "control"}\n', encoding="utf-8")
    assert load_case(folder).expectations[0].kind == "control"
    (folder / "expected.jsonl").write_text('{"text": "A fact.", "type": null, "must_flag": false, "kind": 3}\n', encoding="utf-8")
    with pytest.raises(Exception, match="kind"):
        load_case(folder)
