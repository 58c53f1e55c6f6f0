"""Attribution: who is named, how their names and roles are spelled, and who said what.

A roster of people is built from the evidence set (the ``speaker`` field and the people
its passages name, with the roles they give them) and an optional roster CSV. Names in
the article are compared with it: exact or alias matches pass; a near miss by edit
distance or by sound is a ``name_misspelling``; a role the roster contradicts, or a
quotation the evidence credits to someone else, is a ``misattribution``.
"""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable, Protocol, Sequence

import jellyfish
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from pipeline.errors import InputError
from pipeline.io import open_text
from pipeline.lexicon import abbreviated_as, same_given_name
from pipeline.segment import (
    NAME_TOKEN,
    NON_NAME_WORDS,
    PORTFOLIO_WORDS,
    QUOTE_MARKS,
    SPEECH_ADVERBS,
    SPEECH_VERBS,
    TITLE_WORDS,
    Mention,
    Segmentation,
    attribute_quotes,
    find_quote_spans,
    mentions_in_texts,
    name_without_titles,
    split_sentences,
)
from pipeline.types import Article, Flag, Passage, Person, Quote

_ROLE_STOPWORDS = frozenset(
    "the a an of for at to in on and u.s us united states said says former then current acting its his her their "
    "said by from as with outgoing incoming incumbent".split()
)
_SYNONYMS = {
    "spokesman": "spokesperson", "spokeswoman": "spokesperson", "chairwoman": "chairman", "chair": "chairman",
    "head": "leader", "ceo": "chief", "executive": "chief", "fed": "federal", "advisor": "adviser",
    # British cabinet titles (the Home Secretary is the interior minister; "secretary" is a minister's title only with
    # a portfolio, see `_role_words`).
    "home": "interior", "exchequer": "finance", "treasury": "finance", "defense": "defence",
    "labor": "labour", "lawyer": "attorney",
    # Demonyms that do not start with their country's stem ("French President" is "President of France").
    "french": "france", "british": "britain", "dutch": "netherlands", "swiss": "switzerland", "greek": "greece",
    "welsh": "wales", "irish": "ireland", "scottish": "scotland", "danish": "denmark", "spanish": "spain",
    "polish": "poland", "turkish": "turkey", "thai": "thailand", "filipino": "philippines", "norwegian": "norway",
    "english": "england", "finnish": "finland", "portuguese": "portugal", "belgian": "belgium", "peruvian": "peru",
    "argentine": "argentina", "argentinian": "argentina", "afghan": "afghanistan", "malagasy": "madagascar",
}
_TITLE_KEYWORDS = frozenset(
    "president minister secretary spokesperson chancellor governor senator mayor ambassador general chairman "
    "director commissioner judge justice king queen prince princess pope leader coach captain premier treasurer "
    "chief representative admiral professor founder economist adviser analyst editor manager secretary_general "
    "director_general epidemiologist scientist researcher prosecutor surgeon physician superintendent attorney attorney_general "
    "district_attorney".split()
)
# The portfolio of a minister: a health minister is no foreign minister (after `_SYNONYMS`: home is interior).
_PORTFOLIOS = frozenset(_SYNONYMS.get(word, word) for word in PORTFOLIO_WORDS)
_MILITARY_RANKS = frozenset("general admiral".split())
# The level of government an office is at: a state's health secretary is not the city's.
_LEVELS = {**dict.fromkeys(("city", "municipal", "town", "metropolitan"), "city"),
           **dict.fromkeys(("state", "provincial", "regional"), "state"), **dict.fromkeys(("federal", "national"), "national")}
# Words that make a title another, lower office: a "deputy governor" is not the governor.
_RANKS = frozenset("deputy vice assistant associate under".split())
_SAID_CONTEXT = re.compile(rf"[ \t]+(?:{SPEECH_VERBS})\b")
# What news copy says of people by surname: "Marchand, 22,", "Medvedev beat ...", "Ardern resigned".
_PERSON_ACTIONS = "won|became|scored|finished|led|leads|beat|beats|defeated|lost|resigned|retired|joined|signed|praised|criticised|criticized|urged|denied|rejected"
# What an article says of someone by surname alone: "Haas said", "Josef later told", "Newsome also signed", "Piatri, a
# 22-year-old Australian", "appointed Sonko as prime minister"
_SURNAME_CONTEXT = re.compile(
    rf"[ \t]+(?:(?:{SPEECH_ADVERBS})[ \t]+)?(?:{SPEECH_VERBS})\b|[ \t]+(?:{SPEECH_ADVERBS})[ \t]+(?:{_PERSON_ACTIONS})\b"
    rf"|,[ \t]*(?:\d{{1,3}},|an?[ \t]|the[ \t])|[ \t]+as[ \t]+(?:the[ \t]+|an?[ \t]+)?(?:[a-z]+[ \t]+){{0,2}}(?:{TITLE_WORDS})\b")
_PERSON_CONTEXT = re.compile(rf",[ \t]*\d{{1,3}},|[ \t]+(?:{SPEECH_VERBS}|{_PERSON_ACTIONS})\b")
_DERIVED_SUFFIXES = ("n", "an", "ian", "s", "es", "ese", "ns", "ans")
_CAPITALISED_RUN = re.compile(rf"{NAME_TOKEN}(?:[ \t]+{NAME_TOKEN}){{1,4}}")
_ANY_CAPITALISED_RUN = re.compile(rf"{NAME_TOKEN}(?:[ \t]+{NAME_TOKEN})*")


def canonical_name(name: str) -> str:
    """NFKC, invisible (format) characters such as zero-width spaces removed, spaces collapsed: how a name is written."""
    visible = "".join(ch for ch in unicodedata.normalize("NFKC", name) if unicodedata.category(ch) != "Cf")
    return " ".join(visible.split())


def normalise_name(name: str) -> str:
    """The key names are matched by: lower-case, accents, punctuation, hyphens and spaces dropped: 'Moon Jaé-in' -> 'moonjaein'."""
    folded = unicodedata.normalize("NFKD", canonical_name(name)).encode("ascii", "ignore").decode()
    folded = re.sub(r"(?:'s|’s)$", "", folded)
    return re.sub(r"[^a-z]", "", folded.lower())


def accented_spelling(name: str) -> str:
    """Like `normalise_name` but keeping accents: two names with the same key and different spellings differ in an accent."""
    letters = unicodedata.normalize("NFC", re.sub(r"(?:'s|’s)$", "", canonical_name(name)).casefold())
    return "".join(ch for ch in letters if ch.isalpha())


def visible_text(text: str) -> tuple[str, list[int]]:
    """``text`` without invisible (format) characters, and for each of its characters the offset in ``text`` (plus one past the end)."""
    kept = [i for i, ch in enumerate(text) if unicodedata.category(ch) != "Cf"]
    return "".join(text[i] for i in kept), kept + [len(text)]


def _name_parts(name: str) -> list[tuple[str, int, int]]:
    """(key, start, end) of each word of ``name`` split at spaces and hyphens."""
    return [(normalise_name(m.group()), m.start(), m.end()) for m in re.finditer(r"[^\s\-]+", name) if normalise_name(m.group())]


def _tokens(name: str) -> list[str]:
    return [key for key, _, _ in _name_parts(name)]


def _is_part_of(name: str, alias: str) -> bool:
    """Every word of ``name`` is a word of ``alias`` ("Trump" of "Donald Trump")."""
    tokens, alias_tokens = _tokens(name), _tokens(alias)
    return bool(tokens) and all(t in alias_tokens for t in tokens)


def _short_form_of(name: str, alias: str) -> bool:
    """``name`` gives ``alias``'s given name in another form and its other words as they are: "Mike Pompeo" of
    "Michael Pompeo", "Joe Biden" of "Joseph R. Biden" (`same_given_name`); not a form one letter away, which spells
    the person's name wrong ("Hillary Costa" for "Hilary Costa")."""
    tokens, alias_tokens = _tokens(name), _tokens(alias)
    return len(tokens) > 1 and len(alias_tokens) > 1 and tokens[0] != alias_tokens[0] and same_given_name(
        tokens[0], alias_tokens[0]) and not _one_letter_apart(tokens[0], alias_tokens[0]) and all(t in alias_tokens[1:] for t in tokens[1:])


def _one_letter_apart(a: str, b: str) -> bool:
    """Whether one letter added, dropped or changed turns ``a`` into ``b`` ("hillary", "hilary")."""
    return Levenshtein.distance(a, b) == 1


# One title each, neither a secretary nor a general; a district attorney is no attorney general.
_GENERAL_TITLES = re.compile(r"\b(?:(secretary|director|attorney)[- ]general|(district)[- ]attorney)\b")
_PREMIER = re.compile(r"\bpremier\b")  # a prime minister in news copy ("the third Thai premier")


def _one_title_word(match: re.Match) -> str:
    return f"{match[1]}_general" if match[1] else f"{match[2]}_attorney"


def _role_words(role: str) -> set[str]:
    """The words of a role, each in the one spelling `_SYNONYMS` gives ("premier" is "prime minister"); "secretary" is
    "minister" beside a portfolio ("Health Secretary", "Secretary of Defense", "Secretary of State"), not alone
    ("secretary of the Supreme National Security Council", "general secretary")."""
    words = set()
    for word in re.findall(r"[A-Za-z0-9_.'’]+", _PREMIER.sub("prime minister", _GENERAL_TITLES.sub(_one_title_word, role.lower()))):
        word = re.sub(r"(?:'s|’s)$", "", word.strip(".'’"))
        if word and word not in _ROLE_STOPWORDS:
            words.add(_SYNONYMS.get(word, word))
    if "secretary" in words and (words & _PORTFOLIOS or re.search(r"\bsecretary of state\b", role.lower())):
        words = (words - {"secretary"}) | {"minister"}
    return words


def _word_matches(word: str, vocabulary: Iterable[str]) -> bool:
    """'russian' matches 'russia', 'korean' matches 'korea': demonyms share their stem."""
    for other in vocabulary:
        if word == other:
            return True
        shorter, longer = sorted((word, other), key=len)
        if len(shorter) >= 4 and longer.startswith(shorter[: max(4, len(shorter) - 1)]):
            return True
    return False


@dataclass(frozen=True)
class NameMatch:
    """A roster person a name refers to. ``exact`` is False for a misspelling; ``suggestion`` is the roster's spelling then."""

    person: Person
    exact: bool
    score: float
    suggestion: str = ""


def _matched_spelling(name: str, alias: str) -> tuple[str, bool]:
    """The part of ``alias`` whose words ``name`` gives, and whether ``name`` spells them with the same accents."""
    wanted = [key for key, _, _ in _name_parts(name)]
    parts = [(key, start, end) for key, start, end in _name_parts(alias) if key in wanted]
    if not parts:
        return alias, True
    # "Michelle Bowman" gives two words of "Michelle W. Bowman": compare those words, not the initial between them.
    spelling = " ".join(alias[start:end] for _, start, end in parts) if len(parts) < len(_name_parts(alias)) else alias[parts[0][1] : parts[-1][2]]
    written = [accented_spelling(name[start:end]) for _, start, end in _name_parts(name)]
    return spelling, [accented_spelling(alias[start:end]) for _, start, end in parts] == written


def _word_breaks(name: str) -> set[int]:
    """Where ``name``'s words (split at spaces and hyphens) start, counted in letters of its key."""
    breaks, letters = set(), 0
    for key in _tokens(name):
        breaks.add(letters)
        letters += len(key)
    return breaks - {0}


def _splits_alike(name: str, alias: str) -> bool:
    """Whether ``name`` writes ``alias``'s letters with its word breaks, some of them or more ("Moon Jae In", "Moon Jaein")."""
    ours, theirs = _word_breaks(name), _word_breaks(alias)
    return ours <= theirs or theirs <= ours


class Roster:
    """People known from the evidence and the roster file, looked up by name, alias or surname."""

    def __init__(self, people: Sequence[Person]) -> None:
        self.people = list(people)
        self._by_key: dict[str, list[Person]] = {}
        for person in self.people:
            for alias in (person.name, *person.aliases):
                named = self._by_key.setdefault(normalise_name(alias), [])
                if person not in named:
                    named.append(person)

    def __len__(self) -> int:
        return len(self.people)

    def candidates(self, name: str) -> list[Person]:
        """Everyone ``name`` may refer to: people with it as name or alias, else people whose full name holds its words
        ("Trump"), else people it names with a short form of their given name ("Mike Pompeo")."""
        key = normalise_name(name)
        if not key:
            return []
        if key in self._by_key:
            return self._by_key[key]
        named = [p for p in self.people if any(_is_part_of(name, alias) for alias in (p.name, *p.aliases))]
        return named or [p for p in self.people if any(_short_form_of(name, alias) for alias in (p.name, *p.aliases))]

    def lookup(self, name: str) -> NameMatch | None:
        """The one person ``name`` refers to (name, alias, or words of a full name such as a surname), else ``None``.

        Accents are ignored to find the person and then compared: "Macrón" finds Emmanuel Macron
        with ``exact=False`` and the suggestion "Macron". A name that fits several people (a surname
        two of them share) is ``None``: nothing can be said about which one is meant.
        """
        people = self.candidates(name)
        if len(people) != 1:
            return None
        person = people[0]
        aliases = (person.name, *person.aliases)
        spellings = [_matched_spelling(name, alias) for alias in aliases if _is_part_of(name, alias)]
        if spellings and not any(same for _, same in spellings):
            return NameMatch(person, False, 95.0, spellings[0][0])
        same_key = [alias for alias in aliases if normalise_name(alias) == normalise_name(name)]
        if not spellings and same_key and not any(_splits_alike(name, alias) for alias in same_key):
            return NameMatch(person, False, 95.0, same_key[0])  # "Moon Jaei-n": the letters of "Moon Jae-in", split elsewhere
        return NameMatch(person, True, 100.0)

    def is_shared_name(self, name: str) -> bool:
        """Whether ``name`` fits several people (a surname they share): known, but not any one person."""
        return len(self.candidates(name)) > 1

    def nearest(self, name: str, *, min_ratio: float) -> NameMatch | None:
        """The closest person by spelling or sound, when close enough to be a misspelling."""
        tokens = _tokens(name)
        if len(tokens) == 1:
            return self._nearest_single_word(tokens[0], min_ratio=min_ratio)
        best: NameMatch | None = None
        for person in self.people:
            for alias in (person.name, *person.aliases):
                alias_tokens = _tokens(alias)
                if len(alias_tokens) != len(tokens) or len(tokens) == 0:
                    continue
                ratio = fuzz.ratio(" ".join(tokens), " ".join(alias_tokens))
                if any(_derived(a, b) for a, b in zip(tokens, alias_tokens)):
                    continue  # "South Korean" is "South Korea" in another form, not a misspelling
                sounds_alike = all(
                    a == b or jellyfish.metaphone(a) == jellyfish.metaphone(b) or fuzz.ratio(a, b) >= 80 or sorted(a) == sorted(b)
                    for a, b in zip(tokens, alias_tokens)  # sorted: letters swapped, "Jae-ni" for "Jae-in"
                )
                # Every word must be close: "Kim Jong Il" is another person, not a misspelling of "Kim Jong Un".
                if not sounds_alike:
                    continue
                if ratio >= min_ratio or (ratio >= min_ratio - 15 and sounds_alike):
                    candidate = NameMatch(person, False, ratio)
                    if best is None or candidate.score > best.score:
                        best = candidate
        return best

    def _nearest_single_word(self, word: str, *, min_ratio: float) -> NameMatch | None:
        """A lone surname ("Powel") against the words of every full name; short words are too ambiguous."""
        if len(word) < 5:
            return None
        best: NameMatch | None = None
        for person in self.people:
            for part in _tokens(person.name):
                if len(part) < 5 or part == word:
                    continue
                ratio = fuzz.ratio(word, part)
                # near enough and alike in sound, or the same letters with two swapped ("Sphor" for "Spohr")
                alike = jellyfish.metaphone(word) == jellyfish.metaphone(part) or sorted(word) == sorted(part)
                if ratio >= min_ratio or (ratio >= min_ratio - 10 and alike):
                    surname = next(t for t in re.split(r"[\s\-]+", person.name) if normalise_name(t) == part)
                    candidate = NameMatch(Person(surname, (), person.role, person.organisation, person.source_ids, person.other_roles), False, ratio)
                    if best is None or candidate.score > best.score:
                        best = candidate
        return best

    def merged_with(self, other: "Roster") -> "Roster":
        """People of both rosters; a person in ``self`` (e.g. the roster file) keeps its name and role first, and the
        roles ``other`` (e.g. the evidence) gives the same person are on record too ("opposition leader Ousmane Sonko"
        in a passage, "prime minister" in the file)."""
        people = list(self.people)
        for person in other.people:
            # "Billionaire Jared Isaacman", as a sentence of the evidence begins, is the file's "Jared Isaacman"
            known = self.candidates(person.name) or [p for p in self.people if _is_part_of(p.name, person.name)]
            if not known:
                people.append(person)
            elif len(known) == 1:
                at = self.people.index(known[0])
                people[at] = _also_on_record(people[at], person.roles, person.source_ids)
        return Roster(people)


def _also_on_record(person: Person, roles: Sequence[str], source_ids: Sequence[str]) -> Person:
    """``person`` with the ``roles`` and ``source_ids`` it does not have yet added after its own."""
    more = tuple(dict.fromkeys(role for role in roles if role and role not in person.roles))
    sources = tuple(dict.fromkeys(i for i in source_ids if i not in person.source_ids))
    return replace(person, other_roles=person.other_roles + more, source_ids=person.source_ids + sources)


def read_roster_csv(path: str | Path) -> Roster:
    """Read ``name,aliases,role,organisation`` rows (aliases separated by ``|``)."""
    path = Path(path)
    people = []
    with open_text(path, "roster") as handle:  # a directory, a missing file or undecodable text: one InputError
        reader = csv.DictReader(handle)
        if not reader.fieldnames or "name" not in reader.fieldnames:
            raise InputError(f'{path}: roster CSV needs a "name" column, got {reader.fieldnames}')
        for number, row in enumerate(reader, start=2):
            name = (row.get("name") or "").strip()
            if not name:
                raise InputError(f"{path}:{number}: roster row has no name")
            aliases = tuple(a.strip() for a in (row.get("aliases") or "").split("|") if a.strip())
            people.append(
                Person(name, aliases, (row.get("role") or "").strip(), (row.get("organisation") or "").strip(), (f"roster:{number}",))
            )
    return Roster(people)


def _longest_names_first(names: dict[str, Person]) -> list[Person]:
    return sorted(names.values(), key=lambda p: -len(p.name))


def capitalised_names(text: str) -> list[tuple[int, int, str]]:
    """(start, end, name) of every run of two to four capitalised words, titles stripped: name candidates."""
    found = []
    for match in _CAPITALISED_RUN.finditer(text):
        name, offset = name_without_titles(match.group())
        tokens = name.split()
        while tokens and (tokens[0] in NON_NAME_WORDS or re.search(r"(?:'s|’s)$", tokens[0])):
            offset += len(tokens[0]) + 1  # "France's Léon Marchand": the owner is not part of the name
            tokens = tokens[1:]
        if 2 <= len(tokens) <= 4:
            name = " ".join(tokens)
            start = match.start() + offset
            found.append((start, start + len(name), name))
    return found


def lone_words_before(text: str, context: re.Pattern) -> list[tuple[int, int, str]]:
    """Single capitalised words (not part of a longer name) that ``context`` follows: "Marchand, 22,"."""
    found = []
    for match in _ANY_CAPITALISED_RUN.finditer(text):
        word = match.group()
        if " " not in word and "\t" not in word and word not in NON_NAME_WORDS and context.match(text, match.end()):
            found.append((match.start(), match.end(), word))
    return found


# Stored with each passage's names; bump it when `names_in_passages` finds other names, roles or quotations.
# 2: roles keep a portfolio, rank or "former" ("finance minister", "former U.S. Treasury Secretary") and two titles
# joined by "and" ("chairman and chief executive officer"); 3: a title before the name and a role after it are two
# roles ("SPD chancellor candidate Olaf Scholz, Germany's finance minister"); 4: "Secretary-General" is one title;
# 5: "Dr" is no role, a role before the name in commas ("Iran's foreign minister, Ali Shamkhani,") and "served as"...;
# 6: "premier" in lower case is a title, and a role after the name runs on to "of the state of North Rhine-Westphalia";
# 7: speakers after a role owned by a place ("said Maryland's governor, Wes Moore") and before an unclosed quotation's end;
# 8: names with lower-case particles ("Ursula von der Leyen"), a speaker in commas before "told reporters:"; 9: a role
# stops before "of X's" ("chief executive of Constellation's one-time parent"); 10: a surname alone after the full name
# is a mention ("Le Pen, who called the ruling ..."); 11: "Prince" alone is a form of address, no role; 12: "X, who as
# social services minister took ..." records a past role; 13: a role before a name starts after "by" or "from"
# ("outside City Hall by Mayor Eric Garcetti"); 14: no speaker after "told" ("Sunak told MPs"), one after a role with no
# comma ("said IMF spokesperson Julie Kozack"), no role from a speech verb ("Corbyn, said the prime minister") or a
# deed ("who led the talks alongside ..."), and a role owned by a titled person ("Prime Minister Abiy Ahmed's adviser");
# 15: a hyphenated title after the name in commas ("Odinga, a former vice-president"); 16: a relative's name ("his
# great-uncle Eisaku Sato") and no role holding another titled name ("Ishiba, the party's policy chief Fumio Kishida");
# 17: a speaker whose age follows the name ("Luxon, 53, a former chief executive of Air New Zealand, told"), and no
# role before a name runs across "under", "at", "in" ... ("the WHO under President Donald Trump"); a surname alone with a
# role is kept ("Isaacman, the mission commander"); "the Dane told reporters" names no speaker; "chief" is a title
# ("Vienna's police chief, Franz Ruf"), more portfolios ("infrastructure minister"), the level of a role before the
# name ("Rio state's health secretary, Daniel Soranz"), names starting with an accented capital ("Cem Özdemir"),
# bodies as speakers ("the company said"), descriptions as none ("the 63-year-old Democrat said"), no role after the
# name that starts with "and" ("Kevin Rudd, and its high commissioner to Britain, Stephen Smith"); 18: a speaker before
# a word and the speech verb ("DeSantis had said", "Josef later told"); 25: a quotation a named person calls, hails,
# describes or wishes is theirs ("Billie Jean King ... wished her “the best …”").
NAMES_VERSION = 25


@dataclass(frozen=True)
class PassageNames:
    """What one passage says about people, found once when the evidence is indexed and stored with it."""

    people: tuple[tuple[str, str], ...] = ()  # (name, role): people named by a title, a role or spaCy, two words or more
    capitalised: tuple[str, ...] = ()  # capitalised runs of 2-4 words: people when the evidence uses their last word alone
    lone_words: tuple[str, ...] = ()  # single capitalised words before "said", "won", ", 22,": how news copy names people
    quotes: tuple[tuple[str, str], ...] = ()  # (quotation, speaker the passage's text names, or "")

    def to_json(self) -> str:
        return json.dumps([self.people, self.capitalised, self.lone_words, self.quotes, NAMES_VERSION], ensure_ascii=False)

    @staticmethod
    def is_current(data: str | None) -> bool:
        """Whether stored `to_json` output was found by this version of the name finder (else find the names again)."""
        if not data:
            return False
        stored = json.loads(data)
        return len(stored) == 5 and stored[4] == NAMES_VERSION

    @classmethod
    def from_json(cls, data: str | None) -> "PassageNames":
        if not data:
            return cls()
        people, capitalised, lone_words, quotes = json.loads(data)[:4]
        return cls(tuple(map(tuple, people)), tuple(capitalised), tuple(lone_words), tuple(map(tuple, quotes)))


@dataclass(frozen=True)
class EvidenceQuote:
    """A quotation in the evidence and who said it (the passage's ``speaker`` field, else the speaker its text names)."""

    text: str
    speaker: str
    passage_id: str


# Two capitalised words in a row, or one with a role after it in commas ("Isaacman, the mission commander")
_NAME_RUN = re.compile(rf"{NAME_TOKEN}(?:[ \t]+{NAME_TOKEN}|,[ \t]+(?:the|a|an)[ \t])")


def needs_parsing(text: str) -> bool:
    """Whether finding the people and quotations of ``text`` takes spaCy: it has two capitalised words in a row, a
    capitalised word with a role after it, or a quotation mark."""
    return bool(_NAME_RUN.search(text)) or any(mark in text for mark in QUOTE_MARKS)


def lone_words(text: str) -> tuple[str, ...]:
    """The single capitalised words ``text`` uses of people ("Marchand, 22, won"): regular expressions only."""
    return tuple(dict.fromkeys(word for _, _, word in lone_words_before(text, _PERSON_CONTEXT)))


def quoted_spans(text: str) -> tuple[str, ...]:
    """The words inside each quotation of ``text``, as `attribute_quotes` cuts them, without finding the speakers (no spaCy)."""
    return tuple(text[start:end] for start, end, _, _ in find_quote_spans(text))


def quote_rows(passage: Passage) -> list[tuple[str, str, str]]:
    """(passage id, quotation, speaker) of each quotation in the passage, found without spaCy: speaker "" unless the
    passage has a ``speaker`` field (its text may name one: `names_in_passages`); a passage with a ``speaker`` and no
    quotation marks is all their words, as in `evidence_quotes`."""
    spans = quoted_spans(passage.text) if any(mark in passage.text for mark in QUOTE_MARKS) else ()
    if passage.speaker and not spans:
        return [(passage.id, passage.text, passage.speaker)]
    return [(passage.id, span, passage.speaker) for span in spans]


def names_in_passages(texts: Sequence[str]) -> list[PassageNames]:
    """The `PassageNames` of each text. Texts without two capitalised words in a row name nobody and skip spaCy."""
    named = [i for i, text in enumerate(texts) if needs_parsing(text)]
    mentions = dict(zip(named, mentions_in_texts([texts[i] for i in named])))
    found = []
    for i, text in enumerate(texts):
        people = tuple((m.text, m.role) for m in mentions.get(i, ()) if len(_tokens(m.text)) >= 2 or m.role)  # "Isaacman, the mission commander
        capitalised = tuple(dict.fromkeys(name for _, _, name in capitalised_names(text))) if i in mentions else ()
        lone = lone_words(text)
        quotes = ()
        if any(mark in text for mark in QUOTE_MARKS):
            quotes = tuple((q.text, q.speaker if q.speaker_kind == "name" else "") for q in attribute_quotes(text, split_sentences(text)))
        found.append(PassageNames(people, capitalised, lone, quotes))
    return found


def evidence_quotes(passage: Passage, names: PassageNames) -> list[EvidenceQuote]:
    """The attributed quotations of a passage; a passage with a ``speaker`` and no quotation marks is all their words."""
    found = [EvidenceQuote(text, passage.speaker or speaker, passage.id) for text, speaker in names.quotes if passage.speaker or speaker]
    if passage.speaker and not names.quotes:
        found.append(EvidenceQuote(passage.text, passage.speaker, passage.id))
    return found


def roster_from_names(passages: Sequence[Passage], names: Sequence[PassageNames], standalone: set[str]) -> Roster:
    """People the passages name: ``speaker`` fields and full names (two words or more) with the roles given them.

    ``standalone`` holds the single words the evidence uses of people (``PassageNames.lone_words``
    of the whole set): a capitalised name spaCy missed ("Léon Marchand won ...") is a person when
    the evidence also names them by its last word alone ("Marchand, 22, won"), as news copy does.
    The same person spelt two ways (accents) keeps both spellings as aliases.
    """
    people: dict[str, Person] = {}

    def add(name: str, role: str, passage_id: str) -> None:
        name = canonical_name(name)
        if len(_tokens(name)) < 2:
            return  # a lone surname is not enough to define a person
        key = normalise_name(name)
        known = people.get(key)
        if known is None:
            people[key] = Person(name, (), role, "", (passage_id,))
            return
        aliases = known.aliases + ((name,) if name not in (known.name, *known.aliases) else ())
        sources = known.source_ids + ((passage_id,) if passage_id not in known.source_ids else ())
        others = known.other_roles + ((role,) if role and known.role and role not in (known.role, *known.other_roles) else ())
        people[key] = Person(known.name, aliases, known.role or role, known.organisation, sources, others)

    for passage, found in zip(passages, names):
        if passage.speaker:
            add(passage.speaker, "", passage.id)
        for name, role in found.people:
            add(name, role, passage.id)
    for passage, found in zip(passages, names):
        for name, role in found.people:
            # "Isaacman, the mission commander and the founder of ... Shift4": a role given by surname alone is the
            # role of the one person of that surname
            surname = normalise_name(name)
            named = sorted((key for key, person in people.items() if normalise_name(_tokens(person.name)[-1]) == surname), key=len)
            # one person, written in full once more with a word before it ("Billionaire Jared Isaacman")
            if role and len(_tokens(name)) == 1 and named and all(key.endswith(named[0]) for key in named[1:]):
                if role not in people[named[0]].roles:
                    people[named[0]] = _also_on_record(people[named[0]], (role,), (passage.id,))
    for passage, found in zip(passages, names):
        for name in found.capitalised:
            if name.split()[-1] in standalone and normalise_name(name) not in people:
                add(name, "", passage.id)
    # Surnames need no alias: `Roster.candidates` accepts any subset of a full name's words.
    return Roster(_longest_names_first(people))


def roster_from_evidence(passages: Sequence[Passage]) -> Roster:
    """The roster of everyone a (small, in-memory) evidence set names; indexed sets store `PassageNames` instead."""
    names = names_in_passages([p.text for p in passages])
    return roster_from_names(passages, names, {word for found in names for word in found.lone_words})


def quotes_in_evidence(passages: Sequence[Passage]) -> list[EvidenceQuote]:
    """Every attributed quotation of a (small, in-memory) evidence set."""
    return [q for p, names in zip(passages, names_in_passages([p.text for p in passages])) for q in evidence_quotes(p, names)]


class NameStore(Protocol):
    """What attribution reads from an evidence index (`pipeline.evidence.EvidenceIndex`)."""

    def names_of(self, passage_ids: Iterable[str]) -> list[tuple[Passage, PassageNames]]: ...

    def standalone_words(self, words: Iterable[str]) -> set[str]: ...

    def quotes_like(self, text: str, *, limit: int) -> list[EvidenceQuote]: ...


def relevant_evidence(
    store: NameStore, retrieved: Iterable[Passage], article_quotes: Sequence[Quote], *, quotes_per_quote: int = 10
) -> tuple[Roster, list[EvidenceQuote]]:
    """The people and quotations an article is checked against, found through the index, never by scanning it.

    People: those named in the passages retrieved for the article's claims and in the passages
    holding evidence quotations like the article's (the full-text index of quotations finds those).
    A name anywhere else in the archive is nobody this article can mean.
    """
    quotes = list(dict.fromkeys(q for quote in article_quotes if len(quote.text) >= 20 for q in store.quotes_like(quote.text, limit=quotes_per_quote)))
    ids = list(dict.fromkeys([p.id for p in retrieved] + [q.passage_id for q in quotes]))
    rows = store.names_of(ids)
    passages, names = [p for p, _ in rows], [n for _, n in rows]
    standalone = store.standalone_words({name.split()[-1] for found in names for name in found.capitalised})
    return roster_from_names(passages, names, standalone), quotes


_PAST_ROLE = re.compile(r"\b(?:former|formerly|then|ex|served as|who as)\b", re.IGNORECASE)
def _role_conflict(article_role: str, person: Person) -> str | None:
    """The first word of the article's role that the roster's role and organisation rule out, when every role on
    record rules it out (the evidence may call one person "captain" in one passage and "flanker" in another). A past
    role ("former ...") is compared with the past roles on record only."""
    roles = person.roles
    if _PAST_ROLE.search(article_role):
        # "a former army captain": the record's present role does not rule out a past one, its past roles do
        roles = tuple(role for role in roles if _PAST_ROLE.search(role))
        if not roles:
            return None
    # the organisation is the roster file's, of its role; a role from the evidence names its own
    conflicts = [_conflict_with(article_role, f"{role} {person.organisation}" if role == person.role else role) for role in roles]
    return conflicts[0] if all(conflicts) else None


# Where a description of someone stops giving their post: a relative clause telling what they did ("the Italian
# Socialist who steered the bill through Parliament"; not "who heads NASA's Science Mission Directorate", a post), or
# one with another person as its subject ("the far-right politician Boric beat in the runoff").
_DEED_CLAUSE = re.compile(
    r"\s+(?:(?:who|whom|which|that)\b(?!\s+(?:heads|headed|leads|led|runs|ran|chairs|chaired|directs|directed|oversees|oversaw|"
    r"manages|managed|is|was|has|had|serves|served)\b)|(?<=[a-z]\s)[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?\s+(?:[a-z]+ed|beat|won|lost|chose)\b)")


def _post_described(role: str) -> str:
    """``role`` up to a clause that tells what the person did rather than their post (`_DEED_CLAUSE`)."""
    match = _DEED_CLAUSE.search(role)
    return role[:match.start()] if match else role


def _conflict_with(article_role: str, on_record: str) -> str | None:
    """The first word of the article's role that one role on record (with its organisation) rules out.

    Titles must agree when both sides give one; other words count only when capitalised in
    the article (organisations, places, nationalities), since "veteran" or "top" say nothing.
    """
    article_role = _post_described(article_role)
    article_role, on_record = abbreviated_as(article_role, on_record), abbreviated_as(on_record, article_role)
    known = _role_words(on_record)
    if not known:
        return None
    claimed = _role_words(article_role)
    if _exchequer(claimed, known) or _exchequer(known, claimed):
        return None
    if claimed <= _MILITARY_RANKS or known <= _MILITARY_RANKS:
        return None  # a military rank alone goes with any post ("General Waker-Uz-Zaman", the army chief)
    titles_claimed = claimed & _TITLE_KEYWORDS
    titles_known = known & _TITLE_KEYWORDS
    if titles_claimed and titles_known and not titles_claimed & titles_known:
        heads = _heads_alike(titles_claimed, article_role, known) or _heads_alike(titles_known, on_record, claimed)
        if not heads and not any(_word_matches(t, titles_known) for t in titles_claimed):
            return sorted(titles_claimed)[0]
    officers = _chief_officer(article_role), _chief_officer(on_record)
    if None not in officers and officers[0] != officers[1]:
        return officers[0]  # "chief medical officer" for the chief executive
    levels_claimed, levels_known = {_LEVELS[w] for w in claimed if w in _LEVELS}, {_LEVELS[w] for w in known if w in _LEVELS}
    if levels_claimed and levels_known and not levels_claimed & levels_known:
        return next(w for w in sorted(claimed) if w in _LEVELS)  # "state health secretary" for the municipal one
    portfolios_claimed, portfolios_known = claimed & _PORTFOLIOS, known & _PORTFOLIOS
    if portfolios_claimed and portfolios_known and not portfolios_claimed & portfolios_known:
        return sorted(portfolios_claimed)[0]
    if _one_title(article_role) and _one_title(on_record) and titles_claimed == titles_known and claimed & _RANKS != known & _RANKS:
        added_rank = sorted(claimed & _RANKS - known)  # "deputy governor" for the governor; else the deputy called "governor"
        return added_rank[0] if added_rank else sorted(titles_claimed)[0]
    if not re.search(r"[A-Z]", on_record):
        return None  # no affiliation on record to compare with
    capitalised = {_SYNONYMS.get(w.lower().strip(".'’"), w.lower().strip(".'’")) for w in re.findall(r"\b[A-Z][\w’'.]*", article_role)}
    claimed_words = _role_words(article_role)
    known_capitalised = {
        _SYNONYMS.get(w.lower().strip(".'’"), w.lower().strip(".'’")) for w in re.findall(r"\b[A-Z][\w’'.]*", on_record)
    }
    # Both sides must name something the other does not: "Federal Reserve Chair" against
    # "Fed Chair" is one body named two ways; "Harvard" against "University of Pennsylvania" is not.
    known_unmatched = [w for w in known_capitalised - _TITLE_KEYWORDS - _ROLE_STOPWORDS if len(w) > 2 and not _word_matches(w, claimed_words)]
    if not known_unmatched:
        return None
    for word in sorted(capitalised - _TITLE_KEYWORDS):
        word = re.sub(r"(?:'s|’s)$", "", word)
        if len(word) > 2 and word not in _ROLE_STOPWORDS and not _word_matches(word, known):
            return word
    return None


# Titles of whoever heads a body, which a desk calls its "chief" ("police chief" for the Police Director General, "UN
# chief" for the Secretary-General, "ECB chief" for its President).
_HEAD_TITLES = frozenset("chief leader director director_general commissioner chairman president governor secretary_general superintendent".split())


def _heads_alike(titles: set[str], role: str, other_words: set[str]) -> bool:
    """Whether ``role`` calls someone only a body's "chief" (no chief officer: "police chief", not "chief
    executive"), the other role's words give a title of one who heads a body, and every other word of ``role`` is
    among them ("national police chief" for the "Police Director General, Haitian National Police"; not "Vienna's police
    chief" for the interior ministry's "director general for public security")."""
    if titles != {"chief"} or _chief_officer(role) is not None or not other_words & _HEAD_TITLES:
        return False
    return all(_word_matches(word, other_words) for word in _role_words(role) - _TITLE_KEYWORDS)


_CHIEF_OFFICER = re.compile(r"\bchief[ \t]+(executive|[a-z]+(?:[ \t]+[a-z]+)?(?=[ \t]+officer\b))|\b(ceo)\b", re.IGNORECASE)  # "chief global affairs officer"


def _chief_officer(role: str) -> str | None:
    """What a company officer's title says they run: "executive" for "chief executive (officer)" or "CEO", "medical"
    for "chief medical officer"; None for no such title."""
    match = _CHIEF_OFFICER.search(role)
    return None if match is None else "executive" if match[2] else match[1].lower()


def _exchequer(chancellor: set[str], minister: set[str]) -> bool:
    """Whether role words ``chancellor`` are Britain's "Chancellor" (of the Exchequer) and ``minister`` a finance
    minister's: one office ("Chancellor Rishi Sunak", "finance minister Rishi Sunak"); a German chancellor is none."""
    return chancellor & _TITLE_KEYWORDS == {"chancellor"} and chancellor <= {"chancellor", "finance", "britain"} and (
        minister & _TITLE_KEYWORDS == {"minister"} and "finance" in minister)


def _one_title(role: str) -> bool:
    """Whether ``role`` names one office ("deputy prime minister and foreign minister" names two)."""
    words = [_SYNONYMS.get(w, w) for w in re.findall(r"[a-z]+", role.lower())]
    return sum(w in _TITLE_KEYWORDS for w in words) == 1


def _describe(person: Person) -> str:
    roles = " or ".join(role for role in person.roles if role)
    return ", ".join(part for part in (roles, person.organisation) if part) or "no role on record"


class AttributionChecker:
    """Compare the people, roles and quotations of an article with a roster and the evidence's quotations."""

    def __init__(
        self, roster: Roster, quotes: Sequence[EvidenceQuote] = (), *, name_similarity: float = 85, quote_similarity: float = 80
    ) -> None:
        if not 0 < name_similarity <= 100:
            raise ValueError(f"name_similarity must be in (0, 100], got {name_similarity}")
        self.roster = roster
        self.quotes = list(quotes)
        self.name_similarity = name_similarity
        self.quote_similarity = quote_similarity

    def run(self, article: Article, segmentation: Segmentation) -> list[Flag]:
        flags: list[Flag] = []
        flags.extend(self.check_names(article, segmentation.mentions, segmentation.quotes))
        flags.extend(self.check_roles(article, segmentation.mentions, segmentation.quotes))
        flags.extend(self.check_quote_speakers(article, segmentation.quotes))
        return _dedupe(flags)

    def _named_spans(self, mentions: Sequence[Mention], quotes: Sequence[Quote]) -> list[tuple[int, int, str, str]]:
        spans = [(m.start, m.end, m.text, m.role) for m in mentions]
        for quote in quotes:
            if quote.speaker_kind == "name" and quote.speaker_start is not None:
                spans.append((quote.speaker_start, quote.speaker_end, quote.speaker, quote.speaker_role or ""))
        return spans

    def _name_flag(self, article: Article, start: int, end: int, name: str) -> Flag | None:
        """A ``name_misspelling`` for ``name`` at ``start:end``, or ``None`` when it is spelt as the roster spells someone."""
        match = self.roster.lookup(name)
        if (match is not None and match.exact) or (match is None and self.roster.is_shared_name(name)):
            return None
        if match is not None:  # the person's name with an accent missing, added or changed
            person, suggestion, score = match.person, match.suggestion, match.score
            differs = "the accents differ" if accented_spelling(name) != accented_spelling(suggestion) else "the words are split differently"
            message = f'"{name}" is spelt "{suggestion}" in the evidence ({_describe(person)}): {differs}.'
        else:
            near = self.roster.nearest(name, min_ratio=self.name_similarity)
            if near is None:
                return None
            person, suggestion, score = near.person, near.person.name, near.score
            message = f'"{name}" is not a name in the evidence; did you mean "{suggestion}" ({_describe(person)})?'
        return Flag(
            type="name_misspelling",
            claim_id=None,
            start=start,
            end=end,
            text=article.text[start:end],
            message=message,
            suggestion=suggestion,
            confidence=round(score / 100, 3),
            evidence_ids=person.source_ids,
        )

    def check_names(self, article: Article, mentions: Sequence[Mention], quotes: Sequence[Quote]) -> list[Flag]:
        spans = [(start, end, name) for start, end, name, _ in self._named_spans(mentions, quotes)]
        # Any capitalised run may be a name spaCy missed; only near misses of roster names are flagged.
        # They are read with invisible characters removed ("Heather\u200b Nuart" is "Heather Nuart").
        visible, offsets = visible_text(article.text)
        found = capitalised_names(visible) + lone_words_before(visible, _SURNAME_CONTEXT)
        spans += [(offsets[start], offsets[end - 1] + 1, name) for start, end, name in found]
        flags = (self._name_flag(article, start, end, name) for start, end, name in spans)
        return [flag for flag in flags if flag is not None]

    def _resolve(self, name: str) -> Person | None:
        match = self.roster.lookup(name) or self.roster.nearest(name, min_ratio=self.name_similarity)
        return match.person if match else None

    def check_roles(self, article: Article, mentions: Sequence[Mention], quotes: Sequence[Quote]) -> list[Flag]:
        flags = []
        flagged_names: set[int] = set()
        for start, end, name, role in sorted(self._named_spans(mentions, quotes), key=lambda span: -len(span[3])):
            if start in flagged_names:
                continue
            person = self._resolve(name) if role else None
            conflict = _role_conflict(role, person) if person else None
            if person is None or conflict is None:
                continue
            flagged_names.add(start)
            role_start = article.text.find(role, max(0, start - len(role) - 10))
            span_start, span_end = (min(start, role_start), max(end, role_start + len(role))) if role_start >= 0 else (start, end)
            flags.append(
                Flag(
                    type="misattribution",
                    claim_id=None,
                    start=span_start,
                    end=span_end,
                    text=article.text[span_start:span_end],
                    message=f'The article calls {person.name} "{role}"; the record says {_describe(person)} ("{conflict}" does not fit).',
                    suggestion=f"{person.name}, {_describe(person)}",
                    confidence=0.8,
                    evidence_ids=person.source_ids,
                )
            )
        return flags

    def check_quote_speakers(self, article: Article, quotes: Sequence[Quote]) -> list[Flag]:
        flags = []
        for quote in quotes:
            if not quote.speaker or quote.speaker_start is None or len(quote.text) < 20:
                continue
            credited = self._resolve(quote.speaker) if quote.speaker_kind == "name" else None
            role_word = quote.speaker.split()[-1].lower() if quote.speaker_kind == "role" else None
            for evidence in self.quotes:
                if _quote_similarity(quote.text, evidence.text) < self.quote_similarity:
                    continue
                true_speaker = self._resolve(evidence.speaker)
                if true_speaker is None:
                    break
                if role_word is not None:
                    if _word_matches(_SYNONYMS.get(role_word, role_word), _role_words(" ".join(true_speaker.roles))):
                        break
                elif credited is None or _same_person(quote.speaker, true_speaker.name) or _same_person(credited.name, true_speaker.name):
                    break  # "Trump" for the evidence's "Donald Trump" is the same person
                flags.append(
                    Flag(
                        type="misattribution",
                        claim_id=None,
                        start=quote.speaker_start,
                        end=quote.speaker_end,
                        text=article.text[quote.speaker_start : quote.speaker_end],
                        message=f'The quotation "{_short(quote.text)}" is credited to {quote.speaker}; the evidence credits it to {true_speaker.name}.',
                        suggestion=true_speaker.name,
                        confidence=0.9,
                        evidence_ids=(evidence.passage_id,),
                    )
                )
                break
        return flags


def _derived(a: str, b: str) -> bool:
    """One word is the other plus a demonym or plural ending (korea/korean, russia/russians)."""
    shorter, longer = sorted((a, b), key=len)
    suffix = longer[len(shorter) :]
    if suffix == "n" and shorter[-1:] not in ("a", "e", "i", "o", "u", "y"):
        return False  # korea/korean, kenya/kenyan; "Holzman" is "Holzmann" misspelt
    return shorter != longer and longer.startswith(shorter) and suffix in _DERIVED_SUFFIXES


def _same_person(a: str, b: str) -> bool:
    """One name is the other or a part of it ("Powell" and "Jerome Powell")."""
    tokens_a, tokens_b = set(_tokens(a)), set(_tokens(b))
    return bool(tokens_a) and bool(tokens_b) and (tokens_a <= tokens_b or tokens_b <= tokens_a)


def _quote_similarity(article_quote: str, evidence_text: str) -> float:
    a, b = _normalise_quote(article_quote), _normalise_quote(evidence_text)
    if len(a) < 10 or len(b) < 10:
        return 0.0
    return fuzz.partial_ratio(a, b) if len(a) <= len(b) else fuzz.partial_ratio(b, a) * min(1.0, len(b) / len(a) * 1.5)


def _normalise_quote(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s]", "", canonical_name(text).lower())).strip()


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _dedupe(flags: list[Flag]) -> list[Flag]:
    seen: dict[tuple[str, int, int], Flag] = {}
    for flag in flags:
        seen.setdefault((flag.type, flag.start, flag.end), flag)
    return sorted(seen.values(), key=lambda f: (f.start, f.type))
