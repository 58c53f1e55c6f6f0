"""The GPU recipe end to end on the CPU: tiny teacher and student, a few dozen rows."""

from __future__ import annotations

import json

from pipeline.training.distil import run_recipe
from pipeline.verify import NliVerifier
from tests.test_nli_training import _write_rows
from tests.tiny_models import make_tiny_classifier


def test_recipe_writes_teacher_and_a_student_that_predicts(tmp_path):
    teacher_base = make_tiny_classifier(tmp_path / "teacher-base", ("a", "b"), seed=1)
    student_base = make_tiny_classifier(tmp_path / "student-base", ("entailment", "neutral", "contradiction"))
    train = _write_rows(tmp_path / "train.jsonl", 36)
    dev = _write_rows(tmp_path / "dev.jsonl", 6, offset=100)
    summary = run_recipe([train], [dev], tmp_path / "out", teacher_base=teacher_base, student_base=student_base,
                         teacher_epochs=1, student_epochs=1, batch_size=8, max_eval_rows=6, threads=1)
    out = tmp_path / "out"
    for name in ("teacher", "student"):
        assert (out / name / "model.safetensors").is_file() and (out / name / "calibration.json").is_file()
    scored = [json.loads(line) for line in (out / "scored_train.jsonl").read_text().splitlines()]
    assert scored and all(abs(sum(r["teacher"]) - 1) < 1e-3 for r in scored)
    assert json.loads((out / "student" / "training_args.json").read_text())["distil_alpha"] == 0.7
    probabilities = NliVerifier(out / "student").predict([("Team 1 won the match.", "Team 1 won.")])
    assert probabilities.shape == (1, 3)
    assert summary["student_dir"] == str(out / "student")
