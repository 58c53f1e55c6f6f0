"""Where the review app finds its database, session secret and publisher details."""

from __future__ import annotations

import os
import secrets
from typing import Any

from pipeline.config import data_dir, load_config

DATABASE_ENV = "FACTCHECK_DATABASE_URL"
SECRET_ENV = "FACTCHECK_SECRET_KEY"
SECRET_FILE = "review-secret.key"


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


def secret_key(config: dict[str, Any] | None = None) -> str:
    """The session-signing key: ``$FACTCHECK_SECRET_KEY``, config, or one generated once into the data folder."""
    if os.environ.get(SECRET_ENV):
        return os.environ[SECRET_ENV]
    configured = review_config(config).get("secret_key")
    if configured:
        return str(configured)
    path = data_dir() / SECRET_FILE
    if path.exists():
        key = path.read_text(encoding="utf-8").strip()
        if key:
            return key
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key + "\n")
    try:
        # Another process may have raced us: keep whichever key landed first.
        os.link(tmp, path)
    except FileExistsError:
        key = path.read_text(encoding="utf-8").strip()
    finally:
        os.unlink(tmp)
    return key


def organization(config: dict[str, Any] | None = None) -> dict[str, str]:
    """The publisher named as ClaimReview ``author`` (``review.organization`` in the config)."""
    org = review_config(config).get("organization") or {}
    return {"name": str(org.get("name") or "Fact desk"), "url": str(org.get("url") or "")}


def cookie_settings(config: dict[str, Any] | None = None) -> dict[str, Any]:
    """Session cookie options from the config."""
    section = review_config(config)
    return {
        "https_only": bool(section.get("https_only_cookies", False)),
        "max_age": int(section.get("session_max_age", 12 * 3600)),
    }
