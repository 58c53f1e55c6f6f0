"""Word lists the alignment stage classifies edits with: antonyms and places from WordNet, plus desk lists.

The antonym table (``pipeline/data/antonyms.tsv``) and the place table (``pipeline/data/places.tsv``:
which place WordNet records as part of which, "Chennai" of "Tamil Nadu" of "India") and the demonym table
(``pipeline/data/demonyms.tsv``: "French" of "France") are generated from the WordNet 3.0 database by
`build_wordnet_antonyms`, `build_wordnet_places` and `build_wordnet_demonyms`
(``python -m pipeline.lexicon /usr/share/wordnet``; Debian's ``wordnet-base`` package installs the
database there) and shipped, so checking an article needs neither NLTK nor the database. ``pipeline/data/desk_antonyms.tsv`` holds the pairs a
news desk adds that WordNet does not list as antonyms (more/fewer, surplus/deficit), and ``pipeline/data/desk_directions.tsv``
the two directions a market story reports (rise, surge, add ... against fall, slump, cut ...).
``pipeline/data/desk_actions.tsv`` groups the verbs a desk reports as one action ("scrap", "abandon",
"ditch"); WordNet 3.0 has no synset holding both "scrap" and "abandon", so this list is the desk's own.
Given names and their short forms ("Mike" of "Michael") come from the ``nicknames`` package's table.
"""

from __future__ import annotations

import re
import sys
import tempfile
import warnings
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator

from nicknames import NickNamer

DATA_DIR = Path(__file__).resolve().parent / "data"
WORDNET_ANTONYMS = DATA_DIR / "antonyms.tsv"
DESK_ANTONYMS = DATA_DIR / "desk_antonyms.tsv"
DESK_ACTIONS = DATA_DIR / "desk_actions.tsv"
DESK_DIRECTIONS = DATA_DIR / "desk_directions.tsv"
WORDNET_PLACES = DATA_DIR / "places.tsv"
WORDNET_DEMONYMS = DATA_DIR / "demonyms.tsv"
WORDNET_CAPITALS = DATA_DIR / "capitals.tsv"

# WordNet's lexicographer files in the order of their numbers; NLTK's reader needs this
# `lexnames` file beside the database and Debian's package does not ship it.
_LEXNAMES = (
    "adj.all adj.pert adv.all noun.Tops noun.act noun.animal noun.artifact noun.attribute noun.body "
    "noun.cognition noun.communication noun.event noun.feeling noun.food noun.group noun.location "
    "noun.motive noun.object noun.person noun.phenomenon noun.plant noun.possession noun.process "
    "noun.quantity noun.relation noun.shape noun.state noun.substance noun.time verb.body verb.change "
    "verb.cognition verb.communication verb.competition verb.consumption verb.contact verb.creation "
    "verb.emotion verb.motion verb.perception verb.possession verb.social verb.stative verb.weather adj.ppl"
).split()


def _lexnames_text() -> str:
    def category(name: str) -> int:
        return {"adj": 3, "adv": 4, "noun": 1, "verb": 2}[name.split(".")[0]]

    return "".join(f"{i:02d}\t{name}\t{category(name)}\n" for i, name in enumerate(_LEXNAMES))


@contextmanager
def _wordnet(wordnet_dir: str | Path) -> Iterator[Any]:
    """NLTK's reader over a WordNet 3.0 database folder (Debian's ``wordnet-base`` layout).

    Raises:
        FileNotFoundError: the folder has no WordNet database.
    """
    import shutil

    import nltk
    from nltk.corpus.reader.wordnet import WordNetCorpusReader

    source = Path(wordnet_dir)
    if not (source / "data.noun").is_file():
        raise FileNotFoundError(f"no WordNet database (data.noun) in {source}")
    with tempfile.TemporaryDirectory() as tmp:
        # NLTK reads only inside its data path, from one folder that must also hold `lexnames`.
        root = Path(tmp) / "corpora" / "wordnet"
        root.mkdir(parents=True)
        for path in source.iterdir():
            if path.is_file():
                shutil.copy(path, root / path.name)
        (root / "lexnames").write_text(_lexnames_text(), encoding="utf-8")
        # The reader maps sense keys for multilingual data at start-up; Debian's package has no
        # sense index, and neither antonyms nor places need the mapping.
        (root / "index.sense").touch()
        nltk.data.path.insert(0, tmp)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # "multilingual functions are not available": not needed here
                yield WordNetCorpusReader(str(root), None)
        finally:
            nltk.data.path.remove(tmp)


def build_wordnet_antonyms(wordnet_dir: str | Path) -> list[tuple[str, str]]:
    """Every single-word antonym pair WordNet records, both directions, sorted.

    Raises:
        FileNotFoundError: the folder has no WordNet database.
    """
    pairs = set()
    with _wordnet(wordnet_dir) as reader:
        for synset in reader.all_synsets():
            for lemma in synset.lemmas():
                for antonym in lemma.antonyms():
                    a, b = lemma.name().lower(), antonym.name().lower()
                    if "_" not in a and "_" not in b and a != b:
                        pairs.update({(a, b), (b, a)})
    return sorted(pairs)


def build_wordnet_places(wordnet_dir: str | Path) -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    """Every WordNet place that is part of another, and those it is part of: (id, names, ids of the places it lies in).

    A continent ("Africa", "North America") is a place, the widest one: WordNet files continents as objects, so
    their own wholes (hemispheres, "the West", "Eurasia") are left out, and so are other objects (the lake Ontario).

    Raises:
        FileNotFoundError: the folder has no WordNet database.
    """
    rows: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {}
    with _wordnet(wordnet_dir) as reader:
        todo = [s for s in reader.all_synsets("n") if s.lexname() == "noun.location" and s.part_holonyms()]
        while todo:
            synset = todo.pop()
            if synset.name() in rows:
                continue
            wholes = [] if _is_continent(synset) else [h for h in synset.part_holonyms() if _is_place(h)]
            names = tuple(sorted({lemma.name().replace("_", " ") for lemma in synset.lemmas()}))
            rows[synset.name()] = (synset.name(), names, tuple(sorted(h.name() for h in wholes)))
            todo.extend(wholes)
    return sorted(rows.values())


def _is_continent(synset: Any) -> bool:
    return any(kind.name() == "continent.n.01" for kind in synset.instance_hypernyms())


def _is_place(synset: Any) -> bool:
    """Whether a WordNet noun sense is a place: a location ("France", "Tamil Nadu") or a continent ("Africa")."""
    return synset.lexname() == "noun.location" or _is_continent(synset)


def build_wordnet_demonyms(wordnet_dir: str | Path) -> list[tuple[str, str]]:
    """Every capitalised adjective WordNet relates to a place (its pertainym), with that place's name: ("French",
    "France"), ("North Korean", "North Korea"), ("African", "Africa"), sorted.

    Raises:
        FileNotFoundError: the folder has no WordNet database.
    """
    pairs = set()
    with _wordnet(wordnet_dir) as reader:
        for synset in reader.all_synsets("a"):
            for lemma in synset.lemmas():
                for place in lemma.pertainyms():
                    if lemma.name()[:1].isupper() and _is_place(place.synset()):
                        pairs.add((lemma.name().replace("_", " "), place.name().replace("_", " ")))
    return sorted(pairs)


def build_wordnet_capitals(wordnet_dir: str | Path) -> list[str]:
    """The ids of every place WordNet files as a national capital ("moscow.n.01", "riyadh.n.01"), sorted: a desk
    writes "Moscow" for the Russian government.

    Raises:
        FileNotFoundError: the folder has no WordNet database.
    """
    with _wordnet(wordnet_dir) as reader:
        return sorted(s.name() for s in reader.synset("national_capital.n.01").instance_hyponyms())


def write_wordnet_capitals(wordnet_dir: str | Path, target: Path = WORDNET_CAPITALS) -> int:
    """Regenerate the shipped capital table; returns the number of capitals written."""
    ids = build_wordnet_capitals(wordnet_dir)
    header = "# National capitals (place ids of places.tsv) from WordNet 3.0 (WordNet licence, Princeton University); python -m pipeline.lexicon\n"
    target.write_text(header + "".join(f"{i}\n" for i in ids), encoding="utf-8")
    return len(ids)


def write_wordnet_demonyms(wordnet_dir: str | Path, target: Path = WORDNET_DEMONYMS) -> int:
    """Regenerate the shipped demonym table; returns the number of pairs written."""
    pairs = build_wordnet_demonyms(wordnet_dir)
    header = "# Demonyms (adjective<TAB>place) from WordNet 3.0 pertainyms (WordNet licence, Princeton University); python -m pipeline.lexicon\n"
    target.write_text(header + "".join(f"{a}\t{b}\n" for a, b in pairs), encoding="utf-8")
    return len(pairs)


@lru_cache(maxsize=1)
def _demonyms() -> dict[str, tuple[str, ...]]:
    """The shipped demonym table, each adjective's places, case kept: "Turkish" is a demonym, "turkish" no word."""
    demonyms: dict[str, tuple[str, ...]] = {}
    for adjective, place in _rows(WORDNET_DEMONYMS, lower=False):
        demonyms[adjective] = demonyms.get(adjective, ()) + (place,)
    return demonyms


def places_of_demonym(word: str) -> tuple[str, ...]:
    """The places a capitalised adjective names ("French": "France"; "Chinese": "China"), or () when it names none."""
    return _demonyms().get(word, ())


def _rows(path: Path, *, lower: bool = True) -> list[list[str]]:
    """The tab-separated words of each line of a word list (lower case unless ``lower`` is False), blank and "#" lines
    skipped."""
    lines = path.read_text(encoding="utf-8").splitlines()
    rows = [[word.strip() for word in line.split("\t")] for line in lines if line.strip() and not line.startswith("#")]
    return [[word.lower() for word in row] for row in rows] if lower else rows


def _read_pairs(path: Path) -> set[tuple[str, str]]:
    return {pair for a, b, *_ in _rows(path) for pair in ((a, b), (b, a))}


@lru_cache(maxsize=1)
def antonym_pairs() -> frozenset[tuple[str, str]]:
    """(lemma, lemma) pairs of opposite meaning: WordNet's, the desk list and each word of one desk direction against
    each of the other, both directions."""
    up, down = _rows(DESK_DIRECTIONS)
    directions = {(a, b) for a in up for b in down} | {(b, a) for a in up for b in down}
    return frozenset(_read_pairs(WORDNET_ANTONYMS) | _read_pairs(DESK_ANTONYMS) | directions)


@lru_cache(maxsize=1)
def _directions() -> dict[str, int]:
    up, down = _rows(DESK_DIRECTIONS)
    return {**dict.fromkeys(up, 1), **dict.fromkeys(down, -1)}


def direction_of(lemma: str) -> int | None:
    """1 for a word of the desk's upward direction ("rise", "add", "higher"), -1 for the downward one ("fall",
    "shed", "lower"), None for any other word (`DESK_DIRECTIONS`)."""
    return _directions().get(lemma.lower())


def are_antonyms(a: str, b: str) -> bool:
    """Whether two lemmas are opposites ("rise"/"fall", "high"/"low", "more"/"fewer")."""
    return (a.lower(), b.lower()) in antonym_pairs()


@lru_cache(maxsize=1)
def _action_groups() -> dict[str, int]:
    """Each verb lemma of the desk's action list and the number of its group."""
    return {verb: i for i, group in enumerate(_rows(DESK_ACTIONS)) for verb in group}


def same_action(a: str, b: str) -> bool:
    """Whether two verb lemmas report the same action: equal, or in one group of the desk list ("scrap"/"abandon")."""
    a, b = a.lower(), b.lower()
    groups = _action_groups()
    return a == b or (a in groups and groups.get(b) == groups[a])


def write_wordnet_antonyms(wordnet_dir: str | Path, target: Path = WORDNET_ANTONYMS) -> int:
    """Regenerate the shipped antonym table; returns the number of pairs written."""
    pairs = build_wordnet_antonyms(wordnet_dir)
    header = "# Antonym pairs from WordNet 3.0 (WordNet licence, Princeton University); python -m pipeline.lexicon\n"
    target.write_text(header + "".join(f"{a}\t{b}\n" for a, b in pairs), encoding="utf-8")
    return len(pairs)


_ACRONYM = re.compile(r"\b[A-Z]{2,6}\b")


@lru_cache(maxsize=1)
def _nicknamer() -> NickNamer:
    return NickNamer()


def same_given_name(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` are one given name, or one is a short form of the other: "Mike" and "Michael",
    "Joe" and "Joseph", "Bill" and "William" (the ``nicknames`` table); not "Mike" and "Mark"."""
    a, b = a.strip().lower(), b.strip().lower()
    return a == b or b in _nicknamer().nicknames_of(a) or a in _nicknamer().nicknames_of(b)


def abbreviated_as(text: str, other: str) -> str:
    """``text`` with each run of capitalised words that ``other`` writes as an acronym replaced by it, up to two
    lower-case words between them: "President of the European Central Bank" against "ECB President" -> "President of
    the ECB"; "Medicines and Healthcare products Regulatory Agency" is the "MHRA"."""
    for acronym in set(_ACRONYM.findall(other)):
        # "Healthcare products Regulatory"; "U.S. Agency for International Development" is "USAID": a dotted initial each
        words = r"(?:(?<=\.)|[ \t]+(?:[a-z]+[ \t]+){0,2})".join(rf"(?:{letter}[a-z]+|{letter}\.)" for letter in acronym)
        text = re.sub(rf"\b{words}(?:\b|(?<=\.))", acronym, text)
    return text


def write_wordnet_places(wordnet_dir: str | Path, target: Path = WORDNET_PLACES) -> int:
    """Regenerate the shipped place table; returns the number of places written."""
    rows = build_wordnet_places(wordnet_dir)
    header = (
        "# Places WordNet 3.0 records as part of others (WordNet licence, Princeton University); python -m pipeline.lexicon\n"
        "# id<TAB>names (|-separated)<TAB>ids of the places it is part of (space-separated)\n"
    )
    target.write_text(header + "".join(f"{i}\t{'|'.join(names)}\t{' '.join(wholes)}\n" for i, names, wholes in rows), encoding="utf-8")
    return len(rows)


@lru_cache(maxsize=1)
def _places() -> tuple[dict[str, list[str]], dict[str, tuple[str, ...]]]:
    """The shipped place table: each lower-case name's place ids, and each id's direct wholes."""
    ids: dict[str, list[str]] = {}
    wholes: dict[str, tuple[str, ...]] = {}
    for place, names, parts in _rows(WORDNET_PLACES):
        wholes[place] = tuple(parts.split())
        for name in names.split("|"):
            ids.setdefault(name, []).append(place)
    return ids, wholes


def is_place(name: str) -> bool:
    """Whether the place table knows ``name`` ("Chennai", "Tamil Nadu", "India")."""
    return name.lower() in _places()[0]


def same_place(a: str, b: str) -> bool:
    """Whether WordNet gives ``a`` and ``b`` as names of one place, one of them naming nothing else: "Britain" and
    "the UK", "Burma" and "Myanmar", "Republic of China" and "Taiwan"; not "China" and "Taiwan", which share only
    WordNet's sense "Republic of China" while each names another place first."""
    ids = _places()[0]
    of_a, of_b = ids.get(a.lower(), []), ids.get(b.lower(), [])
    return not set(of_a).isdisjoint(of_b) and min(len(of_a), len(of_b)) == 1


@lru_cache(maxsize=4096)
def lies_within(inner: str, outer: str) -> bool:
    """Whether WordNet puts a place named ``inner`` inside one named ``outer``, at any depth: "Chennai" in "India",
    "Boston" in "New England". Any sense of either name counts (Paris, Texas, is in the United States)."""
    return _inside(_places()[0].get(inner.lower(), ()), outer)


@lru_cache(maxsize=1)
def _capitals() -> frozenset[str]:
    return frozenset(row[0] for row in _rows(WORDNET_CAPITALS))


@lru_cache(maxsize=4096)
def capital_of(city: str, country: str) -> bool:
    """Whether WordNet files ``city`` as a national capital lying in ``country``: "Moscow" of "Russia", "Washington" of
    "the United States" (through the District of Columbia); not "Paris" of "the United States" (Paris, Texas, is no
    capital)."""
    return _inside([i for i in _places()[0].get(city.lower(), ()) if i in _capitals()], country)


# WordNet's continents and the regions of continents it files with them: two places in one of these alone are far apart.
_CONTINENTS = frozenset(f"{name}.n.01" for name in (
    "africa antarctica asia australasia eurasia europe latin_america north_america south_america oceania".split())) | {"australia.n.02"}


@lru_cache(maxsize=4096)
def same_region(a: str, b: str) -> bool:
    """Whether WordNet puts places named ``a`` and ``b`` in one country or region smaller than a continent, or one in
    the other: "Scotland" and "Buckingham Palace" (the United Kingdom); not "Seville" and "Norway" (only Europe)."""
    return not (_with_wholes(a) & _with_wholes(b)) <= _CONTINENTS


def _with_wholes(name: str) -> set[str]:
    """The place ids of ``name`` and of every place they lie in."""
    places = _places()[0].get(name.lower(), ())
    return set(places) | _wholes_of(places)


def _inside(places: Iterable[str], outer: str) -> bool:
    """Whether any of the place ids ``places`` lies inside a place named ``outer``, at any depth."""
    return not _wholes_of(places).isdisjoint(_places()[0].get(outer.lower(), ()))


def _wholes_of(places: Iterable[str]) -> set[str]:
    """The ids of every place the place ids ``places`` lie in, at any depth (themselves only where they lie in each other)."""
    wholes = _places()[1]
    found: set[str] = set()
    todo = list(places)
    while todo:
        for whole in wholes.get(todo.pop(), ()):
            if whole not in found:
                found.add(whole)
                todo.append(whole)
    return found


if __name__ == "__main__":
    folder = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/wordnet"
    print(f"wrote {write_wordnet_antonyms(folder)} pairs to {WORDNET_ANTONYMS}")
    print(f"wrote {write_wordnet_places(folder)} places to {WORDNET_PLACES}")
    print(f"wrote {write_wordnet_demonyms(folder)} demonyms to {WORDNET_DEMONYMS}")
    print(f"wrote {write_wordnet_capitals(folder)} capitals to {WORDNET_CAPITALS}")
