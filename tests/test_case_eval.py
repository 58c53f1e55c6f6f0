"""The evaluation-case scorer, the case loader, and the validity of the shipped case set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.evaluation.cases import load_case, load_cases, score_case, summarise
from pipeline.errors import InputError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
EVAL_CASES = PROJECT_ROOT / "eval_cases"
CASE_SETS = [EVAL_CASES, PROJECT_ROOT / "eval_cases_blind", PROJECT_ROOT / "eval_cases_dev"]

ARTICLE = (
    "ECB President Christine Lagard said rates were cut to 3.75%. "
    "Inflation rose to 2.6% in May. "
    "We are not pre-committing,” she said."
)


def _span(text: str, needle: str, occurrence: int = 1) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


def _flag(flag_type: str, needle: str, suggestion: str | None = None, text: str = ARTICLE) -> dict:
    start, end = _span(text, needle)
    return {"type": flag_type, "start": start, "end": end, "text": needle, "suggestion": suggestion}


EXPECTED = [
    {"text": "Christine Lagard", "type": "name_misspelling", "must_flag": True, "suggestion": "Christine Lagarde"},
    {"text": "3.75%", "type": None, "must_flag": False},
    {"text": "2.6% in May", "type": None, "must_flag": False},
    {"text": "We are not pre-committing,”", "type": "malformed_quote", "must_flag": True},
]


def test_perfect_report_scores_full_recall_and_no_failures():
    report = {"flags": [_flag("name_misspelling", "Christine Lagard", "christine lagarde"), _flag("malformed_quote", "We are not pre-committing,”")]}
    score = score_case(EXPECTED, report, ARTICLE)
    assert score.must_total == {"name_misspelling": 1, "malformed_quote": 1}
    assert score.must_caught == {"name_misspelling": 1, "malformed_quote": 1}
    assert score.must_not_flagged == 0
    assert score.suggestions_correct == 1 == score.suggestions_total  # case-insensitive match
    assert score.passed


def test_missed_span_lowers_recall_and_is_listed():
    report = {"flags": [_flag("name_misspelling", "Christine Lagard", "Christine Lagarde")]}
    score = score_case(EXPECTED, report, ARTICLE, name="ecb")
    summary = summarise([score])
    assert summary.recall_by_type == {"malformed_quote": 0.0, "name_misspelling": 1.0}
    assert summary.recall_min == 0.0
    assert summary.recall_overall == 0.5
    assert any("missed malformed_quote" in f for f in score.failures)
    assert not score.passed


def test_flag_of_wrong_type_does_not_catch_span():
    report = {"flags": [_flag("misattribution", "Christine Lagard")]}
    score = score_case(EXPECTED[:1], report, ARTICLE)
    assert score.must_caught == {}
    assert "flagged only as misattribution" in score.failures[0]


def test_flagged_must_not_span_counts():
    sentence = "Inflation rose to 2.6% in May."
    report = {"flags": [_flag("contradicted", sentence)]}
    score = score_case(EXPECTED, report, ARTICLE)
    assert score.must_not_total == 2
    assert score.must_not_flagged == 1
    summary = summarise([score])
    assert summary.must_not_flagged_share == 0.5
    assert any("2.6% in May" in f and "contradicted" in f for f in score.failures)


def test_typed_must_not_span_ignores_other_flag_types():
    expected = [{"text": "We are not pre-committing,”", "type": "malformed_quote", "must_flag": False}]
    other = score_case(expected, {"flags": [_flag("unsupported", "We are not pre-committing")]}, ARTICLE)
    same = score_case(expected, {"flags": [_flag("malformed_quote", "We are not pre-committing")]}, ARTICLE)
    assert other.must_not_flagged == 0
    assert same.must_not_flagged == 1


def test_wrong_suggestion_is_counted():
    report = {"flags": [_flag("name_misspelling", "Christine Lagard", "Christine Legarde")]}
    score = score_case(EXPECTED[:1], report, ARTICLE)
    assert score.must_caught == {"name_misspelling": 1}
    assert (score.suggestions_total, score.suggestions_correct) == (1, 0)
    assert summarise([score]).name_suggestion_acc == 0.0
    assert "wrong suggestion" in score.failures[0]


def test_any_suggestion_in_a_list_is_accepted():
    expected = [{"text": "Lagard", "type": "name_misspelling", "must_flag": True, "suggestion": ["Lagarde", "Christine Lagarde"]}]
    report = {"flags": [_flag("name_misspelling", "Christine Lagard", "Christine Lagarde")]}
    assert score_case(expected, report, ARTICLE).suggestions_correct == 1


@pytest.mark.parametrize(
    ("flag_text", "caught"),
    [
        ("Lagard said", True),  # partial overlap on the right
        ("ECB President Christine", True),  # partial overlap on the left
        ("ECB President Christine Lagard said rates", True),  # covers the whole span
        ("ECB President ", False),  # touches the span's start but does not overlap it
        (" said rates", False),  # starts right where the span ends
    ],
)
def test_overlap_rule(flag_text, caught):
    report = {"flags": [_flag("name_misspelling", flag_text, "Christine Lagarde")]}
    score = score_case(EXPECTED[:1], report, ARTICLE)
    assert (score.must_caught.get("name_misspelling", 0) == 1) is caught


def test_occurrence_picks_the_later_span():
    text = "Lagard spoke. Later Lagard said more."
    expected = [{"text": "Lagard", "type": "name_misspelling", "must_flag": True, "occurrence": 2}]
    first_only = {"flags": [{"type": "name_misspelling", "start": 0, "end": 6, "suggestion": None}]}
    second = _span(text, "Lagard", 2)
    second_flag = {"flags": [{"type": "name_misspelling", "start": second[0], "end": second[1], "suggestion": None}]}
    assert score_case(expected, first_only, text).must_caught == {}
    assert score_case(expected, second_flag, text).must_caught == {"name_misspelling": 1}


def test_timing_summary_mean_and_p95():
    from dataclasses import replace

    base = score_case(EXPECTED[1:2], {"flags": []}, ARTICLE)
    scores = [replace(base, seconds=float(s)) for s in range(1, 21)]  # 1..20 s
    summary = summarise(scores)
    assert summary.sec_per_case_mean == pytest.approx(10.5)
    assert summary.sec_per_case_p95 == 19.0
    assert summary.summary_line().startswith("recall_min=n/a must_not_flagged=0.000")


def _write_case(folder: Path, article: str, expected: list[dict]) -> Path:
    folder.mkdir(parents=True)
    (folder / "article.txt").write_text(article, encoding="utf-8")
    (folder / "evidence.jsonl").write_text(json.dumps({"id": "p1", "text": "A fact."}) + "\n", encoding="utf-8")
    (folder / "expected.jsonl").write_text("".join(json.dumps(r) + "\n" for r in expected), encoding="utf-8")
    return folder


def test_loader_rejects_text_missing_from_article(tmp_path):
    rows = [
        {"text": "Christine Lagard", "type": "name_misspelling", "must_flag": True},
        {"text": "Christine Lagarde", "type": None, "must_flag": False},
    ]
    case = _write_case(tmp_path / "001-bad", ARTICLE, rows)
    with pytest.raises(InputError, match=r"001-bad: expected.jsonl line 2: text 'Christine Lagarde' not found"):
        load_case(case)
    with pytest.raises(InputError, match="001-bad"):
        load_cases(tmp_path)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"text": "3.75%", "type": "typo_type", "must_flag": True}, "type must be one of"),
        ({"text": "3.75%", "type": None, "must_flag": True}, "needs a 'type'"),
        ({"text": "3.75%", "type": None, "must_flag": "yes"}, "must_flag"),
        ({"text": "3.75%", "type": None, "must_flag": False, "occurrence": 2}, "occurs 1 time"),
    ],
)
def test_loader_rejects_malformed_rows(tmp_path, row, message):
    case = _write_case(tmp_path / "002-rows", ARTICLE, [row])
    with pytest.raises(InputError, match=message):
        load_case(case)


def test_loader_accepts_a_single_case_folder_and_locates_spans(tmp_path):
    case = _write_case(tmp_path / "003-ok", ARTICLE, EXPECTED)
    loaded = load_cases(case)
    assert [c.name for c in loaded] == ["003-ok"]
    exp = loaded[0].expectations[0]
    assert ARTICLE[exp.start : exp.end] == "Christine Lagard"


@pytest.mark.parametrize("case_set, min_clean", [(CASE_SETS[0], 8), (CASE_SETS[1], 7), (CASE_SETS[2], 4)],
                         ids=["eval_cases", "eval_cases_blind", "eval_cases_dev"])
def test_every_shipped_case_is_valid(case_set, min_clean):
    from pipeline.evidence import load_evidence

    cases = load_cases(case_set)
    assert len(cases) >= 30
    types_with_must = set()
    clean = 0
    for case in cases:
        words = len(case.article_text.split())
        assert 80 <= words <= 300, f"{case.name}: {words} words"
        for exp in case.expectations:
            assert case.article_text[exp.start : exp.end] == exp.text
            if exp.type == "name_misspelling" and exp.must_flag:
                assert exp.suggestions, f"{case.name}: a misspelled name needs its suggestion"
        must = {e.type for e in case.expectations if e.must_flag}
        types_with_must |= must
        clean += not must
        assert load_evidence([case.evidence_path]), case.name
    assert types_with_must == {"name_misspelling", "misattribution", "contradicted", "unsupported", "malformed_quote"}
    assert clean >= min_clean


def test_cli_rejects_an_invalid_case_in_one_line_before_loading_models(tmp_path):
    from typer.testing import CliRunner

    from cli.main import app

    _write_case(tmp_path / "001-bad", ARTICLE, [{"text": "Jerome Paul", "type": None, "must_flag": False}])
    result = CliRunner().invoke(app, ["eval", "cases", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == ["error: case 001-bad: expected.jsonl line 1: text 'Jerome Paul' not found in article.txt"]


@pytest.mark.parametrize("case_set", CASE_SETS, ids=lambda p: p.name)
def test_untyped_must_not_spans_sit_in_sentences_without_an_error(case_set):
    """A checker that flags a whole erroneous sentence must not also lose a must-not point."""
    import re

    for case in load_cases(case_set):
        text = case.article_text
        ends = [m.end() for m in re.finditer(r"[.!?][”\"’]?(?=\s)", text)] + [len(text)]

        def sentence(pos: int) -> int:
            return next(i for i, end in enumerate(ends) if pos < end)

        error_sentences = {sentence(p) for e in case.expectations if e.must_flag for p in (e.start, e.end - 1)}
        for exp in case.expectations:
            if not exp.must_flag and exp.type is None:
                assert sentence(exp.start) not in error_sentences, f"{case.name}: {exp.text!r} shares a sentence with an error"


class _FakeChecker:
    """Stands in for a warmed ArticleChecker: flags every 'Lagard' as a misspelling."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def check(self, article_path, evidence_paths=None, roster_path=None):
        from pipeline.ingest import read_article
        from pipeline.types import Flag, Report

        self.calls.append((Path(article_path).parent.name, [Path(p).name for p in evidence_paths], roster_path))
        article = read_article(article_path)
        start = article.text.find("Christine Lagard")
        flags = (Flag("name_misspelling", None, start, start + 16, "Christine Lagard", "misspelt", "Christine Lagarde"),) if start >= 0 else ()
        return Report(article, {}, (), {}, flags)


def test_run_cases_checks_each_case_with_its_own_evidence_and_keeps_reports(tmp_path):
    from pipeline.evaluation.cases import run_cases

    _write_case(tmp_path / "cases" / "001-caught", ARTICLE, EXPECTED[:3])
    _write_case(tmp_path / "cases" / "002-missed", ARTICLE.replace("Christine Lagard", "Chris Lagard"), [{"text": "Chris Lagard", "type": "name_misspelling", "must_flag": True}])
    checker = _FakeChecker()
    scores = run_cases(load_cases(tmp_path / "cases"), checker, report_dir=tmp_path / "reports")
    assert [c[:2] for c in checker.calls] == [("001-caught", ["evidence.jsonl"]), ("002-missed", ["evidence.jsonl"])]
    assert [s.passed for s in scores] == [True, False]
    assert all(s.seconds > 0 for s in scores)
    saved = json.loads((tmp_path / "reports" / "001-caught.json").read_text(encoding="utf-8"))
    assert saved["flags"][0]["suggestion"] == "Christine Lagarde"
    summary = summarise(scores)
    assert summary.recall_by_type == {"name_misspelling": 0.5}
    assert summary.cases_passed == 1
