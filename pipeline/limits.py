"""The bound on the work one check may take: articles with more sentences than ``limits.max_sentences``
are refused before any model runs (the check's cost grows with its sentences; see docs/checking.md).

Sentences are counted by the pipeline's own splitter (`pipeline.segment.split_sentences`), so the count
is the one the report would have. On a huge file only a prefix is split: once the paragraphs read so
far hold more sentences than the limit, the whole file certainly does.
"""

from __future__ import annotations

from functools import lru_cache

from pipeline.errors import InputError
from pipeline.segment import paragraphs, split_sentences
from pipeline.types import Article

# Paragraphs split in the first round; each further round doubles the prefix.
_FIRST_PARAGRAPHS = 64


@lru_cache(maxsize=4)  # `factcheck check` counts before Prefect starts, and its ingest stage again
def count_sentences_up_to(text: str, limit: int) -> tuple[int, bool]:
    """(sentences, whole) where ``whole`` says the count covers all of ``text``.

    When ``whole`` is False the count is of a prefix of whole paragraphs and already above ``limit``;
    splitting stopped there (fragments are only joined inside what was split, so a prefix never holds
    more sentences than the whole text does).
    """
    ends = [end for _, end in paragraphs(text)]
    taken = _FIRST_PARAGRAPHS
    while taken < len(ends):
        count = len(split_sentences(text[: ends[taken - 1]]))
        if count > limit:
            return count, False
        taken *= 2
    return len(split_sentences(text)), True


def refuse_too_many_sentences(article: Article, limit: int | None) -> None:
    """Refuse an article with more than ``limit`` sentences (no limit when None).

    Raises:
        InputError: one line with the count found and the limit, and how to raise it.
    """
    if limit is None:
        return
    count, whole = count_sentences_up_to(article.text, limit)
    if count > limit:
        counted = f"{count} sentences" if whole else f"more than {limit} sentences ({count} in its first part)"
        raise InputError(
            f"article {article.path} has {counted}; the limit is {limit} "
            "(--max-sentences or limits.max_sentences; split the article or raise the limit)"
        )
