"""Recognition for the checks: the glossary's hits, cached per text, plus the unlisted forms
of long titles that the recogniser misses."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import regex
from rapidfuzz import fuzz

from tm.check.findings import TermFinder
from tm.check.text import HAN, TITLE_HEADS, UNLISTED
from tm.errors import InputError
from tm.lang import base
from tm.models import Concept, TermHit

# A window is located leniently, then the whole words found are scored against UNLISTED.
_LOCATE = 75
_WORDS = regex.compile(r"[\p{L}\p{M}\p{N}]+")
# Where a clause or sentence ends, a name does not go on ("No. 1" keeps its full stop).
_CLAUSE_END = regex.compile(r"[;؛；。!?！？\n]")


class CachedTerms:
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
            if base(lang) in TITLE_HEADS:
                hits = sorted(hits + self._unlisted(text, base(lang), hits), key=lambda h: h.start)
            self._hits[key] = hits
        return self._hits[key]

    def _unlisted(self, text: str, lang: str, hits: Sequence[TermHit]) -> list[TermHit]:
        """Names the recogniser missed, found by fuzzy matching around a title's head word.

        Only for languages whose titles are not declined (and Arabic, whose clitics the
        recogniser folds), where a near miss is a variant ("Convention on Reduction of
        Statelessness"), not an inflected form. The text searched around a head word stops at
        the names found before and after it, so that a variant standing beside the official
        name ("the Covenant ...; the Covenant of ...") is not hidden by it.
        """
        found: list[TermHit] = []
        for head in TITLE_HEADS[lang].finditer(text):
            at = head.start()
            if any(hit.start <= at < hit.end for hit in [*hits, *found]):
                continue
            low = max([0, at - 60, *(h.end for h in [*hits, *found] if h.end <= at)])
            high = min([at + 160, *(h.start for h in hits if h.start > at)])
            clause = _CLAUSE_END.search(text, at, high)
            high = clause.start() if clause else high
            low = max([low, *(m.end() for m in _CLAUSE_END.finditer(text, low, at))])
            window = text[low:high].casefold()
            word = head.group().casefold()
            best: tuple[float, Concept, str, int, int] | None = None
            for concept, form in self._forms_of(lang):
                if word not in form.casefold():
                    continue
                key = form.casefold()
                aligned = fuzz.partial_ratio_alignment(key, window, score_cutoff=_LOCATE)
                if aligned is None:
                    continue
                # scored on the whole words found, so that the window's edges do not count
                start, end = word_span(text, low + aligned.dest_start, low + aligned.dest_end)
                score, start, end = _best_words(text, start, end, key)
                if score < UNLISTED or (best is not None and score <= best[0]):
                    continue
                if start <= at < end and not any(h.start < end and start < h.end for h in hits):
                    best = (score, concept, form, start, end)
            if best is not None:
                _, concept, form, start, end = best
                found.append(variant_hit(concept, form, text, start, end, lang))
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


def _best_words(text: str, start: int, end: int, key: str) -> tuple[float, int, int]:
    """The run of whole words in ``text[start:end]``, give or take two at each edge ("au",
    "présentent"), most like ``key`` (casefolded): ``(score, start, end)``."""
    words = list(_WORDS.finditer(text, start, end))
    if HAN.search(text[start:end]) or not words:
        return fuzz.ratio(key, text[start:end].casefold()), start, end
    best = (0.0, start, end)
    for first in words[:3]:
        for last in words[-3:]:
            if last.end() > first.start():
                score = fuzz.ratio(key, text[first.start() : last.end()].casefold())
                if score > best[0]:
                    best = (score, first.start(), last.end())
    return best


def word_span(text: str, start: int, end: int) -> tuple[int, int]:
    """``start:end`` widened to whole words (not in Chinese) and stripped of edge punctuation."""
    if not HAN.search(text[start:end]):
        while start > 0 and text[start - 1].isalnum():
            start -= 1
        while end < len(text) and text[end].isalnum():
            end += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    while start < end and not text[start].isalnum():
        start += 1
    return start, end


def variant_hit(concept: Concept, form: str, text: str, start: int, end: int, lang: str) -> TermHit:
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
        preferred.confidence if preferred is not None else None,
        preferred.source if preferred is not None else None,
    )
