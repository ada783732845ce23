"""The CAT score of a match: similarity, band, kind, and the order matches are shown in.

The match percentage is word-level edit similarity on normalised tokens (:mod:`tm.tokens`),
as CAT tools compute it::

    score = 100 * (1 - levenshtein(a, b) / max(len(a), len(b)))

rounded down to a whole percent. A source that differs from the draft only in placeables
scores 99 (``placeable``; :mod:`tm.placeables`), one that differs only in case or spacing 99
(``format``); identical text 100 (``exact``). The matcher (:mod:`tm.match`) raises an exact
match in context to 101 and caps one sentence of a longer unit at 99 (``partial``). Bands:
100, 95-99, 85-94, 75-84, 50-74.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from rapidfuzz.distance import Levenshtein

from tm.models import Match, Unit
from tm.placeables import placeable_changes, substitute, token_diff
from tm.tokens import Token, tokenize

__all__ = ["BANDS", "band", "rank", "score_match", "similarity"]

#: Match bands as CAT tools show them, highest first: (name, lowest score).
BANDS: tuple[tuple[str, float], ...] = (
    ("100", 100.0),
    ("95-99", 95.0),
    ("85-94", 85.0),
    ("75-84", 75.0),
    ("50-74", 50.0),
)

_KIND_RANK = {"context": 4, "exact": 3, "placeable": 2, "format": 2, "fuzzy": 1, "partial": 0}


def band(score: float) -> str:
    """The band of a score: ``"100"``, ``"95-99"``, ..., or ``"<50"``.

    >>> band(101), band(99), band(84), band(12)
    ('100', '95-99', '75-84', '<50')
    """
    for name, low in BANDS:
        if score >= low:
            return name
    return "<50"


def similarity(a: Sequence[str], b: Sequence[str]) -> float:
    """Word-level edit similarity of two token sequences, in percent (not rounded).

    ``100 * (1 - levenshtein(a, b) / max(len(a), len(b)))``; two empty sequences are 100.

    >>> similarity(["the", "cat", "sat"], ["the", "dog", "sat"])
    66.66666666666667
    """
    if not a and not b:
        return 100.0
    return 100.0 * Levenshtein.normalized_similarity(list(a), list(b))


def score_match(
    draft: str,
    source: str,
    targets: dict[str, str],
    similarity_: float,
    lang: str,
    unit: Unit,
    origin: str | None,
    unit_id: int,
    *,
    whole: str | None = None,
    draft_tokens: list[Token] | None = None,
) -> Match:
    """A :class:`Match` with its CAT score and kind, diff and substituted targets; ``whole``
    is the unit's whole source when ``source`` is one of its sentences (the targets translate
    it all); ``draft_tokens`` are ``tokenize(draft, lang)`` when the caller has them (a draft
    is scored against several units)."""
    src = tokenize(source, lang)
    dft = tokenize(draft, lang) if draft_tokens is None else draft_tokens
    changes = None
    if similarity_ >= 100.0 - 1e-9:
        if " ".join(source.split()) == " ".join(draft.split()):
            score, kind = 100.0, "exact"
        else:
            changes = placeable_changes(source, src, draft, dft)
            score, kind = 99.0, "placeable" if changes else "format"
    else:
        score, kind = float(math.floor(similarity_ + 1e-9)), "fuzzy"
        changes = placeable_changes(source, src, draft, dft)
    substituted: dict[str, str] = {}
    if changes:
        for tlang, text in targets.items():
            new = substitute(text, changes, source=whole or source)
            if new is not None and new != text:
                substituted[tlang] = new
    return Match(
        score=score,
        band=band(score),
        source=source,
        targets=targets,
        diff=token_diff(source, src, draft, dft),
        tuid=unit.tuid,
        origin=origin,
        kind=kind,
        substituted=substituted,
        unit_id=unit_id,
        changes=tuple(changes or ()),
        suspect=any(key == "x-align-suspect" for key, _ in unit.props),
    )


def rank(m: Match) -> tuple[float, int, int]:
    """Sort key: best score first, then context > exact > placeable/format > fuzzy/partial."""
    return (-m.score, -_KIND_RANK[m.kind], m.unit_id or 0)
