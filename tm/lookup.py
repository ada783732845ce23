"""Concept look-up: the concepts that best match a name, abbreviation or id a user types.

A term whose word stems are the query's (:mod:`tm.stems`: case, accents, inflection aside)
scores 100, as a concept id does; other terms rank by the mean of two rapidfuzz scores over
folded text, WRatio (which finds the query inside a long name) and the plain ratio (which
then prefers the name of about the query's length), below 100. A concept takes the score of
its best term among the best ``max(10 * limit, 50)`` terms.

The results are those of scoring every term (a test holds them equal to that scan), but a
glossary of 100,000 terms is not scored term by term:

- an exact match is a dict look-up in each language's recognition index
  (:mod:`tm.recognition_index`), which keys every term by its stems;
- the fuzzy scores: one native pass of rapidfuzz's cheap ratio bounds each term's score from
  above, since WRatio is at most the larger of that ratio and 95 (token ratios, for names of
  about the query's length), 90 (partial ratios, up to 8 times longer or shorter) or 60;
  WRatio, the costly half, then runs on the terms in order of their bound, only until no
  bound left can reach the best scores found.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

from tm.errors import GlossaryError
from tm.lang import base
from tm.models import Concept
from tm.recognition import TermIndex
from tm.stems import cached_base, folded_words, stems

if TYPE_CHECKING:  # numpy is imported by the fuzzy look-up only: recognising terms needs none
    import numpy as np
    from numpy.typing import NDArray

__all__ = ["TermLookup"]

#: An exact term or concept id; fuzzy scores stay below it.
EXACT = 100.0
#: WRatio's highest score besides its plain ratio, by how many times longer one text is than
#: the other (rapidfuzz's ``fuzz.WRatio``: token ratios x0.95 below 1.5, partial ratios x0.9 up
#: to 8, x0.6 beyond); a hair above, so that rounding cannot put a score over its bound.
_CEILINGS = ((1.5, 95.0), (8.0, 90.0))
_BEYOND = 60.0
_HAIR = 1e-9
#: WRatio runs on this many terms (at least) before the bounds are looked at again.
_FIRST_BATCH = 256


@dataclass(frozen=True, slots=True)
class _Terms:
    """Terms as the fuzzy ranking compares them, in glossary order: each one's concept and
    folded text, and the text's length."""

    owners: list[str]
    texts: list[str]
    lengths: NDArray[np.float64]


class TermLookup:
    """Look concepts up by name; built once per glossary, its tables made on first use.

    ``index`` is the glossary's recognition index; ``folded`` (from :meth:`data`, one text
    per term) spares folding every term again.
    """

    def __init__(
        self, concepts: Sequence[Concept], index: TermIndex, folded: list[str] | None = None
    ) -> None:
        self._concepts = concepts
        self._index = index
        self._folded = folded
        self._ids: dict[str, list[str]] | None = None
        self._langs: list[str] = []  # the glossary's languages
        self._term_langs: list[str] = []  # each term's, in glossary order
        self._tables: dict[str | None, _Terms] = {}
        self._stemless: dict[str, list[str]] = {}

    def data(self) -> list[str]:
        """Every term's folded text, in glossary order (plain data, for a cache)."""
        return self._table(None).texts

    def lookup(
        self, query: str, *, lang: str | None = None, limit: int = 5
    ) -> list[tuple[str, float]]:
        """The ids of the ``limit`` concepts that best match ``query`` (in ``lang``'s terms
        only, when given), with their scores (0..100), best first.

        Raises:
            GlossaryError: the query is blank.
        """
        if not query.strip():
            raise GlossaryError("the query is empty: give a term, an abbreviation or an id")
        want = base(lang) if lang else None
        table = self._table(want)
        scores = dict.fromkeys(self._by_id().get(query.strip().casefold(), ()), EXACT)
        for other in (want,) if want else self._langs:
            if other is not None:
                for concept_id in self._exact(stems(query, other), other):
                    scores[concept_id] = EXACT
        for position, score in _best(folded_words(query, ""), table, max(limit * 10, 50)):
            concept_id = table.owners[position]
            scores[concept_id] = max(scores.get(concept_id, 0.0), min(score, EXACT - 1))
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:limit]
        return [(concept_id, round(score, 1)) for concept_id, score in ranked]

    def _by_id(self) -> dict[str, list[str]]:
        """Concept ids by their case-folded form."""
        if self._ids is None:
            self._ids = {}
            for concept in self._concepts:
                self._ids.setdefault(concept.id.casefold(), []).append(concept.id)
        return self._ids

    def _exact(self, key: tuple[str, ...], lang: str) -> list[str]:
        """The concepts with a term in ``lang`` whose stems are ``key``."""
        if key:
            return self._index.named(key, lang)
        # a text without words (punctuation alone) is no key of the recognition index
        found = self._stemless.get(lang)
        if found is None:
            found = self._stemless[lang] = [
                c.id
                for c in self._concepts
                for t in c.terms
                if cached_base(t.lang) == lang and not stems(t.text, lang)
            ]
        return found

    def _table(self, lang: str | None) -> _Terms:
        """The terms of ``lang`` (every term for None) as :func:`_best` ranks them."""
        table = self._tables.get(lang)
        if table is not None:
            return table
        if None not in self._tables:
            owners = [c.id for c in self._concepts for _ in c.terms]
            langs = [cached_base(t.lang) for c in self._concepts for t in c.terms]
            folded = self._folded
            if folded is None:
                folded = [folded_words(t.text, "") for c in self._concepts for t in c.terms]
            self._langs = list(dict.fromkeys(langs))
            self._term_langs = langs
            self._tables[None] = _terms(owners, folded)
        if lang is not None:
            every = self._tables[None]
            keep = [k for k, term_lang in enumerate(self._term_langs) if term_lang == lang]
            self._tables[lang] = _terms(
                [every.owners[k] for k in keep], [every.texts[k] for k in keep]
            )
        return self._tables[lang]


def _terms(owners: list[str], texts: list[str]) -> _Terms:
    import numpy as np

    return _Terms(owners, texts, np.array([len(text) for text in texts], dtype=np.float64))


def _best(query: str, terms: _Terms, count: int) -> list[tuple[int, float]]:
    """The ``count`` best terms by ``(WRatio + ratio) / 2`` against ``query``: (position,
    score), best first and, at equal scores, in glossary order, as sorting every score gives.
    """
    import numpy as np

    size = len(terms.texts)
    if not size:
        return []
    ratio = process.cdist([query], terms.texts, scorer=fuzz.ratio, dtype=np.float64)[0]
    bound = (np.maximum(_ceiling(len(query), terms.lengths), ratio) + ratio) / 2 + _HAIR
    order = np.argsort(-bound, kind="stable")
    scores = np.empty(size, dtype=np.float64)
    done, batch = 0, max(4 * count, _FIRST_BATCH)
    while done < size:
        part = order[done : done + batch]
        texts = [terms.texts[k] for k in part]
        weighted = process.cdist([query], texts, scorer=fuzz.WRatio, dtype=np.float64)[0]
        scores[part] = (weighted + ratio[part]) / 2
        done += len(part)
        batch *= 2
        if done >= count and done < size:
            scored = scores[order[:done]]
            worst_kept = np.partition(scored, done - count)[done - count]
            if bound[order[done]] < worst_kept:
                break
    seen = order[:done]
    ranked = seen[np.lexsort((seen, -scores[seen]))][:count]
    return [(int(k), float(scores[k])) for k in ranked]


def _ceiling(length: int, lengths: NDArray[np.float64]) -> NDArray[np.float64]:
    """WRatio's highest score besides the plain ratio for a query of ``length`` against texts
    of ``lengths`` (0 where either is empty: WRatio scores nothing there)."""
    import numpy as np

    longer = np.maximum(lengths, length)
    shorter = np.minimum(lengths, length)
    times = np.divide(longer, shorter, out=np.full_like(longer, np.inf), where=shorter > 0)
    ceiling = np.full_like(longer, _BEYOND)
    for limit, score in reversed(_CEILINGS):
        ceiling[times <= limit + _HAIR] = score
    ceiling[shorter == 0] = 0.0
    return ceiling
