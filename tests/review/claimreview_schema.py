"""The shape of a schema.org ClaimReview as Google's fact-check structured data documents it, as a JSON Schema.

Written out here because tests have no network: Google's "Fact check (ClaimReview) structured data" page
requires ``claimReviewed``, ``reviewRating`` (with ``alternateName``) and ``url`` (the page publishing the
fact check) and recommends ``author`` (the publishing organisation), ``datePublished`` and ``itemReviewed``,
a ``Claim`` with its ``appearance``/``firstAppearance`` (a ``CreativeWork`` with its address and date), its
``author`` and ``datePublished``. ``ratingValue`` comes with ``bestRating`` and ``worstRating``.
"""

from __future__ import annotations

TRIMMED_TEXT = {"type": "string", "minLength": 1, "pattern": r"^\S(.*\S)?$"}  # no leading/trailing or doubled-up spaces
HTTP_URL = {"type": "string", "pattern": r"^https?://[^\s/?#]+[^\s]*$"}
ISO_DATE = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$"}

CLAIMREVIEW_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$defs": {
        "person_or_organization": {
            "type": "object",
            "required": ["@type", "name"],
            "properties": {"@type": {"enum": ["Person", "Organization"]}, "name": TRIMMED_TEXT, "url": HTTP_URL},
        },
        "creative_work": {
            "type": "object",
            "required": ["@type", "url", "datePublished"],
            "properties": {"@type": {"const": "CreativeWork"}, "name": TRIMMED_TEXT, "url": HTTP_URL, "datePublished": ISO_DATE},
        },
    },
    "type": "object",
    "required": ["@context", "@type", "claimReviewed", "reviewRating", "itemReviewed", "author", "datePublished", "url"],
    "properties": {
        "@context": {"const": "https://schema.org"},
        "@type": {"const": "ClaimReview"},
        "url": HTTP_URL,
        "claimReviewed": TRIMMED_TEXT,
        "datePublished": ISO_DATE,
        "author": {"$ref": "#/$defs/person_or_organization", "properties": {"@type": {"const": "Organization"}}},
        "reviewRating": {
            "type": "object",
            "required": ["@type", "alternateName"],
            "properties": {
                "@type": {"const": "Rating"},
                "alternateName": TRIMMED_TEXT,
                "ratingValue": {"type": "integer"},
                "bestRating": {"type": "integer"},
                "worstRating": {"type": "integer"},
            },
            "dependentRequired": {"ratingValue": ["bestRating", "worstRating"]},
        },
        "itemReviewed": {
            "type": "object",
            "required": ["@type", "appearance"],
            "properties": {
                "@type": {"const": "Claim"},
                "appearance": {"$ref": "#/$defs/creative_work"},
                "firstAppearance": {"$ref": "#/$defs/creative_work"},
                "author": {"$ref": "#/$defs/person_or_organization"},
                "datePublished": ISO_DATE,
            },
        },
        "reviewBody": {"type": "string"},
        "identifier": {"type": "string"},
    },
}


def claimreview_errors(item: dict) -> list[str]:
    """Every way ``item`` departs from the ClaimReview shape (empty when it fits), plus a rating outside its scale."""
    from jsonschema import Draft202012Validator

    errors = [f"{'/'.join(map(str, e.absolute_path)) or '(item)'}: {e.message}" for e in Draft202012Validator(CLAIMREVIEW_SCHEMA).iter_errors(item)]
    rating = item.get("reviewRating") or {}
    if isinstance(rating.get("ratingValue"), int) and not (rating.get("worstRating", 0) <= rating["ratingValue"] <= rating.get("bestRating", 0)):
        errors.append(f"reviewRating: ratingValue {rating['ratingValue']} outside worstRating..bestRating")
    return errors
