"""The target sentence that translates one sentence of a multi-sentence unit.

A unit aligned 2-1 or 2-2 holds several source sentences; a draft sentence that matches one of
them (a ``partial`` match) must not be given the whole target, or two consecutive draft
sentences would both be filled with the same two-sentence translation. The target is cut with
the same SRX rules as the source (:func:`tm.segment.segment`), and its k-th sentence is taken
only when the sentences correspond one to one: as many on each side, the same numbers in each
pair (:func:`tm.numbers.compare`), and lengths in proportion.
"""

from __future__ import annotations

from collections.abc import Sequence

from tm.numbers import compare
from tm.segment import segment

__all__ = ["sentence_target"]

#: How far one pair's length ratio may stray from the whole unit's (either way).
MAX_RATIO_SPREAD = 2.5


def sentence_target(sources: Sequence[str], target: str, lang: str, part: int) -> str | None:
    """The sentence of ``target`` (in ``lang``) that translates ``sources[part - 1]``, when
    ``target`` cuts into sentences that correspond one to one with ``sources``; else None.

    >>> sentence_target(
    ...     ["The Committee met on 3 May.", "It adopted 2 decisions."],
    ...     "Le Comité s'est réuni le 3 mai. Il a adopté 2 décisions.",
    ...     "fr",
    ...     2,
    ... )
    'Il a adopté 2 décisions.'
    """
    if not 1 <= part <= len(sources):
        return None
    targets = segment(target, lang)
    if len(targets) != len(sources):
        return None
    whole = sum(len(t) for t in targets) / max(1, sum(len(s) for s in sources))
    for source, sentence in zip(sources, targets, strict=True):
        if compare(source, sentence):
            return None
        ratio = len(sentence) / max(1, len(source)) / max(whole, 1e-9)
        if not 1 / MAX_RATIO_SPREAD <= ratio <= MAX_RATIO_SPREAD:
            return None
    return targets[part - 1]
