"""Whole-pipeline evaluation on hand-written cases: articles with known errors and the spans to flag.

A case is a folder holding ``article.txt``, ``evidence.jsonl``, ``expected.jsonl`` and an
optional ``roster.csv`` (format in ``eval_cases/README.md``). Loading validates every
expectation against the article; `score_case` compares one report with one case and is
pure (no models), so the scoring rules are unit-tested on hand-made reports; `run_cases`
runs one warmed `ArticleChecker` over many cases and `summarise` aggregates the scores.
"""

from __future__ import annotations

import json
import math
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

from pipeline.errors import InputError
from pipeline.types import FLAG_TYPES

CASE_FILES = ("article.txt", "evidence.jsonl", "expected.jsonl")
_EXPECTED_KEYS = frozenset({"text", "type", "must_flag", "suggestion", "occurrence", "note", "kind"})
#: Flag types that are not automatic flags: left to an editor, they neither catch nor count against.
REVIEW_TYPES = frozenset({"needs_review"})
CONTROL_KINDS = ("control", "control_harmless")


@dataclass(frozen=True)
class Expectation:
    """One span of a case's article that must, or must not, be flagged.

    ``start``/``end`` are character offsets into the article text; ``suggestions`` holds
    the acceptable corrections of a misspelled name (empty when none is expected).
    """

    text: str
    type: str | None
    must_flag: bool
    start: int
    end: int
    suggestions: tuple[str, ...] = ()
    occurrence: int = 1
    line: int = 0
    kind: str | None = None


@dataclass(frozen=True)
class EvalCase:
    name: str
    path: Path
    article_text: str
    expectations: tuple[Expectation, ...]

    @property
    def article_path(self) -> Path:
        return self.path / "article.txt"

    @property
    def evidence_path(self) -> Path:
        return self.path / "evidence.jsonl"

    @property
    def roster_path(self) -> Path | None:
        roster = self.path / "roster.csv"
        return roster if roster.is_file() else None


@dataclass(frozen=True)
class CaseScore:
    """How one report fared against one case.

    ``must_total``/``must_caught`` count must-flag spans per flag type; ``must_not_flagged``
    counts must-not spans that some (relevant) flag overlapped; suggestions are counted only
    for caught spans that carry an expected suggestion.
    """

    name: str
    must_total: dict[str, int]
    must_caught: dict[str, int]
    must_not_total: int
    must_not_flagged: int
    suggestions_total: int
    suggestions_correct: int
    failures: tuple[str, ...]
    flag_count: int = 0
    seconds: float = 0.0
    must_by_kind: dict[str, int] = field(default_factory=dict)
    caught_by_kind: dict[str, int] = field(default_factory=dict)
    controls_total: dict[str, int] = field(default_factory=dict)
    controls_flagged: dict[str, int] = field(default_factory=dict)
    must_left_to_review: int = 0
    auto_flags_on_spans: int = 0
    auto_flags_right: int = 0

    @property
    def passed(self) -> bool:
        return not self.failures


@dataclass(frozen=True)
class EvalSummary:
    """Scores over all cases. Ratios are ``None`` when there was nothing to measure."""

    cases: int
    recall_by_type: dict[str, float]
    must_by_type: dict[str, int]
    recall_overall: float | None
    recall_min: float | None
    must_not_total: int
    must_not_flagged: int
    must_not_flagged_share: float | None
    name_suggestion_total: int
    name_suggestion_acc: float | None
    sec_per_case_mean: float
    sec_per_case_p95: float
    cases_passed: int
    case_scores: tuple[CaseScore, ...] = field(default_factory=tuple)
    recall_by_kind: dict[str, float] = field(default_factory=dict)
    must_by_kind: dict[str, int] = field(default_factory=dict)
    controls_total: dict[str, int] = field(default_factory=dict)
    control_flagged_share: dict[str, float] = field(default_factory=dict)
    needs_review_share: float | None = None
    auto_flag_precision: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "cases": self.cases,
            "cases_passed": self.cases_passed,
            "recall_by_type": self.recall_by_type,
            "must_by_type": self.must_by_type,
            "recall_overall": self.recall_overall,
            "recall_min": self.recall_min,
            "must_not_total": self.must_not_total,
            "must_not_flagged": self.must_not_flagged,
            "must_not_flagged_share": self.must_not_flagged_share,
            "name_suggestion_total": self.name_suggestion_total,
            "name_suggestion_acc": self.name_suggestion_acc,
            "sec_per_case_mean": self.sec_per_case_mean,
            "sec_per_case_p95": self.sec_per_case_p95,
            "recall_by_kind": self.recall_by_kind,
            "must_by_kind": self.must_by_kind,
            "controls_total": self.controls_total,
            "control_flagged_share": self.control_flagged_share,
            "needs_review_share": self.needs_review_share,
            "auto_flag_precision": self.auto_flag_precision,
            "per_case": [
                {
                    "name": s.name,
                    "passed": s.passed,
                    "seconds": round(s.seconds, 4),
                    "flags": s.flag_count,
                    "must_total": s.must_total,
                    "must_caught": s.must_caught,
                    "must_not_total": s.must_not_total,
                    "must_not_flagged": s.must_not_flagged,
                    "must_by_kind": s.must_by_kind,
                    "caught_by_kind": s.caught_by_kind,
                    "controls_flagged": s.controls_flagged,
                    "failures": list(s.failures),
                }
                for s in self.case_scores
            ],
        }

    def summary_line(self) -> str:
        def fmt(value: float | None) -> str:
            return "n/a" if value is None else f"{value:.3f}"

        return (
            f"recall_min={fmt(self.recall_min)} must_not_flagged={fmt(self.must_not_flagged_share)} "
            f"name_suggestion_acc={fmt(self.name_suggestion_acc)} sec_per_case={self.sec_per_case_mean:.2f} "
            f"needs_review_share={fmt(self.needs_review_share)} auto_flag_precision={fmt(self.auto_flag_precision)}"
            + "".join(f" {kind}_flagged={fmt(share)}" for kind, share in self.control_flagged_share.items())
            + (f" recall_min_kind={fmt(min(self.recall_by_kind.values()))}" if self.recall_by_kind else "")
        )


# -- loading ------------------------------------------------------------------------------------


def _nth_occurrence(text: str, needle: str, occurrence: int) -> int:
    start = -1
    for _ in range(occurrence):
        start = text.find(needle, start + 1)
        if start < 0:
            return -1
    return start


def parse_expectation(row: Mapping[str, Any], article_text: str, *, where: str = "expected row", line: int = 0) -> Expectation:
    """Validate one ``expected.jsonl`` row and locate its span in ``article_text``.

    Raises:
        InputError: a missing or wrong-typed field, an unknown flag type, or a text that does
            not occur (that many times) in the article. The message names ``where``.
    """
    if not isinstance(row, Mapping):
        raise InputError(f"{where}: must be a JSON object, got {type(row).__name__}")
    unknown = set(row) - _EXPECTED_KEYS
    if unknown:
        raise InputError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    text = row.get("text")
    if not isinstance(text, str) or not text:
        raise InputError(f"{where}: 'text' must be a non-empty string, got {text!r}")
    flag_type = row.get("type")
    if flag_type is not None and flag_type not in FLAG_TYPES:
        raise InputError(f"{where}: type must be one of {', '.join(FLAG_TYPES)} or null, got {flag_type!r}")
    must_flag = row.get("must_flag")
    if not isinstance(must_flag, bool):
        raise InputError(f"{where}: 'must_flag' must be true or false, got {must_flag!r}")
    if must_flag and flag_type is None:
        raise InputError(f"{where}: a must_flag span needs a 'type'")
    occurrence = row.get("occurrence", 1)
    if not isinstance(occurrence, int) or isinstance(occurrence, bool) or occurrence < 1:
        raise InputError(f"{where}: 'occurrence' must be an integer >= 1, got {occurrence!r}")
    suggestion = row.get("suggestion")
    if suggestion is None:
        suggestions: tuple[str, ...] = ()
    elif isinstance(suggestion, str) and suggestion.strip():
        suggestions = (suggestion,)
    elif isinstance(suggestion, list) and suggestion and all(isinstance(s, str) and s.strip() for s in suggestion):
        suggestions = tuple(suggestion)
    else:
        raise InputError(f"{where}: 'suggestion' must be a string or a list of strings, got {suggestion!r}")
    kind = row.get("kind")
    if kind is not None and (not isinstance(kind, str) or not kind.strip()):
        raise InputError(f"{where}: 'kind' must be a non-empty string, got {kind!r}")
    start = _nth_occurrence(article_text, text, occurrence)
    if start < 0:
        found = article_text.count(text)
        if found == 0:
            raise InputError(f"{where}: text {text!r} not found in article.txt")
        raise InputError(f"{where}: text {text!r} occurs {found} time(s) in article.txt, occurrence {occurrence} asked")
    return Expectation(
        text=text,
        type=flag_type,
        must_flag=must_flag,
        start=start,
        end=start + len(text),
        suggestions=suggestions,
        occurrence=occurrence,
        line=line,
        kind=kind,
    )


def load_case(path: str | Path) -> EvalCase:
    """Load and validate one case folder.

    Raises:
        InputError: a missing file, an unreadable article, a malformed or unlocatable expectation.
    """
    from pipeline.ingest import read_article

    path = Path(path)
    if not path.is_dir():
        raise InputError(f"case {path} is not a folder")
    for name in CASE_FILES:
        if not (path / name).is_file():
            raise InputError(f"case {path.name}: missing {name}")
    # Read the article exactly as the checker will, so expected offsets match flag offsets.
    article_text = read_article(path / "article.txt").text
    expectations = []
    expected_file = path / "expected.jsonl"
    for number, raw in enumerate(expected_file.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip():
            continue
        where = f"case {path.name}: expected.jsonl line {number}"
        try:
            row = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise InputError(f"{where}: not valid JSON ({exc.msg})") from None
        expectations.append(parse_expectation(row, article_text, where=where, line=number))
    if not expectations:
        raise InputError(f"case {path.name}: expected.jsonl has no expectations")
    return EvalCase(path.name, path, article_text, tuple(expectations))


def load_cases(root: str | Path) -> list[EvalCase]:
    """Load every case folder under ``root`` (sorted by name), or ``root`` itself if it is a case.

    Raises:
        InputError: ``root`` is missing or holds no case, or any case is invalid.
    """
    root = Path(root)
    if not root.is_dir():
        raise InputError(f"case folder {root} does not exist")
    if (root / "expected.jsonl").is_file():
        return [load_case(root)]
    folders = sorted(p for p in root.iterdir() if p.is_dir() and (p / "expected.jsonl").is_file())
    if not folders:
        raise InputError(f"no cases under {root} (a case is a folder with {', '.join(CASE_FILES)})")
    return [load_case(p) for p in folders]


# -- scoring ------------------------------------------------------------------------------------


def _norm(name: str) -> str:
    text = unicodedata.normalize("NFC", name).replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(text.split()).casefold()


def _overlaps(flag: Mapping[str, Any], start: int, end: int) -> bool:
    try:
        f_start, f_end = int(flag["start"]), int(flag["end"])
    except (KeyError, TypeError, ValueError):
        return False
    return f_start < end and start < f_end


def score_case(expected_rows: Sequence[Expectation | Mapping[str, Any]], report_dict: Mapping[str, Any], article_text: str, *, name: str = "case") -> CaseScore:
    """Score one report against a case's expectations. Pure: no models, no files.

    A must-flag span is caught when a flag of its type overlaps it (any overlap). A must-not
    span counts as flagged when any automatic flag (or, if the span has a type, a flag of
    that type) overlaps it. A ``needs_review`` flag is not automatic: it neither catches a
    span nor flags a must-not one; a must-flag span it alone overlaps is counted as left to
    review. Spans with a ``kind`` are also counted per kind (controls: ``control*`` kinds).
    Of the automatic flags that overlap any expectation span, those that overlap a must-flag
    span of their own type are counted as right (the precision figure). For a caught span with expected suggestions, the suggestion is correct when
    an overlapping flag of the type suggests one of them (case-insensitive).

    Args:
        expected_rows: `Expectation`s, or raw ``expected.jsonl`` rows (located in ``article_text``).
        report_dict: a report as `pipeline.report.report_to_dict` returns it (only ``flags`` is read).
        article_text: the article the offsets index.
        name: the case name used in failure messages.
    """
    expectations = [
        row if isinstance(row, Expectation) else parse_expectation(row, article_text, where=f"{name}: expected row {i}", line=i)
        for i, row in enumerate(expected_rows, 1)
    ]
    all_flags = list(report_dict.get("flags") or [])
    flags = [f for f in all_flags if f.get("type") not in REVIEW_TYPES]
    review_flags = [f for f in all_flags if f.get("type") in REVIEW_TYPES]
    must_by_kind: dict[str, int] = {}
    caught_by_kind: dict[str, int] = {}
    controls_total: dict[str, int] = {}
    controls_flagged: dict[str, int] = {}
    left_to_review = 0
    must_total: dict[str, int] = {}
    must_caught: dict[str, int] = {}
    must_not_total = must_not_flagged = 0
    suggestions_total = suggestions_correct = 0
    failures: list[str] = []
    for exp in expectations:
        hits = [f for f in flags if _overlaps(f, exp.start, exp.end) and (exp.type is None or f.get("type") == exp.type)]
        if exp.must_flag:
            must_total[exp.type] = must_total.get(exp.type, 0) + 1
            if exp.kind:
                must_by_kind[exp.kind] = must_by_kind.get(exp.kind, 0) + 1
            if not hits:
                if any(_overlaps(f, exp.start, exp.end) for f in review_flags):
                    left_to_review += 1
                others = sorted({f.get("type") for f in flags if _overlaps(f, exp.start, exp.end)})
                seen = f" (flagged only as {', '.join(map(str, others))})" if others else ""
                failures.append(f"missed {exp.type}: {exp.text!r}{seen}")
                continue
            must_caught[exp.type] = must_caught.get(exp.type, 0) + 1
            if exp.kind:
                caught_by_kind[exp.kind] = caught_by_kind.get(exp.kind, 0) + 1
            if exp.suggestions:
                suggestions_total += 1
                wanted = {_norm(s) for s in exp.suggestions}
                offered = [f.get("suggestion") for f in hits if f.get("suggestion")]
                if any(_norm(str(s)) in wanted for s in offered):
                    suggestions_correct += 1
                else:
                    failures.append(f"wrong suggestion for {exp.text!r}: got {offered or None}, expected {exp.suggestions[0]!r}")
        else:
            must_not_total += 1
            if exp.kind:
                controls_total[exp.kind] = controls_total.get(exp.kind, 0) + 1
                if hits:
                    controls_flagged[exp.kind] = controls_flagged.get(exp.kind, 0) + 1
            if hits:
                must_not_flagged += 1
                kinds = ", ".join(sorted({str(f.get("type")) for f in hits}))
                failures.append(f"flagged must-not span {exp.text!r} as {kinds}")
    return CaseScore(
        name=name,
        must_total=must_total,
        must_caught=must_caught,
        must_not_total=must_not_total,
        must_not_flagged=must_not_flagged,
        suggestions_total=suggestions_total,
        suggestions_correct=suggestions_correct,
        failures=tuple(failures),
        flag_count=len(all_flags),
        must_by_kind=must_by_kind,
        caught_by_kind=caught_by_kind,
        controls_total=controls_total,
        controls_flagged=controls_flagged,
        must_left_to_review=left_to_review,
        auto_flags_on_spans=sum(1 for f in flags if any(_overlaps(f, e.start, e.end) for e in expectations)),
        auto_flags_right=sum(
            1 for f in flags if any(e.must_flag and f.get("type") == e.type and _overlaps(f, e.start, e.end) for e in expectations)
        ),
    )


def _percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100.0 * len(ordered)))
    return ordered[rank - 1]


def summarise(scores: Sequence[CaseScore]) -> EvalSummary:
    """Aggregate per-case scores: recall per flag type, must-not share, suggestion accuracy, timing."""
    must_by_type: dict[str, int] = {}
    caught_by_type: dict[str, int] = {}
    for s in scores:
        for t, n in s.must_total.items():
            must_by_type[t] = must_by_type.get(t, 0) + n
        for t, n in s.must_caught.items():
            caught_by_type[t] = caught_by_type.get(t, 0) + n
    recall = {t: caught_by_type.get(t, 0) / n for t, n in sorted(must_by_type.items()) if n}
    total_must = sum(must_by_type.values())
    must_not_total = sum(s.must_not_total for s in scores)
    must_not_flagged = sum(s.must_not_flagged for s in scores)
    sugg_total = sum(s.suggestions_total for s in scores)
    sugg_ok = sum(s.suggestions_correct for s in scores)
    seconds = [s.seconds for s in scores]
    by_kind, caught_kind = _add_counts(s.must_by_kind for s in scores), _add_counts(s.caught_by_kind for s in scores)
    controls, controls_hit = _add_counts(s.controls_total for s in scores), _add_counts(s.controls_flagged for s in scores)
    on_spans = sum(s.auto_flags_on_spans for s in scores)
    return EvalSummary(
        cases=len(scores),
        recall_by_type=recall,
        must_by_type=dict(sorted(must_by_type.items())),
        recall_overall=(sum(caught_by_type.values()) / total_must) if total_must else None,
        recall_min=min(recall.values()) if recall else None,
        must_not_total=must_not_total,
        must_not_flagged=must_not_flagged,
        must_not_flagged_share=(must_not_flagged / must_not_total) if must_not_total else None,
        name_suggestion_total=sugg_total,
        name_suggestion_acc=(sugg_ok / sugg_total) if sugg_total else None,
        sec_per_case_mean=(sum(seconds) / len(seconds)) if seconds else 0.0,
        sec_per_case_p95=_percentile(seconds, 95),
        cases_passed=sum(1 for s in scores if s.passed),
        case_scores=tuple(scores),
        recall_by_kind={k: caught_kind.get(k, 0) / n for k, n in by_kind.items()},
        must_by_kind=by_kind,
        controls_total=controls,
        control_flagged_share={k: controls_hit.get(k, 0) / n for k, n in controls.items()},
        needs_review_share=(sum(s.must_left_to_review for s in scores) / total_must) if total_must else None,
        auto_flag_precision=(sum(s.auto_flags_right for s in scores) / on_spans) if on_spans else None,
    )


def _add_counts(counts: Iterable[Mapping[str, int]]) -> dict[str, int]:
    """Sum per-key counts, keys sorted."""
    total: dict[str, int] = {}
    for mapping in counts:
        for key, n in mapping.items():
            total[key] = total.get(key, 0) + n
    return dict(sorted(total.items()))


# -- running ------------------------------------------------------------------------------------


def run_cases(
    cases: Sequence[EvalCase],
    checker: Any,
    *,
    on_case: Callable[[EvalCase, CaseScore], None] | None = None,
    report_dir: str | Path | None = None,
) -> list[CaseScore]:
    """Check every case with one (already warmed) `ArticleChecker` and score it.

    The time of each case covers the whole check, indexing its evidence set included (a
    fresh evidence set per article is the newsroom's situation); model loading is not in it.
    With ``report_dir``, each case's report JSON is written there as ``<case name>.json``.
    """
    from dataclasses import replace

    from pipeline.report import render, report_to_dict, write_atomically

    scores = []
    for case in cases:
        start = time.perf_counter()
        report = checker.check(case.article_path, [case.evidence_path], case.roster_path)
        seconds = time.perf_counter() - start
        report_dict = report_to_dict(report)
        if report_dir is not None:
            write_atomically(Path(report_dir) / f"{case.name}.json", render(report_dict, "json"))
        score = replace(score_case(case.expectations, report_dict, case.article_text, name=case.name), seconds=seconds)
        scores.append(score)
        if on_case is not None:
            on_case(case, score)
    return scores


def evaluate_cases(root: str | Path, config: dict, *, on_case: Callable[[EvalCase, CaseScore], None] | None = None) -> EvalSummary:
    """Load the cases under ``root``, warm one checker with ``config``, run and summarise."""
    from pipeline.checker import ArticleChecker

    cases = load_cases(root)
    checker = ArticleChecker(config)
    checker.warm_up()
    return summarise(run_cases(cases, checker, on_case=on_case))
