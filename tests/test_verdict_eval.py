"""`factcheck eval verdicts`: the verify stage's verdicts on labelled claim/evidence pairs."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from cli.main import app
from pipeline.alignment import AlignmentChecker
from pipeline.evaluation.verdicts import evaluate_verdicts
from pipeline.verify import NliVerifier

PREMISE = "The unemployment rate fell to 3.9 percent in April, the Labor Department said."
ROWS = [
    # Restates the premise with the figure changed: the alignment rules contradict it, whatever the model says.
    {"premise": PREMISE, "hypothesis": "The unemployment rate fell to 4.9 percent in April, the Labor Department said.", "label": "contradiction"},
    # Restates it word for word: supported by the alignment rules.
    {"premise": PREMISE, "hypothesis": PREMISE, "label": "entailment"},
    # Names two people the premise never mentions: not enough evidence.
    {"premise": PREMISE, "hypothesis": "Maria Keller and Tomas Berg opened the new stadium on Monday.", "label": "neutral"},
    # A paraphrase the alignment rules leave to the model; the model below never decides.
    {"premise": PREMISE, "hypothesis": "Fewer Americans were out of work in April than a year before.", "label": "entailment"},
]


def _write(path, rows):
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def _undecided_verifier(model) -> NliVerifier:
    """The tiny random model with thresholds it never reaches: every claim the alignment rules leave is undecided."""
    return NliVerifier(model, quantize=False, threads=1, support_threshold=1.0, contradict_threshold=1.0)


def test_verdicts_count_alignment_decisions_missing_names_and_what_is_left_to_an_editor(tmp_path, tiny_nli_model):
    result = evaluate_verdicts(_write(tmp_path / "pairs.jsonl", ROWS), _undecided_verifier(tiny_nli_model), AlignmentChecker())

    assert result.rows == 4 and result.decided_by_alignment == 2
    assert result.counts["contradiction"]["contradicted"] == 1
    assert result.counts["entailment"] == {"supported": 1, "contradicted": 0, "not_enough_evidence": 0, "needs_review": 1}
    assert result.counts["neutral"]["not_enough_evidence"] == 1
    assert result.accuracy == 0.75 and result.automatic_precision == 1.0 and result.needs_review_share == 0.25
    assert result.recall("entailment") == 0.5 and result.recall("contradiction") == 1.0


def test_a_wrong_automatic_verdict_lowers_the_precision(tmp_path, tiny_nli_model):
    wrong = [{**ROWS[0], "label": "entailment"}, ROWS[1]]  # the changed figure labelled as if it were supported
    result = evaluate_verdicts(_write(tmp_path / "pairs.jsonl", wrong), _undecided_verifier(tiny_nli_model), AlignmentChecker())
    assert result.automatic_precision == 0.5 and result.counts["entailment"]["contradicted"] == 1


def test_eval_verdicts_command_prints_each_set_and_the_figures(tmp_path, tiny_nli_model):
    config = tmp_path / "config.yaml"
    config.write_text(f"nli:\n  model_path: {tiny_nli_model}\n  quantize: false\n  threads: 1\n"
                      "  support_threshold: 1.0\n  contradict_threshold: 1.0\n", encoding="utf-8")
    data = _write(tmp_path / "pairs.jsonl", ROWS)
    out = tmp_path / "verdicts.json"
    result = CliRunner().invoke(app, ["eval", "verdicts", "--data", str(data), "--config", str(config), "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert "set=pairs rows=4 aligned=2" in result.output
    assert result.output.strip().splitlines()[-1] == "accuracy=0.750 automatic_precision=1.000 needs_review_share=0.250"
    assert json.loads(out.read_text())["sets"][0]["recall"]["contradiction"] == 1.0


def test_eval_verdicts_refuses_a_malformed_file_in_one_line(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"premise": "a", "hypothesis": "b", "label": "maybe"}\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["eval", "verdicts", "--data", str(bad)])
    assert result.exit_code == 2 and "bad.jsonl:1" in result.output
