"""Candidate terms: names a memory cites in English that the glossary lacks.

:func:`extract_candidates` proposes names of instruments and organs found in the English side
of a memory, with equivalents mined from the aligned other-language sides.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import regex

from tm.concepts import concept_languages, is_abbreviation
from tm.lang import base
from tm.models import TermHit, Unit
from tm.stems import cached_base
from tm.terms import Glossary

__all__ = ["Candidate", "extract_candidates"]

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
        # a listed name is blanked out, so that a run of capitalised words joining it to an
        # unknown name ("the Convention on the Rights of the Child and the Convention on
        # Biological Diversity") still yields the unknown one
        blanked = source
        for hit in known:
            if hit.status != "variant":
                blanked = blanked[: hit.start] + "|" * (hit.end - hit.start) + blanked[hit.end :]
        for at, end, name in _names(blanked):
            if any(h.start < end and at < h.end and h.status != "variant" for h in known):
                continue
            if any(h.start <= at and end <= h.end for h in known):
                continue
            found.append(name)
        others = {}
        for variant in unit.variants:
            lang = cached_base(variant.lang)
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
        for lang in concept_languages(concept):
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
