"""Check-worthiness scores from a fine-tuned sequence classifier (``models/claims``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

import numpy as np

from pipeline.errors import InputError

CHECKWORTHY_LABEL = "checkworthy"


class CheckworthinessModel:
    """Scores sentences with the probability that they are check-worthy.

    ``__init__`` only records settings; ``warm_up()`` (or the first ``score``) loads the model.

    Args:
        model_path: Directory holding a Hugging Face sequence classifier whose ``id2label``
            includes ``"checkworthy"``.
        batch_size: Sentences per forward pass.
        max_length: Token limit per sentence.
        threads: torch intra-op threads (None: leave torch's setting alone).
    """

    def __init__(
        self, model_path: str | Path, *, batch_size: int = 64, max_length: int = 128, threads: int | None = 2
    ) -> None:
        if batch_size <= 0:
            raise ValueError(f"batch_size must be > 0, got {batch_size}")
        if max_length <= 0:
            raise ValueError(f"max_length must be > 0, got {max_length}")
        if threads is not None and threads <= 0:
            raise ValueError(f"threads must be > 0 or None, got {threads}")
        self.model_path = Path(model_path)
        self.batch_size = batch_size
        self.max_length = max_length
        self.threads = threads
        self._model: Any = None
        self._tokenizer: Any = None
        self._positive_index: int | None = None

    @property
    def model_name(self) -> str:
        """A name for reports: the model directory's name (and registry version when it is one)."""
        path = self.model_path.resolve()
        if path.parent.name == "claims" and path.parent.parent.name == "registry":
            return f"claims-registry/{path.name}"
        return path.name

    def warm_up(self) -> None:
        """Load the tokenizer and model (once)."""
        if self._model is not None:
            return
        if not (self.model_path / "config.json").is_file():
            raise InputError(f"no check-worthiness model at {self.model_path} (config.json missing)")
        import torch
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        if self.threads:
            torch.set_num_threads(self.threads)
        model = AutoModelForSequenceClassification.from_pretrained(str(self.model_path))
        labels = {int(i): str(name) for i, name in (model.config.id2label or {}).items()}
        positive = [i for i, name in labels.items() if name.lower() == CHECKWORTHY_LABEL]
        if not positive:
            raise ValueError(
                f"model at {self.model_path} has no {CHECKWORTHY_LABEL!r} label in config.id2label, got {labels}"
            )
        self._positive_index = positive[0]
        self._tokenizer = AutoTokenizer.from_pretrained(str(self.model_path))
        # fp16 weights are stored to keep the download small; CPUs compute in fp32.
        self._model = model.float().eval()

    def score(self, texts: Sequence[str]) -> np.ndarray:
        """Return P(checkworthy) for each text, shape ``(len(texts),)``, in input order."""
        if isinstance(texts, str):
            raise TypeError("score() takes a sequence of strings, not a single string")
        if len(texts) == 0:
            return np.zeros(0, dtype=np.float32)
        self.warm_up()
        import torch

        # Sort by length so each batch pads little; restore input order at the end.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        scores = np.empty(len(texts), dtype=np.float32)
        with torch.inference_mode():
            for start in range(0, len(order), self.batch_size):
                batch = order[start : start + self.batch_size]
                encoded = self._tokenizer(
                    [texts[i] for i in batch], padding=True, truncation=True,
                    max_length=self.max_length, return_tensors="pt",
                )
                logits = self._model(**encoded).logits.float()
                probs = torch.softmax(logits, dim=-1)[:, self._positive_index]
                scores[batch] = probs.numpy()
        return scores
