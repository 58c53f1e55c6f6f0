"""Document formats of articles and evidence files: plain text, PDF (pypdf) and Word .docx (python-docx).

Every reader returns the text the pipeline works on; for PDF and DOCX that is the *extracted* text, and
every offset in a report indexes it (not the file's bytes). A file whose content is not what its suffix
says (a ``.pdf`` that is no PDF, a ``.txt`` that is a PDF or a zip archive) is refused with one line.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import InputError
from pipeline.io import decode_text

PDF_SUFFIXES = (".pdf",)
DOCX_SUFFIXES = (".docx",)
DOCUMENT_SUFFIXES = PDF_SUFFIXES + DOCX_SUFFIXES
_PDF_MAGIC = b"%PDF-"
_ZIP_MAGIC = b"PK\x03\x04"
_DOCX_PART = "word/document.xml"
# A line of a PDF page this much shorter than the page's longest line, ending a sentence, ends its paragraph.
_SHORT_LINE = 0.85
_SENTENCE_END = re.compile(r"[.!?:…][\"'”’)]*$")


@dataclass(frozen=True)
class Document:
    """The text read from a file, the title its metadata gives ("" if none) and its format name."""

    text: str
    title: str
    format: str


def content_kind(raw: bytes) -> str | None:
    """``"pdf"``, ``"docx"`` or ``"zip"`` when the bytes are one of those containers, else ``None``."""
    if raw.lstrip(b"\r\n\t \x0c")[:5] == _PDF_MAGIC:
        return "pdf"
    if raw.startswith(_ZIP_MAGIC):
        try:
            with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                return "docx" if _DOCX_PART in archive.namelist() else "zip"
        except zipfile.BadZipFile:
            return "zip"
    return None


def refuse_mismatched_content(raw: bytes, suffix: str, what: str) -> None:
    """Refuse a file whose bytes are not what its suffix names.

    Raises:
        InputError: a ``.pdf`` not starting with ``%PDF-``, a ``.docx`` that is not a zip with
            ``word/document.xml``, or a text suffix (``.txt``, ``.html``, ...) on a PDF or a zip archive.
    """
    kind = content_kind(raw)
    if suffix in PDF_SUFFIXES and kind != "pdf":
        raise InputError(f"{what} is named {suffix} but is not a PDF (it does not start with %PDF-)")
    if suffix in DOCX_SUFFIXES and kind != "docx":
        raise InputError(f"{what} is named {suffix} but is not a Word document (no zip archive with {_DOCX_PART})")
    if suffix not in DOCUMENT_SUFFIXES and kind is not None:
        named = {"pdf": "a PDF; rename it to .pdf", "docx": "a Word document; rename it to .docx", "zip": "a zip archive, not text"}
        raise InputError(f"{what} is named {suffix or 'without a suffix'} but is {named[kind]}")


def reflow_pdf_page(page_text: str) -> str:
    """Join the wrapped lines of one PDF page into paragraphs, one per line (runs of spaces made one).

    A paragraph ends at a blank line, or at a line that ends a sentence and is clearly shorter than the
    page's longest line; a line ending in a hyphen joins the next without a space.
    """
    lines = [" ".join(line.split()) for line in page_text.splitlines()]
    width = max((len(line) for line in lines), default=0)
    paragraphs: list[str] = []
    current = ""
    for line in lines:
        if not line:
            paragraphs.append(current)
            current = ""
            continue
        joiner = "" if not current or current.endswith("-") else " "
        current = f"{current}{joiner}{line}"
        if _SENTENCE_END.search(line) and len(line) < _SHORT_LINE * width:
            paragraphs.append(current)
            current = ""
    paragraphs.append(current)
    return "\n".join(p for p in paragraphs if p)


def join_pdf_pages(pages: list[str]) -> str:
    """Reflowed pages separated by a blank line, except where a paragraph runs on over the page break
    (the page ends mid-sentence): there the two halves are joined with a space."""
    text = ""
    for page in pages:
        separator = "" if not text else "\n\n" if _SENTENCE_END.search(text) else " "
        text = f"{text}{separator}{page}"
    return text


def read_pdf(raw: bytes, what: str) -> Document:
    """The text of every page of a PDF, reflowed into paragraphs (`reflow_pdf_page`, `join_pdf_pages`).

    Raises:
        InputError: a damaged or encrypted PDF, or one without a text layer (scanned pages, images only).
    """
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    # pypdf logs what it repairs (a missing EOF marker...) as warnings; the one line below says what matters.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted:
            raise InputError(f"{what} is an encrypted PDF; save an unencrypted copy")
        # Layout mode keeps the vertical gaps between paragraphs as blank lines.
        pages = [reflow_pdf_page(page.extract_text(extraction_mode="layout") or "") for page in reader.pages]
        title = str((reader.metadata or {}).get("/Title") or "").strip()
    except (PyPdfError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{what} is a damaged PDF ({type(exc).__name__}: {exc})") from None
    text = join_pdf_pages([page for page in pages if page.strip()])
    if not text.strip():
        raise InputError(f"{what} is a PDF with no text layer ({len(pages)} page(s), scanned or images only); run OCR on it first")
    return Document(text, title, "pdf")


def read_docx(raw: bytes, what: str) -> Document:
    """The paragraphs of a Word document's body, one per line (empty ones dropped), and its title property.

    Raises:
        InputError: the archive's document part cannot be parsed, or the document holds no text.
    """
    import docx

    try:
        document = docx.Document(io.BytesIO(raw))
    except Exception as exc:  # python-docx raises lxml, zipfile and its own errors alike
        raise InputError(f"{what} is a damaged Word document ({type(exc).__name__}: {exc})") from None
    text = "\n".join(p.text.strip() for p in document.paragraphs if p.text.strip())
    if not text:
        raise InputError(f"{what} is a Word document with no text in its paragraphs")
    return Document(text, (document.core_properties.title or "").strip(), "docx")


def read_document(raw: bytes, suffix: str, what: str) -> Document:
    """The text of a file's bytes by its (lower-case) suffix: PDF, DOCX, or decoded text for anything else.

    ``what`` names the input in errors, e.g. ``"article a.pdf"``. The format of a text file is its suffix
    without the dot (``txt``, ``md``, ``html``...); callers parse markup themselves.

    Raises:
        InputError: content that does not match the suffix, or the reader's own refusals.
    """
    refuse_mismatched_content(raw, suffix, what)
    if suffix in PDF_SUFFIXES:
        return read_pdf(raw, what)
    if suffix in DOCX_SUFFIXES:
        return read_docx(raw, what)
    return Document(decode_text(raw, what), "", suffix.lstrip(".") or "txt")


def read_document_file(path: str | Path, what: str) -> Document:
    """`read_document` of the file ``path``; ``what`` names it in errors (``"evidence"``).

    Raises:
        InputError: the file cannot be read (missing, a directory, no permission), or `read_document` refuses it.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:  # missing, a directory, unreadable
        raise InputError(f"cannot read {what} {path}: {exc.strerror}") from None
    return read_document(raw, path.suffix.lower(), f"{what} {path}")
