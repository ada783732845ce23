"""Term recognition: where a glossary's terms stand in running text, and in which form.

:class:`TermIndex` finds the terms of a set of concepts with one Aho-Corasick automaton per
language over the normalised word stems of :mod:`tm.stems`. Each hit maps back to a span of the
original text. The form found is then compared with the listed forms to tell its status
(preferred, admitted, deprecated) or report it as an unlisted ``"variant"``; near-variants that
differ by a word or two (a missing "International", an inserted "of UNESCO") are found in the
gaps between exact hits by a token-level Levenshtein check (rapidfuzz), and a heading that is
as a whole a reworded title is matched against the long names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import ahocorasick
import regex
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from tm.concepts import STATUSES, concept_languages, is_abbreviation
from tm.models import Concept, Term, TermHit
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

__all__ = ["FUZZY_CUTOFF", "FUZZY_CUTOFF_TITLE", "TITLE_CUTOFF", "TermIndex"]

#: Ranks of the statuses, best first; an unlisted ``"variant"`` comes last.
_RANK = {status: rank for rank, status in enumerate((*STATUSES, "variant"))}

# --- the index --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Entry:
    """A form the automaton knows: a listed term, or a form derived from one (a variant)."""

    concept: str
    form: str
    term: Term | None  # None for a derived variant


@dataclass(slots=True)
class _Bucket:
    length: int  # tokens
    chars: int  # characters of the automaton key, spaces included
    exact: list[_Entry]
    partial: list[tuple[int, int]]  # (index into _Index.long, offset of the window in it)


@dataclass(slots=True)
class _Index:
    automaton: ahocorasick.Automaton | None  # None when the language has no terms
    long: list[tuple[str, Term, tuple[str, ...]]]
    titles: list[tuple[str, str, Term]]  # (folded text, concept, term) of multi-word names


#: A fuzzy near-variant must have at least this normalised token similarity (0..1).
FUZZY_CUTOFF = 0.85
#: ... or this much when the text is a whole line, sentence or 《title》 (a heading, a title).
FUZZY_CUTOFF_TITLE = 0.7
_FUZZY_MIN_TOKENS = 6


def _build_index(concepts: Sequence[Concept], lang: str) -> _Index:
    keyed: list[tuple[Concept, Term, tuple[str, ...]]] = []
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
    buckets: dict[tuple[str, ...], _Bucket] = {}

    def bucket(key: tuple[str, ...]) -> _Bucket:
        return buckets.setdefault(key, _Bucket(len(key), len(" ".join(key)) + 2, [], []))

    for concept, term, key in keyed:
        bucket(key).exact.append(_Entry(concept.id, term.text, term))
    # A name that embeds another concept's name ("Protocol No. 1 to the <ECHR>") is also
    # recognised with that concept's other names in its place ("... to the European Convention
    # on Human Rights"): such forms are reported as variants.
    for concept, term, key in keyed:
        if is_abbreviation(term):
            continue
        for inner_concept, inner, inner_key in keyed:
            if inner_concept.id == concept.id or is_abbreviation(inner) or len(inner_key) < 2:
                continue
            at = _find_run(key, inner_key)
            if at < 0 or len(inner_key) == len(key):
                continue
            inner_text = surface_form(inner.text)
            outer_text = surface_form(term.text)
            for other in inner_concept.terms:
                if (
                    cached_base(other.lang) != lang
                    or other is inner
                    or other.status == "deprecated"
                ):
                    continue
                derived = key[:at] + stems(other.text, lang) + key[at + len(inner_key) :]
                form = outer_text.replace(inner_text, other.text)
                bucket(derived).exact.append(_Entry(concept.id, form, None))
    long: list[tuple[str, Term, tuple[str, ...]]] = []
    for concept, term, key in keyed:
        n = len(key)
        if n < _FUZZY_MIN_TOKENS or is_abbreviation(term):
            continue
        number = len(long)
        long.append((concept.id, term, key))
        width = max(3, n // 3)
        for offset in range(n - width + 1):
            bucket(key[offset : offset + width]).partial.append((number, offset))
    # Headings reword agenda-item titles and long titles; a short name with one word changed
    # is another body ("Human Rights Committee"), not a variant of "Human Rights Council".
    titles = [
        (folded_words(term.text, lang), concept.id, term)
        for concept, term, key in keyed
        if not is_abbreviation(term)
        and len(key) >= 3
        and (concept.category == "agenda_item" or len(key) >= _TITLE_MIN_TOKENS)
    ]
    automaton = ahocorasick.Automaton()
    for key, value in buckets.items():
        automaton.add_word(" " + " ".join(key) + " ", value)
    if buckets:
        automaton.make_automaton()
    return _Index(automaton if buckets else None, long, titles)


def _find_run(haystack: Sequence[str], needle: Sequence[str]) -> int:
    n = len(needle)
    for i in range(len(haystack) - n + 1):
        if tuple(haystack[i : i + n]) == tuple(needle):
            return i
    return -1


# --- recognition ------------------------------------------------------------------------------


class TermIndex:
    """The recogniser behind :meth:`tm.terms.Glossary.find`: one automaton per language, built
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

    def find(self, text: str, lang: str) -> list[TermHit]:
        """Recognise glossary terms in ``text`` (in ``lang``): sorted, non-overlapping hits.

        Longest matches win; abbreviations only match in capitals; near-variants are searched
        in the text that no exact match covers.
        """
        lang = cached_base(lang)
        index = self._index(lang)
        tokens = tokenize(text, lang)
        if index.automaton is None or not tokens:
            return []
        joined = " " + " ".join(t[2] for t in tokens) + " "
        at_space: dict[int, int] = {}
        position = 0
        for number, token in enumerate(tokens):
            at_space[position] = number
            position += len(token[2]) + 1
        exact: list[tuple[int, int, _Bucket]] = []
        partial: list[tuple[int, int, int]] = []  # (token, long term, offset)
        for end, found in index.automaton.iter(joined):
            start = at_space[end - found.chars + 1]
            if found.exact:
                exact.append((start, start + found.length, found))
            for number, offset in found.partial:
                partial.append((start, number, offset))
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
    proposals: dict[tuple[int, int], tuple[float, str, Term]] = {}
    for at, number, offset in partial:
        concept_id, term, key = index.long[number]
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
                        proposals[(start, stop)] = (score, concept_id, term)
    if not proposals:
        return chosen
    taken: list[tuple[int, int]] = []
    variants: list[_Choice] = []
    for (start, stop), (_score, concept_id, term) in sorted(
        proposals.items(), key=lambda p: (-p[1][0], p[0][0] - p[0][1])
    ):
        if any(start < b and a < stop for a, b in taken):
            continue
        taken.append((start, stop))
        variants.append((start, stop, concept_id, term, "variant", term.text))
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
    if not index.titles:
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
        [title[0] for title in index.titles],
        scorer=fuzz.ratio,
        score_cutoff=TITLE_CUTOFF,
        limit=5,
    ):
        _, concept_id, term = index.titles[number]
        # the letters alone mislead ("Chute des actions en Asie" ~ "Charte des Nations Unies"):
        # at least half of the words must be the name's words too
        if Levenshtein.normalized_similarity(words, stems(term.text, lang)) >= 0.5:
            return [(offset, offset + len(tokens), concept_id, term, "variant", term.text)]
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
