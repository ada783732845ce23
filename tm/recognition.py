"""Term recognition: where a glossary's terms stand in running text, and in which form.

:class:`TermIndex` finds the terms of a set of concepts with one index per language
(:mod:`tm.recognition_index`: a dict of every name's stems and their prefixes, walked from each
word of the text, so that a glossary of 100,000 terms costs no more per text than one of 100).
Each hit maps back to a span of the original text. The form found is then compared with the
listed forms to tell its status (preferred, admitted, deprecated), inflected forms included,
or report it as an unlisted ``"variant"``; near-variants that differ by a word or two and
reworded titles are found where no exact hit is (:mod:`tm.near_variants`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tm.concepts import STATUSES, concept_languages, is_abbreviation
from tm.models import Concept, Term, TermHit
from tm.near_variants import Choice, headings, near_variants
from tm.recognition_index import Bucket, Entry, LangIndex, build_index
from tm.stems import STEMMERS, WORD, cached_base, fold, stem_ar, surface_form, tokenize

__all__ = ["TermIndex"]

#: Ranks of the statuses, best first; an unlisted ``"variant"`` comes last.
_RANK = {status: rank for rank, status in enumerate((*STATUSES, "variant"))}


class TermIndex:
    """The recogniser behind :meth:`tm.terms.Glossary.find`: one index per language, built
    on first use, and the preferred forms of each concept, cached.

    ``concepts`` maps each concept id to its concept.
    """

    def __init__(self, concepts: Mapping[str, Concept]) -> None:
        self._by_id = concepts
        self._indexes: dict[str, LangIndex] = {}
        self._preferred: dict[tuple[str, str], tuple[Term | None, dict[str, str]]] = {}

    def _index(self, lang: str) -> LangIndex:
        index = self._indexes.get(lang)
        if index is None:
            index = self._indexes[lang] = build_index(list(self._by_id.values()), lang)
        return index

    def data(self, langs: Sequence[str]) -> Any:
        """The index of each of ``langs`` as plain data (what :mod:`marshal` stores)."""
        return {lang: self._index(lang).data() for lang in langs}

    def load(self, data: Any) -> None:
        """Take the indexes :meth:`data` gave, instead of building them.

        Raises:
            TypeError, ValueError, AttributeError: ``data`` is not what :meth:`data` gives.
        """
        self._indexes = {lang: LangIndex.from_data(index) for lang, index in data.items()}

    def named(self, key: tuple[str, ...], lang: str) -> list[str]:
        """The concepts with a listed term in ``lang`` whose stems are ``key`` (not empty): an
        exact name is a dict look-up (see :mod:`tm.lookup`)."""
        index = self._index(lang)
        number = index.keys.get(" ".join(key), -1)
        if number < 0:
            return []
        found = []
        for concept_id, form, raw in index.buckets[number][1]:
            # derived forms have no term, abbreviations given only in their column no listed one
            terms = self._by_id[concept_id].terms
            if raw is not None and any(
                t.text == form and cached_base(t.lang) == lang for t in terms
            ):
                found.append(concept_id)
        return found

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
        exact: list[tuple[int, int, Bucket]] = []
        partial: list[tuple[int, int, int]] = []  # (token, long term, offset)
        for stop, _length, start, number in runs:
            hit = index.bucket(number)
            if hit.exact:
                exact.append((start, stop, hit))
            for long_number, offset in hit.partial:
                partial.append((start, long_number, offset))
        owner = [-1] * len(tokens)  # which chosen hit covers each token
        chosen: list[Choice] = []
        for start, stop, found in sorted(exact, key=lambda e: (e[0] - e[1], e[0])):
            if any(o >= 0 for o in owner[start:stop]):
                continue
            span = text[tokens[start][0] : tokens[stop - 1][1]]
            pick = self._resolve(found.exact, span, lang)
            if pick is None:
                continue
            owner[start:stop] = [len(chosen)] * (stop - start)
            chosen.append((start, stop, *pick))
        chosen = near_variants(text, index, tokens, chosen, owner, partial)
        chosen.extend(headings(text, lang, index, tokens, chosen))
        hits = [self._hit(text, tokens, lang, item) for item in chosen]
        return sorted(hits, key=lambda h: h.start)

    def _resolve(
        self, entries: Sequence[Entry], span: str, lang: str
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
        item: Choice,
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


def _entry_rank(entry: Entry) -> int:
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
