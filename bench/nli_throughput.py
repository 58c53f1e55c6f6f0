"""NLI throughput: a plain transformers pipeline (fp32) against `NliVerifier.predict` (length-sorted, int8).

Both score the same pairs with the same model, batch size and thread count in this run; the
script prints pairs/s of each, their ratio, and the accuracy of each on those pairs.

    python bench/nli_throughput.py [DATA.jsonl] [--model models/nli] [--pairs 2000] [--threads 2]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

import numpy as np  # noqa: E402


def plain_pipeline(model_dir: Path, pairs, batch_size: int, max_length: int) -> tuple[np.ndarray, float]:
    """Predicted label index (our order) per pair, and seconds, with `transformers.pipeline` in fp32."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer, pipeline

    from pipeline.verify import nli_column_order

    model = AutoModelForSequenceClassification.from_pretrained(model_dir, dtype=torch.float32)
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    order = nli_column_order(model.config.id2label)
    ours_by_name = {model.config.id2label[index]: i for i, index in enumerate(order)}
    classifier = pipeline("text-classification", model=model, tokenizer=tokenizer, device=-1)
    inputs = [{"text": p, "text_pair": h} for p, h in pairs]
    classifier(inputs[:batch_size], batch_size=batch_size, truncation=True, max_length=max_length)  # warm-up
    started = time.perf_counter()
    outputs = classifier(inputs, batch_size=batch_size, truncation=True, max_length=max_length)
    seconds = time.perf_counter() - started
    return np.array([ours_by_name[o["label"]] for o in outputs]), seconds


def ours(model_dir: Path, pairs, batch_size: int, max_length: int, threads: int, quantize: bool):
    from pipeline.verify import NliVerifier

    verifier = NliVerifier(model_dir, batch_size=batch_size, max_length=max_length, threads=threads,
                           quantize=quantize)
    verifier.warm_up()
    verifier.predict(pairs[:batch_size])  # warm-up
    started = time.perf_counter()
    probabilities = verifier.predict(pairs)
    seconds = time.perf_counter() - started
    return probabilities.argmax(axis=1), seconds


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", default=str(PROJECT_ROOT.parent / "shared" / "data" / "nli" / "vitaminc_dev.jsonl"))
    parser.add_argument("--model", default=str(PROJECT_ROOT / "models" / "nli"))
    parser.add_argument("--pairs", type=int, default=2000)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--max-length", type=int, default=256)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--also-fp32", action="store_true", help="also time NliVerifier without int8")
    ns = parser.parse_args(argv)

    import torch

    from pipeline.nli_training import read_nli_jsonl

    torch.set_num_threads(ns.threads)
    rows = read_nli_jsonl([ns.data])
    rows = random.Random(ns.seed).sample(rows, min(ns.pairs, len(rows)))
    pairs = [(r["premise"], r["hypothesis"]) for r in rows]
    gold = np.array([r["label"] for r in rows])
    model_dir = Path(ns.model)

    results = {}
    labels, seconds = plain_pipeline(model_dir, pairs, ns.batch_size, ns.max_length)
    results["transformers pipeline fp32"] = (labels, seconds)
    if ns.also_fp32:
        results["NliVerifier fp32 sorted"] = ours(model_dir, pairs, ns.batch_size, ns.max_length, ns.threads, False)
    results["NliVerifier int8 sorted"] = ours(model_dir, pairs, ns.batch_size, ns.max_length, ns.threads, True)

    print(f"model={model_dir} pairs={len(pairs)} batch_size={ns.batch_size} threads={ns.threads} "
          f"max_length={ns.max_length} data={ns.data}")
    for name, (labels, seconds) in results.items():
        print(f"{name:28s} {len(pairs) / seconds:8.1f} pairs/s  accuracy={float((labels == gold).mean()):.4f}")
    base_labels, base_seconds = results["transformers pipeline fp32"]
    ours_labels, ours_seconds = results["NliVerifier int8 sorted"]
    delta = float((ours_labels == gold).mean() - (base_labels == gold).mean())
    agreement = float((ours_labels == base_labels).mean())
    print(f"int8 accuracy delta={delta * 100:+.2f} points, label agreement with fp32={agreement:.4f}")
    print(f"ratio={base_seconds / ours_seconds:.2f}x")


if __name__ == "__main__":
    main()
