"""A quiet terminal: only the project's own progress display and messages, unless ``--verbose``.

`quiet_libraries` runs when `cli.main` is imported, before any library that prints is loaded (torch,
transformers, Prefect and bm25s are imported inside the commands); ``--verbose`` calls `loud_libraries`.
"""

from __future__ import annotations

import logging
import os
import sys
import warnings

# Set only where the user has not chosen: download and "Loading weights" bars, transformers' notices, Prefect's INFO logs.
QUIET_ENVIRONMENT = {
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "TRANSFORMERS_VERBOSITY": "error",
    "TQDM_DISABLE": "1",
    "PREFECT_LOGGING_LEVEL": "ERROR",
}
# Libraries that log or warn on their own (bm25s DEBUG lines, trafilatura on malformed HTML, urllib3's SOCKS notice).
NOISY_LOGGERS = ("bm25s", "transformers", "huggingface_hub", "sentence_transformers", "urllib3", "trafilatura", "httpx", "htmldate", "faiss")
OUR_MODULES = r"(pipeline|cli|flows|review|bench)(\.|$)"

_set_by_us: list[str] = []


def quiet_libraries() -> None:
    """Silence library warnings, progress bars and logs below ERROR; the project's own warnings still show."""
    for name, value in QUIET_ENVIRONMENT.items():
        if name not in os.environ:
            os.environ[name] = value
            _set_by_us.append(name)
    warnings.filterwarnings("ignore")
    warnings.filterwarnings("default", module=OUR_MODULES)
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.ERROR)


def quiet_prefect_errors() -> None:
    """For a one-shot command whose failure the CLI reports in one line (`factcheck check`): Prefect's
    task-failure logs (tracebacks, 60-80 lines) off too, unless the user set ``PREFECT_LOGGING_LEVEL``."""
    if "PREFECT_LOGGING_LEVEL" in _set_by_us:
        os.environ["PREFECT_LOGGING_LEVEL"] = "CRITICAL"


def loud_libraries() -> None:
    """Undo `quiet_libraries` (``--verbose``): library warnings, bars and logs shown as the libraries choose."""
    while _set_by_us:
        os.environ.pop(_set_by_us.pop(), None)
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO")
    warnings.simplefilter("default")  # every warning once per place, ahead of the ignore above
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.NOTSET)
    if "transformers" in sys.modules:
        sys.modules["transformers"].utils.logging.enable_progress_bar()
