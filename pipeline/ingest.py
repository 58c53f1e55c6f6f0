"""Ingest: read an article file into an `Article` whose text every offset indexes."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pipeline.errors import InputError
from pipeline.formats import DOCUMENT_SUFFIXES, read_document
from pipeline.language import refuse_unsupported_language
from pipeline.types import Article

# A long feature is ~60 kB; beyond 1 MB the input is almost surely not one article (and would take
# many minutes of NLI on a CPU), so it is refused with a clear message instead.
MAX_ARTICLE_BYTES = 1_000_000
SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".json") + DOCUMENT_SUFFIXES


def _extract_html(markup: str, path: Path) -> tuple[str, str]:
    """Return (main text, title) of an HTML page, using trafilatura's main-content extraction."""
    import trafilatura

    text = trafilatura.extract(markup, include_comments=False, include_tables=False, favor_precision=True)
    metadata = trafilatura.extract_metadata(markup)
    if not text:
        raise InputError(f"article {path}: no main text found in the HTML")
    title = (metadata.title if metadata and metadata.title else "") or ""
    return text, title


def _read_json_article(content: str, path: Path) -> tuple[str, str]:
    try:
        data = json.loads(content)
    except json.JSONDecodeError as exc:
        raise InputError(f"article {path} is not valid JSON (line {exc.lineno}: {exc.msg})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        raise InputError(f'article {path} must be a JSON object with a "text" string')
    title = data.get("title") if isinstance(data.get("title"), str) else ""
    return data["text"], title


def _title_from_text(text: str) -> str:
    for line in text.splitlines():
        line = line.strip().lstrip("#").strip()
        if line:
            return line[:120]
    return ""


def read_article(path: str | Path) -> Article:
    """Read ``path`` (.txt, .md, .html, .json, .pdf, .docx) into an `Article`.

    For HTML, PDF and DOCX the article's text is the extracted text (pipeline.formats), and every offset
    in the report indexes it.

    Raises:
        InputError: the file is missing, empty, binary, not UTF-8 (nor UTF-16/32 with a byte-order mark), too large,
            not what its suffix says, has no text, or is not in English.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"article {path} does not exist")
    if not path.is_file():
        raise InputError(f"article {path} is not a file")
    raw = path.read_bytes()
    if len(raw) > MAX_ARTICLE_BYTES:
        raise InputError(f"article {path} is {len(raw)} bytes; the limit is {MAX_ARTICLE_BYTES}")
    suffix = path.suffix.lower()
    document = read_document(raw, suffix, f"article {path}")
    text, title, fmt = document.text, document.title, document.format
    if suffix in (".html", ".htm"):
        text, title = _extract_html(text, path)
        fmt = "html"
    elif suffix == ".json":
        text, title = _read_json_article(text, path)
    elif fmt not in ("md", "pdf", "docx"):
        fmt = "txt"
    if not text.strip():
        raise InputError(f"article {path} is empty")
    refuse_unsupported_language(text, f"article {path}")
    return Article(
        path=str(path),
        text=text,
        title=title or _title_from_text(text),
        sha256=hashlib.sha256(raw).hexdigest(),
        format=fmt,
    )
