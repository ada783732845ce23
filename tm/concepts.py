"""The glossary model: concepts and terms from rows, term statuses, abbreviations.

A glossary is a set of :class:`~tm.models.Concept` (TBX ``<conceptEntry>``), each with its
:class:`~tm.models.Term` in several languages. :func:`concepts_from_rows` builds them from the
one-term-a-row layout of the shipped glossary and of users' tables.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping

import regex

from tm.errors import GlossaryError, LanguageError
from tm.lang import normalize
from tm.models import Concept, Term, TermStatus
from tm.stems import cached_base

__all__ = [
    "STATUSES",
    "check_statuses",
    "concept_languages",
    "concepts_from_rows",
    "conflict_key",
    "is_abbreviation",
]

#: Term statuses, best first (``"variant"`` is given to unlisted forms found by tolerance).
STATUSES: tuple[TermStatus, ...] = ("preferred", "admitted", "deprecated")
_STATUS_OF: dict[str, TermStatus] = {status: status for status in STATUSES}


def is_abbreviation(term: Term) -> bool:
    """True for an abbreviation row (``ICCPR``, ``МПГПП``): matched only in capitals."""
    return term.abbreviation is not None and term.abbreviation == term.text


# --- statuses that contradict each other ------------------------------------------------------

# What two spellings of one name may differ in: case, apostrophes, ё/е, title marks and quotes,
# tatweel and Arabic diacritics, hamza on alef, spacing (as the reference's validate.py folds).
_CONFLICT_FOLD = str.maketrans(
    {
        "\u2019": "'",
        "\u02bc": "'",
        "ё": "е",
        "Ё": "Е",
        **{c: None for c in '《》〈〉<>“”"\u0640'},
        **{chr(c): None for c in range(0x064B, 0x0653)},
        **{c: "ا" for c in "إأآ"},
    }
)
_SPACES = regex.compile(r"\s+")


def conflict_key(text: str) -> str:
    """The form under which two terms are the same name for :func:`check_statuses`."""
    text = unicodedata.normalize("NFKC", text).translate(_CONFLICT_FOLD)
    return str(_SPACES.sub(" ", text)).strip().casefold()


def check_statuses(concepts: Iterable[Concept]) -> None:
    """Refuse a glossary that marks a term deprecated in one concept and accepts it (preferred
    or admitted) in another, in the same language: such a glossary would tell a translator to
    replace the correct name of one body or treaty with another's.

    Raises:
        GlossaryError: naming the term and both concepts.
    """
    deprecated: dict[tuple[str, str], str] = {}
    accepted: dict[tuple[str, str], tuple[str, Term]] = {}
    for concept in concepts:
        for term in concept.terms:
            key = (cached_base(term.lang), conflict_key(term.text))
            if term.status == "deprecated":
                deprecated.setdefault(key, concept.id)
            else:
                accepted.setdefault(key, (concept.id, term))
    for key, wrong in deprecated.items():
        right = accepted.get(key)
        if right is not None and right[0] != wrong:
            raise GlossaryError(
                f"the {key[0]} term \u201c{right[1].text}\u201d is deprecated in {wrong} but "
                f"{right[1].status} in {right[0]}: a term may not be wrong for one concept and "
                "right for another"
            )


# --- building concepts from rows --------------------------------------------------------------


def concepts_from_rows(
    rows: Iterable[Mapping[str, str | None]], *, origin: str | None = None
) -> list[Concept]:
    """Group glossary rows (``id, category, lang, term, abbreviation, status, ...``) into concepts.

    Each row is one term; rows sharing an ``id`` make one concept. A row whose category is
    ``abbreviation`` is a term of its concept, not a category. Full names come before
    abbreviations inside a concept, so :meth:`Concept.preferred` gives the full name.

    Raises:
        GlossaryError: on a row without id, language or term, or with an unknown status.
    """
    grouped: dict[str, list[Term]] = {}
    categories: dict[str, str] = {}
    notes: dict[str, str] = {}
    for number, row in enumerate(rows, start=1):
        where = f"{origin}: row {number}" if origin else f"row {number}"
        cid = (row.get("id") or "").strip()
        lang = (row.get("lang") or "").strip()
        text = (row.get("term") or "").strip()
        if not cid or not lang or not text:
            raise GlossaryError(f"{where}: every row needs an id, a language and a term")
        given = (row.get("status") or "preferred").strip() or "preferred"
        status = _STATUS_OF.get(given)
        if status is None:
            raise GlossaryError(f"{where}: status {given!r} is not one of {', '.join(STATUSES)}")
        try:
            lang = normalize(lang)
        except LanguageError as err:
            raise GlossaryError(f"{where}: {err}") from err
        category = (row.get("category") or "").strip()
        if category and category != "abbreviation":
            categories.setdefault(cid, category)
        if row.get("concept_note"):
            notes.setdefault(cid, str(row["concept_note"]))
        term = Term(
            lang=lang,
            text=text,
            status=status,
            abbreviation=(row.get("abbreviation") or "").strip() or None,
            source=(row.get("source") or "").strip() or None,
            confidence=(row.get("confidence") or "").strip() or None,
            note=(row.get("note") or "").strip() or None,
        )
        terms = grouped.setdefault(cid, [])
        if all((t.lang, t.text, t.status) != (term.lang, term.text, term.status) for t in terms):
            terms.append(term)
    return [
        Concept(
            id=cid,
            category=categories.get(cid, "term"),
            terms=tuple(sorted(terms, key=is_abbreviation)),
            note=notes.get(cid),
        )
        for cid, terms in grouped.items()
    ]


def concept_languages(concept: Concept) -> list[str]:
    """The languages of ``concept``'s terms, in order of first appearance."""
    return list(dict.fromkeys(cached_base(t.lang) for t in concept.terms))
