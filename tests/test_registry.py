"""Retraining from editors' decisions and the local model registry."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import torch
from transformers import AutoModelForSequenceClassification
from typer.testing import CliRunner

from pipeline.training.claim_data import LabelledSentence, is_heldout, read_jsonl_rows
from pipeline.errors import InputError
from pipeline.registry import ClaimRegistry, EditorDecision, load_decisions, merge_decisions, retrain

# Enough distinct sentences that the 10% hash split holds out a few of each label.
BASE = [LabelledSentence(f"The budget grew by {i} percent in {1990 + i}.", 1) for i in range(40)] + [
    LabelledSentence(f"Thank you, senator number {i}.", 0) for i in range(40)
]


def constant_model(source: Path, target: Path, *, checkworthy: bool) -> Path:
    """A copy of a tiny model whose head always (or never) says check-worthy."""
    model = AutoModelForSequenceClassification.from_pretrained(str(source))
    with torch.no_grad():
        model.classifier.weight.zero_()
        model.classifier.bias.copy_(torch.tensor([0.0, 12.0] if checkworthy else [12.0, 0.0]))
    model.save_pretrained(target)
    for name in ("tokenizer.json", "tokenizer_config.json"):
        shutil.copy(source / name, target / name)
    return target


@pytest.fixture()
def models(tmp_path, tiny_claim_model):
    always = constant_model(tiny_claim_model, tmp_path / "always", checkworthy=True)
    never = constant_model(tiny_claim_model, tmp_path / "never", checkworthy=False)
    return always, never


def copying_trainer(model: Path):
    """Stands in for train_claim_classifier: 'trains' by copying a fixed model to the output."""
    calls = []

    def trainer(train_rows, eval_rows, output_dir, **kwargs):
        calls.append((list(train_rows), list(eval_rows)))
        shutil.copytree(model, output_dir)

    trainer.calls = calls
    return trainer


def visible_versions(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if not p.name.startswith(".") and p.is_dir())


def test_decisions_override_base_labels_latest_wins_and_dedup():
    base = [LabelledSentence("Taxes rose 5%.", 0), LabelledSentence("taxes  ROSE 5%. ", 1), LabelledSentence("Hi.", 0)]
    decisions = [
        EditorDecision("Taxes rose 5%.", 1, decided_at="2026-01-02T10:00:00+00:00"),
        EditorDecision("TAXES rose 5%.", 0, decided_at="2026-01-01T10:00:00+00:00"),  # older, listed later
        EditorDecision("A new claim from an article.", 1, decided_at="2026-01-01T00:00:00Z"),
    ]
    merged, applied = merge_decisions(base, decisions)
    assert [(r.text, r.label) for r in merged] == [("Taxes rose 5%.", 1), ("Hi.", 0), ("A new claim from an article.", 1)]
    assert applied == 2


def test_load_decisions_format_and_errors(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps({"text": "Taxes rose.", "label": 1, "claim_id": "c-1", "decision": "accept",
                                "editor": "ann", "decided_at": "2026-11-27T10:00:00Z"}) + "\n\n"
                    + json.dumps({"text": "Only the required keys.", "label": 0}) + "\n")
    decisions = load_decisions([path])
    assert decisions[0] == EditorDecision("Taxes rose.", 1, "c-1", "accept", "ann", "2026-11-27T10:00:00Z")
    assert decisions[1].label == 0
    path.write_text(json.dumps({"text": "x", "label": "yes"}) + "\n")
    with pytest.raises(InputError, match="line 1.*label"):
        load_decisions([path])


def test_retrain_promotes_only_when_not_worse_then_promote_and_rollback(tmp_path, models):
    always, never = models
    registry = ClaimRegistry(tmp_path / "registry", shipped_path=never)  # shipped model: F1 0 on positives
    decisions = [EditorDecision("Thank you, senator number 3.", 1, decided_at="2026-11-27T09:00:00Z")]

    first = retrain(BASE, decisions, registry=registry, base_model="unused", trainer=copying_trainer(always), threads=1)
    assert first.version == "v0001" and first.promoted and first.heldout_f1 > first.previous_f1 == 0.0
    assert registry.default_name() == "v0001" and registry.default_model_path() == registry.root / "v0001"
    stored = read_jsonl_rows(registry.root / "v0001" / "train.jsonl")
    assert ("Thank you, senator number 3.", 1) in [(r.text, r.label) for r in stored] or is_heldout(
        "Thank you, senator number 3.")
    assert json.loads((registry.root / "v0001" / "metrics.json").read_text())["heldout_f1"] == first.heldout_f1

    worse = retrain(BASE, [], registry=registry, base_model="unused", trainer=copying_trainer(never), threads=1)
    assert worse.version == "v0002" and not worse.promoted
    assert registry.default_name() == "v0001", "a worse model must not become the default"
    assert [v.name for v in registry.versions()] == ["shipped", "v0001", "v0002"]

    with pytest.raises(InputError, match="v0002.*worse.*--force"):
        registry.promote("v0002")
    assert registry.default_name() == "v0001"
    assert registry.promote("v0002", force=True) == "v0001"
    assert registry.default_name() == "v0002"
    assert registry.rollback() == "v0001" and registry.default_name() == "v0001"
    assert registry.rollback() == "shipped" and registry.default_model_path() is None
    with pytest.raises(InputError, match="nothing to roll back"):
        registry.rollback()


def test_heldout_split_is_the_same_across_retrainings(tmp_path, models):
    always, _ = models
    registry = ClaimRegistry(tmp_path / "registry", shipped_path=always)
    first, second = copying_trainer(always), copying_trainer(always)
    retrain(BASE, [], registry=registry, base_model="unused", trainer=first, threads=1)
    extra = [EditorDecision(f"Editors saw claim {i} about wages.", 1) for i in range(30)]
    retrain(BASE, extra, registry=registry, base_model="unused", trainer=second, threads=1)
    held_first = {r.text for r in first.calls[0][1]}
    held_second = {r.text for r in second.calls[0][1]}
    assert held_first and held_first <= held_second
    assert not held_second & {r.text for r in second.calls[0][0]}


def test_interrupted_training_leaves_no_visible_version(tmp_path, models):
    always, _ = models
    registry = ClaimRegistry(tmp_path / "registry", shipped_path=always)
    retrain(BASE, [], registry=registry, base_model="unused", trainer=copying_trainer(always), threads=1)
    before = registry.versions()

    def crashing_trainer(train_rows, eval_rows, output_dir, **kwargs):
        Path(output_dir).mkdir(parents=True)
        (Path(output_dir) / "config.json").write_text("{}")  # half-written
        raise KeyboardInterrupt("power cut")

    with pytest.raises(KeyboardInterrupt):
        retrain(BASE, [], registry=registry, base_model="unused", trainer=crashing_trainer, threads=1)
    assert registry.versions() == before
    assert visible_versions(registry.root) == ["v0001"]
    assert registry.default_name() == "v0001"
    assert not [p for p in registry.root.iterdir() if p.name.startswith(".tmp-")]


def test_cli_train_into_registry_then_list_promote_rollback(tmp_path, tiny_claim_model, models):
    from cli.main import app

    always, never = models
    data = tmp_path / "cb.json"
    data.write_text(json.dumps([{"sentence_id": i, "label": r.label, "text": r.text} for i, r in enumerate(BASE)]))
    decisions = tmp_path / "decisions.jsonl"
    decisions.write_text(json.dumps({"text": "Wages rose 2 percent.", "label": 1, "claim_id": "c-9",
                                     "decision": "accept", "editor": "ann", "decided_at": "2026-11-27T10:00:00Z"}) + "\n")
    config = tmp_path / "config.yaml"
    config.write_text(f"claims:\n  model_path: {never}\n")
    registry_dir = tmp_path / "registry"
    runner = CliRunner()
    result = runner.invoke(app, [
        "train", "claims", "--no-prefect", "--data", str(data), "--decisions", str(decisions),
        "--base-model", str(tiny_claim_model), "--epochs", "1", "--batch-size", "16", "--max-length", "24",
        "--threads", "1", "--seed", "5", "--seed", "6", "--registry-dir", str(registry_dir), "--config", str(config),
    ])
    assert result.exit_code == 0, result.output
    metrics = json.loads((registry_dir / "v0001" / "metrics.json").read_text())
    assert [m["seed"] for m in metrics["members"]] == [5, 6]  # --seed repeated: one run each, averaged
    assert "version v0001" in result.output and "1 editor decisions" in result.output
    assert (registry_dir / "v0001" / "model.safetensors").is_file()
    assert {"config.json", "tokenizer.json", "metrics.json", "train.jsonl"} <= {p.name for p in (registry_dir / "v0001").iterdir()}

    # claims.model_path (the never-check-worthy model, F1 0) is the shipped default it is compared with.
    assert "promoted to default" in result.output
    listing = runner.invoke(app, ["models", "list", "--registry-dir", str(registry_dir), "--config", str(config), "--json"])
    assert listing.exit_code == 0, listing.output
    listed = json.loads(listing.output)
    assert [(v["name"], v["default"], v["path"]) for v in listed] == [
        ("shipped", False, str(never)), ("v0001", True, str(registry_dir / "v0001"))]
    assert listed[0]["heldout_f1"] == 0.0

    result = runner.invoke(app, ["models", "promote", "v0009", "--registry-dir", str(registry_dir)])
    assert result.exit_code == 2 and "v0009" in result.output
    result = runner.invoke(app, ["models", "promote", "shipped", "--force", "--registry-dir", str(registry_dir)])
    assert result.exit_code == 0 and "default is now shipped (was v0001)" in result.output, result.output
    result = runner.invoke(app, ["models", "rollback", "--registry-dir", str(registry_dir)])
    assert result.exit_code == 0 and "default is now v0001 (was shipped)" in result.output, result.output


@pytest.mark.slow
def test_flow_trains_to_a_directory(tmp_path, tiny_claim_model):
    from prefect.testing.utilities import prefect_test_harness

    from flows.train_claims import train_claim_classifier_flow

    data = tmp_path / "cb.json"
    data.write_text(json.dumps([{"sentence_id": i, "label": r.label, "text": r.text} for i, r in enumerate(BASE)]))
    with prefect_test_harness(server_startup_timeout=180):  # the shared 2-core CPU is often busy
        summary = train_claim_classifier_flow(
            [str(data)], [], str(tmp_path / "model"), None,
            {"base_model": str(tiny_claim_model), "epochs": 1, "lr": 1e-3, "batch_size": 16, "max_length": 24,
             "seeds": [1], "threads": 1, "heldout_fraction": 0.1})
    assert summary["output"] == str(tmp_path / "model")
    assert (tmp_path / "model" / "model.safetensors").is_file()
