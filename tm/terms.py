"""The glossary: concepts with their terms in the six UN languages, recognition and lookup.

A :class:`Glossary` holds concepts (TBX model, see :mod:`tm.concepts`). :meth:`Glossary.find`
recognises its terms in running text (:mod:`tm.recognition`, over the stems of
:mod:`tm.stems`); :meth:`Glossary.lookup` finds concepts by a fuzzy query.
:func:`tm.extract.extract_candidates` proposes the names a memory cites that a glossary lacks.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rapidfuzz import fuzz, process

from tm.concepts import STATUSES, check_statuses, concepts_from_rows, is_abbreviation
from tm.errors import GlossaryError
from tm.lookup import TermLookup
from tm.models import Concept, Document, TermHit
from tm.recognition import TermIndex
from tm.recognition_index import raw_term, term_from_raw
from tm.stems import cached_base, stems

__all__ = [
    "STATUSES",
    "Glossary",
    "concepts_from_rows",
    "is_abbreviation",
    "recognize",
    "stems",
    "terms_in_document",
]

# --- the glossary -----------------------------------------------------------------------------


class Glossary:
    """A concept-oriented glossary with term recognition and fuzzy lookup.

    >>> from tm.models import Term
    >>> g = Glossary([Concept("X", "body", (Term("en", "Security Council"),))])
    >>> [h.concept for h in g.find("the security  council met", "en")]
    ['X']

    Raises:
        GlossaryError: a concept id occurs twice, or a term is deprecated in one concept and
            preferred or admitted in another (:func:`tm.concepts.check_statuses`).
    """

    def __init__(self, concepts: Iterable[Concept]) -> None:
        self.concepts: tuple[Concept, ...] = tuple(concepts)
        self._by_id: dict[str, Concept] = {}
        for concept in self.concepts:
            if concept.id in self._by_id:
                raise GlossaryError(f"concept id {concept.id!r} occurs twice in one glossary")
            self._by_id[concept.id] = concept
        check_statuses(self.concepts)
        self._index = TermIndex(self._by_id)
        self._lookup = TermLookup(self.concepts, self._index)

    def __len__(self) -> int:
        return len(self.concepts)

    def __contains__(self, concept_id: object) -> bool:
        return concept_id in self._by_id

    def get(self, concept_id: str) -> Concept:
        """The concept with this id; :class:`GlossaryError` names close ids when absent."""
        try:
            return self._by_id[concept_id]
        except KeyError:
            pass
        folded = {cid.casefold(): c for cid, c in self._by_id.items()}
        if concept_id.casefold() in folded:
            return folded[concept_id.casefold()]
        close = process.extract(concept_id, list(self._by_id), scorer=fuzz.WRatio, limit=3)
        hint = ", ".join(name for name, score, _ in close if score >= 60)
        raise GlossaryError(
            f"no concept {concept_id!r} in the glossary"
            + (f" (did you mean {hint}?)" if hint else "")
        )

    def languages(self) -> list[str]:
        """Languages with at least one term, in order of first appearance."""
        return list(dict.fromkeys(cached_base(t.lang) for c in self.concepts for t in c.terms))

    def merged(self, other: Glossary) -> Glossary:
        """This glossary plus ``other``; terms of a shared concept id are pooled."""
        concepts = dict(self._by_id)
        for concept in other.concepts:
            mine = concepts.get(concept.id)
            if mine is None:
                concepts[concept.id] = concept
                continue
            known = {(t.lang, t.text) for t in mine.terms}
            extra = tuple(t for t in concept.terms if (t.lang, t.text) not in known)
            concepts[concept.id] = Concept(
                mine.id,
                mine.category,
                tuple(sorted(mine.terms + extra, key=is_abbreviation)),
                mine.note or concept.note,
            )
        return Glossary(concepts.values())

    def to_data(self) -> Any:
        """The concepts, the recognition index of every language and the look-up's folded
        texts, as plain tuples, lists, dicts and strings (what :mod:`marshal` stores), for
        :meth:`from_data`.

        A glossary of 100,000 terms takes seconds to index and a blink to load from this, so
        callers keep it in a cache (``tmx/glossary_cache.py``).
        """
        concepts = [
            (c.id, c.category, c.note, [raw_term(t) for t in c.terms]) for c in self.concepts
        ]
        return (concepts, self._index.data(self.languages()), self._lookup.data())

    @classmethod
    def from_data(cls, data: Any) -> Glossary:
        """The glossary :meth:`to_data` gave.

        Raises:
            TypeError, ValueError, LookupError, AttributeError, GlossaryError: ``data`` is not
                what :meth:`to_data` gives.
        """
        concepts, indexes, folded = data
        glossary = cls(
            Concept(cid, category, tuple(term_from_raw(raw) for raw in terms), note)
            for cid, category, note, terms in concepts
        )
        glossary._index.load(indexes)
        if not isinstance(folded, list) or not all(isinstance(text, str) for text in folded):
            raise TypeError("not the folded texts of a glossary's terms")
        if len(folded) != sum(len(c.terms) for c in glossary.concepts):
            raise ValueError("the folded texts are not one a term")
        glossary._lookup = TermLookup(glossary.concepts, glossary._index, folded)
        return glossary

    # --- recognition ----------------------------------------------------------------------

    def find(self, text: str, lang: str) -> list[TermHit]:
        """Recognise glossary terms in ``text`` (in ``lang``): sorted, non-overlapping hits.

        Longest matches win; abbreviations only match in capitals; near-variants are searched
        in the text that no exact match covers (see :mod:`tm.recognition`).
        """
        return self._index.find(text, lang)

    # --- lookup ---------------------------------------------------------------------------

    def lookup(
        self, query: str, *, lang: str | None = None, limit: int = 5
    ) -> list[tuple[Concept, float]]:
        """Concepts whose terms best match ``query`` (fuzzy), with a score in 0..100.

        An exact match of a term (after normalisation, inflection included) or of a concept id
        scores 100; otherwise rapidfuzz's WRatio over folded text ranks the terms (see
        :mod:`tm.lookup`, which finds them without scoring every term).
        """
        found = self._lookup.lookup(query, lang=lang, limit=limit)
        return [(self._by_id[concept_id], score) for concept_id, score in found]


def recognize(text: str, lang: str, glossary: Glossary) -> list[TermHit]:
    """The glossary terms found in ``text``: the same as ``glossary.find(text, lang)``."""
    return glossary.find(text, lang)


def terms_in_document(document: Document, glossary: Glossary) -> list[tuple[int, TermHit]]:
    """Every glossary term in ``document``: ``(paragraph index, hit)`` in reading order."""
    return [
        (paragraph.index, hit)
        for paragraph in document.paragraphs
        for hit in glossary.find(paragraph.text, document.lang)
    ]
