"""The NLI training mix: every training set in ``../shared/data/nli`` capped so none swamps the rest,
FEVER premises detokenised, plus contrastive pairs generated from the training premises.

Run ``python -m pipeline.training.nli_data --data-dir ../shared/data/nli --output /tmp/mix.jsonl``
to write the mix (outside the repository: the data is never copied into it).
"""

from __future__ import annotations

import json
import random
import re
from collections import defaultdict
from pathlib import Path
from typing import Any, Callable, Sequence

from pipeline.errors import InputError
from pipeline.io import read_jsonl_objects

# Rows per training file. Why these caps: VitaminC and FEVER are closest to the job (claims against
# evidence) and get the most; ConjNLI is generated and noisy, so it is held to a third of its rows;
# the small human-written sets are taken whole. Contrastive pairs are capped in `build_mix`.
DEFAULT_CAPS: dict[str, int] = {
    "vitaminc_train.jsonl": 20000,
    "fever_nli.jsonl": 12000,
    "fever_evidence.jsonl": 8000,
    "snli_dev.jsonl": 9842,
    "cad_snli_train.jsonl": 8162,
    "conjnli_train.jsonl": 5000,
    "mnli_train_sample.jsonl": 2336,
    "check_covid.jsonl": 1501,
}
# Files that must never be trained on: SICK is non-commercial, the others are evaluation sets.
REFUSED_FILES: frozenset[str] = frozenset({
    "sick_train.jsonl", "sick_test.jsonl", "mnli_dev.jsonl", "conjnli_dev.jsonl", "vitaminc_dev.jsonl",
    "snli_test.jsonl",
})
NLI_LABEL_NAMES = ("entailment", "neutral", "contradiction")

_PTB = {"-LRB-": "(", "-RRB-": ")", "-LSB-": "[", "-RSB-": "]", "-LCB-": "{", "-RCB-": "}", "``": '"', "''": '"',
        "--": "–"}


def detokenise_fever(text: str) -> str:
    """Undo Wikipedia/PTB tokenisation in a FEVER premise (``-LRB-``, `` , ``, ``` `` ```).

    Args:
        text: a FEVER premise as shipped.

    Returns:
        The sentence with brackets and quotes restored and spaces before punctuation removed.
    """
    for token, plain in _PTB.items():
        text = text.replace(token, plain)
    text = re.sub(r"\s+([,.;:!?%)\]}])", r"\1", text)
    text = re.sub(r"([(\[{])\s+", r"\1", text)
    text = re.sub(r'"\s+(.*?)\s+"', r'"\1"', text)
    text = re.sub(r"\s+'s\b", "'s", text)
    return re.sub(r"\s{2,}", " ", text).strip()


def read_training_file(path: str | Path) -> list[dict[str, Any]]:
    """Read one training file as ``{"premise", "hypothesis", "label"}`` rows (label names kept).

    Raises:
        InputError: the file is an evaluation-only or non-commercial set (SICK), or a row is malformed.
    """
    path = Path(path)
    if path.name in REFUSED_FILES or "sick" in path.name.lower():
        raise InputError(f"{path.name} is not for training (SICK is non-commercial; dev/test sets are for evaluation)")
    fever = path.name.startswith("fever")
    rows = []
    for number, row in read_jsonl_objects(path):
        label = str(row.get("label", "")).lower()
        if label not in NLI_LABEL_NAMES:
            raise InputError(f"{path}:{number} has label {row.get('label')!r}")
        premise = detokenise_fever(row["premise"]) if fever else row["premise"]
        rows.append({"premise": premise, "hypothesis": row["hypothesis"], "label": label, "source": path.name})
    return rows


# --- contrastive edits: each returns the edited sentence or None when it does not apply ---

_NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?![\w])")
_HEDGE = re.compile(r"(?:more than|over|under|less than|at least|at most|about|around|nearly|almost|some)\s*$", re.I)
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]
# Words whose swap reverses a direction or a comparison (both ways listed once).
_OPPOSITES = [("increased", "decreased"), ("rose", "fell"), ("higher", "lower"), ("more", "fewer"),
              ("larger", "smaller"), ("largest", "smallest"), ("before", "after"), ("first", "last"),
              ("won", "lost"), ("north", "south"), ("east", "west"), ("older", "younger"), ("above", "below"),
              ("increase", "decrease"), ("gained", "lost"), ("maximum", "minimum"), ("best", "worst")]
_OPPOSITE = {**{a: b for a, b in _OPPOSITES}, **{b: a for a, b in _OPPOSITES}}
_AUX = re.compile(r"\b(is|was|are|were|has|have|had|can|will|did|does|do)\b(?! not\b)")


def change_number(sentence: str, rng: random.Random) -> str | None:
    """Change one unhedged number (a year moves by a few years, other numbers by 10-60 %)."""
    candidates = [m for m in _NUMBER.finditer(sentence) if not _HEDGE.search(sentence[:m.start()])]
    if not candidates:
        return None
    match = rng.choice(candidates)
    whole = int(match.group(1).replace(",", ""))
    if 1000 <= whole <= 2100 and match.group(2) is None and "," not in match.group(1):
        new = str(whole + rng.choice([-3, -2, -1, 1, 2, 3]))
    else:
        value = float(match.group(0).replace(",", ""))
        changed = value * rng.choice([0.4, 0.6, 0.75, 1.3, 1.5, 2.0]) if value >= 5 else value + rng.choice([1, 2, 3])
        new = f"{changed:.{len(match.group(2) or '')}f}" if match.group(2) else str(int(round(changed)))
        if new == match.group(0).replace(",", ""):
            new = str(int(value) + 1)
    return sentence[:match.start()] + new + sentence[match.end():]


def change_month(sentence: str, rng: random.Random) -> str | None:
    """Replace a month name by another month (a changed date)."""
    found = [m for m in re.finditer(r"\b(" + "|".join(_MONTHS) + r")\b", sentence)]
    if not found:
        return None
    match = rng.choice(found)
    other = rng.choice([m for m in _MONTHS if m != match.group(1)])
    return sentence[:match.start()] + other + sentence[match.end():]


def change_name(sentence: str, rng: random.Random, names: Sequence[str]) -> str | None:
    """Replace one multi-word proper name by another name seen in the training premises."""
    found = list(re.finditer(r"\b[A-Z][a-z]+(?: [A-Z][a-z]+)+\b", sentence[1:]))
    if not found or not names:
        return None
    match = rng.choice(found)
    other = rng.choice(names)
    if other == match.group(0):
        return None
    start, end = match.start() + 1, match.end() + 1
    return sentence[:start] + other + sentence[end:]


def change_direction(sentence: str, rng: random.Random) -> str | None:
    """Swap one direction or comparison word for its opposite (``rose`` -> ``fell``)."""
    found = [m for m in re.finditer(r"\b\w+\b", sentence) if m.group(0).lower() in _OPPOSITE]
    if not found:
        return None
    match = rng.choice(found)
    word = _OPPOSITE[match.group(0).lower()]
    word = word.capitalize() if match.group(0)[0].isupper() else word
    return sentence[:match.start()] + word + sentence[match.end():]


def toggle_negation(sentence: str, rng: random.Random) -> str | None:
    """Remove a ``not`` or insert one after the first auxiliary verb."""
    if re.search(r"\b(not|n't)\b", sentence):
        return re.sub(r"\s*\bnot\b|n't\b", "", sentence, count=1)
    match = _AUX.search(sentence)
    if not match:
        return None
    return sentence[:match.end()] + " not" + sentence[match.end():]


_SENTENCE_STARTS = frozenset("The A An It This That These Those He She They We In On At By For His Her Their Its".split())
_CLAUSE = re.compile(r",\s+(?:and|but|while|whereas)\s+|;\s+")


def drop_clause(sentence: str, rng: random.Random) -> str | None:
    """Keep only the first of two coordinated clauses (entailed by the whole sentence)."""
    parts = _CLAUSE.split(sentence, maxsplit=1)
    if len(parts) != 2 or len(parts[0].split()) < 4:
        return None
    return parts[0].rstrip(" ,;") + "."


def swap_clauses(sentence: str, rng: random.Random) -> str | None:
    """Swap two clauses joined by ``, and`` (same content, so entailed)."""
    if re.search(r"[.!?]\s", sentence):  # several sentences: a swap would cut across them
        return None
    parts = re.split(r",\s+and\s+", sentence.rstrip("."), maxsplit=1)
    if len(parts) != 2 or min(len(p.split()) for p in parts) < 4:
        return None
    first, second = parts
    # lower-case the old first word only when it is a function word; names keep their capital
    if first.split()[0] in _SENTENCE_STARTS:
        first = first[0].lower() + first[1:]
    return second[0].upper() + second[1:] + ", and " + first + "."


CONTRADICTION_EDITS: dict[str, Callable[..., str | None]] = {
    "number": change_number, "date": change_month, "direction": change_direction, "negation": toggle_negation,
}
ENTAILMENT_EDITS: dict[str, Callable[..., str | None]] = {"drop_clause": drop_clause, "swap_clauses": swap_clauses}

_STOP = frozenset("the a an of in on at to and or is was are were by for with as from that this it its his her their "
                  "he she they be been has have had which who not".split())


def _topic_words(sentence: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]{4,}", sentence.lower()) if w not in _STOP}


def same_topic_neutrals(premises: Sequence[str], rng: random.Random, limit: int) -> list[dict[str, Any]]:
    """Pair premises that share two or more topic words but are different sentences (neutral).

    Why: a sentence on the same topic from another document shares words without being implied,
    which teaches the model that overlap alone is not entailment.
    """
    index: dict[str, list[int]] = defaultdict(list)
    words = [_topic_words(p) for p in premises]
    for i, ws in enumerate(words):
        for w in ws:
            index[w].append(i)
    order = list(range(len(premises)))
    rng.shuffle(order)
    pairs = []
    for i in order:
        if len(pairs) >= limit:
            break
        # the rarest shared word marks the topic; frequent words would pair unrelated sentences
        rare = sorted((w for w in words[i] if 1 < len(index[w]) < 50), key=lambda w: len(index[w]))
        for word in rare[:3]:
            others = [j for j in index[word] if premises[j] not in premises[i] and premises[i] not in premises[j]
                      and len(words[i] & words[j]) >= 2]
            if others:
                break
        else:
            continue
        if others:
            pairs.append({"premise": premises[i], "hypothesis": premises[rng.choice(others)], "label": "neutral",
                          "source": "contrastive:same_topic"})
    return pairs


def contrastive_pairs(premises: Sequence[str], *, limit: int, seed: int = 13) -> list[dict[str, Any]]:
    """Generate up to ``limit`` contrastive pairs from ``premises``, about a third of each label.

    Contradictions change one number, date, name, direction/comparison word or negation;
    entailments drop or swap a clause; neutrals pair a premise with another on the same topic.

    Returns:
        Rows with ``premise`` (the original), ``hypothesis`` (the edit), ``label`` and ``source``
        (``contrastive:<edit>``).
    """
    rng = random.Random(seed)
    unique = sorted(set(p for p in premises if 6 <= len(p.split()) <= 60))
    rng.shuffle(unique)
    names = sorted({m.group(0) for p in unique[:5000] for m in re.finditer(r"\b[A-Z][a-z]+ [A-Z][a-z]+\b", p)})
    edits = [("contradiction", k, f) for k, f in CONTRADICTION_EDITS.items()]
    edits += [("contradiction", "name", lambda s, r: change_name(s, r, names))]
    edits += [("entailment", k, f) for k, f in ENTAILMENT_EDITS.items()]
    per_label = limit // 3
    counts = {"contradiction": 0, "entailment": 0}
    rows = []
    for premise in unique:
        for label, kind, edit in rng.sample(edits, len(edits)):
            if counts[label] >= per_label:
                continue
            edited = edit(premise, rng)
            if edited and edited.strip() != premise.strip():
                rows.append({"premise": premise, "hypothesis": edited, "label": label, "source": f"contrastive:{kind}"})
                counts[label] += 1
                break
        if all(c >= per_label for c in counts.values()):
            break
    rows += same_topic_neutrals(unique, rng, limit - len(rows))
    return rows


def build_mix(data_dir: str | Path, *, caps: dict[str, int] | None = None, contrastive: int = 9000,
              seed: int = 13) -> list[dict[str, Any]]:
    """Read every capped training file in ``data_dir``, add contrastive pairs, and shuffle.

    Args:
        data_dir: the folder of NLI JSON Lines (``../shared/data/nli``).
        caps: rows per file name (a seeded sample of a longer file); `DEFAULT_CAPS` when None.
        contrastive: how many generated pairs to add.
        seed: seeds the samples, the edits and the shuffle.

    Raises:
        InputError: a capped file is missing or refused.
    """
    rng = random.Random(seed)
    rows: list[dict[str, Any]] = []
    premises: list[str] = []
    for name, cap in (caps or DEFAULT_CAPS).items():
        file_rows = read_training_file(Path(data_dir) / name)
        if len(file_rows) > cap:
            file_rows = rng.sample(file_rows, cap)
        rows += file_rows
        premises += [r["premise"] for r in file_rows]
    if contrastive:
        rows += contrastive_pairs(premises, limit=contrastive, seed=seed)
    rng.shuffle(rows)
    return rows


def mix_summary(rows: Sequence[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """Rows per source and label (for the model card)."""
    summary: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        summary[row["source"]][row["label"]] += 1
    return {s: dict(v) for s, v in sorted(summary.items())}


def _main(argv: Sequence[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(description="Write the NLI training mix as JSON Lines.")
    parser.add_argument("--data-dir", default="../shared/data/nli")
    parser.add_argument("--output", required=True)
    parser.add_argument("--contrastive", type=int, default=9000)
    parser.add_argument("--seed", type=int, default=13)
    ns = parser.parse_args(argv)
    rows = build_mix(ns.data_dir, contrastive=ns.contrastive, seed=ns.seed)
    with open(ns.output, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(json.dumps({"rows": len(rows), "by_source": mix_summary(rows)}, indent=1))


if __name__ == "__main__":
    _main()
