"""Word-by-word comparison of an article sentence with the source sentence it restates.

Both sentences are tokenised with spaCy (lemmas, parts of speech), aligned over normalised
lemmas with `difflib.SequenceMatcher`, and every substituted, inserted or deleted stretch
is classified as one of `pipeline.types.CHANGE_KINDS`: a number, a date, a negation, a
direction or comparison word (antonyms from `pipeline.lexicon`), a named entity, the
speaker, a person's role (the words before a title), a hedge or modal, another content
word, or harmless (function words, spelling variants, a dropped clause). `corrected_text`
writes the article sentence back with the source's words for every change that alters meaning.
"""

from __future__ import annotations

import datetime
import difflib
import math
import re
import unicodedata
from dataclasses import dataclass, replace
from fractions import Fraction
from functools import lru_cache
from typing import Sequence

from rapidfuzz import fuzz

from pipeline.lexicon import (
    abbreviated_as, are_antonyms, capital_of, is_place, lies_within, places_of_demonym, same_given_name, same_place, same_region,
)
from pipeline.segment import TITLE_WORDS
from pipeline.types import Change, Passage, RetrievedPassage

MEANING_KINDS = frozenset({"number", "date", "negation", "direction", "entity", "speaker", "role", "hedge"})

_NEGATIONS = frozenset("not n't no never none nobody nothing neither nor without excluding exclude non".split())  # "non": "non-fiction"
# Modal verbs in reported speech shift tense ("will" -> "would"): each pair counts as one modal.
_MODAL_GROUPS = {"will": "will", "would": "will", "can": "can", "could": "can", "may": "may", "might": "may",
                 "shall": "shall", "should": "should", "must": "must",
                 "due": "will", "schedule": "will",  # "is due to visit", "is scheduled for June": what "will" says
                 "allow": "can", "enable": "can", "able": "can", "permit": "can", "let": "can"}  # "allow employers to hire": they can
_HEDGES = frozenset("possibly probably likely unlikely reportedly allegedly apparently perhaps maybe expect plan propose intend "
                    "threaten mull considering believe potentially".split())  # "is considering a ban" is no ban; "considered the best" is no hedge
_INTENT_VERBS = frozenset("expect plan propose intend threaten".split())  # hedges only before "to": "plans to"
# What may be so, not what will be or can be done: "may have accessed" for "is believed to have potentially accessed"
_MAYBE = frozenset("may possibly probably likely reportedly allegedly apparently perhaps maybe believe potentially".split())
_SPEECH_VERBS = frozenset("say tell state add announce declare note explain insist confirm according reporter journalist".split())
_PERSONAL_PRONOUNS = frozenset("he she they him her them".split())
_FUNCTION_WORDS = frozenset(
    "the a an of in on at to for from by with and or but as be is was were are been being has have had do does did "
    "its it this that these those their his her they he she we our us you i which who whom whose also then there "
    "here very just about around some nearly almost roughly approximately than into 's ' , . ; : - – — ( ) \" “ ” ‘ ’ am pm".split()
)  # "am", "pm": what is left of "a.m." once the time before it is read as 24-hour ("I am" is "be")
MONTHS = frozenset("january february march april may june july august september october november december".split())
# News style abbreviates months ("Jan. 13", "Sept. 26"); wire evidence often spells them out.
MONTH_ABBREVIATIONS = {m[:3]: m for m in MONTHS} | {"sept": "september"}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")  # in `datetime.weekday` order
_DATE_WORDS = MONTHS | frozenset(WEEKDAYS) | frozenset("yesterday today tomorrow".split())
# Number words as digits, ordinals included ("third" -> "3").
NUMBER_WORDS = {w: str(i) for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve".split())}
NUMBER_WORDS |= {w: str(i) for i, w in enumerate("zeroth first second third fourth fifth sixth seventh eighth ninth tenth".split()) if i}
NUMBER_WORDS |= {w: str(i) for i, w in enumerate("thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split(), 13)}
_TENS = {w: 10 * i for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)}
NUMBER_WORDS |= {w: str(n) for w, n in _TENS.items()}
# "thirty-eight", "twenty one": one number written as two words.
COMPOUND_NUMBER = re.compile(rf"\b({'|'.join(_TENS)})[- ](one|two|three|four|five|six|seven|eight|nine)\b", re.IGNORECASE)


def compound_number(tens: str, unit: str) -> str:
    """The number two words give: "thirty", "eight" -> "38"."""
    return str(_TENS[tens.lower()] + int(NUMBER_WORDS[unit.lower()]))
# British spellings news copy mixes with American ones; only the endings that never change meaning.
_BRITISH_ENDINGS = ((r"our$", "or"), (r"ise$", "ize"), (r"ised$", "ized"), (r"ising$", "izing"), (r"yse$", "yze"), (r"tre$", "ter"))
# Words that give a quantity without digits: a multiple or a fraction ("a third" is 3 as a number word either way).
_MULTIPLES = {"double": {"2"}, "twice": {"2"}, "twofold": {"2"}, "triple": {"3"}, "treble": {"3"}, "thrice": {"3"},
              "threefold": {"3"}, "quadruple": {"4"}, "fourfold": {"4"}, "halve": {"1/2", "50"}, "half": {"1/2", "50"},
              "quarter": {"1/4", "25"}}  # "half" is also 50%
# Units of time and times of day ("12 months" for "12 years", "quarterly" for "annual", "evening" for "morning"), with
# the days a unit lasts where it has a length: "12 months" for "a year" says the same.
_TIME_UNITS = {"second": 1 / 86400, "minute": 1 / 1440, "hour": 1 / 24, "day": 1, "daily": 1, "week": 7, "weekly": 7,
               "fortnight": 14, "month": 30.44, "monthly": 30.44, "quarter": 91.3, "quarterly": 91.3, "year": 365.25, "annual": 365.25,
               "yearly": 365.25, "annually": 365.25, "decade": 3652.5, "century": 36525,
               "morning": None, "afternoon": None, "evening": None, "night": None, "overnight": None}
_TIME_ABBREVIATIONS = {"sec": "second", "secs": "second", "min": "minute", "mins": "minute", "hr": "hour", "hrs": "hour", "yr": "year", "yrs": "year"}
# Words before a title that change whose title it is: "former president" is not the president.
_ROLE_MODIFIERS = {"former": "former", "ex": "former", "deputy": "deputy", "vice": "vice", "acting": "acting",
                   "interim": "interim", "assistant": "assistant", "outgoing": "outgoing", "incoming": "incoming", "shadow": "shadow"}
_PERCENT_WORDS = frozenset({"percent", "%", "cent", "pct"})
# Currencies and units of measure, each spelling with its unit: "€5 million" for "$5 million" is another amount.
_UNITS = {
    **dict.fromkeys(["$", "us$", "dollar", "usd"], "dollar"), **dict.fromkeys(["€", "euro", "eur"], "euro"),
    **dict.fromkeys(["£", "pound", "sterling", "gbp"], "pound"), **dict.fromkeys(["¥", "yen", "jpy"], "yen"),
    **dict.fromkeys(["yuan", "renminbi", "rmb", "cny"], "yuan"), **dict.fromkeys(["rupee", "inr"], "rupee"),
    **dict.fromkeys(["franc", "chf"], "franc"), **dict.fromkeys(["rouble", "ruble"], "rouble"),
    **dict.fromkeys(["peso", "lira", "rand", "krona", "krone", "won"], None),
    **dict.fromkeys(["km", "kilometre", "kilometer"], "km"), **dict.fromkeys(["mile"], "mile"),
    **dict.fromkeys(["metre", "meter"], "metre"), **dict.fromkeys(["foot", "feet", "ft"], "foot"),
    **dict.fromkeys(["km/h", "kph"], "km/h"), **dict.fromkeys(["mph"], "mph"), **dict.fromkeys(["knot"], "knot"),
    **dict.fromkeys(["kg", "kilogram", "kilo"], "kg"), **dict.fromkeys(["tonne", "ton"], "tonne"),
    **dict.fromkeys(["lb", "ounce", "gram", "litre", "liter", "gallon", "barrel", "acre", "hectare"], None),
}
# The words after a figure that say it measures something: a unit of time, a currency or unit of measure, a percentage.
MEASURES = frozenset(_TIME_UNITS) | frozenset(_UNITS) | _PERCENT_WORDS
_ENTITY_POS = frozenset({"PROPN"})
_CONTEXT_POS = frozenset({"NOUN", "PROPN", "VERB", "ADJ"})  # what a figure is about ("since", "also": not)
_DIGITS = re.compile(r"\d+")
_MAX_SWAP = 3  # words on each side of an edit that can still be one word swapped for another


@dataclass(frozen=True)
class Token:
    """One word of a sentence: its text, offsets in that sentence, normalised key and part of speech."""

    text: str
    start: int
    end: int
    key: str
    lemma: str
    pos: str
    entity: str = ""  # spaCy's entity label ("PERSON", "GPE", ...) or ""
    percent: bool = False  # a number written with "%" ("20%", "20 %"): the sign is punctuation to spaCy

    @property
    def forms(self) -> frozenset[str]:
        """The word as written (lower case), its key and its lemma: "earlier" is also "early"; a superlative spaCy
        left whole ("lowest" as an adverb in "lowest-rated") is also its base: "low"."""
        forms = {self.text.lower(), self.key, self.lemma}
        if self.pos in ("ADJ", "ADV") and self.key.endswith("est") and len(self.key) > 5:
            stem = self.key[:-3]
            stem = stem[:-1] if len(stem) > 2 and stem[-1] == stem[-2] else stem  # "biggest" -> "big"
            forms |= {stem, stem + "e", stem[:-1] + "y" if stem.endswith("i") else stem}  # "largest", "earliest"
        return frozenset(forms)

    @property
    def is_number(self) -> bool:
        return self.key[:1].isdigit()

    @property
    def is_date(self) -> bool:
        return self.key in _DATE_WORDS

    @property
    def is_negation(self) -> bool:
        return self.key in _NEGATIONS

    @property
    def is_function(self) -> bool:
        return self.key in _FUNCTION_WORDS or (self.pos in {"PUNCT", "DET", "ADP", "CCONJ", "PART", "SYM", "SPACE"} and not self.is_negation)


_ORDINAL_SUFFIX = re.compile(r"(?<=\d)(?:st|nd|rd|th)$")
_BEFORE_A_PRONOUN_ONE = frozenset("the every no any each this that".split())


def counts_nothing(words: Sequence[str], i: int) -> bool:
    """Whether ``words[i]`` (lower case) is a "one" that is no count: "one of the most unlikely triumphs", "every one
    of", "the one"."""
    if words[i] != "one":
        return False
    return (i + 1 < len(words) and words[i + 1] == "of") or (i > 0 and words[i - 1] in _BEFORE_A_PRONOUN_ONE)


_FRACTIONS = {"½": 0.5, "¼": 0.25, "¾": 0.75}
_HALVES_AND_QUARTERS = re.compile(r"^(\d+)([½¼¾])")
_DEGREES = re.compile(r"(?<=\d)°?c$")


_NUMBER_PLURAL = re.compile(r"(?<=\d)(?<!0)s$")  # "Max 9s", "737s"; "1970s", "in their 20s" are decades
_DOTTED = re.compile(r"(?:[a-z]\.){2,}")  # "u.s.", "p.m."
_CLOCK = re.compile(r"(\d{1,2})(?:[:.](\d\d))?(am|pm)?")
_MERIDIEM = frozenset({"am", "pm"})


def _clock_time(word: str, meridiem: str = "") -> str | None:
    """A time of day as 24-hour "H:MM" ("6.30pm", "6.30" before "p.m.", "18:30": "18:30"; "7am": "7:00"), or None
    for a word that is no time ("6.30" alone is a decimal)."""
    match = _CLOCK.fullmatch(word)
    if match is None:
        return None
    hours, minutes, half = int(match[1]), int(match[2] or 0), match[3] or meridiem
    if not half and not (match[2] and ":" in word):
        return None
    if hours > (12 if half else 23) or minutes > 59:
        return None
    if half:
        hours = hours % 12 + (12 if half == "pm" else 0)
    return f"{hours}:{minutes:02d}"


TIME_ZONES = frozenset({"gmt", "utc", "bst", "cet", "cest", "est", "edt", "pst", "pdt", "et", "pt"})
ZONE_TIME = r"([01]?\d|2[0-3])[:.]?([0-5]\d)"  # the time before a time zone: "12.20", "12:20", a wire's "1220"


def _zone_time(word: str) -> str | None:
    """A time of day before a time zone as "H:MM": "12.20", "12:20" or a wire's "1220" ("1220 GMT")."""
    match = re.fullmatch(ZONE_TIME, word)
    return f"{int(match[1])}:{match[2]}" if match else None


def _without_accents(text: str) -> str:
    """``text`` with its letters' accents dropped: "Malmö" and "Malmo" are one place, as a wire without them writes it."""
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def _normalise(word: str, lemma: str, pos: str) -> str:
    lower = _without_accents(word.lower().replace("’", "'"))
    if _DOTTED.fullmatch(lower):
        return lower.replace(".", "")  # "U.S." is "US", "p.m." is "pm"
    if lower[:1].isdigit():
        # "1·7": The Lancet's decimal point; "July 8th" is July 8.
        lower = _HALVES_AND_QUARTERS.sub(lambda m: str(int(m[1]) + _FRACTIONS[m[2]]), lower)  # "2½%": 2.5
        lower = _DEGREES.sub("", lower.rstrip("."))  # "0.5C", "0.5°C", "0.17C." ending a sentence: 0.5 degrees Celsius
        lower = _clock_time(lower) or _NUMBER_PLURAL.sub("", lower)
        return _ORDINAL_SUFFIX.sub("", lower.replace(",", "").replace("·", ".")).rstrip("%") or lower
    if lower in NUMBER_WORDS:
        return NUMBER_WORDS[lower]
    if lower.rstrip(".") in MONTH_ABBREVIATIONS:
        return MONTH_ABBREVIATIONS[lower.rstrip(".")]
    if lower in ("n't", "not"):
        return "not"
    if pos in _ENTITY_POS:
        return lower[:-1] if lower.endswith(".") and "." not in lower[:-1] else lower  # "St." is "St"
    key = _without_accents(lemma.lower())
    if len(key) > 5:
        for pattern, replacement in _BRITISH_ENDINGS:
            key = re.sub(pattern, replacement, key)
    return key


@lru_cache(maxsize=512)
def tokenize(text: str) -> tuple[Token, ...]:
    """The words of ``text`` (punctuation and spaces dropped), each with its normalised key."""
    from pipeline.segment import load_spacy

    doc = load_spacy()(text)
    words = [t for t in doc if not (t.is_punct or t.is_space)]
    lower = [t.text.lower() for t in words]
    percent = [t.text.endswith("%") or (t.i + 1 < len(doc) and doc[t.i + 1].text == "%") for t in words]
    keys = ["one" if counts_nothing(lower, i) else _normalise(t.text, t.lemma_ or t.text, t.pos_) for i, t in enumerate(words)]
    for i in range(len(keys) - 1):
        if keys[i + 1] in _MERIDIEM:
            keys[i] = _clock_time(keys[i], keys[i + 1]) or keys[i]  # "11:59 p.m." is "23:59"
        elif keys[i + 1] in TIME_ZONES:
            keys[i] = _zone_time(keys[i]) or keys[i]  # "12.20 GMT" and "1220 GMT" are "12:20"
        if words[i].text in ("No", "No.") and keys[i + 1][:1].isdigit():
            keys[i] = "number"  # "No 10", "No. 2": a number, no negation
    tokens = [Token(t.text, t.idx, t.idx + len(t.text), key, (t.lemma_ or t.text).lower(), t.pos_, t.ent_type_, sign)
              for t, key, sign in zip(words, keys, percent)]
    return tuple(_compound_numbers_joined(text, tokens))


def _compound_numbers_joined(text: str, tokens: list[Token]) -> list[Token]:
    """``tokens`` with each number written as two words made one ("Thirty-eight": 38)."""
    joined: list[Token] = []
    for token in tokens:
        previous = joined[-1] if joined else None
        if previous is not None and token.start - previous.end <= 1 and COMPOUND_NUMBER.fullmatch(text[previous.start:token.end]):
            number = compound_number(previous.text, token.text)
            joined[-1] = Token(text[previous.start:token.end], previous.start, token.end, number, number, "NUM", previous.entity, token.percent)
        else:
            joined.append(token)
    return joined


def _masked_key(token: Token) -> str:
    """Numbers, dates and names masked: a sentence with one of them swapped still restates its source."""
    if token.is_number:
        return "#"
    if token.is_date:
        return "@"
    if token.pos in _ENTITY_POS:
        return "N"
    return token.key


def restatement_coverage(article: Sequence[Token], source: Sequence[Token]) -> float:
    """Share of the article sentence's words found, in order, in the source sentence (numbers, dates, names masked)."""
    a = [_masked_key(t) for t in article if not t.is_negation]
    s = [_masked_key(t) for t in source if not t.is_negation]
    if not a:
        return 0.0
    matcher = difflib.SequenceMatcher(a=s, b=a, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / len(a)


def close_numbers(a: str, b: str) -> bool:
    """Equal up to rounding: 58.55 and 58.5, 1.3 and 1.30; whole numbers (years, counts) only when equal."""
    try:
        x, y = float(a), float(b)
    except ValueError:
        return a == b
    if "." not in a and "." not in b:
        return x == y
    return abs(x - y) <= max(0.01 * max(abs(x), abs(y)), 0.051)


# Words just before a figure that make it a bound or an estimate ("more than 17", "under 42", "about 300", "before
# 1960"): another figure can then meet it. Longer phrases are tried first ("no more than" before "more than").
_BOUNDS: dict[tuple[str, ...], str] = {
    **dict.fromkeys([("more", "than"), ("over",), ("above",), ("greater", "than"), ("higher", "than"), ("exceeding",), ("exceeded",), ("exceeds",),
                     ("upwards", "of"), ("in", "excess", "of"), ("after",), ("later", "than")], ">"),
    **dict.fromkeys([("at", "least"), ("no", "fewer", "than"), ("no", "less", "than"), ("a", "minimum", "of")], ">="),
    **dict.fromkeys([("less", "than"), ("fewer", "than"), ("under",), ("below",), ("lower", "than"), ("before",),
                     ("earlier", "than"), ("prior", "to")], "<"),
    **dict.fromkeys([("at", "most"), ("no", "more", "than"), ("up", "to"), ("a", "maximum", "of")], "<="),
    **dict.fromkeys([("about",), ("around",), ("roughly",), ("approximately",), ("nearly",), ("almost",), ("some",),
                     ("close", "to"), ("circa",), ("just", "over"), ("just", "under"), ("an", "estimated")], "~"),
}
ESTIMATE_TOLERANCE = 0.1  # "about 300" is 270-330
_BOUND_SIDES = {">": "above", ">=": "above", "<": "below", "<=": "below", "~": "near"}
_SCALES = {"dozen": 12, "hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}  # "hundreds" for "thousands" is a number change


@dataclass(frozen=True)
class Figure:
    """A figure as a sentence states it: its value ("5 million" is 5e6), the last value of a span it names ("the
    1970s" is 1970 to 1979; None for one value) and the bound the words before it set (">", ">=", "<", "<=", "~" for
    an estimate, None for the figure itself)."""

    value: float
    bound: str | None = None
    last: float | None = None

    @property
    def exact(self) -> bool:
        """Whether the figure allows its value alone: no bound, no span."""
        return self.bound is None and self.last is None

    def interval(self) -> tuple[float, bool, float, bool]:
        """(low, low excluded, high, high excluded): the values the figure allows."""
        v, top, inf = self.value, self.value if self.last is None else self.last, float("inf")
        if self.bound == "~":
            low, high = sorted((v * (1 - ESTIMATE_TOLERANCE), top * (1 + ESTIMATE_TOLERANCE)))
            return low, False, high, False
        return {">": (top, True, inf, False), ">=": (v, False, inf, False), "<": (-inf, False, v, True),
                "<=": (-inf, False, top, False)}.get(self.bound or "", (v, False, top, False))


_MONTH_NUMBERS = {month: i for i, month in enumerate(
    "january february march april may june july august september october november december".split(), 1)}


def _month_number(word: str) -> int | None:
    return _MONTH_NUMBERS.get(MONTH_ABBREVIATIONS.get(word.rstrip("."), word))


def stated_figure(words: Sequence[str], index: int) -> Figure | None:
    """The figure at ``index`` of the lower-case ``words`` (thousands separators dropped), or None if it is no number.

    A day next to its month counts as a day of the year ("before April 30" against "29 April"): 31 per month.
    A decade counts as the span of its years ("the 1970s": 1970 to 1979; "the 1800s" may be the century: to 1899).
    """
    first_year = _decade(words, index)
    if first_year is not None:
        start = index - 1 if index and words[index - 1] == "the" else index  # the bound stands before "the": "before the 1970s"
        return Figure(first_year, _bound_before(words, start), first_year + (99 if first_year % 100 == 0 else 9))
    try:
        value = float(words[index].replace(",", "").rstrip("%"))
    except ValueError:
        return None
    after = words[index + 1] if index + 1 < len(words) else ""
    month_before, month_after = _month_number(words[index - 1]) if index else None, _month_number(after)
    start = index
    if (month_before or month_after) and value.is_integer() and 1 <= value <= 31:
        value += 31 * (month_before or month_after)
        start -= 1 if month_before else 0  # the bound stands before the month: "before April 30"
    else:
        value *= _SCALES.get(after, 1.0)
    return Figure(value, _bound_before(words, start))


def _bound_before(words: Sequence[str], start: int) -> str | None:
    """The bound the words just before ``words[start]`` set (`_BOUNDS`), or None."""
    phrases = (tuple(words[start - n:start]) for n in (3, 2, 1) if start >= n)
    return next((_BOUNDS[p] for p in phrases if p in _BOUNDS), None)


_DECADE = re.compile(r"1\d\d0|20\d0")
_PLURAL_ENDINGS = frozenset({"s", "'s", "’s"})  # "1970's" and, in `pipeline.alignment`'s tokens, "1970s": "1970" "s"


def _decade(words: Sequence[str], index: int) -> float | None:
    """The first year of the decade ``words[index]`` names ("1970s"; "1970" "'s" after "the"), or None."""
    word = words[index]
    if word.endswith("s") and _DECADE.fullmatch(word[:-1]):
        return float(word[:-1])
    after = words[index + 1] if index + 1 < len(words) else ""
    if index and words[index - 1] == "the" and after in _PLURAL_ENDINGS and _DECADE.fullmatch(word):
        return float(word)
    return None


_ROUNDING = 0.02  # how far apart two estimates of one figure may be: one rounded ("430,000" for "429,612")


def _rounds(claimed: float, given: float) -> bool:
    """Whether ``claimed`` is ``given`` rounded to the claim's significant digits, and close to it: "430,000" for
    "429,612"; not "800,300" for "800,000" (more precise than the evidence) nor "400,000" for "429,612" (too far)."""
    digits = len(f"{abs(claimed):.10g}".split("e")[0].replace(".", "").strip("0")) or 1
    return math.isclose(float(f"{given:.{digits}g}"), claimed, rel_tol=1e-9) and math.isclose(claimed, given, rel_tol=_ROUNDING)


def figures_agree(claimed: Figure, given: Figure) -> bool | None:
    """Whether a figure the evidence gives bears out the claim's: True when every value it allows meets the claim
    ("more than 17" against 18), False when none does ("under 42" against 46; "less than 30" against "nearly 35"),
    None when some do ("under 21 million" against "some 20 million": the NLI model decides).

    Two bounds the same way ("fewer than 1200" against "fewer than 1000", "over 220 years" against "over 200 years")
    agree only when their figures do: a copied bound with its figure changed is a changed figure.
    """
    if claimed.bound and given.bound and _BOUND_SIDES[claimed.bound] == _BOUND_SIDES[given.bound]:
        if claimed.bound == given.bound == "~":
            return _rounds(claimed.value, given.value)  # "nearly 430,000" for "approximately 429,612"
        return math.isclose(claimed.value, given.value, rel_tol=1e-9)
    c_low, c_low_open, c_high, c_high_open = claimed.interval()
    g_low, g_low_open, g_high, g_high_open = given.interval()
    inside = (g_low > c_low or (g_low == c_low and (g_low_open or not c_low_open))) and (
        g_high < c_high or (g_high == c_high and (g_high_open or not c_high_open)))
    if inside:
        return True
    apart = g_high < c_low or c_high < g_low or (g_high == c_low and (g_high_open or c_low_open)) or (
        c_high == g_low and (c_high_open or g_low_open))
    return False if apart else None


def same_figure(claimed: Figure, given: Figure) -> bool | None:
    """`figures_agree`, with two exact figures agreeing when one is the other rounded ("8.79 million" for 8,794,726,
    "41.6%" for 41.61%)."""
    if claimed.exact and given.exact:
        return _rounds(claimed.value, given.value) or _rounds(given.value, claimed.value)
    return figures_agree(claimed, given)


_OBLIGING_VERBS = frozenset({"require", "oblige", "compel", "force"})  # "requires outlets ... to register": they must


def _modals(tokens: Sequence[Token]) -> set[str]:
    """The modal verbs and hedges of ``tokens``; "May" written with a capital is the month, "Will Smith" a name, and
    "due" is "will" only after "be" ("is due to visit"; "cancelled due to rain" gives a cause)."""
    found = {
        _MODAL_GROUPS.get(t.key, t.key) for i, t in enumerate(tokens)
        if (t.key in _MODAL_GROUPS or t.key in _HEDGES or t.text.lower() in _HEDGES) and t.text != "May" and t.pos != "PROPN"
        and not (t.key == "due" and (i == 0 or tokens[i - 1].lemma != "be"))
        # "four years later than planned", "more than expected": what was intended, said of something done
        and not (t.key in _INTENT_VERBS and (i + 1 == len(tokens) or tokens[i + 1].key != "to"))
    }
    if any(t.key in ("have", "need") and after.key == "to" for t, after in zip(tokens, tokens[1:])):
        found.add("must")  # "will have to suppress" is "must suppress"
    if any(t.lemma in _OBLIGING_VERBS and any(later.key == "to" for later in tokens[i + 1:i + 20]) for i, t in enumerate(tokens)):
        found.add("must")  # "the law requires outlets ... to register"
    return found


_IMPLICIT_NEGATIONS = frozenset({"fail", "refuse", "decline", "neglect"})  # "failed to pass" did not pass
# "bars Le Pen from standing": she cannot stand
PREVENTING_VERBS = frozenset({"bar", "ban", "prevent", "prohibit", "stop", "block", "forbid", "preclude", "disqualify"})


def _negations(tokens: Sequence[Token]) -> int:
    """The negations of an edit's words; a "non" deleted or added with the word it prefixes ("non-fiction") is none;
    "failed to", "refused to", "declined to" are one each, and so is a verb that prevents with "from" after it
    ("bars Le Pen from standing")."""
    stated = sum(t.is_negation and not (t.key == "non" and i + 1 < len(tokens)) for i, t in enumerate(tokens))
    return stated + _preventions(tokens) + sum(t.key in _IMPLICIT_NEGATIONS and then.key == "to" for t, then in zip(tokens, tokens[1:]))


def _negations_in(sentence: Sequence[Token]) -> int:
    """The negations of a whole sentence: every negation word ("non" too), verb that prevents or "failed to"."""
    return sum(t.is_negation for t in sentence) + _negations([t for t in sentence if not t.is_negation])


def _permits_what_is_prevented(permitting: Sequence[Token], preventing: Sequence[Token]) -> bool:
    """Whether one edit permits ("lets", "allows", "can") where the other has a verb that prevents ("bars"), unnegated."""
    return (any(t.key in PREVENTING_VERBS for t in preventing) and "can" in _modals(permitting)
            and not any(t.is_negation for t in permitting))


def _preventions(tokens: Sequence[Token]) -> int:
    """How many verbs of ``tokens`` prevent something, "from" after them: "bars Le Pen from" (standing)."""
    return sum(t.key in PREVENTING_VERBS and any(  # the "-ing" after "from" may be a word both sides share
        tokens[j].key == "from" and (j + 1 == len(tokens) or tokens[j + 1].text.endswith("ing")) for j in range(i + 1, min(i + 5, len(tokens))))
        for i, t in enumerate(tokens))


def _same_word(a: Token, b: Token) -> bool:
    """Spelling variants, inflections and short forms of one word ("Fed"/"Federal"; "Nauert"/"Nuart" is for the name checker)."""
    short, long = sorted((a.key, b.key), key=len)
    if _DIGITS.findall(a.key) != _DIGITS.findall(b.key):
        return False  # "COVID-59" is not "COVID-19" spelt another way
    if a.key == b.key:
        return True
    alike = (len(short) > 3 and fuzz.ratio(a.key, b.key) >= 85) or (len(short) >= 3 and long.startswith(short))
    # "Kansas" is not "Arkansas" spelt another way
    return alike and not (is_place(a.text) and is_place(b.text) and not same_place(a.text, b.text))


def _misspelt(a: Token, b: Token) -> bool:
    """A person's name written close to the source's: letters swapped, dropped or changed ("Udea"/"Ueda",
    "Moi"/"Modi"). Places and organisations are not: "Iraq" for "Iran" is another country."""
    if b.entity != "PERSON" or _DIGITS.findall(a.key) != _DIGITS.findall(b.key) or min(len(a.key), len(b.key)) < 3:
        return False
    return fuzz.ratio(a.key, b.key) >= 70 or sorted(a.key) == sorted(b.key)


def _place_names(tokens: Sequence[Token]) -> tuple[list[str], set[int]]:
    """The place names (`lexicon.is_place`, up to four words, longest first) of ``tokens``, a demonym standing for
    its place ("French": "France"), and the positions they take."""
    names, taken, i = [], set(), 0
    while i < len(tokens):
        for n in range(min(4, len(tokens) - i), 0, -1):
            first, name = tokens[i], " ".join(t.text for t in tokens[i:i + n])
            places = [name] if (first.pos == "PROPN" or first.entity in ("GPE", "LOC")) and is_place(name) else places_of_demonym(name)
            if places:
                names.extend(places)
                taken.update(range(i, i + n))
                i += n
                break
        else:
            i += 1
    return names, taken


def _place_nesting(source: Sequence[Token], article: Sequence[Token]) -> str | None:
    """"harmless" when the article names only places that are ("Britain" for "the United Kingdom": one WordNet synset)
    or hold one the source names ("India" for "Chennai, Tamil Nadu", "the U.S." for "Detroit, Michigan": WordNet's
    part-of relation), "content" when each lies in one of the source's ("Tokyo" for "Japan": more than the source
    says, for the NLI model), "entity" when both sides name only places and they are unrelated ("German" for
    "French"); None otherwise. A demonym stands for its place ("The French" for "France's")."""
    article_places, taken = _place_names(article)
    if not article_places or not _nothing_but(article, taken):
        return None
    source_places, source_taken = _place_names(source)
    if source_places and all(any(same_place(s, a) or lies_within(s, a) for s in source_places) for a in article_places):
        return "harmless"
    # Only against the source's narrowest places: "Aberdeen" lies in Scotland, but not in "Edinburgh, Scotland".
    narrowest = [s for s in source_places if not any(lies_within(other, s) for other in source_places if other != s)]  # Soviet Russia lay in "Russia"
    if narrowest and all(any(lies_within(a, s) for s in narrowest) for a in article_places):
        return "content"
    if source_places and _nothing_but(source, source_taken):
        return "entity"
    return None


def _nothing_but(tokens: Sequence[Token], taken: set[int]) -> bool:
    """Whether every word of ``tokens`` but those at ``taken`` (a place's, `_place_names`) is a function word."""
    return all(t.is_function for i, t in enumerate(tokens) if i not in taken)


_SCALE_SUFFIXES = {"k": 1e3, "m": 1e6, "mn": 1e6, "bn": 1e9, "tn": 1e12, "trn": 1e12}  # "10k", "$2.5m", "$69bn"
_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)([a-z]*)\.?")


def _scaled_figures(tokens: Sequence[Token]) -> list[tuple[str, float]] | None:
    """The numbers of ``tokens`` as written and their scales ("1.5 million": ("1.5", 1e6); "$69bn": ("69", 1e9); "ten
    thousand": ("10", 1e3)), or None when a number ends in letters that are no scale ("3D")."""
    figures = []
    for i, token in enumerate(tokens):
        if not token.is_number:
            continue
        match = _AMOUNT.fullmatch(token.key)
        if match is None:
            return None
        after = tokens[i + 1].key if i + 1 < len(tokens) else ""
        scale = _SCALE_SUFFIXES.get(match[2]) if match[2] else _scale_factor(after) or 1.0
        if scale is None:
            return None
        figures.append((match[1], scale))
    return figures


def _amounts(tokens: Sequence[Token]) -> list[float] | None:
    """The numbers of ``tokens`` times their scales ("1.5 million" and "1,500,000": 1.5e6), or None (`_scaled_figures`)."""
    figures = _scaled_figures(tokens)
    return None if figures is None else [float(figure) * scale for figure, scale in figures]


def _rounded_amounts(source: Sequence[Token], article: Sequence[Token]) -> bool:
    """Whether each of the article's figures is a scaled one ("16.4 million") that one of the source's amounts rounds
    to (`_rounds`: "16,384,403")."""
    given, stated = _amounts(source), _scaled_figures(article)
    if not given or not stated:
        return False
    return all(scale > 1 and any(_rounds(float(figure) * scale, amount) for amount in given) for figure, scale in stated)


_RANGE = re.compile(r"(\d+(?:\.\d+)?)%?[-–](\d+(?:\.\d+)?)%?")


def _number_keys(tokens: Sequence[Token]) -> list[str]:
    """The numbers of ``tokens`` (their keys), a range written as one word giving both ends: "5.25%-5.5" -> 5.25, 5.5."""
    keys = []
    for token in tokens:
        if token.is_number:
            ends = _RANGE.fullmatch(token.key)
            keys.extend(ends.groups() if ends else [token.key])
    return keys


def _numbers_given(source_numbers: Sequence[str], article_numbers: Sequence[str]) -> bool:
    """Whether the source gives every number of the article's edit: as many, each once, when both give as many
    ("2-2" is not "4-2", a score), else each among the source's."""
    if len(source_numbers) != len(article_numbers):
        return all(any(close_numbers(a, s) for s in source_numbers) for a in article_numbers)
    left = list(source_numbers)
    for a in article_numbers:
        match = next((s for s in left if close_numbers(a, s)), None)
        if match is None:
            return False
        left.remove(match)
    return True


def _scale_factor(key: str) -> float | None:
    """The factor of a scale word's key ("million": 1e6, "bn": 1e9, "m.": 1e6), or None."""
    key = key.rstrip(".")
    return _SCALES.get(key) or _SCALE_SUFFIXES.get(key)


def _scale(tokens: Sequence[Token]) -> float | None:
    """The factor of an edit that is one scale word, or None."""
    return _scale_factor(tokens[0].key) if len(tokens) == 1 else None


def _same_amounts(source: Sequence[Token], article: Sequence[Token]) -> bool:
    """Whether an edit writes the same amounts another way and changes nothing else: "1,500,000" for "1.5 million",
    "$69bn" for "$69 billion", "ten thousand" for "10,000"."""
    given, stated = _amounts(source), _amounts(article)
    if not given or not stated or len(given) != len(stated):
        return False
    if not all(any(math.isclose(a, g, rel_tol=1e-9) for g in given) for a in stated):
        return False

    def other_words(tokens: Sequence[Token]) -> set[str]:
        return {_UNITS.get(t.key) or t.key for t in tokens
                if t.key in _UNITS or not (t.is_number or t.is_function or _scale_factor(t.key))}

    return other_words(article) <= other_words(source)  # "€30bn" for "30 billion euro reconstruction": a word dropped


def _duration_against_span(spanning: Sequence[Token], lasting: Sequence[Token]) -> str | None:
    """"number" when ``lasting`` says "for N years" and ``spanning`` gives two years that many years apart (one either
    way: months are not counted), "harmless" when they are; None when the words are not both."""
    years = [int(t.key) for t in spanning if is_year(t.key)]
    keys = [t.key for t in lasting]
    counted = next((k for i, k in enumerate(keys[1:-1], 1) if keys[i - 1] == "for" and k.isdigit() and keys[i + 1] == "year"), None)
    if len(years) != 2 or counted is None:
        return None
    return "harmless" if abs(abs(years[1] - years[0]) - int(counted)) <= 1 else "number"


def _initial_of(a: Token, b: Token) -> bool:
    """Whether ``a`` is the initial of the name ``b``: "B." for "Bakari"."""
    letter = a.text.rstrip(".")
    return len(letter) == 1 and letter.isupper() and len(b.text) > 1 and b.text[0] == letter


def _short_name_for(a: Token, b: Token) -> bool:
    """Whether ``a`` and the person's given name ``b`` are one given name: "Mike" for "Michael" (`same_given_name`)."""
    return "PERSON" in (a.entity, b.entity) and same_given_name(a.text, b.text)


def _role_modifiers(tokens: Sequence[Token]) -> set[str]:
    """The words of ``tokens`` that change whose title it is ("former", "ex-", "deputy"); "acting" as a verb is none."""
    return {_ROLE_MODIFIERS[t.key] for t in tokens if t.key in _ROLE_MODIFIERS and not (t.key == "acting" and t.pos == "VERB")}


def _words_but_role_modifiers(tokens: Sequence[Token]) -> set[str]:
    """The keys of ``tokens`` that are neither function words nor role modifiers."""
    return {t.key for t in tokens if not t.is_function and t.key not in _ROLE_MODIFIERS}


_FROM_EVENT = frozenset({"after", "later", "before", "earlier", "ago", "since"})


def _time_from_event(tokens: Sequence[Token], start: int, end: int) -> bool:
    """Whether ``tokens[start:end]`` count a time from an event: "three days" before "after the crash", "a week later"."""
    return any(t.key in _TIME_UNITS for t in tokens[start:end]) and any(t.key in _FROM_EVENT for t in tokens[start:end + 1])


def _names_a_place(tokens: Sequence[Token], i: int) -> bool:
    """Whether the ``i``-th of ``tokens`` is a place's name ("Soviet" of "the former Soviet Union")."""
    return i < len(tokens) and tokens[i].entity in ("GPE", "LOC")


def _time_units(tokens: Sequence[Token]) -> set[str]:
    """The units of time and times of day ``tokens`` name ("years", "quarterly", "evening")."""
    return {t.key for t in tokens if t.key in _TIME_UNITS}


def _same_duration(source: Sequence[Token], article: Sequence[Token]) -> bool:
    """Whether both sides give one length of time, the same within 3%: "12 months" and "a year"."""
    def days(tokens: Sequence[Token]) -> float | None:
        units, numbers = [t.key for t in tokens if t.key in _TIME_UNITS], _amounts(tokens) or []
        if len(units) != 1 or len(numbers) > 1 or _TIME_UNITS[units[0]] is None:
            return None
        return _TIME_UNITS[units[0]] * (numbers[0] if numbers else 1)

    given, stated = days(source), days(article)
    return given is not None and stated is not None and abs(given - stated) <= 0.03 * max(given, stated)


FRACTION_WORDS = {"half": 2, "third": 3, "quarter": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10}


def _shares(tokens: Sequence[Token]) -> tuple[list[float], int]:
    """The shares ``tokens`` give, as percentages ("20%", "20 per cent", "one in five", "one out of five", "a fifth": 20.0),
    and how many of their numbers are not part of a share."""
    shares, used = [], set()
    for i, token in enumerate(tokens):
        parts = FRACTION_WORDS.get(token.text.lower().removesuffix("s"))
        if parts and i and (tokens[i - 1].key in ("a", "an", "one") or (tokens[i - 1].is_number and _AMOUNT.fullmatch(tokens[i - 1].key))):
            # "a fifth", "two thirds": 20%, 66.7%
            shares.append(100 * (1 if tokens[i - 1].key in ("a", "an", "one") else float(tokens[i - 1].key)) / parts)
            used |= {i, i - 1}
            continue
        if not token.is_number or not _AMOUNT.fullmatch(token.key) or i in used:
            continue
        after = [t.key for t in tokens[i + 1 : i + 4]]
        if token.percent or after[:1] in (["percent"], ["pct"]) or after[:2] == ["per", "cent"]:
            shares.append(float(token.key))
            used.add(i)
        step = 3 if after[:2] == ["out", "of"] else 2 if after[:1] == ["in"] else 0
        if step and i + step < len(tokens) and tokens[i + step].is_number and _AMOUNT.fullmatch(tokens[i + step].key):
            whole = float(tokens[i + step].key)
            if whole:
                shares.append(100 * float(token.key) / whole)
                used |= {i, i + step}
    return shares, sum(1 for i, t in enumerate(tokens) if t.is_number and i not in used)


def _same_shares(source: Sequence[Token], article: Sequence[Token]) -> bool:
    """Whether an edit gives the same shares another way, and no other number, rounded as a desk rounds them: "one in
    five" for "20%", "one in three" for "33%"; "one in four" for "20%" is another share."""
    (given, given_others), (stated, stated_others) = _shares(source), _shares(article)
    if not given or len(given) != len(stated) or given_others or stated_others:
        return False
    return all(abs(a - g) < 1 for a, g in zip(sorted(stated), sorted(given)))


def _multiples(tokens: Sequence[Token]) -> set[str]:
    """The multiples and fractions ``tokens`` give in words ("doubled": 2, "half": 1/2)."""
    return {value for t in tokens if t.key in _MULTIPLES for value in _MULTIPLES[t.key]}


def _quantities(tokens: Sequence[Token]) -> set[str]:
    """The quantities ``tokens`` give: multiples and fractions in words, and numbers."""
    return _multiples(tokens) | set(_number_keys(tokens))


def _percent_unit(tokens: Sequence[Token]) -> str | None:
    """"basis" for basis points, "point" for percentage points ("0.5 points"), "percent" for a percentage ("%", "per
    cent"), else None."""
    keys = {t.key for t in tokens}
    if keys & {"basis", "bp", "bps"}:
        return "basis"
    return "point" if keys & {"point", "percentage"} else "percent" if keys & _PERCENT_WORDS else None


def _points_kind(source: Sequence[Token], article: Sequence[Token]) -> str | None:
    """The kind of an edit that gives a figure in other points, or None when both sides give the same or none:
    "harmless" when basis points and percentage points give one size ("50 basis points", "half a percentage point",
    "0.5 point"), "content" when only one side gives its figure, else "number" ("percent" for "percentage points",
    "25 percentage points" for "25 basis points", or another size)."""
    def size(tokens: Sequence[Token]) -> float | None:
        numbers = _amounts(tokens) or [float(Fraction(v)) for v in _multiples(tokens) if "/" in v]
        return numbers[0] if len(numbers) == 1 else None

    given_unit, stated_unit = _percent_unit(source), _percent_unit(article)
    if given_unit is None or stated_unit is None or given_unit == stated_unit:
        return None
    if {given_unit, stated_unit} != {"basis", "point"}:
        return "number"
    given, stated = size(source), size(article)
    if given is None and stated is None:
        return "number"  # the figure both give is outside the edit: "25 percentage points" for "25 basis points"
    if given is None or stated is None:
        return "content"
    basis, point = (given, stated) if given_unit == "basis" else (stated, given)
    return "harmless" if math.isclose(basis, 100 * point, abs_tol=1e-6) else "number"


def _units(tokens: Sequence[Token]) -> set[str]:
    """The currencies and units of measure ``tokens`` name (`_UNITS`; "won" the verb is none)."""
    return {_UNITS[t.key] or t.key for t in tokens if t.key in _UNITS and not (t.key == "won" and t.pos == "VERB")}


def classify_edit(
    source: Sequence[Token], article: Sequence[Token], *, speaker_names: Sequence[str] = (), bounds_other_figures: bool = False
) -> str:
    """The kind of one aligned edit: the source's words replaced by the article's (either may be empty).

    A long stretch reworded on both sides is a paraphrase ("content"), not a word swap, unless
    a negation comes or goes on its shorter side. With ``bounds_other_figures`` (`_bounds_other_figures`), bound words
    swapped for their opposites ("under 25" for "over 20") are no direction change: the figures are compared.
    """
    # A clause only one side has ("..., allowing study of events that emit no light") holds its own negation or
    # hedge: it negates or qualifies none of the words both sides share.
    own_clause = not (source and article) and len(source + article) > _MAX_SWAP
    # "The Queen had" for "Elizabeth II was Britain's longest-reigning monarch, having": reworded.
    reworded = min(len(source), len(article)) > _MAX_SWAP or (source and article and max(len(source), len(article)) > 2 * _MAX_SWAP)
    source_negated = _negations(source) % 2 == 1
    if source_negated != (_negations(article) % 2 == 1):
        # The NLI model weighs the clause, or a long reworded stretch holding the negation ("a status of a non-member
        # observer state" for "Western Asia"); a "not" put in for a long stretch ("is not a U.S. state") still counts.
        negating = source if source_negated else article
        if own_clause or (reworded and len(negating) > 2 * _MAX_SWAP):
            return "content"
        # "ignored the warning" for "had not heeded the warning": the negation and the opposite word cancel
        return "content" if _swaps_direction(source, article, bounds_other_figures=False) else "negation"
    if reworded:
        return "content"
    if _permits_what_is_prevented(source, article) or _permits_what_is_prevented(article, source):
        return "negation"  # "the ruling lets Le Pen stand" for "the ruling bars Le Pen from standing"
    if _modals(source) != _modals(article) and not own_clause:
        # "ran" for "will run": the plan told as done, a tense the NLI model weighs, no hedge; "cannot stand" for "bars
        # her from standing": the "can" of a negation another verb gives
        differ = _modals(source) ^ _modals(article)
        # "might be setting fires" for "could be setting fires": "could" says what may be as well as what can
        maybe = differ == {"can", "may"} and any(t.key == "could" for t in [*source, *article])
        return "content" if differ == {"will"} or maybe or _preventions(source) or _preventions(article) else "hedge"
    if _role_modifiers(source) != _role_modifiers(article) and _words_but_role_modifiers(source) == _words_but_role_modifiers(article):
        return "role"  # "President Obama" for "Former president Obama"; "the deputy minister" for "the minister"
    if _swaps_direction(source, article, bounds_other_figures=bounds_other_figures):
        return "direction"
    source_numbers, article_numbers = _number_keys(source), _number_keys(article)
    source_dates, article_dates = {t.key for t in source if t.is_date}, {t.key for t in article if t.is_date}
    if source_dates and article_dates and source_dates != article_dates:
        # "on Tuesday" for "on 19 March 2024" is another way to give the day, not another day.
        return "harmless" if _weekday_only(source_dates) != _weekday_only(article_dates) else "date"
    source_times, article_times = _time_units(source), _time_units(article)
    if source_times and article_times and source_times != article_times:
        return "harmless" if _same_duration(source, article) else "date"  # "12 months" for "12 years"; for "a year", the same
    lasting = _duration_against_span(source, article) or _duration_against_span(article, source)
    if lasting:
        return lasting  # "for one year" for "from 1991 to 1995"
    if source_numbers and article_numbers and _age_for_year(source_numbers, article_numbers):
        return "harmless"  # "64" for "born in 1959": an age for a year of birth, another way to say it
    if _same_amounts(source, article) or _same_shares(source, article):
        return "harmless"  # "1,500,000" for "1.5 million", "$69bn" for "$69 billion", "one in five" for "20%"
    source_quantities, article_quantities = _quantities(source), _quantities(article)
    if source_quantities and article_quantities and source_quantities.isdisjoint(article_quantities) and (
            _multiples(source) or _multiples(article)):
        return "number"  # "tripled" for "doubled", "a third" for "half"; "50%" for "half" is the same
    points = _points_kind(source, article)
    if points:
        return points  # "percent" for "percentage points"; "half a percentage point" for "50 basis points" is the same
    source_units, article_units = _units(source), _units(article)
    if source_units and article_units and source_units.isdisjoint(article_units):
        return "number"  # "€" for "$", "miles" for "kilometres"
    scales = _scale(source), _scale(article)
    if scales[0] and scales[1]:
        return "harmless" if scales[0] == scales[1] else "number"  # "m" for "million"; "billion" for "million" is no misspelling
    if source_numbers and article_numbers and not _numbers_given(source_numbers, article_numbers) and not _rounded_amounts(source, article):
        clock = any(":" in key for key in source_numbers + article_numbers)  # "8.30pm" for "18:30"
        return "date" if source_dates or article_dates or clock or _looks_like_year(source_numbers + article_numbers) else "number"
    source_codes, article_codes = _codes(source), _codes(article)
    if source_codes and article_codes and source_codes != article_codes:
        return "number"  # "COVID-59" for "COVID-19", "F-35" for "F-16"
    source_names = [t for t in source if t.pos in _ENTITY_POS]
    article_names = [t for t in article if t.pos in _ENTITY_POS]
    if source_names and article_names and all(
            any(_misspelt(a, s) or _initial_of(a, s) or _short_name_for(a, s) for s in source_names) for a in article_names):
        return "harmless"  # "Haang" for "Huang": the name checker flags the spelling; "B." for "Bakari": an initial; "Joe" for "Joseph R."
    if abbreviates(source, article) or abbreviates(article, source):
        return "harmless"  # "ESA" for "the European Space Agency"
    nesting = _place_nesting(source, article)
    if nesting:
        return nesting  # "from India" for "from Chennai, Tamil Nadu"; "in Tokyo" for "in Japan" says more than the source
    if (article_names and any(t.key in _PERSONAL_PRONOUNS for t in source)) or (source_names and any(t.key in _PERSONAL_PRONOUNS for t in article)):
        # "Mick Thomson" for "Born in Des Moines, Iowa, he", "he told reporters in Melbourne" for "Andrews said": who
        # "he" is, the words cannot tell (the attribution check follows the article's pronouns)
        return "content"
    described, named = _unspoken(article), _unspoken(source)
    spoken = {n.lower() for name in speaker_names for n in name.split()}
    if _describes_a_person(described, named, spoken) or _describes_a_person(named, described, spoken):
        # "the WikiLeaks founder" for "Assange", "the prime minister said" for "Sunak told reporters": who the founder
        # is, the words cannot tell (the attribution check compares a role with the speaker's)
        return "content"
    if source_names and article_names and not any(_same_word(a, s) for a in article_names for s in source_names):
        if one_actor(source, article):
            return "content"  # "Riyadh severed" for "Saudi Arabia cut": one actor, other words for what it did
        titles = [all(t.text.lower() in _TITLES for t in names) for names in (source_names, article_names)]
        if any(titles):
            return "role" if all(titles) else "content"  # "Senator Biden" for "President Biden"; "Joe Biden" for it
        return "speaker" if any(t.key in spoken for t in article_names + source_names) else "entity"
    added = [t for t in article if not t.is_function and t.lemma not in _SPEECH_VERBS and not (t.is_number and set(_number_keys([t])) <= set(source_numbers))]
    if not added or all(any(_same_word(a, s) for s in source) for a in added):
        return "harmless"  # function words, spelling variants, or a dropped clause
    return "content"


_BOUND_WORDS = frozenset(word for phrase in _BOUNDS for word in phrase)


def _swaps_direction(source: Sequence[Token], article: Sequence[Token], *, bounds_other_figures: bool) -> bool:
    """Whether the article has a word opposite to one of the source's ("rose" for "fell"); with
    ``bounds_other_figures``, two bound words ("under" for "over", "more" for "less") are not counted."""
    pairs = ((a, s) for a in article for s in source if not (
        bounds_other_figures and a.text.lower() in _BOUND_WORDS and s.text.lower() in _BOUND_WORDS))
    return any(are_antonyms(x, y) for a, s in pairs for x in a.forms for y in s.forms)


def _unspoken(tokens: Sequence[Token]) -> Sequence[Token]:
    """``tokens`` up to their first speech verb: the speaker of "Sunak told reporters", "the prime minister said"."""
    end = next((i for i, t in enumerate(tokens) if t.lemma in _SPEECH_VERBS), len(tokens))
    return tokens[:end]


def _describes_a_person(description: Sequence[Token], name: Sequence[Token], speakers: set[str]) -> bool:
    """Whether ``description`` is a person's description by their role, trade or party ("the WikiLeaks founder", "the
    company's chief executive", "Meta's chief executive", "the England midfielder", "the 63-year-old Democrat")
    standing for ``name``, a person's name alone (an age beside it: "Bellingham, 20"; a word of ``speakers``, the
    lower-cased words of the speakers' names, is a person's name whatever else it names)."""
    owner = len(description) >= 3 and description[1].text in ("'s", "’s")  # "Meta's chief executive"
    last = description[-1] if description else None
    described = last is not None and (
        (last.text.islower() and (last.text in _TITLES or last.pos == "NOUN")) or last.entity == "NORP") and not any(
        t.entity == "PERSON" for t in description)
    words = [t for t in name if t.text.isalpha()]
    return (len(description) >= 2 and (description[0].text.lower() in ("the", "its", "his", "her", "their") or owner) and described
            and bool(words) and all(t.text.lower() in speakers or (t.pos == "PROPN" and t.entity in ("PERSON", "ORG", "") and not is_place(t.text))
                                    for t in words))


def _shortens_compound(acronym: str, word: str) -> bool:
    """Whether ``acronym`` is the initials of the parts of one compound name: its letters in order in ``word``, the
    first its first, three letters of the word or more to each ("VW" for "Volkswagen"); no place's code ("UK" is no
    "Ukraine")."""
    if len(word) < 3 * len(acronym) or word[:1] != acronym[0] or is_place(acronym):
        return False
    return re.fullmatch(".*?".join(re.escape(letter) for letter in acronym.lower()) + ".*", word.lower()) is not None


def abbreviates(short: Sequence[Token], long: Sequence[Token]) -> bool:
    """Whether ``short`` is one acronym of the capitalised words of ``long``: "MIT" of "the Massachusetts Institute of Technology"."""
    acronym = short[0].text.replace(".", "") if len(short) == 1 else ""  # "F.C." for "Football Club"
    if not acronym.isupper() or len(acronym) < 2 or not long:
        return False
    if len(long) == 1 and _shortens_compound(acronym, long[0].text):
        return True  # "VW" for "Volkswagen"
    written_out = " ".join(t.text for t in long)
    return [w for w in abbreviated_as(written_out, acronym).split() if w == acronym or w.lower() not in _FUNCTION_WORDS] == [acronym]  # "US" is no pronoun


def _codes(tokens: Sequence[Token]) -> list[str]:
    """The digits inside words that are not numbers themselves ("COVID-19" -> ["19"])."""
    return [digits for t in tokens if not t.is_number for digits in _DIGITS.findall(t.key)]


def _weekday_only(dates: set[str]) -> bool:
    return not dates & MONTHS


def terms_missing_from(text: str, sources: Sequence[str]) -> tuple[str, ...]:
    """The figures and proper names of ``text`` that none of ``sources`` mentions (up to rounding and spelling).

    A claim that gives a figure, or two or more name words, the evidence never mentions asserts
    more than the evidence covers; one whose names and figures are all there may be a paraphrase
    the NLI model missed. Small counts written as words ("three laureates") and a single extra
    name are left out: evidence rarely spells out what they add ("in London"), unless it is a
    place far from every place the evidence names ("an award from the city of Seville" in a story
    the evidence sets in Norway).
    """
    figures, names, stray = _absent_terms(text, sources)
    return figures + (names if len(names) >= 2 else stray)


def passage_texts(passages: Sequence[Passage]) -> list[str]:
    """What the passages say for `terms_missing_from`: each one's text, and the title, source and speaker fields, which
    name things too ("... the Japan Aerospace Exploration Agency said", the agency being a passage's source), and the
    days its weekdays stand for (`days_of_weekdays`)."""
    return [field for p in passages for field in (_with_days(p), p.title, p.source, p.speaker) if field]


def _with_days(passage: Passage) -> str:
    days = days_of_weekdays(passage.text, passage.date)
    return f"{passage.text} ({days})" if days else passage.text


_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")
_WEEKDAY = re.compile(r"\b(?:on|last|this|since|until|from)\s+(" + "|".join(WEEKDAYS) + r")\b", re.IGNORECASE)


def days_of_weekdays(text: str, dated: str) -> str:
    """The days a dated report's weekdays stand for, as "16 January 2024": a wire story dated 2024-01-16 that says "on
    Tuesday" means that day, one that says "on Monday" the day before (the last such day on or before its date). ""
    for an undated passage or one that names no weekday."""
    try:
        day = datetime.date.fromisoformat(dated[:10])
    except ValueError:
        return ""
    days = []
    for match in _WEEKDAY.finditer(text):
        back = (day.weekday() - WEEKDAYS.index(match[1].lower())) % 7
        meant = day - datetime.timedelta(days=back)
        days.append(f"{meant.day} {_MONTH_NAMES[meant.month - 1]} {meant.year}")  # not strftime: its month follows the locale
    return "; ".join(days)


def _absent_terms(text: str, sources: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """The figures and the proper-name words of ``text`` that none of ``sources`` mentions, and of those names the
    places that share no country or region with any place the sources name (`lexicon.same_region`; none when the
    sources name no place, or the place is in the possessive: "Mexico's Baja California").

    A name word is left out when another word of the same name is mentioned: "Balmoral Castle"
    where the sources say "Balmoral" names the same place; so is a place the sources name otherwise or name a part of.
    """
    per_source = [tokenize(source) for source in sources]
    source_tokens = [t for tokens in per_source for t in tokens]
    source_figures = [(_figures(tokens, 0, len(tokens)), _numbers_as_percentages(tokens), {t.key for t in tokens}) for tokens in per_source]
    figures, names = [], []
    text = abbreviated_as(text, " ".join(sources))  # "Federal Open Market Committee" is the sources' "FOMC"
    claim = tokenize(text)
    source_days = [days for tokens in per_source for _, _, days in _durations(tokens)]
    spans_years = any(_spans_years(tokens) for tokens in per_source)
    given_lengths = set()  # "12 months" where a source says "a year"
    for start, end, days in _durations(claim):
        bound = _bound_before([t.text.lower() for t in claim], start)
        if any(_length_bears_out(days, bound, given) for given in source_days):
            given_lengths.update(range(start, end))
        elif _lasts(claim, start) and not (spans_years and days >= 360):  # "for two decades" against "since 2001"
            figures.append(text[claim[start].start:claim[end - 1].end])  # "for at least a year": how long, a figure
    given_dates = _dates_given(claim, per_source)
    for i, token in enumerate(claim):
        if token.is_number and token.text[:1].isdigit() and i not in given_lengths | given_dates and not _figure_mentioned(claim, i, source_figures):
            figures.append(token.text)
    runs = _name_runs(text)
    absent_runs = [
        run for run, after in zip(runs, [*runs[1:], []])
        if not _is_title_of(run, after) and not any(_same_word(token, t) for token in run for t in source_tokens)
    ]
    source_places = [name for tokens in per_source for name in _place_names(tokens)[0]] if absent_runs else []
    stray = []
    for run in absent_runs:
        name = " ".join(token.text for token in run)
        if not _holds_a_place_of(name, source_places):
            names.extend(token.text for token in run)
            possessive = text[run[-1].end:].startswith(("'s", "’s"))  # "Mexico's Baja California": it qualifies a place
            if source_places and is_place(name) and not possessive and not any(same_region(name, place) for place in source_places):
                stray.append(name)
    return tuple(figures), tuple(names), tuple(stray)


def _days(tokens: Sequence[Token]) -> dict[tuple[str, str], list[int]]:
    """Each day of the year ``tokens`` give ("1 January", "January 1"): (day, month) -> the indices of its day, month
    and the year right after it, if any."""
    days: dict[tuple[str, str], list[int]] = {}
    for i, token in enumerate(tokens):
        if token.key not in MONTHS:
            continue
        for day in (i - 1, i + 1):
            if 0 <= day < len(tokens) and tokens[day].key.isascii() and tokens[day].key.isdigit() and 1 <= int(tokens[day].key) <= 31:
                year = max(i, day) + 1
                days[(tokens[day].key, token.key)] = [day, i] + ([year] if year < len(tokens) and is_year(tokens[year].key) else [])
                break
    return days


def _dates_given(claim: Sequence[Token], per_source: Sequence[Sequence[Token]]) -> set[int]:
    """The indices of the claim's days of the year (day and month, and the year after them) some source gives as a day
    with the same year, or with none: "1 January 2024" against "January 1, 2024" in a passage about something else."""
    given = set()
    claimed = _days(claim)
    source_days = [(tokens, _days(tokens)) for tokens in per_source] if claimed else []
    for day, indices in claimed.items():
        for tokens, days in source_days:
            other = days.get(day)
            if other is not None and (len(indices) < 3 or len(other) < 3 or tokens[other[2]].key == claim[indices[2]].key):
                given.update(indices)
    return given


def _durations(tokens: Sequence[Token]) -> list[tuple[int, int, float]]:
    """The lengths of time ``tokens`` give, each as (first token, end token, days): "a year", "two decades", "12 months"."""
    found = []
    for i, token in enumerate(tokens[1:], 1):
        unit = _TIME_UNITS.get(_TIME_ABBREVIATIONS.get(token.key, token.key))
        count = 1.0 if tokens[i - 1].key in ("a", "an") else (_amounts(tokens[i - 1:i]) or [None])[0]
        if unit is not None and count is not None:
            found.append((i - 1, i + 1, count * unit))
    return found


def _length_bears_out(days: float, bound: str | None, given: float) -> bool:
    """Whether a source's length of time, ``given`` days, bears out a claim's ``days`` under its ``bound`` (`_BOUNDS`):
    "over a month" against 37 days, "more than a decade" against "more than a century"."""
    if bound in (">", ">="):
        return given >= days * 0.97
    if bound in ("<", "<="):
        return given <= days * 1.03
    return math.isclose(days, given, rel_tol=ESTIMATE_TOLERANCE if bound == "~" else 0.03)


def _spans_years(tokens: Sequence[Token]) -> bool:
    """Whether ``tokens`` name two different years, or a time since a year: a span some years long."""
    years = {t.key for t in tokens if is_year(t.key)}
    return len(years) > 1 or any(t.key == "since" and is_year(after.key) for t, after in zip(tokens, tokens[1:]))


def _lasts(tokens: Sequence[Token], start: int) -> bool:
    """Whether the length of time at ``tokens[start]`` is how long something lasts or takes: "for a year", "for at least
    a year", "within two weeks"."""
    words = [t.key for t in tokens[:start]]
    bound = next((phrase for phrase in _BOUNDS if tuple(words[len(words) - len(phrase):]) == phrase), ())
    return len(words) > len(bound) and words[len(words) - len(bound) - 1] in ("for", "within")


def _numbers_as_percentages(tokens: Sequence[Token]) -> list[str]:
    """The numbers of ``tokens`` (their keys), a number of basis points also as the percentage it is ("35 basis points":
    35 and 0.35)."""
    keys = []
    for i, token in enumerate(tokens):
        if token.is_number:
            keys.append(_AMOUNT.sub(lambda m: m[1] if m[2] in _SCALE_SUFFIXES else m[0], token.key))  # "£4bn": 4, as the claim's
            amount = _AMOUNT.fullmatch(token.key)
            if amount and i + 1 < len(tokens) and tokens[i + 1].key == "basis":
                keys.append(f"{float(amount[1]) / 100:g}")
    return keys


def _holds_a_place_of(name: str, places: Sequence[str]) -> bool:
    """Whether ``name`` is a place that is one of ``places`` by another name ("the United Kingdom" for "Britain") or holds
    one ("India" for "Chennai")."""
    return is_place(name) and any(same_place(name, place) or lies_within(place, name) for place in places)


def _figure_mentioned(claim: Sequence[Token], i: int, sources: Sequence[tuple[list[Figure], list[str], set[str]]]) -> bool:
    """Whether a source (its figures, its numbers' keys, all its words' keys) gives ``claim[i]``, a figure, about the
    same thing: a close number, or a figure of its size that may bear out a bound, estimate or decade ("more than
    30" against 40, "the 2000s" against 2004; not "under 255" against 300, nor against a rating of 93), in a source
    that shares a noun, verb, adjective or name of the claim other than the figure and its neighbours.

    In a large archive some passage gives any number: "14 countries or jurisdictions impose the death
    penalty" does not give the claim's "14 countries" with equal-pay laws. A claim with no other such
    word takes any source's number.
    """
    context = {t.key for j, t in enumerate(claim) if abs(j - i) > 1 and t.pos in _CONTEXT_POS and not (t.is_function or t.is_number)}
    key = _AMOUNT.sub(lambda m: m[1] if m[2] in _SCALE_SUFFIXES or m[2] in _UNITS else m[0], claim[i].key)  # "$37.6bn", "280km": 37.6, 280
    claimed = stated_figure([t.text.lower() for t in claim], i)
    loose = claimed is not None and not claimed.exact

    def gives(figures: list[Figure], numbers: list[str]) -> bool:
        if any(close_numbers(key, n) for n in numbers):
            return True
        if i and claim[i - 1].key == "from" and worked_out(key, numbers):
            return True  # "fell to 3.4% from 3.5%" where the source gives the fall, 0.1 points, and 3.4%
        return loose and any(_comparable(claimed, given) and figures_agree(claimed, given) is not False for given in figures)

    return any(gives(figures, numbers) and (not context or not context.isdisjoint(keys)) for figures, numbers, keys in sources)


def worked_out(number: str, given: Sequence[str]) -> bool:
    """Whether ``number`` is the sum or difference of two numbers of ``given`` (a level before a move: 3.4 + 0.1)."""
    try:
        value, values = float(number), [float(n) for n in given]
    except ValueError:
        return False
    return any(math.isclose(value, a + b, abs_tol=1e-9) or math.isclose(value, a - b, abs_tol=1e-9)
               for k, a in enumerate(values) for b in values[k + 1:] + values[:k])


def _comparable(a: Figure, b: Figure) -> bool:
    """Whether two figures are of one size, within a factor of two: "under 255" and 253 may count the same thing,
    "under 255" and 93 (a rating) hardly."""
    low, high = sorted((abs(a.value), abs(b.value)))
    return high <= 2 * low


_TITLES = frozenset(word.lower() for word in (re.sub(r"\(\?!.*\)$", "", w) for w in TITLE_WORDS.split("|")) if " " not in word and "\\" not in word)


def _is_title_of(run: Sequence[Token], after: Sequence[Token]) -> bool:
    """Whether a name run is a title on its own before a person's name ("Chancellor | Rishi Sunak"): whether the role
    is right is the attribution check's question (`pipeline.attribution`), and a title the evidence words otherwise
    ("finance minister") is nothing the claim adds. A title word that is part of a name ("Premier League") is none."""
    return len(run) == 1 and run[0].text.lower() in _TITLES and bool(after) and after[0].entity == "PERSON" and after[0].start - run[0].end <= 1


def _name_runs(text: str) -> list[list[Token]]:
    """The proper-name words of ``text`` (dates aside), grouped into names: words with only a space or hyphen
    between, a title on its own ("President | Rex Tillerson": the title being mentioned says nothing of the name)."""
    runs: list[list[Token]] = []
    previous: Token | None = None
    for token in tokenize(text):
        if token.pos not in _ENTITY_POS or token.is_date:
            previous = None
            continue
        title = token.text.lower() in _TITLES
        if previous is not None and not title and previous.text.lower() not in _TITLES and text[previous.end : token.start] in ("", " ", "-"):
            runs[-1].append(token)
        else:
            runs.append([token])
        previous = token
    return runs


def covering_passages(text: str, ranked: Sequence[RetrievedPassage], k: int) -> list[RetrievedPassage]:
    """The ``k`` best of ``ranked``, but where they miss figures or names of ``text`` (`terms_missing_from`) that a
    passage further down mentions, that passage takes the place of the lowest-ranked one (at most ``k // 2`` of them).

    A claim's evidence can be spread over several passages ("Trump" in one, "Moon Jae-in" in
    others); in a larger archive, term weights shift and the passage naming one of them can drop
    just below the ``k`` best. The NLI model should still see it, and the claim is not
    `unsupported` for a name that the passages retrieved for it do mention. A swap is kept only
    when it leaves fewer of the claim's terms unmentioned.
    """
    chosen = list(ranked[:k])
    absent = terms_missing_from(text, passage_texts([r.passage for r in chosen]))
    swaps = 0
    for candidate in ranked[k:]:
        if not absent or swaps == k // 2:
            break
        said = " ".join(passage_texts([candidate.passage]))
        if not any(re.search(rf"\b{re.escape(term)}\b", said, re.IGNORECASE) for term in absent):
            continue  # cheap test first: tokenising the passage takes spaCy
        slot = k - 1 - swaps
        trial = chosen[:slot] + [candidate] + chosen[slot + 1 :]
        still_absent = terms_missing_from(text, passage_texts([r.passage for r in trial]))
        if len(still_absent) < len(absent):
            chosen, absent, swaps = trial, still_absent, swaps + 1
    return chosen


def _age_for_year(source_numbers: Sequence[str], article_numbers: Sequence[str]) -> bool:
    """Whether one side gives only years and the other none ("64" for "born in 1959"); not "2022" for "21, 2021", a day
    moved and the year changed."""
    def no_year(numbers: Sequence[str]) -> bool:
        return not any(is_year(n.removesuffix("s")) for n in numbers)

    return (_looks_like_year(source_numbers) and no_year(article_numbers)) or (_looks_like_year(article_numbers) and no_year(source_numbers))


def _looks_like_year(numbers: Sequence[str]) -> bool:
    """Whether every one of ``numbers`` (keys) is a year or a decade ("1970s")."""
    return all(is_year(n.removesuffix("s")) for n in numbers)


def is_year(word: str) -> bool:
    """Whether ``word`` is written as a year: digits from 1800 to 2100."""
    return word.isascii() and word.isdigit() and 1800 <= int(word) <= 2100  # "²" is a digit to str.isdigit


def compare_sentences(
    article_text: str, source_sentence: str, *, article_offset: int = 0, speaker_names: Sequence[str] = ()
) -> tuple[Change, ...]:
    """Every edit that turns ``source_sentence`` into ``article_text``, classified.

    Args:
        article_text: the article sentence.
        source_sentence: the evidence sentence it restates.
        article_offset: where ``article_text`` starts in the article, so change offsets index the article.
        speaker_names: people credited with speaking in either sentence: a swap between them is a "speaker" change.
    """
    article, source = tokenize(article_text), tokenize(source_sentence)
    matcher = difflib.SequenceMatcher(a=[t.key for t in source], b=[t.key for t in article], autojunk=False)
    edits = _split_moved_days([(s0, s1, a0, a1) for op, s0, s1, a0, a1 in matcher.get_opcodes() if op != "equal"], source, article)
    moved = _moved_words(source, article, edits) | _moved_numbers(source, article, edits)
    swapped = _swapped_names(source, article, edits) | _reversed_roles(source, article, edits)
    changes = []
    for s0, s1, a0, a1 in edits:
        if (s0, s1, a0, a1) in moved:
            kind = "harmless"  # the same words elsewhere in the sentence: "May 13, 2023" for "13 May 2023"
        elif (s0, s1, a0, a1) in swapped:
            kind = "entity"  # "China's exports to Germany" for "Germany's exports to China", "Italy beat Spain" for "Spain beat Italy"
        else:
            bounds_other_figures = _bounds_other_figures(source, article, (s0, s1), (a0, a1))
            kind = classify_edit(source[s0:s1], article[a0:a1], speaker_names=speaker_names, bounds_other_figures=bounds_other_figures)
        if kind == "hedge" and (_modals(source) == _modals(article) or (_modals(source) & _MAYBE and _modals(article) & _MAYBE)):
            # the sentences hedge alike, the edits split it: "are due" for "will be published"; or both say it may be so
            # in other words: "may have accessed" for "is believed to have potentially accessed"
            kind = "content"
        if kind == "negation" and _negations_in(source) == _negations_in(article):
            # the sentences negate as often, the edits split it: "did not strike" for "did not take part in the strike",
            # "would have no … programmes" for "would not have any … programs"; the NLI model decides
            kind = "content"
        if kind == "date" and (_time_units(source[s0:s1]) or _time_units(article[a0:a1])) and (_bounded(source, s0) or _bounded(article, a0)):
            kind = "content"  # "more than a decade" for "more than a century": the bound may hold; the NLI model decides
        if kind in ("harmless", "content") and (_changes_what_a_figure_counts(source, article, (s0, s1), (a0, a1)) or _changes_a_rank(source, article, s1, a1)):
            kind = "number"  # "rose to 3%" for "rose by 3%"; "the largest" for "the second-largest"
        if kind in ("number", "date") or (kind == "content" and s0 == s1):
            bounded = _bounded_figures_kind(source, article, (s0, s1), (a0, a1))
            kind = kind if bounded is None or (bounded == "number" and kind == "date") else bounded
        if kind == "number" and _next_to_date(source, s0, s1) | _next_to_date(article, a0, a1):
            kind = "date"  # "12 June" against "14 June"
        if kind == "date" and (_time_from_event(article, a0, a1) or _time_from_event(source, s0, s1)):
            kind = "content"  # "Three days after the crash" for "On February 6": the day counted from another; the NLI model decides
        if kind in ("entity", "speaker") and (s0, s1, a0, a1) not in swapped and (
                _named_elsewhere(article[a0:a1], source[:s0] + source[s1:]) or _completes_name(source, article, s1, a1)
                or ((kind == "speaker" or not any(t.pos in _ENTITY_POS and not t.is_date for t in article[a0:a1]))
                    and _named_elsewhere(source[s0:s1], article[:a0] + article[a1:]))):
            # "Humphrey Bogart was" for "In 1999, the American Film Institute" (ranked Bogart): a moved name; "said Mick
            # Lynch, the union's" for "RMT" (general secretary Mick Lynch said), "of the World Meteorological Organization"
            # for "WMO Secretary-General Petteri Taalas" the article names earlier: the quotation's speaker is compared apart;
            # "said on Saturday" for "at the Interior Ministry" the article names earlier: a name moved, no day for it
            kind = "content"
        if kind in ("entity", "content") and _capital_for_country(source[s0:s1], article[a0:a1], article[a0 - 1] if a0 else None):
            kind = "harmless"  # "Moscow would return to the deal" for "Russia would return to the deal"
        if kind == "entity" and (_before_same_title(source, article, s1, a1) or _in_a_persons_role(article, a0)):
            # "Interior Minister Sergio Massa" for "Economy Minister Sergio Massa"; "Kim Budil, director of Los Alamos"
            # for "director of Lawrence Livermore": whose office it is, a misattribution
            kind = "role"
        if kind == "entity" and _credits_words(source, s0, s1) and _credits_words(article, a0, a1) and any(
                t.entity == "PERSON" for t in source[s0:s1] + article[a0:a1]):
            kind = "speaker"  # "Lagarde said the bank would …" for "Powell said the bank would …": reported speech
        if kind == "entity" and (_legislature_for_its_name(article[a0:a1], source[s0:s1]) or _legislature_for_its_name(source[s0:s1], article[a0:a1])):
            kind = "harmless"  # "Parliament impeached him" for "The National Assembly impeached him"
        if kind == "role" and _names_a_place(source, s1) and _names_a_place(article, a1):
            kind = "harmless"  # "the former Soviet Union" for "the Soviet Union": a state's name, no one's title
        if kind in MEANING_KINDS:
            s0, s1, a0, a1 = _widen_to_inflections(source, article, s0, s1, a0, a1)
        a_start, a_end = _span(article, a0, a1)
        s_start, s_end = _span(source, s0, s1)
        changes.append(
            Change(
                kind=kind,
                article=article_text[a_start:a_end],
                source=source_sentence[s_start:s_end],
                article_start=article_offset + a_start,
                article_end=article_offset + a_end,
                source_start=s_start,
                source_end=s_end,
            )
        )
    return tuple(_moved_negation_harmless(changes, source, article))


def _moved_negation_harmless(changes: list[Change], source: Sequence[Token], article: Sequence[Token]) -> list[Change]:
    """``changes`` with a negation moved within the clause made harmless: "no gas would be delivered" for "gas would
    not be delivered" (one negation put in near where another is taken out, the sentences negated alike)."""
    negations = [c for c in changes if c.kind == "negation"]
    if len(negations) != 2 or _negations(source) % 2 != _negations(article) % 2:
        return changes
    put_in, taken_out = sorted(negations, key=lambda c: not c.article)
    if not (put_in.article and not put_in.source and taken_out.source and not taken_out.article):
        return changes
    if abs(put_in.article_start - taken_out.article_start) > _NEGATION_MOVE:
        return changes
    return [replace(c, kind="harmless") if c in negations else c for c in changes]


_NEGATION_MOVE = 40  # characters of the article a negation may move ("no gas would be delivered" / "would not be")


def _credits_words(tokens: Sequence[Token], first: int, last: int) -> bool:
    """Whether the edited words ``tokens[first:last]`` name people (no place) as who said something: a speech verb in
    them or right after ("Powell said"), "according to" before them, or "said" before them at the end ("…, said
    Powell"). Not a name after "said" that begins what was said ("Lagarde said Powell would …")."""
    names = [t for t in tokens[first:last] if t.pos in _ENTITY_POS]
    if not names or any(is_place(t.text) for t in names):
        return False

    def speech(t: Token) -> bool:
        return t.lemma in _SPEECH_VERBS or t.text.lower() in _SPEECH_VERBS

    according = first >= 2 and tokens[first - 2].text.lower() == "according" and tokens[first - 1].key == "to"
    said_last = first > 0 and speech(tokens[first - 1]) and last == len(tokens)
    return any(speech(t) for t in tokens[first:last]) or (last < len(tokens) and speech(tokens[last])) or according or said_last


def _bounded(tokens: Sequence[Token], start: int) -> bool:
    """Whether a bound stands before ``tokens[start]``, past an article or a number: "more than a decade", "over 20 years"."""
    while start and (tokens[start - 1].key in ("a", "an", "the") or tokens[start - 1].is_number):
        start -= 1
    return _bound_before([t.text.lower() for t in tokens], start) is not None


_FIGURE_PREPOSITIONS = frozenset({"to", "by", "from"})


def _changes_what_a_figure_counts(source: Sequence[Token], article: Sequence[Token], s: tuple[int, int], a: tuple[int, int]) -> bool:
    """Whether the edit swaps, adds or drops "to" or "from" before a figure both sides give: "rose to 3%" for "rose by
    3%" or "rose 3%" (a level for a change), "fell from 5%" for "fell to 5%". "by" alone changes nothing, nor does
    "up to" (a bound, compared as such) or "to" between two numbers ("52 to 48")."""
    (s0, s1), (a0, a1) = s, a
    words = [t.key for t in source[s0:s1]] + [t.key for t in article[a0:a1]]
    if not words or not set(words) <= _FIGURE_PREPOSITIONS or not (s1 < len(source) and a1 < len(article)):
        return False
    if not (source[s1].is_number and article[a1].is_number):
        return False
    if (s0 and source[s0 - 1].key == "up") or (a0 and article[a0 - 1].key == "up"):
        return False
    if (s0 and source[s0 - 1].is_number) or (a0 and article[a0 - 1].is_number):
        return False  # "52 to 48" for "52-48": a tally or range
    return {t.key for t in source[s0:s1]} - {"by"} != {t.key for t in article[a0:a1]} - {"by"}


def _changes_a_rank(source: Sequence[Token], article: Sequence[Token], source_end: int, article_end: int) -> bool:
    """Whether an edit before a superlative both sides give changes its rank: "the largest" for "the second-largest" or
    for "one of the largest", "third-largest" for "second-largest". "one of the largest" for any rank says less: no change."""
    def superlative_at(tokens: Sequence[Token], i: int) -> int | None:
        i += i < len(tokens) and tokens[i].key == "the"
        if i >= len(tokens):
            return None
        t = tokens[i]
        return i if t.key in ("most", "least", "best", "worst") or (t.pos in ("ADJ", "ADV") and len(t.key) > 4 and t.text.lower().endswith("est")) else None

    s, a = superlative_at(source, source_end), superlative_at(article, article_end)
    if s is None or a is None or source[s].key != article[a].key:
        return False
    given, stated = _rank_before(source, s), _rank_before(article, a)
    return given != stated and stated != "one of" and (stated is not None or given is not None)


def _rank_before(tokens: Sequence[Token], i: int) -> str | None:
    """The rank the words before the superlative ``tokens[i]`` give it: an ordinal ("2" for "second-largest"), "one of"
    ("one of the largest", "among the largest"), or None (the largest)."""
    before = [t.key for t in tokens[max(0, i - 3):i]]
    if before and before[-1].isdigit():
        return before[-1]
    if before[-2:] == ["among", "the"] or before[-3:] in (["one", "of", "the"], ["1", "of", "the"]):
        return "one of"
    return None


def _swapped_names(source: Sequence[Token], article: Sequence[Token], edits: Sequence[tuple[int, int, int, int]]) -> set[tuple[int, int, int, int]]:
    """Pairs of edits that swap two names between their places: "China's exports to Germany" for "Germany's exports to
    China" (each name is also elsewhere in the source, so neither edit alone is a swapped-in name)."""
    def names(tokens: Sequence[Token]) -> frozenset[str]:
        return frozenset(t.key for t in tokens if t.pos in _ENTITY_POS)

    sides = [(names(source[s0:s1]), names(article[a0:a1])) for s0, s1, a0, a1 in edits]
    return {edit for edit, (given, stated), (s0, s1, a0, a1) in zip(edits, sides, edits)
            if given and stated and given != stated and (stated, given) in sides and not one_actor(source[s0:s1], article[a0:a1])}


def one_actor(source: Sequence[Token], article: Sequence[Token]) -> bool:
    """Whether the places both sides name are one actor: the same place, one inside the other, or a capital for its
    country ("Riyadh cut ties" for "Saudi Arabia severed ties", "Saudi Arabia's" for "Riyadh's")."""
    given, stated = _place_names(source)[0], _place_names(article)[0]
    return bool(given and stated) and all(
        any(same_place(a, s) or lies_within(a, s) or lies_within(s, a) or capital_of(a, s) for s in given) for a in stated)


# A country's legislature called by what it is ("parliament", "lawmakers") and by its name ("the National Assembly").
_LEGISLATURE_WORDS = frozenset("parliament legislature congress assembly lawmaker legislator mp".split())
_LEGISLATURE_NAMES = frozenset(
    "assembly parliament congress diet duma knesset bundestag senate sejm riksdag storting rada sabha majlis cortes "
    "folketing oireachtas dail commons legislature yuan".split())


def _legislature_for_its_name(generic: Sequence[Token], named: Sequence[Token]) -> bool:
    """Whether ``generic`` calls a legislature what it is ("Parliament", "lawmakers") where ``named`` names one ("The
    National Assembly", "the Knesset")."""
    generic_words = [t.key for t in generic if not t.is_function]
    named_words = [t.key for t in named if not t.is_function]
    return bool(generic_words and named_words) and all(w in _LEGISLATURE_WORDS for w in generic_words) and named_words[-1] in _LEGISLATURE_NAMES


_LOCATIVES = frozenset("in at near from to into outside inside across around across through within".split())


def _capital_for_country(source: Sequence[Token], article: Sequence[Token], before: Token | None) -> bool:
    """Whether an edit names a country's capital for the country, as a desk writes its government: "Moscow had
    complained" for "Russia had complained". After "in", "at", "from" ... the capital is a place: "in Paris" says more
    than "in France"."""
    article_places, taken = _place_names(article)
    source_places, source_taken = _place_names(source)
    if not article_places or not source_places or (before is not None and before.key in _LOCATIVES):
        return False
    if not (_nothing_but(article, taken) and _nothing_but(source, source_taken)):
        return False
    return all(any(capital_of(a, s) for s in source_places) for a in article_places)


# Verbs whose subject and object may change places without changing what happened ("Xi met Biden").
_SYMMETRIC_VERBS = frozenset("meet talk speak marry negotiate clash fight draw tie face play compete merge partner trade".split())


def _reversed_roles(source: Sequence[Token], article: Sequence[Token], edits: Sequence[tuple[int, int, int, int]]) -> set[tuple[int, int, int, int]]:
    """Pairs of edits that move a name across its verb, so that the doer and the done-to change places: "Italy beat
    Spain" for "Spain beat Italy" (the article adds "Italy beat" before "Spain" and drops "beat Italy" after it). Not
    a verb that works both ways ("Xi met Biden"), a speech verb, a passive ("was signed by Biden": "by"), or a clause
    moved whole."""
    def moved(tokens: Sequence[Token]) -> tuple[str, ...] | None:
        words = [t for t in tokens if not t.is_function]
        if any(t.key == "by" for t in tokens) or not any(t.pos in _ENTITY_POS for t in words):
            return None
        verbs = [t for t in words if t.pos == "VERB"]
        if not verbs or any(t.lemma in _SYMMETRIC_VERBS or t.lemma in _SPEECH_VERBS for t in verbs):
            return None
        return tuple(t.key for t in words)

    inserted = [(words, edit) for edit in edits if edit[0] == edit[1] and (words := moved(article[edit[2]:edit[3]]))]
    deleted = [(words, edit) for edit in edits if edit[2] == edit[3] and (words := moved(source[edit[0]:edit[1]]))]
    # The same words in another order: a clause moved whole ("Italy won the title" to the end) keeps its order.
    return {edit for added, one in inserted for dropped, other in deleted
            if sorted(added) == sorted(dropped) and added != dropped for edit in (one, other)}


def _bounded_figures_kind(source: Sequence[Token], article: Sequence[Token], s: tuple[int, int], a: tuple[int, int]) -> str | None:
    """The kind of an edit that changes a figure one side gives as a bound, estimate or span ("less than 76%" for "75%",
    "the 1970s" for "1978"), or that only adds such words before a figure both give ("more than" before "75"); None for
    any other edit.

    "harmless" when the source's figures bear out every figure of the article's (`figures_agree`), "number" when one
    cannot be, and "content" (the NLI model decides) when it depends ("under 21 million" for "some 20 million").
    """
    (s0, s1), (a0, a1) = s, a
    if s0 == s1:  # words added: only a bound before a figure both sides give ("more than" before "75") is one
        if not (a1 < len(article) and s1 < len(source) and article[a1].is_number and source[s1].is_number):
            return None
        if tuple(t.text.lower() for t in article[a0:a1]) not in _BOUNDS:
            return None
        s1, a1 = s1 + 1, a1 + 1
    given, claimed = _figures(source, s0, s1), _figures(article, a0, a1)
    if not claimed or not given or all(f.exact for f in given + claimed):
        return None
    verdicts = [{figures_agree(c, g) for g in given} for c in claimed]
    if any(True not in v and None not in v for v in verdicts):
        return "number"
    return "harmless" if all(True in v for v in verdicts) else "content"


def _bounds_other_figures(source: Sequence[Token], article: Sequence[Token], s: tuple[int, int], a: tuple[int, int]) -> bool:
    """Whether the edit's words bound a figure on each side and the figures differ: "under 25 million" for "over 20
    million", "fewer" for "more" in "fewer than 25" for "more than 20". Both can be true: the figures decide."""
    given, claimed = _bounded_figure_from(source, *s), _bounded_figure_from(article, *a)
    return given is not None and claimed is not None and given.value != claimed.value


def _bounded_figure_from(tokens: Sequence[Token], first: int, last: int) -> Figure | None:
    """The first figure of ``tokens`` from ``first`` to two words after ``last`` ("than 20" after "more"), if words before
    it make it a bound; else None."""
    number = next((i for i in range(first, min(last + 2, len(tokens))) if tokens[i].is_number), None)
    figure = stated_figure([t.text.lower() for t in tokens], number) if number is not None else None
    return figure if figure is not None and figure.bound else None


def _figures(tokens: Sequence[Token], first: int, last: int) -> list[Figure]:
    """The figures of ``tokens[first:last]`` as stated (`stated_figure`)."""
    words = [t.text.lower() for t in tokens]
    return [f for i in range(first, last) if tokens[i].is_number and (f := stated_figure(words, i)) is not None]


def _split_moved_days(edits: Sequence[tuple[int, int, int, int]], source: Sequence[Token], article: Sequence[Token]) -> list[tuple[int, int, int, int]]:
    """The edits with a day the article moves split off the replacement it starts: "21 October 2022" for "October 21,
    2021" inserts "21" and replaces "21, 2021" with "2022"; the replacement becomes "2021" against "2022" and a deletion
    of "21" that `_moved_words` pairs with the insertion."""
    inserted = {tuple(t.key for t in article[a0:a1]) for s0, s1, a0, a1 in edits if s0 == s1 and all(t.is_number for t in article[a0:a1])}
    deleted = {tuple(t.key for t in source[s0:s1]) for s0, s1, a0, a1 in edits if a0 == a1 and all(t.is_number for t in source[s0:s1])}
    split: list[tuple[int, int, int, int]] = []
    for s0, s1, a0, a1 in edits:
        day = next((words for words in inserted if s0 < s0 + len(words) < s1 and a0 < a1
                    and tuple(t.key for t in source[s0:s0 + len(words)]) == words), None)
        # the same the other way round: "three months to 31 December" for "the quarter ended December 31" puts the
        # deleted "31" at the end of the replacement "three months to 31"
        ending = next((words for words in deleted if a0 < a1 - len(words) and s0 < s1
                       and tuple(t.key for t in article[a1 - len(words):a1]) == words), None)
        if day is not None:
            split += [(s0, s0 + len(day), a0, a0), (s0 + len(day), s1, a0, a1)]
        elif ending is not None:
            split += [(s0, s1, a0, a1 - len(ending)), (s1, s1, a1 - len(ending), a1)]
        else:
            split.append((s0, s1, a0, a1))
    return split


def _moved_words(source: Sequence[Token], article: Sequence[Token], edits: Sequence[tuple[int, int, int, int]]) -> set[tuple[int, int, int, int]]:
    """The edits that only delete date words or numbers the article inserts elsewhere in the sentence, or the reverse."""
    def dates_only(tokens: Sequence[Token]) -> bool:
        return all(t.is_date or t.is_number for t in tokens)

    deleted = {tuple(t.key for t in source[s0:s1]): (s0, s1, a0, a1) for s0, s1, a0, a1 in edits if a0 == a1 and dates_only(source[s0:s1])}
    inserted = {tuple(t.key for t in article[a0:a1]): (s0, s1, a0, a1) for s0, s1, a0, a1 in edits if s0 == s1 and dates_only(article[a0:a1])}
    return {edit for words in deleted.keys() & inserted.keys() for edit in (deleted[words], inserted[words])}


def _moved_numbers(source: Sequence[Token], article: Sequence[Token], edits: Sequence[tuple[int, int, int, int]]) -> set[tuple[int, int, int, int]]:
    """The edits whose article numbers another edit deletes from the source, and whose source numbers the article
    gives nowhere: "to the KMT's 52" for "against 52 for the KMT; the TPP won eight" moves 52 and drops a clause.
    "52 seats to the KMT's 51" for "51 seats against 52" still swaps: 51 is in the article."""
    article_numbers = set(_number_keys(article))
    moved = set()
    for edit in edits:
        s0, s1, a0, a1 = edit
        given = _number_keys(source[s0:s1])
        stated = [i for i in range(a0, a1) if article[i].is_number]
        if not stated or any(number in article_numbers for number in given):
            continue
        elsewhere = [j for o0, o1, _, _ in edits if (o0, o1) != (s0, s1) for j in range(o0, o1) if source[j].is_number]
        if all(any(source[j].key == article[i].key and _neighbours(source, j) & _neighbours(article, i) for j in elsewhere) for i in stated):
            moved.add(edit)
    return moved


def _neighbours(tokens: Sequence[Token], i: int, reach: int = 3) -> set[str]:
    """The content words within ``reach`` of ``tokens[i]``: what a number is about ("52 for the KMT": KMT)."""
    return {t.key for t in tokens[max(0, i - reach) : i + reach + 1] if not (t.is_function or t.is_number)}


def _named_elsewhere(edited: Sequence[Token], rest: Sequence[Token]) -> bool:
    """Whether a name the article's edited words give is one the rest of the source sentence names: the claim moved it
    ("Humphrey Bogart was" where the sentence ranks "Bogart" further on), it did not swap in another."""
    names = [t for t in rest if t.pos in _ENTITY_POS]
    return any(_same_word(t, n) for t in edited if t.pos in _ENTITY_POS for n in names)


def _completes_name(source: Sequence[Token], article: Sequence[Token], source_end: int, article_end: int) -> bool:
    """Whether the article's edited words end in a first name of the name both sides then give, which the source
    gives alone ("Joe" before "Walsh"); not when the source's edited words end in a first name too ("Janet" for "Jerome")."""
    def joined(first: Token, then: Token) -> bool:
        return first.pos in _ENTITY_POS and then.pos in _ENTITY_POS and then.start == first.end + 1

    if not (0 < article_end < len(article) and source_end < len(source)):
        return False
    return joined(article[article_end - 1], article[article_end]) and not (
        source_end > 0 and joined(source[source_end - 1], source[source_end]))


def _before_same_title(source: Sequence[Token], article: Sequence[Token], source_end: int, article_end: int) -> bool:
    """Whether both edited stretches end just before the same title word: they name a role, not a thing."""
    return (
        source_end < len(source) and article_end < len(article)
        and source[source_end].key == article[article_end].key and source[source_end].text.lower() in _TITLES
    )


def _in_a_persons_role(tokens: Sequence[Token], start: int) -> bool:
    """Whether ``tokens[start]`` begins the body or place of a named person's title: "Kim Budil, director of | Los
    Alamos", "Henry Liu, chair of the | Federal Trade Commission" (a person's name just before the title)."""
    i = start - 1
    if i >= 0 and tokens[i].key == "the":
        i -= 1
    if i < 1 or tokens[i].key not in ("of", "at", "for") or tokens[i - 1].text.lower() not in _TITLES:
        return False
    return any(t.entity == "PERSON" for t in tokens[max(0, i - 4) : i - 1])


def _next_to_date(tokens: Sequence[Token], first: int, last: int) -> bool:
    return any(0 <= i < len(tokens) and tokens[i].is_date for i in (first - 1, last))


def _widen_to_inflections(
    source: Sequence[Token], article: Sequence[Token], s0: int, s1: int, a0: int, a1: int
) -> tuple[int, int, int, int]:
    """Take in a neighbouring word that matched only by lemma ("did not approve" / "approved"), so a correction reads right."""
    def by_lemma_only(a: Token, b: Token) -> bool:
        return a.key == b.key and a.text.lower() != b.text.lower()

    if s1 < len(source) and a1 < len(article) and by_lemma_only(source[s1], article[a1]):
        s1, a1 = s1 + 1, a1 + 1
    if s0 > 0 and a0 > 0 and by_lemma_only(source[s0 - 1], article[a0 - 1]):
        s0, a0 = s0 - 1, a0 - 1
    return s0, s1, a0, a1


def _span(tokens: Sequence[Token], first: int, last: int) -> tuple[int, int]:
    """Character span of ``tokens[first:last]``; an empty stretch sits where the next token starts."""
    if first < last:
        return tokens[first].start, tokens[last - 1].end
    position = tokens[first].start if first < len(tokens) else (tokens[-1].end if tokens else 0)
    return position, position


def corrected_text(article_text: str, changes: Sequence[Change], *, article_offset: int = 0) -> str:
    """The article sentence with the source's words put back wherever a change alters meaning."""
    text = article_text
    located = [c for c in changes if c.kind in MEANING_KINDS and c.article_start is not None and c.article_end is not None]
    for change in sorted(located, key=lambda c: -c.article_start):
        start, end = change.article_start - article_offset, change.article_end - article_offset
        if not 0 <= start <= end <= len(text):
            continue
        replacement = change.source
        if start == end:  # the article dropped the source's words: put them back with a space
            replacement = (" " if start and text[start - 1] != " " else "") + replacement + (" " if text[start:start + 1] not in (" ", "") else "")
        elif not replacement:  # the article added words: remove them and one space
            end += 1 if text[end:end + 1] == " " else 0
        text = text[:start] + replacement + text[end:]
    return re.sub(r"\s{2,}", " ", text)


def describe(changes: Sequence[Change]) -> str:
    """'the article says “rose”, the source says “fell” (direction)' for each meaning change."""
    parts = []
    for change in changes:
        if change.kind not in MEANING_KINDS:
            continue
        article = f"“{change.article}”" if change.article else "nothing"
        source = f"“{change.source}”" if change.source else "nothing"
        parts.append(f"the article says {article}, the source says {source} ({change.kind})")
    return "; ".join(parts)
