"""The recognition index of one language: a dict of every name's stems and their prefixes.

:func:`build_index` keys each listed name (and each abbreviation given only in its column) by
its normalised word stems (:mod:`tm.stems`), and each proper prefix of a key by -1, so that a
walk from any word of a text stops as soon as no name can start there: a glossary of 100,000
terms costs no more per text than one of 100. Names that embed another concept's name are also
keyed with that concept's other names in its place (reported as variants), and long names are
keyed by windows of their words, which trigger the near-variant search of
:mod:`tm.near_variants`. The index is plain data, which loads from a cache in a blink.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from tm.concepts import STATUSES, is_abbreviation
from tm.models import Concept, Term, TermStatus
from tm.stems import cached_base, folded_words, stems, surface_form

__all__ = ["Bucket", "Entry", "LangIndex", "RawTerm", "build_index", "raw_term", "term_from_raw"]


@dataclass(frozen=True, slots=True)
class Entry:
    """A form the index knows: a listed term, or a form derived from one (a variant)."""

    concept: str
    form: str
    term: Term | None  # None for a derived variant


# The index is kept as plain tuples, lists and dicts (marshal can store and load it in a blink,
# see TermIndex.data): terms, entries and buckets become objects only when a text hits them.
RawTerm = tuple[str, str, str, str | None, str | None, str | None, str | None]
_RawEntry = tuple[str, str, RawTerm | None]  # concept id, form, listed term (None: derived)
#: tokens of the key, its exact entries, its windows of long names (long name, offset in it)
_RawBucket = tuple[int, list[_RawEntry], list[tuple[int, int]]]
_STATUS_OF: dict[str, TermStatus] = {status: status for status in STATUSES}
#: names of at least this many tokens are keyed by windows for the near-variant search
_FUZZY_MIN_TOKENS = 6
#: names of at least this many tokens (or agenda items of three) may be reworded in a heading
_TITLE_MIN_TOKENS = 8


def raw_term(term: Term) -> RawTerm:
    """``term``'s fields as a tuple (see :func:`term_from_raw`)."""
    return (
        term.lang,
        term.text,
        term.status,
        term.abbreviation,
        term.source,
        term.confidence,
        term.note,
    )


def term_from_raw(raw: RawTerm) -> Term:
    """The term :func:`raw_term` gave."""
    lang, text, status, abbreviation, source, confidence, note = raw
    return Term(lang, text, _STATUS_OF[status], abbreviation, source, confidence, note)


@dataclass(frozen=True, slots=True)
class Bucket:
    length: int  # tokens
    exact: tuple[Entry, ...]
    partial: list[tuple[int, int]]  # (index into LangIndex.long, offset of the window in it)


@dataclass(slots=True)
class LangIndex:
    """Term recognition in one language: a dict walk over the stems of the text.

    ``keys`` maps the space-joined stems of each key to its bucket, and each proper prefix of
    a key to -1, so that a walk from any word stops as soon as no key can start there.
    """

    keys: dict[str, int]
    buckets: list[_RawBucket]
    long: list[tuple[str, RawTerm, tuple[str, ...]]]  # (concept, term, stems) of long names
    title_texts: list[str]  # folded text of the names a heading may reword
    titles: list[tuple[str, RawTerm]]  # (concept, term) of each of those
    cooked: dict[int, Bucket]

    def bucket(self, number: int) -> Bucket:
        """Bucket ``number`` as objects (made once, when a text first hits it)."""
        found = self.cooked.get(number)
        if found is None:
            length, exact, partial = self.buckets[number]
            entries = tuple(
                Entry(cid, form, None if raw is None else term_from_raw(raw))
                for cid, form, raw in exact
            )
            found = self.cooked[number] = Bucket(length, entries, partial)
        return found

    def data(self) -> Any:
        """The index as plain data (see :meth:`from_data`)."""
        return (self.keys, self.buckets, self.long, self.title_texts, self.titles)

    @classmethod
    def from_data(cls, data: Any) -> LangIndex:
        """The index :meth:`data` gave (``TypeError``/``ValueError`` when it is not that)."""
        keys, buckets, long, title_texts, titles = data
        if not all(isinstance(part, dict if part is keys else list) for part in data):
            raise TypeError("not the data of a term index")
        return cls(keys, buckets, long, title_texts, titles, {})


_Keyed = tuple[Concept, Term, tuple[str, ...]]  # a term (or abbreviation) and its stems


def build_index(concepts: Sequence[Concept], lang: str) -> LangIndex:
    keyed: list[_Keyed] = []
    for concept in concepts:
        terms = [t for t in concept.terms if cached_base(t.lang) == lang]
        listed = {t.text for t in terms}
        for term in terms:
            key = stems(term.text, lang)
            if key:
                keyed.append((concept, term, key))
            # an abbreviation given only in the abbreviation column is recognised too
            if term.abbreviation and term.abbreviation not in listed:
                listed.add(term.abbreviation)
                short = replace(term, text=term.abbreviation, note=None)
                keyed.append((concept, short, stems(short.text, lang)))
    numbers: dict[tuple[str, ...], int] = {}
    buckets: list[_RawBucket] = []

    def bucket(key: tuple[str, ...]) -> _RawBucket:
        number = numbers.get(key)
        if number is None:
            number = numbers[key] = len(buckets)
            buckets.append((len(key), [], []))
        return buckets[number]

    for concept, term, key in keyed:
        bucket(key)[1].append((concept.id, term.text, raw_term(term)))
    # A name that embeds another concept's name ("Protocol No. 1 to the <ECHR>") is also
    # recognised with that concept's other names in its place ("... to the European Convention
    # on Human Rights"): such forms are reported as variants.
    for (concept, term, key), at, (inner_concept, inner, inner_key) in _embedded(keyed):
        inner_text = surface_form(inner.text)
        outer_text = surface_form(term.text)
        for other in inner_concept.terms:
            if cached_base(other.lang) != lang or other is inner or other.status == "deprecated":
                continue
            derived = key[:at] + stems(other.text, lang) + key[at + len(inner_key) :]
            form = outer_text.replace(inner_text, other.text)
            bucket(derived)[1].append((concept.id, form, None))
    long: list[tuple[str, RawTerm, tuple[str, ...]]] = []
    for concept, term, key in keyed:
        n = len(key)
        if n < _FUZZY_MIN_TOKENS or is_abbreviation(term):
            continue
        number = len(long)
        long.append((concept.id, raw_term(term), key))
        width = max(3, n // 3)
        for offset in range(n - width + 1):
            bucket(key[offset : offset + width])[2].append((number, offset))
    # Headings reword agenda-item titles and long titles; a short name with one word changed
    # is another body ("Human Rights Committee"), not a variant of "Human Rights Council".
    titles = [
        (concept.id, term)
        for concept, term, key in keyed
        if not is_abbreviation(term)
        and len(key) >= 3
        and (concept.category == "agenda_item" or len(key) >= _TITLE_MIN_TOKENS)
    ]
    keys = {" ".join(key): number for key, number in numbers.items() if key}
    for key in numbers:
        for end in range(1, len(key)):
            keys.setdefault(" ".join(key[:end]), -1)
    return LangIndex(
        keys,
        buckets,
        long,
        [folded_words(term.text, lang) for _, term in titles],
        [(cid, raw_term(term)) for cid, term in titles],
        {},
    )


def _embedded(keyed: Sequence[_Keyed]) -> Iterator[tuple[_Keyed, int, _Keyed]]:
    """``(outer, at, inner)`` for each full name whose stems contain, from token ``at``, the
    whole stems of another concept's shorter full name.

    The inner names are looked up by their key among the runs of each name, so the cost grows
    with the number of names, not with its square (a 20,000-term glossary compared every pair).
    Pairs come in the order of ``keyed``, outer then inner, as a nested loop would give them.
    """
    inner_of: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for number, (_concept, term, key) in enumerate(keyed):
        if len(key) >= 2 and not is_abbreviation(term):
            inner_of[key].append(number)
    lengths = sorted({len(key) for key in inner_of})
    for outer in keyed:
        concept, term, key = outer
        if is_abbreviation(term):
            continue
        found: dict[int, int] = {}  # inner's number in keyed -> first token of its run in key
        for width in lengths:
            if width >= len(key):
                break
            for at in range(len(key) - width + 1):
                for number in inner_of.get(key[at : at + width], ()):
                    found.setdefault(number, at)
        for number in sorted(found):
            if keyed[number][0].id != concept.id:
                yield outer, found[number], keyed[number]
