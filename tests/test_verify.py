"""NliVerifier: label mapping, order of results, verdict aggregation, config, errors."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch
from transformers import AutoModelForSequenceClassification

from pipeline.errors import InputError
from pipeline.types import Claim, Passage, RetrievedPassage
from pipeline.embed import SentenceEmbedder
from pipeline.types import EvidenceJudgement, Verdict
from pipeline.verify import NLI_LABELS, NliVerifier, closest_sentence_similarity, mark_uncovered, nli_column_order, review_close_restatements
from tests.tiny_models import make_tiny_classifier

PAIRS = [
    ("The talks were held in Singapore on 12 June 2018.", "The talks took place in Singapore."),
    ("Heather Nauert is the State Department spokesperson.", "Nauert speaks for the Pentagon."),
    ("A man is playing a guitar on stage in front of a large crowd of people.", "A person plays music."),
    ("It rained.", "The ground is dry and nobody has seen a cloud for weeks in the whole region."),
    ("Kim Jong Un met Donald Trump.", "They met."),
]


def _verifier(path: Path, **kwargs) -> NliVerifier:
    kwargs.setdefault("quantize", False)
    kwargs.setdefault("temperature", 1.0)
    return NliVerifier(path, **kwargs)


@pytest.fixture(scope="module")
def permuted_copy(tiny_nli_model, tmp_path_factory) -> Path:
    """The tiny model's exact weights with classifier rows re-ordered to (contradiction, entailment, neutral)."""
    model = AutoModelForSequenceClassification.from_pretrained(tiny_nli_model, dtype=torch.float32)
    perm = [2, 0, 1]  # new index i holds old row perm[i]
    with torch.no_grad():
        model.classifier.weight.copy_(model.classifier.weight[perm].clone())
        model.classifier.bias.copy_(model.classifier.bias[perm].clone())
    labels = [NLI_LABELS[i] for i in perm]
    model.config.id2label = dict(enumerate(labels))
    model.config.label2id = {label: i for i, label in enumerate(labels)}
    target = tmp_path_factory.mktemp("permuted-nli")
    model.save_pretrained(target)
    for name in ("tokenizer.json", "tokenizer_config.json"):
        (target / name).write_bytes((tiny_nli_model / name).read_bytes())
    return target


def test_permuted_model_gives_same_probability_columns(tiny_nli_model, permuted_copy):
    original = _verifier(tiny_nli_model).predict(PAIRS)
    permuted = _verifier(permuted_copy).predict(PAIRS)
    assert original.shape == (len(PAIRS), 3)
    np.testing.assert_allclose(permuted, original, atol=1e-5)
    # The outputs must differ between columns, or the test could not catch an ignored id2label.
    assert np.abs(original - original[:, [1, 2, 0]]).max() > 1e-4


def test_shuffled_label_names_reorder_columns(tiny_nli_model, shuffled_nli_model):
    # Same random weights (same seed), but the shuffled model calls output 0 "contradiction",
    # 1 "entailment", 2 "neutral": our entailment column must be its output 1, and so on.
    ours = _verifier(tiny_nli_model).predict(PAIRS)
    theirs = _verifier(shuffled_nli_model).predict(PAIRS)
    np.testing.assert_allclose(theirs, ours[:, [1, 2, 0]], atol=1e-5)


def test_rows_come_back_in_input_order(tiny_nli_model):
    verifier = _verifier(tiny_nli_model, batch_size=2)
    forward = verifier.predict(PAIRS)
    backward = verifier.predict(list(reversed(PAIRS)))
    np.testing.assert_allclose(backward[::-1], forward, atol=1e-5)
    # Each row equals the pair scored on its own (no padding effect, no mix-up of rows).
    for i, pair in enumerate(PAIRS):
        np.testing.assert_allclose(verifier.predict([pair])[0], forward[i], atol=1e-5)
    np.testing.assert_allclose(forward.sum(axis=1), 1.0, atol=1e-5)


def test_temperature_flattens_probabilities(tiny_nli_model):
    sharp = _verifier(tiny_nli_model, temperature=0.1).predict(PAIRS)
    flat = _verifier(tiny_nli_model, temperature=10.0).predict(PAIRS)
    assert sharp.max(axis=1).mean() > flat.max(axis=1).mean()
    np.testing.assert_array_equal(sharp.argmax(axis=1), flat.argmax(axis=1))


def test_calibration_json_is_read_when_temperature_is_none(tiny_nli_model, tmp_path):
    from tests.tiny_models import copy_model

    model_dir = copy_model(tiny_nli_model, tmp_path / "calibrated")
    (model_dir / "calibration.json").write_text(json.dumps({"temperature": 3.5}))
    verifier = NliVerifier(model_dir, quantize=False)
    verifier.warm_up()
    assert verifier.temperature == pytest.approx(3.5)


def test_int8_quantized_model_stays_close_to_float(tiny_nli_model):
    exact = _verifier(tiny_nli_model).predict(PAIRS)
    quantized = _verifier(tiny_nli_model, quantize=True).predict(PAIRS)
    assert quantized.shape == exact.shape
    assert np.abs(quantized - exact).max() < 0.05


@pytest.mark.parametrize("labels", [("a", "b", "c"), ("entailment", "not_entailment"),
                                    ("entailment", "entailment", "neutral")])
def test_model_without_nli_labels_is_refused(tmp_path, labels):
    model_dir = make_tiny_classifier(tmp_path / "bad", labels)
    with pytest.raises(ValueError, match="entailment, neutral and contradiction"):
        NliVerifier(model_dir, quantize=False).warm_up()


def test_label_spellings_in_any_case_and_order():
    assert nli_column_order({0: "CONTRADICTION", 1: "Neutral", 2: "ENTAILMENT"}) == [2, 1, 0]
    assert nli_column_order({"0": "entails", "1": "contradiction", "2": "neutral"}) == [0, 2, 1]


def test_missing_model_directory_names_it(tmp_path):
    with pytest.raises(InputError, match="no-such-model"):
        NliVerifier(tmp_path / "no-such-model").warm_up()


def test_bad_options_are_refused(tiny_nli_model):
    with pytest.raises(InputError, match="batch_size"):
        NliVerifier(tiny_nli_model, batch_size=0)
    with pytest.raises(InputError, match="support_threshold"):
        NliVerifier(tiny_nli_model, support_threshold=1.5)


def test_from_config_resolves_relative_path():
    from pipeline import PROJECT_ROOT

    verifier = NliVerifier.from_config({"nli": {"model_path": "models/nli", "batch_size": 8, "quantize": False,
                                                "support_threshold": 0.7}})
    assert verifier.model_path == PROJECT_ROOT / "models" / "nli"
    assert (verifier.batch_size, verifier.quantize, verifier.support_threshold) == (8, False, 0.7)


def _claim(text: str) -> Claim:
    return Claim(id=f"c-{abs(hash(text)) % 10**8}", text=text, start=0, end=len(text), checkworthiness=0.9,
                 sentence_id="s-1")


def _passages(*texts: str) -> list[RetrievedPassage]:
    return [RetrievedPassage(passage=Passage(id=f"p{i}", text=t), score=1.0 - i / 10) for i, t in enumerate(texts)]


class _ScriptedVerifier(NliVerifier):
    """Answers from a table keyed by (premise, hypothesis) and records how it was called."""

    def __init__(self, table: dict[tuple[str, str], list[float]], **kwargs):
        super().__init__("unused", **kwargs)
        self.table = table
        self.calls: list[list[tuple[str, str]]] = []

    def predict(self, pairs):
        self.calls.append(list(pairs))
        return np.array([self.table[p] for p in pairs], dtype=np.float32).reshape(-1, 3)


def test_verdicts_from_controlled_probabilities():
    supported, contradicted, unclear, both, lonely = (_claim(t) for t in ("S", "C", "U", "B", "L"))
    table = {
        ("p-weak", "S"): [0.2, 0.7, 0.1], ("p-strong", "S"): [0.9, 0.05, 0.05],
        ("p-a", "C"): [0.1, 0.2, 0.7], ("p-b", "C"): [0.3, 0.6, 0.1],
        ("p-a", "U"): [0.4, 0.5, 0.1], ("p-b", "U"): [0.1, 0.35, 0.55],
        ("p-e", "B"): [0.6, 0.1, 0.3], ("p-c", "B"): [0.05, 0.05, 0.9],
    }
    verifier = _ScriptedVerifier(table, support_threshold=0.5, contradict_threshold=0.6)
    passages = {
        supported.id: _passages("p-weak", "p-strong"),
        contradicted.id: _passages("p-a", "p-b"),
        unclear.id: _passages("p-a", "p-b"),
        both.id: _passages("p-e", "p-c"),
    }
    verdicts = verifier.run([supported, contradicted, unclear, both, lonely], passages)

    assert len(verifier.calls) == 1 and len(verifier.calls[0]) == 8  # one batched call for all claims
    assert verifier.calls[0][0] == ("p-weak", "S")  # (passage text, claim text)

    s = verdicts[supported.id]
    assert (s.label, s.confidence) == ("supported", pytest.approx(0.9))
    assert [e.passage.id for e in s.evidence] == ["p1", "p0"]  # the deciding passage first
    assert s.evidence[0].label == "entailment" and s.evidence[1].label == "neutral"
    assert s.evidence[0].probabilities == pytest.approx({"entailment": 0.9, "neutral": 0.05, "contradiction": 0.05})

    c = verdicts[contradicted.id]
    assert (c.label, c.confidence) == ("contradicted", pytest.approx(0.7))
    assert c.evidence[0].label == "contradiction"

    u = verdicts[unclear.id]  # best contradiction 0.55 < 0.6, best entailment 0.4 < 0.5: a human decides
    assert (u.label, u.confidence) == ("needs_review", pytest.approx(0.45))
    assert c.decided_by == ("p0",) and u.decided_by == ()

    b = verdicts[both.id]  # entailment 0.6 passes its threshold but a contradiction of 0.9 beats it
    assert (b.label, b.confidence) == ("contradicted", pytest.approx(0.9))

    lone = verdicts[lonely.id]
    assert (lone.label, lone.confidence, lone.evidence) == ("not_enough_evidence", 1.0, ())


def test_thresholds_change_the_verdict():
    claim = _claim("X")
    table = {("p", "X"): [0.55, 0.4, 0.05]}
    lenient = _ScriptedVerifier(table, support_threshold=0.5).run([claim], {claim.id: _passages("p")})
    strict = _ScriptedVerifier(table, support_threshold=0.8).run([claim], {claim.id: _passages("p")})
    assert lenient[claim.id].label == "supported"
    assert strict[claim.id].label == "needs_review"


def test_undecided_claim_naming_what_the_evidence_lacks_is_not_needs_review():
    invented = _claim("The rover found 412 fossils near Lake Victoria.")
    paraphrase = _claim("The rover found fossils near the lake.")
    evidence = "The rover landed near the lake and began to drill."
    table = {(evidence, invented.text): [0.3, 0.6, 0.1], (evidence, paraphrase.text): [0.3, 0.6, 0.1]}
    verdicts = _ScriptedVerifier(table, support_threshold=0.5).run(
        [invented, paraphrase], {invented.id: _passages(evidence), paraphrase.id: _passages(evidence)}
    )
    assert verdicts[invented.id].label == "not_enough_evidence"  # 412 and "Lake Victoria" are nowhere in it
    assert verdicts[paraphrase.id].label == "needs_review"  # nothing new named: the model may have missed a paraphrase


def test_run_with_real_tiny_model_returns_every_claim(tiny_nli_model):
    claims = [_claim("The talks took place in Singapore."), _claim("Nobody met.")]
    passages = {claims[0].id: _passages(PAIRS[0][0], PAIRS[1][0]), claims[1].id: _passages(PAIRS[4][0])}
    verdicts = _verifier(tiny_nli_model).run(claims, passages)
    assert set(verdicts) == {c.id for c in claims}
    for verdict in verdicts.values():
        assert verdict.label in ("supported", "contradicted", "not_enough_evidence", "needs_review")
        assert 0.0 <= verdict.confidence <= 1.0
        assert all(set(e.probabilities) == set(NLI_LABELS) for e in verdict.evidence)


def test_model_name_changes_with_weights(tiny_nli_model, permuted_copy):
    a, b = NliVerifier(tiny_nli_model).model_name, NliVerifier(permuted_copy).model_name
    assert a.startswith(tiny_nli_model.name + "@") and a != b


def test_eval_cli_prints_scores_and_accuracy_last(tiny_nli_model, tmp_path):
    from typer.testing import CliRunner

    from cli.main import app

    rows = [{"premise": p, "hypothesis": h, "label": NLI_LABELS[i % 3]} for i, (p, h) in enumerate(PAIRS)]
    data = tmp_path / "dev.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows))
    expected = _verifier(tiny_nli_model).predict(PAIRS).argmax(axis=1)
    accuracy = float(np.mean(expected == np.arange(len(PAIRS)) % 3))
    out = tmp_path / "scores.json"
    result = CliRunner().invoke(app, ["eval", "nli", "--data", str(data), "--model", str(tiny_nli_model), "--fp32",
                                      "--json", str(out)])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[-1] == f"accuracy={accuracy:.3f}"
    assert "macro_f1=" in result.output and "contradiction" in result.output
    scores = json.loads(out.read_text())
    assert scores["rows"] == len(PAIRS) and sum(map(sum, scores["confusion"])) == len(PAIRS)


def test_eval_cli_bad_label_is_one_line_error(tiny_nli_model, tmp_path):
    from typer.testing import CliRunner

    from cli.main import app

    data = tmp_path / "bad.jsonl"
    data.write_text(json.dumps({"premise": "a", "hypothesis": "b", "label": "yes"}) + "\n")
    result = CliRunner().invoke(app, ["eval", "nli", "--data", str(data), "--model", str(tiny_nli_model)])
    assert result.exit_code == 2
    assert "'yes'" in result.output and "Traceback" not in result.output


SHIPPED = Path(__file__).resolve().parent.parent / "models" / "nli"
SNLI_TEST = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "nli" / "snli_test.jsonl"


@pytest.mark.slow
@pytest.mark.skipif(not (SHIPPED / "config.json").is_file() or not SNLI_TEST.is_file(),
                    reason="needs models/nli and ../shared/data/nli/snli_test.jsonl")
def test_shipped_model_beats_chance_in_fp32_and_int8():
    from pipeline.training.nli import read_nli_jsonl

    rows = read_nli_jsonl([SNLI_TEST])[:300]
    pairs = [(r["premise"], r["hypothesis"]) for r in rows]
    gold = np.array([r["label"] for r in rows])
    int8 = NliVerifier(SHIPPED, quantize=True).predict(pairs)
    fp32 = NliVerifier(SHIPPED, quantize=False).predict(pairs)
    assert float((fp32.argmax(axis=1) == gold).mean()) > 0.7  # chance is 1/3; fp32 is the default (stage 4: 0.77)
    # int8 changes about 9 % of this weak model's labels (why nli.quantize defaults to false) but stays useful.
    assert float((int8.argmax(axis=1) == gold).mean()) > 0.65
    # Not asserted: verdicts on hand-written pairs. This CPU-trained model gets obvious ones wrong
    # ("The unemployment rate fell to 3.9 percent in April." -> "The unemployment rate rose in April."
    # scores 0.75 entailment); see models/nli/README.md.


def test_eval_cli_several_sets_prints_a_line_per_set_and_the_summary(tiny_nli_model, tmp_path):
    from typer.testing import CliRunner

    from cli.main import app

    files = []
    for name, n in (("set_a", 3), ("set_b", 5)):
        rows = [{"premise": p, "hypothesis": h, "label": NLI_LABELS[i % 3]} for i, (p, h) in enumerate(PAIRS[:n])]
        files += ["--data", str(tmp_path / f"{name}.jsonl")]
        (tmp_path / f"{name}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "scores.json"
    result = CliRunner().invoke(app, ["eval", "nli", *files, "--model", str(tiny_nli_model), "--fp32", "--json", str(out)])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    per_set = re.findall(r"set=(\w+) rows=(\d+) accuracy=", result.output)  # progress bars share lines on stderr
    assert per_set == [("set_a", "3"), ("set_b", "5")]
    scores = json.loads(out.read_text())
    assert [s["rows"] for s in scores["sets"]] == [3, 5]
    assert lines[-1].endswith(f"sets=2 mean_accuracy={scores['mean_accuracy']:.3f}")


RATE_EVIDENCE = (
    "The central bank raised its policy rate by a quarter point to 4.5% on Tuesday, its third increase this year. "
    "Governor Anna Berg said inflation was still too high."
)


def _undecided(claim: Claim, entailment: float) -> Verdict:
    judgement = EvidenceJudgement(Passage(id="p0", text=RATE_EVIDENCE), 1.0, "neutral",
                                  {"entailment": entailment, "neutral": 0.9 - entailment, "contradiction": 0.1})
    return Verdict(claim.id, "needs_review", 0.5, (judgement,))


def test_undecided_claim_no_evidence_sentence_resembles_is_not_enough_evidence():
    invented = _claim("The governor said she would travel to Tokyo next month for talks with finance ministers.")
    paraphrase = _claim("On Tuesday the bank lifted its key rate by 25 basis points to 4.5%, the third rise of the year.")
    passages = {c.id: _passages(RATE_EVIDENCE) for c in (invented, paraphrase)}
    similarity = closest_sentence_similarity([invented, paraphrase], passages, SentenceEmbedder().encode)
    assert similarity[invented.id] < 0.45 <= similarity[paraphrase.id]

    verdicts = {c.id: _undecided(c, 0.2) for c in (invented, paraphrase)}
    marked = mark_uncovered(verdicts, similarity, max_similarity=0.45, max_entailment=0.3)
    assert marked[invented.id].label == "not_enough_evidence"  # an invented sentence: unsupported when check-worthy
    assert "resembles" in marked[invented.id].note and marked[invented.id].evidence == verdicts[invented.id].evidence
    assert marked[paraphrase.id] == verdicts[paraphrase.id]  # said in other words: still for an editor to decide


def test_uncovered_needs_weak_entailment_and_leaves_decided_claims_alone():
    weakly_entailed, supported = _claim("A"), _claim("B")
    verdicts = {weakly_entailed.id: _undecided(weakly_entailed, 0.35),
                supported.id: Verdict(supported.id, "supported", 0.9)}
    similarity = {weakly_entailed.id: 0.1, supported.id: 0.1}
    assert mark_uncovered(verdicts, similarity, max_similarity=0.45, max_entailment=0.3) == verdicts
    assert mark_uncovered(verdicts, similarity, max_similarity=0.45, max_entailment=0.4)[weakly_entailed.id].label == "not_enough_evidence"
    assert closest_sentence_similarity([supported], {}, SentenceEmbedder().encode) == {supported.id: 0.0}  # no passages


def test_a_claim_with_a_term_the_evidence_lacks_but_a_sentence_much_like_it_is_left_to_review():
    # eval_cases_dev 101-500: claims flagged unsupported for a missing figure whose closest evidence sentence had a
    # cosine of 0.64 or more were never invented sentences (many were changed figures or dates)
    changed = _claim("The central bank raised its policy rate by a quarter point to 4.75% on Tuesday, its third increase this year.")
    invented = _claim("The governor said 14 ministers would travel to Tokyo next month for talks.")
    passages = {c.id: _passages(RATE_EVIDENCE) for c in (changed, invented)}
    similarity = closest_sentence_similarity([changed, invented], passages, SentenceEmbedder().encode)
    assert similarity[invented.id] < 0.62 <= similarity[changed.id]
    verdicts = {c.id: replace(_undecided(c, 0.2), label="not_enough_evidence") for c in (changed, invented)}
    reviewed = review_close_restatements([changed, invented], verdicts, similarity, passages, min_similarity=0.62)
    assert reviewed[changed.id].label == "needs_review" and "“4.75”" in reviewed[changed.id].note
    assert reviewed[invented.id] == verdicts[invented.id]  # still unsupported when check-worthy
    supported = {changed.id: Verdict(changed.id, "supported", 0.9)}
    assert review_close_restatements([changed], supported, similarity, passages, min_similarity=0.62) == supported
