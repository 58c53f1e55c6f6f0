"""Inference: CheckworthinessModel scores; the registry's default_claim_model_path."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from pipeline.checkworthiness import CheckworthinessModel
from pipeline.registry import default_claim_model_path
from pipeline.config import load_config
from pipeline.errors import InputError
from tests.tiny_models import make_tiny_classifier

TEXTS = [
    "Unemployment fell to 3.9 percent last year.",
    "Thank you.",
    "We have cut taxes for 95 percent of working families, and the deficit is down by half since 2009.",
    "Good evening, everyone.",
]


def test_scores_are_probabilities_in_input_order(tiny_claim_model):
    model = CheckworthinessModel(tiny_claim_model, batch_size=2, threads=1)
    scores = model.score(TEXTS)
    assert scores.shape == (len(TEXTS),)
    assert np.all((scores >= 0) & (scores <= 1))
    # Batching sorts by length internally; the caller must still get its own order back.
    reversed_scores = model.score(TEXTS[::-1])
    np.testing.assert_allclose(reversed_scores[::-1], scores, atol=1e-6)
    one_by_one = np.array([model.score([t])[0] for t in TEXTS])
    np.testing.assert_allclose(one_by_one, scores, atol=1e-5)
    assert model.score([]).shape == (0,)


def test_checkworthy_label_found_through_id2label(tmp_path, tiny_claim_model):
    # Same seed, same weights; only the label order differs, so the probability flips.
    flipped = make_tiny_classifier(tmp_path / "flipped", ("checkworthy", "not_checkworthy"))
    normal = CheckworthinessModel(tiny_claim_model, threads=1).score(TEXTS)
    other = CheckworthinessModel(flipped, threads=1).score(TEXTS)
    assert not np.allclose(normal, 0.5, atol=1e-3), "a degenerate model would make this test vacuous"
    np.testing.assert_allclose(other, 1.0 - normal, atol=1e-5)


def test_model_without_checkworthy_label_is_a_clear_error(tmp_path):
    path = make_tiny_classifier(tmp_path / "nli", ("entailment", "neutral", "contradiction"))
    model = CheckworthinessModel(path, threads=1)
    with pytest.raises(ValueError, match="checkworthy"):
        model.score(["A sentence."])


def test_init_is_cheap_and_missing_model_named_on_warm_up(tmp_path):
    model = CheckworthinessModel(tmp_path / "nowhere")  # must not touch the disk yet
    with pytest.raises(InputError, match="nowhere"):
        model.warm_up()
    with pytest.raises(ValueError, match="batch_size"):
        CheckworthinessModel(tmp_path, batch_size=0)


def test_default_path_is_config_path_until_a_version_is_promoted(tmp_path, monkeypatch, tiny_claim_model):
    monkeypatch.setenv("FACTCHECK_HOME", str(tmp_path / "home"))
    config = load_config(overrides={"claims": {"model_path": "models/claims"}})
    assert default_claim_model_path(config) == Path(__file__).resolve().parent.parent / "models" / "claims"
    config = load_config(overrides={"claims": {"model_path": str(tmp_path / "elsewhere")}})
    assert default_claim_model_path(config) == tmp_path / "elsewhere"

    root = tmp_path / "home" / "registry" / "claims"
    (root / "v0001").mkdir(parents=True)
    for item in tiny_claim_model.iterdir():
        (root / "v0001" / item.name).write_bytes(item.read_bytes())
    (root / "registry.json").write_text(json.dumps(
        {"versions": {"v0001": {"heldout_f1": 0.5}}, "default": "v0001", "history": ["shipped"]}))
    assert default_claim_model_path(config) == root / "v0001"
    assert CheckworthinessModel(default_claim_model_path(config)).model_name == "claims-registry/v0001"
