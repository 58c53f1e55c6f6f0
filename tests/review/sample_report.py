"""A hand-built report in the `factcheck check` JSON contract, with hostile article text.

Offsets are computed from the article text, so ``article[start:end] == text`` holds as
the contract requires.
"""

from __future__ import annotations

import copy
import hashlib

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'

ARTICLE = (
    f"Leaders meet {SCRIPT}\n\n"
    "Kim Jong Un met Donald Trump in Singapore on 12 June 2018, the first meeting between "
    "leaders of the two countries. \"We have developed a very special bond,\" Heather Nuart "
    "said after the summit.\n\n"
    "North Korea has tested no missiles since 2010, officials said. "
    f"Officials said the summit cost $20 million {SCRIPT}.\n\n"
    f"A reader wrote: {IMG} and called it \"a triumph.\n"
)


def _span(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


def sample_report(created_at: str = "2026-11-27T10:00:00+00:00") -> dict:
    """A fresh copy of the sample report (tests may mutate it)."""
    text = ARTICLE
    met = "Kim Jong Un met Donald Trump in Singapore on 12 June 2018, the first meeting between leaders of the two countries."
    bond = "\"We have developed a very special bond,\" Heather Nuart said after the summit."
    missiles = "North Korea has tested no missiles since 2010, officials said."
    cost = f"Officials said the summit cost $20 million {SCRIPT}."
    claims = [
        {
            "id": "c-met",
            "text": met,
            "checkworthiness": 0.91,
            "verdict": "supported",
            "confidence": 0.88,
            "evidence": [
                {"id": "ev-summit", "text": "Trump and Kim met in Singapore on June 12, 2018.", "source": "wire", "score": 0.81, "label": "entailment"},
                {"id": "ev-nauert", "text": "State Department spokesperson Heather Nauert briefed reporters.", "source": "state.gov", "score": 0.42, "label": "neutral"},
            ],
        },
        {
            "id": "c-bond",
            "text": bond,
            "checkworthiness": 0.77,
            "verdict": "not_enough_evidence",
            "confidence": 0.55,
            "speaker": "Heather Nuart",
            "evidence": [
                {"id": "ev-bond", "text": "Trump said: \"We have developed a very special bond.\"", "source": "transcript", "score": 0.9, "label": "neutral"},
            ],
        },
        {
            "id": "c-missiles",
            "text": missiles,
            "checkworthiness": 0.95,
            "verdict": "contradicted",
            "confidence": 0.93,
            "evidence": [
                {"id": "ev-tests", "text": f"North Korea tested an ICBM in November 2017. {IMG}", "source": "agency <b>wire</b>", "score": 0.87, "label": "contradiction"},
            ],
        },
        {
            "id": "c-cost",
            "text": cost,
            "checkworthiness": 0.83,
            "verdict": "not_enough_evidence",
            "confidence": 0.61,
            "evidence": [],
        },
    ]
    for claim in claims:
        claim["start"], claim["end"] = _span(text, claim["text"])
    nuart = _span(text, "Heather Nuart")
    triumph = _span(text, "\"a triumph.")
    flags = [
        {"id": "f-contra", "type": "contradicted", "claim_id": "c-missiles", "text": missiles,
         "message": "Evidence says North Korea tested missiles in 2017.", "suggestion": None,
         "confidence": 0.93, "evidence_ids": ["ev-tests"]},
        {"id": "f-unsup", "type": "unsupported", "claim_id": "c-cost", "text": cost,
         "message": f"No evidence for the cost {SCRIPT}", "suggestion": f"Remove the figure {IMG}",
         "confidence": 0.61, "evidence_ids": []},
        {"id": "f-misattr", "type": "misattribution", "claim_id": "c-bond", "text": bond,
         "message": "The evidence credits these words to Donald Trump.", "suggestion": "Donald Trump said",
         "confidence": 0.8, "evidence_ids": ["ev-bond"]},
        {"id": "f-name", "type": "name_misspelling", "claim_id": None, "text": "Heather Nuart",
         "message": "Did you mean Heather Nauert?", "suggestion": "Heather Nauert",
         "confidence": 0.9, "evidence_ids": ["ev-nauert", "roster:2"], "start": nuart[0], "end": nuart[1]},
        {"id": "f-quote", "type": "malformed_quote", "claim_id": None, "text": "\"a triumph.",
         "message": "Quotation has no closing mark.", "suggestion": "\"a triumph.\"",
         "confidence": 1.0, "evidence_ids": [], "start": triumph[0], "end": triumph[1]},
    ]
    by_id = {claim["id"]: claim for claim in claims}
    for flag in flags:
        if "start" not in flag:
            flag["start"], flag["end"] = by_id[flag["claim_id"]]["start"], by_id[flag["claim_id"]]["end"]
    for item in claims + flags:
        assert text[item["start"] : item["end"]] == item["text"], item
    report = {
        "schema_version": 1,
        "article": {
            "path": "examples/hostile/article.txt",
            "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
            "title": f"Leaders meet {SCRIPT}",
            "text": text,
        },
        "models": {"claims": "tiny", "nli": "tiny"},
        "created_at": created_at,
        "claims": claims,
        "flags": flags,
    }
    return copy.deepcopy(report)


SOURCE_SENTENCE = f"North Korea has tested missiles since 2017 {SCRIPT}, officials said."


def sample_report_v2(created_at: str = "2026-12-01T10:00:00+00:00") -> dict:
    """The sample as report schema 2: a flag with ``changes`` against its source sentence, a needs_review verdict and flag."""
    report = sample_report(created_at)
    report["schema_version"] = 2
    text = report["article"]["text"]
    claims = {claim["id"]: claim for claim in report["claims"]}
    missiles = claims["c-missiles"]
    no_start = text.index(" no ", missiles["start"]) + 1
    year_start = text.index("2010", missiles["start"])
    source_year = SOURCE_SENTENCE.index("2017")
    source_script = SOURCE_SENTENCE.index(SCRIPT)
    changes = [
        {"article": "no", "source": "", "kind": "negation", "article_start": no_start, "article_end": no_start + 2,
         "source_start": None, "source_end": None},
        {"article": "2010", "source": "2017", "kind": "number", "article_start": year_start, "article_end": year_start + 4,
         "source_start": source_year, "source_end": source_year + 4},
        {"article": "", "source": SCRIPT, "kind": "content", "article_start": None, "article_end": None,
         "source_start": source_script, "source_end": source_script + len(SCRIPT)},
    ]
    for claim in report["claims"]:
        claim.update(changes=[], source_sentence=None, decided_by=[])
    missiles.update(changes=copy.deepcopy(changes), source_sentence=SOURCE_SENTENCE, decided_by=["ev-tests"])
    claims["c-cost"]["verdict"] = "needs_review"
    for flag in report["flags"]:
        flag.update(changes=[], source_sentence=None)
    contra = next(f for f in report["flags"] if f["id"] == "f-contra")
    contra.update(changes=changes, source_sentence=SOURCE_SENTENCE)
    cost = claims["c-cost"]
    report["flags"].append(
        {"id": "f-review", "type": "needs_review", "claim_id": "c-cost", "text": cost["text"], "start": cost["start"],
         "end": cost["end"], "message": "The checker could not decide.", "suggestion": None, "confidence": 0.5,
         "evidence_ids": [], "changes": [], "source_sentence": None}
    )
    report["summary"] = {"sentences": 4, "verified": 4, "supported": 1, "contradicted": 1, "not_enough_evidence": 1,
                         "needs_review": 1, "flags": 6, "automatic_flags": 5, "needs_review_flags": 1}
    return copy.deepcopy(report)
