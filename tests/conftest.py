"""Shared fixtures. Everything runs offline with Prefect's analytics off and a private PREFECT_HOME."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["DO_NOT_TRACK"] = "1"
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="factcheck-prefect-"))
os.environ.setdefault("FACTCHECK_HOME", tempfile.mkdtemp(prefix="factcheck-home-"))

import pytest  # noqa: E402

from tests.tiny_models import make_tiny_classifier  # noqa: E402

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = PROJECT_ROOT.parent / "shared" / "data"
BUNDLED_ARTICLE = PROJECT_ROOT / "examples" / "north_korea" / "article.txt"
NLI_LABELS = ("entailment", "neutral", "contradiction")


@pytest.fixture(scope="session")
def tiny_nli_model(tmp_path_factory) -> Path:
    """A random 3-label NLI model in the usual label order."""
    return make_tiny_classifier(tmp_path_factory.mktemp("tiny-nli"), NLI_LABELS)


@pytest.fixture(scope="session")
def shuffled_nli_model(tmp_path_factory) -> Path:
    """A random NLI model whose id2label order differs from ours (as many hub models do)."""
    return make_tiny_classifier(tmp_path_factory.mktemp("shuffled-nli"), ("contradiction", "entailment", "neutral"))


@pytest.fixture(scope="session")
def tiny_claim_model(tmp_path_factory) -> Path:
    """A random 2-label check-worthiness classifier."""
    return make_tiny_classifier(tmp_path_factory.mktemp("tiny-claims"), ("not_checkworthy", "checkworthy"))


@pytest.fixture(scope="session")
def tiny_config(tmp_path_factory, tiny_nli_model) -> Path:
    """A config file using the tiny random NLI model and the heuristic claim scorer: fast, model-free."""
    root = tmp_path_factory.mktemp("tiny-config")
    path = root / "config.yaml"
    path.write_text(
        "claims:\n  backend: heuristic\n"
        f"nli:\n  model_path: {tiny_nli_model}\n  quantize: false\n"
        f"evidence:\n  index_dir: {root / 'indexes'}\n"
        "review:\n  record_runs: false\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="session")
def prefect_harness():
    """A temporary Prefect server and database for flow tests (one per session)."""
    from prefect.testing.utilities import prefect_test_harness

    # 30 s (the default) is not always enough for the server to start on a busy 2-core CI machine.
    with prefect_test_harness(server_startup_timeout=180):
        yield
