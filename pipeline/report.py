"""Report: the JSON contract, Markdown and a self-contained HTML page, written atomically."""

from __future__ import annotations

import html
import json
from datetime import datetime, timezone

from pipeline.io import write_atomically  # noqa: F401  (re-exported: callers write reports with it)
from pipeline.types import Flag, Report

SCHEMA_VERSION = 1
FORMATS = ("json", "md", "html")


def _flag_dict(flag: Flag) -> dict:
    return {
        "id": flag.id,
        "type": flag.type,
        "claim_id": flag.claim_id,
        "start": flag.start,
        "end": flag.end,
        "text": flag.text,
        "message": flag.message,
        "suggestion": flag.suggestion,
        "confidence": flag.confidence,
        "evidence_ids": list(flag.evidence_ids),
    }


def report_to_dict(report: Report) -> dict:
    """The report as the JSON contract of DESIGN.md (plus ``article.text``, ``created_at``, ``timings``)."""
    claims = []
    for claim in report.claims:
        verdict = report.verdicts.get(claim.id)
        claims.append(
            {
                "id": claim.id,
                "text": claim.text,
                "start": claim.start,
                "end": claim.end,
                "checkworthiness": claim.checkworthiness,
                "speaker": claim.speaker,
                "verdict": verdict.label if verdict else None,
                "confidence": verdict.confidence if verdict else None,
                "verdict_note": verdict.note if verdict else "",
                "evidence": [
                    {
                        "id": j.passage.id,
                        "text": j.passage.text,
                        "source": j.passage.source,
                        "url": j.passage.url,
                        "date": j.passage.date,
                        "score": round(j.retrieval_score, 5),
                        "label": j.label,
                        "probabilities": j.probabilities,
                    }
                    for j in (verdict.evidence if verdict else ())
                ],
            }
        )
    return {
        "schema_version": SCHEMA_VERSION,
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "article": {
            "path": report.article.path,
            "sha256": report.article.sha256,
            "title": report.article.title,
            "format": report.article.format,
            "text": report.article.text,
        },
        "models": dict(report.models),
        "claims": claims,
        "flags": [_flag_dict(f) for f in report.flags],
        "timings": {k: round(v, 4) for k, v in report.timings.items()},
    }


def render_markdown(data: dict) -> str:
    lines = [f"# Fact-check report: {data['article']['title']}", "", f"Article: `{data['article']['path']}`", ""]
    lines.append(f"## Flags ({len(data['flags'])})")
    lines.append("")
    for flag in data["flags"]:
        lines.append(f"- **{flag['type']}** at {flag['start']}–{flag['end']}: “{flag['text']}”  ")
        lines.append(f"  {flag['message']}" + (f" Suggestion: {flag['suggestion']}" if flag.get("suggestion") else ""))
        if flag["evidence_ids"]:
            lines.append(f"  Evidence: {', '.join(flag['evidence_ids'])}")
    lines += ["", "## Claims", "", "| check-worthiness | verdict | confidence | claim |", "|---|---|---|---|"]
    for claim in data["claims"]:
        text = claim["text"].replace("|", "\\|").replace("\n", " ")
        lines.append(f"| {claim['checkworthiness']:.2f} | {claim['verdict']} | {claim['confidence'] or 0:.2f} | {text} |")
    return "\n".join(lines) + "\n"


_CSS = """
body{font-family:Georgia,serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#222}
.article{white-space:pre-wrap;border:1px solid #ddd;padding:1rem;background:#fcfcfa}
mark{padding:0 .1em;border-bottom:2px solid}
mark.name_misspelling,mark.misattribution{background:#fde2e1;border-color:#c0392b}
mark.contradicted{background:#fdebd0;border-color:#d35400}
mark.unsupported{background:#fef9e7;border-color:#b7950b}
mark.malformed_quote{background:#e8f0fe;border-color:#2c5aa0}
.flag{border-left:4px solid #999;padding:.3rem .8rem;margin:.8rem 0}
.evidence{font-size:.9em;color:#444;margin-left:1rem}
code{font-size:.85em}
"""


def _highlighted_article(text: str, flags: list[dict]) -> str:
    """Escape the article and wrap each flagged span in <mark>; overlapping spans nest."""
    bounds = sorted({0, len(text), *(f["start"] for f in flags), *(f["end"] for f in flags)})
    parts = []
    for a, b in zip(bounds, bounds[1:]):
        covering = sorted((f for f in flags if f["start"] <= a and b <= f["end"]), key=lambda f: f["start"] - f["end"])
        segment = html.escape(text[a:b])
        for flag in reversed(covering):
            anchor = f' id="span-{html.escape(flag["id"])}"' if flag["start"] == a else ""
            title = html.escape(flag["type"] + ": " + flag["message"])
            segment = f'<mark class="{html.escape(flag["type"])}"{anchor} title="{title}">{segment}</mark>'
        parts.append(segment)
    return "".join(parts)


def render_html(data: dict) -> str:
    """A self-contained page: every article and evidence string is escaped."""
    esc = html.escape
    passages = {e["id"]: e for c in data["claims"] for e in c["evidence"]}
    flag_items = []
    for flag in data["flags"]:
        evidence = "".join(
            f'<div class="evidence"><code>{esc(pid)}</code> {esc(passages[pid]["text"]) if pid in passages else ""}'
            f'{" — " + esc(passages[pid]["source"]) if pid in passages and passages[pid]["source"] else ""}</div>'
            for pid in flag["evidence_ids"]
        )
        suggestion = f"<div>Suggestion: <strong>{esc(flag['suggestion'])}</strong></div>" if flag.get("suggestion") else ""
        flag_items.append(
            f'<div class="flag" id="flag-{esc(flag["id"])}"><strong>{esc(flag["type"])}</strong> '
            f'<a href="#span-{esc(flag["id"])}">“{esc(flag["text"][:120])}”</a> (confidence {flag["confidence"]:.2f})'
            f"<div>{esc(flag['message'])}</div>{suggestion}{evidence}</div>"
        )
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>Fact-check: {esc(data['article']['title'])}</title><style>{_CSS}</style></head><body>"
        f"<h1>Fact-check report</h1><p>{esc(data['article']['title'])} — <code>{esc(data['article']['path'])}</code></p>"
        f"<h2>Article</h2><div class=article>{_highlighted_article(data['article']['text'], data['flags'])}</div>"
        f"<h2>Flags ({len(data['flags'])})</h2>{''.join(flag_items)}</body></html>"
    )


def render(data: dict, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if fmt == "md":
        return render_markdown(data)
    if fmt == "html":
        return render_html(data)
    raise ValueError(f"format must be one of {FORMATS}, got {fmt!r}")
