"""NLI training pairs from checked case sets: the evidence passages the checker retrieves for each
article sentence, labelled by the case's expectations.

A case (``eval_cases/`` format: ``article.txt``, ``evidence.jsonl``, ``expected.jsonl``) says which
sentence carries a desk's error and of which type; every other sentence is supported by the evidence.
For each claim the checker verifies, its retrieved passages (the pairs the NLI model sees when it
checks that article) give:

- a sentence with a must-flag ``contradicted`` span: ``contradiction`` against the passage it was
  rewritten from (the retrieved passage sharing most of its words);
- a sentence with a must-flag ``unsupported`` span (an invented sentence): ``neutral`` against every
  retrieved passage;
- a sentence with no must-flag span: ``entailment`` against the passage it was rewritten from;
- a sentence with another must-flag type (misattribution, name spelling, quotation marks): no pair,
  those are the attribution checks' job.

"The passage it was rewritten from" must hold at least ``min_coverage`` of the sentence's content
words; a sentence merged from two passages gives no pair (neither passage alone entails it).

`edited_paraphrases` turns the entailment pairs into contradictions the way a desk errs: one number,
month, direction word, negation or two-word name of the *article's* sentence changed
(`pipeline.training.nli_data`'s edits), so the model learns a change of meaning inside a paraphrase,
where the word-by-word alignment finds no sentence to compare with.

Run ``python -m pipeline.training.nli_cases eval_cases_dev --output /tmp/case-pairs.jsonl``; train on
the file with the mix (`pipeline.training.nli`). Never train on a set you report on.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from pipeline.evaluation.cases import EvalCase, Expectation, load_cases
from pipeline.training.nli_data import CONTRADICTION_EDITS, change_name
from pipeline.types import Claim, RetrievedPassage

# Expectation types whose sentences the NLI model must not learn from (checked by attribution).
SKIPPED_TYPES: frozenset[str] = frozenset({"misattribution", "name_misspelling", "malformed_quote"})
DEFAULT_MIN_COVERAGE = 0.6
_WORD = re.compile(r"[^\W_]+(?:[.,'’][^\W_]+)*", re.UNICODE)
_FUNCTION_WORDS = frozenset(
    "the a an and or but of to in on at by for with from as that this these those its it his her their they "
    "he she we was were is are be been has have had will would said says told also after before than which who".split()
)


def content_words(text: str) -> set[str]:
    """Lower-cased words of ``text`` that are not function words (figures kept whole: "5.25", "1,200")."""
    return {w.lower() for w in _WORD.findall(text) if w.lower() not in _FUNCTION_WORDS}


def coverage(sentence: str, passage: str) -> float:
    """Share of the sentence's content words that the passage also has (0 for a sentence without any)."""
    words = content_words(sentence)
    return len(words & content_words(passage)) / len(words) if words else 0.0


def source_passage(claim: Claim, hits: Sequence[RetrievedPassage], min_coverage: float) -> RetrievedPassage | None:
    """The retrieved passage sharing most of the claim's content words, if it holds ``min_coverage`` of them."""
    scored = [(coverage(claim.text, hit.passage.text), -i, hit) for i, hit in enumerate(hits)]
    if not scored:
        return None
    best, _, hit = max(scored, key=lambda item: item[:2])
    return hit if best >= min_coverage else None


def must_flag_types(claim: Claim, expectations: Iterable[Expectation]) -> set[str]:
    """Types of the must-flag spans that overlap the claim's characters."""
    return {e.type for e in expectations if e.must_flag and e.type and e.start < claim.end and claim.start < e.end}


def label_claim(claim: Claim, hits: Sequence[RetrievedPassage], expectations: Sequence[Expectation],
                min_coverage: float = DEFAULT_MIN_COVERAGE) -> list[dict[str, Any]]:
    """The training pairs (premise = passage, hypothesis = claim) one verified claim gives; see the module doc."""
    types = must_flag_types(claim, expectations)
    if types & SKIPPED_TYPES or not hits:
        return []
    if "unsupported" in types:
        return [{"premise": hit.passage.text, "hypothesis": claim.text, "label": "neutral"} for hit in hits]
    source = source_passage(claim, hits, min_coverage)
    if source is None:
        return []
    label = "contradiction" if "contradicted" in types else "entailment"
    return [{"premise": source.passage.text, "hypothesis": claim.text, "label": label}]


def case_pairs(case: EvalCase, checker: Any, min_coverage: float = DEFAULT_MIN_COVERAGE) -> list[dict[str, Any]]:
    """The labelled pairs of one case, from the passages ``checker`` (an `ArticleChecker`) retrieves for its claims."""
    context = checker.evidence([case.evidence_path], case.roster_path)
    claims = checker.detect_claims(checker.segment(checker.ingest(case.article_path)))
    passages = checker.retrieve(claims, context)
    rows = []
    for claim in claims:
        for row in label_claim(claim, passages.get(claim.id, ()), case.expectations, min_coverage):
            rows.append({**row, "source": f"case:{case.name}"})
    return rows


def pairs_from_cases(roots: Sequence[str | Path], config: dict, *, min_coverage: float = DEFAULT_MIN_COVERAGE,
                     on_case: Callable[[int, int], None] | None = None) -> list[dict[str, Any]]:
    """Labelled pairs of every case under ``roots`` (case directories or folders of them), in case order."""
    from pipeline.checker import ArticleChecker

    cases = [case for root in roots for case in load_cases(root)]
    checker = ArticleChecker(config)
    rows: list[dict[str, Any]] = []
    for done, case in enumerate(cases, 1):
        rows.extend(case_pairs(case, checker, min_coverage))
        if on_case is not None:
            on_case(done, len(cases))
    return rows


def edited_paraphrases(rows: Sequence[dict[str, Any]], *, seed: int = 13) -> list[dict[str, Any]]:
    """One contradiction per entailment row whose hypothesis (the article's sentence) takes an edit.

    The edit (number, date, direction, negation, or a two-word name swapped for another name from the
    rows) is drawn at random among those that change the sentence; ``source`` becomes
    ``<row source>+edit:<kind>``.
    """
    rng = random.Random(seed)
    names = sorted({m.group(0) for r in rows for m in re.finditer(r"\b[A-Z][a-z]+ [A-Z][a-z]+\b", r["hypothesis"])})
    edits = [*CONTRADICTION_EDITS.items(), ("name", lambda sentence, r: change_name(sentence, r, names))]
    edited = []
    for row in rows:
        if row["label"] != "entailment":
            continue
        for kind, edit in rng.sample(edits, len(edits)):
            changed = edit(row["hypothesis"], rng)
            if changed and changed.strip() != row["hypothesis"].strip():
                edited.append({**row, "hypothesis": changed, "label": "contradiction", "source": f"{row.get('source', '')}+edit:{kind}"})
                break
    return edited


def _main(argv: Sequence[str] | None = None) -> None:
    import argparse
    from collections import Counter

    from pipeline.config import load_config

    parser = argparse.ArgumentParser(description="Write NLI training pairs from case sets (eval_cases format).")
    parser.add_argument("roots", nargs="+", help="case directories, or folders of them")
    parser.add_argument("--output", required=True)
    parser.add_argument("--config", default=None, help="YAML config (evidence index directory, models)")
    parser.add_argument("--min-coverage", type=float, default=DEFAULT_MIN_COVERAGE)
    parser.add_argument("--edits", action="store_true", help="add an edited contradiction of every entailment pair")
    parser.add_argument("--seed", type=int, default=13)
    ns = parser.parse_args(argv)
    rows = pairs_from_cases(ns.roots, load_config(ns.config), min_coverage=ns.min_coverage,
                            on_case=lambda done, total: print(f"\r{done}/{total} cases", end="", flush=True))
    print()
    if ns.edits:
        rows += edited_paraphrases(rows, seed=ns.seed)
    with open(ns.output, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(json.dumps({"rows": len(rows), "by_label": dict(Counter(r["label"] for r in rows))}))


if __name__ == "__main__":
    _main()
