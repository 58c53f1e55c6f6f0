"""An article's public address and publication date: checked when given, read from HTML when not."""

from __future__ import annotations

from datetime import date, datetime

from pipeline.errors import InputError
from review.explain import link


def checked_url(url: str | None, what: str = "the article URL") -> str | None:
    """``url`` stripped, or None when empty; refused (naming ``what``) unless it is an absolute http(s) address."""
    url = (url or "").strip()
    if not url:
        return None
    if link(url) is None:
        raise InputError(f"{what} must start with http:// or https:// and name a host, got {url!r:.200}")
    return url


def checked_published(published: str | None) -> str | None:
    """An ISO 8601 date or date-time (``2026-11-30`` or ``2026-11-30T08:00:00+00:00``), or None when empty."""
    published = (published or "").strip()
    if not published:
        return None
    try:
        if len(published) == 10:
            return date.fromisoformat(published).isoformat()
        return datetime.fromisoformat(published.replace("Z", "+00:00")).isoformat()
    except ValueError:
        raise InputError(f"the publication date must be ISO 8601 (2026-11-30), got {published!r:.80}") from None


def html_metadata(markup: str) -> dict[str, str]:
    """``url`` (canonical / og:url) and ``published`` (publication date) found in an HTML page's metadata."""
    import trafilatura

    found = trafilatura.extract_metadata(markup)
    meta: dict[str, str] = {}
    if found is None:
        return meta
    if found.url and link(found.url):
        meta["url"] = found.url
    if found.date:
        try:
            meta["published"] = checked_published(found.date)
        except InputError:
            pass
    return meta


def article_metadata(url: str | None, published: str | None, markup: str | None = None) -> dict[str, str]:
    """The ``article`` fields ``url`` and ``published``: the given values first, then the HTML's."""
    meta = html_metadata(markup) if markup else {}
    given = {"url": checked_url(url), "published": checked_published(published)}
    meta.update({key: value for key, value in given.items() if value})
    return meta
