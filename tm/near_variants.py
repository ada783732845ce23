"""Near-variants: names written with a word or two changed, found where no exact name was.

A long name is found again when a window of the text, triggered by a run of its words that no
exact hit covers, is within :data:`FUZZY_CUTOFF` of it word for word (token-level Levenshtein,
rapidfuzz): a missing "International", an inserted "of UNESCO". A heading or title that is as a
whole a reworded name (agenda-item titles are) is matched against the long names at
:data:`TITLE_CUTOFF` (rapidfuzz's ratio on folded text).
"""

from __future__ import annotations

from collections.abc import Sequence

import regex
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from tm.concepts import is_abbreviation
from tm.models import Term
from tm.recognition_index import LangIndex, RawTerm, term_from_raw
from tm.stems import BARRIER, folded_words, stems

__all__ = [
    "FUZZY_CUTOFF",
    "FUZZY_CUTOFF_TITLE",
    "TITLE_CUTOFF",
    "Choice",
    "headings",
    "near_variants",
]

#: A fuzzy near-variant must have at least this normalised token similarity (0..1).
FUZZY_CUTOFF = 0.85
#: ... or this much when the text is a whole line, sentence or 《title》 (a heading, a title).
FUZZY_CUTOFF_TITLE = 0.7

#: A hit as recognition chooses it: tokens [start, stop), concept, listed term (None for a
#: derived form), status, form.
Choice = tuple[int, int, str, Term | None, str, str]


def near_variants(
    text: str,
    index: LangIndex,
    tokens: Sequence[tuple[int, int, str]],
    chosen: list[Choice],
    owner: list[int],
    partial: Sequence[tuple[int, int, int]],
) -> list[Choice]:
    """Add near-variants of long names, triggered by a run of their words that no hit covers.

    A window of text whose stems are within :data:`FUZZY_CUTOFF` of a listed name, starting
    with one of its first two words and ending with one of its last two, is a variant of that
    name; it may take in whole exact hits (an embedded "European Convention on Human Rights" in
    a reworded protocol title) but never cut one.
    """
    if not partial:
        return chosen
    words = [t[2] for t in tokens]
    proposals: dict[tuple[int, int], tuple[float, str, RawTerm]] = {}
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
    variants: list[Choice] = []
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


_LINE = regex.compile(r"[^\n]+")


def headings(
    text: str,
    lang: str,
    index: LangIndex,
    tokens: Sequence[tuple[int, int, str]],
    chosen: Sequence[Choice],
) -> list[Choice]:
    """Reworded titles standing as a heading: the whole text (up to three lines) when nothing
    was found in it, else each line without a hit."""
    if not index.title_texts:
        return []
    if not chosen:
        found = _title_variant(text, lang, index, tokens, 0)
        if found or "\n" not in text.strip():
            return found
    covered = {k for start, stop, *_ in chosen for k in range(start, stop)}
    out: list[Choice] = []
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
    text: str, lang: str, index: LangIndex, tokens: Sequence[tuple[int, int, str]], offset: int
) -> list[Choice]:
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


def _clean_cut(chosen: Sequence[Choice], owner: Sequence[int], start: int, stop: int) -> bool:
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
