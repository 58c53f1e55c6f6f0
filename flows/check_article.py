"""The `check-article` flow: one task per pipeline stage, models shared across runs in a process."""

from __future__ import annotations


from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from flows.progress import passages_embedded, sentences_verified, stage_done
from pipeline.checker import shared_checker
from pipeline.config import load_config
from pipeline.io import write_reports
from pipeline.report import render, report_to_dict


@task(cache_policy=NO_CACHE, name="ingest")
def ingest_article(config: dict, article_path: str):
    return shared_checker(config).ingest(article_path)


@task(cache_policy=NO_CACHE, name="index-evidence")
def index_evidence(config: dict, evidence_paths: list[str] | None, roster_path: str | None):
    return shared_checker(config).evidence(evidence_paths, roster_path, on_progress=passages_embedded)


@task(cache_policy=NO_CACHE, name="segment")
def segment_article(config: dict, article):
    return shared_checker(config).segment(article)


@task(cache_policy=NO_CACHE, name="detect-claims")
def detect_claims(config: dict, segmentation):
    return shared_checker(config).detect_claims(segmentation)


@task(cache_policy=NO_CACHE, name="retrieve-evidence")
def retrieve_evidence(config: dict, claims, context):
    return shared_checker(config).retrieve(claims, context)


@task(cache_policy=NO_CACHE, name="verify-claims")
def verify_claims(config: dict, claims, passages):
    return shared_checker(config).verify(claims, passages, on_progress=sentences_verified)


@task(cache_policy=NO_CACHE, name="check-attribution")
def check_attribution(config: dict, article, segmentation, context, passages):
    return shared_checker(config).check_attribution(article, segmentation, context, passages)


@task(cache_policy=NO_CACHE, name="write-report")
def write_report(
    config: dict, article, claims, verdicts, attribution_flags, outputs: dict[str, str], article_metadata: dict[str, str] | None = None
) -> dict:
    report = shared_checker(config).assemble_report(article, claims, verdicts, attribution_flags)
    data = report_to_dict(report, article_metadata)
    write_reports({path: render(data, fmt) for path, fmt in outputs.items()})  # every format rendered, then all or none
    return data


def _step(stage: str, value):
    stage_done(stage)
    return value


@flow(name="check-article", log_prints=True)
def check_article_flow(
    article_path: str,
    evidence_paths: list[str] | None = None,
    roster_path: str | None = None,
    outputs: dict[str, str] | None = None,
    config_path: str | None = None,
    config_overrides: dict | None = None,
    article_metadata: dict[str, str] | None = None,
) -> dict:
    """Check one article against an evidence set; return the report dict.

    ``outputs`` maps report paths to formats (json, md, html); each is written atomically.
    ``article_metadata`` (``url``, ``published``) goes into the report's ``article`` section.
    """
    config = load_config(config_path, config_overrides)
    shared_checker(config).timings = {}
    article = _step("ingest", ingest_article(config, article_path))
    context = _step("evidence", index_evidence(config, evidence_paths, roster_path))
    segmentation = _step("segment", segment_article(config, article))
    claims = _step("claims", detect_claims(config, segmentation))
    passages = _step("retrieve", retrieve_evidence(config, claims, context))
    verdicts = _step("verify", verify_claims(config, claims, passages))
    flags = _step("attribution", check_attribution(config, article, segmentation, context, passages))
    return _step("report", write_report(config, article, claims, verdicts, flags, outputs or {}, article_metadata))
