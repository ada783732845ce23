"""Term recognition: where a glossary's terms stand in running text, and in which form.

:class:`TermIndex` finds the terms of a set of concepts with one index per language over the
normalised word stems of :mod:`tm.stems`: a dict of every name's stems and their prefixes,
walked from each word of the text, so that a glossary of 100,000 terms costs no more per text
than one of 100; it is plain data, which loads from a cache in a blink. Each hit maps back to
a span of the original text. The form found is then compared with the listed forms to tell its
status (preferred, admitted, deprecated) or report it as an unlisted ``"variant"``; near-variants
that differ by a word or two (a missing "International", an inserted "of UNESCO") are found in
the gaps between exact hits by a token-level Levenshtein check (rapidfuzz), and a heading that
is as a whole a reworded title is matched against the long names.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import regex
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from tm.concepts import STATUSES, concept_languages, is_abbreviation
from tm.models import Concept, Term, TermHit, TermStatus
from tm.stems import (
    BARRIER,
    STEMMERS,
    WORD,
    cached_base,
    fold,
    folded_words,
    stem_ar,
    stems,
    surface_form,
    tokenize,
)

__all__ = [
    "FUZZY_CUTOFF",
    "FUZZY_CUTOFF_TITLE",
    "TITLE_CUTOFF",
    "TermIndex",
    "raw_term",
    "term_from_raw",
]

#: Ranks of the statuses, best first; an unlisted ``"variant"`` comes last.
_RANK = {status: rank for rank, status in enumerate((*STATUSES, "variant"))}

# --- the index --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Entry:
    """A form the index knows: a listed term, or a form derived from one (a variant)."""

    concept: str
    form: str
    term: Term | None  # None for a derived variant


# The index is kept as plain tuples, lists and dicts (marshal can store and load it in a blink,
# see TermIndex.data): terms, entries and buckets become objects only when a text hits them.
_RawTerm = tuple[str, str, str, str | None, str | None, str | None, str | None]
_RawEntry = tuple[str, str, _RawTerm | None]  # concept id, form, listed term (None: derived)
#: tokens of the key, its exact entries, its windows of long names (long name, offset in it)
_RawBucket = tuple[int, list[_RawEntry], list[tuple[int, int]]]
_STATUS_OF: dict[str, TermStatus] = {status: status for status in STATUSES}


def raw_term(term: Term) -> _RawTerm:
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


def term_from_raw(raw: _RawTerm) -> Term:
    """The term :func:`raw_term` gave."""
    lang, text, status, abbreviation, source, confidence, note = raw
    return Term(lang, text, _STATUS_OF[status], abbreviation, source, confidence, note)


@dataclass(frozen=True, slots=True)
class _Bucket:
    length: int  # tokens
    exact: tuple[_Entry, ...]
    partial: list[tuple[int, int]]  # (index into _Index.long, offset of the window in it)


@dataclass(slots=True)
class _Index:
    """Term recognition in one language: a dict walk over the stems of the text.

    ``keys`` maps the space-joined stems of each key to its bucket, and each proper prefix of
    a key to -1, so that a walk from any word stops as soon as no key can start there.
    """

    keys: dict[str, int]
    buckets: list[_RawBucket]
    long: list[tuple[str, _RawTerm, tuple[str, ...]]]  # (concept, term, stems) of long names
    title_texts: list[str]  # folded text of the names a heading may reword
    titles: list[tuple[str, _RawTerm]]  # (concept, term) of each of those
    cooked: dict[int, _Bucket]

    def bucket(self, number: int) -> _Bucket:
        """Bucket ``number`` as objects (made once, when a text first hits it)."""
        found = self.cooked.get(number)
        if found is None:
            length, exact, partial = self.buckets[number]
            entries = tuple(
                _Entry(cid, form, None if raw is None else term_from_raw(raw))
                for cid, form, raw in exact
            )
            found = self.cooked[number] = _Bucket(length, entries, partial)
        return found

    def data(self) -> Any:
        """The index as plain data (see :meth:`from_data`)."""
        return (self.keys, self.buckets, self.long, self.title_texts, self.titles)

    @classmethod
    def from_data(cls, data: Any) -> _Index:
        """The index :meth:`data` gave (``TypeError``/``ValueError`` when it is not that)."""
        keys, buckets, long, title_texts, titles = data
        if not all(isinstance(part, dict if part is keys else list) for part in data):
            raise TypeError("not the data of a term index")
        return cls(keys, buckets, long, title_texts, titles, {})


#: A fuzzy near-variant must have at least this normalised token similarity (0..1).
FUZZY_CUTOFF = 0.85
#: ... or this much when the text is a whole line, sentence or 《title》 (a heading, a title).
FUZZY_CUTOFF_TITLE = 0.7
_FUZZY_MIN_TOKENS = 6


_Keyed = tuple[Concept, Term, tuple[str, ...]]  # a term (or abbreviation) and its stems


def _build_index(concepts: Sequence[Concept], lang: str) -> _Index:
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
    long: list[tuple[str, _RawTerm, tuple[str, ...]]] = []
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
    return _Index(
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


# --- recognition ------------------------------------------------------------------------------


class TermIndex:
    """The recogniser behind :meth:`tm.terms.Glossary.find`: one index per language, built
    on first use, and the preferred forms of each concept, cached.

    ``concepts`` maps each concept id to its concept.
    """

    def __init__(self, concepts: Mapping[str, Concept]) -> None:
        self._by_id = concepts
        self._indexes: dict[str, _Index] = {}
        self._preferred: dict[tuple[str, str], tuple[Term | None, dict[str, str]]] = {}

    def _index(self, lang: str) -> _Index:
        index = self._indexes.get(lang)
        if index is None:
            index = self._indexes[lang] = _build_index(list(self._by_id.values()), lang)
        return index

    def data(self, langs: Sequence[str]) -> Any:
        """The index of each of ``langs`` as plain data (what :mod:`marshal` stores)."""
        return {lang: self._index(lang).data() for lang in langs}

    def load(self, data: Any) -> None:
        """Take the indexes :meth:`data` gave, instead of building them.

        Raises:
            TypeError, ValueError, AttributeError: ``data`` is not what :meth:`data` gives.
        """
        self._indexes = {lang: _Index.from_data(index) for lang, index in data.items()}

    def find(self, text: str, lang: str) -> list[TermHit]:
        """Recognise glossary terms in ``text`` (in ``lang``): sorted, non-overlapping hits.

        Longest matches win; abbreviations only match in capitals; near-variants are searched
        in the text that no exact match covers.
        """
        lang = cached_base(lang)
        index = self._index(lang)
        tokens = tokenize(text, lang)
        words = [t[2] for t in tokens]
        runs: list[tuple[int, int, int, int]] = []  # (stop, -length, start, bucket)
        for start in range(len(words)):
            joined, stop = words[start], start + 1
            while (number := index.keys.get(joined)) is not None:
                if number >= 0:
                    runs.append((stop, start - stop, start, number))
                if stop == len(words):
                    break
                joined += " " + words[stop]
                stop += 1
        runs.sort()  # by end, longest first: the order in which an automaton reports them
        exact: list[tuple[int, int, _Bucket]] = []
        partial: list[tuple[int, int, int]] = []  # (token, long term, offset)
        for stop, _length, start, number in runs:
            hit = index.bucket(number)
            if hit.exact:
                exact.append((start, stop, hit))
            for long_number, offset in hit.partial:
                partial.append((start, long_number, offset))
        owner = [-1] * len(tokens)  # which chosen hit covers each token
        chosen: list[_Choice] = []
        for start, stop, found in sorted(exact, key=lambda e: (e[0] - e[1], e[0])):
            if any(o >= 0 for o in owner[start:stop]):
                continue
            span = text[tokens[start][0] : tokens[stop - 1][1]]
            pick = self._resolve(found.exact, span, lang)
            if pick is None:
                continue
            owner[start:stop] = [len(chosen)] * (stop - start)
            chosen.append((start, stop, *pick))
        chosen = _near_variants(text, index, tokens, chosen, owner, partial)
        chosen.extend(_headings(text, lang, index, tokens, chosen))
        hits = [self._hit(text, tokens, lang, item) for item in chosen]
        return sorted(hits, key=lambda h: h.start)

    def _resolve(
        self, entries: Sequence[_Entry], span: str, lang: str
    ) -> tuple[str, Term | None, str, str] | None:
        """(concept, term, status, form) of the best entry for ``span``, or None.

        A listed form wins, spelled as listed or else (ru, ar, fr, es) inflected; otherwise the
        best-ranked entry names the concept of an unlisted variant. An abbreviation of a cased
        script counts in neither way unless written as listed or in capitals ("pidcp" is no
        PIDCP). A single word counts only in a listed form (spelt as listed or inflected).
        """
        usable = [e for e in entries if e.term is None or not _lowercased(e.term, span)]
        if not usable:
            return None
        surface = surface_form(span)
        listed = [(e.concept, e.term) for e in usable if e.term is not None]
        found = [(c, t) for c, t in listed if _same_form(surface, surface_form(t.text))]
        if not found and lang in _INFLECTING:
            found = [(c, t) for c, t in listed if _inflected(span, t.text, lang)]
        if found:
            concept, term = min(found, key=lambda item: _RANK[item[1].status])
            return concept, term, term.status, term.text
        if lang != "zh" and len(WORD.findall(span)) == 1:
            return None  # one word in another spelling is another word ("secretario")
        fallback = min(usable, key=_entry_rank)
        return fallback.concept, fallback.term, "variant", fallback.form

    def _hit(
        self,
        text: str,
        tokens: Sequence[tuple[int, int, str]],
        lang: str,
        item: _Choice,
    ) -> TermHit:
        first, last, concept_id, _term, status, form = item
        start, end = tokens[first][0], tokens[last - 1][1]
        concept = self._by_id[concept_id]
        start, end, status, form = _widen(text, start, end, concept, lang, status, form)
        preferred, equivalents = self._equivalents(concept_id, lang)
        return TermHit(
            start=start,
            end=end,
            text=text[start:end],
            lang=lang,
            concept=concept_id,
            status=status,
            form=form,
            preferred=preferred.text if preferred else form,
            equivalents=dict(equivalents),
            confidence=preferred.confidence if preferred else None,
            source=preferred.source if preferred else None,
        )

    def _equivalents(self, concept_id: str, lang: str) -> tuple[Term | None, dict[str, str]]:
        """The preferred term in ``lang`` and in each other language (cached per concept)."""
        key = (concept_id, lang)
        found = self._preferred.get(key)
        if found is None:
            concept = self._by_id[concept_id]
            term = concept.preferred(lang)
            others = {}
            for other in concept_languages(concept):
                preferred = concept.preferred(other)
                if other != lang and preferred is not None:
                    others[other] = preferred.text
            found = self._preferred[key] = (term, others)
        return found


_Choice = tuple[int, int, str, Term | None, str, str]  # tokens [start, stop), concept, ...


def _near_variants(
    text: str,
    index: _Index,
    tokens: Sequence[tuple[int, int, str]],
    chosen: list[_Choice],
    owner: list[int],
    partial: Sequence[tuple[int, int, int]],
) -> list[_Choice]:
    """Add near-variants of long names, triggered by a run of their words that no hit covers.

    A window of text whose stems are within :data:`FUZZY_CUTOFF` of a listed name, starting
    with one of its first two words and ending with one of its last two, is a variant of that
    name; it may take in whole exact hits (an embedded "European Convention on Human Rights" in
    a reworded protocol title) but never cut one.
    """
    if not partial:
        return chosen
    words = [t[2] for t in tokens]
    proposals: dict[tuple[int, int], tuple[float, str, _RawTerm]] = {}
    for at, number, offset in partial:
        concept_id, raw, key = index.long[number]
        n = len(key)
        if any(o >= 0 for o in owner[at : at + max(3, n // 3)]):
            continue
        anchor = at - offset
        heads, tails = set(key[:2]), set(key[-2:])
        for start in range(max(0, anchor - 3), min(anchor + 4, len(words))):
            if words[start] not in heads:
                continue
            for stop in range(start + max(1, n - 3), min(len(words), start + n + 3) + 1):
                if words[stop - 1] not in tails or BARRIER in words[start:stop]:
                    continue
                if not _clean_cut(chosen, owner, start, stop):
                    continue
                score = Levenshtein.normalized_similarity(key, words[start:stop])
                cutoff = (
                    FUZZY_CUTOFF_TITLE if _delimited(text, tokens, start, stop) else FUZZY_CUTOFF
                )
                if score >= cutoff:
                    old = proposals.get((start, stop))
                    if old is None or score > old[0]:
                        proposals[(start, stop)] = (score, concept_id, raw)
    if not proposals:
        return chosen
    taken: list[tuple[int, int]] = []
    variants: list[_Choice] = []
    for (start, stop), (_score, concept_id, raw) in sorted(
        proposals.items(), key=lambda p: (-p[1][0], p[0][0] - p[0][1])
    ):
        if any(start < b and a < stop for a, b in taken):
            continue
        taken.append((start, stop))
        variants.append((start, stop, concept_id, term_from_raw(raw), "variant", raw[1]))
    kept = [c for c in chosen if not any(a <= c[0] and c[1] <= b for a, b in taken)]
    return kept + variants


#: A text that is a heading or title as a whole matches a name at this rapidfuzz ratio.
TITLE_CUTOFF = 75.0
_TITLE_MIN_TOKENS = 8


_LINE = regex.compile(r"[^\n]+")


def _headings(
    text: str,
    lang: str,
    index: _Index,
    tokens: Sequence[tuple[int, int, str]],
    chosen: Sequence[_Choice],
) -> list[_Choice]:
    """Reworded titles standing as a heading: the whole text (up to three lines) when nothing
    was found in it, else each line without a hit."""
    if not index.title_texts:
        return []
    if not chosen:
        found = _title_variant(text, lang, index, tokens, 0)
        if found or "\n" not in text.strip():
            return found
    covered = {k for start, stop, *_ in chosen for k in range(start, stop)}
    out: list[_Choice] = []
    first = 0
    for line in _LINE.finditer(text):
        while first < len(tokens) and tokens[first][0] < line.start():
            first += 1
        last = first
        while last < len(tokens) and tokens[last][0] < line.end():
            last += 1
        if last > first and not covered.intersection(range(first, last)):
            out.extend(_title_variant(line.group(), lang, index, tokens[first:last], first))
    return out


def _title_variant(
    text: str, lang: str, index: _Index, tokens: Sequence[tuple[int, int, str]], offset: int
) -> list[_Choice]:
    """A heading-like text (short, no final stop) that is as a whole a reworded name.

    ``tokens`` are the text's own tokens; ``offset`` is the index of the first of them in the
    tokens of the whole text the hit will refer to.
    """
    stripped = text.strip()
    if not stripped or len(stripped) > 200 or stripped.count("\n") > 2:
        return []
    if stripped[-1] in ".。!?！？;；:：" or BARRIER in (t[2] for t in tokens):
        return []
    words = [t[2] for t in tokens]
    for _title, _score, number in process.extract(
        folded_words(stripped, lang),
        index.title_texts,
        scorer=fuzz.ratio,
        score_cutoff=TITLE_CUTOFF,
        limit=5,
    ):
        concept_id, raw = index.titles[number]
        # the letters alone mislead ("Chute des actions en Asie" ~ "Charte des Nations Unies"):
        # at least half of the words must be the name's words too
        if Levenshtein.normalized_similarity(words, stems(raw[1], lang)) >= 0.5:
            return [
                (offset, offset + len(tokens), concept_id, term_from_raw(raw), "variant", raw[1])
            ]
    return []


def _delimited(text: str, tokens: Sequence[tuple[int, int, str]], start: int, stop: int) -> bool:
    """True when tokens [start, stop) make a whole line, sentence or 《title》."""
    before = text[tokens[start - 1][1] if start else 0 : tokens[start][0]]
    after = text[tokens[stop - 1][1] : tokens[stop][0] if stop < len(tokens) else len(text)]
    opened = not start or tokens[start - 1][2] == BARRIER or "\n" in before or "《" in before
    closed = stop == len(tokens) or tokens[stop][2] == BARRIER or "\n" in after
    return opened and (closed or "》" in after)


def _clean_cut(chosen: Sequence[_Choice], owner: Sequence[int], start: int, stop: int) -> bool:
    """True when the window [start, stop) takes in only whole hits of full names.

    An abbreviation beside a name ("UNESCO Convention on ...") is a mention of its own.
    """
    first, last = owner[start], owner[stop - 1]
    if first >= 0 and chosen[first][0] < start:
        return False
    if last >= 0 and chosen[last][1] > stop:
        return False
    inside = {owner[k] for k in range(start, stop) if owner[k] >= 0}
    return not any((term := chosen[k][3]) is not None and is_abbreviation(term) for k in inside)


_INFLECTING = ("ru", "fr", "es", "ar")


def _inflected(span: str, form: str, lang: str) -> bool:
    """True when ``span`` is ``form`` with inflected endings (or Arabic clitics) only.

    Each word must keep the listed spelling up to its stem and its capitalisation (the first
    word may change case), and the punctuation must be the same: "Совета Безопасности" is an
    inflected "Совет Безопасности", "Совет безопасности" is not.
    """
    surface, listed = surface_form(span), surface_form(form)
    if WORD.sub(" ", surface).split() != WORD.sub(" ", listed).split():
        return False
    mine, theirs = WORD.findall(surface), WORD.findall(listed)
    if len(mine) != len(theirs):
        return False
    for number, (have, want) in enumerate(zip(mine, theirs, strict=True)):
        if have == want:
            continue
        if number and have[:1].isupper() != want[:1].isupper():
            return False
        if lang == "ar":
            if stem_ar(have) != stem_ar(want):  # unfolded: hamza still counts
                return False
            continue
        width = len(STEMMERS[lang](fold(want)))
        if have.lower()[:width] != want.lower()[:width]:
            return False
    return True


def _lowercased(term: Term, span: str) -> bool:
    """True when ``span`` writes the abbreviation ``term`` of a cased script in small letters."""
    return (
        is_abbreviation(term)
        and term.text != term.text.lower()
        and span != term.text
        and not (span.isupper() and len(span) > 1)
    )


def _entry_rank(entry: _Entry) -> int:
    return _RANK[entry.term.status] if entry.term is not None else len(_RANK)


def _same_form(surface: str, form: str) -> bool:
    """Exact form, allowing only a capital/small first letter (sentence starts, headings)."""
    if surface == form:
        return True
    return surface[1:] == form[1:] and surface[:1].casefold() == form[:1].casefold()


def _widen(
    text: str, start: int, end: int, concept: Concept, lang: str, status: str, form: str
) -> tuple[int, int, str, str]:
    """Take in marks a listed form includes (e.g. a deprecated ``<<...>>``) around the span."""
    surface = text[start:end]
    for term in concept.terms:
        if term.text == surface or cached_base(term.lang) != lang:
            continue
        at = term.text.find(surface)
        if at < 0:
            continue
        before, after = term.text[:at], term.text[at + len(surface) :]
        if any(c.isalnum() or c.isspace() for c in before + after):
            continue
        if before == "\u300a" and after == "\u300b":
            continue  # 《》 are optional: the bare title is the same form
        if text[start - len(before) : start] == before and text[end : end + len(after)] == after:
            return start - len(before), end + len(after), term.status, term.text
    return start, end, status, form
