"""Where the review app finds its database, session and login policies, evidence sets and publisher details."""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

from pipeline.config import data_dir, load_config, resolve_path

DATABASE_ENV = "FACTCHECK_DATABASE_URL"


def review_config(config: dict[str, Any] | None = None) -> dict[str, Any]:
    """The ``review:`` section of the pipeline config (empty when absent)."""
    config = load_config() if config is None else config
    section = config.get("review") or {}
    return section if isinstance(section, dict) else {}


def default_database_url() -> str:
    """SQLite file ``review.sqlite`` in the data folder (``$FACTCHECK_HOME``)."""
    return f"sqlite:///{data_dir() / 'review.sqlite'}"


def database_url(explicit: str | None = None, config: dict[str, Any] | None = None) -> str:
    """The database URL: ``explicit``, else ``$FACTCHECK_DATABASE_URL``, else config, else the default."""
    if explicit:
        return explicit
    if os.environ.get(DATABASE_ENV):
        return os.environ[DATABASE_ENV]
    configured = review_config(config).get("database_url")
    return str(configured) if configured else default_database_url()


def organization(config: dict[str, Any] | None = None) -> dict[str, str]:
    """The publisher named as ClaimReview ``author`` (``review.organization`` in the config)."""
    org = review_config(config).get("organization") or {}
    return {"name": str(org.get("name") or "Fact desk"), "url": str(org.get("url") or "")}


def https_only(config: dict[str, Any] | None = None) -> bool:
    """Whether cookies are marked ``Secure`` (set behind HTTPS)."""
    return bool(review_config(config).get("https_only_cookies", False))


def session_policy(config: dict[str, Any] | None = None):
    """How long a login lasts: ``session_max_age`` from login, ``session_idle_timeout`` without a request."""
    from review.accounts import SessionPolicy

    section = review_config(config)
    return SessionPolicy(
        max_age=timedelta(seconds=int(section.get("session_max_age", 12 * 3600))),
        idle=timedelta(seconds=int(section.get("session_idle_timeout", 2 * 3600))),
    )


def throttle_policy(config: dict[str, Any] | None = None):
    from review.accounts import ThrottlePolicy

    section = review_config(config)
    return ThrottlePolicy(
        free_failures=int(section.get("login_free_failures", 3)),
        max_delay=timedelta(seconds=int(section.get("login_max_delay", 300))),
        lockout_failures=int(section.get("login_lockout_failures", 10)),
    )


def allowed_origins(config: dict[str, Any] | None = None) -> tuple[str, ...]:
    """Origins besides the app's own whose POSTs are accepted (e.g. the public address behind a proxy)."""
    return tuple(str(origin).rstrip("/").lower() for origin in review_config(config).get("allowed_origins") or ())


def evidence_sets(config: dict[str, Any] | None = None) -> dict[str, dict[str, Any]]:
    """Evidence sets the "New check" page offers: name -> {"evidence": [paths], "roster": path or None}.

    ``review.evidence_sets`` in the config; when empty, the bundled default set alone.
    """
    config = load_config() if config is None else config
    configured = review_config(config).get("evidence_sets") or {}
    if not configured:
        evidence = config.get("evidence") or {}
        configured = {"default": {"evidence": [evidence.get("default_set")], "roster": evidence.get("default_roster")}}
    sets = {}
    for name, entry in configured.items():
        paths = entry.get("evidence") if isinstance(entry, dict) else entry
        paths = [paths] if isinstance(paths, str) else list(paths or ())
        roster = entry.get("roster") if isinstance(entry, dict) else None
        sets[str(name)] = {
            "evidence": [str(resolve_path(path)) for path in paths if path],
            "roster": str(resolve_path(roster)) if roster else None,
        }
    return sets
