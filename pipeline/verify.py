"""Verify stage: an NLI cross-encoder judges each retrieved passage against each claim.

Any local Hugging Face sequence-classification directory with the three NLI labels works
(in any ``id2label`` order and case); probabilities always come back in the column order
``("entailment", "neutral", "contradiction")``.
"""

from __future__ import annotations

import hashlib
import json
import warnings
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from pipeline.alignment import split_evidence_sentences
from pipeline.changes import passage_texts, terms_missing_from
from pipeline.errors import InputError
from pipeline.settings import NliSettings, resolve_path
from pipeline.types import Claim, EvidenceJudgement, RetrievedPassage, Verdict

NLI_LABELS: tuple[str, ...] = ("entailment", "neutral", "contradiction")
ENTAILMENT, NEUTRAL, CONTRADICTION = 0, 1, 2
# `NliVerifier.run` reports progress after every this many batches (length-sorted within each).
PROGRESS_BATCHES = 4

# Label spellings seen on hub NLI models, normalised (lower case, "-"/" " -> "_").
_LABEL_SYNONYMS: dict[str, int] = {
    "entailment": ENTAILMENT, "entails": ENTAILMENT, "entail": ENTAILMENT, "entailed": ENTAILMENT,
    "supports": ENTAILMENT, "supported": ENTAILMENT,
    "neutral": NEUTRAL, "neither": NEUTRAL, "not_enough_info": NEUTRAL, "nei": NEUTRAL,
    "contradiction": CONTRADICTION, "contradicts": CONTRADICTION, "contradict": CONTRADICTION,
    "contradicted": CONTRADICTION, "refutes": CONTRADICTION, "refuted": CONTRADICTION,
}


def nli_column_order(id2label: Mapping[Any, str]) -> list[int]:
    """Map a model's ``id2label`` to the model output index of each of `NLI_LABELS`.

    Args:
        id2label: the model config's mapping from output index to label name.

    Returns:
        ``order`` such that ``logits[:, order]`` is in (entailment, neutral, contradiction) order.

    Raises:
        ValueError: the model does not have exactly the three NLI labels.
    """
    found: dict[int, int] = {}
    for index, name in id2label.items():
        key = str(name).strip().lower().replace("-", "_").replace(" ", "_")
        ours = _LABEL_SYNONYMS.get(key)
        if ours is None or ours in found:
            found = {}
            break
        found[ours] = int(index)
    if len(id2label) != 3 or len(found) != 3:
        labels = [id2label[k] for k in sorted(id2label, key=lambda k: int(k))]
        raise ValueError(
            f"NLI model must have the labels entailment, neutral and contradiction; its id2label has {labels}"
        )
    return [found[ENTAILMENT], found[NEUTRAL], found[CONTRADICTION]]


class NliVerifier:
    """Judge (premise, hypothesis) pairs with an NLI cross-encoder and turn them into verdicts.

    ``__init__`` is cheap; `warm_up` loads the model (``predict`` calls it when needed).
    """

    def __init__(
        self,
        model_path: str | Path,
        *,
        batch_size: int = 32,
        max_length: int = 256,
        threads: int | None = 2,
        quantize: bool = True,
        temperature: float | None = None,
        support_threshold: float = 0.5,
        contradict_threshold: float = 0.6,
    ) -> None:
        if batch_size <= 0:
            raise InputError(f"nli batch_size must be > 0, got {batch_size}")
        if max_length < 8:
            raise InputError(f"nli max_length must be >= 8, got {max_length}")
        if threads is not None and threads <= 0:
            raise InputError(f"nli threads must be > 0 or null, got {threads}")
        if temperature is not None and temperature <= 0:
            raise InputError(f"nli temperature must be > 0, got {temperature}")
        for name, value in (("support_threshold", support_threshold), ("contradict_threshold", contradict_threshold)):
            if not 0.0 <= value <= 1.0:
                raise InputError(f"nli {name} must be in [0, 1], got {value}")
        self.model_path = Path(model_path)
        self.batch_size = batch_size
        self.max_length = max_length
        self.threads = threads
        self.quantize = quantize
        self.temperature = temperature
        self.support_threshold = support_threshold
        self.contradict_threshold = contradict_threshold
        self._model = None
        self._tokenizer = None
        self._order: list[int] | None = None
        self._name: str | None = None

    @classmethod
    def from_settings(cls, nli: NliSettings) -> "NliVerifier":
        """Build from the validated ``nli`` section; a relative model path resolves against the project."""
        return cls(
            resolve_path(nli.model_path),
            batch_size=nli.batch_size,
            max_length=nli.max_length,
            threads=nli.threads,
            quantize=nli.quantize,
            temperature=nli.temperature,
            support_threshold=nli.support_threshold,
            contradict_threshold=nli.contradict_threshold,
        )

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> "NliVerifier":
        """Build from a config mapping's ``nli`` section, validated as the config file is (`from_settings`)."""
        return cls.from_settings(NliSettings.model_validate(dict(config.get("nli") or {})))

    def warm_up(self) -> None:
        """Load tokenizer and model (float32 on CPU, optionally dynamic int8) and the calibration."""
        if self._model is not None:
            return
        import torch
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        if not (self.model_path / "config.json").is_file():
            raise InputError(f"NLI model directory not found or has no config.json: {self.model_path}")
        if self.threads:
            torch.set_num_threads(self.threads)
        tokenizer = AutoTokenizer.from_pretrained(self.model_path)
        # fp16 weights are shipped to save space; CPU inference runs in float32.
        model = AutoModelForSequenceClassification.from_pretrained(self.model_path, dtype=torch.float32)
        order = nli_column_order(model.config.id2label)
        model.eval()
        if self.quantize:
            from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # torch deprecates quantized tensors but still runs them
                # One scale per output row: on the shipped model this halved the accuracy lost to int8.
                model = quantize_dynamic(model, {torch.nn.Linear: per_channel_dynamic_qconfig}, dtype=torch.qint8)
        if self.temperature is None:
            self.temperature = self._read_temperature()
        self._tokenizer, self._model, self._order = tokenizer, model, order

    def _read_temperature(self) -> float:
        path = self.model_path / "calibration.json"
        if not path.is_file():
            return 1.0
        try:
            temperature = float(json.loads(path.read_text(encoding="utf-8"))["temperature"])
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(f"{path} must hold a JSON object with a numeric 'temperature': {exc}") from exc
        if temperature <= 0:
            raise InputError(f"{path} temperature must be > 0, got {temperature}")
        return temperature

    @property
    def model_name(self) -> str:
        """Directory name plus a short hash of its config, weights and calibration."""
        if self._name is None:
            digest = hashlib.sha256()
            for name in ("config.json", "model.safetensors", "pytorch_model.bin", "calibration.json"):
                path = self.model_path / name
                if path.is_file():
                    digest.update(name.encode())
                    with path.open("rb") as handle:
                        for chunk in iter(lambda: handle.read(1 << 20), b""):
                            digest.update(chunk)
            self._name = f"{self.model_path.name}@{digest.hexdigest()[:10]}"
        return self._name

    def predict(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """Probabilities for (premise, hypothesis) pairs.

        Returns:
            ``(n, 3)`` float array, columns always (entailment, neutral, contradiction),
            rows in the order of ``pairs``; temperature-scaled softmax.
        """
        if len(pairs) == 0:
            return np.zeros((0, 3), dtype=np.float32)
        self.warm_up()
        import torch

        tokenizer, model = self._tokenizer, self._model
        premises = [str(p) for p, _ in pairs]
        hypotheses = [str(h) for _, h in pairs]
        encoded = tokenizer(premises, hypotheses, truncation=True, max_length=self.max_length)
        features = [{key: encoded[key][i] for key in encoded.keys()} for i in range(len(pairs))]
        # Length-sorted batches pad little; the original order is restored at the end.
        order = np.argsort([len(f["input_ids"]) for f in features], kind="stable")
        logits = np.zeros((len(pairs), 3), dtype=np.float32)
        with torch.inference_mode():
            for start in range(0, len(order), self.batch_size):
                index = order[start:start + self.batch_size]
                batch = tokenizer.pad([features[i] for i in index], return_tensors="pt")
                output = model(**batch).logits.float()
                logits[index] = output[:, self._order].numpy()
        scaled = logits.astype(np.float64) / float(self.temperature or 1.0)
        scaled -= scaled.max(axis=1, keepdims=True)
        probabilities = np.exp(scaled)
        probabilities /= probabilities.sum(axis=1, keepdims=True)
        return probabilities.astype(np.float32)

    def _predict_reporting(self, pairs: list[tuple[str, str]], claim_ends: list[int], on_progress: Callable[[int, int], None]) -> np.ndarray:
        """`predict` over ``pairs`` in chunks of whole claims (``claim_ends``: each claim's end in ``pairs``)."""
        probabilities = np.zeros((len(pairs), 3), dtype=np.float32)
        chunk = self.batch_size * PROGRESS_BATCHES
        start = 0
        on_progress(0, len(claim_ends))
        for done, end in enumerate(claim_ends, 1):
            if end - start >= chunk or done == len(claim_ends):
                probabilities[start:end] = self.predict(pairs[start:end])
                start = end
                on_progress(done, len(claim_ends))
        return probabilities

    def decide(self, probabilities: np.ndarray) -> tuple[str, float, int | None]:
        """Aggregate one claim's ``(k, 3)`` passage probabilities into (verdict, confidence, deciding column).

        ``supported`` if the best entailment reaches ``support_threshold`` and beats the best
        contradiction; ``contradicted`` if the best contradiction reaches ``contradict_threshold``
        and beats the best entailment; otherwise ``needs_review`` (`run` turns it into
        ``not_enough_evidence`` when the claim names what the evidence never mentions), with
        confidence ``1 - max(best entailment, best contradiction)``; ``not_enough_evidence``
        when there are no passages.
        """
        if len(probabilities) == 0:
            return "not_enough_evidence", 1.0, None
        best_entail = float(probabilities[:, ENTAILMENT].max())
        best_contra = float(probabilities[:, CONTRADICTION].max())
        if best_entail >= self.support_threshold and best_entail > best_contra:
            return "supported", best_entail, ENTAILMENT
        if best_contra >= self.contradict_threshold and best_contra > best_entail:
            return "contradicted", best_contra, CONTRADICTION
        return "needs_review", 1.0 - max(best_entail, best_contra), None

    def run(
        self,
        claims: Sequence[Claim],
        passages: Mapping[str, Sequence[RetrievedPassage]],
        on_progress: Callable[[int, int], None] | None = None,
    ) -> dict[str, Verdict]:
        """Verdicts for ``claims`` given each claim's retrieved passages (keyed by claim id).

        The (passage, claim) pairs are scored in batched `predict` calls of about `PROGRESS_BATCHES`
        batches each, in claim order; after each, ``on_progress(claims scored, all claims)`` is called
        (first with 0), so a caller can show how far the check is and estimate the rest.
        """
        pairs: list[tuple[str, str]] = []
        spans: dict[str, tuple[int, int]] = {}
        for claim in claims:
            retrieved = passages.get(claim.id, ())
            spans[claim.id] = (len(pairs), len(pairs) + len(retrieved))
            pairs.extend((item.passage.text, claim.text) for item in retrieved)
        probabilities = self._predict_reporting(pairs, [spans[c.id][1] for c in claims], on_progress or (lambda done, total: None))

        verdicts: dict[str, Verdict] = {}
        for claim in claims:
            start, end = spans[claim.id]
            claim_probs = probabilities[start:end]
            label, confidence, column = self.decide(claim_probs)
            retrieved = list(passages.get(claim.id, ()))
            if label == "needs_review" and terms_missing_from(claim.text, passage_texts([item.passage for item in retrieved])):
                label = "not_enough_evidence"
            if column is None:
                decisiveness = np.maximum(claim_probs[:, ENTAILMENT], claim_probs[:, CONTRADICTION])
            else:
                decisiveness = claim_probs[:, column]
            ranked = sorted(range(len(retrieved)), key=lambda i: (-float(decisiveness[i]), -retrieved[i].score))
            evidence = tuple(
                EvidenceJudgement(
                    passage=retrieved[i].passage,
                    retrieval_score=float(retrieved[i].score),
                    label=NLI_LABELS[int(claim_probs[i].argmax())],
                    probabilities={name: float(claim_probs[i, j]) for j, name in enumerate(NLI_LABELS)},
                )
                for i in ranked
            )
            decided_by = (evidence[0].passage.id,) if column is not None and evidence else ()
            verdicts[claim.id] = Verdict(claim.id, label, float(confidence), evidence, decided_by=decided_by)
        return verdicts


def closest_sentence_similarity(
    claims: Sequence[Claim], passages: Mapping[str, Sequence[RetrievedPassage]], encode: Callable[[Sequence[str]], np.ndarray]
) -> dict[str, float]:
    """Per claim, the highest cosine similarity between it and a sentence of its retrieved passages (0 with none).

    ``encode`` returns one unit-length row per text (`pipeline.embed.SentenceEmbedder.encode`); each distinct
    sentence is encoded once.
    """
    sentences = {claim.id: [s for hit in passages.get(claim.id, ()) for s in split_evidence_sentences(hit.passage.text)] for claim in claims}
    unique = sorted({s for found in sentences.values() for s in found})
    vectors = encode([claim.text for claim in claims] + unique)
    row_of = {sentence: len(claims) + i for i, sentence in enumerate(unique)}
    return {
        claim.id: float(max((vectors[i] @ vectors[row_of[s]] for s in sentences[claim.id]), default=0.0))
        for i, claim in enumerate(claims)
    }


def mark_uncovered(
    verdicts: Mapping[str, Verdict], similarity: Mapping[str, float], *, max_similarity: float, max_entailment: float
) -> dict[str, Verdict]:
    """``needs_review`` verdicts become ``not_enough_evidence`` where the evidence does not cover the claim.

    A claim no retrieved sentence resembles (``similarity`` below ``max_similarity``) and no passage
    entails even weakly (best entailment below ``max_entailment``) says something the evidence leaves out,
    as an invented sentence does; one the model merely failed to match with a paraphrase, or one that
    restates a source sentence (a hedge changed), keeps ``needs_review``. ``similarity``: `closest_sentence_similarity`
    of the undecided claims.
    """
    marked = dict(verdicts)
    for claim_id, verdict in verdicts.items():
        if verdict.label != "needs_review" or verdict.source_sentence or similarity.get(claim_id, 1.0) >= max_similarity:
            continue
        entailment = max((j.probabilities.get("entailment", 0.0) for j in verdict.evidence), default=0.0)
        if entailment < max_entailment:
            note = f"no evidence sentence resembles it (closest {similarity[claim_id]:.2f}) and none entails it ({entailment:.2f})"
            marked[claim_id] = replace(verdict, label="not_enough_evidence", confidence=1.0 - entailment, note=note)
    return marked


def review_close_restatements(
    claims: Sequence[Claim], verdicts: Mapping[str, Verdict], similarity: Mapping[str, float],
    passages: Mapping[str, Sequence[RetrievedPassage]], *, min_similarity: float,
) -> dict[str, Verdict]:
    """``not_enough_evidence`` verdicts become ``needs_review`` where an evidence sentence says much the same.

    The NLI model left such a claim undecided and it names a figure or name no passage mentions
    (`NliVerifier.run`); with a retrieved sentence this close to it (``similarity`` at ``min_similarity``
    or above) it is a restatement with a term changed or added, often a contradiction the rules did not
    pair up, rather than an invented sentence. The note names the missing terms for the editor.
    ``similarity``: `closest_sentence_similarity` of the claims.
    """
    marked = dict(verdicts)
    for claim in claims:
        verdict = verdicts.get(claim.id)
        if verdict is None or verdict.label != "not_enough_evidence" or similarity.get(claim.id, 0.0) < min_similarity:
            continue
        missing = terms_missing_from(claim.text, passage_texts([hit.passage for hit in passages.get(claim.id, ())]))
        terms = ", ".join(f"“{term}”" for term in missing) or "one of its terms"
        note = f"An evidence sentence says much the same (similarity {similarity[claim.id]:.2f}) but does not give {terms}"
        marked[claim.id] = replace(verdict, label="needs_review", note=note)
    return marked
