"""NLI throughput: a plain transformers pipeline (fp32) against `NliVerifier.predict`, fp32 and int8.

All three score the same pairs with the same model, batch size and thread count in this run;
the script prints pairs/s and accuracy of each, and the ratio of each `NliVerifier` mode to the
plain pipeline. `NliVerifier` sorts pairs by length into batches and runs under
`torch.inference_mode()`; int8 is dynamic per-channel quantization (`nli.quantize`).

    python bench/nli_throughput.py [DATA.jsonl] [--model models/nli] [--pairs 2000] [--threads 2]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path
from typing import Callable

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

import numpy as np  # noqa: E402


def plain_pipeline(model_dir: Path, batch_size: int, max_length: int) -> Callable[[list], np.ndarray]:
    """A function giving the predicted label index (our order) per pair, with `transformers.pipeline` in fp32."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer, pipeline

    from pipeline.verify import nli_column_order

    model = AutoModelForSequenceClassification.from_pretrained(model_dir, dtype=torch.float32)
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    order = nli_column_order(model.config.id2label)
    ours_by_name = {model.config.id2label[index]: i for i, index in enumerate(order)}
    classifier = pipeline("text-classification", model=model, tokenizer=tokenizer, device=-1)

    def predict(pairs):
        inputs = [{"text": p, "text_pair": h} for p, h in pairs]
        outputs = classifier(inputs, batch_size=batch_size, truncation=True, max_length=max_length)
        return np.array([ours_by_name[o["label"]] for o in outputs])

    return predict


def ours(model_dir: Path, batch_size: int, max_length: int, threads: int, quantize: bool) -> Callable[[list], np.ndarray]:
    """The same, with `NliVerifier` (length-sorted batches; int8 if ``quantize``)."""
    from pipeline.verify import NliVerifier

    verifier = NliVerifier(model_dir, batch_size=batch_size, max_length=max_length, threads=threads,
                           quantize=quantize)
    verifier.warm_up()
    return lambda pairs: verifier.predict(pairs).argmax(axis=1)


def timed(predict: Callable[[list], np.ndarray], pairs) -> tuple[np.ndarray, float]:
    started = time.perf_counter()
    labels = predict(pairs)
    return labels, time.perf_counter() - started


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", default=str(PROJECT_ROOT.parent / "shared" / "data" / "nli" / "vitaminc_dev.jsonl"))
    parser.add_argument("--model", default=str(PROJECT_ROOT / "models" / "nli"))
    parser.add_argument("--pairs", type=int, default=2000)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--max-length", type=int, default=256)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=3, help="timed runs of each mode; the median counts")
    ns = parser.parse_args(argv)

    import torch

    from pipeline.training.nli import read_nli_jsonl

    torch.set_num_threads(ns.threads)
    rows = read_nli_jsonl([ns.data])
    rows = random.Random(ns.seed).sample(rows, min(ns.pairs, len(rows)))
    pairs = [(r["premise"], r["hypothesis"]) for r in rows]
    gold = np.array([r["label"] for r in rows])
    model_dir = Path(ns.model)

    modes = {
        "transformers pipeline fp32": plain_pipeline(model_dir, ns.batch_size, ns.max_length),
        "NliVerifier fp32 sorted": ours(model_dir, ns.batch_size, ns.max_length, ns.threads, False),
        "NliVerifier int8 sorted": ours(model_dir, ns.batch_size, ns.max_length, ns.threads, True),
    }
    runs: dict[str, list[tuple[np.ndarray, float]]] = {name: [] for name in modes}
    for predict in modes.values():
        predict(pairs[: ns.batch_size])  # warm-up
    for _ in range(ns.repeats):  # interleaved, so a busy moment on the machine hits every mode alike
        for name, predict in modes.items():
            runs[name].append(timed(predict, pairs))
    results = {name: (r[0][0], float(np.median([seconds for _, seconds in r]))) for name, r in runs.items()}

    print(f"model={model_dir} pairs={len(pairs)} batch_size={ns.batch_size} threads={ns.threads} "
          f"max_length={ns.max_length} repeats={ns.repeats} (median) data={ns.data}")
    for name, (labels, seconds) in results.items():
        print(f"{name:28s} {len(pairs) / seconds:8.1f} pairs/s  accuracy={float((labels == gold).mean()):.4f}")
    base_labels, base_seconds = results["transformers pipeline fp32"]
    for name in ("NliVerifier fp32 sorted", "NliVerifier int8 sorted"):
        labels, seconds = results[name]
        delta = float((labels == gold).mean() - (base_labels == gold).mean())
        print(f"{name}: ratio={base_seconds / seconds:.2f}x, accuracy delta={delta * 100:+.2f} points, "
              f"label agreement with the pipeline={float((labels == base_labels).mean()):.4f}")
    _, fp32_seconds = results["NliVerifier fp32 sorted"]
    print(f"ratio={base_seconds / fp32_seconds:.2f}x")

if __name__ == "__main__":
    main()
