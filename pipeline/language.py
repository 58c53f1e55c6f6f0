"""The language an article is written in (py3langid, whose model ships in its wheel), and the refusal of
articles the pipeline cannot read: every model it runs is English-only.

Names are what make English news look foreign to a character n-gram model ("Kim Jong Un met Moon Jae-in"
scores as Afrikaans), so capitalised words are left out before the text is classified. A text is refused
only when enough of it is left and the model is confident; short or ambiguous text is let through.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from functools import lru_cache

from pipeline.errors import InputError

SUPPORTED_LANGUAGES = ("en",)
# Below this many letters left after removing names, the text is too short to tell (a headline, a list of names).
# A Chinese, Japanese or Korean character counts as CJK_WEIGHT letters: it carries about a word.
MIN_LETTERS = 40
CJK_WEIGHT = 3
_CJK_START = 0x2E80  # CJK radicals onwards: kana, ideographs, Hangul
# Refused only if English has at most this probability.
ENGLISH_CEILING = 0.01
# The first characters are enough to tell a language; classifying a whole 1 MB file would only cost time.
SAMPLE_CHARS = 20_000
_LEADING_PUNCTUATION = string.punctuation + "“”‘’„«»¿¡–—"


@dataclass(frozen=True)
class Language:
    """A detected language: ISO 639 code as py3langid returns it, its English name, its probability and English's."""

    code: str
    name: str
    probability: float
    english: float


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def language_name(code: str) -> str:
    """The English name of a language code ("zh" -> "Chinese"), from babel's CLDR data; the code if unknown."""
    from babel import Locale

    return Locale("en").languages.get(code, code)


def without_capitalised_words(text: str) -> str:
    """``text`` without the words that start with a capital letter (names, mostly; also sentence starts)."""
    return " ".join(word for word in text.split() if not word.lstrip(_LEADING_PUNCTUATION)[:1].isupper())


def letter_weight(text: str) -> int:
    """How many letters ``text`` has, a CJK character counting `CJK_WEIGHT`."""
    return sum(CJK_WEIGHT if ord(ch) >= _CJK_START else 1 for ch in text if ch.isalpha())


def detect_language(text: str) -> Language | None:
    """The language of ``text``, or None when too little of it is left without names to tell."""
    sample = without_capitalised_words(text[:SAMPLE_CHARS])
    if letter_weight(sample) < MIN_LETTERS:
        return None
    ranked = _identifier().rank(sample)
    code, probability = ranked[0]
    return Language(code, language_name(code), float(probability), float(dict(ranked).get("en", 0.0)))


def refuse_unsupported_language(text: str, what: str) -> None:
    """Refuse ``text`` when it is confidently not English: English has at most `ENGLISH_CEILING` probability.

    (The best language may share its probability with a close relative, e.g. Chinese with Wu Chinese, so
    the refusal rests on English's probability, and the best one is only named.)

    Raises:
        InputError: one line naming the language, e.g. "article x.txt is in Chinese (zh); only English is supported".
    """
    language = detect_language(text)
    if language is None or language.code in SUPPORTED_LANGUAGES or language.english > ENGLISH_CEILING:
        return
    raise InputError(f"{what} is in {language.name} ({language.code}); only English is supported")
