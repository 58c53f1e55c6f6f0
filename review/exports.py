"""Exports of editors' decisions: retraining JSON Lines and schema.org ClaimReview JSON-LD."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import quote

from sqlalchemy.orm import Session

from pipeline.io import write_atomically  # noqa: F401  (the CLI writes exports with it)
from review.explain import link
from review.store import Decision, Flag, Run, flags_with_status

# Flags that judge a claim as a whole: the editor's accept/reject says whether the
# claim was worth checking, which is what the claim classifier learns.
CLAIM_LEVEL_TYPES: tuple[str, ...] = ("unsupported", "contradicted")
LABEL_OF_DECISION = {"accept": 1, "reject": 0}

# Rating per accepted (or corrected) flag type, worst first; ratingValue on a 1-5 scale.
_RATINGS: tuple[tuple[str, str, int], ...] = (
    ("contradicted", "False", 1),
    ("misattribution", "Misattributed", 2),
    ("unsupported", "Unsupported", 3),
)

# Flags that rate nothing: "needs review" says the checker could not decide, so an
# editor's decision on one is no rating of the claim. Claims whose only decided flags
# are of these types get no ClaimReview.
UNRATED_TYPES: tuple[str, ...] = ("needs_review",)


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def decision_rows(session: Session) -> list[dict[str, Any]]:
    """One row per claim-level flag whose latest decision is accept or reject, oldest first.

    ``label`` is 1 for accept (the claim was worth checking) and 0 for reject. Flags
    whose latest decision is ``correct`` are left out: the contract has only accept/reject.
    """
    rows = []
    for flag, decision in flags_with_status(session):
        if flag.type not in CLAIM_LEVEL_TYPES or flag.claim is None or decision is None:
            continue
        if decision.action not in LABEL_OF_DECISION:
            continue
        rows.append(
            {
                "text": flag.claim.text,
                "label": LABEL_OF_DECISION[decision.action],
                "claim_id": flag.claim.claim_id,
                "decision": decision.action,
                "editor": decision.user.username,
                "decided_at": iso(decision.decided_at),
            }
        )
    rows.sort(key=lambda row: row["decided_at"])
    return rows


def _rating(verdict: str | None, decided: list[tuple[Flag, Decision]]) -> tuple[str, int | None]:
    upheld = {flag.type for flag, decision in decided if decision.action in ("accept", "correct")}
    for flag_type, name, value in _RATINGS:
        if flag_type in upheld:
            return name, value
    if upheld:  # only name or quote fixes: the claim itself stands as checked
        return ("True", 5) if verdict == "supported" else ("Needs correction", None)
    # Every flag rejected: the editors found nothing wrong with the claim.
    return ("True", 5) if verdict == "supported" else ("No issue found", None)


def _appearance(run: Run) -> dict[str, Any]:
    """The article the claim appeared in, as a schema.org ``CreativeWork``: its title, public address and date."""
    work: dict[str, Any] = {"@type": "CreativeWork", "name": " ".join((run.article_title or Path(run.article_path).stem).split())}
    if link(run.article_url):  # the public address only: a local file path is no URL
        work["url"] = run.article_url
    if run.article_published:
        work["datePublished"] = run.article_published
    return work


def _claim(claim, run: Run) -> dict[str, Any]:
    """``itemReviewed``: the schema.org ``Claim``, said by its speaker (when known), first seen in the article."""
    appearance = _appearance(run)
    item: dict[str, Any] = {"@type": "Claim", "appearance": appearance, "firstAppearance": appearance}
    if claim.speaker and claim.speaker.strip():
        item["author"] = {"@type": "Person", "name": " ".join(claim.speaker.split())}
    if run.article_published:
        item["datePublished"] = run.article_published
    return item


def claimreview_items(session: Session, organization: dict[str, str], page_url: str | None = None) -> list[dict[str, Any]]:
    """A schema.org ClaimReview for each claim with at least one decided flag.

    ``url`` (the page that publishes the fact check) is ``page_url`` or else the organisation's
    address, with the claim id as its anchor; there is none when neither is an http(s) address.
    """
    by_claim: dict[int, list[tuple[Flag, Decision]]] = {}
    for flag, decision in flags_with_status(session):
        if flag.claim is not None and decision is not None and flag.type not in UNRATED_TYPES:
            by_claim.setdefault(flag.claim.id, []).append((flag, decision))
    author: dict[str, Any] = {"@type": "Organization", "name": organization["name"].strip()}
    if organization.get("url"):
        author["url"] = organization["url"]
    page = link(page_url) or link(organization.get("url"))
    items = []
    for decided in by_claim.values():
        claim = decided[0][0].claim
        name, value = _rating(claim.verdict, decided)
        rating: dict[str, Any] = {"@type": "Rating", "alternateName": name}
        if value is not None:
            rating.update(ratingValue=value, bestRating=5, worstRating=1)
        last = max(decision.decided_at for _, decision in decided)
        corrections = [d.correction for _, d in decided if d.action == "correct" and d.correction]
        body = " ".join(corrections) or "; ".join(f.message for f, d in decided if d.action == "accept" and f.message)
        review: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "identifier": claim.claim_id,
            "claimReviewed": " ".join(claim.text.split()),
            "reviewRating": rating,
            "itemReviewed": _claim(claim, claim.run),
            "datePublished": last.date().isoformat(),
            "author": author,
        }
        if page:
            review["url"] = f"{page.split('#')[0]}#{quote(claim.claim_id)}"
        if body:
            review["reviewBody"] = body
        items.append(review)
    items.sort(key=lambda item: (item["datePublished"], item["identifier"]))
    return items


def jsonl_text(rows: Iterable[dict[str, Any]]) -> str:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


