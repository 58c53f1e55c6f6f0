"""Inbox runs: find articles, key each check by content, remember what was checked, diff verdicts.

Plain logic behind the `check-inbox` flow. An article's check key is a hash of the article's
bytes, the evidence set's fingerprint and the model names, so an unchanged article is not
checked again until it, the evidence or a model changes. The ledger (a JSON file in the output
folder, written atomically) remembers the last check of every article and its claim verdicts,
which is what a re-check after an evidence change is compared against.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Mapping, Sequence

from pipeline.errors import InputError
from pipeline.io import write_atomically

ARTICLE_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".html", ".json", ".pdf", ".docx")
LEDGER_NAME = "inbox-ledger.json"
LEDGER_VERSION = 1


def scan_inbox(inbox: str | Path) -> list[Path]:
    """Articles in ``inbox`` (not its subfolders), sorted by name; hidden and temporary files are ignored.

    Raises:
        InputError: ``inbox`` does not exist or is not a folder.
    """
    inbox = Path(inbox)
    if not inbox.is_dir():
        raise InputError(f"inbox {inbox} does not exist or is not a folder")
    return sorted(
        p for p in inbox.iterdir() if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES and not p.name.startswith((".", "~"))
    )


def file_sha256(path: str | Path) -> str:
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def evidence_fingerprint(passage_fingerprint: str, roster_path: str | Path | None) -> str:
    """Fingerprint of an evidence set: its passages' fingerprint plus the roster file's bytes (if any)."""
    roster = file_sha256(roster_path) if roster_path and Path(roster_path).is_file() else ""
    return hashlib.sha256(f"{passage_fingerprint}|{roster}".encode()).hexdigest()[:16]


def check_key(article_sha256: str, evidence: str, models: Mapping[str, str]) -> str:
    """The key of one article's check: sha256 over the article hash, evidence fingerprint and model names."""
    payload = json.dumps({"article": article_sha256, "evidence": evidence, "models": dict(sorted(models.items()))}, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def report_path(output: str | Path, article: str | Path, key: str) -> Path:
    """Where the report of ``article`` checked under ``key`` goes: ``<output>/<stem>-<key[:12]>.json``."""
    return Path(output) / f"{Path(article).stem}-{key[:12]}.json"


def claim_verdicts(report: Mapping) -> dict[str, dict[str, str | None]]:
    """``{claim_id: {"text", "verdict"}}`` of a report dict (the JSON contract)."""
    return {c["id"]: {"text": c["text"], "verdict": c.get("verdict")} for c in report.get("claims", [])}


@dataclass(frozen=True)
class VerdictChange:
    """One claim whose verdict differs between two checks of the same article."""

    article: str
    claim_id: str
    text: str
    old: str | None
    new: str | None

    def to_dict(self) -> dict:
        return {"article": self.article, "claim_id": self.claim_id, "text": self.text, "old": self.old, "new": self.new}


def diff_verdicts(article: str, old: Mapping[str, Mapping], new: Mapping[str, Mapping]) -> list[VerdictChange]:
    """Claims present in both checks (same claim id) whose verdict changed, in the new check's order.

    Claims that appear or disappear (the article's text changed) are not verdict changes.
    """
    changes = []
    for claim_id, now in new.items():
        before = old.get(claim_id)
        if before is not None and before.get("verdict") != now.get("verdict"):
            changes.append(VerdictChange(article, claim_id, str(now.get("text", "")), before.get("verdict"), now.get("verdict")))
    return changes


@dataclass(frozen=True)
class ArticleJob:
    """An article to check now, and why."""

    name: str
    path: str
    sha256: str
    key: str
    report: str
    reason: str


@dataclass(frozen=True)
class Skipped:
    name: str
    report: str
    reason: str

    def to_dict(self) -> dict:
        return {"article": self.name, "report": self.report, "reason": self.reason}


@dataclass(frozen=True)
class InboxPlan:
    """What one inbox run will do: the articles to check and those already checked under the same key."""

    jobs: tuple[ArticleJob, ...]
    skipped: tuple[Skipped, ...]


@dataclass
class Ledger:
    """What was checked, keyed by article file name. Load with `Ledger.load`, write with `save` (atomic)."""

    path: Path
    articles: dict[str, dict] = field(default_factory=dict)

    @classmethod
    def load(cls, output: str | Path) -> "Ledger":
        """The ledger in folder ``output`` (empty if there is none yet).

        Raises:
            InputError: the ledger file exists but is not a ledger (so it is never overwritten silently).
        """
        path = Path(output) / LEDGER_NAME
        if not path.exists():
            return cls(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise InputError(f"ledger {path} is not valid JSON ({exc}); move it away to start afresh") from exc
        if not isinstance(data, dict) or not isinstance(data.get("articles"), dict):
            raise InputError(f'ledger {path} must be a JSON object with an "articles" mapping')
        return cls(path, data["articles"])

    def save(self) -> None:
        write_atomically(self.path, json.dumps({"version": LEDGER_VERSION, "articles": self.articles}, indent=2, sort_keys=True) + "\n")

    def plan(
        self, articles: Sequence[Path], output: str | Path, evidence: str, models: Mapping[str, str], *, retry_failed: bool = False
    ) -> InboxPlan:
        """Split ``articles`` into those to check (new, changed, or checked under other evidence/models) and those to skip.

        A permanent failure (bad input) is skipped until the article changes, unless ``retry_failed``.
        """
        jobs, skipped = [], []
        for path in articles:
            sha = file_sha256(path)
            key = check_key(sha, evidence, models)
            report = report_path(output, path, key)
            entry = self.articles.get(path.name)
            if entry and entry.get("key") == key:
                if entry.get("status") == "checked" and report.is_file():
                    skipped.append(Skipped(path.name, str(report), "unchanged"))
                    continue
                if entry.get("status") == "failed" and entry.get("permanent") and not retry_failed:
                    skipped.append(Skipped(path.name, "", f"failed before: {entry.get('error', '')}"))
                    continue
            jobs.append(ArticleJob(path.name, str(path), sha, key, str(report), _reason(entry, sha, key, evidence, models, report)))
        return InboxPlan(tuple(jobs), tuple(skipped))

    def failures(self, articles: Sequence[Path]) -> list[dict]:
        """The articles among ``articles`` whose last check failed: ``{"article", "error", "permanent", "failed_at"}``."""
        failed = []
        for path in articles:
            entry = self.articles.get(path.name) or {}
            if entry.get("status") == "failed":
                failed.append({"article": path.name, **{k: entry.get(k) for k in ("error", "permanent", "failed_at")}})
        return failed

    def record_checked(
        self, job: ArticleJob, evidence: str, models: Mapping[str, str], verdicts: Mapping[str, Mapping]
    ) -> list[VerdictChange]:
        """Remember a finished check (``verdicts`` as from `claim_verdicts`); return verdicts changed since the last check."""
        verdicts = {k: dict(v) for k, v in verdicts.items()}
        previous = self.articles.get(job.name) or {}
        changes = diff_verdicts(job.name, previous.get("verdicts") or {}, verdicts)
        self.articles[job.name] = {
            "status": "checked",
            "sha256": job.sha256,
            "key": job.key,
            "evidence": evidence,
            "models": dict(models),
            "report": job.report,
            "checked_at": _now(),
            "verdicts": verdicts,
        }
        return changes

    def record_failed(self, job: ArticleJob, evidence: str, models: Mapping[str, str], error: str, *, permanent: bool) -> None:
        """Remember a failure. A permanent one (bad input) is not retried until the article changes.

        The verdicts of an earlier successful check are kept, so a later success still diffs against them.
        """
        previous = self.articles.get(job.name) or {}
        self.articles[job.name] = {
            "status": "failed",
            "sha256": job.sha256,
            "key": job.key,
            "evidence": evidence,
            "models": dict(models),
            "error": error,
            "permanent": permanent,
            "failed_at": _now(),
            "verdicts": previous.get("verdicts") or {},
        }


def _reason(entry: dict | None, sha: str, key: str, evidence: str, models: Mapping[str, str], report: Path) -> str:
    if not entry:
        return "new"
    if entry.get("sha256") != sha:
        return "article changed"
    if entry.get("evidence") != evidence:
        return "evidence changed"
    if entry.get("models") != dict(models):
        return "models changed"
    if entry.get("status") == "failed":
        return "retry after failure"
    return "report missing"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def summary_path(output: str | Path, when: datetime | None = None) -> Path:
    """``<output>/summary-<UTC timestamp>.json`` (microseconds keep two runs in one second apart)."""
    when = when or datetime.now(timezone.utc)
    return Path(output) / f"summary-{when.strftime('%Y%m%dT%H%M%S%fZ')}.json"


def write_summary(output: str | Path, summary: Mapping) -> Path:
    """Write a run summary atomically next to the reports and return its path."""
    path = summary_path(output)
    write_atomically(path, json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    return path
