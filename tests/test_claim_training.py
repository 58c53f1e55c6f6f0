"""Training data loaders, the fixed held-out split, end-to-end training and evaluation metrics."""

from __future__ import annotations

import json

import pytest
from safetensors import safe_open
from typer.testing import CliRunner

from pipeline.checkworthiness import CheckworthinessModel
from pipeline.errors import InputError
from pipeline.evaluation.claims import average_precision, binary_scores, classification_scores, mean_average_precision
from pipeline.training.claim_data import (
    DebateLine,
    LabelledSentence,
    is_heldout,
    load_claimbuster,
    load_clef,
    normalise_text,
    split_heldout,
)
from pipeline.training.claims import average_classifiers, train_claim_classifier, train_claim_soup

POSITIVE = [
    "Unemployment fell to {} percent in {}.",
    "The deficit grew by {} billion dollars in {}.",
    "Taxes rose {} percent for the middle class in {}.",
]
NEGATIVE = ["Thank you, {} and {}.", "Good evening to you, {} {}.", "Let me say hello to {} and {}."]


def toy_rows(n: int = 48) -> list[LabelledSentence]:
    rows = []
    for i in range(n):
        if i % 2 == 0:
            rows.append(LabelledSentence(POSITIVE[i % 3].format(i % 9 + 1, 1990 + i), 1))
        else:
            rows.append(LabelledSentence(NEGATIVE[i % 3].format(f"Jim{i}", f"Ann{i}"), 0))
    return rows


def test_claimbuster_and_clef_loaders(tmp_path):
    json_path = tmp_path / "cb.json"
    json_path.write_text(json.dumps([{"sentence_id": 1, "label": 1, "text": "Taxes rose."},
                                     {"sentence_id": 2, "label": 0, "text": "Thanks."}]))
    assert load_claimbuster(json_path) == [LabelledSentence("Taxes rose.", 1, "claimbuster"),
                                           LabelledSentence("Thanks.", 0, "claimbuster")]
    csv_path = tmp_path / "clef.csv"
    csv_path.write_text('line_number,speaker,text,label,file_name\n1,TRUMP,"Jobs, jobs.",1,a.tsv\n2,HOLT,Hi.,0,a.tsv\n')
    assert load_clef(csv_path) == [DebateLine("a.tsv", 1, "TRUMP", "Jobs, jobs.", 1), DebateLine("a.tsv", 2, "HOLT", "Hi.", 0)]

    json_path.write_text(json.dumps([{"sentence_id": 1, "label": 2, "text": "x"}]))
    with pytest.raises(InputError, match="label must be 0 or 1, got 2"):
        load_claimbuster(json_path)
    with pytest.raises(InputError, match="no such file"):
        load_claimbuster(tmp_path / "missing.json")


def test_heldout_split_is_fixed_by_text_not_by_neighbours():
    rows = [LabelledSentence(f"Sentence number {i} about the budget.", i % 2) for i in range(2000)]
    train, heldout = split_heldout(rows, 0.1)
    assert 150 < len(heldout) < 250 and len(train) + len(heldout) == 2000
    # Another data set sharing some sentences holds out exactly the same ones.
    others = rows[::3] + [LabelledSentence("A brand new editor decision.", 1)]
    _, heldout_again = split_heldout(others, 0.1)
    assert {r.text for r in heldout_again if r.text in {x.text for x in rows}} == {r.text for r in heldout if r in others}
    # Case and spacing do not move a sentence across the split.
    assert all(is_heldout(r.text) == is_heldout("  " + r.text.upper() + " ") for r in rows[:200])
    assert normalise_text("  The \u201cBudget\u201d\n rose ") == 'the "budget" rose'


def test_training_end_to_end_writes_a_loadable_fp16_model(tmp_path, tiny_claim_model):
    rows = toy_rows(48)
    output = tmp_path / "out" / "model"
    result = train_claim_classifier(rows[:36], rows[36:], output, base_model=tiny_claim_model, epochs=4, lr=3e-3,
                                    batch_size=8, max_length=24, seed=3, threads=1, log_every=1)
    assert result.output_dir == output
    names = {p.name for p in output.iterdir()}
    assert {"config.json", "model.safetensors", "tokenizer.json", "metrics.json"} <= names
    assert not [p for p in output.parent.iterdir() if p.name.startswith(".")], "temporary training dirs left behind"
    config = json.loads((output / "config.json").read_text())
    assert config["id2label"] == {"0": "not_checkworthy", "1": "checkworthy"}
    with safe_open(str(output / "model.safetensors"), "pt") as weights:
        assert {str(weights.get_tensor(k).dtype) for k in weights.keys()} == {"torch.float16"}
    metrics = json.loads((output / "metrics.json").read_text())
    assert metrics["train_rows"] == 36 and len(metrics["epoch_history"]) == 4
    assert metrics["validation"]["f1"] == max(e["f1"] for e in metrics["epoch_history"])  # best epoch kept

    scores = CheckworthinessModel(output, threads=1).score([r.text for r in rows[36:]])
    positives = [s for s, r in zip(scores, rows[36:]) if r.label == 1]
    negatives = [s for s, r in zip(scores, rows[36:]) if r.label == 0]
    assert min(positives) > max(negatives), "the toy signal (numbers vs greetings) was not learnt"


def test_soup_averages_the_weights_of_runs_from_one_start(tmp_path, tiny_claim_model):
    rows = toy_rows(48)
    output = tmp_path / "soup"
    result = train_claim_soup(rows[:36], rows[36:], output, base_model=tiny_claim_model, seeds=[3, 4], epochs=2,
                              lr=3e-3, batch_size=8, max_length=24, threads=1, log_every=1)
    assert [m["seed"] for m in result.metrics["members"]] == [3, 4]
    assert result.metrics["hyperparameters"]["seeds"] == [3, 4]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "temporary run dirs left behind"
    # The runs differ (another batch order), and the shipped weights are their mean.
    from safetensors.torch import load_file

    shipped = load_file(str(output / "model.safetensors"))
    assert {str(t.dtype) for t in shipped.values()} == {"torch.float16"}
    scores = CheckworthinessModel(output, threads=1).score([r.text for r in rows[36:]])
    positives = [s for s, r in zip(scores, rows[36:]) if r.label == 1]
    negatives = [s for s, r in zip(scores, rows[36:]) if r.label == 0]
    assert min(positives) > max(negatives), "the averaged model lost the toy signal"
    # The validation scores in metrics.json are the soup's own, not a member's.
    labels = [r.label for r in rows[36:]]
    assert result.metrics["validation"] == binary_scores(labels, [int(s >= 0.5) for s in scores])


def test_average_classifiers_is_the_mean_and_refuses_other_architectures(tmp_path, tiny_claim_model, tiny_nli_model):
    from safetensors.torch import load_file, save_file

    doubled = tmp_path / "doubled"
    average_classifiers([tiny_claim_model], doubled)  # a copy, in fp16
    state = load_file(str(doubled / "model.safetensors"))
    save_file({k: (v.float() * 3).half() for k, v in state.items()}, str(doubled / "model.safetensors"))
    average_classifiers([tiny_claim_model, doubled], tmp_path / "mean")
    mean = load_file(str(tmp_path / "mean" / "model.safetensors"))
    name = next(k for k in state if state[k].float().abs().sum() > 0)
    assert (mean[name].float() - 2 * state[name].float()).abs().max() < 1e-2
    assert (tmp_path / "mean" / "config.json").is_file() and (tmp_path / "mean" / "tokenizer.json").is_file()
    with pytest.raises(ValueError, match="architecture"):
        average_classifiers([tiny_claim_model, tiny_nli_model], tmp_path / "bad")


def test_training_refuses_empty_inputs(tmp_path, tiny_claim_model):
    with pytest.raises(InputError, match="no training rows"):
        train_claim_classifier([], toy_rows(4), tmp_path / "m", base_model=tiny_claim_model)


def test_average_precision_on_a_hand_made_ranking():
    # Ranking: + - + -  -> precision at the hits: 1/1 and 2/3.
    assert average_precision([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1]) == pytest.approx((1 + 2 / 3) / 2)
    # The same items scored in another order: - + - +  -> 1/2 and 2/4.
    assert average_precision([1, 0, 1, 0], [0.8, 0.9, 0.1, 0.7]) == pytest.approx(0.5)
    assert average_precision([0, 0], [0.3, 0.2]) is None


def test_map_groups_by_debate_and_skips_debates_without_positives():
    lines = [DebateLine("a.tsv", 1, "", "x", 1), DebateLine("a.tsv", 2, "", "y", 0),
             DebateLine("b.tsv", 1, "", "z", 0), DebateLine("b.tsv", 2, "", "w", 1),
             DebateLine("c.tsv", 1, "", "v", 0)]
    result = mean_average_precision(lines, [0.9, 0.1, 0.8, 0.3, 0.5])
    # a: positive ranked first (AP 1); b: positive ranked second (AP 0.5); c: no positive.
    assert dict(result.per_debate) == {"a.tsv": 1.0, "b.tsv": 0.5}
    assert result.map == pytest.approx(0.75) and result.debates_without_positives == 1
    assert result.lines()[-1] == "map=0.750"


def test_classification_scores_at_threshold():
    result = classification_scores([1, 1, 0, 0, 1], [0.9, 0.4, 0.6, 0.1, 0.5], 0.5)
    # tp=2 (0.9, 0.5), fn=1 (0.4), fp=1 (0.6)
    assert (result.precision, result.recall) == pytest.approx((2 / 3, 2 / 3))
    assert result.lines()[-1] == "f1=0.667"


def test_eval_cli_prints_f1_and_map_last(tmp_path, tiny_claim_model):
    from cli.main import app

    cb = tmp_path / "cb.json"
    cb.write_text(json.dumps([{"sentence_id": i, "label": r.label, "text": r.text} for i, r in enumerate(toy_rows(10))]))
    clef = tmp_path / "clef.csv"
    clef.write_text("line_number,speaker,text,label,file_name\n1,A,Taxes rose 5 percent.,1,d1.tsv\n2,B,Thanks.,0,d1.tsv\n")
    runner = CliRunner()
    result = runner.invoke(app, ["eval", "claims", "--data", str(cb), "--model", str(tiny_claim_model)])
    assert result.exit_code == 0, result.output
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("f1=") and len(last) == len("f1=0.000")
    result = runner.invoke(app, ["eval", "claims", "--data", str(clef), "--model", str(tiny_claim_model)])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] in {"map=1.000", "map=0.500"}
    result = runner.invoke(app, ["eval", "claims", "--data", str(tmp_path / "nope.json"), "--model", str(tiny_claim_model)])
    assert result.exit_code == 2 and "nope.json" in result.output
