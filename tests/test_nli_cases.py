"""NLI training pairs from case sets (pipeline.training.nli_cases)."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.config import load_config
from pipeline.training.nli_cases import coverage, edited_paraphrases, label_claim, pairs_from_cases
from pipeline.evaluation.cases import Expectation
from pipeline.types import Claim, Passage, RetrievedPassage

SOURCE = "The central bank raised its main rate by a quarter point to 4.5% on Thursday, its tenth increase in a row."
OTHER = "Inflation in the euro area eased to 6.9% in March from 8.5% in February, Eurostat said."


def _hits(*texts: str) -> list[RetrievedPassage]:
    return [RetrievedPassage(Passage(f"p{i}", text), 1.0 - i / 10) for i, text in enumerate(texts)]


def _claim(text: str) -> Claim:
    return Claim("c1", text, 100, 100 + len(text), 0.5, "s1")


def _expect(type_: str | None, must_flag: bool = True) -> Expectation:
    return Expectation("x", type_, must_flag, 110, 115)


def test_a_changed_figure_is_a_contradiction_of_the_passage_it_restates_not_the_top_ranked_one():
    claim = _claim("The central bank raised its main rate by a quarter point to 5.5% on Thursday, its tenth rise in a row.")
    rows = label_claim(claim, _hits(OTHER, SOURCE), [_expect("contradicted")])
    assert rows == [{"premise": SOURCE, "hypothesis": claim.text, "label": "contradiction"}]


def test_a_sentence_without_an_error_entails_its_source():
    claim = _claim("On Thursday the central bank lifted its main rate by a quarter point to 4.5%, its tenth increase in a row.")
    rows = label_claim(claim, _hits(OTHER, SOURCE), [_expect(None, must_flag=False)])
    assert [(r["premise"], r["label"]) for r in rows] == [(SOURCE, "entailment")]


def test_an_invented_sentence_is_neutral_to_every_retrieved_passage():
    claim = _claim("The governor said the bank would sell its gold reserves next year.")
    rows = label_claim(claim, _hits(OTHER, SOURCE), [_expect("unsupported")])
    assert [(r["premise"], r["label"]) for r in rows] == [(OTHER, "neutral"), (SOURCE, "neutral")]


def test_attribution_errors_and_merged_sentences_give_no_pair():
    claim = _claim("The central bank raised its main rate by a quarter point to 4.5% on Thursday, its tenth increase in a row.")
    assert label_claim(claim, _hits(SOURCE), [_expect("misattribution")]) == []
    merged = _claim("The bank raised rates to 4.5% as inflation eased to 6.9% in March, Eurostat said, while unemployment held.")
    assert coverage(merged.text, SOURCE) < 0.6 and coverage(merged.text, OTHER) < 0.6
    assert label_claim(merged, _hits(SOURCE, OTHER), []) == []
    assert label_claim(claim, [], []) == []


def test_edited_paraphrases_contradict_the_source_with_one_changed_word():
    rows = [
        {"premise": SOURCE, "hypothesis": "On Thursday the bank lifted its main rate to 4.5%, its tenth rise in a row.",
         "label": "entailment", "source": "case:001"},
        {"premise": SOURCE, "hypothesis": "The governor said the bank would sell its gold.", "label": "neutral", "source": "case:001"},
    ]
    edited = edited_paraphrases(rows, seed=1)
    assert len(edited) == 1
    row = edited[0]
    assert row["label"] == "contradiction" and row["premise"] == SOURCE
    assert row["source"].startswith("case:001+edit:") and row["hypothesis"] != rows[0]["hypothesis"]
    before, after = rows[0]["hypothesis"].split(), row["hypothesis"].split()
    assert len([w for w in after if w not in before]) <= 2  # one edit, not a new sentence


def _write_case(folder: Path, article: str, evidence: list[str], expected: list[dict]) -> None:
    folder.mkdir(parents=True)
    (folder / "article.txt").write_text(article, encoding="utf-8")
    (folder / "evidence.jsonl").write_text(
        "".join(json.dumps({"id": f"e{i}", "text": t, "source": "wire", "url": "", "title": "t", "date": "2024-03-21"}) + "\n"
                for i, t in enumerate(evidence)), encoding="utf-8")
    (folder / "expected.jsonl").write_text("".join(json.dumps(e) + "\n" for e in expected), encoding="utf-8")


def test_pairs_come_from_the_passages_the_checker_retrieves_for_each_case_sentence(tmp_path, tiny_config):
    evidence = [
        "The Swiss National Bank cut its policy rate by 0.25 percentage points to 1.5% on Thursday, March 21, 2024.",
        "It was the first cut by a major central bank since the inflation surge of 2022.",
        "Swiss inflation fell to 1.2% in February, the bank said.",
    ]
    article = ("The Swiss National Bank lowered its policy rate by 0.25 percentage points to 1.75% on Thursday. "
               "Swiss inflation fell to 1.2% in February, the bank said. "
               "Analysts expect two more cuts before the end of the year.")
    _write_case(tmp_path / "cases" / "001-snb", article, evidence, [
        {"text": "to 1.75%", "type": "contradicted", "must_flag": True},
        {"text": "1.2%", "type": None, "must_flag": False},
        {"text": "Analysts expect two more cuts before the end of the year.", "type": "unsupported", "must_flag": True},
    ])
    rows = pairs_from_cases([tmp_path / "cases"], load_config(tiny_config))
    by_label: dict[str, list[dict]] = {}
    for row in rows:
        by_label.setdefault(row["label"], []).append(row)
    assert {r["source"] for r in rows} == {"case:001-snb"}
    assert [(r["premise"], r["hypothesis"][:40]) for r in by_label["contradiction"]] == [(evidence[0], article[:40])]
    assert [r["premise"] for r in by_label["entailment"]] == [evidence[2]]
    neutral = by_label["neutral"]
    assert neutral and {r["hypothesis"] for r in neutral} == {"Analysts expect two more cuts before the end of the year."}
