"""Fact-checking pipeline stages: plain, typed Python with no Prefect imports."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
