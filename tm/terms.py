"""The glossary and term recognition in the six UN languages.

A :class:`Glossary` holds concepts (TBX model). :meth:`Glossary.find` recognises its terms in
running text with one Aho-Corasick automaton per language over *normalised word stems*: case,
accents, apostrophes, hyphens and punctuation are folded away, Arabic is normalised (hamza and
alef forms, tatweel, diacritics, clitic article and prepositions), Russian, French, Spanish and
English words are cut to a light stem so that inflected names still match, and Chinese is read
character by character (so the title marks 《》 are optional). Each hit maps back to a span of the
original text. The form found is then compared with the listed forms to tell its status
(preferred, admitted, deprecated) or report it as an unlisted ``"variant"``; near-variants that
differ by a word or two (a missing "International", an inserted "of UNESCO") are found in the
gaps between exact hits by a token-level Levenshtein check (rapidfuzz).

:func:`extract_candidates` proposes names of instruments and organs that a memory cites in
English and the glossary lacks, with equivalents mined from the aligned other-language sides.
"""

from __future__ import annotations

import math
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

import ahocorasick
import regex
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from tm.errors import GlossaryError, LanguageError
from tm.lang import base, normalize
from tm.models import Concept, Document, Term, TermHit, TermStatus, Unit

__all__ = [
    "STATUSES",
    "Candidate",
    "Glossary",
    "concepts_from_rows",
    "extract_candidates",
    "is_abbreviation",
    "recognize",
    "stems",
    "terms_in_document",
]

#: Term statuses, best first (``"variant"`` is given to unlisted forms found by tolerance).
STATUSES: tuple[TermStatus, ...] = ("preferred", "admitted", "deprecated")
_STATUS_OF: dict[str, TermStatus] = {status: status for status in STATUSES}
_RANK = {status: rank for rank, status in enumerate((*STATUSES, "variant"))}
#: ``tm.lang.base`` with a cache: every term and every call of ``find`` asks it.
_base = lru_cache(maxsize=1024)(base)

# --- normalisation ----------------------------------------------------------------------------

# "n°", "nº", "n.º" (French and Spanish "number") are one word "no", like English "No.".
_TOKEN = regex.compile(
    r"(?i:(?<![\p{L}\p{N}])(?:n\.?\s?[º°]|núm\.))"
    r"|[\p{Han}\p{Hiragana}\p{Katakana}]"
    r"|[[\p{L}\p{M}\p{N}]--[\p{Han}\p{Hiragana}\p{Katakana}]]+"
    r"|(?P<stop>[。！？；!?;《》])",
    flags=regex.V1,
)
#: The stem of a sentence or title boundary: no name is recognised across it.
_BARRIER = "|"
_ZH_DIGITS = str.maketrans("〇一二三四五六七八九", "0123456789")
# Traditional characters of the glossary's Chinese names, folded to simplified for matching
# (sources in traditional script cite the same treaties): pairs traditional -> simplified.
_ZH_TRADITIONAL = str.maketrans(
    "與專為義書爭會兒關衝沖減別辦務員國處婦學憲對態戰護無機權條構樣歐殘濟滅狀現織組經絕罰聯"
    "約級類裝視議設負責進長際預駐種強蹤祕",
    "与专为义书争会儿关冲冲减别办务员国处妇学宪对态战护无机权条构样欧残济灭状现织组经绝罚联"
    "约级类装视议设负责进长际预驻种强踪秘",
)
_FOLD = str.maketrans(
    {
        "\u0640": None,  # tatweel
        "\u0629": "\u0647",  # teh marbuta -> heh
        "\u0649": "\u064a",  # alef maksura -> yeh
        "\u06cc": "\u064a",  # Persian yeh
        "\u06a9": "\u0643",  # Persian kaf
        "\u0671": "\u0627",  # alef wasla
        "\u00ba": "o",
        "\u00b0": "o",
    }
)
# Surface comparison keeps spelling (hamza, case, accents) but not typography.
_SURFACE = str.maketrans(
    {
        **{c: "'" for c in "\u2019\u2018\u02bc\u0060\u00b4\u2032"},
        **{c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"},
        "\u00ba": "\u00b0",
        "\u300a": None,  # 《
        "\u300b": None,  # 》
        "\u0640": None,  # tatweel
        **{chr(c): None for c in range(0x064B, 0x0653)},  # Arabic diacritics
        "\u00a0": " ",
        "\u202f": " ",
    }
)


def _fold(word: str) -> str:
    """Casefold, drop accents and combining marks, normalise Arabic letter variants."""
    if word[:1] in "nN" and (word[-1:] in "º°" or word.lower() == "núm.") and len(word) <= 4:
        return "no"
    text = unicodedata.normalize("NFKD", word.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.translate(_FOLD)


# Russian case endings, longest first (a word loses the first that fits), spelled as _fold
# leaves them: it turns й into и, whose breve is a combining mark.
_RU_ENDINGS = tuple(
    "ого ему ому его ыми ими ами ями "  # noqa: SIM905 - a table of endings reads best as text
    "ои еи ии ыи ая яя ое ее ые ие ую юю ых их ым им ом ем ах ях ам ям ов ев ию ия ье ья ью "
    "а я ы и у ю о е ь".split()
)


def _stem_en(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _stem_fr(word: str) -> str:
    if len(word) > 4 and word.endswith("aux"):
        word = word[:-3] + "al"
    if len(word) > 3 and word[-1] in "sx":
        word = word[:-1]
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    return word


def _stem_es(word: str) -> str:
    if len(word) > 4 and word.endswith("es") and word[-3] not in "aeiou":
        word = word[:-2]
    elif len(word) > 3 and word.endswith("s"):
        word = word[:-1]
    if len(word) > 3 and word[-1] in "aoe":
        word = word[:-1]
    return word


def _stem_ru(word: str) -> str:
    for ending in _RU_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            word = word[: -len(ending)]
            break
    while len(word) > 3 and word[-1] in "аеиоуыэюяь":  # ассамбле-я / ассамбл-еи
        word = word[:-1]
    return word


def _stem_ar(word: str) -> str:
    """Strip the clitics and article that fuse with a word: و/ف, then لل, بال, ال, ب, ل, ك."""
    if word[:1] in ("و", "ف") and len(word) > 3:
        word = word[1:]
    if word.startswith("لل") and len(word) > 4:
        word = word[2:]  # li- + al-
    else:
        for prefix in ("بال", "كال", "ال", "ب", "ل", "ك"):
            if word.startswith(prefix) and len(word) - len(prefix) >= 3:
                word = word[len(prefix) :]
                if word.startswith("ال") and len(word) > 4:
                    word = word[2:]
                break
    if word.endswith(("ون", "ين")) and len(word) > 4:  # sound plural, any case
        word = word[:-2]
    return word


_STEMMERS: dict[str, Callable[[str], str]] = {
    "en": _stem_en,
    "fr": _stem_fr,
    "es": _stem_es,
    "ru": _stem_ru,
    "ar": _stem_ar,
}


def _tokens(text: str, lang: str) -> list[tuple[int, int, str]]:
    """``(start, end, stem)`` for each word (each Han character) of ``text``."""
    out: list[tuple[int, int, str]] = []
    for match in _TOKEN.finditer(text):
        if match.group("stop"):
            if out and out[-1][2] != _BARRIER:
                out.append((match.start(), match.end(), _BARRIER))
            continue
        key = _word_key(match.group(), lang)
        if key:
            out.append((match.start(), match.end(), key))
    return out


@lru_cache(maxsize=1 << 17)
def _word_key(word: str, lang: str) -> str:
    """The folded stem of one word (cached: running text repeats its words)."""
    folded = _fold(word)
    if lang == "zh":
        return folded.translate(_ZH_DIGITS).translate(_ZH_TRADITIONAL)  # 第一 = 第1
    stem = _STEMMERS.get(lang)
    return stem(folded) if stem and folded else folded


def stems(text: str, lang: str) -> tuple[str, ...]:
    """The matching key of ``text`` in ``lang``: its normalised word stems.

    >>> stems("Международного пакта", "ru")
    ('международн', 'пакт')
    """
    return tuple(t[2] for t in _tokens(text, _base(lang)) if t[2] != _BARRIER)


# Chinese is written without spaces: a line break inside a title is no difference of form.
_HAN_GAP = regex.compile(r"(?<=[\p{Han}\p{Pd}、，])\s+(?=[\p{Han}、，])")


def _surface(text: str) -> str:
    """The text for comparing forms: typography and line breaks folded, spelling kept."""
    text = unicodedata.normalize("NFC", text).translate(_SURFACE)
    folded: str = _HAN_GAP.sub("", " ".join(text.split()))
    return folded


def is_abbreviation(term: Term) -> bool:
    """True for an abbreviation row (``ICCPR``, ``МПГПП``): matched only in capitals."""
    return term.abbreviation is not None and term.abbreviation == term.text


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
        terms = [t for t in concept.terms if _base(t.lang) == lang]
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
            inner_text = _surface(inner.text)
            outer_text = _surface(term.text)
            for other in inner_concept.terms:
                if _base(other.lang) != lang or other is inner or other.status == "deprecated":
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
        (_folded(term.text, lang), concept.id, term)
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


# --- the glossary -----------------------------------------------------------------------------


class Glossary:
    """A concept-oriented glossary with term recognition and fuzzy lookup.

    >>> g = Glossary([Concept("X", "body", (Term("en", "Security Council"),))])
    >>> [h.concept for h in g.find("the security  council met", "en")]
    ['X']
    """

    def __init__(self, concepts: Iterable[Concept]) -> None:
        self.concepts: tuple[Concept, ...] = tuple(concepts)
        self._by_id: dict[str, Concept] = {}
        for concept in self.concepts:
            if concept.id in self._by_id:
                raise GlossaryError(f"concept id {concept.id!r} occurs twice in one glossary")
            self._by_id[concept.id] = concept
        self._indexes: dict[str, _Index] = {}
        self._preferred: dict[tuple[str, str], tuple[str | None, dict[str, str]]] = {}

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
        return list(dict.fromkeys(_base(t.lang) for c in self.concepts for t in c.terms))

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

    # --- recognition ----------------------------------------------------------------------

    def _index(self, lang: str) -> _Index:
        index = self._indexes.get(lang)
        if index is None:
            index = self._indexes[lang] = _build_index(self.concepts, lang)
        return index

    def find(self, text: str, lang: str) -> list[TermHit]:
        """Recognise glossary terms in ``text`` (in ``lang``): sorted, non-overlapping hits.

        Longest matches win; abbreviations only match in capitals; near-variants are searched
        in the text that no exact match covers.
        """
        lang = _base(lang)
        index = self._index(lang)
        tokens = _tokens(text, lang)
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
        PIDCP).
        """
        usable = [e for e in entries if e.term is None or not _lowercased(e.term, span)]
        if not usable:
            return None
        surface = _surface(span)
        listed = [(e.concept, e.term) for e in usable if e.term is not None]
        found = [(c, t) for c, t in listed if _same_form(surface, _surface(t.text))]
        if not found and lang in _INFLECTING:
            found = [(c, t) for c, t in listed if _inflected(span, t.text, lang)]
        if found:
            concept, term = min(found, key=lambda item: _RANK[item[1].status])
            return concept, term, term.status, term.text
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
            preferred=preferred or form,
            equivalents=dict(equivalents),
        )

    def _equivalents(self, concept_id: str, lang: str) -> tuple[str | None, dict[str, str]]:
        """The preferred term in ``lang`` and in each other language (cached per concept)."""
        key = (concept_id, lang)
        found = self._preferred.get(key)
        if found is None:
            concept = self._by_id[concept_id]
            term = concept.preferred(lang)
            others = {}
            for other in _concept_languages(concept):
                preferred = concept.preferred(other)
                if other != lang and preferred is not None:
                    others[other] = preferred.text
            found = self._preferred[key] = (term.text if term else None, others)
        return found

    # --- lookup ---------------------------------------------------------------------------

    def lookup(
        self, query: str, *, lang: str | None = None, limit: int = 5
    ) -> list[tuple[Concept, float]]:
        """Concepts whose terms best match ``query`` (fuzzy), with a score in 0..100.

        An exact match of a term (after normalisation, inflection included) or of a concept id
        scores 100; otherwise rapidfuzz's WRatio over folded text ranks the terms.
        """
        if not query.strip():
            raise GlossaryError("the query is empty: give a term, an abbreviation or an id")
        want = base(lang) if lang else None
        folded_query = _folded(query, "")
        query_id = query.strip().casefold()
        query_stems = {other: stems(query, other) for other in self.languages()}
        scores: dict[str, float] = {}
        choices: list[str] = []
        owners: list[str] = []
        for concept in self.concepts:
            if concept.id.casefold() == query_id:
                scores[concept.id] = 100.0
            for term in concept.terms:
                term_lang = _base(term.lang)
                if want and term_lang != want:
                    continue
                if stems(term.text, term_lang) == query_stems[term_lang]:
                    scores[concept.id] = 100.0
                choices.append(_folded(term.text, ""))
                owners.append(concept.id)
        # only an exact term scores 100
        for _choice, score, position in process.extract(
            folded_query, choices, scorer=_lookup_score, limit=max(limit * 10, 50)
        ):
            cid = owners[position]
            scores[cid] = max(scores.get(cid, 0.0), min(float(score), 99.0))
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:limit]
        return [(self._by_id[cid], round(score, 1)) for cid, score in ranked]


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
                if words[stop - 1] not in tails or _BARRIER in words[start:stop]:
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


def _folded(text: str, lang: str) -> str:
    words = [_fold(w) for w in _WORD.findall(text)]
    return ("" if lang == "zh" else " ").join(words)


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
    if stripped[-1] in ".。!?！？;；:：" or _BARRIER in (t[2] for t in tokens):
        return []
    words = [t[2] for t in tokens]
    for _title, _score, number in process.extract(
        _folded(stripped, lang),
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
    opened = not start or tokens[start - 1][2] == _BARRIER or "\n" in before or "《" in before
    closed = stop == len(tokens) or tokens[stop][2] == _BARRIER or "\n" in after
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
_WORD = regex.compile(r"[\p{L}\p{M}\p{N}]+")


def _inflected(span: str, form: str, lang: str) -> bool:
    """True when ``span`` is ``form`` with inflected endings (or Arabic clitics) only.

    Each word must keep the listed spelling up to its stem and its capitalisation (the first
    word may change case), and the punctuation must be the same: "Совета Безопасности" is an
    inflected "Совет Безопасности", "Совет безопасности" is not.
    """
    surface, listed = _surface(span), _surface(form)
    if _WORD.sub(" ", surface).split() != _WORD.sub(" ", listed).split():
        return False
    mine, theirs = _WORD.findall(surface), _WORD.findall(listed)
    if len(mine) != len(theirs):
        return False
    for number, (have, want) in enumerate(zip(mine, theirs, strict=True)):
        if have == want:
            continue
        if number and have[:1].isupper() != want[:1].isupper():
            return False
        if lang == "ar":
            if _stem_ar(have) != _stem_ar(want):  # unfolded: hamza still counts
                return False
            continue
        width = len(_STEMMERS[lang](_fold(want)))
        if have.lower()[:width] != want.lower()[:width]:
            return False
    return True


def _lookup_score(query: str, choice: str, **kwargs: object) -> float:
    """The mean of WRatio, which finds the query inside a long name, and the plain ratio,
    which then prefers the name of about the query's length (rapidfuzz's options ignored)."""
    return (fuzz.WRatio(query, choice) + fuzz.ratio(query, choice)) / 2


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
        if term.text == surface or _base(term.lang) != lang:
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


def _concept_languages(concept: Concept) -> list[str]:
    """The languages of ``concept``'s terms, in order of first appearance."""
    return list(dict.fromkeys(_base(t.lang) for t in concept.terms))


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


# --- extraction of candidate terms ------------------------------------------------------------

_HEADS = (
    "Convention|Covenant|Declaration|Protocol|Charter|Treaty|Council|Committee|Commission|"
    "Court|Tribunal|Assembly|Agreement|Statute|Conference|Programme|Fund|Office|Organization|"
    "Organisation|Agency|Board|Forum|Rapporteur|Principles|Rules|Resolution|Union"
)
_LINK = r"(?:of|on|for|against|to|the|and|in|from|or|with|relating|concerning|between|at|by)"
_CAP = r"(?:No\.\s?\d+|[A-Z][\w'’\-]*|\d+)"
_NAME = regex.compile(
    rf"(?:(?:{_CAP})\s+(?:{_LINK}\s+)*)*?(?:{_HEADS})\b(?:,?\s+(?:{_LINK}\s+)*{_CAP})*"
)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A name found in the memory that the glossary lacks, for a reviewer.

    ``equivalents`` maps each other language to candidate translations, best first, each with
    a score in 0..1 (co-occurrence strength weighed by the expected length).
    """

    text: str
    count: int
    equivalents: dict[str, tuple[tuple[str, float], ...]]


_NAME_PART = regex.compile(r"[^\s,]+|,")
_ARTICLE_REF = regex.compile(r"\bArticles?\s+\d+(?:\s*(?:,|and|to)\s*\d+)*\s+of\b")


def _names(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, name)`` of the names in ``text``, the name's spaces folded to one."""
    out = []
    # "Article 11 of the Covenant" cites a part of a name ("Articles of Agreement" is one):
    # the reference is blanked out, positions kept
    text = _ARTICLE_REF.sub(lambda ref: "|" * len(ref.group()), text)
    for match in _NAME.finditer(text):
        parts = list(_NAME_PART.finditer(text, match.start(), match.end()))
        while parts and parts[0].group().lower() in _NAME_EDGES:
            parts.pop(0)
        # a final capital A is a label ("Committee A"), not an article
        while parts and parts[-1].group().lower() in _NAME_EDGES - {"a", "an"}:
            parts.pop()
        if len(parts) < 2:
            continue  # "the Convention" alone is a back-reference, not a name
        name = " ".join(part.group() for part in parts).replace(" ,", ",")
        out.append((parts[0].start(), parts[-1].end(), name))
    return out


# Words a name does not start or end with, per language (articles, prepositions, conjunctions).
_EDGES: dict[str, frozenset[str]] = {
    "en": frozenset(
        ["the", "a", "an", "of", "on", "for", "to", "in", "and", "or", "by", "at", "from", "with"]
    ),
    "fr": frozenset(
        [
            "le",
            "la",
            "les",
            "l'",
            "de",
            "des",
            "du",
            "d'",
            "à",
            "au",
            "aux",
            "et",
            "en",
            "un",
            "une",
            "sur",
            "par",
            "pour",
        ]
    ),
    "es": frozenset(
        [
            "el",
            "la",
            "los",
            "las",
            "de",
            "del",
            "a",
            "al",
            "y",
            "e",
            "en",
            "un",
            "una",
            "por",
            "para",
            "sobre",
        ]
    ),
    "ru": frozenset(["и", "в", "во", "о", "об", "по", "на", "с", "со", "к", "от", "для"]),
    "ar": frozenset(["في", "من", "على", "إلى", "الى", "و", "أو", "عن"]),
}

#: What an English name found by _NAME is trimmed of ("A Committee on ..." starts a sentence).
_NAME_EDGES = _EDGES["en"] | {","}

_GRAM_WORD = regex.compile(r"[\p{L}\p{N}][\p{L}\p{M}\p{N}\-]*['’]?")
_HAN_RUN = regex.compile(r"[\p{Han}\p{N}]+")


def _ngrams(text: str, lang: str, longest: int) -> set[str]:
    """Word n-grams (Han-character n-grams in Chinese) that do not cross a masked name.

    An elided article or preposition (l', d') is a word of its own, so that no n-gram starts
    with one; inside an n-gram it is joined to the next word again.
    """
    grams: set[str] = set()
    if lang == "zh":
        for run in _HAN_RUN.findall(text):
            grams.update(
                run[i : i + n] for n in range(2, longest + 1) for i in range(len(run) - n + 1)
            )
        return grams
    edges = _EDGES.get(lang, frozenset())
    for chunk in text.split("|"):
        words = _GRAM_WORD.findall(chunk)
        for n in range(1, longest + 1):
            for i in range(len(words) - n + 1):
                first, last = words[i].lower(), words[i + n - 1].lower()
                if first in edges or last in edges or first[-1] in "'’" or last[-1] in "'’":
                    continue
                gram = "".join(w if w[-1] in "'’" else w + " " for w in words[i : i + n])
                grams.add(gram.rstrip())
    return grams


def extract_candidates(
    units: Iterable[Unit],
    glossary: Glossary,
    *,
    src_lang: str = "en",
    min_count: int = 1,
    top: int = 3,
) -> list[Candidate]:
    """Propose instrument and organ names found in the ``src_lang`` side that ``glossary`` lacks.

    Names are capitalised word runs around an English head noun (Convention, Covenant,
    Declaration, Protocol, Charter, Treaty, Council, Committee ...), so ``src_lang`` names the
    English side (``en``, ``en-GB``), whose names are sought. Spans the glossary already recognises
    are skipped. For each name and each other language, the word n-grams (character n-grams in
    Chinese) of the aligned segments are ranked by Dice co-occurrence with the name over all
    units, weighed by how close their length is to the length the glossary's own names have in
    that language; names the glossary recognises in the target text are masked out first.
    """
    src = base(src_lang)
    rows: list[tuple[set[str], dict[str, str]]] = []
    counts: Counter[str] = Counter()
    for unit in units:
        source = unit.text(src)
        if not source:
            continue
        found = []
        known = glossary.find(source, src)
        for at, end, name in _names(source):
            if any(h.start < end and at < h.end and h.status != "variant" for h in known):
                continue
            if any(h.start <= at and end <= h.end for h in known):
                continue
            found.append(name)
        others = {}
        for variant in unit.variants:
            lang = _base(variant.lang)
            if lang != src and variant.text:
                others[lang] = _mask(variant.text, glossary.find(variant.text, lang))
        rows.append((set(found), others))
        counts.update(set(found))
    # count every unit that cites a name, also where a longer capitalised run hid it
    citing = [number for number, (found, _) in enumerate(rows) if found]
    units_of: dict[str, list[int]] = {
        name: [n for n in citing if any(name in other for other in rows[n][0])] for name in counts
    }
    names = [
        name
        for name, where in units_of.items()
        if len(where) >= min_count
        and not any(o != name and o in name and len(units_of[o]) > len(where) for o in units_of)
    ]
    names.sort(key=lambda n: (-len(units_of[n]), n))
    if not names:
        return []
    ratios = _length_ratios(glossary, src)
    langs = sorted({lang for _, others in rows for lang in others})
    mined = {lang: _mine(names, units_of, lang, rows, ratios.get(lang, 1.0), top) for lang in langs}
    return [
        Candidate(name, len(units_of[name]), {lang: mined[lang][name] for lang in langs})
        for name in names
    ]


def _mask(text: str, hits: Sequence[TermHit]) -> str:
    for hit in reversed(hits):
        text = text[: hit.start] + " | " + text[hit.end :]
    return text


def _length_ratios(glossary: Glossary, src: str) -> dict[str, float]:
    """Median length of a name in each language relative to ``src``, from the glossary."""
    ratios: dict[str, list[float]] = defaultdict(list)
    for concept in glossary.concepts:
        pivot = concept.preferred(src)
        if pivot is None or is_abbreviation(pivot):
            continue
        for lang in _concept_languages(concept):
            term = concept.preferred(lang)
            if term is not None and not is_abbreviation(term):
                ratios[lang].append(len(term.text) / len(pivot.text))
    return {lang: sorted(values)[len(values) // 2] for lang, values in ratios.items()}


def _mine(
    names: Sequence[str],
    units_of: Mapping[str, Sequence[int]],
    lang: str,
    rows: Sequence[tuple[set[str], dict[str, str]]],
    ratio: float,
    top: int,
) -> dict[str, tuple[tuple[str, float], ...]]:
    """For each name, the ``lang`` n-grams that co-occur with it best (Dice x length prior).

    Two passes over the units: the n-grams of the units citing each name, then the total count
    of just those n-grams over all units, so memory stays small on a large memory.
    """
    longest = 25 if lang == "zh" else max(3, max(len(n.split()) for n in names) + 4)
    joint: dict[str, Counter[str]] = {}
    with_name: dict[str, int] = {}
    for name in names:
        counter: Counter[str] = Counter()
        for number in units_of[name]:
            text = rows[number][1].get(lang)
            if text is not None:
                counter.update(_ngrams(text, lang, longest))
        joint[name] = counter
        with_name[name] = sum(1 for n in units_of[name] if lang in rows[n][1])
    needed: set[str] = set().union(*(set(c) for c in joint.values()))
    total: Counter[str] = Counter()
    for _, others in rows:
        text = others.get(lang)
        if text is not None:
            total.update(_ngrams(text, lang, longest) & needed)
    return {
        name: _best(joint[name], total, with_name[name], max(2.0, len(name) * ratio), top)
        for name in names
    }


def _best(
    joint: Counter[str], total: Counter[str], with_name: int, expected: float, top: int
) -> tuple[tuple[str, float], ...]:
    if not with_name:
        return ()
    scored = []
    for gram, both in joint.items():
        dice = 2 * both / (with_name + total[gram])
        closeness = math.exp(-abs(math.log(len(gram) / expected)))
        scored.append((round(dice * closeness, 3), gram))
    scored.sort(key=lambda s: (-s[0], -len(s[1]), s[1]))
    best: list[tuple[str, float]] = []
    for score, gram in scored:
        if any(gram in kept or kept in gram for kept, _ in best):
            continue
        best.append((gram, score))
        if len(best) == top:
            break
    return tuple(best)
