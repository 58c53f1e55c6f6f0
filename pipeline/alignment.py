"""Alignment: compare a claim with the evidence sentence it restates, word for word.

Altered copy is the commonest error a desk sees: a wire sentence reused with a number,
date, name, direction word or negation changed. When a claim restates an evidence sentence
(most of its words, in order, with numbers and dates masked), the edits between them
(`pipeline.changes`) decide the verdict more reliably than an NLI model does. A paraphrase
with other content words, or a claim that restates nothing, is left to the NLI model,
except for a number that conflicts with what the evidence counts.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import takewhile
from typing import Callable, Collection, Mapping, Sequence

from rapidfuzz import fuzz

from pipeline.changes import (
    COMPOUND_NUMBER, FRACTION_WORDS, MEANING_KINDS, MEASURES, MONTH_ABBREVIATIONS, MONTHS, NUMBER_WORDS, PREVENTING_VERBS, Token,
    TIME_ZONES, ZONE_TIME, abbreviates, close_numbers, compare_sentences, compound_number, counts_nothing, describe, figures_agree, is_year,
    one_actor, restatement_coverage, same_figure, WEEKDAYS, stated_figure, tokenize, worked_out,
)
from pipeline.lexicon import are_antonyms, capital_of, direction_of, is_place, lies_within, places_of_demonym, same_action, same_place
from pipeline.segment import PRONOUNS
from pipeline.types import Change, Claim, EvidenceJudgement, Passage, RetrievedPassage, Verdict

# Digits glued to letters ("COVID-19", "G7", "F-35") are part of a name, not a figure.
_TOKEN = re.compile(r"(?<![a-z\d])(?<![a-z]-)(?:\d+(?:[.,]\d+)*(?=st|nd|rd|th)|\d+(?:[.,]\d+)*)|%|[a-z]+(?:'t)?")
_STOPWORDS = frozenset(
    "the a an of in on at to for from by with and or but as is was were are be been has have had its it this that "
    "their his her they he she we after before than about into over under more less most least".split()
)
# A sentence ends at ., ! or ? (maybe closing a quotation) before a capital, a digit or a quotation,
# but not after "a.m."/"p.m.", an initial ("Michelle W. Bowman", "U.S.") or a title ("Dr. Smith").
_SENTENCE_END = re.compile(
    r"(?:(?<=[.!?])|(?<=[.!?][”\"’']))(?<![ap]\.m\.)(?<!\b[A-Z]\.)(?<!\bMr\.)(?<!\bMs\.)(?<!\bMrs\.)(?<!\bDr\.)(?<!\bSt\.)(?<!\bJr\.)(?<!\bSr\.)"
    r"\s+(?=[“\"A-Z0-9])"
)


_DECIMAL_DOT = re.compile(r"(?<=\d)·(?=\d)")  # "1·7 billion": a decimal point, as The Lancet prints it


_PARTS = {**FRACTION_WORDS, "halve": 2}
_FRACTION_OF = re.compile(
    r"\b(by[ \t]+)?(a|an|one|two|three|four|five|six|seven|eight|nine)[- ](half|halves|thirds?|quarters?|fifths?|sixths?|sevenths?|eighths?|ninths?|tenths?)\b"
    # "cut by a quarter", "two-fifths of", "a fifth lower"; "a quarter of a percentage point" is no 25%
    r"(?![ \t]+of[ \t]+an?[ \t]+(?:percentage[ \t]+)?point)(?(1)|(?=[ \t]+of\b|[ \t]+(?:lower|higher|more|less|fewer|smaller|bigger|larger|down|up)\b))",
    re.IGNORECASE)


_AND_A_HALF = re.compile(rf"\b(\d+|{'|'.join(w for w, n in NUMBER_WORDS.items() if int(n) <= 12 and not w.endswith(('st', 'nd', 'rd', 'th')))})[ \t]+and[ \t]+a[ \t]+half\b", re.IGNORECASE)


def _and_a_half(match: re.Match) -> str:
    """ "25 and a half", "two and a half": 25.5, 2.5."""
    whole = match[1].lower()
    return f"{NUMBER_WORDS.get(whole, whole)}.5"


def _as_percentage(match: re.Match) -> str:
    """A fraction of something as a percentage: "two-fifths" (of) -> "40%", "by a quarter" -> "by 25%"."""
    count = 1 if match[2].lower() in ("a", "an") else int(NUMBER_WORDS[match[2].lower()])
    part = _PARTS[match[3].lower().removesuffix("s").replace("halve", "half")]
    return f"{match[1] or ''}{100 * count / part:.3g}%"


_SMALL_NUMBER = r"one|two|three|four|five|six|seven|eight|nine|ten|\d{1,3}"
# "three in five", "1 in 4" of a group: a share, 60% and 25%
_ONE_IN = re.compile(rf"(?<![\d.,])\b({_SMALL_NUMBER})[ \t]+in[ \t]+({_SMALL_NUMBER})\b(?![ \t]*(?:%|percent|per|[.,]\d))", re.IGNORECASE)


def _share_as_percentage(match: re.Match) -> str:
    count, whole = (int(NUMBER_WORDS.get(m.lower(), m)) for m in (match[1], match[2]))
    return f"{100 * count / whole:.3g}%" if 0 < count < whole else match[0]


_SCALE_WORDS = {"bn": "billion", "tn": "trillion", "trn": "trillion", "mn": "million", "m": "million"}
# "A$3.6bn", "$2.5m", "€4 bn": the scale spelled out ("m" only after a currency: "the 100m" is metres).
_SCALED_AMOUNT = re.compile(r"(?:\b[A-Z]{1,2}(?=\$))?([$£€]\s?\d+(?:[.,]\d+)*)\s?(bn|tn|trn|mn|m)\b|(?<=\d)\s?(bn|tn|trn|mn)\b")


# "7m deaths", "at least 12m": millions written as the British press does, without a currency; not "the 100m", "a
# 30m wave" or "400m hurdles" (metres)
_MILLIONS = re.compile(
    r"(?<![\w.$£€])(?<!\bthe )(?<!\ba )(\d+(?:\.\d+)?)m\b(?!-)(?![ \t]+(?:tall|high|long|deep|wide|away|above|below|from|freestyle|"
    r"hurdles|sprint|race|final|relay|medley|backstroke|breaststroke|butterfly|dash|steeplechase|record|title|gold|silver|bronze)\b)",
    re.IGNORECASE)


def _spelled_scale(match: re.Match) -> str:
    if match[1]:
        return f"{match[1]} {_SCALE_WORDS[match[2]]}"
    return f" {_SCALE_WORDS[match[3]]}"


_NUMBERED = re.compile(r"\bNo\.?(?=[ \t]?\d)")  # "No 10", "No. 2"
_CALENDAR_YEAR = re.compile(r"\bcalendar[ \t]+year[ \t]+(?=\d{4}\b)", re.IGNORECASE)
_CLOCK_TIME = re.compile(r"\b\d{1,2}(?::\d{2}(?:\s?[ap]\.?m\b\.?)?|\.\d{2}\s?[ap]\.?m\b\.?)", re.IGNORECASE)
# "12.20 GMT", "1220 GMT": a time of day before a time zone, no figure either
_ZONE_TIME = re.compile(rf"\b{ZONE_TIME}(?=\s?(?:{'|'.join(sorted((zone.upper() for zone in TIME_ZONES), key=len, reverse=True))})\b)")


def _raw_tokens(text: str) -> list[str]:
    """Lower-case word and number tokens; thousands separators dropped, month abbreviations and scales ("bn")
    spelled out."""
    text = COMPOUND_NUMBER.sub(lambda m: compound_number(m[1], m[2]), text)  # "thirty-eight": 38
    text = _SCALED_AMOUNT.sub(_spelled_scale, text)  # "A$3.6bn": $3.6 billion
    text = _MILLIONS.sub(r"\1 million", text)  # "7m deaths": 7 million
    text = _CLOCK_TIME.sub(" oclock ", text)  # "11.30am", "11:30 a.m.": a time of day, whose figures no rule here compares
    text = _ZONE_TIME.sub(" oclock ", text)
    text = _AND_A_HALF.sub(_and_a_half, text)  # "a journey of about 25 and a half hours": 25.5 hours
    text = _FRACTION_OF.sub(_as_percentage, text)  # "two-fifths of": 40% of
    text = _ONE_IN.sub(_share_as_percentage, text)  # "three in five": 60%
    text = _NUMBERED.sub("number", text)  # "No 10": no negation
    text = _CALENDAR_YEAR.sub("", text)  # "the third quarter of calendar year 2024": of 2024, its words those of the quarter
    tokens = _TOKEN.findall(_DECIMAL_DOT.sub(".", text.lower().replace("’", "'")))
    return [t.replace(",", "") if t[0].isdigit() else MONTH_ABBREVIATIONS.get(t, t) for t in tokens]


def _tokens(text: str) -> list[str]:
    """Lower-case word and number tokens, number words as digits ("third" -> "3"), but not a "one" that counts nothing."""
    raw = _raw_tokens(text)
    return [t if counts_nothing(raw, i) else NUMBER_WORDS.get(t, t) for i, t in enumerate(raw)]


_ORDINALS = frozenset("first second third fourth fifth sixth seventh eighth ninth tenth".split())


def _number_kinds(text: str) -> list[str | None]:
    """Per token: what a number is ("ordinal", "percent", "year", "day", "count"), None for words.

    Only numbers of one kind can contradict each other: a "second term" is not a date's 24th.
    """
    raw = _raw_tokens(text)
    kinds: list[str | None] = []
    for i, token in enumerate(raw):
        after = raw[i + 1] if i + 1 < len(raw) else ""
        before = raw[i - 1] if i else ""
        if token in _ORDINALS or (token[0].isdigit() and after in ("st", "nd", "rd", "th")):
            kinds.append("ordinal")
        elif not (token[0].isdigit() or token in NUMBER_WORDS) or counts_nothing(raw, i):
            kinds.append(None)
        elif after in ("%", "percent"):
            kinds.append("percent")
        elif is_year(token) or (len(token) == 2 and token.isdigit() and is_year(before) and int(token) == (int(before) + 1) % 100):
            kinds.append("year")  # "the 2018-19 season": two years
        elif (before in MONTHS or after in MONTHS) and token.isdigit() and 1 <= int(token) <= 31:
            kinds.append("day")  # "by early April, 50-85-fold": a count after a month
        else:
            kinds.append("count")
    return kinds


@lru_cache(maxsize=256)
def _tokens_and_kinds(text: str) -> tuple[tuple[str, ...], tuple[str | None, ...]]:
    """``_tokens`` and ``_number_kinds`` of ``text``, cached: a claim and its evidence are read once per sentence checked."""
    return tuple(_tokens(text)), tuple(_number_kinds(text))


_MODALS = frozenset("would will could should might must shall".split())


def _anchors(tokens: Sequence[str], index: int, per_side: int = 2, reach: int = 5) -> set[str]:
    """The nearest content words on each side of a number: what the number counts or dates."""
    found: set[str] = set()
    for step in (-1, 1):
        taken, position = 0, index + step
        while 0 <= position < len(tokens) and abs(position - index) <= reach and taken < per_side:
            token = tokens[position]
            if not token[0].isdigit() and token not in _STOPWORDS and token not in _MODALS and len(token) > 2:
                found.add(token)  # no modal: "will quadruple to 100%" gives the figure of "quadruple its tariff to 100%"
                taken += 1
            position += step
    return found


def _shared_anchors(anchors: set[str], others: set[str]) -> set[str]:
    """The words two numbers' anchors share, and a direction both give in other words ("almost 25% higher" and "an
    increase of nearly 15%": up, `lexicon.direction_of`)."""
    directions = {direction_of(word) for word in anchors} & {direction_of(word) for word in others} - {None}
    return (anchors & others) | {f"direction {d}" for d in directions}


def _unit(tokens: Sequence[str], index: int) -> str | None:
    """The word right after a number when it names what is counted ("11 hours", "86 centimetres"), else None."""
    after = tokens[index + 1] if index + 1 < len(tokens) else ""
    if not after or after[0].isdigit() or after in _STOPWORDS or after == "%" or len(after) < 3:
        return None
    return after


def _same_quantity(kind: str | None, unit: str | None, other_kind: str | None, other_unit: str | None) -> bool:
    """Whether two numbers give the same quantity: same kind and, for counts, the same thing counted.

    "one orbit" and "11 hours" cannot contradict each other; a count whose unit is unknown can.
    """
    if kind != other_kind:
        return False
    if kind not in ("count", "ordinal") or unit is None or other_unit is None:
        return True
    return unit.rstrip("s") == other_unit.rstrip("s")


_SUFFIX = re.compile(r"(?<=[a-z]{3})(?:ing|ed|(?<!s)s)$")


def _stem(word: str) -> str:
    """A word without its inflection, for counting words two sentences share: "joining" and "join", "shares" and
    "shared" and "share" ("shar")."""
    word = _SUFFIX.sub("", word)
    return word[:-1] if word.endswith("e") and len(word) > 3 else word


def _content(tokens: Sequence[str]) -> set[str]:
    """The stems of the content words: no figures, function words or modals ("would join" restates "will be joining")."""
    return {_stem(t) for t in tokens if not t[0].isdigit() and t not in _STOPWORDS and t not in _MODALS and len(t) > 3}


def _shares_words(claim_tokens: Sequence[str], sentence_tokens: Sequence[str], min_overlap: float) -> bool:
    """Whether the sentence holds at least ``min_overlap`` of the claim's content words (a claim with none: no)."""
    claim_content = _content(claim_tokens)
    return bool(claim_content) and len(claim_content & _content(sentence_tokens)) / len(claim_content) >= min_overlap


def anchored_number_conflicts(claim: str, sentence: str, *, context: str = "", min_overlap: float = 0.4) -> tuple[tuple[str, str], ...]:
    """Numbers the claim gives for something the evidence sentence counts differently.

    "voted 7–2" against "voted by a majority of 5–4": both numbers sit next to "voted",
    the sentences share most of their words, and the claim's numbers are neither in the
    evidence sentence nor next to the same words in ``context`` (all of the claim's evidence).
    Returns (evidence number, claim number) for each conflict, or () when none.
    """
    claim_tokens, sentence_tokens = _tokens_and_kinds(claim)[0], _tokens_and_kinds(sentence)[0]
    ages = set(_AGE.findall(claim))  # "Chow, 66, a former city councillor": her age, no count
    if _shares_words(claim_tokens, sentence_tokens, min_overlap):
        return _number_conflicts(claim, sentence, context, ages=ages)
    if not _shares_words(claim_tokens, sentence_tokens, _MERGED_OVERLAP):
        return ()
    # A claim merged from several passages: a clause of it on the sentence's subject ("rather than the A$3.6bn set
    # aside in the state budget" against "allocated A$2.6 billion to the Games in the 2022-23 state budget")
    conflicts: list[tuple[str, str]] = []
    clauses = _NUMBER_CLAUSE_BREAK.split(claim)
    # each clause, and each with the one before ("Intel will cut about 15,000 jobs, roughly a fifth of its workforce")
    for clause in (*clauses, *(f"{a} {b}" for a, b in zip(clauses, clauses[1:]))):
        clause_tokens = _tokens_and_kinds(clause)[0]
        if len(_content(clause_tokens)) >= 4 and _shares_words(clause_tokens, sentence_tokens, _CLAUSE_OVERLAP):
            conflicts += [c for c in _number_conflicts(clause, sentence, context, ages=ages) if c not in conflicts]
    return tuple(conflicts)


def _number_conflicts(claim: str, sentence: str, context: str, *, ages: set[str]) -> tuple[tuple[str, str], ...]:
    """`anchored_number_conflicts` of a claim, or a clause of one, that shares enough words with the sentence;
    ``ages`` are figures that give someone's age ("Chow, 66, a former city councillor"), no count."""
    (claim_tokens, claim_kinds), (sentence_tokens, sentence_kinds) = _tokens_and_kinds(claim), _tokens_and_kinds(sentence)
    sentence_numbers = [t for t in sentence_tokens if t[0].isdigit()]
    # a figure alone is not given by one of a score's or range's pair ("let slip four championship points" against "had
    # three championship points" after "at 5-4")
    in_pairs = _paired_figures(sentence)
    lone_numbers = [t for t in sentence_tokens if t[0].isdigit() and t not in in_pairs]
    claim_numbers = [(t, kind) for t, kind in zip(claim_tokens, claim_kinds) if t[0].isdigit()]
    claimed = [n for n, _ in claim_numbers]
    claim_pairs = _paired_figures(claim)  # "four games to one" is a pair, "let slip four championship points" not
    context_tokens, context_kinds = _tokens_and_kinds(context)
    conflicts = []
    for i, token in enumerate(claim_tokens):
        if not token[0].isdigit() or token in ages:
            continue
        if any(close_numbers(token, n) for n in (sentence_numbers if token in claim_pairs else lone_numbers)):
            continue
        if _in_a_range(token, sentence, claimed):
            continue  # "on 8, 9 and 10 August" against "August 8-10"
        compared = i + 1 < len(claim_tokens) and claim_tokens[i + 1] in _GAP_WORDS
        after_from = i > 0 and claim_tokens[i - 1] == "from"
        if (after_from or compared) and worked_out(token, sentence_numbers):
            # "fell to 3.4% from 3.5%" against "fell by 0.1 percentage points to 3.4%"; "48 seats, two fewer than in
            # the preliminary results" against "48 seats, down from 50"; but "240 seats, 63 more than in 2019" against
            # "240 seats, down from 303": the gap the other way
            turned = _gap_turned(token, claim_tokens[i + 1] if compared else "", claimed, sentence_numbers)
            if turned is None:
                continue
            conflicts.append((turned, token))
            continue
        anchors, unit = _anchors(claim_tokens, i), _unit(claim_tokens, i)
        if _gives_number(context_tokens, context_kinds, token, claim_kinds[i], anchors):
            continue
        shared = {
            j: _shared_anchors(anchors, _anchors(sentence_tokens, j)) for j, other in enumerate(sentence_tokens)
            # a figure the claim also gives is accounted for ("sold 95.5 million shares at $51" against "sold 95.5
            # million shares"), unless the claim's is a level it moved from ("fell to 3.4% from 3.7%")
            if other[0].isdigit() and not close_numbers(other, token) and (after_from or not any(close_numbers(other, n) and kind == sentence_kinds[j] for n, kind in claim_numbers))
        }
        # a figure another passage gives as it is ("the 57 people killed" where the death toll "rose to 57") is compared
        # only with a figure sharing two of its words ("the 57 people" is no count of the "about 350 people" aboard)
        needed = 2 if _given_anywhere(context_tokens, context_kinds, token, claim_kinds[i]) else 1
        same = [j for j, words in shared.items() if len(words) >= needed and _same_quantity(claim_kinds[i], unit, sentence_kinds[j], _unit(sentence_tokens, j))]
        if not same and claim_kinds[i] == "percent" and claim_kinds.count("percent") == 1 and sentence_kinds.count("percent") == 1 and (
                _shares_words(claim_tokens, sentence_tokens, _ONE_SHARE_OVERLAP)):
            # the one share of sentences saying much the same, told with other words around it ("Nearly three in five of
            # those infected were health workers" against "Almost 80% of the cases were among health workers")
            same = [j for j in shared if sentence_kinds[j] == "percent"]
        if not same:
            continue
        claimed, given = stated_figure(claim_tokens, i), {j: stated_figure(sentence_tokens, j) for j in same}
        if claimed is not None and None not in given.values() and not (claimed.exact and all(f.exact for f in given.values())):
            # "less than 76%" against 75%, "less than 30 million" against "nearly 35 million", "the 1970s" against 1978:
            # the figure the sentence gives for the same thing (the claim's unit, then most words in common; any of
            # several as close: "over $25 million globally" against "$21.5 million in ... a worldwide total of $28.2
            # million") bears the claim's out, or may; or none can.
            same = [j for j in same if unit and _unit(sentence_tokens, j) == unit] or same
            most = max(len(shared[j]) for j in same)
            same = [j for j in same if len(shared[j]) == most]
            if any(figures_agree(claimed, given[j]) is not False for j in same):
                continue
            same = same[:1]
        conflicts.append((sentence_tokens[same[0]], token))
    return tuple(conflicts)


_CARDINALS = frozenset("one two three four five six seven eight nine ten eleven twelve".split())
_SCORE_IN_WORDS = re.compile(r"\b(\d{1,3})[ \t]+(?:[a-z]+[ \t]+)?to[ \t]+(\d{1,3})\b")
_PAIR = re.compile(r"(?<![\d.,])(\d+(?:[.,]\d+)*)[ \t]*[-–/][ \t]*[$£€]?(\d+(?:[.,]\d+)*)(?![\d.,]\d)")


@lru_cache(maxsize=256)
def _paired_figures(text: str) -> frozenset[str]:
    """The figures ``text`` gives only as one of two written together ("5-4", "2018-19", "$47-$51", "4.95/10")."""
    text = re.sub(r"\b[A-Za-z]+\b", lambda m: NUMBER_WORDS[m[0].lower()] if m[0].lower() in _CARDINALS else m[0], text)
    text = _SCORE_IN_WORDS.sub(r"\1-\2", text)  # "four games to one": 4-1
    paired = {n.replace(",", "") for match in _PAIR.finditer(text) for n in match.groups()}
    alone = {n.replace(",", "") for n in re.findall(r"\d+(?:[.,]\d+)*", _PAIR.sub(" ", text))}
    return frozenset(paired - alone)


_RANGE = re.compile(r"(?<![\d.,])(\d+(?:\.\d+)?)[ \t]*(?:-|–|to|through)[ \t]*(\d+(?:\.\d+)?)(?![\d.,]\d)")


def _in_a_range(number: str, sentence: str, claimed: Sequence[str]) -> bool:
    """Whether the sentence gives a range of figures ("August 8-10", "from 5 to 7") that ``number`` lies in, with
    another of the ``claimed`` figures: the claim lists the range ("on 8, 9 and 10 August"); one day inside it is
    another day ("opens on 24 September" against "from September 23 to 25")."""
    def within(value: str, low: str, high: str) -> bool:
        try:
            return float(low) <= float(value) <= float(high)
        except ValueError:
            return False

    # not a span of years ("Augusta Gein (1873–1940)"): a year inside it is no year it gives
    return any(within(number, low, high) and not (is_year(low) and is_year(high)) and sum(within(n, low, high) for n in claimed) >= 2
               for low, high in _RANGE.findall(sentence))


def _gap_turned(gap: str, word: str, claimed: Sequence[str], given: Sequence[str]) -> str | None:
    """The sentence's earlier figure, when the claim puts a gap between a figure both give and it the other way ("63
    more" where the sentence's 240 is down from 303); None when the gap goes the sentence's way or cannot be told."""
    if word not in _GAP_WORDS:
        return None
    try:
        size, shared = float(gap), [float(n) for n in claimed if n in given and n != gap]
        others = [(n, float(n)) for n in given if n not in claimed]
    except ValueError:
        return None
    for value in shared:
        for text, other in others:
            if math.isclose(abs(value - other), size) and (value > other) != (word in _GAP_WORDS_UP):
                return text
    return None


_GAP_WORDS_UP = frozenset("more higher up above ahead".split())
_GAP_WORDS_DOWN = frozenset("fewer less lower down below short behind".split())
# Words after a figure that make it a gap between two others ("two fewer than", "3 points higher")
_GAP_WORDS = _GAP_WORDS_UP | _GAP_WORDS_DOWN
# Of a claim's content words, the share a sentence must hold for a clause of it to be compared with the sentence, and
# of the clause's, the share the sentence must hold
_MERGED_OVERLAP, _CLAUSE_OVERLAP = 0.25, 0.6
_ONE_SHARE_OVERLAP = 0.6  # of a claim's content words, for its one percentage to be the sentence's one
_NUMBER_CLAUSE_BREAK = re.compile(r",(?!\d)|[;:()\[\]–—\n]|\s-+\s|[.!?]\s")  # not in "5,000"
_AGE = re.compile(r"[A-Z][\w'’-]+,[ \t]+(\d{1,3}),")


def _mistyped(a: str, b: str) -> bool:
    """Whether one figure is the other mistyped: written alike, with one digit changed or two neighbouring digits
    swapped (across the point too), and three significant digits or more ("3,459" for "3,549", "64.5" for "46.5",
    "93.7" for "97.3"; not "7" for "8")."""
    if a == b or len(a) != len(b) or len(a.replace(".", "").lstrip("0")) < 3 or a.find(".") != b.find("."):
        return False
    a, b = a.replace(".", ""), b.replace(".", "")  # "93.7" for "97.3": two digits swapped across the point
    diffs = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
    if not all(a[i].isdigit() and b[i].isdigit() for i in diffs):
        return False
    return len(diffs) == 1 or (len(diffs) == 2 and diffs[1] == diffs[0] + 1 and a[diffs[0]] == b[diffs[1]] and a[diffs[1]] == b[diffs[0]])


def mistyped_number_conflicts(claim: str, sentence: str, *, context: str = "", min_overlap: float = 0.2) -> tuple[tuple[str, str], ...]:
    """Figures of the claim that the evidence gives nowhere and the sentence gives mistyped, for the same kind of thing.

    "the number of people killed in Turkey had climbed to 3,459" against "the death toll in Turkey had risen to
    3,549": the sentences share few words, so `anchored_number_conflicts` does not compare them, but a figure no
    passage gives, one digit or one swap away from a figure of the same kind (and unit) in a sentence on the same
    subject, is that figure mistyped. Years are left alone (a year is often worked out: "last year"), and so are
    bounds and estimates ("more than 275").
    Returns (evidence number, claim number) for each conflict, or () when none.
    """
    (claim_tokens, claim_kinds), (sentence_tokens, sentence_kinds) = _tokens_and_kinds(claim), _tokens_and_kinds(sentence)
    if not _shares_words(claim_tokens, sentence_tokens, min_overlap):
        return ()
    given = [t for t in (*_tokens_and_kinds(context)[0], *sentence_tokens) if t[0].isdigit()]
    conflicts = []
    for i, token in enumerate(claim_tokens):
        if not token[0].isdigit() or claim_kinds[i] in (None, "year") or any(close_numbers(token, n) for n in given):
            continue
        figure = stated_figure(claim_tokens, i)
        if figure is not None and not figure.exact:
            continue  # "less than 375" against 365: a bound, which `anchored_number_conflicts` compares as one
        unit = _unit(claim_tokens, i)
        for j, other in enumerate(sentence_tokens):
            if other[0].isdigit() and _mistyped(token, other) and (
                    _same_quantity(claim_kinds[i], unit, sentence_kinds[j], _unit(sentence_tokens, j))
                    or _count_and_ordinal_of_one_thing(claim_tokens, claim_kinds, i, sentence_tokens, sentence_kinds, j)):
                conflicts.append((other, token))
                break
    return tuple(conflicts)


def _count_and_ordinal_of_one_thing(tokens: Sequence[str], kinds: Sequence[str | None], i: int,
                                    other_tokens: Sequence[str], other_kinds: Sequence[str | None], j: int) -> bool:
    """Whether one figure counts what the other numbers ("1,401 regular-season games" and "his 1,410th regular-season
    game"): a count and an ordinal, the first content word within four words after each the same but for its ending."""
    def thing(words: Sequence[str], k: int) -> str | None:
        return next((_stem(w) for w in words[k + 1:k + 5] if w[0].isalpha() and w not in _STOPWORDS and len(w) > 2), None)

    counted = thing(tokens, i)
    return {kinds[i], other_kinds[j]} == {"count", "ordinal"} and counted is not None and counted == thing(other_tokens, j)


_SCALE_NAMES = frozenset({"thousand", "million", "billion", "trillion"})
_ROUGHLY = frozenset({"about", "around", "nearly", "almost", "some", "roughly", "approximately"})


def _counted(tokens: Sequence[str], k: int) -> str | None:
    """The word a count at ``k`` counts ("votes" of "4,657,304 votes", "seats" of "13 seats"), None when none follows."""
    k += k + 1 < len(tokens) and tokens[k + 1] in _SCALE_NAMES
    after = tokens[k + 1] if k + 1 < len(tokens) else ""
    return after if after.isalpha() and after not in _STOPWORDS and len(after) > 2 else None


_OF_THE_VOTE = frozenset({"of", "the", "vote", "votes", "ballots", "%", "percent"})


def _counts_with_shares(tokens: Sequence[str], kinds: Sequence[str | None]) -> list[tuple[int, int, str | None]]:
    """Each count given with its share of the whole ("4,657,304 votes, or 41.61%", "1.2 million votes (52.3%)", "15.8%
    of the vote and 11 seats"): the indices of the count and of the percentage, and the word the count counts (None when
    there is none)."""
    pairs = []
    for i, kind in enumerate(kinds):
        if kind == "count":
            unit = _counted(tokens, i)
            k = i + 1 + (i + 1 < len(tokens) and tokens[i + 1] in _SCALE_NAMES) + (unit is not None)
            k += k < len(tokens) and tokens[k] == "or"
            k += k < len(tokens) and tokens[k] in _ROUGHLY
            if k < len(tokens) and kinds[k] == "percent":
                pairs.append((i, k, unit))
        elif kind == "percent":
            k = i + 1
            while k < len(tokens) and k <= i + 4 and tokens[k] in _OF_THE_VOTE:
                k += 1
            if k + 1 < len(tokens) and tokens[k] == "and" and kinds[k + 1] == "count":
                pairs.append((k + 1, i, _counted(tokens, k + 1)))
    return pairs


def share_pair_conflicts(claim: str, sentence: str) -> tuple[tuple[str, str], ...]:
    """A count given with its share where the sentence gives that share with another count, or that count with
    another share: "won about 4.2 million votes, or 41.6%" against "4,657,304 votes, or 41.61%, for Bawumia". The
    counts count the same thing (or either names none). Returns (evidence figure, claim figure) for each conflict."""
    (claim_tokens, claim_kinds), (sentence_tokens, sentence_kinds) = _tokens_and_kinds(claim), _tokens_and_kinds(sentence)
    given = _counts_with_shares(sentence_tokens, sentence_kinds)
    if not given:
        return ()

    def agree(i: int, j: int) -> bool | None:
        claimed, stated = stated_figure(claim_tokens, i), stated_figure(sentence_tokens, j)
        return None if claimed is None or stated is None else same_figure(claimed, stated)

    conflicts = []
    for count, share, unit in _counts_with_shares(claim_tokens, claim_kinds):
        for other_count, other_share, other_unit in given:
            if unit and other_unit and _stem(unit) != _stem(other_unit):
                continue
            if agree(share, other_share) and agree(count, other_count) is False:
                conflicts.append((sentence_tokens[other_count], claim_tokens[count]))
            elif agree(count, other_count) and agree(share, other_share) is False:
                conflicts.append((sentence_tokens[other_share], claim_tokens[share]))
    return tuple(conflicts)


_NAME_ENTITIES = frozenset({"PERSON", "NORP", "ORG", "GPE", "LOC", "FAC"})


def _name_slots(tokens: Sequence[Token]) -> list[tuple[int, int]]:
    """The names of ``tokens`` as (first, last + 1) runs: proper nouns and words spaCy tags as a person, nationality,
    organisation or place ("Turkish" in "Turkish peacekeepers"); dates and numbers aside."""
    runs: list[tuple[int, int]] = []
    for i, token in enumerate(tokens):
        if (token.pos == "PROPN" or token.entity in _NAME_ENTITIES) and not (token.is_date or token.is_number):
            if runs and runs[-1][1] == i:
                runs[-1] = (runs[-1][0], i + 1)
            else:
                runs.append((i, i + 1))
    return runs


def _named_apart(name: Sequence[Token], other_keys: Collection[str]) -> bool:
    """Whether the other sentence does not give ``name``: none of its words, or only the place it is named after ("AC
    Milan" where the other says "Inter Milan"; "President Biden" shares "Biden" with "Joe Biden", the same person)."""
    shared = [t for t in name if t.key in other_keys]
    return len(shared) < len(name) and all(is_place(t.text) for t in shared)


def _derived_form(a: str, b: str) -> bool:
    """Whether one word is the other with a plural or adjective ending ("Olympic"/"Olympics", "Korea"/"Korean")."""
    short, long = sorted((a, b), key=len)
    return len(short) >= 4 and long.startswith(short) and long[len(short):] in ("s", "es", "n", "an", "ian", "ese")


def _one_name(a: Sequence[Token], b: Sequence[Token]) -> bool:
    """Whether two names are one written otherwise: spelt alike ("Expemdables", a typo of the evidence) or one the
    acronym of the other ("MLB" for "Major League Baseball", `changes.abbreviates`)."""
    spelt_alike = fuzz.ratio(" ".join(t.text for t in a).lower(), " ".join(t.text for t in b).lower()) >= 80
    # "the Olympic Games" for "the Paris Olympics": a word of one in another form in the other, no place
    derived = any(_derived_form(x.key, y.key) and not is_place(x.text) for x in a for y in b)
    return spelt_alike or derived or abbreviates(a, b) or abbreviates(b, a)


def _given_in_slot(name: Sequence[Token], before: str, after: str, context: str) -> bool:
    """Whether ``context`` gives ``name`` beside one of the words the claim gives it between: another passage stating
    the claim's version ("symbol Mc and" where the sentence says "symbol Mv and"; "European Facebook users" for the
    claim's "of Facebook users" where the sentence says "of EU users")."""
    tokens = tokenize(context)
    keys = [t.key for t in name]
    return any(
        [t.key for t in tokens[i : i + len(keys)]] == keys and (tokens[i - 1].key == before or tokens[i + len(keys)].key == after)
        for i in range(1, len(tokens) - len(keys))
    )


def entity_conflicts(claim: str, sentence: str, *, context: str = "", min_overlap: float = 0.5) -> tuple[tuple[tuple[int, int], tuple[int, int]], ...]:
    """Names the claim puts where the sentence it paraphrases puts another: "a ceasefire brokered by Turkish
    peacekeepers" against "brokered by Russian peacekeepers", "the village of Schuld in North Rhine-Westphalia on
    18 July" against "Schuld in Rhineland-Palatinate on July 18". The sentence holds ``min_overlap`` of the claim's
    content words, the words on both sides of the two names are the same, neither name is in the other sentence (or
    the claim's, a person's, is elsewhere in it with three words alike around the two: "Neesham was run out" against
    "Martin Guptill was run out" where Neesham hit a six), both are of one kind (spaCy's entity label, where it gives both), they are no one name or actor (`_one_name`,
    `one_actor`), and no passage of ``context`` gives the claim's name between the same words. Returns the (claim,
    sentence) character spans of each pair of names."""
    if not _shares_words(_tokens_and_kinds(claim)[0], _tokens_and_kinds(sentence)[0], min_overlap):
        return ()
    claim_tokens, sentence_tokens = tokenize(claim), tokenize(sentence)
    claim_keys, sentence_keys = {t.key for t in claim_tokens}, {t.key for t in sentence_tokens}
    conflicts = []
    for a0, a1 in _name_slots(claim_tokens):
        if not (0 < a0 and a1 < len(claim_tokens)):
            continue
        # a person the sentence names elsewhere ("with Jimmy Neesham hitting a six"), put in another's place: three
        # words alike around them ("the last ball, Neesham was run out" against "the final ball, Martin Guptill was run out")
        elsewhere = not _named_apart(claim_tokens[a0:a1], sentence_keys)
        if elsewhere and not _one_person(claim_tokens[a0:a1]):
            continue
        for s0, s1 in _name_slots(sentence_tokens):
            if not _named_apart(sentence_tokens[s0:s1], claim_keys) or not (0 < s0 and s1 < len(sentence_tokens)):
                continue
            alike = _alike_around(claim_tokens, a0, a1, sentence_tokens, s0, s1)
            same_sides = alike >= 3 and _one_person(sentence_tokens[s0:s1]) if elsewhere else alike > 0
            named, given = claim_tokens[a0:a1], sentence_tokens[s0:s1]
            kinds = {named[-1].entity, given[-1].entity} - {""}  # spaCy leaves some names unlabelled ("Rhineland-Palatinate")
            own = [t for t in named if t.key not in {g.key for g in given}]  # "AC", not the "Milan" both clubs are named after
            if same_sides and len(kinds) < 2 and not _one_name(named, given) and not one_actor([g for g in given if g.key not in claim_keys], own):
                if not (context and _given_in_slot(named, claim_tokens[a0 - 1].key, claim_tokens[a1].key, context)):
                    conflicts.append(((named[0].start, named[-1].end), (given[0].start, given[-1].end)))
                break
    return tuple(conflicts)


def _one_person(name: Sequence[Token]) -> bool:
    """Whether every word of a name is a person's (spaCy), as "Martin Guptill" and not "Utah, Susan Collins"."""
    return all(t.entity == "PERSON" for t in name)


def _alike_around(tokens: Sequence[Token], a0: int, a1: int, others: Sequence[Token], s0: int, s1: int) -> int:
    """How many words on each side of ``tokens[a0:a1]`` are, in order outward, those around ``others[s0:s1]`` (0 when
    either side's next word differs; two at most a side)."""
    def run(pairs: Sequence[tuple[Token, Token]]) -> int:
        return next((n for n, (a, b) in enumerate(pairs) if a.key != b.key), len(pairs))

    before = run(list(zip(tokens[max(0, a0 - 2):a0][::-1], others[max(0, s0 - 2):s0][::-1])))
    after = run(list(zip(tokens[a1:a1 + 2], others[s1:s1 + 2])))
    return before + after if before and after else 0


# Names one can stand in another's place: a place for a place ("Buckingham Palace" for "Windsor Castle", "Oklahoma" for
# "New Mexico"). People's names are the roster's to check; bodies and works the entity recogniser confuses with people.
_PLACE_ENTITIES = frozenset({"GPE", "LOC", "FAC"})
_SUBJECT_PRONOUNS = frozenset({"it", "he", "she", "they"})
_SWAP_REACH = 5


def _words_around(tokens: Sequence[Token], start: int, end: int) -> set[str]:
    """The keys of the words (no function words or figures) within `_SWAP_REACH` tokens of ``tokens[start:end]``."""
    near = (*tokens[max(0, start - _SWAP_REACH):start], *tokens[end:end + _SWAP_REACH])
    return {t.key for t in near if not (t.is_function or t.is_number) and len(t.key) > 2}


def _is_place_name(name: Sequence[Token]) -> bool:
    """Whether a name is a place's: in the place table whatever the entity recogniser says ("Croatia won the public
    televote"), or one it labels a place."""
    return is_place(" ".join(t.text for t in name)) or name[-1].entity in _PLACE_ENTITIES


def _given_near(name: Sequence[Token], near: set[str], context: str) -> bool:
    """Whether a sentence of ``context`` gives ``name`` with two of the words ``near`` it ("departing Nairobi" is not
    given by "the flight to Nairobi" in a passage on the victims)."""
    for sentence in split_evidence_sentences(context):
        tokens = tokenize(sentence)
        keys = {t.key for t in tokens} | {t.text.lower() for t in tokens}
        if not _named_apart(name, keys) and len(near & {t.key for t in tokens}) >= 2:
            return True
    return False


@lru_cache(maxsize=256)
def _places_not_given(claim: str, context: str) -> tuple[tuple[int, int], ...]:
    """The token slots of the places ``claim`` names that no sentence of ``context`` gives with two of the words around
    them (`_given_near`) and that are no capital standing for a country ``context`` names ("Moscow dismissed the move"
    for Russia). Once per claim: every sentence it is compared with shares the answer."""
    claim_tokens = tokenize(claim)
    slots = [(a0, a1) for a0, a1 in _name_slots(claim_tokens)
             if _is_place_name(claim_tokens[a0:a1]) and not _given_near(claim_tokens[a0:a1], _words_around(claim_tokens, a0, a1), context)]
    if not slots:
        return ()
    # the context a sentence at a time: sentences recur from claim to claim, and each is tokenized once
    places = [" ".join(t.text for t in tokens[a:b]) for tokens in map(tokenize, split_evidence_sentences(context))
              for a, b in _name_slots(tokens) if _is_place_name(tokens[a:b])]
    return tuple((a0, a1) for a0, a1 in slots if not any(capital_of(" ".join(t.text for t in claim_tokens[a0:a1]), place) for place in places))


def swapped_name_conflicts(claim: str, sentence: str, *, context: str = "", min_overlap: float = 0.25) -> tuple[tuple[tuple[int, int], tuple[int, int]], ...]:
    """A place the claim names where a paraphrased sentence names another: "took tea with King Charles at Buckingham
    Palace" against "met King Charles III for tea at Windsor Castle". No sentence of ``context`` gives the claim's place
    with two of the words around it (`_given_near`) and it is no capital standing for its country; the sentence has no
    subject pronoun, no demonym of the claim's place ("Ukrainian men"), and its place is not in the claim; the two share two words within five of each name (of several,
    the place sharing most), the sentences ``min_overlap`` of the claim's content words, and the places are no one name
    or actor (`_one_name`, `changes.one_actor`). Returns the (claim, sentence) character spans of each pair."""
    if not _shares_words(_tokens_and_kinds(claim)[0], _tokens_and_kinds(sentence)[0], min_overlap):
        return ()
    claim_tokens, sentence_tokens = tokenize(claim), tokenize(sentence)
    if any(t.key in _SUBJECT_PRONOUNS for t in sentence_tokens):
        return ()  # "It was formerly called Irian Jaya" for "Papua was formerly called West Iran": whom "it" is, the words cannot tell
    written_in_claim = {t.key for t in claim_tokens} | {t.text.lower() for t in claim_tokens}
    conflicts = []
    demonyms = {place for t in sentence_tokens for place in places_of_demonym(t.text)}
    for a0, a1 in _places_not_given(claim, context or sentence):
        named, near = claim_tokens[a0:a1], _words_around(claim_tokens, a0, a1)
        if " ".join(t.text for t in named) in demonyms:
            continue  # "to leave Ukraine" where "Ukrainian men are barred from leaving the country": the sentence's place too
        others = [
            (len(near & _words_around(sentence_tokens, s0, s1)), sentence_tokens[s0:s1]) for s0, s1 in _name_slots(sentence_tokens)
            if _is_place_name(sentence_tokens[s0:s1]) and _named_apart(sentence_tokens[s0:s1], written_in_claim)
        ]
        # the name whose words around are most like the claim's ("Croatia won the public televote", not "the lead
        # Switzerland had built", for "The public televote went to Ukraine")
        shared, given = max(others, key=lambda pair: pair[0], default=(0, ()))
        if shared >= 2 and not _one_name(named, given) and not one_actor(given, named):
            conflicts.append(((named[0].start, named[-1].end), (given[0].start, given[-1].end)))
    return tuple(conflicts)


_PLACE_AND_REGION = re.compile(r"\b([A-Z][\w.'’-]*(?:[ \t]+[A-Z][\w.'’-]*)*),[ \t]+([A-Z][\w.'’-]*(?:[ \t]+[A-Z][\w.'’-]*)*)")


def region_conflicts(claim: str, sentence: str, *, context: str = "") -> tuple[tuple[tuple[int, int], tuple[int, int]], ...]:
    """A place the claim puts in another region than the sentence does: "from Madison, Wisconsin" against "from
    Madison, Illinois". Both regions are places (`lexicon.is_place`), neither is the other or holds it, and no passage
    of ``context`` puts the place in the claim's region. Returns the (claim, sentence) character spans of each pair."""
    given = {match[1]: match for match in _PLACE_AND_REGION.finditer(sentence)}
    conflicts = []
    for match in _PLACE_AND_REGION.finditer(claim):
        other = given.get(match[1])
        if other is None or other[2] == match[2] or not (is_place(match[2]) and is_place(other[2])):
            continue
        if same_place(match[2], other[2]) or lies_within(match[2], other[2]) or lies_within(other[2], match[2]):
            continue
        if f"{match[1]}, {match[2]}" not in context:
            conflicts.append((match.span(2), other.span(2)))
    return tuple(conflicts)


# Bodies a country or bloc has one of: "the French parliament" is not "the European Parliament".
_INSTITUTIONS = frozenset("parliament government army navy police senate congress cabinet court commission council".split())


# Named after the place they are in, maybe with a word between: "Shanghai Stock Exchange", "Oxford University".
_PLACE_NAMED_INSTITUTIONS = frozenset("exchange university airport".split())


def _place_word(token: Token) -> bool:
    return is_place(token.text) or bool(places_of_demonym(token.text)) or token.entity in ("GPE", "NORP")


def _qualified_institutions(tokens: Sequence[Token]) -> list[tuple[str, str, Token, Token]]:
    """Each institution of ``tokens`` with the capitalised word before it that says whose it is ("French parliament",
    "European Parliament"), or the place one is named after, one or two words before it ("Shenzhen Stock Exchange"):
    (qualifier key, institution key, qualifier token, institution token)."""
    found = [(tokens[i - 1].key, t.key, tokens[i - 1], t) for i, t in enumerate(tokens)
             if i and t.key in _INSTITUTIONS and tokens[i - 1].text[:1].isupper() and tokens[i - 1].pos in ("ADJ", "PROPN")]
    for i, t in enumerate(tokens):
        if t.key in _PLACE_NAMED_INSTITUTIONS and t.text[:1].isupper():
            before = list(takewhile(lambda b: b.text[:1].isupper() and b.pos in ("ADJ", "PROPN"), (tokens[k] for k in range(i - 1, max(-1, i - 3), -1))))
            if before:
                # the place among the two words, else the first ("Shenzhen", which the place table lacks)
                place = next((b for b in before if _place_word(b)), before[-1])
                found.append((place.key, t.key, place, t))
    return found


def institution_conflicts(claim: str, sentence: str, *, context: str = "") -> tuple[tuple[tuple[int, int], tuple[int, int]], ...]:
    """An institution the claim gives to another country or bloc than the sentence does, in a clause about the same
    thing: "embezzling funds from the French parliament" against "embezzling European Parliament funds". The two
    share a verb or noun besides, and no passage of ``context`` names the claim's institution. Returns the (claim,
    sentence) character spans of the two qualifiers."""
    claim_tokens, sentence_tokens = tokenize(claim), tokenize(sentence)
    shared = {t.key for t in claim_tokens if t.pos in ("VERB", "NOUN") and t.key not in _INSTITUTIONS} & {
        t.key for t in sentence_tokens if t.pos in ("VERB", "NOUN")}
    if not shared:
        return ()
    conflicts = []
    for qualifier, institution, token, named in _qualified_institutions(claim_tokens):
        for other, other_institution, other_token, _ in _qualified_institutions(sentence_tokens):
            if institution != other_institution or qualifier == other:
                continue
            places = places_of_demonym(token.text) or (token.text,)
            other_places = places_of_demonym(other_token.text) or (other_token.text,)
            if any(same_place(a, b) for a in places for b in other_places):
                continue
            if claim[token.start:named.end].lower() not in context.lower():
                conflicts.append(((token.start, token.end), (other_token.start, other_token.end)))
    return tuple(conflicts)


_LIST_ITEM = r"(?:the[ \t]+)?[A-Z][\w.'’-]*(?:[ \t]+(?:of[ \t]+)?[A-Z][\w.'’-]*)*"
_NAME_LIST = re.compile(rf"{_LIST_ITEM}(?:,[ \t]+{_LIST_ITEM}){{2,}},?[ \t]+(?:and|or)[ \t]+{_LIST_ITEM}")


def _name_lists(text: str) -> list[list[tuple[str, tuple[int, int]]]]:
    """Each list of three or more names in ``text`` ("Argentina, Egypt, Iran and the United Arab Emirates"): its
    items without "the", with their character spans."""
    lists = []
    for match in _NAME_LIST.finditer(text):
        items = []
        for item in re.finditer(_LIST_ITEM, match[0]):
            written = re.sub(r"^the[ \t]+", "", item[0], flags=re.IGNORECASE)  # "The Moderates" opens its sentence
            start = match.start() + item.start() + (len(item[0]) - len(written))
            initials = re.fullmatch(r"(?:[A-Z]\.)+", written) is not None  # "U.S." is "US"
            written = written if initials else written.rstrip(".")  # "... and Real Madrid." ends its sentence
            name = written.replace(".", "") if initials else written
            items.append((name, (start, start + len(written))))
        lists.append(items)
    return lists


def list_conflicts(claim: str, sentence: str, *, context: str = "") -> tuple[tuple[tuple[int, int], tuple[int, int]], ...]:
    """A name the claim puts in a list where the sentence's list of as many names has another, the rest the same in any
    order: "Argentina, Egypt, Algeria, Iran, Saudi Arabia and the United Arab Emirates" against "Saudi Arabia, Iran,
    Egypt, Argentina, Ethiopia and the United Arab Emirates". The claim's name is in no passage of ``context``.
    Returns the (claim, sentence) character spans of the two names."""
    conflicts = []
    for items in _name_lists(claim):
        names = {name for name, _ in items}
        for other in _name_lists(sentence):
            other_names = {name for name, _ in other}
            if len(other) != len(items) or len(names - other_names) != 1 or len(other_names - names) != 1:
                continue
            (odd, span), (given, given_span) = next(i for i in items if i[0] not in other_names), next(i for i in other if i[0] not in names)
            odd_tokens, given_tokens = tokenize(odd), tokenize(given)  # "AMD" for "Advanced Micro Devices": one name
            if odd not in context and not same_place(odd, given) and not abbreviates(odd_tokens, given_tokens) and not abbreviates(given_tokens, odd_tokens):
                conflicts.append((span, given_span))
    return tuple(conflicts)


_EXPECTED = r"(?:\W+[\w'’]+){0,5}?\W+(?:expectations?|expected|expecting|forecasts?|forecast|estimates?|consensus)\b"
_BEAT = re.compile(rf"\b(?:beat|beats|beating|topped|tops|exceeded|exceeds|exceeding|surpassed|ahead[ \t]+of|above|better[ \t]+than){_EXPECTED}", re.IGNORECASE)
_MISS = re.compile(rf"\b(?:missed|misses|missing|short[ \t]+of|below|worse[ \t]+than|under){_EXPECTED}", re.IGNORECASE)


def expectation_conflicts(claim: str, sentence: str, *, min_overlap: float = 0.3) -> tuple[tuple[tuple[int, int], tuple[int, int]], ...]:
    """Results the claim says beat what was expected where the sentence says they fell short, or the other way: "quarterly
    figures that came in ahead of what Wall Street had been expecting" against "quarterly results that fell short of Wall
    Street expectations". The sentence holds ``min_overlap`` of the claim's content words and each says one of the two.
    Returns the (claim, sentence) character spans of the two phrases."""
    if not _shares_words(_tokens(claim), _tokens(sentence), min_overlap):
        return ()
    for said, other in ((_BEAT, _MISS), (_MISS, _BEAT)):
        a, b = said.search(claim), other.search(sentence)
        if a and b and not other.search(claim) and not said.search(sentence):
            return ((a.span(), b.span()),)
    return ()


# An award's category: "best original screenplay", "best supporting actress" (lower-case words after "best").
_CATEGORY = re.compile(r"\bbest((?:[ \t]+(?!(?:at|in|on|for|and|or|of|the|with|to|by|from|was|is|as|award)\b)[a-z][a-z-]+){1,3})\b")


def category_conflicts(claim: str, sentence: str, *, context: str = "") -> tuple[tuple[tuple[int, int], tuple[int, int]], ...]:
    """An award category the claim names where the sentence names another of the same thing: "the Oscar for best
    adapted screenplay" against "won best director, best international feature film and best original screenplay".
    The two end in the same word, the claim's category is in no passage of ``context`` and the sentence names something
    it won ("won", "award", "prize", "named"). Returns the (claim, sentence) character spans of the two categories."""
    if not re.search(r"\b(?:won|win|wins|award|awards|prize|named|Oscars?)\b", sentence):
        return ()
    conflicts, given = [], context.lower()
    for match in _CATEGORY.finditer(claim):
        if match[0].lower() in given:
            continue
        words = match[1].split()
        for other in _CATEGORY.finditer(sentence):
            other_words = other[1].split()
            if other_words[-1] == words[-1] and other_words != words:
                conflicts.append((match.span(), other.span()))
                break
    return tuple(conflicts)


def _direction_before(tokens: Sequence[Token], index: int, reach: int = 3, level_reach: int = 5) -> int | None:
    """The index of the nearest direction word ("rose", "shed", "down") among the ``reach`` words before ``index``, or
    else of one followed by "to" among the ``level_reach`` words before it ("rise to a career-high third")."""
    for k in range(index - 1, max(-1, index - reach - 1), -1):
        if _direction(tokens[k]) is not None:
            return k
    for k in range(index - reach - 1, max(-1, index - level_reach - 1), -1):
        if _direction(tokens[k]) is not None and tokens[k + 1].key == "to":
            return k
    return None


def _direction_of_figure(tokens: Sequence[Token], index: int) -> int | None:
    """The index of the direction word a figure moves by: one before it (`_direction_before`), or a gap word right after
    it or its "%" ("ended the day 44% higher", "closed 3 points down")."""
    k = _direction_before(tokens, index)
    if k is not None:
        return k
    after = index + 2 if index + 1 < len(tokens) and tokens[index + 1].key in ("%", "percent", "point") else index + 1
    return after if after < len(tokens) and tokens[after].forms & _GAP_WORDS and _direction(tokens[after]) is not None else None


def _other_figures_shared(claim: Sequence[Token], sentence: Sequence[Token], i: int, j: int) -> bool:
    """Whether the claim and the sentence give another figure alike (no year), besides the ``i``-th and the ``j``-th:
    "ended the day 44% higher at $193.60" and "plunged 44% to close at $193.60" tell of one day's trading."""
    def figure(token: Token) -> bool:
        return token.is_number and not (token.is_date or is_year(token.key))  # "since 2009" dates, it counts nothing

    figures = {t.key for n, t in enumerate(sentence) if n != j and figure(t)}
    return any(n != i and figure(t) and any(close_numbers(t.key, f) for f in figures) for n, t in enumerate(claim))


def _direction(token: Token) -> int | None:
    """1 up, -1 down (`lexicon.direction_of`) for the word as written, its key or its lemma ("higher" is keyed "high")."""
    return direction_of(token.key) or direction_of(token.lemma) or direction_of(token.text)


def _gives_a_level(tokens: Sequence[Token], direction: int, figure: int) -> bool:
    """Whether the figure after a direction word is the level reached ("rose to 3.4%") rather than the move ("rose by
    41,000", "rose 3%")."""
    return any(t.key in ("to", "at") for t in tokens[direction + 1:figure])


def _subject_words(tokens: Sequence[Token], index: int, reach: int = 8) -> set[str]:
    """The content words among the ``reach`` words before ``index`` (what a figure's direction is said of)."""
    return {t.key for t in tokens[max(0, index - reach):index]
            if not (t.is_number or t.is_function or t.is_date) and _direction(t) is None and len(t.key) > 2}


def _said_of(tokens: Sequence[Token], direction: int, figure: int) -> set[str]:
    """What a figure's move is said of, with the period it moved in: the content words and years among the eight words
    before the direction word and in an "over …", "in …" or "for …" phrase right after the figure."""
    after = tokens[figure + 1:figure + 7]
    if after and after[0].key == "%":
        after = after[1:]
    period: list[Token] = []
    for before, t in zip(after, after[1:]) if after and after[0].key in ("over", "in", "for", "during") else ():
        if t.pos in ("VERB", "AUX", "SCONJ", "CCONJ") or t.start > before.end + 1:
            break  # "in May while exports were flat"; "in May, the agency said" (a mark between the words)
        period.append(t)
    return {
        t.key for t in (*tokens[max(0, direction - 8):direction], *period)
        if (is_year(t.key) if t.is_number else not t.is_function and _direction(t) is None and len(t.key) > 2)}


def direction_conflicts(claim: str, sentence: str) -> tuple[tuple[tuple[int, int], tuple[int, int]], ...]:
    """Figures the claim and the sentence both give, moving opposite ways: "Employment rose by 41,000" against
    "employment decreased by 41,000 people". The same figure, after a word of one desk direction in the claim and
    of the other in the sentence (`pipeline.lexicon.direction_of`, up to three words before it), both the level
    reached ("to") or both the move, said of something both name (a content word shared among the eight words before
    each). Returns the (claim, sentence) character spans of the two direction words for each conflict."""
    claim_tokens, sentence_tokens = tokenize(claim), tokenize(sentence)
    conflicts = []
    for i, token in enumerate(claim_tokens):
        if not token.is_number or token.is_date or (k := _direction_of_figure(claim_tokens, i)) is None:
            continue
        for j, other in enumerate(sentence_tokens):
            if not other.is_number or not close_numbers(token.key, other.key) or (m := _direction_of_figure(sentence_tokens, j)) is None:
                continue
            if _gives_a_level(claim_tokens, k, i) != _gives_a_level(sentence_tokens, m, j):
                continue  # "inflation slowed to 1.6%" against "prices rose 1.6%": a rate's new level, not the rise
            # what moved, named before the direction words or after the figures ("Output edged down 0.1% over 2023 as a
            # whole" against "Over 2023 as a whole the economy grew by 0.1%")
            if _direction(claim_tokens[k]) != _direction(sentence_tokens[m]) and (
                    _subject_words(claim_tokens, min(k, i)) & _subject_words(sentence_tokens, min(m, j))
                    or len(_said_of(claim_tokens, k, i) & _said_of(sentence_tokens, m, j)) >= 2
                    or _other_figures_shared(claim_tokens, sentence_tokens, i, j)):
                a, b = claim_tokens[k], sentence_tokens[m]
                conflicts.append(((a.start, a.end), (b.start, b.end)))
                break
    return tuple(conflicts)


def gap_conflicts(claim: str, sentence: str) -> tuple[tuple[tuple[int, int], tuple[int, int]], ...]:
    """The same figure given as a gap the opposite way from the same thing: "about 5% less water vapour last year than
    its 1991–2020 average" against "about 5% above the 1991–2020 average". The figure (a percentage on both sides or on
    neither) is followed at once by a gap word up ("more", "above", "higher", "ahead") on one side and down ("less",
    "below", "lower", "behind") on the other, and the eight words after the two share two content words or years
    (what it is compared with). Returns the (claim, sentence) character spans of the two gap words."""
    claim_tokens, sentence_tokens = tokenize(claim), tokenize(sentence)
    conflicts = []
    for i, token in enumerate(claim_tokens[:-1]):
        gap = claim_tokens[i + 1].key
        if not token.is_number or gap not in _GAP_WORDS:
            continue
        for j, other in enumerate(sentence_tokens[:-1]):
            other_gap = sentence_tokens[j + 1].key
            if (other.is_number and other_gap in _GAP_WORDS and token.percent == other.percent and close_numbers(token.key, other.key)
                    and (gap in _GAP_WORDS_DOWN) != (other_gap in _GAP_WORDS_DOWN)
                    and len(_compared_words(claim_tokens, i + 1) & _compared_words(sentence_tokens, j + 1)) >= 2):
                a, b = claim_tokens[i + 1], sentence_tokens[j + 1]
                conflicts.append(((a.start, a.end), (b.start, b.end)))
    return tuple(conflicts)


def _compared_words(tokens: Sequence[Token], gap: int) -> set[str]:
    """The content words and figures among the eight words after a gap word: what the gap is from."""
    return {t.key for t in tokens[gap + 1:gap + 9] if t.is_number or not (t.is_function or t.is_date) and len(t.key) > 2}


def weekday_conflicts(claim: str, sentence: str, *, reach: int = 5) -> tuple[tuple[tuple[int, int], tuple[int, int]], ...]:
    """Another day for the same time: "from 12.01am Pacific time on Thursday" against "as of 12:01 a.m. Pacific time
    on Wednesday, September 27". A time of day both give, with a weekday in the ``reach`` words after it on each side,
    the two days different and neither sentence naming the other's. Returns the (claim, sentence) character spans of
    the two weekdays."""
    claim_tokens, sentence_tokens = tokenize(claim), tokenize(sentence)
    claim_days = {t.key for t in claim_tokens if t.key in WEEKDAYS}
    sentence_days = {t.key for t in sentence_tokens if t.key in WEEKDAYS}
    conflicts = []
    for time, day in _timed_weekdays(claim_tokens, reach):
        for other_time, other_day in _timed_weekdays(sentence_tokens, reach):
            a, b = claim_tokens[day], sentence_tokens[other_day]
            if claim_tokens[time].key == sentence_tokens[other_time].key and a.key not in sentence_days and b.key not in claim_days:
                conflicts.append(((a.start, a.end), (b.start, b.end)))
    return tuple(conflicts)


def _timed_weekdays(tokens: Sequence[Token], reach: int) -> list[tuple[int, int]]:
    """(time of day, weekday) index pairs: a time ("12.01am", "12:01 a.m.", keyed "0:01") and the first weekday in the
    ``reach`` words after it."""
    pairs = []
    for i, token in enumerate(tokens):
        if ":" in token.key and token.key[:1].isdigit():
            day = next((k for k in range(i + 1, min(len(tokens), i + 1 + reach)) if tokens[k].key in WEEKDAYS), None)
            if day is not None:
                pairs.append((i, day))
    return pairs


def _thing_before(tokens: Sequence[Token], index: int, reach: int = 6) -> Token | None:
    """The nearest noun among the ``reach`` words before ``index``, what a verb there is said of ("the labour market
    will continue to weaken": "market"), when it is a common noun: a company named before both verbs ("Netflix lost",
    "Netflix had forecast that it would add") may be told of twice, what it did and what it expected."""
    head = _nearest_noun(tokens, index, reach)
    return tokens[head] if head is not None and tokens[head].pos == "NOUN" else None


def _nearest_noun(tokens: Sequence[Token], index: int, reach: int) -> int | None:
    """The index of the nearest noun or name among the ``reach`` words before ``index``; a day, or a place after a
    preposition, is when or where, not what ("maximum temperatures in Delhi on Wednesday had fallen": "temperatures")."""
    return next((k for k in range(index - 1, max(-1, index - reach - 1), -1)
                 if tokens[k].pos in ("NOUN", "PROPN") and not (tokens[k].is_date or tokens[k].entity in ("DATE", "TIME") or _in_a_phrase(tokens, k))), None)


def _in_a_phrase(tokens: Sequence[Token], index: int) -> bool:
    """Whether ``tokens[index]`` is a name in a prepositional phrase ("in New Delhi")."""
    start = index
    while start > 0 and tokens[start].pos == "PROPN" and tokens[start - 1].pos == "PROPN":
        start -= 1
    return tokens[index].pos == "PROPN" and start > 0 and tokens[start - 1].pos == "ADP"


def _negated_before(tokens: Sequence[Token], index: int) -> bool:
    return any(t.is_negation for t in tokens[max(0, index - 3):index])


def paraphrased_direction_conflicts(claim: str, sentence: str) -> tuple[tuple[tuple[int, int], tuple[int, int]], ...]:
    """One thing said to move opposite ways without a figure: "the jobs market is set to keep strengthening for some
    time" against "The labour market will continue to weaken for some time to come". Two verbs of opposite desk
    directions (`lexicon.direction_of`), neither negated, the nearest noun before each the same word and a content
    word after each the same; the noun a common one (`_thing_before`). Returns the (claim, sentence) character spans of
    the two verbs."""
    claim_tokens, sentence_tokens = tokenize(claim), tokenize(sentence)

    def after(tokens: Sequence[Token], i: int) -> set[str]:
        return {t.key for t in tokens[i + 1:i + 5] if not (t.is_function or t.is_number) and len(t.key) > 2}

    conflicts = []
    for i, a in enumerate(claim_tokens):
        if a.pos != "VERB" or _direction(a) is None or _negated_before(claim_tokens, i) or (head := _thing_before(claim_tokens, i)) is None:
            continue
        for j, b in enumerate(sentence_tokens):
            if b.pos != "VERB" or _direction(b) != -_direction(a) or _negated_before(sentence_tokens, j):
                continue
            other = _thing_before(sentence_tokens, j)
            if other is not None and other.key == head.key and after(claim_tokens, i) & after(sentence_tokens, j):
                conflicts.append(((a.start, a.end), (b.start, b.end)))
                break
    return tuple(conflicts)


def _passive(tokens: Sequence[Token], index: int) -> bool:
    """Whether the verb at ``index`` follows a form of "be", adverbs aside ("were also beaten")."""
    k = index - 1
    while k >= 0 and tokens[k].pos == "ADV":
        k -= 1
    return k >= 0 and tokens[k].lemma == "be"


def _direction_words(tokens: Sequence[Token]) -> list[int]:
    """Indices of the words that say which way something went: a verb of a desk direction ("weakened", "fell"), or an
    adverb or adjective of one right after a verb ("edged higher", "closed lower"); none negated, no verb in the passive
    ("England were beaten" is England losing)."""
    return [i for i, t in enumerate(tokens) if _direction(t) is not None and not _negated_before(tokens, i) and (
        (t.pos == "VERB" and not _passive(tokens, i))
        or (t.pos in ("ADV", "ADJ") and i > 0 and tokens[i - 1].pos == "VERB"))]


def _subject_before(tokens: Sequence[Token], index: int, reach: int = 6) -> frozenset[str]:
    """What a direction word at ``index`` is said of: the nearest noun or name among the ``reach`` words before it
    (`_nearest_noun`) with the nouns, names and possessives right before it ("Microsoft's shares": {"microsoft",
    "shares"}); empty when there is none."""
    head = _nearest_noun(tokens, index, reach)
    if head is None:
        return frozenset()
    start = head
    while start > 0 and (tokens[start - 1].pos in ("NOUN", "PROPN") or tokens[start - 1].key in ("'s", "’s")):
        start -= 1
    return frozenset(t.key for t in tokens[start:head + 1] if t.key not in ("'s", "’s"))


_NOT_YET = frozenset("would will could may might should to expect expects expected forecast forecasts predicted".split())


def _foreseen(tokens: Sequence[Token], index: int) -> bool:
    """Whether the word at ``index`` tells what was expected or may happen ("had forecast that it would add")."""
    return any(t.key in _NOT_YET for t in tokens[max(0, index - 3):index])


def subject_direction_conflicts(claim: str, sentence: str, *, min_overlap: float = 0.5) -> tuple[tuple[tuple[int, int], tuple[int, int]], ...]:
    """The same event told with one thing going the other way: "Helene had weakened steadily through the day over the
    warm waters of the Gulf" against "Helene strengthened rapidly throughout Thursday over the warm waters of the Gulf".
    The sentence holds ``min_overlap`` of the claim's content words; a direction word in each (`_direction_words`), of
    opposite desk directions, said of the same thing (`_subject_before`: "Sony's shares" is not "Microsoft shares"), both or neither of what was expected
    (`_foreseen`: "Netflix lost subscribers" against "Netflix had forecast it would add"), the claim's word not in the
    sentence. Returns the (claim, sentence) character spans of the two direction words."""
    return _opposites_of_one_subject(claim, sentence, min_overlap, _direction_words,
                                     lambda claimed, i, given, j: _direction(given[j]) == -_direction(claimed[i]))


def _opposites_of_one_subject(claim: str, sentence: str, min_overlap: float, words: Callable[[Sequence[Token]], list[int]],
                              opposed: Callable[[Sequence[Token], int, Sequence[Token], int], bool]) -> tuple[tuple[tuple[int, int], tuple[int, int]], ...]:
    """The first pair of ``words`` (indices of each sentence's candidate words) that are ``opposed`` and said of the same
    thing (`_subject_before`), both or neither of what was expected (`_foreseen`), the claim's word not in the sentence,
    which holds ``min_overlap`` of the claim's content words: `subject_direction_conflicts`, `subject_antonym_conflicts`."""
    if not _shares_words(_tokens_and_kinds(claim)[0], _tokens_and_kinds(sentence)[0], min_overlap):
        return ()
    claim_tokens, sentence_tokens = tokenize(claim), tokenize(sentence)
    sentence_keys = {t.key for t in sentence_tokens} | {t.lemma for t in sentence_tokens}
    for i in words(claim_tokens):
        a, subject = claim_tokens[i], _subject_before(claim_tokens, i)
        if not subject or a.key in sentence_keys or a.lemma in sentence_keys:
            continue
        for j in words(sentence_tokens):
            b = sentence_tokens[j]
            if (opposed(claim_tokens, i, sentence_tokens, j) and _subject_before(sentence_tokens, j) == subject
                    and _foreseen(claim_tokens, i) == _foreseen(sentence_tokens, j)):
                return (((a.start, a.end), (b.start, b.end)),)
    return ()


def _stated_verbs(tokens: Sequence[Token]) -> list[int]:
    """Indices of the verbs of ``tokens`` that state what happened: none negated or in the passive."""
    return [i for i, t in enumerate(tokens) if t.pos == "VERB" and not _negated_before(tokens, i) and not _passive(tokens, i)]


def subject_antonym_conflicts(claim: str, sentence: str, *, min_overlap: float = 0.5) -> tuple[tuple[tuple[int, int], tuple[int, int]], ...]:
    """The same thing said to do the opposite, in verbs that are no desk direction (`lexicon.are_antonyms`): "Britain's
    Sam Ryder, who had trailed after the national juries cast their votes" against "Britain's Sam Ryder, who led after
    the votes of national juries". As `subject_direction_conflicts`: the sentence holds ``min_overlap`` of the claim's
    content words, each verb is said of the same thing (`_subject_before`), both or neither of what was expected, the
    claim's verb not in the sentence; and the word after each verb the same ("trailed after", "led after"; not "had kept
    the rate at 3.50%" against "cut its benchmark rate"). Returns the (claim, sentence) character spans of the two verbs."""
    return _opposites_of_one_subject(claim, sentence, min_overlap, _stated_verbs, lambda claimed, i, given, j: are_antonyms(
        claimed[i].lemma, given[j].lemma) and _next_key(claimed, i) == _next_key(given, j))


def _next_key(tokens: Sequence[Token], index: int) -> str | None:
    return tokens[index + 1].key if index + 1 < len(tokens) else None


def qualified_direction_conflicts(claim: str, sentence: str, *, min_overlap: float = 0.4) -> tuple[tuple[tuple[int, int], tuple[int, int]], ...]:
    """Opposite directions or antonyms (`lexicon.are_antonyms`) after one word: "Sea ice around Antarctica hit record
    highs" against "Antarctic sea ice extent reached record lows". Each a noun, adjective or adverb (verbs are
    `paraphrased_direction_conflicts`'), the word before each the same noun, adjective or verb ("too slow" and "too
    fast" may be said of two things), neither negated nor in the other sentence, and the sentence holds
    ``min_overlap`` of the claim's content words. Returns the (claim, sentence) character spans of the two words."""
    if not _shares_words(_tokens_and_kinds(claim)[0], _tokens_and_kinds(sentence)[0], min_overlap):
        return ()
    claim_tokens, sentence_tokens = tokenize(claim), tokenize(sentence)
    claim_keys, sentence_keys = {t.key for t in claim_tokens}, {t.key for t in sentence_tokens}
    conflicts = []
    for i, a in enumerate(claim_tokens[1:], 1):
        before = claim_tokens[i - 1]
        if a.pos not in ("NOUN", "ADJ", "ADV") or before.pos not in ("NOUN", "PROPN", "ADJ", "VERB") or before.is_number or _negated_before(claim_tokens, i) or a.key in sentence_keys:
            continue  # "a net loss ... against a profit" for "a net loss ... compared with a net profit": both told
        for j, b in enumerate(sentence_tokens[1:], 1):
            opposite = (_direction(a) is not None and _direction(b) == -_direction(a)) or are_antonyms(a.key, b.key)
            if b.pos in ("NOUN", "ADJ", "ADV") and b.key not in claim_keys and opposite and sentence_tokens[j - 1].key == before.key and not _negated_before(sentence_tokens, j):
                conflicts.append(((a.start, a.end), (b.start, b.end)))
                break
    return tuple(conflicts)


def _compared_with(tokens: Sequence[Token], than: int) -> set[str]:
    """The content words of what ``tokens[than]`` ("than") compares with: the first four among the twelve words after
    it, figures with their units and asides in brackets aside ("than the 1981 to 2010 median date", "than the roughly 53
    miles (86 km) reached by Virgin Galactic's spaceplane")."""
    words, bracketed = [], False
    for k in range(than + 1, min(len(tokens), than + 13)):
        token = tokens[k]
        bracketed = (bracketed or token.key == "(") and token.key != ")"
        unit = tokens[k - 1].is_number and not is_year(tokens[k - 1].key)  # "53 miles"; not "the 1981 to 2010 median"
        if not (bracketed or unit or token.is_function or token.is_number) and len(token.key) > 2:
            words.append(token.key)
    return set(words[:4])


_ABOVE = "more than|over|above|at least|upwards of|in excess of|no fewer than|no less than"
_BELOW = "less than|fewer than|under|below|at most|up to|no more than"
_BOUNDED_FIGURE = re.compile(rf"\b(?:({_ABOVE})|({_BELOW}))[ \t]+(\d+(?:[.,]\d+)*|[a-z]+)[ \t]+([a-z]+)", re.IGNORECASE)


def _bounded_figures(text: str) -> list[tuple[bool, str, str, tuple[int, int]]]:
    """Each figure ``text`` bounds ("more than four months"): (above?, the figure, the word after it, the span of the
    bound and figure)."""
    found = []
    for match in _BOUNDED_FIGURE.finditer(text):
        figure = match[3].lower().replace(",", "")
        figure = NUMBER_WORDS.get(figure, figure)
        if figure[:1].isdigit():
            found.append((match[1] is not None, figure, match[4].lower().removesuffix("s"), (match.start(), match.end(3))))
    return found


def bound_conflicts(claim: str, sentence: str, *, min_overlap: float = 0.3) -> tuple[tuple[tuple[int, int], tuple[int, int]], ...]:
    """A figure the claim bounds the other way from the sentence it paraphrases: "with more than four months to go
    before the 5 November election" against "less than four months before the November 5 election". The same figure
    of the same thing, and the sentence holds ``min_overlap`` of the claim's content words. Returns the (claim,
    sentence) character spans of each bound with its figure."""
    if not _shares_words(_tokens_and_kinds(claim)[0], _tokens_and_kinds(sentence)[0], min_overlap):
        return ()
    given = _bounded_figures(sentence)
    return tuple(
        (span, other_span) for above, figure, unit, span in _bounded_figures(claim)
        # "under 20 years ... 20 or over" against "under 20 years of age ... over 20 years": the claim's bound is given too
        if (above, figure, unit) not in {g[:3] for g in given}
        for other_above, other_figure, other_unit, other_span in given
        if figure == other_figure and unit == other_unit and above != other_above
    )


def comparison_conflicts(claim: str, sentence: str) -> tuple[tuple[tuple[int, int], tuple[int, int]], ...]:
    """Opposite comparisons with the same thing: "The move was bigger than economists had expected" against "The
    increase was smaller than economists had expected". The words before "than" are opposites (`lexicon.are_antonyms`
    of their lemmas, or "more"/"less" before one adjective) and the two "than"s compare with two or more of the same
    content words. Returns the (claim, sentence) character spans of the two comparatives."""
    claim_tokens, sentence_tokens = tokenize(claim), tokenize(sentence)
    conflicts = []
    for i in range(1, len(claim_tokens) - 1):
        if claim_tokens[i].key != "than":
            continue
        if any(t.is_number for t in claim_tokens[i + 1 : i + 3]):
            continue  # "less than 670 million": a bound, for the figure rules
        for j in range(1, len(sentence_tokens) - 1):
            if sentence_tokens[j].key != "than" or len(_compared_with(claim_tokens, i) & _compared_with(sentence_tokens, j)) < 2:
                continue
            a, b = claim_tokens[i - 1], sentence_tokens[j - 1]
            if a.key == b.key and i > 1 and j > 1:  # "more expensive than" against "less expensive than"
                a, b = claim_tokens[i - 2], sentence_tokens[j - 2]
            if any(are_antonyms(x, y) for x in a.forms for y in b.forms):  # "later" against "earlier" (lemma "early")
                conflicts.append(((a.start, a.end), (b.start, b.end)))
    return tuple(conflicts)


def _is_ordinal(token: Token) -> bool:
    return token.text.lower() in _ORDINALS or bool(re.fullmatch(r"\d+(?:st|nd|rd|th)", token.text.lower()))


def _ranks_by_figure(tokens: Sequence[Token]) -> dict[str, tuple[Token, int]]:
    """Each figure of ``tokens`` (no year or ordinal) with the ordinal nearest it, four words away at most, and how far;
    an ordinal before a period ("the fourth quarter") ranks nothing."""
    ranks: dict[str, tuple[Token, int]] = {}
    for i, token in enumerate(tokens):
        if not token.is_number or _is_ordinal(token) or is_year(token.key) or _day_of_month(tokens, i):
            continue
        if not (token.percent or "." in token.key) and (not (token.key.isascii() and token.key.isdigit()) or int(token.key) < 10):
            continue  # a small count ("a seventh ordinance in 4 regions") is rarely what a rank is given with
        near = [(abs(k - i), tokens[k]) for k in range(max(0, i - 4), min(len(tokens), i + 5))
                if k != i and _is_ordinal(tokens[k]) and not (k + 1 < len(tokens) and tokens[k + 1].key in _PERIODS)]
        if near:
            distance, ordinal = min(near, key=lambda pair: pair[0])
            ranks[token.key] = (ordinal, distance)
    return ranks


def _superlatives(tokens: Sequence[Token]) -> list[tuple[int, str, set[str]]]:
    """Each superlative of ``tokens`` ("largest", "second-biggest"; not "one of the largest") with its rank (the ordinal
    before it, else "1") and the content words of the eight after it: what it is the most of."""
    found = []
    for i, token in enumerate(tokens):
        if not (token.pos in ("ADJ", "ADV") and token.text.lower().endswith("est") and token.key != token.text.lower()):
            continue
        before = [t.key for t in tokens[max(0, i - 3):i]]
        if before == ["one", "of", "the"] or "for" in before:
            continue  # "one of the largest"; "ranked behind X for highest earning": a category, no rank
        rank = tokens[i - 1].key if i and _is_ordinal(tokens[i - 1]) else "1"
        found.append((i, rank, {t.key for t in tokens[i + 1 : i + 9] if not t.is_function and len(t.key) > 2}))
    return found


def superlative_conflicts(claim: str, sentence: str) -> tuple[tuple[tuple[int, int], tuple[int, int]], ...]:
    """A superlative ranked otherwise for the same thing: "the second-biggest handed out since the European Union's
    GDPR rules took effect in 2018" against "the largest fine imposed since the European Union's General Data
    Protection Regulation came into force in 2018". The words after the two share two or more. Returns the (claim,
    sentence) character spans of the two superlatives (and the claim's rank)."""
    claim_tokens, sentence_tokens = tokenize(claim), tokenize(sentence)
    conflicts = []
    for i, rank, after in _superlatives(claim_tokens):
        for j, other_rank, other_after in _superlatives(sentence_tokens):
            if rank != other_rank and len(after & other_after) >= 2:
                first = i - 1 if rank != "1" else i
                conflicts.append(((claim_tokens[first].start, claim_tokens[i].end), (sentence_tokens[j].start, sentence_tokens[j].end)))
                break
    return tuple(conflicts)


def antonym_superlative_conflicts(claim: str, sentence: str, *, min_overlap: float = 0.5) -> tuple[tuple[tuple[int, int], tuple[int, int]], ...]:
    """The opposite superlative for the same thing: "to its strongest level in about two years" against "hitting its
    weakest level in about two years". The two are antonyms (`lexicon.are_antonyms`) or of opposite desk directions,
    the words after them share two or more and the sentences ``min_overlap`` of the claim's content words. Returns the
    (claim, sentence) character spans of the two superlatives."""
    if not _shares_words(_tokens_and_kinds(claim)[0], _tokens_and_kinds(sentence)[0], min_overlap):
        return ()
    claim_tokens, sentence_tokens = tokenize(claim), tokenize(sentence)
    conflicts = []
    for i, _, after in _superlatives(claim_tokens):
        a = claim_tokens[i]
        for j, _, other_after in _superlatives(sentence_tokens):
            b = sentence_tokens[j]
            opposite = are_antonyms(a.key, b.key) or (_direction(a) is not None and _direction(a) == -(_direction(b) or 0))
            if opposite and len(after & other_after) >= 2:
                conflicts.append(((a.start, a.end), (b.start, b.end)))
                break
    return tuple(conflicts)


_PERIODS = frozenset("quarter half week month year day time term round season century decade".split())


def _day_of_month(tokens: Sequence[Token], i: int) -> bool:
    """Whether ``tokens[i]`` is a day beside its month ("April 4", "4 April")."""
    return any(0 <= k < len(tokens) and tokens[k].key in MONTHS for k in (i - 1, i + 1))


def rank_conflicts(claim: str, sentence: str) -> tuple[tuple[tuple[int, int], tuple[int, int]], ...]:
    """A figure the claim ranks otherwise than the sentence: "pushing the Economic Freedom Fighters into third place on
    9.5%" against "the Economic Freedom Fighters fourth with 9.5%". The same figure (not a year) in both, each with an
    ordinal within four words, the two ordinals different. Returns the (claim, sentence) character spans of the two
    ordinals."""
    sentence_tokens = tokenize(sentence)
    given = _ranks_by_figure(sentence_tokens)
    attached = {o.start for o, _ in given.values()}
    unattached = {t.key for t in sentence_tokens if _is_ordinal(t) and t.start not in attached}
    figures = {t.key for t in sentence_tokens if t.is_number}
    conflicts = []
    for figure, (ordinal, distance) in _ranks_by_figure(tokenize(claim)).items():
        other = next((o for key, (o, _) in given.items() if close_numbers(key, figure)), None)
        # "its third quarterly decline" where the sentence gives "a third straight" decline to no figure
        if other is not None and other.key != ordinal.key and ordinal.key not in unattached:
            conflicts.append(((ordinal.start, ordinal.end), (other.start, other.end)))
        elif other is None and distance <= 2 and any(close_numbers(key, figure) for key in figures) and _shares_words(
                _tokens_and_kinds(claim)[0], _tokens_and_kinds(sentence)[0], 0.4):
            # "finished second with 24" against "came second with 25 seats, followed by the VVD ... with 24 seats":
            # the sentence gives the claim's rank to another figure right beside it and the claim's figure unranked
            ranked_so = next((key for key, (o, d) in given.items() if o.key == ordinal.key and d <= 2 and not close_numbers(key, figure)), None)
            if ranked_so is not None:
                o = given[ranked_so][0]
                conflicts.append(((ordinal.start, ordinal.end), (o.start, o.end)))
    return tuple(conflicts)


def _verbs_near(tokens: Sequence[Token], index: int, reach: int) -> list[Token]:
    """The verbs within ``reach`` words of ``tokens[index]``."""
    return [t for t in tokens[max(0, index - reach) : index + reach + 1] if t.pos == "VERB"]


def opposite_verb_conflicts(claim: str, sentence: str) -> tuple[tuple[tuple[int, int], tuple[int, int]], ...]:
    """One figure both give, done the opposite way: "the collision lengthened that orbit by 32 minutes" against
    "altered the orbit by 32 minutes, shortening it". A verb within four words before the claim's figure and one
    within six words of the sentence's are opposites (`lexicon.are_antonyms`; the desk's direction words are
    `direction_conflicts`'), the figure a measure ("32 minutes", "5%"). Returns the (claim, sentence) character spans of the two verbs."""
    claim_tokens, sentence_tokens = tokenize(claim), tokenize(sentence)
    claim_lemmas, sentence_lemmas = {t.lemma for t in claim_tokens}, {t.lemma for t in sentence_tokens}
    conflicts = []
    for i, token in enumerate(claim_tokens):
        if not (token.is_number and (token.percent or (i + 1 < len(claim_tokens) and claim_tokens[i + 1].key in MEASURES))):
            continue  # a measure ("32 minutes", "5%"), not a year, a day or a score
        verbs = [t for t in claim_tokens[max(0, i - 4) : i] if t.pos == "VERB"]
        for j, other in enumerate(sentence_tokens):
            if not (other.is_number and close_numbers(token.key, other.key)):
                continue
            # both giving both ("61.9% had voted to reject the text and 38.1% to approve it" against "the “reject” option
            # had 61.9% of the vote against 38.1% for “approve”"): the figures only sit nearer the other word
            pair = next(((a, b) for a in verbs for b in _verbs_near(sentence_tokens, j, 6)
                         if are_antonyms(a.key, b.key) and _direction(a) is None and _direction(b) is None
                         and not (a.lemma in sentence_lemmas and b.lemma in claim_lemmas)), None)
            if pair:
                conflicts.append(((pair[0].start, pair[0].end), (pair[1].start, pair[1].end)))
                break
    return tuple(conflicts)


_MONTH_NAMES = "|".join(sorted(MONTHS))
_DAY_MONTH = re.compile(
    rf"\b(?:(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month>{_MONTH_NAMES})|(?P<month2>{_MONTH_NAMES})\.?\s+(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?)\b",
    re.IGNORECASE,
)


# A month given alone, after "in": "having flown the MAX himself in October" (day 0: any day of it).
_IN_MONTH = re.compile(rf"\b(?:in|during)\s+(?:early\s+|mid-|late\s+)?(?P<month>{_MONTH_NAMES})\b(?!\.?\s+\d{{1,2}}\b)", re.IGNORECASE)
_WEEKDAY_COMMA = re.compile(rf"\b((?:mon|tues|wednes|thurs|fri|satur|sun)day),(?=\s+(?:\d|(?:{_MONTH_NAMES})\b))", re.IGNORECASE)
_SAID_WORDS = frozenset("said say says told tell tells announced announce announces stated added".split())
_DATE_BOUNDS = frozenset("before after until till by since from between through".split())
_CLAUSE_BREAK = re.compile(r"[,;:()\[\]–—\n]|\s-+\s|[.!?]\s")


@lru_cache(maxsize=256)
def _days_and_months(text: str) -> tuple[tuple[tuple[int, str], frozenset[str], frozenset[str], tuple[int, int], str], ...]:
    """Each day of the year ``text`` gives ("on 6 February", "Feb. 6", "until 24 April") and each month it gives alone
    ("in October", as day 0): (day, month), the content words of its clause around it (of its last 15 words before it,
    months aside: what the date is of; and of the six after it: "set down on 12 June in the Apollo basin"), those of
    them written in lower case, its character span, and the bound before it ("until", "before"; "" for none)."""
    text = re.sub(r"\b(" + "|".join(MONTH_ABBREVIATIONS) + r")\b\.?", lambda m: MONTH_ABBREVIATIONS[m[1].lower()] + " " * (len(m[0]) - len(m[1])), text, flags=re.IGNORECASE)
    text = _WEEKDAY_COMMA.sub(r"\1 ", text)  # "said on Friday, November 1": the clause goes on past the weekday
    # "the General Elections Commission (KPU) on Wednesday, March 20": an aside without figures ends no clause
    text = re.sub(r"\([^()\d]{1,25}\)", lambda m: " " * len(m[0]), text)
    found = []
    for match in sorted([*_DAY_MONTH.finditer(text), *_IN_MONTH.finditer(text)], key=lambda m: m.start()):
        clauses = _CLAUSE_BREAK.split(text[:match.start()])
        clause = clauses[-1]
        if len(clauses) > 1 and sum(len(w) > 2 and w not in _STOPWORDS for w in _raw_tokens(clause)) < 2:
            clause = f"{clauses[-2]} {clause}"  # "missed coupons totalling $22.5m, due on 6 July": an aside says what is due
        after = _CLAUSE_BREAK.split(text[match.end():])[0]
        words = _raw_tokens(clause)
        # "before 9 April", "before the 8th of May": a bound, compared only with a day under the same bound
        bound = ""
        if words and words[-1] in _DATE_BOUNDS:
            bound = words[-1]
        elif len(words) > 1 and words[-1] == "the" and words[-2] in _DATE_BOUNDS:
            bound = words[-2]
        if (words[-1:] == ["and"] and "between" in words[-5:]) or re.match(r"\s*(?:or|to|and)\b", after):
            continue  # "between January 18 and February 9", "in late January or early February": a stretch of days
        day = match.groupdict().get("day") or match.groupdict().get("day2") or 0
        month = (match["month"] or match["month2"]).lower() if "month2" in match.groupdict() else match["month"].lower()
        # lemmas, so "flown" and "flew" are one word
        near = [t for t in tokenize(clause)][-15:] + [t for t in tokenize(after)][:6]
        keys = [(t.text.lower() if t.text.isalpha() else t.key, t) for t in near]  # "second" stays a word
        # "said" says nothing of what the date is of: the wire's statement and the article's may be on other days
        around = frozenset(k for k, _ in keys if len(k) > 2 and not k[0].isdigit() and k not in _STOPWORDS) - MONTHS - _SAID_WORDS
        lower = frozenset(k for k, t in keys if k in around and t.text[:1].islower())
        found.append(((int(day), month), around, lower, match.span(), bound))
    return tuple(found)


def _same_day(a: tuple[int, str], b: tuple[int, str]) -> bool:
    """Whether two (day, month) give one day, or one month where either gives only its month (day 0)."""
    return a[1] == b[1] and (a[0] == b[0] or 0 in (a[0], b[0]))


def date_conflicts(claim: str, sentence: str, *, context: str = "", min_overlap: float = 0.25) -> tuple[tuple[tuple[int, int], tuple[int, int]], ...]:
    """Days of the year the claim gives for something the evidence sentence dates otherwise.

    "cleared the drug under its accelerated approval pathway on 6 February" against "Leqembi was approved under the
    accelerated approval pathway on 6 January 2023": the sentences share a quarter of the claim's words, the two
    dates' clauses share two words or more before them, one of them a word both write in lower case ("died" and
    "born" of one person are two things; "the French president said voters would go to the polls on 30 June" shares
    only names with "French President Emmanuel Macron dissolved the National Assembly on Sunday, June 9"), and no
    passage gives the claim's date after two of those words or after none ("Truss won the contest on 5 September"
    does not give "Truss was appointed … at Balmoral on 5 September"). A month alone in a sentence that gives the
    claim's day as well ("closing a deal first announced in May" beside "on Wednesday, November 22") dates something
    else. A day under a bound ("before 9 April") is compared only with a day under the same bound ("until 24 April"
    against "until March 24"). Returns the (claim, sentence) character spans of each conflict.
    """
    # A claim sharing few words with the sentence ("… will sentence him on 11 June, days before Republicans gather in
    # Milwaukee …" against "Justice Juan Merchan set sentencing for July 11") is compared where the dates' clauses
    # share three words
    needed = 2 if _shares_words(_tokens(claim), _tokens(sentence), min_overlap) else 3
    in_sentence = _days_and_months(sentence)
    given = _days_and_months(context) + in_sentence
    conflicts = []
    claimed = _days_and_months(claim)
    for date, words, lower, span, bound in claimed:
        if any(_same_day(other, date) and (not other_words or len(words & other_words) >= 2) for other, other_words, _, _, _ in given):
            continue
        restated = any(_same_day(other, date) for other, _, _, _, _ in in_sentence)
        dated_otherwise = [
            (len(words & other_words), other_span) for other, other_words, other_lower, other_span, other_bound in in_sentence
            # a day the claim gives as well is no other day for it ("agreed on 31 January ... following the elections of
            # 9 June" against "struck a deal on Friday, January 31, ... following the June 9 elections")
            if other_bound == bound and not any(_same_day(other, day) for day, _, _, _, _ in claimed)
            and any(_stems_alike(word, other_word) for word in lower for other_word in other_lower)
            and not (restated and not other[0])  # "first announced in May" where the sentence gives the claim's day too
        ]
        shared, other_span = max(dated_otherwise, default=(0, None))
        if shared >= needed:
            conflicts.append((span, other_span))
    return tuple(conflicts)


_YEAR_AFTER = re.compile(r",?[ \t]+(\d{4})\b")


def _full_dates(text: str) -> list[tuple[int, str, str, tuple[int, int]]]:
    """Each day ``text`` gives with its year ("20 July 2020", "June 20, 2020"): (day, month, year, character span)."""
    found = []
    for match in _DAY_MONTH.finditer(text):
        year = _YEAR_AFTER.match(text, match.end())
        if year:
            found.append((int(match["day"] or match["day2"]), (match["month"] or match["month2"]).lower(), year[1], (match.start(), year.end())))
    return found


def month_conflicts(claim: str, sentence: str, *, context: str = "") -> tuple[tuple[tuple[int, int], tuple[int, int]], ...]:
    """A full date of the claim that no passage gives, where the sentence gives the same day of the same year in another
    month: "taken on 20 July 2020" against "in Verkhoyansk on June 20, 2020", a month mistyped. Returns the (claim,
    sentence) character spans of the two dates."""
    given = {(int(m["day"] or m["day2"]), (m["month"] or m["month2"]).lower()) for m in _DAY_MONTH.finditer(f"{context}\n{sentence}")}
    return tuple(
        (span, other_span) for day, month, year, span in _full_dates(claim) if (day, month) not in given
        for other_day, other_month, other_year, other_span in _full_dates(sentence)
        if (other_day, other_year) == (day, year) and other_month != month
    )


# How far back a negation reaches: "had not met the conditions for a transparent ballot" negates "transparent".
_NEGATION_REACH = 6


def _is_negator(token: str) -> bool:
    return token in ("not", "never", "no", "none") or token.endswith("n't")  # "none of which had reported mpox"


def _negated_pairs(tokens: Sequence[str]) -> list[tuple[str, str]]:
    """The pairs of content words a negation governs: "not legally binding" -> ("legally", "binding")."""
    pairs = []
    for i, token in enumerate(tokens):
        if not _is_negator(token):
            continue
        for j in (i + 1, i + 2):
            pair = tuple(tokens[j:j + 2])
            if len(pair) == 2 and all(_content((w,)) for w in pair):
                pairs.append(pair)
                break
    return pairs


def _asserted(tokens: Sequence[str], pair: tuple[str, str]) -> int | None:
    """Where ``tokens`` give ``pair`` with no negation in the `_NEGATION_REACH` words before it, or None."""
    for k in range(len(tokens) - 1):
        if tuple(tokens[k:k + 2]) == pair and not any(_is_negator(t) for t in tokens[max(0, k - _NEGATION_REACH):k]):
            return k
    return None


def negation_conflicts(claim: str, sentence: str, *, min_overlap: float = 0.4) -> tuple[tuple[str, str], ...]:
    """Word pairs one sentence negates and the other asserts: "is legally binding" against "are not legally binding".

    Only between sentences that share ``min_overlap`` of the claim's content words, the way
    `anchored_number_conflicts` compares counts. Returns (pair, side negating it: "source" or "article").
    """
    claim_tokens, sentence_tokens = _tokens(claim), _tokens(sentence)
    if not _shares_words(claim_tokens, sentence_tokens, min_overlap):
        return ()
    conflicts = [(" ".join(pair), "source") for pair in _negated_pairs(sentence_tokens)
                 if _asserted(claim_tokens, pair) is not None and not _first_time(claim_tokens)]
    conflicts += [(" ".join(pair), "article") for pair in _negated_pairs(claim_tokens)
                  if _asserted(sentence_tokens, pair) is not None and not _first_time(sentence_tokens)]
    return tuple(conflicts)


def _first_time(tokens: Sequence[str]) -> bool:
    """Whether a sentence tells something as done for the first time or as a record, which says it was never done
    before: "the first time since 1949 that a chancellor candidate had failed" is "no chancellor candidate had fallen
    short since 1949"; "the closest pass ever made by a human-made object" is "no human-made object has ever passed
    this close"."""
    return "ever" in tokens or any(a in ("first", "1") and b == "time" for a, b in zip(tokens, tokens[1:]))  # `_tokens` gives "first" as "1"


_WORD_POS = frozenset({"NOUN", "PROPN", "VERB", "ADJ"})


def _word(token: Token) -> bool:
    return token.pos in _WORD_POS and not (token.is_function or token.is_number or token.is_negation)


def _stems_alike(a: str, b: str) -> bool:
    """Whether two lemmas are one word's forms: equal, or sharing their first five letters or more, most of the
    shorter one ("connect" and "connection")."""
    shared = len(os.path.commonprefix([a, b]))
    return a == b or (shared >= 5 and shared >= 0.7 * min(len(a), len(b)))


def _followers(tokens: Sequence[Token], head: int, reach: int = 8) -> tuple[str | None, str | None]:
    """What follows a word: the first content word and the first noun in the ``reach`` words after it ("believe that
    there was a second suicide bomber": "suicide")."""
    after = [t for t in tokens[head + 1 : head + 1 + reach] if _word(t)]
    return (after[0].key if after else None), next((t.key for t in after if t.pos in ("NOUN", "PROPN")), None)


_NEGATORS = frozenset({"not", "never"})  # "n't" is keyed "not"; "without the guarantee", "no indication" negate no predicate
_PREDICATE_POS = frozenset({"VERB", "ADJ"})


def _negated_heads(tokens: Sequence[Token]) -> list[tuple[int, int, tuple[str | None, str | None]]]:
    """Each "not" or "never", the verb or adjective it governs (the first content word in the three after it) and what
    follows that (`_followers`): "did not appear to be any connection between" -> (not, appear, (connection, connection))."""
    heads = []
    for i, token in enumerate(tokens):
        if token.key not in _NEGATORS:
            continue
        head = next((j for j in range(i + 1, min(i + 4, len(tokens))) if _word(tokens[j])), None)
        if head is not None and tokens[head].pos in _PREDICATE_POS:
            heads.append((i, head, _followers(tokens, head)))
    return heads


def _asserts(tokens: Sequence[Token], head: str, followers: tuple[str | None, str | None]) -> int | None:
    """Where ``tokens`` give a form of ``head``, no negation in the `_NEGATION_REACH` words before it, followed by a
    form of the same first content word or the same first noun (the same thing done: "attended a dinner" is not "did
    not attend the summit")."""
    for k, token in enumerate(tokens):
        if _word(token) and _stems_alike(token.key, head) and not any(t.is_negation for t in tokens[max(0, k - _NEGATION_REACH) : k]) and not (
                _prevented(tokens, k) or _ruled_out(tokens, k) or _denied_after(tokens, k)):
            if any(a is not None and b is not None and _stems_alike(a, b) for a, b in zip(_followers(tokens, k), followers)):
                return k
    return None


_NONE_WORDS = frozenset({"none", "nothing", "no", "neither", "nobody"})


def _denied_after(tokens: Sequence[Token], k: int) -> bool:
    """Whether the word after ``tokens[k]`` (or the one after that) denies what it governs: "had answered none of the
    88 questions" is "had not answered any"."""
    return any(t.key in _NONE_WORDS for t in tokens[k + 1:k + 3])


def _promised(tokens: Sequence[Token], k: int) -> bool:
    """Whether "will" or "would" comes in the three words before ``tokens[k]``: an intention or a promise."""
    return any(t.key in ("will", "would") for t in tokens[max(0, k - 3):k])


def _ruled_out(tokens: Sequence[Token], k: int) -> bool:
    """Whether ``tokens[k]`` is what was ruled out: "had ruled out using the Taft-Hartley Act" (would not use it)."""
    return k > 1 and tokens[k - 2].lemma == "rule" and tokens[k - 1].key == "out"


def _prevented(tokens: Sequence[Token], k: int) -> bool:
    """Whether ``tokens[k]`` is what a verb before it prevents: "bars Le Pen from standing"."""
    return k > 0 and tokens[k - 1].key == "from" and any(t.key in PREVENTING_VERBS for t in tokens[max(0, k - 6) : k - 1])


def paraphrased_negation_conflicts(claim: str, sentence: str, *, min_overlap: float = 0.5) -> tuple[tuple[tuple[int, int], tuple[int, int]], ...]:
    """A word one sentence negates and the other asserts, with what follows it said in other words: "Mauger said the
    noises appeared to be connected to the spot" against "Mauger said there did not appear to be any connection
    between the noises and the location"; "were mandated to carry out counter-terrorism operations" against "are not
    mandated to conduct counter-terrorism operations". Only in a clause of the claim that shares ``min_overlap`` of
    its content words (three or more) with the sentence, and not when the words before the two name different things
    ("The ECB did not raise rates" against "The Fed raised rates"). Returns the (claim, sentence) character spans of
    each word."""
    claim_tokens, sentence_tokens = tokenize(claim), tokenize(sentence)
    sentence_words = {t.key for t in sentence_tokens if _word(t)}
    claim_negates, sentence_negates = ({tokens[head].key for _, head, _ in _negated_heads(tokens)} for tokens in (claim_tokens, sentence_tokens))
    conflicts = []
    start = 0
    for clause in _CLAUSE_BREAK.split(claim):
        begin = claim.find(clause, start)
        start = begin + len(clause)
        own = [t for t in claim_tokens if begin <= t.start < begin + len(clause)]
        words = {t.key for t in own if _word(t)}
        if len(words) < 3 or len(words & sentence_words) < min_overlap * len(words):
            continue
        pairs = [(own, sentence_tokens, *negated) for negated in _negated_heads(sentence_tokens)]
        pairs += [(sentence_tokens, own, *negated) for negated in _negated_heads(own)]
        for asserting, negating, negation, head, followers in pairs:
            if negating[head].key in (claim_negates if asserting is own else sentence_negates):
                continue  # "we thought ..., we didn't think ..." on both sides: each asserts and negates the word
            k = _asserts(asserting, negating[head].key, followers)
            texts = (claim, sentence) if asserting is own else (sentence, claim)
            if k is not None and _promised(negating, negation) and not _promised(asserting, k):
                continue  # "would not pardon his son" against "has pardoned his son": a promise broken, both true
            if k is not None and not _other_subjects(  # "The ECB did not raise" / "The Fed raised"
                    _before_in_clause(asserting, texts[0], k), _before_in_clause(negating, texts[1], head)):
                asserted, negated = (asserting[k].start, asserting[k].end), (negating[negation].start, negating[head].end)
                conflicts.append((asserted, negated) if asserting is own else (negated, asserted))
    return tuple(conflicts)


_OBJECT_POS = frozenset({"NOUN", "PROPN", "ADJ", "NUM"})


def _objects(tokens: Sequence[Token], verb: int) -> tuple[str, ...]:
    """The first two object words in the four words after ``tokens[verb]``: "abandon its yield curve control" -> ("yield", "curve")."""
    return tuple(t.key for t in tokens[verb + 1:verb + 5] if t.pos in _OBJECT_POS)[:2]


_STATING_AUXILIARIES = frozenset({"do", "have", "be"})  # "did not", "has not", "was not": a statement of fact, not "should not"


def _denied_actions(tokens: Sequence[Token]) -> list[tuple[int, int]]:
    """(where the denial starts, the verb it governs) for each action with an object that a sentence states did not
    happen: "did not abandon its policy" -> ("did", "abandon"), "never approved the budget" -> ("never", "approved");
    not advice or intent ("careful not to cut rates", "will not cut rates")."""
    denied = []
    for i, token in enumerate(tokens):
        stated = token.key == "never" or (token.is_negation and i and tokens[i - 1].lemma in _STATING_AUXILIARIES and tokens[i - 1].pos == "AUX")
        verb = next((j for j in (i + 1, i + 2) if j < len(tokens) and tokens[j].pos == "VERB"), None) if stated else None
        if verb is not None and tokens[verb - 1].pos in ("ADV", "PART", "AUX") and _objects(tokens, verb):
            denied.append((i - 1 if token.key != "never" else i, verb))
    return denied


def _reported_action(tokens: Sequence[Token], lemma: str, objects: tuple[str, ...]) -> int | None:
    """Where ``tokens`` report the action ``lemma`` names (`lexicon.same_action`) on the same ``objects``, with no
    negation in the three words before it and no "none" or "nobody" in the six (`_none_of_them`); None if they do not."""
    for k, token in enumerate(tokens):
        if token.pos == "VERB" and same_action(token.lemma, lemma) and _objects(tokens, k) == objects:
            if not any(t.is_negation for t in tokens[max(0, k - 3):k]) and not _none_of_them(tokens[max(0, k - 6):k]):
                return k
    return None


_NO_ONE = frozenset("none nobody neither".split())


def _none_of_them(tokens: Sequence[Token]) -> bool:
    """Whether ``tokens`` hold a subject that denies the verb after them: "None of the men was arrested"."""
    return any(t.key in _NO_ONE for t in tokens)


def _before_in_clause(tokens: Sequence[Token], text: str, index: int) -> Sequence[Token]:
    """The words before ``index`` after the last semicolon, colon or dash before it: what its clause is about ("the
    United States has" in "The result extended Europe's unbeaten run; the United States has not won")."""
    cut = max(text.rfind(mark, 0, tokens[index].start) for mark in (";", ":", " – ", " — "))
    return [t for t in tokens[:index] if t.start > cut]


def _other_subjects(a: Sequence[Token], b: Sequence[Token]) -> bool:
    """Whether both stretches name someone or something and share no name: "The ECB" and "The Fed"."""
    return _no_name_alike(*({t.key for t in side if t.entity or t.pos == "PROPN"} for side in (a, b)))


def _no_name_alike(names: Collection[str], others: Collection[str]) -> bool:
    """Whether both sides give names and none of one side's is spelt like one of the other's (rapidfuzz ratio 80)."""
    return bool(names and others) and not any(fuzz.ratio(a, b) >= 80 for a in names for b in others)


def denied_action_conflicts(claim: str, sentence: str) -> tuple[tuple[tuple[int, int], tuple[int, int]], ...]:
    """Actions one sentence denies and the other reports on the same object, in the same words or others a desk treats
    as the same action: "did not abandon its yield curve control policy" against "scrapped its yield curve control
    policy". Sentences whose subjects name different things ("The ECB did not raise rates", "The Fed raised rates")
    are not compared. Returns the (start, end) of the action in the claim and in the sentence, the denial included.
    """
    claim_tokens, sentence_tokens = tokenize(claim), tokenize(sentence)
    conflicts = []
    for denying, reporting in ((claim_tokens, sentence_tokens), (sentence_tokens, claim_tokens)):
        for first, verb in _denied_actions(denying):
            k = _reported_action(reporting, denying[verb].lemma, _objects(denying, verb))
            texts = (claim, sentence) if denying is claim_tokens else (sentence, claim)
            if k is None or _other_subjects(_before_in_clause(denying, texts[0], first), _before_in_clause(reporting, texts[1], k)):
                continue
            spans = ((denying[first].start, denying[verb].end), (reporting[k].start, reporting[k].end))
            conflicts.append(spans if denying is claim_tokens else spans[::-1])
    return tuple(conflicts)


def _gives_number(tokens: Sequence[str], kinds: Sequence[str | None], number: str, kind: str | None, anchors: set[str]) -> bool:
    """Whether ``tokens`` give ``number`` as the same kind of number next to one of ``anchors`` or a compound ending in
    one ("38 railcars" for "38 cars"): for the same thing."""
    return any(
        t[0].isdigit() and kinds[k] == kind and close_numbers(t, number) and _alike_words(anchors, _anchors(tokens, k))
        for k, t in enumerate(tokens)
    )


def _given_anywhere(tokens: Sequence[str], kinds: Sequence[str | None], number: str, kind: str | None) -> bool:
    """Whether ``tokens`` give ``number`` as the same kind of number, of two significant digits or more, next to any words."""
    return len(number.replace(".", "").strip("0")) >= 2 and any(
        t[0].isdigit() and kinds[k] == kind and close_numbers(t, number) for k, t in enumerate(tokens))


def _alike_words(words: set[str], others: set[str]) -> bool:
    """Whether a word of ``words`` is one of ``others`` or ends one ("cars" of "railcars"), or the reverse."""
    return any(a == b or (len(a) > 2 and len(b) > 2 and (a.endswith(b) or b.endswith(a))) for a in words for b in others)


def split_evidence_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


@dataclass(frozen=True)
class Alignment:
    """The evidence sentence a claim restates and the classified edits between them."""

    passage: RetrievedPassage
    sentence: str
    coverage: float
    changes: tuple[Change, ...]

    @property
    def meaning_changes(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.kind in MEANING_KINDS)


def best_restatements(claim: Claim, passages: Sequence[RetrievedPassage]) -> tuple[float, list[tuple[RetrievedPassage, str]]]:
    """The largest share of the claim's words in order any evidence sentence covers (numbers and dates masked), and
    the sentences covering that share."""
    claim_tokens = tokenize(claim.text)
    best, tied = 0.0, []
    for retrieved in passages:
        for sentence in split_evidence_sentences(retrieved.passage.text):
            coverage = restatement_coverage(claim_tokens, tokenize(sentence))
            if coverage > best:
                best, tied = coverage, []
            if coverage == best:
                tied.append((retrieved, sentence))
    return best, tied


# How much of a claim a sentence must restate for a name the claim puts in another's place to be a swap
# (`_unmentioned_name_swap`): on eval_cases and dev 101-580, at 0.5 it marked 10 error sentences (3 no other rule
# caught) and one correct sentence ("3:34am US Eastern time" for "3:34 a.m. EDT", which figures now rule out). It needs
# the article: a claim checked alone (an NLI pair set) cannot show that the sentence's name is one the article never
# gives, and there it contradicted 17 true FEVER claims for 36 refuted ones.
_SWAP_COVERAGE = 0.5


def _unmentioned_name_swap(claim: Claim, tied: Sequence[tuple[RetrievedPassage, str]], passages: Sequence[RetrievedPassage],
                           article: str) -> Alignment | None:
    """The sentence the claim restates in part, with the names the claim puts where it names others: "will meet Arsenal
    at Wembley" against "will face Chelsea at Wembley", "to combine with Allegiant" against "to merge with Frontier
    Airlines". The claim's name words (proper nouns, no dates) are in no passage, the sentence's are nowhere in the
    ``article``, and neither side gives a figure ("3:34am US Eastern time" for "3:34 a.m. EDT"). Else None."""
    context = "\n".join(retrieved.passage.text for retrieved in passages).lower()
    claim_tokens = tokenize(claim.text)
    if all(t.pos != "PROPN" or t.is_date or t.text.lower() in context for t in claim_tokens):
        return None  # every name the claim gives is in a passage: nothing swapped in, no sentence to compare
    article = article.lower()
    for retrieved, sentence in tied:
        sentence_tokens = tokenize(sentence)
        swaps = []
        for change in compare_sentences(claim.text, sentence, article_offset=claim.start):
            if change.kind != "entity" or any(ch.isdigit() for ch in change.article + change.source):
                continue
            named = [t for t in claim_tokens if t.pos == "PROPN" and not t.is_date and change.article_start <= claim.start + t.start < change.article_end]
            given = [t for t in sentence_tokens if t.pos == "PROPN" and not t.is_date and change.source_start <= t.start < change.source_end]
            if named and given and not any(t.text.lower() in context for t in named) and not any(t.text.lower() in article for t in given):
                swaps.append(change)
        if swaps:
            return Alignment(retrieved, sentence, restatement_coverage(claim_tokens, sentence_tokens), tuple(swaps))
    return None


def _figures_from_another_sentence(alignment: Alignment, passages: Sequence[RetrievedPassage]) -> Alignment:
    """The alignment with its number changes made "content" when the claim's figures in them, two or more distinct, are all given
    in one other evidence sentence: the claim merged that sentence in ("1.6C higher than the 1850–1900 baseline" where
    the restated sentence gives "0.72C higher than the 1991–2020 average" and the next "1.60C above the estimated
    1850–1900 pre-industrial level")."""
    numbers = [c for c in alignment.changes if c.kind == "number"]
    claimed = {t for c in numbers for t in _tokens(c.article) if t[0].isdigit()}
    if len(claimed) < 2:  # "the second-youngest" against "the third-youngest": one figure, which "his second title" gives too
        return alignment
    for retrieved in passages:
        for sentence in split_evidence_sentences(retrieved.passage.text):
            given = [t for t in _tokens(sentence) if t[0].isdigit()]
            if sentence != alignment.sentence and all(any(close_numbers(n, g) for g in given) for n in claimed):
                return replace(alignment, changes=tuple(replace(c, kind="content") if c.kind == "number" else c for c in alignment.changes))
    return alignment


def _unexplained(changes: Sequence[Change]) -> tuple[bool, bool]:
    """Sort key of an alignment: harmless edits only sort first, then meaning changes only, then a paraphrase (a content word changed)."""
    return any(c.kind == "content" for c in changes), any(c.kind in MEANING_KINDS for c in changes)


_NOT_PEOPLE = frozenset({"GPE", "LOC", "FAC", "ORG", "NORP", "PRODUCT", "EVENT", "WORK_OF_ART"})


def _speaker_change(claim: Claim, passage: Passage, claim_start: int) -> Change | None:
    """A quotation the article credits to someone other than the speaker the evidence names."""
    if not (claim.speaker and passage.speaker) or claim.speaker.lower() in PRONOUNS or claim.speaker[:1].islower():
        return None  # "he said", "the chancellor said" name nobody the evidence could contradict (attribution checks roles)
    if claim.speaker_kind not in (None, "name"):
        return None  # a speaker inferred from "he said" or the quotation before is the article's guess, no statement of it
    where = claim.text.find(claim.speaker)
    named = [t for t in tokenize(claim.text) if where >= 0 and where <= t.start < where + len(claim.speaker)]
    if named and not any(t.entity == "PERSON" for t in named) and any(t.entity in _NOT_PEOPLE for t in named):
        return None  # "Speaking ... in Dublin, the 45-year-old said": the entity recogniser's place, no speaker
    if fuzz.token_set_ratio(claim.speaker.lower(), passage.speaker.lower()) >= 80 or _shares_surname(claim.speaker, passage.speaker):
        return None
    start = claim_start + where if where >= 0 else None
    return Change("speaker", claim.speaker, passage.speaker, start, start + len(claim.speaker) if start is not None else None, None, None)


def _shares_surname(a: str, b: str) -> bool:
    """Whether two names end in one surname, a particle aside ("Ansari" and "Majed al-Ansari")."""
    return _surname(a) == _surname(b)


def _surname(name: str) -> str:
    return re.sub(r"^(?:al|el|ad|ul)-", "", name.split()[-1].lower())


class AlignmentChecker:
    """Verdicts for claims that restate an evidence sentence, decided by the words that differ.

    A meaning change (number, date, negation, direction, entity, speaker, role, hedge) makes the
    claim ``contradicted`` (``misattribution`` for a speaker or role, in `pipeline.flags`); only
    harmless edits make it ``supported``; another content word changed leaves the claim to the
    NLI model. Claims that restate nothing are checked for
    a number that conflicts with what the evidence counts; otherwise the checker abstains.
    """

    def __init__(self, *, min_coverage: float = 0.8) -> None:
        if not 0 < min_coverage <= 1:
            raise ValueError(f"min_coverage must be in (0, 1], got {min_coverage}")
        self.min_coverage = min_coverage

    def align(self, claim: Claim, passages: Sequence[RetrievedPassage], article: str = "") -> Alignment | None:
        """The restated sentence and its changes, or a number conflict, or a name swapped in (`_unmentioned_name_swap`;
        ``article``: the article's text, or all its claims', more than the claim itself), or None."""
        coverage, tied = best_restatements(claim, passages)
        if tied and coverage >= self.min_coverage and len(tokenize(claim.text)) >= 4:
            # Of sentences restated as closely (an archive may hold a story and its correction), the one whose
            # edits explain the claim: harmless only, else meaning changes only, else a paraphrase.
            restated = min((self._restatement(claim, retrieved, sentence, coverage) for retrieved, sentence in tied), key=lambda a: _unexplained(a.changes))
            if restated.meaning_changes or not any(c.kind == "content" for c in restated.changes):
                return _figures_from_another_sentence(restated, passages)
            # A restatement in other words, which the NLI model would decide, unless the evidence gives one of its
            # figures, ranks or dates otherwise ("finished second with 24" for "came second with 25 seats, followed by
            # the VVD ... with 24 seats")
            return _figures_from_another_sentence(_conflict_alignment(claim, passages) or restated, passages)
        conflict = _conflict_alignment(claim, passages)
        if conflict is None and tied and coverage >= _SWAP_COVERAGE and article.strip() != claim.text.strip():
            conflict = _unmentioned_name_swap(claim, tied, passages, article)
        return conflict and _figures_from_another_sentence(conflict, passages)

    @staticmethod
    def _restatement(claim: Claim, retrieved: RetrievedPassage, sentence: str, coverage: float) -> Alignment:
        speakers = [name for name in (claim.speaker, retrieved.passage.speaker) if name]
        changes = compare_sentences(claim.text, sentence, article_offset=claim.start, speaker_names=speakers)
        # The evidence's speaker field names a swap the words may not show; once is enough.
        speaker = None if any(c.kind == "speaker" for c in changes) else _speaker_change(claim, retrieved.passage, claim.start)
        return Alignment(retrieved, sentence, coverage, changes + ((speaker,) if speaker else ()))

    def run(self, claims: Sequence[Claim], passages: Mapping[str, Sequence[RetrievedPassage]]) -> dict[str, Verdict]:
        verdicts = {}
        article = " ".join(claim.text for claim in claims)
        for claim in claims:
            alignment = self.align(claim, passages.get(claim.id, ()), article)
            if alignment is None:
                continue
            meaning = alignment.meaning_changes
            if not meaning and any(c.kind == "content" for c in alignment.changes):
                continue  # a paraphrase with other words: the NLI model decides
            label = "contradicted" if meaning else "supported"
            if meaning and all(c.kind == "hedge" for c in meaning):
                label = "needs_review"  # "should" for "would": on eval_cases_dev 101-500, 0 of 6 such contradictions were errors
            judgement = EvidenceJudgement(
                passage=alignment.passage.passage,
                retrieval_score=alignment.passage.score,
                label="contradiction" if meaning else "entailment",
                probabilities={"alignment": round(alignment.coverage, 4)},
            )
            note = f"restates evidence {alignment.passage.passage.id} with {describe(meaning)}" if meaning else ""
            confidence = round(min(0.99, max(alignment.coverage, 0.7)), 4)
            verdicts[claim.id] = Verdict(
                claim.id, label, confidence, (judgement,), note,
                changes=alignment.changes, source_sentence=alignment.sentence, decided_by=(alignment.passage.passage.id,),
            )
        return verdicts


_LOOSER_DIRECTION_CONFLICTS = (opposite_verb_conflicts, paraphrased_direction_conflicts, qualified_direction_conflicts, subject_direction_conflicts,
                               subject_antonym_conflicts)


def _conflict_alignment(claim: Claim, passages: Sequence[RetrievedPassage]) -> Alignment | None:
    """The first evidence sentence with an anchored number conflict; a number another passage gives for the same thing is none."""
    context = "\n".join(retrieved.passage.text for retrieved in passages)
    for retrieved in passages:
        for sentence in split_evidence_sentences(retrieved.passage.text):
            if _about_other_people(claim.text, sentence):
                continue  # "an 81-year-old man named X" against "Y, a 90-year-old": two people's ages
            conflicts = anchored_number_conflicts(claim.text, sentence, context=context)
            conflicts += tuple(c for c in mistyped_number_conflicts(claim.text, sentence, context=context) if c not in conflicts)
            conflicts += tuple(c for c in share_pair_conflicts(claim.text, sentence) if c not in conflicts)
            changes = tuple(_conflict_change(claim, sentence, conflict) for conflict in conflicts)
            negations = negation_conflicts(claim.text, sentence)
            changes += tuple(_negation_change(claim, sentence, pair, side) for pair, side in negations)
            if not negations:
                actions = tuple(_action_change(claim, sentence, *spans) for spans in denied_action_conflicts(claim.text, sentence))
                changes += actions or tuple(
                    _span_change("negation", claim, sentence, *spans) for spans in paraphrased_negation_conflicts(claim.text, sentence))
            changes += tuple(_direction_change(claim, sentence, *spans) for spans in direction_conflicts(claim.text, sentence))
            changes += tuple(_direction_change(claim, sentence, *spans) for spans in comparison_conflicts(claim.text, sentence))
            changes += tuple(_direction_change(claim, sentence, *spans) for spans in gap_conflicts(claim.text, sentence))
            changes += tuple(_direction_change(claim, sentence, *spans) for spans in bound_conflicts(claim.text, sentence))
            # the first of the looser direction readings that finds one, only where the figures found none
            for conflicts in _LOOSER_DIRECTION_CONFLICTS:
                if any(c.kind == "direction" for c in changes):
                    break
                changes += tuple(_direction_change(claim, sentence, *spans) for spans in conflicts(claim.text, sentence))
            changes += tuple(_span_change("number", claim, sentence, *spans) for spans in rank_conflicts(claim.text, sentence))
            changes += tuple(_span_change("number", claim, sentence, *spans) for spans in superlative_conflicts(claim.text, sentence))
            changes += tuple(_direction_change(claim, sentence, *spans) for spans in antonym_superlative_conflicts(claim.text, sentence))
            changes += tuple(_span_change("date", claim, sentence, *spans) for spans in date_conflicts(claim.text, sentence, context=context))
            changes += tuple(_span_change("date", claim, sentence, *spans) for spans in weekday_conflicts(claim.text, sentence))
            changes += tuple(_span_change("date", claim, sentence, *spans) for spans in month_conflicts(claim.text, sentence, context=context))
            changes += tuple(_span_change("entity", claim, sentence, *spans) for spans in entity_conflicts(claim.text, sentence, context=context))
            if not any(c.kind == "entity" for c in changes):
                changes += tuple(_span_change("entity", claim, sentence, *spans) for spans in swapped_name_conflicts(claim.text, sentence, context=context))
            changes += tuple(_span_change("entity", claim, sentence, *spans) for spans in region_conflicts(claim.text, sentence, context=context))
            changes += tuple(_span_change("entity", claim, sentence, *spans) for spans in list_conflicts(claim.text, sentence, context=context))
            changes += tuple(_span_change("entity", claim, sentence, *spans) for spans in institution_conflicts(claim.text, sentence, context=context))
            changes += tuple(_span_change("entity", claim, sentence, *spans) for spans in category_conflicts(claim.text, sentence, context=context))
            changes += tuple(_direction_change(claim, sentence, *spans) for spans in expectation_conflicts(claim.text, sentence))
            if changes:
                return Alignment(retrieved, sentence, restatement_coverage(tokenize(claim.text), tokenize(sentence)), changes)
    return None


def _about_other_people(claim: str, sentence: str) -> bool:
    """Whether both name people and the sentence names none of the claim's: neither side's surnames are among the
    other's name words, spelling aside (the entity recogniser may end a name early: "Marine Le" for "Marine Le Pen").
    Of a claim with figures, the people named in the clauses that give them ("the 39-year-old would join the Italian
    team in 2026 ..., partnering Charles Leclerc": no one)."""
    def names(text: str) -> tuple[list[str], list[str]]:
        tokens = tokenize(text)
        words = [t.key for t in tokens if t.entity == "PERSON"]
        return [t.key for i, t in enumerate(tokens) if t.entity == "PERSON" and (i + 1 == len(tokens) or tokens[i + 1].entity != "PERSON")], words

    counting = [clause for clause in _NUMBER_CLAUSE_BREAK.split(claim) if any(t[0].isdigit() for t in _tokens(clause))]
    (claimed, claim_words), (named, sentence_words) = names(", ".join(counting) if counting else claim), names(sentence)
    return _no_name_alike(claimed, sentence_words) and _no_name_alike(named, claim_words)


def _negation_change(claim: Claim, sentence: str, pair: str, negated_in: str) -> Change:
    """A negation change: the article's words and the source's, each with the negation where it stands."""
    phrase = r"\W+".join(re.escape(word) for word in pair.split())
    negated = re.compile(rf"\b(?:not|never|no|\w+n[’']t)\W+(?:\w+\W+)?{phrase}\b", re.IGNORECASE)
    plain = re.compile(rf"\b{phrase}\b", re.IGNORECASE)
    a = (negated if negated_in == "article" else plain).search(claim.text)
    s = (negated if negated_in == "source" else plain).search(sentence)
    return Change(
        "negation",
        a.group() if a else pair,
        s.group() if s else pair,
        claim.start + a.start() if a else None,
        claim.start + a.end() if a else None,
        s.start() if s else None,
        s.end() if s else None,
    )


def _action_change(claim: Claim, sentence: str, in_claim: tuple[int, int], in_sentence: tuple[int, int]) -> Change:
    """A negation change between an action one side denies and the other reports (`denied_action_conflicts`)."""
    (a0, a1), (s0, s1) = in_claim, in_sentence
    return Change("negation", claim.text[a0:a1], sentence[s0:s1], claim.start + a0, claim.start + a1, s0, s1)


def _direction_change(claim: Claim, sentence: str, in_claim: tuple[int, int], in_sentence: tuple[int, int]) -> Change:
    """A direction change between the words that move one figure opposite ways (`direction_conflicts`)."""
    return _span_change("direction", claim, sentence, in_claim, in_sentence)


def _span_change(kind: str, claim: Claim, sentence: str, in_claim: tuple[int, int], in_sentence: tuple[int, int]) -> Change:
    """A change of ``kind`` between a stretch of the claim and one of the sentence (character spans in each)."""
    (a0, a1), (s0, s1) = in_claim, in_sentence
    return Change(kind, claim.text[a0:a1], sentence[s0:s1], claim.start + a0, claim.start + a1, s0, s1)


def _conflict_change(claim: Claim, sentence: str, conflict: tuple[str, str]) -> Change:
    """A number change located in both sentences ("5-4" in the source, "7-2" in the article)."""
    source_number, article_number = conflict
    a = _find_number(claim.text, article_number)
    s = _find_number(sentence, source_number)
    return Change(
        "number",
        claim.text[a[0]:a[1]] if a else article_number,
        sentence[s[0]:s[1]] if s else source_number,
        claim.start + a[0] if a else None,
        claim.start + a[1] if a else None,
        s[0] if s else None,
        s[1] if s else None,
    )


def _find_number(text: str, number: str) -> tuple[int, int] | None:
    """Where ``number`` (thousands separators dropped) is written in ``text``."""
    found = [match.span() for match in re.finditer(r"\d+(?:[.,·]\d+)*", text) if match.group().replace(",", "").replace("·", ".") == number]
    # a figure written as a word ("let slip four championship points") before one of a score's pair ("at 5-4")
    found += [m.span() for m in re.finditer(r"[A-Za-z]+", text) if NUMBER_WORDS.get(m[0].lower()) == number]
    alone = [span for span in found if not re.search(r"\d[-–]$", text[:span[0]]) and not re.match(r"[-–]\d", text[span[1]:])]
    counts = [span for span in alone if text[span[0]:span[1]].lower() not in _ORDINALS]  # "three", not "third"
    if found:
        return (counts or alone or found)[0]
    for match in (*_ONE_IN.finditer(text), *_FRACTION_OF.finditer(text)):  # "three in five" read as 60%
        share = _share_as_percentage(match) if match.re is _ONE_IN else _as_percentage(match).removeprefix(match[1] or "")
        if share.rstrip("%") == number and share != match[0]:
            return match.start(), match.end()
    return None


def merge_verdicts(nli: Mapping[str, Verdict], aligned: Mapping[str, Verdict]) -> dict[str, Verdict]:
    """Alignment verdicts win; the NLI judgements of the other passages are kept after the aligned one."""
    merged = dict(nli)
    for claim_id, verdict in aligned.items():
        previous = nli.get(claim_id)
        rest = tuple(j for j in (previous.evidence if previous else ()) if j.passage.id != verdict.evidence[0].passage.id)
        merged[claim_id] = replace(verdict, evidence=verdict.evidence + rest)
    return merged
