"""A document's own glossary: the reference file a UN reference assistant prepares.

For every instrument, body and agenda item that an English document cites (and only those),
:func:`document_glossary` gathers the concept's official names in the six languages (every
listed form, with status, confidence and source) and, when the document has been aligned with
its versions, the forms each version actually uses: the glossary name recognised in the aligned
segment of that version, with its segment number. A version's form that is not official
(a deprecated form, an unlisted variant) is flagged, and so is an aligned segment where the
official name was expected and none was found. Names the English text cites that the glossary
lacks are added as *proposed* concepts, with equivalents mined from the aligned versions by the
machinery of ``untm glossary extract``, for a reviewer.

Without versions (a new draft, ``untm terms DRAFT --glossary OUT``) the file holds the official
names only. Writers for TBX, OmegaT and CSV live in ``tmx/reference.py``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from tm.extract import extract_candidates
from tm.lang import base
from tm.models import Concept, Document, MultiBead, Segment, Term, TermHit, Unit, Variant
from tm.terms import Glossary

__all__ = [
    "PROPOSED",
    "ReferenceEntry",
    "ReferenceGlossary",
    "TermUse",
    "UseStatus",
    "document_glossary",
]

#: Category of a concept proposed from the document, absent from the glossary.
PROPOSED = "proposed"

#: How a version writes a concept: a listed status, an unlisted ``variant``, or ``missing``
#: (the English segment names the concept, the aligned segment names none that is recognised).
UseStatus = Literal["preferred", "admitted", "deprecated", "variant", "missing"]

_DEPARTS: frozenset[str] = frozenset({"deprecated", "variant"})


@dataclass(frozen=True, slots=True)
class TermUse:
    """One use of a concept's name in one language version of the document.

    ``segment`` and ``paragraph`` count from 0 in that version (human output adds 1;
    ``segment`` is None where only the paragraph is known: a text that was not aligned);
    ``text`` is the form as the version writes it (empty when ``missing``); ``form`` is the
    listed form it matched (None for a variant or a missing name); ``context`` is the segment
    (or paragraph) text.
    """

    lang: str
    text: str
    status: UseStatus
    segment: int | None
    paragraph: int
    context: str
    form: str | None = None

    @property
    def departs(self) -> bool:
        """The version writes a form that is not official here (deprecated or variant)."""
        return self.status in _DEPARTS

    @property
    def unfound(self) -> bool:
        """The aligned segment names the concept in no recognised form: a pronoun, a
        paraphrase, an omission or another name, for a reviewer to look at."""
        return self.status == "missing"


@dataclass(frozen=True, slots=True)
class ReferenceEntry:
    """A concept the document cites: its official terms and the uses in the document.

    A proposed entry (``concept.category == PROPOSED``) holds the English name as found and,
    per other language, candidate equivalents as admitted terms whose note gives the score.
    """

    concept: Concept
    uses: tuple[TermUse, ...] = ()

    @property
    def proposed(self) -> bool:
        """The glossary lacks this name: a reviewer must confirm it and its equivalents."""
        return self.concept.category == PROPOSED

    def uses_in(self, lang: str) -> tuple[TermUse, ...]:
        """The uses in ``lang`` (primary language compared), in document order."""
        want = base(lang)
        return tuple(use for use in self.uses if base(use.lang) == want)


@dataclass(frozen=True, slots=True)
class ReferenceGlossary:
    """The reference glossary of one document: its entries, in order of first citation.

    ``langs`` are the languages written (source first); ``versions`` the languages of the
    versions the document was aligned with (none for a draft).
    """

    document: str
    source_lang: str
    langs: tuple[str, ...]
    entries: tuple[ReferenceEntry, ...]
    versions: tuple[str, ...] = ()

    @property
    def flagged(self) -> int:
        """How many uses depart from the official form."""
        return sum(use.departs for entry in self.entries for use in entry.uses)

    @property
    def unfound(self) -> int:
        """How many aligned segments name a cited concept in no recognised form."""
        return sum(use.unfound for entry in self.entries for use in entry.uses)

    def glossary(self) -> Glossary:
        """The entries' concepts as a plain :class:`~tm.terms.Glossary` (for other writers)."""
        return Glossary(entry.concept for entry in self.entries)


def document_glossary(
    source: Document,
    glossary: Glossary,
    *,
    document: str,
    rows: Sequence[MultiBead] = (),
    segments: Mapping[str, Sequence[Segment]] | None = None,
    langs: Sequence[str] | None = None,
    propose: bool = True,
) -> ReferenceGlossary:
    """The reference glossary of ``source`` (the English document) under ``glossary``.

    ``rows`` is the multilingual alignment of the document with its versions
    (:func:`tm.align.multilingual`); ``segments`` maps each language to its segments
    (``Alignment.tgt``), so that uses carry the paragraph of their segment in that version.
    Without rows the entries hold the official names and the source's own uses only.
    ``langs`` limits the languages written (the source language is always kept); by default
    the concept's languages are all kept. ``propose`` adds the names the
    glossary lacks, mined from ``rows``.
    """
    src = base(source.lang)
    keep = None if langs is None else {src, *(base(lang) for lang in langs)}
    uses: dict[str, list[TermUse]] = {}
    for paragraph in source.paragraphs:
        for hit in glossary.find(paragraph.text, src):
            use = _use(src, hit, paragraph.text, None, paragraph.index)
            uses.setdefault(hit.concept, []).append(use)
    order = list(uses)
    if rows:
        _versions(uses, rows, glossary, src, segments or {})
    entries = [
        ReferenceEntry(_only(glossary.get(concept_id), keep), tuple(uses.get(concept_id, ())))
        for concept_id in order
    ]
    if propose and rows:
        entries.extend(_proposed(rows, glossary, src, keep))
    found_langs = {base(t.lang) for entry in entries for t in entry.concept.terms}
    ordered = [src, *sorted(found_langs - {src})]
    versions = sorted({base(lang) for row in rows for lang in row.texts} - {src})
    return ReferenceGlossary(
        document=document,
        source_lang=src,
        langs=tuple(lang for lang in ordered if keep is None or lang in keep),
        entries=tuple(entries),
        versions=tuple(lang for lang in versions if keep is None or lang in keep),
    )


def _only(concept: Concept, keep: set[str] | None) -> Concept:
    if keep is None:
        return concept
    terms = tuple(t for t in concept.terms if base(t.lang) in keep)
    return Concept(concept.id, concept.category, terms, concept.note)


def _versions(
    uses: dict[str, list[TermUse]],
    rows: Sequence[MultiBead],
    glossary: Glossary,
    src: str,
    segments: Mapping[str, Sequence[Segment]],
) -> None:
    """Add each cited concept's uses in the versions, row by row: the aligned segment's hits.

    Only concepts the source cites are followed (``uses`` holds them already); a version's
    name of another concept is not a use of the cited one, so the cited one is ``missing``.
    """
    for row in rows:
        pivot = row.texts.get(src, "")
        cited = {hit.concept for hit in glossary.find(pivot, src)} if pivot else set()
        if not cited:
            continue
        for lang, text in row.texts.items():
            if base(lang) == src or not row.segments.get(lang):
                continue
            first = row.segments[lang][0]
            paragraph = _paragraph(segments.get(lang), first, row.paragraph)
            hits = glossary.find(text, lang) if text else []
            named = {hit.concept for hit in hits}
            for hit in hits:
                if hit.concept in cited and hit.concept in uses:
                    uses[hit.concept].append(_use(lang, hit, text, first, paragraph))
            for concept_id in sorted(cited - named):
                if concept_id in uses:
                    missing = TermUse(lang, "", "missing", first, paragraph, text)
                    uses[concept_id].append(missing)


def _use(lang: str, hit: TermHit, context: str, segment: int | None, paragraph: int) -> TermUse:
    if hit.status in ("preferred", "admitted", "deprecated"):
        status: UseStatus = hit.status  # type: ignore[assignment]
        return TermUse(lang, hit.text, status, segment, paragraph, context, hit.form)
    return TermUse(lang, hit.text, "variant", segment, paragraph, context)


def _paragraph(known: Sequence[Segment] | None, segment: int, fallback: int) -> int:
    if known is not None and 0 <= segment < len(known):
        return known[segment].paragraph
    return fallback


def _proposed(
    rows: Sequence[MultiBead], glossary: Glossary, src: str, keep: set[str] | None
) -> Iterable[ReferenceEntry]:
    """Names cited in the source that the glossary lacks, with mined candidate equivalents."""
    units = [
        Unit(tuple(Variant(lang, text) for lang, text in row.texts.items() if text.strip()))
        for row in rows
        if any(text.strip() for text in row.texts.values())
    ]
    for number, candidate in enumerate(extract_candidates(units, glossary, src_lang=src), 1):
        note = f"proposed: cited {candidate.count} time(s) in the document, not in the glossary"
        terms = [Term(src, candidate.text, "preferred", note="as written in the document")]
        for lang, options in sorted(candidate.equivalents.items()):
            if keep is not None and base(lang) not in keep:
                continue
            for text, score in options:
                terms.append(
                    Term(lang, text, "admitted", note=f"candidate mined from the versions: {score}")
                )
        yield ReferenceEntry(Concept(f"PROPOSED-{number:03d}", PROPOSED, tuple(terms), note))
