"""Attribution: who is named, how their names and roles are spelled, and who said what.

A roster of people is built from the evidence set (the ``speaker`` field and the people
its passages name, with the roles they give them) and an optional roster CSV. Names in
the article are compared with it: exact or alias matches pass; a near miss by edit
distance or by sound is a ``name_misspelling``; a role the roster contradicts, or a
quotation the evidence credits to someone else, is a ``misattribution``.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import jellyfish
from rapidfuzz import fuzz

from pipeline.errors import InputError
from pipeline.io import open_text
from pipeline.segment import (
    _NON_NAME_WORDS,
    NAME_TOKEN,
    SPEECH_VERBS,
    Mention,
    Segmentation,
    _clean_name,
    attribute_quotes,
    find_mentions,
    split_sentences,
)
from pipeline.types import Article, Flag, Passage, Person, Quote

_ROLE_STOPWORDS = frozenset(
    "the a an of for at to in on and u.s us united states said says former then current acting its his her their "
    "said by from as with".split()
)
_SYNONYMS = {
    "spokesman": "spokesperson", "spokeswoman": "spokesperson", "chairwoman": "chairman", "chair": "chairman",
    "head": "leader", "ceo": "chief", "executive": "chief", "fed": "federal", "advisor": "adviser",
}
_TITLE_KEYWORDS = frozenset(
    "president minister secretary spokesperson chancellor governor senator mayor ambassador general chairman "
    "director commissioner judge justice king queen prince princess pope leader coach captain premier treasurer "
    "chief representative admiral professor founder economist adviser analyst editor manager".split()
)
_SAID_CONTEXT = re.compile(rf"[ \t]+(?:{SPEECH_VERBS})\b")
# What news copy says of people by surname: "Marchand, 22,", "Medvedev beat ...", "Ardern resigned".
_PERSON_ACTIONS = "won|became|scored|finished|led|leads|beat|beats|defeated|lost|resigned|retired|joined|signed|praised|criticised|criticized|urged|denied|rejected"
_PERSON_CONTEXT = re.compile(rf",[ \t]*\d{{1,3}},|[ \t]+(?:{SPEECH_VERBS}|{_PERSON_ACTIONS})\b")
_DERIVED_SUFFIXES = ("n", "an", "ian", "s", "es", "ese", "ns", "ans")
_CAPITALISED_RUN = re.compile(rf"{NAME_TOKEN}(?:[ \t]+{NAME_TOKEN}){{1,4}}")
_ANY_CAPITALISED_RUN = re.compile(rf"{NAME_TOKEN}(?:[ \t]+{NAME_TOKEN})*")


def normalise_name(name: str) -> str:
    """Lower-case, accents and punctuation removed, hyphens and spaces dropped: 'Moon Jae-in' -> 'moonjaein'."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    folded = re.sub(r"(?:'s|’s)$", "", folded)
    return re.sub(r"[^a-z]", "", folded.lower())


def _tokens(name: str) -> list[str]:
    return [normalise_name(t) for t in re.split(r"[\s\-]+", name) if normalise_name(t)]


def _role_words(role: str) -> set[str]:
    words = set()
    for word in re.findall(r"[A-Za-z.'’]+", role.lower()):
        word = re.sub(r"(?:'s|’s)$", "", word.strip(".'’"))
        if word and word not in _ROLE_STOPWORDS:
            words.add(_SYNONYMS.get(word, word))
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
    person: Person
    exact: bool
    score: float


class Roster:
    """People known from the evidence and the roster file, looked up by name, alias or surname."""

    def __init__(self, people: Sequence[Person]) -> None:
        self.people = list(people)
        self._by_key: dict[str, Person] = {}
        for person in self.people:
            for alias in (person.name, *person.aliases):
                self._by_key.setdefault(normalise_name(alias), person)

    def __len__(self) -> int:
        return len(self.people)

    def lookup(self, name: str) -> NameMatch | None:
        """Exact match (name, alias, or a sub-sequence of a full name's words, e.g. a surname) or ``None``."""
        key = normalise_name(name)
        if not key:
            return None
        if key in self._by_key:
            return NameMatch(self._by_key[key], True, 100.0)
        tokens = _tokens(name)
        for person in self.people:
            for alias in (person.name, *person.aliases):
                alias_tokens = _tokens(alias)
                if tokens and all(t in alias_tokens for t in tokens):
                    return NameMatch(person, True, 100.0)
        return None

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
                    a == b or jellyfish.metaphone(a) == jellyfish.metaphone(b) or fuzz.ratio(a, b) >= 80
                    for a, b in zip(tokens, alias_tokens)
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
                if ratio >= min_ratio or (ratio >= min_ratio - 10 and jellyfish.metaphone(word) == jellyfish.metaphone(part)):
                    surname = next(t for t in re.split(r"[\s\-]+", person.name) if normalise_name(t) == part)
                    candidate = NameMatch(Person(surname, (), person.role, person.organisation, person.source_ids), False, ratio)
                    if best is None or candidate.score > best.score:
                        best = candidate
        return best

    def merged_with(self, other: "Roster") -> "Roster":
        """People of both rosters; a person in ``self`` (e.g. the roster file) wins over one in ``other``."""
        people = list(self.people)
        for person in other.people:
            if self.lookup(person.name) is None:
                people.append(person)
        return Roster(people)


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
        name, offset = _clean_name(match.group())
        tokens = name.split()
        while tokens and (tokens[0] in _NON_NAME_WORDS or re.search(r"(?:'s|’s)$", tokens[0])):
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
        if " " not in word and "\t" not in word and word not in _NON_NAME_WORDS and context.match(text, match.end()):
            found.append((match.start(), match.end(), word))
    return found


def roster_from_evidence(passages: Sequence[Passage]) -> Roster:
    """People named in the evidence: ``speaker`` fields and full names (two words or more) in the text."""
    people: dict[str, Person] = {}

    def add(name: str, role: str, passage_id: str) -> None:
        if len(_tokens(name)) < 2:
            return  # a lone surname is not enough to define a person
        key = normalise_name(name)
        known = people.get(key)
        if known is None:
            people[key] = Person(name, (), role, "", (passage_id,))
        elif role and not known.role:
            people[key] = Person(known.name, known.aliases, role, known.organisation, known.source_ids + (passage_id,))

    for passage in passages:
        if passage.speaker:
            add(passage.speaker, "", passage.id)
        for mention in find_mentions(passage.text):
            add(mention.text, mention.role, passage.id)
    # Full names spaCy missed ("Léon Marchand won ..."): a capitalised name whose last word
    # the evidence also uses on its own ("Marchand, 22, won"), as news copy does for people.
    standalone = Counter(word for p in passages for _, _, word in lone_words_before(p.text, _PERSON_CONTEXT))
    for passage in passages:
        for _, _, name in capitalised_names(passage.text):
            if standalone[name.split()[-1]] and normalise_name(name) not in people:
                add(name, "", passage.id)
    # Surnames need no alias: `Roster.lookup` accepts any subset of a full name's words.
    return Roster(_longest_names_first(people))


def _role_conflict(article_role: str, person: Person) -> str | None:
    """The first word of the article's role that the roster's role and organisation rule out.

    Titles must agree when both sides give one; other words count only when capitalised in
    the article (organisations, places, nationalities), since "veteran" or "top" say nothing.
    """
    known = _role_words(f"{person.role} {person.organisation}")
    if not known:
        return None
    claimed = _role_words(article_role)
    titles_claimed = claimed & _TITLE_KEYWORDS
    titles_known = known & _TITLE_KEYWORDS
    if titles_claimed and titles_known and not titles_claimed & titles_known:
        if not any(_word_matches(t, titles_known) for t in titles_claimed):
            return sorted(titles_claimed)[0]
    if not re.search(r"[A-Z]", f"{person.role} {person.organisation}"):
        return None  # no affiliation on record to compare with
    capitalised = {_SYNONYMS.get(w.lower().strip(".'’"), w.lower().strip(".'’")) for w in re.findall(r"\b[A-Z][\w’'.]*", article_role)}
    claimed_words = _role_words(article_role)
    known_capitalised = {
        _SYNONYMS.get(w.lower().strip(".'’"), w.lower().strip(".'’")) for w in re.findall(r"\b[A-Z][\w’'.]*", f"{person.role} {person.organisation}")
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


def _describe(person: Person) -> str:
    return ", ".join(part for part in (person.role, person.organisation) if part) or "no role on record"


class AttributionChecker:
    """Compare the people, roles and quotations of an article with a roster and the evidence."""

    def __init__(self, roster: Roster, passages: Sequence[Passage], *, name_similarity: float = 85, quote_similarity: float = 80) -> None:
        if not 0 < name_similarity <= 100:
            raise ValueError(f"name_similarity must be in (0, 100], got {name_similarity}")
        self.roster = roster
        self.passages = list(passages)
        self.name_similarity = name_similarity
        self.quote_similarity = quote_similarity
        self._evidence_quotes: list[tuple[str, str, Passage]] | None = None

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

    def check_names(self, article: Article, mentions: Sequence[Mention], quotes: Sequence[Quote]) -> list[Flag]:
        flags = []
        spans = self._named_spans(mentions, quotes)
        # Any capitalised run may be a name spaCy missed; only near misses of roster names are flagged.
        spans += [(start, end, name, "") for start, end, name in capitalised_names(article.text)]
        spans += [(start, end, word, "") for start, end, word in lone_words_before(article.text, _SAID_CONTEXT)]
        for start, end, name, _ in spans:
            if self.roster.lookup(name) is not None:
                continue
            near = self.roster.nearest(name, min_ratio=self.name_similarity)
            if near is None:
                continue
            flags.append(
                Flag(
                    type="name_misspelling",
                    claim_id=None,
                    start=start,
                    end=end,
                    text=article.text[start:end],
                    message=f'"{name}" is not a name in the evidence; did you mean "{near.person.name}" ({_describe(near.person)})?',
                    suggestion=near.person.name,
                    confidence=round(near.score / 100, 3),
                    evidence_ids=near.person.source_ids,
                )
            )
        return flags

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

    def _quotes_in_evidence(self) -> list[tuple[str, str, Passage]]:
        """(quoted text, speaker, passage) for every attributed quotation in the evidence."""
        if self._evidence_quotes is None:
            found = []
            for passage in self.passages:
                quotes = attribute_quotes(passage.text, split_sentences(passage.text))
                for quote in quotes:
                    speaker = passage.speaker or (quote.speaker if quote.speaker_kind == "name" else "")
                    if speaker:
                        found.append((quote.text, speaker, passage))
                if passage.speaker and not quotes:
                    found.append((passage.text, passage.speaker, passage))
            self._evidence_quotes = found
        return self._evidence_quotes

    def check_quote_speakers(self, article: Article, quotes: Sequence[Quote]) -> list[Flag]:
        flags = []
        for quote in quotes:
            if not quote.speaker or quote.speaker_start is None or len(quote.text) < 20:
                continue
            credited = self._resolve(quote.speaker) if quote.speaker_kind in ("name", "previous") else None
            role_word = quote.speaker.split()[-1].lower() if quote.speaker_kind == "role" else None
            for evidence_text, evidence_speaker, passage in self._quotes_in_evidence():
                if _quote_similarity(quote.text, evidence_text) < self.quote_similarity:
                    continue
                true_speaker = self._resolve(evidence_speaker)
                if true_speaker is None:
                    break
                if role_word is not None:
                    if _word_matches(_SYNONYMS.get(role_word, role_word), _role_words(true_speaker.role)):
                        break
                elif credited is None or _same_person(credited.name, true_speaker.name):
                    break
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
                        evidence_ids=(passage.id,),
                    )
                )
                break
        return flags


def _derived(a: str, b: str) -> bool:
    """One word is the other plus a demonym or plural ending (korea/korean, russia/russians)."""
    shorter, longer = sorted((a, b), key=len)
    return shorter != longer and longer.startswith(shorter) and longer[len(shorter) :] in _DERIVED_SUFFIXES


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
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s]", "", text.lower())).strip()


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _dedupe(flags: list[Flag]) -> list[Flag]:
    seen: dict[tuple[str, int, int], Flag] = {}
    for flag in flags:
        seen.setdefault((flag.type, flag.start, flag.end), flag)
    return sorted(seen.values(), key=lambda f: (f.start, f.type))
