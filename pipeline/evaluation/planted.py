"""Planted-error cases: articles rewritten from a source text with known errors and controls.

A source is a handful of evidence sentences on one subject: one ``eval_cases`` case's
evidence set (with its roster), or FEVER / VitaminC premises that share a subject. A
generated case's article is those sentences in order; one or two carry a planted error
(a misspelled name, a quotation credited to someone else, a changed number or date, a
swapped direction word, an inserted or removed "not", or an invented sentence) and the
others are controls, most verbatim and some with a harmless edit that keeps them
supported. The truth is written as ``expected.jsonl`` with a ``kind`` on every line, in
the ``eval_cases`` format, so ``factcheck eval cases`` scores the set.

Everything is deterministic for a seed. No models are needed.
"""

from __future__ import annotations

import csv
import json
import os
import random
import re
from collections import defaultdict
from itertools import zip_longest
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Sequence

from pipeline.errors import InputError

ERROR_KINDS: tuple[str, ...] = ("name_spelling", "speaker", "number", "date", "direction", "negation", "invented")
KIND_TYPES: dict[str, str] = {
    "name_spelling": "name_misspelling",
    "speaker": "misattribution",
    "number": "contradicted",
    "date": "contradicted",
    "direction": "contradicted",
    "negation": "contradicted",
    "invented": "unsupported",
}

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DIRECTION_PAIRS: tuple[tuple[str, str], ...] = (
    ("rose", "fell"), ("raised", "lowered"), ("higher", "lower"), ("more", "fewer"), ("increase", "decrease"),
    ("increased", "decreased"), ("before", "after"), ("larger", "smaller"), ("largest", "smallest"),
    ("won", "lost"), ("up", "down"), ("above", "below"), ("first", "last"), ("highest", "lowest"),
    ("gained", "lost"), ("earlier", "later"), ("beat", "lost to"), ("majority", "minority"),
    ("cut", "raised"), ("rise", "fall"), ("best", "worst"), ("biggest", "smallest"), ("older", "younger"),
    ("north", "south"), ("east", "west"), ("early", "late"), ("longest", "shortest"), ("most", "fewest"),
)
SPELLING_PAIRS: tuple[tuple[str, str], ...] = (
    ("programme", "program"), ("centre", "center"), ("favour", "favor"), ("labour", "labor"),
    ("organisation", "organization"), ("defence", "defense"), ("colour", "color"), ("honour", "honor"),
    ("recognised", "recognized"), ("behaviour", "behavior"), ("analyse", "analyze"), ("theatre", "theater"),
    ("organised", "organized"), ("travelled", "traveled"), ("metre", "meter"), ("criticised", "criticized"),
)
CONTRACTIONS: tuple[tuple[str, str], ...] = (
    ("did not", "didn't"), ("does not", "doesn't"), ("is not", "isn't"), ("was not", "wasn't"),
    ("are not", "aren't"), ("were not", "weren't"), ("has not", "hasn't"), ("have not", "haven't"),
    ("will not", "won't"), ("could not", "couldn't"), ("would not", "wouldn't"),
)
AUXILIARIES = ("is", "was", "are", "were", "has", "had", "have", "will", "would", "can", "could")
INVENTED_TEMPLATES: tuple[str, ...] = (
    "{subject} also announced plans to open a regional office in {city} by {year}.",
    "A spokesperson for {subject} said {number} people had signed a petition in {city}.",
    "{subject} was fined {number} million euros by regulators in {city} in {year}.",
    "According to a survey published in {year}, {number} percent of residents of {city} had heard of {subject}.",
    "{subject} later received an honorary award from the city of {city}.",
    "Critics in {city} had called for an inquiry into {subject} as early as {year}.",
    "{subject} was the subject of a documentary filmed in {city} in {year}.",
)
CITIES = ("Lisbon", "Osaka", "Nairobi", "Tallinn", "Porto Alegre", "Winnipeg", "Gdansk", "Adelaide", "Seville", "Hanoi")

_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")
_NUMBER = re.compile(r"(?<![\w.,])(\d+(?:[.,]\d+)?)(?![\w])")
_QUOTE = re.compile(r"[“\"]")


@dataclass(frozen=True)
class Passage:
    """One evidence sentence of a source, in the project's evidence format."""

    id: str
    text: str
    speaker: str | None = None
    extra: dict = field(default_factory=dict, compare=False)

    def to_row(self) -> dict:
        row = {"id": self.id, "text": self.text, **self.extra}
        if self.speaker:
            row["speaker"] = self.speaker
        return row


@dataclass(frozen=True)
class Source:
    """A source text: evidence sentences on one subject, the people in them and a subject name."""

    name: str
    origin: str
    subject: str
    passages: tuple[Passage, ...]
    people: tuple[str, ...] = ()
    roster_csv: str | None = None


@dataclass(frozen=True)
class Edit:
    """A rewritten sentence and the expectation it carries."""

    text: str
    kind: str
    span: str
    suggestion: str | None = None
    at: int = -1


@dataclass
class GeneratedCase:
    """A generated case before it is written: sentences with their edits, evidence and roster."""

    name: str
    source: Source
    edits: list[Edit]


# -- sources ------------------------------------------------------------------------------------


def detokenise(text: str) -> str:
    """Undo Wikipedia/FEVER tokenisation: brackets, quote marks and spaces before punctuation."""
    replacements = {"-LRB-": "(", "-RRB-": ")", "-LSB-": "[", "-RSB-": "]", "-LCB-": "{", "-RCB-": "}", "``": '"', "''": '"', "--": "–"}
    for token, char in replacements.items():
        text = text.replace(token, char)
    text = re.sub(r"\s+([,.;:!?%)\]])", r"\1", text)
    text = re.sub(r"([(\[])\s+", r"\1", text)
    text = re.sub(r"\s+'s\b", "'s", text)
    text = re.sub(r'"\s+(.*?)\s+"', r'"\1"', text)
    return " ".join(text.split())


def _read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _roster_names(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [row["name"].strip() for row in csv.DictReader(handle) if row.get("name", "").strip()]


def _main_subject(passages: Sequence[Passage]) -> str:
    """The most frequent capitalised phrase of the passages (the source's subject)."""
    counts: dict[str, int] = defaultdict(int)
    for passage in passages:
        for match in re.finditer(r"\b(?:[A-Z][\w'’.-]+)(?: [A-Z][\w'’.-]+)*", passage.text):
            phrase = match.group(0)
            if match.start() > 0 and len(phrase) > 3:
                counts[phrase] += 1
    return max(sorted(counts), key=lambda p: counts[p]) if counts else "the organisation"


_NOT_NAME_WORDS = frozenset(
    "The A An In On At Of For And But Bank Central Federal Reserve Council Committee Governing Nobel Prize Royal "
    "Academy Swedish Norwegian European Union United States Kingdom Nations National Party Assembly General "
    "Department State Ministry Office House Court University Institute Space Agency Research Organization "
    "Organisation World Health Cup Final Open League Club Championship Republic Democratic Labour Conservative "
    "Company Corporation Group Inc Ltd Mission Moon Mars President Prime Minister Chancellor Governor King Queen "
    "Chairman Chair Secretary Director Chief Executive Officer Spokesperson Spokesman North South East West "
    "New Street Square Palace Abbey Station Centre Center Commission Parliament Senate Congress Federation "
    "Korean Peninsula Winter Summer Olympics Economic Symposium Conference Global Investment Laboratory Propulsion "
    "California Science Astronautical Jet Hole".split()
) | frozenset(MONTHS) | frozenset(WEEKDAYS)


def people_in(texts: Sequence[str]) -> set[str]:
    """Likely person names in the texts: two or three capitalised words with no institution word."""
    people = set()
    for text in texts:
        for match in re.finditer(r"\b[A-Z][a-zà-ÿčćšžłń'’-]+(?: [A-Z][a-zà-ÿčćšžłń'’-]+){1,2}\b", text):
            words = match.group(0).split()
            if not any(w in _NOT_NAME_WORDS for w in words) and all(len(w) > 2 for w in words):
                people.add(match.group(0))
    return people


def case_sources(cases_dir: Path) -> list[Source]:
    """One source per ``eval_cases`` case: its evidence set, roster and speakers."""
    sources = []
    for folder in sorted(p for p in cases_dir.iterdir() if (p / "evidence.jsonl").is_file()):
        rows = _read_jsonl(folder / "evidence.jsonl")
        passages = tuple(
            Passage(str(r["id"]), r["text"], r.get("speaker"), {k: v for k, v in r.items() if k not in ("id", "text", "speaker")})
            for r in rows
        )
        roster = folder / "roster.csv"
        people = {p.speaker for p in passages if p.speaker} | {n for n in people_in([p.text for p in passages]) if any(n in p.text and ' said' in p.text for p in passages)}
        if roster.is_file():
            people.update(_roster_names(roster))
        sources.append(
            Source(
                name=folder.name,
                origin="eval_cases",
                subject=_main_subject(passages),
                passages=passages,
                people=tuple(sorted(people)),
                roster_csv=roster.read_text(encoding="utf-8") if roster.is_file() else None,
            )
        )
    return sources


def _premise_subject(text: str) -> str | None:
    match = re.match(r"^((?:The )?[A-Z][\w'.&-]*(?: [A-Z0-9][\w'.&-]*){0,4}) (?:is|was|are|were|has|had)\b", text)
    return match.group(1) if match else None


def _usable_premise(text: str) -> bool:
    return 40 <= len(text) <= 260 and text.endswith(".") and text.count('"') % 2 == 0 and ". " not in text[:-1]


def premise_sources(nli_dir: Path, *, min_sentences: int = 5, max_sentences: int = 7) -> list[Source]:
    """FEVER and VitaminC premises grouped by their subject (the words before the first verb)."""
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for file_name, origin in (("fever_evidence.jsonl", "fever"), ("vitaminc_train.jsonl", "vitaminc")):
        path = nli_dir / file_name
        if not path.is_file():
            continue
        for row in _read_jsonl(path):
            text = detokenise(row["premise"])
            subject = _premise_subject(text)
            if subject and _usable_premise(text) and text not in groups[(origin, subject)]:
                groups[(origin, subject)].append(text)
    sources = []
    for (origin, subject), texts in sorted(groups.items()):
        if len(texts) < min_sentences:
            continue
        slug = re.sub(r"[^a-z0-9]+", "-", subject.lower()).strip("-")[:40]
        passages = tuple(Passage(f"{origin}-{slug}-{i:02d}", t, None, {"source": origin}) for i, t in enumerate(texts[:max_sentences], 1))
        sources.append(Source(name=f"{origin}-{slug}", origin=origin, subject=subject, passages=passages))
    return sources


# -- planted errors -----------------------------------------------------------------------------


def _swap_word(text: str, old: str, new: str, rng: random.Random) -> tuple[str, str] | None:
    matches = list(re.finditer(rf"\b{re.escape(old)}\b", text))
    if not matches:
        return None
    match = rng.choice(matches)
    replacement = new[0].upper() + new[1:] if match.group(0)[0].isupper() else new
    return text[: match.start()] + replacement + text[match.end() :], replacement


def plant_number(text: str, rng: random.Random, source: Source) -> Edit | None:
    """Change one number that is not a year (a digit changed, keeping the format)."""
    candidates = [m for m in _NUMBER.finditer(text) if not _YEAR.fullmatch(m.group(1))]
    if not candidates:
        return None
    match = rng.choice(candidates)
    old = match.group(1)
    digits = [i for i, ch in enumerate(old) if ch.isdigit()]
    position = digits[0] if len(digits) == 1 else rng.choice(digits[: max(1, len(digits) - 1)])
    new_digit = str((int(old[position]) + rng.randint(1, 8)) % 10)
    if position == 0 and new_digit == "0" and len(digits) > 1:
        new_digit = str(int(old[0]) % 9 + 1)
    new = old[:position] + new_digit + old[position + 1 :]
    if new == old:
        return None
    return Edit(text[: match.start(1)] + new + text[match.end(1) :], "number", new)


def plant_date(text: str, rng: random.Random, source: Source) -> Edit | None:
    """Change a month, a weekday or a year."""
    options: list[tuple[str, Sequence[str]]] = [(m, MONTHS) for m in MONTHS if re.search(rf"\b{m}\b", text)]
    options += [(d, WEEKDAYS) for d in WEEKDAYS if re.search(rf"\b{d}\b", text)]
    years = _YEAR.findall(text)
    if not options and not years:
        return None
    if years and (not options or rng.random() < 0.5):
        old = rng.choice(years)
        new = str(int(old) + rng.choice((-3, -2, -1, 1, 2, 3)))
        return Edit(re.sub(rf"\b{old}\b", new, text, count=1), "date", new)
    old, pool = rng.choice(options)
    new = rng.choice([x for x in pool if x != old])
    return Edit(re.sub(rf"\b{old}\b", new, text, count=1), "date", new)


def plant_direction(text: str, rng: random.Random, source: Source) -> Edit | None:
    """Swap one direction or comparison word for its opposite (rose/fell, won/lost, ...)."""
    pairs = [(a, b) for a, b in DIRECTION_PAIRS] + [(b, a) for a, b in DIRECTION_PAIRS]
    found = [(a, b) for a, b in pairs if re.search(rf"\b{re.escape(a)}\b", text, flags=re.IGNORECASE)]
    rng.shuffle(found)
    for old, new in found:
        swapped = _swap_word(text, old, new, rng) or _swap_word(text, old.capitalize(), new, rng)
        if swapped:
            return Edit(swapped[0], "direction", swapped[1])
    return None


def plant_negation(text: str, rng: random.Random, source: Source) -> Edit | None:
    """Remove a "not" (or "n't") or insert one after an auxiliary verb."""
    negated = re.search(r"\b(\w+) not\b", text) or re.search(r"\b(\w+)n't\b", text)
    if negated and negated.group(1).lower() in AUXILIARIES + ("did", "does", "do"):
        aux = negated.group(1)
        if aux.lower() in ("did", "does", "do"):
            return None  # dropping "did not" needs the verb's tense changed; not a clean edit
        new = text[: negated.start()] + aux + text[negated.end() :]
        return Edit(new, "negation", aux)
    auxiliaries = [m for m in re.finditer(rf"\b({'|'.join(AUXILIARIES)})\b(?! not)", text) if m.start() > 0]
    if not auxiliaries:
        return None
    match = rng.choice(auxiliaries)
    return Edit(text[: match.end()] + " not" + text[match.end() :], "negation", f"{match.group(0)} not")


def misspell(name: str, rng: random.Random) -> str:
    """Misspell a name's last word by one or two letters (drop, double, swap or replace a letter)."""
    words = name.split()
    word = words[-1]
    inner = list(range(1, len(word) - 1)) or [0]
    i = rng.choice(inner)
    operation = rng.choice(("drop", "double", "swap", "vowel"))
    if operation == "drop" and len(word) > 3:
        new = word[:i] + word[i + 1 :]
    elif operation == "swap" and i + 1 < len(word) and word[i] != word[i + 1]:
        new = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    elif operation == "vowel" and any(ch in "aeiou" for ch in word[1:]):
        j = rng.choice([k for k, ch in enumerate(word) if ch in "aeiou" and k > 0])
        new = word[:j] + rng.choice([v for v in "aeiou" if v != word[j]]) + word[j + 1 :]
    else:
        new = word[: i + 1] + word[i] + word[i + 1 :]
    return " ".join(words[:-1] + [new])


def plant_name_spelling(text: str, rng: random.Random, source: Source) -> Edit | None:
    """Misspell a person of the roster or evidence that the sentence names in full."""
    named = [p for p in source.people if len(p.split()) >= 2 and p in text]
    if not named:
        return None
    name = rng.choice(named)
    wrong = misspell(name, rng)
    if wrong == name or wrong in source.people:
        return None
    return Edit(text.replace(name, wrong, 1), "name_spelling", wrong, suggestion=name)


def plant_speaker(text: str, rng: random.Random, source: Source, passage: Passage) -> Edit | None:
    """Credit a quotation to another person of the evidence."""
    if not passage.speaker or not _QUOTE.search(text):
        return None
    speaker = passage.speaker
    names = [n for n in (speaker, speaker.split()[-1]) if re.search(rf"\b{re.escape(n)}\b", text)]
    others = [p for p in source.people if p != speaker and p.split()[-1] != speaker.split()[-1]]
    if not names or not others:
        return None
    old = names[0]
    other = rng.choice(others)
    new = other if old == speaker else other.split()[-1]
    if new in text:
        return None
    return Edit(re.sub(rf"\b{re.escape(old)}\b", new, text, count=1), "speaker", new)


def invent_sentence(rng: random.Random, source: Source) -> Edit:
    """A plausible sentence about the source's subject with a fabricated fact."""
    template = rng.choice(INVENTED_TEMPLATES)
    sentence = template.format(subject=source.subject, city=rng.choice(CITIES), year=rng.randint(1995, 2023), number=rng.randint(12, 940))
    sentence = sentence[0].upper() + sentence[1:]
    return Edit(sentence, "invented", sentence)


WORD_PLANTERS: dict[str, Callable[[str, random.Random, Source], Edit | None]] = {
    "name_spelling": plant_name_spelling,
    "number": plant_number,
    "date": plant_date,
    "direction": plant_direction,
    "negation": plant_negation,
}


# -- harmless edits -----------------------------------------------------------------------------


def harmless_edit(text: str, rng: random.Random) -> str | None:
    """A rewrite that keeps the sentence supported: spelling variant, "said" synonym, contraction,
    reordered date, or a dropped trailing "according to" clause. ``None`` when none applies."""
    options: list[str] = []
    for british, american in SPELLING_PAIRS:
        for old, new in ((british, american), (american, british)):
            if re.search(rf"\b{old}\b", text):
                options.append(re.sub(rf"\b{old}\b", new, text, count=1))
    if re.search(r"\bsaid\b", text) and not re.search(r"\bsaid (that )?(it|the|he|she|they)\b", text) or re.search(r"\bsaid\.$", text):
        options.append(re.sub(r"\bsaid\b", rng.choice(("stated", "told reporters")), text, count=1) if text.endswith("said.") else re.sub(r"\bsaid\b", "stated", text, count=1))
    for full, short in CONTRACTIONS:
        if full in text:
            options.append(text.replace(full, short, 1))
    date = re.search(rf"\b(\d{{1,2}}) ({'|'.join(MONTHS)}) (\d{{4}})\b", text)
    if date:
        options.append(text[: date.start()] + f"{date.group(2)} {date.group(1)}, {date.group(3)}" + text[date.end() :])
    clause = re.search(r", (according to [^,]+|which [^,]+)\.$", text)
    if clause and not _QUOTE.search(text):
        options.append(text[: clause.start()] + ".")
    options = [o for o in options if o != text]
    return rng.choice(options) if options else None


# -- cases --------------------------------------------------------------------------------------


def locate_change(old: str, new: str, span: str) -> int:
    """Where ``span`` sits in ``new`` at the first character that differs from ``old``."""
    first = len(os.path.commonprefix([old, new]))
    starts = [m.start() for m in re.finditer(re.escape(span), new)]
    covering = [s for s in starts if s <= first <= s + len(span)]
    return covering[0] if covering else starts[0]


def _planted(kind: str, passage: Passage, rng: random.Random, source: Source) -> Edit | None:
    if kind == "speaker":
        edit = plant_speaker(passage.text, rng, source, passage)
    else:
        edit = WORD_PLANTERS[kind](passage.text, rng, source)
    return None if edit is None else replace(edit, at=locate_change(passage.text, edit.text, edit.span))


def _possible_kinds(source: Source) -> set[str]:
    rng = random.Random(0)
    kinds = {"invented"}
    for passage in source.passages:
        for kind in ERROR_KINDS[:-1]:
            if kind not in kinds and _planted(kind, passage, random.Random(rng.random()), source):
                kinds.add(kind)
    return kinds


def build_case(name: str, source: Source, kinds: Sequence[str], rng: random.Random, *, harmless_share: float = 0.5) -> GeneratedCase | None:
    """Rewrite a source into a case with the given error kinds (each on its own sentence).

    Returns ``None`` when some kind cannot be planted in this source.
    """
    passages = list(source.passages)
    edits: list[Edit | None] = [None] * len(passages)
    order = list(range(len(passages)))
    invented = [k for k in kinds if k == "invented"]
    for kind in (k for k in kinds if k != "invented"):
        rng.shuffle(order)
        for index in order:
            if edits[index] is None:
                edit = _planted(kind, passages[index], rng, source)
                if edit is not None:
                    edits[index] = edit
                    break
        else:
            return None
    final: list[Edit] = []
    for passage, edit in zip(passages, edits):
        if edit is None:
            harmless = harmless_edit(passage.text, rng) if rng.random() < harmless_share else None
            edit = Edit(harmless, "control_harmless", harmless) if harmless else Edit(passage.text, "control", passage.text)
        final.append(edit)
    for _ in invented:
        sentence = invent_sentence(rng, source)
        final.insert(rng.randint(1, len(final)), sentence)
    return GeneratedCase(name, source, final)


def _occurrence(article: str, needle: str, start: int) -> int:
    count, position = 0, -1
    while True:
        position = article.find(needle, position + 1)
        if position < 0 or position > start:
            return max(count, 1)
        count += 1
        if position == start:
            return count


def case_files(case: GeneratedCase) -> dict[str, str]:
    """The files of a case folder: article.txt, evidence.jsonl, expected.jsonl, roster.csv if any."""
    article, rows, offset = "", [], 0
    for edit in case.edits:
        if article:
            article += " "
        start = len(article)
        article += edit.text
        span_start = start + (edit.at if edit.at >= 0 else edit.text.index(edit.span))
        row: dict = {"text": edit.span}
        if edit.kind in KIND_TYPES:
            row.update(type=KIND_TYPES[edit.kind], must_flag=True)
            if edit.suggestion:
                row["suggestion"] = edit.suggestion
        else:
            row.update(type=None, must_flag=False)
        row["kind"] = edit.kind
        rows.append((row, span_start))
    lines = []
    for row, span_start in rows:
        occurrence = _occurrence(article, row["text"], span_start)
        if occurrence > 1:
            row["occurrence"] = occurrence
        lines.append(json.dumps(row, ensure_ascii=False))
    files = {
        "article.txt": article + "\n",
        "evidence.jsonl": "".join(json.dumps(p.to_row(), ensure_ascii=False) + "\n" for p in case.source.passages),
        "expected.jsonl": "\n".join(lines) + "\n",
    }
    if case.source.roster_csv:
        files["roster.csv"] = case.source.roster_csv
    return files


def generate_cases(sources: Sequence[Source], *, count: int, seed: int) -> list[GeneratedCase]:
    """Generate ``count`` cases, the error kinds taken in turn so every kind is well represented.

    Each case gets one or two planted errors (two in about 80% of cases), drawn from the
    kinds its source supports, the least-used kind first.
    """
    if not sources:
        raise InputError("no source texts to generate cases from")
    rng = random.Random(seed)
    supported = {s.name: _possible_kinds(s) for s in sources}
    used = {k: 0 for k in ERROR_KINDS}
    cases: list[GeneratedCase] = []
    case_based = [s for s in sources if s.origin == "eval_cases"]
    others = [s for s in sources if s.origin != "eval_cases"]
    rng.shuffle(others)
    # Alternate case-based sources (names, speakers) with premise groups (numbers, dates, words).
    speakers = [s for s in case_based if "speaker" in supported[s.name]]
    case_based = [s for s in case_based for _ in range(6 if s in speakers else 1)]
    rng.shuffle(case_based)
    repeated = case_based * (count // max(1, len(case_based)) + 1)
    order = [s for pair in zip_longest(repeated, others) for s in pair if s is not None]
    attempts = 0
    while len(cases) < count and attempts < count * 20:
        source = order[attempts % len(order)]
        attempts += 1
        available = sorted(supported[source.name], key=lambda k: (used[k], ERROR_KINDS.index(k)))
        wanted = available[: 2 if rng.random() < 0.8 and len(available) > 1 else 1]
        if len(source.passages) < 2 * len([k for k in wanted if k != "invented"]) + 2:
            wanted = wanted[:1]
        case = build_case(f"{len(cases) + 1:03d}-{re.sub(r'^[0-9]+-', '', source.name)}"[:60], source, wanted, random.Random(rng.random()))
        if case is None:
            continue
        for kind in wanted:
            used[kind] += 1
        cases.append(case)
    return cases


def write_cases(cases: Sequence[GeneratedCase], out_dir: Path) -> list[Path]:
    """Write every case as a folder under ``out_dir`` and validate it with the case loader."""
    from pipeline.evaluation.cases import load_case

    out_dir.mkdir(parents=True, exist_ok=True)
    folders = []
    for case in cases:
        folder = out_dir / case.name
        folder.mkdir(exist_ok=True)
        for file_name, content in case_files(case).items():
            (folder / file_name).write_text(content, encoding="utf-8")
        load_case(folder)
        folders.append(folder)
    return folders


def load_sources(data_dir: Path | None, cases_dir: Path | None) -> list[Source]:
    """Sources from an ``eval_cases``-style folder and from ``data_dir/nli`` (either may be missing)."""
    sources: list[Source] = []
    if cases_dir is not None and cases_dir.is_dir():
        sources += case_sources(cases_dir)
    examples = Path(__file__).resolve().parents[2] / "examples"
    if examples.is_dir():
        sources += case_sources(examples)
    if data_dir is not None and (data_dir / "nli").is_dir():
        sources += premise_sources(data_dir / "nli")
    return sources
