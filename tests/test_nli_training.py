"""NLI training end to end on a few rows with a tiny model, plus calibration helpers."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from safetensors import safe_open

from pipeline.errors import InputError
from pipeline.training.nli import expected_calibration_error, fit_temperature, read_nli_jsonl, softmax, train_nli
from pipeline.verify import NliVerifier
from tests.tiny_models import make_tiny_classifier

LABELS = ("entailment", "neutral", "contradiction")


def _write_rows(path: Path, n: int, offset: int = 0) -> Path:
    rows = []
    for i in range(offset, offset + n):
        label = LABELS[i % 3]
        hypothesis = {"entailment": f"Team {i} won.", "neutral": f"Team {i} is popular.",
                      "contradiction": f"Team {i} lost."}[label]
        rows.append({"premise": f"Team {i} won the match by {i % 7} goals.", "hypothesis": hypothesis, "label": label})
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    root = tmp_path_factory.mktemp("nli-train")
    base = make_tiny_classifier(root / "base", ("yes", "no"))  # another head size: it is replaced
    train = _write_rows(root / "train.jsonl", 40)
    dev = _write_rows(root / "dev.jsonl", 12, offset=100)
    result = train_nli([train], [dev], root / "out", base_model=base, epochs=1, lr=1e-3, batch_size=8,
                       max_length=32, seed=1, calibration_rows=8, work_dir=root / "work")
    return result


def test_training_writes_a_loadable_fp16_model_with_nli_labels(trained):
    out = trained.output_dir
    with safe_open(str(out / "model.safetensors"), framework="pt") as weights:
        dtypes = {str(weights.get_tensor(name).dtype) for name in weights.keys()}
    assert dtypes == {"torch.float16"}
    config = json.loads((out / "config.json").read_text())
    assert config["id2label"] == {"0": "entailment", "1": "neutral", "2": "contradiction"}
    assert (out / "tokenizer.json").is_file()

    calibration = json.loads((out / "calibration.json").read_text())
    assert calibration["temperature"] > 0 and calibration["fitted_on_rows"] == 8
    metrics = json.loads((out / "metrics.json").read_text())
    assert 0.0 <= metrics["eval_during_training"]["accuracy"] <= 1.0
    assert metrics["eval_history"], "evaluated at least once during training"
    args = json.loads((out / "training_args.json").read_text())
    assert (args["train_rows_used"], args["batch_size"], args["max_length"]) == (32, 8, 32)

    verifier = NliVerifier(out, quantize=True)
    probabilities = verifier.predict([("Team 1 won the match.", "Team 1 won.")])
    assert probabilities.shape == (1, 3) and verifier.temperature == pytest.approx(calibration["temperature"])


def test_time_budget_stops_early_and_still_saves(tmp_path):
    base = make_tiny_classifier(tmp_path / "base", LABELS)
    train = _write_rows(tmp_path / "train.jsonl", 60)
    result = train_nli([train], [train], tmp_path / "out", base_model=base, epochs=3, batch_size=4, max_length=32,
                       calibration_rows=0, time_budget_s=1e-6, work_dir=tmp_path / "work")
    args = result.extra["hyperparameters"]
    assert args["stopped_by_time_budget"] is True
    assert args["optimisation_steps"] == 1  # 45 steps planned, stopped after the first
    assert (tmp_path / "out" / "model.safetensors").is_file()
    assert json.loads((tmp_path / "out" / "calibration.json").read_text())["temperature"] == 1.0


def test_fit_temperature_recovers_the_generating_temperature():
    rng = np.random.default_rng(0)
    logits = rng.normal(scale=3.0, size=(4000, 3))
    true_t = 2.5
    probabilities = softmax(logits, true_t)
    labels = np.array([rng.choice(3, p=p) for p in probabilities])
    assert fit_temperature(logits, labels) == pytest.approx(true_t, rel=0.15)


def test_expected_calibration_error():
    confident_right = np.array([[0.9, 0.05, 0.05]] * 10)
    assert expected_calibration_error(confident_right, np.zeros(10, dtype=int)) == pytest.approx(0.1)
    assert expected_calibration_error(confident_right, np.ones(10, dtype=int)) == pytest.approx(0.9)


def test_bad_label_in_data_is_named(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"premise": "a", "hypothesis": "b", "label": "maybe"}) + "\n")
    with pytest.raises(InputError, match="maybe"):
        read_nli_jsonl([path])
    with pytest.raises(InputError, match="not found"):
        read_nli_jsonl([tmp_path / "missing.jsonl"])


@pytest.mark.slow
def test_train_cli_runs_the_train_nli_flow(tmp_path):
    from prefect.testing.utilities import prefect_test_harness
    from typer.testing import CliRunner

    from cli.main import app

    base = make_tiny_classifier(tmp_path / "base", LABELS)
    train = _write_rows(tmp_path / "train.jsonl", 30)
    dev = _write_rows(tmp_path / "dev.jsonl", 9, offset=50)
    out = tmp_path / "model"
    with prefect_test_harness(server_startup_timeout=180):  # the shared 2-core CPU is often busy
        result = CliRunner().invoke(app, ["train", "nli", "--train", str(train), "--eval", str(dev), "--output",
                                          str(out), "--base-model", str(base), "--epochs", "1", "--lr", "1e-3",
                                          "--batch-size", "8", "--max-length", "32", "--threads", "1"])
    assert result.exit_code == 0, result.output
    assert f"model written to {out}" in result.output and "eval accuracy=" in result.output
    assert json.loads((out / "config.json").read_text())["id2label"]["2"] == "contradiction"


def test_train_cli_missing_file_is_one_line_error(tmp_path):
    from typer.testing import CliRunner

    from cli.main import app

    result = CliRunner().invoke(app, ["train", "nli", "--train", str(tmp_path / "none.jsonl"), "--eval",
                                      str(tmp_path / "none.jsonl"), "--output", str(tmp_path / "out")])
    assert result.exit_code == 2 and "none.jsonl" in result.output


def test_resume_continues_from_the_latest_checkpoint(tmp_path):
    base = make_tiny_classifier(tmp_path / "base", LABELS)
    train = _write_rows(tmp_path / "train.jsonl", 48)
    dev = _write_rows(tmp_path / "dev.jsonl", 6, offset=100)
    work = tmp_path / "work"
    options = dict(base_model=base, epochs=1, lr=1e-3, batch_size=8, max_length=32, seed=1, calibration_rows=0,
                   work_dir=work, save_steps=2, threads=1)
    # a run "stopped" after 2 of 6 steps: the time budget ends it right after its first checkpoint
    train_nli([train], [dev], tmp_path / "first", time_budget_s=1e-9, **options)
    assert [p.name for p in work.glob("checkpoint-*")] and not (work / "checkpoint-6").exists()
    resumed = train_nli([train], [dev], tmp_path / "out", resume=True, **options)
    args = resumed.extra["hyperparameters"]
    assert args["resumed"] and args["optimisation_steps"] == 6
    assert (work / "checkpoint-6" / "optimizer.pt").is_file()
