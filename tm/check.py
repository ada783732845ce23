"""Terminology QA of drafts and translations: every departure from official names, nothing else.

Three inputs, one rule set:

- :func:`check_draft` — one document in one language: glossary terms in a deprecated or
  unlisted form, a concept named in several forms, an abbreviation used before it is introduced;
- :func:`check_translation` — a source and its translation (aligned here with ``tm.align``):
  the same term rules on the target, plus key terms whose official equivalent is missing, a
  term of another concept in its place (wrong instrument), numbers, article references and
  dates that do not correspond, untranslated segments, and inconsistent translations;
- :func:`check_pairs` / :func:`check_units` — the same bilingual rules over pre-aligned pairs,
  e.g. the units of a TMX or PO file that the caller has read.

The glossary is passed in (a :class:`TermFinder`: ``find(text, lang)``, ``get(concept_id)`` and
``concepts``, as ``tm.terms.Glossary`` has them), so the rules can be tried on any recogniser.
"""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import Protocol

import regex
from rapidfuzz import fuzz

from tm import numbers
from tm.anchors import Recogniser
from tm.errors import InputError
from tm.lang import base, script_for
from tm.models import Concept, Document, Finding, Segment, Severity, TermHit, Unit

__all__ = [
    "RULES",
    "Pair",
    "TermFinder",
    "check_draft",
    "check_pairs",
    "check_translation",
    "check_units",
]

#: Every rule, with its severity and what it means, in report order.
RULES: dict[str, tuple[Severity, str]] = {
    "deprecated-term": ("error", "a glossary term in a form the glossary marks as wrong"),
    "variant-term": ("warning", "a glossary term in an unlisted spelling, wording or case"),
    "mixed-forms": ("warning", "one concept named in several forms in the same document"),
    "abbreviation-not-introduced": ("warning", "an abbreviation used before it is spelled out"),
    "missing-term": ("error", "a source term whose official equivalent is not in the target"),
    "wrong-term": ("error", "a target term of another concept than the source term"),
    "number-mismatch": ("error", "numbers, article references or dates that differ"),
    "untranslated": ("error", "a target segment left in the source language"),
    "inconsistent-translation": ("warning", "the same source sentence translated differently"),
    "identical-translation": ("warning", "different source sentences translated identically"),
}
_ORDER = {rule: i for i, rule in enumerate(RULES)}


class TermFinder(Recogniser, Protocol):
    """What the checks need from a glossary (``tm.terms.Glossary`` has all of it): the
    aligner's ``find``, and the concepts behind the terms found."""

    def get(self, concept_id: str) -> Concept:
        """The concept with this id."""
        ...

    @property
    def concepts(self) -> Sequence[Concept]:
        """All concepts (for the names the recogniser does not find, see ``_Terms``)."""
        ...


@dataclass(frozen=True, slots=True)
class Pair:
    """A source text and its translation, as one checkable unit.

    ``segment`` is the number reported to the user (the first source segment of a bead, or a
    unit's position); ``group`` gathers the pairs of one paragraph, so that a term or a number
    moved to a neighbouring sentence by a merge or split is not reported as missing.
    """

    segment: int
    source: str
    target: str
    group: int | None = None
    kind: str = "body"


def _finding(
    rule: str,
    where: Pair | Segment,
    found: str,
    expected: str,
    message: str,
    *,
    severity: Severity | None = None,
) -> Finding:
    """A finding of ``rule`` (at its usual severity unless told) in a pair or a draft segment."""
    severity = severity or RULES[rule][0]
    if isinstance(where, Pair):
        return Finding(
            rule, severity, where.segment, where.source, where.target, found, expected, message
        )
    return Finding(rule, severity, where.index, where.text, None, found, expected, message)


# --- text helpers -----------------------------------------------------------------------------

_SPACES = regex.compile(r"\s+")
# One hyphen, one apostrophe, and one "number" sign (French "nº" and "n°" are both written).
_HYPHENS = str.maketrans(
    {"\u2010": "-", "\u2011": "-", "\u00ad": None, "\u2019": "'", "\u00ba": "\u00b0"}
)
_TITLE_MARKS = str.maketrans({"《": None, "》": None, "〈": None, "〉": None, "\u0640": None})
_ACRONYM = regex.compile(r"(?<![\p{L}\p{N}/.-])(?:[A-Z]{2,7}|[А-ЯЁ]{2,7})(?![\p{L}\p{N}/-])")
_ROMAN = regex.compile(r"^[IVXLCDM]+$")
_WORD = regex.compile(r"\p{L}+")
_LATIN = regex.compile(r"\p{Latin}")
_LETTER = regex.compile(r"\p{L}")
_HAN = regex.compile(r"\p{Han}")

# Languages whose names are not declined: a title found with other letters than every listed
# form ("politique" for "politiques") is misspelt, not inflected.
_UNDECLINED = frozenset({"en", "fr", "es", "zh"})
# Head words of instrument titles: where one stands outside every recognised name, a name the
# recogniser missed may start or end ("Universal Declaration on Human Rights").
_TITLE_HEADS = {
    "en": regex.compile(r"\b(?:Convention|Covenant|Declaration|Protocol|Charter)\b"),
    "fr": regex.compile(r"\b(?:Convention|Pacte|Déclaration|Protocole|Charte)\b"),
    "es": regex.compile(r"\b(?:Convención|Convenio|Pacto|Declaración|Protocolo|Carta)\b"),
    "zh": regex.compile(r"公约|宣言|议定书|宪章"),
}
#: rapidfuzz score from which an unrecognised text near a title word is an unlisted form of a
#: name: 85 catches two replaced words in a long title ("Pacte international sur les droits
#: civils et politiques", 87) and finds nothing in the 6,000 FLORES/NTREX sentences per language.
_UNLISTED = 85


def _clean(text: str) -> str:
    """Text for comparing forms: NFC, one space, one apostrophe and hyphen, no title marks."""
    text = unicodedata.normalize("NFC", text).translate(_HYPHENS).translate(_TITLE_MARKS)
    return str(_SPACES.sub(" ", text)).strip()


def _sentence_key(text: str) -> str:
    """Text for spotting repeated sentences: case, spacing and edge punctuation ignored."""
    return _clean(text).casefold().strip(" .;:,!?。；：，")


def _words(text: str) -> int:
    return len(_WORD.findall(text)) if not _HAN.search(text) else len(text) // 2


def _prose_words(text: str) -> int:
    """Words that are not names: lower-case words, or every word in a script without case."""
    return sum(1 for word in _WORD.findall(text) if word.islower() or word.lower() == word)


def _quote(text: str) -> str:
    return f"\u201c{text}\u201d"


_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي"})
_MARKS = regex.compile(r"[\u064b-\u0652\u0640\u0670]")
_PRESENT = 90  # rapidfuzz partial_ratio above which a form counts as present (inflected)


def _fold(text: str) -> str:
    """Text for a tolerant presence test: case, Arabic letter forms and diacritics folded."""
    return str(_MARKS.sub("", _clean(text).casefold().translate(_ARABIC_FOLD)))


def _mentions(text: str, concept: Concept | None, lang: str, expected: str) -> bool:
    """True when some form of ``concept`` in ``lang`` is in ``text``, even inflected.

    The recogniser may miss a declined or re-ordered name ("Конвенции о сокращении
    безгражданства", "Convention de l'UNESCO sur la protection ..."); a missing-term finding
    needs the name to be absent under this looser test too.
    """
    forms = {expected}
    if concept is not None:
        for term in concept.terms:
            if base(term.lang) == lang:
                forms.add(term.text)
                if term.abbreviation:
                    forms.add(term.abbreviation)
    folded = _fold(text)
    for form in forms:
        key = _fold(form)
        if not key:
            continue
        if regex.search(_stems(key), folded):
            return True
        if len(key) >= 8 and fuzz.partial_ratio(key, folded, score_cutoff=_PRESENT):
            return True
    return False


def _stems(key: str) -> str:
    """A pattern for ``key`` with each long word's ending free: declined forms match.

    "генеральный секретарь" also finds "Генерального секретаря"; Chinese has no endings.
    """
    words = regex.findall(r"\w+", key)
    if not words or _HAN.search(key):
        return str(regex.escape(key))
    parts = [
        regex.escape(word[: max(3, len(word) - 3)] if len(word) > 4 else word) for word in words
    ]
    return r"(?<!\w)" + r"\w*\W+".join(parts)


def _is_abbreviation(hit: TermHit, concept: Concept | None) -> bool:
    """True when the form found is an abbreviation (ICCPR, PIDCP, МПГПП) of its concept."""
    surface = _clean(hit.text)
    if concept is not None:
        for term in concept.terms:
            if term.abbreviation and _clean(term.abbreviation) in (surface, _clean(hit.form)):
                return True
    return bool(_ACRONYM.fullmatch(surface))


class _Terms:
    """Recognition with per-run caches: each text is searched once, each concept fetched once."""

    def __init__(self, glossary: TermFinder) -> None:
        self.glossary = glossary
        self._hits: dict[tuple[str, str], list[TermHit]] = {}
        self._concepts: dict[str, Concept | None] = {}
        self._forms: dict[str, list[tuple[Concept, str]]] = {}

    def find(self, text: str, lang: str) -> list[TermHit]:
        key = (text, lang)
        if key not in self._hits:
            hits = list(self.glossary.find(text, lang)) if text.strip() else []
            if base(lang) in _TITLE_HEADS:
                hits = sorted(hits + self._unlisted(text, base(lang), hits), key=lambda h: h.start)
            self._hits[key] = hits
        return self._hits[key]

    def _unlisted(self, text: str, lang: str, hits: Sequence[TermHit]) -> list[TermHit]:
        """Names the recogniser missed, found by fuzzy matching around a title's head word.

        Only for languages whose titles are not declined, where a near miss is a variant
        ("Convention on Reduction of Statelessness"), not an inflected form.
        """
        found: list[TermHit] = []
        for head in _TITLE_HEADS[lang].finditer(text):
            at = head.start()
            if any(hit.start <= at < hit.end for hit in [*hits, *found]):
                continue
            low = max(0, at - 60)
            window = text[low : at + 160].casefold()
            word = head.group().casefold()
            best: tuple[float, Concept, str, int, int] | None = None
            for concept, form in self._forms_of(lang):
                if word not in form.casefold():
                    continue
                aligned = fuzz.partial_ratio_alignment(
                    form.casefold(), window, score_cutoff=_UNLISTED
                )
                if aligned is None or (best is not None and aligned.score <= best[0]):
                    continue
                start, end = _word_span(text, low + aligned.dest_start, low + aligned.dest_end)
                if start <= at < end and not any(h.start < end and start < h.end for h in hits):
                    best = (aligned.score, concept, form, start, end)
            if best is not None:
                _, concept, form, start, end = best
                found.append(_variant_hit(concept, form, text, start, end, lang))
        return found

    def _forms_of(self, lang: str) -> list[tuple[Concept, str]]:
        if lang not in self._forms:
            self._forms[lang] = [
                (concept, term.text)
                for concept in self.glossary.concepts
                for term in concept.terms
                if base(term.lang) == lang
                and term.status != "deprecated"
                and term.text != term.abbreviation
                and len(term.text) >= 12
            ]
        return self._forms[lang]

    def joined(self, texts: Sequence[str], lang: str) -> str:
        """``texts`` joined by a space, with its hits made from those of each text (which
        the aligner has already looked up through this cache)."""
        parts = [(text, text.strip()) for text in texts if text.strip()]
        joined = " ".join(stripped for _, stripped in parts)
        if (joined, lang) not in self._hits:
            hits: list[TermHit] = []
            position = 0
            for text, stripped in parts:
                shift = position - (len(text) - len(text.lstrip()))
                for hit in self.find(text, lang):
                    if hit.end + shift <= len(joined):
                        hits.append(replace(hit, start=hit.start + shift, end=hit.end + shift))
                position += len(stripped) + 1
            self._hits[(joined, lang)] = hits
        return joined

    def concept(self, concept_id: str) -> Concept | None:
        if concept_id not in self._concepts:
            try:
                self._concepts[concept_id] = self.glossary.get(concept_id)
            except (LookupError, InputError):  # a dict's KeyError, or Glossary's GlossaryError
                self._concepts[concept_id] = None
        return self._concepts[concept_id]

    def category(self, concept_id: str) -> str | None:
        concept = self.concept(concept_id)
        return None if concept is None else concept.category


def _word_span(text: str, start: int, end: int) -> tuple[int, int]:
    """``start:end`` widened to whole words (not in Chinese) and stripped of edge punctuation."""
    if not _HAN.search(text[start:end]):
        while start > 0 and text[start - 1].isalnum():
            start -= 1
        while end < len(text) and text[end].isalnum():
            end += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    while start < end and not text[start].isalnum():
        start += 1
    return start, end


def _variant_hit(
    concept: Concept, form: str, text: str, start: int, end: int, lang: str
) -> TermHit:
    """A hit of ``concept`` in an unlisted form (status "variant"), like the recogniser's."""
    preferred = concept.preferred(lang)
    equivalents = {}
    for term in concept.terms:
        other = base(term.lang)
        if other != lang and other not in equivalents:
            best = concept.preferred(other)
            if best is not None:
                equivalents[other] = best.text
    return TermHit(
        start,
        end,
        text[start:end],
        lang,
        concept.id,
        "variant",
        form,
        preferred.text if preferred is not None else form,
        equivalents,
    )


# --- the form of one term ---------------------------------------------------------------------


def _unverified(concept: Concept | None, lang: str) -> bool:
    """True when the glossary's own preferred form in ``lang`` is unverified: an unlisted form
    is then no proof of a departure from the official name."""
    term = concept.preferred(lang) if concept is not None else None
    return term is not None and term.confidence == "unverified"


def _split_name(hit: TermHit, text: str) -> bool:
    """True when the variant is the official name cut in two by an inserted word: the missing
    head stands just before it ("Convention de l'UNESCO | sur la protection ...")."""
    found, official = _fold(hit.text), _fold(hit.preferred)
    if not found or len(found) >= len(official) or not official.endswith(found):
        return False
    head = official[: -len(found)].strip()
    before = _fold(text[max(0, hit.start - 60) : hit.start])
    return all(word[: max(3, len(word) - 3)] in before for word in regex.findall(r"\w+", head))


def _in_title_marks(text: str, start: int, end: int) -> bool:
    """True when ``text[start:end]`` lies inside a 《...》 pair (possibly a longer title)."""
    opening = text.rfind("《", 0, start + 1)
    if opening < 0 or "》" in text[opening:start]:
        return False
    closing = text.find("》", max(end - 1, start))
    return closing >= 0 and "《" not in text[end:closing]


def _form_finding(hit: TermHit, text: str, where: Pair | Segment, terms: _Terms) -> Finding | None:
    """A finding when ``hit`` (found in ``text``) is not in an official form: deprecated,
    unlisted, wrong case, or a Chinese treaty title outside 《》."""
    found = hit.text.strip()
    expected = hit.preferred
    if hit.status == "deprecated":
        return _finding(
            "deprecated-term",
            where,
            found,
            expected,
            f"{_quote(found)} is not the official form; write {_quote(expected)}.",
        )
    if hit.status == "variant":
        if _unverified(terms.concept(hit.concept), hit.lang) or _split_name(hit, text):
            return None
        return _finding(
            "variant-term",
            where,
            found,
            expected,
            f"{_quote(found)} departs from the official name {_quote(expected)}.",
        )
    if (
        base(hit.lang) == "zh"
        and terms.category(hit.concept) == "instrument"
        and not _is_abbreviation(hit, terms.concept(hit.concept))
        and not _in_title_marks(text, hit.start, hit.end)
    ):
        marked = f"《{_clean(found)}》"
        return _finding(
            "variant-term",
            where,
            found,
            marked,
            f"A treaty title in Chinese running text is written in 《》: {marked}.",
        )
    # A listed form found case-insensitively: the letters must match, except the first one
    # (sentence start) and in all-capital headings.
    surface, form = _clean(found), _clean(hit.form)
    if surface == form or surface.isupper():
        return None
    if surface.casefold() != form.casefold():
        return _misspelt(hit, surface, where, terms)
    if surface[1:] == form[1:] or _is_abbreviation(hit, terms.concept(hit.concept)):
        return None
    return _finding(
        "variant-term",
        where,
        found,
        hit.form,
        f"Capitalisation differs from the official form {_quote(hit.form)}.",
    )


def _misspelt(hit: TermHit, surface: str, where: Pair | Segment, terms: _Terms) -> Finding | None:
    """A finding when a name the recogniser matched by its stems is spelt unlike every form."""
    concept = terms.concept(hit.concept)
    if base(hit.lang) not in _UNDECLINED or concept is None:
        return None
    key = surface.casefold()
    for term in concept.terms:
        if (
            base(term.lang) == base(hit.lang)
            and term.status != "deprecated"
            and key in (_clean(term.text).casefold(), _clean(term.abbreviation or "").casefold())
        ):
            return None
    if _unverified(concept, hit.lang):
        return None
    return _finding(
        "variant-term",
        where,
        hit.text.strip(),
        hit.form,
        f"{_quote(hit.text.strip())} is spelt differently from the official name "
        f"{_quote(hit.form)}.",
    )


# --- one language: a draft --------------------------------------------------------------------


def _segments_of(doc_or_segments: Document | Sequence[Segment]) -> list[Segment]:
    if isinstance(doc_or_segments, Document):
        from tm.segment import segment_document

        return segment_document(doc_or_segments)
    return list(doc_or_segments)


def check_draft(
    doc_or_segments: Document | Sequence[Segment],
    *,
    lang: str | None = None,
    glossary: TermFinder,
) -> list[Finding]:
    """Check one document (or its segments) in one language against the glossary.

    Reports terms in deprecated or unlisted forms, concepts named in several forms, and
    abbreviations used before they are introduced.

    Raises:
        InputError: if the language is not given and cannot be taken from the document.
    """
    if lang is None:
        if not isinstance(doc_or_segments, Document):
            raise InputError("Give the language of the draft (e.g. lang='en').")
        lang = doc_or_segments.lang
    lang = base(lang)
    segments = _segments_of(doc_or_segments)
    terms = _Terms(glossary)
    findings: list[Finding] = []
    hits_by_segment: list[tuple[Segment, list[TermHit]]] = []
    for seg in segments:
        hits = terms.find(seg.text, lang)
        hits_by_segment.append((seg, hits))
        for hit in hits:
            finding = _form_finding(hit, seg.text, seg, terms)
            if finding is not None:
                findings.append(finding)
    findings += _mixed_forms(hits_by_segment, terms)
    findings += _abbreviations(hits_by_segment, terms)
    return _sorted(findings)


def _mixed_forms(
    hits_by_segment: Sequence[tuple[Segment, list[TermHit]]], terms: _Terms
) -> list[Finding]:
    """Concepts named by several listed full forms: the document's most used form wins."""
    uses: dict[str, list[tuple[Segment, TermHit]]] = defaultdict(list)
    for seg, hits in hits_by_segment:
        for hit in hits:
            if hit.status in ("deprecated", "variant"):
                continue  # already reported on its own
            if _is_abbreviation(hit, terms.concept(hit.concept)):
                continue  # "ICCPR" after "... (ICCPR)" is not a second name
            uses[hit.concept].append((seg, hit))
    findings = []
    for occurrences in uses.values():
        forms = Counter(_clean(hit.form).casefold() for _, hit in occurrences)
        if len(forms) < 2:
            continue
        preferred = {_clean(hit.preferred).casefold() for _, hit in occurrences}

        def rank(
            form: str, preferred: set[str] = preferred, forms: Counter[str] = forms
        ) -> tuple[int, bool]:
            return (forms[form], form in preferred)

        main = max(forms, key=rank)
        main_form = next(hit.form for _, hit in occurrences if _clean(hit.form).casefold() == main)
        for seg, hit in occurrences:
            if _clean(hit.form).casefold() != main:
                findings.append(
                    _finding(
                        "mixed-forms",
                        seg,
                        hit.text.strip(),
                        main_form,
                        f"Named {_quote(hit.text.strip())} here but {_quote(main_form)} "
                        f"elsewhere in the document; use one form.",
                    )
                )
    return findings


def _abbreviations(
    hits_by_segment: Sequence[tuple[Segment, list[TermHit]]], terms: _Terms
) -> list[Finding]:
    """The first use of each abbreviation that was not spelled out with it in parentheses."""
    introduced: set[str] = set()
    reported: set[str] = set()
    findings = []
    for seg, hits in hits_by_segment:
        text = seg.text
        spans: list[tuple[int, int, str, str]] = []  # start, end, abbreviation, expected
        covered = [(hit.start, hit.end) for hit in hits]
        for hit in hits:
            concept = terms.concept(hit.concept)
            if _is_abbreviation(hit, concept):
                if concept is not None and concept.category == "body":
                    continue  # organisation acronyms (UNESCO, OHCHR) serve as names
                spans.append((hit.start, hit.end, _clean(hit.text), hit.preferred))
        letters = _LETTER.findall(text)
        shouting = sum(ch.isupper() for ch in letters) > 0.6 * len(letters)
        for match in () if shouting else _ACRONYM.finditer(text):  # capitals, not acronyms
            if _ROMAN.match(match.group()) or any(s <= match.start() < e for s, e in covered):
                continue
            spans.append((match.start(), match.end(), match.group(), ""))
        for start, end, abbreviation, expected in sorted(spans):
            before = text[:start].rstrip()
            if before.endswith("(") and text[end:].lstrip().startswith(")"):
                introduced.add(abbreviation)  # "Full Name (ABBR)": this is the introduction
                continue
            if abbreviation in introduced or abbreviation in reported:
                continue
            reported.add(abbreviation)
            spelled = f"{expected or 'the full name'} ({abbreviation})"
            advice = (
                f"at first mention write {_quote(spelled)}"
                if expected
                else f"spell it out at first mention, followed by ({abbreviation})"
            )
            findings.append(
                _finding(
                    "abbreviation-not-introduced",
                    seg,
                    abbreviation,
                    spelled,
                    f"{_quote(abbreviation)} is used before it is introduced; {advice}.",
                )
            )
    return findings


# --- source and translation -------------------------------------------------------------------


def check_translation(
    src: Document | Sequence[Segment],
    tgt: Document | Sequence[Segment],
    *,
    src_lang: str | None = None,
    tgt_lang: str | None = None,
    glossary: TermFinder,
) -> list[Finding]:
    """Check a translation against its source; the two are aligned here (``tm.align``).

    Raises:
        InputError: if a language is missing or either text is empty.
    """
    from tm.align import align

    src_lang = src_lang or (src.lang if isinstance(src, Document) else None)
    tgt_lang = tgt_lang or (tgt.lang if isinstance(tgt, Document) else None)
    if src_lang is None or tgt_lang is None:
        raise InputError("Give the languages of the source and the translation.")
    src_segments, tgt_segments = _segments_of(src), _segments_of(tgt)
    if not src_segments or not tgt_segments:
        raise InputError("The source or the translation has no text to check.")
    terms = _Terms(glossary)
    # Through the cache, each segment is recognised once for both the alignment anchors and
    # the checks.
    alignment = align(
        src_segments, tgt_segments, src_lang=src_lang, tgt_lang=tgt_lang, glossary=terms
    )
    s_lang, t_lang = base(src_lang), base(tgt_lang)
    by_src = {seg.index: seg for seg in alignment.src}
    by_tgt = {seg.index: seg for seg in alignment.tgt}
    pairs: list[Pair] = []
    last = 0
    for bead in alignment.beads:
        src_segs = [by_src[i] for i in bead.src]
        tgt_segs = [by_tgt[i] for i in bead.tgt]
        if src_segs:
            last = src_segs[0].index
        anchor = src_segs[0] if src_segs else tgt_segs[0]
        pairs.append(
            Pair(
                last,
                terms.joined([seg.text for seg in src_segs], s_lang),
                terms.joined([seg.text for seg in tgt_segs], t_lang),
                src_segs[0].paragraph if src_segs else _paragraph_before(pairs),
                anchor.kind,
            )
        )
    return _check_pairs(pairs, s_lang, t_lang, terms)


def _paragraph_before(pairs: Sequence[Pair]) -> int | None:
    return pairs[-1].group if pairs else None


def check_units(
    units: Iterable[Unit], *, src_lang: str, tgt_lang: str, glossary: TermFinder
) -> list[Finding]:
    """Check the ``src_lang``/``tgt_lang`` pairs of translation units (a TMX or PO file).

    Units without both languages are skipped; ``segment`` is the unit's position from 0, and
    units carrying an ``x-paragraph`` prop are grouped by it.
    """
    pairs = []
    groups: dict[tuple[str, str], int] = {}  # (x-document, x-paragraph) -> group number
    for position, unit in enumerate(units):
        source, target = unit.text(src_lang), unit.text(tgt_lang)
        if source is None or target is None:
            continue
        props = dict(unit.props)
        paragraph = props.get("x-paragraph")
        group = None
        if paragraph is not None:
            group = groups.setdefault((props.get("x-document", ""), paragraph), len(groups))
        pairs.append(Pair(position, source, target, group))
    return check_pairs(pairs, src_lang=src_lang, tgt_lang=tgt_lang, glossary=glossary)


def check_pairs(
    pairs: Sequence[Pair], *, src_lang: str, tgt_lang: str, glossary: TermFinder
) -> list[Finding]:
    """Run the bilingual rules over aligned pairs (see :class:`Pair`)."""
    return _check_pairs(pairs, base(src_lang), base(tgt_lang), _Terms(glossary))


def _check_pairs(
    pairs: Sequence[Pair], src_lang: str, tgt_lang: str, terms: _Terms
) -> list[Finding]:
    findings: list[Finding] = []
    src_hits = [terms.find(pair.source, src_lang) for pair in pairs]
    tgt_hits = [terms.find(pair.target, tgt_lang) for pair in pairs]
    # Paragraph totals: what a merge or split moved to a neighbouring pair is not missing.
    group_src: dict[tuple[str, int], Counter[str]] = defaultdict(Counter)
    group_tgt: dict[tuple[str, int], Counter[str]] = defaultdict(Counter)
    group_num_src: dict[tuple[str, int], Counter[str]] = defaultdict(Counter)
    group_num_tgt: dict[tuple[str, int], Counter[str]] = defaultdict(Counter)
    num_src = [numbers.values(pair.source) for pair in pairs]
    num_tgt = [numbers.values(pair.target) for pair in pairs]
    for i, pair in enumerate(pairs):
        key = _group_key(pair, i)
        group_src[key].update(hit.concept for hit in src_hits[i])
        group_tgt[key].update(hit.concept for hit in tgt_hits[i])
        group_num_src[key] += num_src[i]
        group_num_tgt[key] += num_tgt[i]
    for i, pair in enumerate(pairs):
        key = _group_key(pair, i)
        untranslated = _untranslated(pair, src_lang=src_lang, tgt_lang=tgt_lang)
        if untranslated is not None:
            findings.append(untranslated)  # its terms and numbers are not worth listing
            continue
        # A target that follows a source's own unlisted wording ("Protocol No. 1 to the
        # European Convention ...") is faithful; the source's departure is not the translator's.
        mirrored = {hit.concept for hit in src_hits[i] if hit.status == "variant"}
        for hit in tgt_hits[i]:
            if hit.status == "variant" and hit.concept in mirrored:
                continue
            finding = _form_finding(hit, pair.target, pair, terms)
            if finding is not None:
                findings.append(finding)
        findings += _term_correspondence(
            pair,
            src_hits[i],
            tgt_hits[i],
            group_src[key],
            group_tgt[key],
            tgt_lang=tgt_lang,
            terms=terms,
        )
        findings += _number_correspondence(
            pair,
            num_src[i],
            num_tgt[i],
            group_num_src[key],
            group_num_tgt[key],
        )
    findings += _consistency(pairs)
    return _sorted(findings)


def _group_key(pair: Pair, position: int) -> tuple[str, int]:
    """The paragraph a pair's totals are kept in: its group, else the pair alone."""
    return ("group", pair.group) if pair.group is not None else ("pair", position)


def _term_correspondence(
    pair: Pair,
    src_hits: Sequence[TermHit],
    tgt_hits: Sequence[TermHit],
    group_src: Counter[str],
    group_tgt: Counter[str],
    *,
    tgt_lang: str,
    terms: _Terms,
) -> list[Finding]:
    """Missing equivalents and terms of another concept in their place."""
    src_count = Counter(hit.concept for hit in src_hits)
    tgt_count = Counter(hit.concept for hit in tgt_hits)
    # Unbalanced in this pair and in its paragraph, so not a merge or split moving a term.
    missing = [
        concept
        for concept in src_count
        if src_count[concept] > tgt_count[concept] and group_src[concept] > group_tgt[concept]
    ]
    extra = [
        concept
        for concept in tgt_count
        if tgt_count[concept] > src_count[concept] and group_tgt[concept] > group_src[concept]
    ]
    first_src = {hit.concept: hit for hit in reversed(src_hits)}
    first_tgt = {hit.concept: hit for hit in reversed(tgt_hits)}
    findings = []
    for concept in missing:
        hit = first_src[concept]
        expected = hit.equivalents.get(tgt_lang) or hit.preferred
        if tgt_count[concept] == 0 and _mentions(
            pair.target, terms.concept(concept), tgt_lang, expected
        ):
            continue
        category = terms.category(concept)
        rival = next(
            (other for other in extra if terms.category(other) == category),
            None,
        )
        if rival is not None:
            extra.remove(rival)
            found = first_tgt[rival].text.strip()
            findings.append(
                _finding(
                    "wrong-term",
                    pair,
                    found,
                    expected,
                    f"The source cites {_quote(hit.text.strip())}, but the translation names "
                    f"{_quote(found)}; write {_quote(expected)}.",
                )
            )
        elif tgt_count[concept] == 0:
            findings.append(
                _finding(
                    "missing-term",
                    pair,
                    "",
                    expected,
                    f"The source cites {_quote(hit.text.strip())}; its official equivalent "
                    f"{_quote(expected)} is not in the translation.",
                    severity=_severity(terms.concept(concept), tgt_lang, expected),
                )
            )
    return findings


def _severity(concept: Concept | None, lang: str, expected: str) -> Severity:
    """An error, unless the glossary marks the expected form as unverified (then a warning)."""
    if concept is not None:
        for term in concept.terms:
            if base(term.lang) == lang and term.text == expected:
                return "warning" if term.confidence == "unverified" else "error"
    return "error"


def _number_correspondence(
    pair: Pair,
    src: Counter[str],
    tgt: Counter[str],
    group_src: Counter[str],
    group_tgt: Counter[str],
) -> list[Finding]:
    """Numbers cited on one side only, in the pair and in its paragraph."""
    missing = (src - tgt) & (group_src - group_tgt)
    extra = (tgt - src) & (group_tgt - group_src)
    if not missing and not extra:
        return []
    lost = ", ".join(sorted(missing.elements(), key=int))
    added = ", ".join(sorted(extra.elements(), key=int))
    said_lost = _spoken(missing, pair.source)
    said_added = _spoken(extra, pair.target)
    if lost and added:
        message = f"The source has {said_lost} where the translation has {said_added}."
    elif lost:
        message = f"The source cites {said_lost}, which the translation does not."
    else:
        message = f"The translation cites {said_added}, which the source does not."
    return [
        _finding(
            "number-mismatch",
            pair,
            added,
            lost,
            message,
        )
    ]


def _spoken(values: Counter[str], text: str) -> str:
    """The values for a message; a month written as a name is named: "8 (August)"."""
    months = {n.value for n in numbers.extract(text) if n.kind == "month"}
    out = []
    for value in sorted(values.elements(), key=int):
        if value in months:
            out.append(f"{value} ({_month_name(int(value))})")
        else:
            out.append(value)
    return ", ".join(out)


@cache
def _month_name(month: int) -> str:
    from babel import Locale

    return str(Locale.parse("en").months["format"]["wide"][month])


# The commonest words of the Latin-script UN languages, which tell them apart in one sentence
# (words shared by two of them, such as "a", "en", "de", "la", are left out).
_FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        [
            "the",
            "of",
            "and",
            "to",
            "in",
            "is",
            "that",
            "for",
            "with",
            "by",
            "which",
            "their",
            "this",
            "from",
            "are",
            "was",
        ]
    ),
    "fr": frozenset(
        [
            "le",
            "les",
            "et",
            "des",
            "du",
            "à",
            "est",
            "au",
            "aux",
            "dans",
            "une",
            "qui",
            "pour",
            "sur",
            "par",
            "ces",
            "leur",
        ]
    ),
    "es": frozenset(
        [
            "el",
            "los",
            "las",
            "y",
            "del",
            "al",
            "es",
            "una",
            "que",
            "por",
            "para",
            "con",
            "su",
            "sus",
            "esta",
            "dichos",
        ]
    ),
}
_LOWER_WORD = regex.compile(r"\p{Ll}+")


def _in_language(text: str, lang: str, other: str) -> bool:
    """True when ``text`` reads as ``lang`` rather than ``other`` (both Latin-script)."""
    words = _LOWER_WORD.findall(text.casefold())
    mine = _FUNCTION_WORDS[lang] - _FUNCTION_WORDS[other]
    theirs = _FUNCTION_WORDS[other] - _FUNCTION_WORDS[lang]
    hits = sum(word in mine for word in words)
    return hits >= 3 and hits > 2 * sum(word in theirs for word in words)


@cache
def _language_name(lang: str) -> str:
    """The English name of a language (CLDR via Babel): "es" -> "Spanish"."""
    from babel import Locale

    return str(Locale.parse("en").languages.get(lang, lang))


@cache
def _script_words(script: str) -> regex.Pattern[str]:
    return regex.compile(rf"\p{{{script}}}+")


def _untranslated(pair: Pair, *, src_lang: str, tgt_lang: str) -> Finding | None:
    """A target left in the source language (copied, or in the source's script), or a source
    sentence with no translation at all (a 1-0 bead: left out)."""
    if src_lang == tgt_lang or pair.kind == "header":
        return None
    source, target = pair.source.strip(), pair.target.strip()
    if _prose_words(source) < 2 or _words(source) < 3:
        return None
    if not target:
        return _finding(
            "untranslated",
            pair,
            "",
            f"a translation into {_language_name(tgt_lang)}",
            "No translation of this sentence was found; it may have been left out.",
        )
    copied = _sentence_key(source) == _sentence_key(target)
    src_script, tgt_script = script_for(src_lang), script_for(tgt_lang)
    if not copied and src_script and tgt_script and src_script != tgt_script:
        letters = len(_LETTER.findall(target))
        words = _script_words(src_script).findall(target)
        in_source = sum(len(word) for word in words)
        copied = len(words) >= 3 and in_source > 0.6 * max(letters, 1)
    elif not copied and src_lang in _FUNCTION_WORDS and tgt_lang in _FUNCTION_WORDS:
        copied = _in_language(target, src_lang, tgt_lang)
    if not copied:
        return None
    return _finding(
        "untranslated",
        pair,
        pair.target,
        f"a translation into {_language_name(tgt_lang)}",
        "This segment is still in the source language; translate it.",
    )


def _consistency(pairs: Sequence[Pair]) -> list[Finding]:
    """Same source translated differently, different sources translated identically."""
    findings = []
    first_target: dict[str, Pair] = {}
    first_source: dict[str, Pair] = {}
    for pair in pairs:
        if _words(pair.source) < 4 or not pair.target.strip() or pair.kind == "header":
            continue
        skey, tkey = _sentence_key(pair.source), _sentence_key(pair.target)
        earlier = first_target.setdefault(skey, pair)
        if earlier is not pair and _sentence_key(earlier.target) != tkey:
            findings.append(
                _finding(
                    "inconsistent-translation",
                    pair,
                    pair.target,
                    earlier.target,
                    f"This sentence was translated differently in segment {earlier.segment}; "
                    "use one translation.",
                )
            )
        earlier = first_source.setdefault(tkey, pair)
        if earlier is not pair and _sentence_key(earlier.source) != skey:
            findings.append(
                _finding(
                    "identical-translation",
                    pair,
                    pair.target,
                    f"a translation of this source (segment {earlier.segment} has the same text)",
                    f"Segment {earlier.segment} has a different source but the same translation; "
                    "check that each says what its source says.",
                )
            )
    return findings


def _sorted(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.segment, _ORDER.get(f.rule, 99)))
