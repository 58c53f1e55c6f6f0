"""Report: the JSON contract, Markdown and a self-contained HTML page, written atomically."""

from __future__ import annotations

import html
import json
from datetime import datetime, timezone

from pipeline.io import write_atomically  # noqa: F401  (re-exported: callers write reports with it)
from pipeline.types import Change, Flag, Report

# 2: flags and claims carry ``changes``/``source_sentence`` (claims also ``decided_by``), a
# top-level ``summary``, and the new verdict and flag type ``needs_review``.
SCHEMA_VERSION = 2
FORMATS = ("json", "md", "html")


def _change_dict(change: Change) -> dict:
    return {
        "article": change.article,
        "source": change.source,
        "kind": change.kind,
        "article_start": change.article_start,
        "article_end": change.article_end,
        "source_start": change.source_start,
        "source_end": change.source_end,
    }


def _summary(claims: list[dict], flags: list[dict]) -> dict:
    """Counts an editor reads first: how much was verified and how much is left to a human."""
    verdicts = [c.get("verdict") for c in claims]
    needs_review_flags = sum(1 for f in flags if f.get("type") == "needs_review")
    return {
        "sentences": len(claims),
        "verified": sum(1 for v in verdicts if v),
        "supported": verdicts.count("supported"),
        "contradicted": verdicts.count("contradicted"),
        "not_enough_evidence": verdicts.count("not_enough_evidence"),
        "needs_review": verdicts.count("needs_review"),
        "flags": len(flags),
        "automatic_flags": len(flags) - needs_review_flags,
        "needs_review_flags": needs_review_flags,
    }


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
        "changes": [_change_dict(c) for c in flag.changes],
        "source_sentence": flag.source_sentence,
    }


ARTICLE_METADATA = ("url", "published")  # the article's public address and publication date, when known


def report_to_dict(report: Report, article_metadata: dict[str, str] | None = None) -> dict:
    """The report as the JSON contract of DESIGN.md (plus ``article.text``, ``created_at``, ``timings``).

    ``article_metadata`` may give the article's public ``url`` and ``published`` date
    (``factcheck check --url --published``, the New check form, an HTML page's metadata);
    they go into the ``article`` section, and from there into the review store and ClaimReview.
    """
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
                "changes": [_change_dict(c) for c in verdict.changes] if verdict else [],
                "source_sentence": verdict.source_sentence if verdict else None,
                "decided_by": list(verdict.decided_by) if verdict else [],
                "evidence": [
                    {
                        "id": j.passage.id,
                        "text": j.passage.text,
                        "source": j.passage.source,
                        "url": j.passage.url,
                        "title": j.passage.title,
                        "date": j.passage.date,
                        "score": round(j.retrieval_score, 5),
                        "label": j.label,
                        "probabilities": j.probabilities,
                    }
                    for j in (verdict.evidence if verdict else ())
                ],
            }
        )
    flags = [_flag_dict(f) for f in report.flags]
    return {
        "schema_version": SCHEMA_VERSION,
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "article": {
            "path": report.article.path,
            "sha256": report.article.sha256,
            "title": report.article.title,
            "format": report.article.format,
            "text": report.article.text,
            **{key: value for key, value in (article_metadata or {}).items() if key in ARTICLE_METADATA and value},
        },
        "models": dict(report.models),
        "claims": claims,
        "flags": flags,
        "summary": _summary(claims, flags),
        "timings": {k: round(v, 4) for k, v in report.timings.items()},
    }


def _summary_line(data: dict) -> str:
    summary = data.get("summary") or _summary(data.get("claims", []), data.get("flags", []))
    return f"{summary['verified']} sentences verified; {summary['needs_review']} left to needs_review"


def render_markdown(data: dict) -> str:
    lines = [f"# Fact-check report: {data['article']['title']}", "", f"Article: `{data['article']['path']}`", ""]
    lines += [_summary_line(data), ""]
    lines.append(f"## Flags ({len(data['flags'])})")
    lines.append("")
    for flag in data["flags"]:
        lines.append(f"- **{flag['type']}** at {flag['start']}–{flag['end']}: “{flag['text']}”  ")
        lines.append(f"  {flag['message']}" + (f" Suggestion: {flag['suggestion']}" if flag.get("suggestion") else ""))
        for change in flag.get("changes") or ():
            lines.append(f"  changed: “{change['article']}” → source “{change['source']}” ({change['kind']})  ")
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
mark.needs_review{background:#efe6f7;border-color:#7d3c98;border-bottom-style:dashed}
mark.change{background:#fcd5b5;border-color:#a04000;font-weight:bold}
.compare{display:grid;grid-template-columns:1fr 1fr;gap:.6rem;margin:.4rem 0}
.compare div{border:1px solid #ddd;padding:.3rem .5rem;background:#fcfcfa}
.summary{font-size:1.05em;border:1px solid #ccc;padding:.5rem 1rem;background:#f6f6f2}
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


def _marked(text: str, spans: list[tuple[int, int, str]]) -> str:
    """Escape ``text`` and wrap each non-overlapping (start, end, kind) span in <mark class=change>."""
    parts, pos = [], 0
    for start, end, kind in sorted(spans):
        if start < pos or end > len(text) or start >= end:
            continue  # overlapping or out-of-range offsets: leave the words unmarked rather than garble them
        parts.append(html.escape(text[pos:start]))
        parts.append(f'<mark class="change" title="{html.escape(kind)}">{html.escape(text[start:end])}</mark>')
        pos = end
    parts.append(html.escape(text[pos:]))
    return "".join(parts)


def change_spans(flag: dict) -> tuple[list[tuple[int, int, str]], list[tuple[int, int, str]]]:
    """(flag-text spans, source-sentence spans) of a flag's changes; article offsets made relative to the flag."""
    in_flag, in_source = [], []
    for change in flag.get("changes") or ():
        a, b = change.get("article_start"), change.get("article_end")
        if a is not None and b is not None:
            in_flag.append((a - flag["start"], b - flag["start"], change["kind"]))
        a, b = change.get("source_start"), change.get("source_end")
        if a is not None and b is not None:
            in_source.append((a, b, change["kind"]))
    return in_flag, in_source


def _comparison(flag: dict) -> str:
    if not flag.get("source_sentence"):
        return ""
    in_flag, in_source = change_spans(flag)
    return (
        '<div class="compare"><div><small>Article</small><br>'
        f'{_marked(flag["text"], in_flag)}</div><div><small>Source</small><br>'
        f'{_marked(flag["source_sentence"], in_source)}</div></div>'
    )


def _changes_list(flag: dict) -> str:
    esc = html.escape
    items = "".join(
        f"<li>changed: “{esc(c['article'])}” → source “{esc(c['source'])}” ({esc(c['kind'])})</li>"
        for c in flag.get("changes") or ()
    )
    return f'<ul class="changes">{items}</ul>' if items else ""


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
            f"<div>{esc(flag['message'])}</div>{suggestion}{_comparison(flag)}{_changes_list(flag)}{evidence}</div>"
        )
    summary = data.get("summary") or _summary(data.get("claims", []), data.get("flags", []))
    summary_html = (
        f'<p class="summary">{summary["verified"]} of {summary["sentences"]} sentences verified; '
        f'{summary["needs_review"]} left to a human (needs review); '
        f'{summary["automatic_flags"]} automatic flags, {summary["needs_review_flags"]} needs-review flags.</p>'
    )
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>Fact-check: {esc(data['article']['title'])}</title><style>{_CSS}</style></head><body>"
        f"<h1>Fact-check report</h1><p>{esc(data['article']['title'])} — <code>{esc(data['article']['path'])}</code></p>{summary_html}"
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
