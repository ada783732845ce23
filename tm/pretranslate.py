"""Pre-translation: a draft's segments filled with their best matches, for the CAT tool.

A segment is filled with its best match in the target language at or above the threshold, its
placeables substituted. It is left to translate when a changed value could not be put in (a
changed month, a value cited twice), since the old value would reach the translation at 99%.
A match on one sentence of a multi-sentence unit (``partial``) fills the segment with the
target's corresponding sentence where the target splits one to one (:mod:`tm.split`);
otherwise the first of consecutive segments matching that unit gets the whole target and the
others are left, so no translation is written twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from tm import lang as _lang
from tm.models import Match, Unit, Variant

if TYPE_CHECKING:
    from tm.match import SegmentMatches

__all__ = ["pretranslate"]


def pretranslate(
    results: Sequence[SegmentMatches], *, src_lang: str, target_lang: str, min_score: float = 95
) -> tuple[list[Unit], int]:
    """Bilingual units of the draft filled in with each segment's best usable match in
    ``target_lang`` scoring at least ``min_score``, and the number of segments left without
    one (written by no unit: CAT tools skip units without a target).

    Each unit keeps where its target came from in props: ``x-match-score``,
    ``x-match-kind``, ``x-match-tuid``, ``x-segment`` (the draft segment's index),
    ``x-match-sentence`` (k: the k-th sentence of the unit's target) and ``x-align-suspect``
    (the memory unit came from a suspect alignment bead).
    """
    want = _lang.base(target_lang)
    units: list[Unit] = []
    missing = 0
    whole_unit: int | None = None  # the unit whose whole target filled the previous segment
    for seg in results:
        filled = _filled(seg.matches, want, min_score, whole_unit)
        if filled is None:
            missing += 1
            if not any(m.unit_id == whole_unit and m.part for m in seg.matches):
                whole_unit = None
            continue
        best, lang_tag, text, sentence = filled
        whole_unit = best.unit_id if best.part and not sentence else None
        props = [
            ("x-match-score", f"{best.score:g}"),
            ("x-match-kind", best.kind),
            ("x-segment", str(seg.index)),
        ]
        if best.tuid:
            props.append(("x-match-tuid", best.tuid))
        if sentence:
            props.append(("x-match-sentence", str(best.part)))
        if best.suspect:
            props.append(("x-align-suspect", "yes"))
        units.append(
            Unit((Variant(src_lang, seg.text), Variant(lang_tag, text)), props=tuple(props))
        )
    return units, missing


def _filled(
    matches: Sequence[Match], lang: str, min_score: float, whole_unit: int | None
) -> tuple[Match, str, str, bool] | None:
    """The best match scoring at least ``min_score`` with a usable target in ``lang``: that
    target's language tag and text, and whether it is one sentence of the unit's target.

    A partial match without a corresponding target sentence is usable only when the previous
    segment was not filled with the same unit's whole target (``whole_unit``)."""
    for m in matches:
        if m.score < min_score:
            continue
        found = _target(m, lang)
        if found is None:
            continue
        tag, text = found
        if m.part and tag in m.sentences:
            return m, tag, m.sentences[tag], True
        if m.part and m.unit_id == whole_unit:
            continue
        return m, tag, text, False
    return None


def _target(match: Match, lang: str) -> tuple[str, str] | None:
    """The match's target in ``lang``, its placeables substituted; None when a changed value
    could not be put in (a changed month, say): filling it would write the old number or date
    into the translation at 99%."""
    for tag, text in match.targets.items():
        if _lang.base(tag) == lang:
            if tag in match.substituted:
                return tag, match.substituted[tag]
            if match.changes and not (match.part and tag in match.sentences):
                return None
            return tag, text
    return None
