"""The whole check of one article, stage by stage, with models loaded once and reused.

`ArticleChecker.check` runs every stage in order (used by batch runs and benchmarks);
the `check-article` Prefect flow calls the same stage methods, one task each.
"""

from __future__ import annotations

import json
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Sequence

from pipeline.alignment import AlignmentChecker, merge_verdicts
from pipeline.attribution import AttributionChecker, Roster, read_roster_csv, relevant_evidence
from pipeline.changes import covering_passages
from pipeline.claims import ClaimDetector, make_scorer
from pipeline.config import Settings, resolve_path
from pipeline.settings import EvidenceSettings
from pipeline.embed import SentenceEmbedder
from pipeline.evidence import EvidenceIndex, source_signature
from pipeline.flags import merge_attribution_flags, quote_flags, verdict_flags
from pipeline.ingest import read_article
from pipeline.limits import refuse_too_many_sentences
from pipeline.segment import Segmentation, segment
from pipeline.types import Article, Claim, Flag, Report, RetrievedPassage, Verdict
from pipeline.verify import NliVerifier, closest_sentence_similarity, mark_uncovered, review_close_restatements


@dataclass
class EvidenceContext:
    """An indexed evidence set and the user's roster file; people named in the evidence join per article."""

    paths: tuple[str, ...]
    index: EvidenceIndex  # or a pipeline.evidence_postgres.PostgresEvidenceStore (evidence.backend: postgres)
    roster: Roster | None
    signature: tuple[str | None, str | None] = (None, None)  # of the evidence files and the roster file when opened


# The stages in the order they run; the `check-article` flow and `ArticleChecker.check` both follow it.
STAGES = ("ingest", "evidence", "segment", "claims", "retrieve", "verify", "attribution", "report")


class ArticleChecker:
    """Checks articles against evidence sets. Cheap to construct; `warm_up()` loads the models."""

    def __init__(self, config: Settings | dict) -> None:
        """``config``: the validated `Settings` (`pipeline.config.load_settings`), or a loaded config mapping
        (validated here). Each stage gets its typed section's values; ``config`` keeps the mapping form."""
        self.settings = config if isinstance(config, Settings) else Settings.model_validate(config)
        self.embedder = SentenceEmbedder(resolve_path(self.settings.embedder.path))
        self.claim_detector = ClaimDetector(make_scorer(self.settings.claims))
        self.alignment = AlignmentChecker(min_coverage=self.settings.verify.restatement_coverage)
        self._verifier = None
        self._evidence: dict[tuple[tuple[str, ...], str], EvidenceContext] = {}
        self.timings: dict[str, float] = {}

    @property
    def config(self) -> dict:
        """The settings as plain mappings (what `pipeline.config.load_config` returns)."""
        return self.settings.model_dump()

    @property
    def verifier(self):
        if self._verifier is None:
            self._verifier = NliVerifier.from_settings(self.settings.nli)
        return self._verifier

    def warm_up(self) -> None:
        with self._timed("warm_up"):
            from pipeline.segment import load_spacy

            load_spacy()
            self.embedder.warm_up()
            self.claim_detector.warm_up()
            self.verifier.warm_up()

    @contextmanager
    def _timed(self, stage: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings[stage] = self.timings.get(stage, 0.0) + time.perf_counter() - start

    def model_names(self) -> dict[str, str]:
        return {
            "embedder": self.embedder.model_name,
            "claims": self.claim_detector.scorer.model_name,
            "nli": self.verifier.model_name,
        }

    # -- stages -----------------------------------------------------------------------------

    def ingest(self, article_path: str | Path) -> Article:
        """Read the article; one with more sentences than ``limits.max_sentences`` is refused (InputError)."""
        with self._timed("ingest"):
            article = read_article(article_path)
            refuse_too_many_sentences(article, self.settings.limits.max_sentences)
            return article

    def segment(self, article: Article) -> Segmentation:
        with self._timed("segment"):
            return segment(article)

    def detect_claims(self, segmentation: Segmentation) -> list[Claim]:
        with self._timed("claims"):
            return self.claim_detector.run(segmentation)

    def evidence(
        self,
        evidence_paths: Sequence[str | Path] | None = None,
        roster_path: str | Path | None = None,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> EvidenceContext:
        """Open the index of an evidence set (built the first time) and read the roster file.

        The evidence files are not read while their path, size and modification time are unchanged
        (`EvidenceIndex.for_files`); in this process an unchanged set and roster cost two ``stat`` calls.
        ``on_progress(done, total)`` follows the embedding of passages not indexed before (embedded backend).
        """
        with self._timed("evidence"):
            evidence_cfg = self.settings.evidence
            if not evidence_paths:
                evidence_paths = [resolve_path(evidence_cfg.default_set)]
                roster_path = roster_path or resolve_path(evidence_cfg.default_roster)
            paths = tuple(str(p) for p in evidence_paths)
            key = (paths, str(roster_path or ""))
            signature = (source_signature(paths), source_signature([roster_path]) if roster_path else None)
            known = self._evidence.get(key)
            if known is None or known.signature != signature or signature[0] is None:
                index = self._open_index(paths, evidence_cfg, on_progress)
                roster = read_roster_csv(roster_path) if roster_path else None
                self._evidence[key] = EvidenceContext(paths, index, roster, signature)
            return self._evidence[key]

    def forget_evidence(self) -> None:
        """Close nothing, forget the evidence sets opened so far: the next check opens its index from disk,
        as a new process would (benchmarks time that warm check with the models still loaded)."""
        self._evidence.clear()

    def _open_index(self, paths: Sequence[str], evidence_cfg: EvidenceSettings, on_progress: Callable[[int, int], None] | None):
        """The embedded index of the evidence set, or the shared PostgreSQL store with the set added (``evidence.backend``)."""
        if evidence_cfg.backend == "postgres":
            from pipeline.evidence_postgres import store_for_files

            return store_for_files(paths, evidence_cfg.database_url, self.embedder)
        index_dir = resolve_path(evidence_cfg.index_dir)
        return EvidenceIndex.for_files(paths, index_dir, self.embedder, ann_threshold=evidence_cfg.ann_threshold, on_progress=on_progress)

    def retrieve(self, claims: Sequence[Claim], context: EvidenceContext) -> dict[str, list[RetrievedPassage]]:
        """Top ``evidence.top_k`` passages for every claim that states something checkable, check-worthy or not, chosen from
        the ``evidence.candidates`` best so that they mention the claim's names and figures where some passage does (`covering_passages`)."""
        with self._timed("retrieve"):
            cfg = self.settings.evidence
            checkable = [c for c in claims if is_checkable(c.text)]
            ranked = context.index.search([c.text for c in checkable], top_k=cfg.candidates, candidates=cfg.candidates, rrf_k=cfg.rrf_k)
            return {claim.id: covering_passages(claim.text, hits, cfg.top_k) for claim, hits in zip(checkable, ranked)}

    def verify(
        self, claims: Sequence[Claim], passages: dict[str, list[RetrievedPassage]], on_progress: Callable[[int, int], None] | None = None
    ) -> dict[str, Verdict]:
        """Verdicts of the claims with passages: the NLI model's, overridden by source alignment, with the undecided
        claims no evidence sentence resembles marked ``not_enough_evidence`` (`mark_uncovered`) and those with terms
        the evidence lacks but a sentence much like them left to review (`review_close_restatements`);
        ``on_progress(done, total)`` follows the NLI scoring (`NliVerifier.run`)."""
        with self._timed("verify"):
            checked = [c for c in claims if c.id in passages]
            verdicts = merge_verdicts(self.verifier.run(checked, passages, on_progress), self.alignment.run(checked, passages))
            undecided = [c for c in checked if verdicts[c.id].label in ("needs_review", "not_enough_evidence")]
            cfg = self.settings.verify
            similarity = closest_sentence_similarity(undecided, passages, self.embedder.encode)
            verdicts = mark_uncovered(verdicts, similarity, max_similarity=cfg.uncovered_similarity, max_entailment=cfg.uncovered_entailment)
            return review_close_restatements(undecided, verdicts, similarity, passages, min_similarity=cfg.restated_similarity)

    def check_attribution(
        self, article: Article, segmentation: Segmentation, context: EvidenceContext, passages: dict[str, list[RetrievedPassage]]
    ) -> list[Flag]:
        """Names, roles and quotations against the people named in the passages retrieved for this article (``passages``,
        from `retrieve`) and in the evidence quotations like the article's, plus the roster file."""
        with self._timed("attribution"):
            retrieved = [hit.passage for hits in passages.values() for hit in hits]
            roster, quotes = relevant_evidence(context.index, retrieved, segmentation.quotes)
            if context.roster is not None:
                roster = context.roster.merged_with(roster)
            cfg = self.settings.attribution
            checker = AttributionChecker(roster, quotes, name_similarity=cfg.name_similarity, quote_similarity=cfg.quote_similarity)
            return checker.run(article, segmentation) + quote_flags(article, segmentation.quotes)

    def assemble_report(
        self, article: Article, claims: Sequence[Claim], verdicts: dict[str, Verdict], attribution_flags: Sequence[Flag]
    ) -> Report:
        with self._timed("report"):
            min_score = self.settings.report.unsupported_min_checkworthiness
            flags = merge_attribution_flags(list(attribution_flags), verdict_flags(claims, verdicts, min_checkworthiness=min_score))
            return Report(article, self.model_names(), tuple(claims), verdicts, tuple(flags), dict(self.timings))

    def check(
        self,
        article_path: str | Path,
        evidence_paths: Sequence[str | Path] | None = None,
        roster_path: str | Path | None = None,
        on_stage: Callable[[str], None] | None = None,
    ) -> Report:
        """Run every stage on one article and return its report.

        ``on_stage`` is called with each stage's name (`STAGES`) once it is done (the review app's
        worker records progress with it); the `report` stage is done when this returns.
        """
        done = on_stage or (lambda stage: None)

        def step(stage: str, value):
            done(stage)
            return value

        self.timings = {}
        article = step("ingest", self.ingest(article_path))
        context = step("evidence", self.evidence(evidence_paths, roster_path))
        segmentation = step("segment", self.segment(article))
        claims = step("claims", self.detect_claims(segmentation))
        passages = step("retrieve", self.retrieve(claims, context))
        verdicts = step("verify", self.verify(claims, passages))
        flags = step("attribution", self.check_attribution(article, segmentation, context, passages))
        return self.assemble_report(article, claims, verdicts, flags)


def is_checkable(text: str) -> bool:
    """Whether a sentence states something that evidence could confirm: four words or more, not a question."""
    return len(text.split()) >= 4 and not text.rstrip().rstrip("”\"’'").endswith("?")


_CHECKERS: dict[str, ArticleChecker] = {}
_CHECKERS_LOCK = threading.Lock()


def shared_checker(config: Settings | dict) -> ArticleChecker:
    """One warmed checker per config per process, so models load once per worker, not once per task.

    Thread-safe: the CLI warms it in a background thread while Prefect's server starts.
    """
    if isinstance(config, Settings):
        config = config.model_dump()  # the same checker for the settings and their dump
    key = json.dumps(config, sort_keys=True, default=str)
    with _CHECKERS_LOCK:
        if key not in _CHECKERS:
            checker = ArticleChecker(config)
            checker.warm_up()
            _CHECKERS[key] = checker
        return _CHECKERS[key]
