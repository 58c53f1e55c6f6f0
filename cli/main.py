"""Entry point of the `factcheck` console script.

Each command module registers its commands on the apps in `cli.groups`; heavy imports
(torch, Prefect) happen inside the commands so that `factcheck --help` stays fast.
"""

from __future__ import annotations

import os

# Offline and private by default, whoever calls us.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
# Prefect's temporary server waits 20 s by default; a busy 2-core machine can need more.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")

from cli.quiet import quiet_libraries  # noqa: E402

quiet_libraries()  # before any library that prints is imported; --verbose undoes it (cli/groups.py)

from cli import check  # noqa: E402,F401  (registers commands)
from cli.groups import app  # noqa: E402

for _module in ("cli.nli", "cli.claims", "cli.review", "cli.db", "cli.schedule", "cli.cases", "cli.cache"):
    try:
        __import__(_module)
    except ModuleNotFoundError as exc:  # a command group not built yet
        if exc.name != _module:
            raise

__all__ = ["app"]
