"""The aligner's two levels: paragraphs first, then sentences inside each group of them.

What one pass of tm/align.py does: measure every segment (:func:`items`: its length, in UTF-8
bytes for Chinese, Japanese and Korean and in characters otherwise, and its anchor keys),
group segments by paragraph (:class:`Plan`), align the paragraphs with one dynamic program
(tm/bead_search.py) and the sentences inside each aligned group of paragraphs with another
(:func:`two_level`). A pass's path guides the next (:func:`path_guide`), and its confident
1-1 beads measure the document's own length ratio and variance (:func:`estimate`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from tm.anchors import Anchorer
from tm.bead_costs import (
    CLOSED_MERGE,
    GAP_SCORE,
    PARA_PRIOR_COST,
    PRIOR_COST,
    SHARES,
    Costs,
    Item,
    KeyMemo,
    lexical_priors,
    merge_keys,
)
from tm.bead_search import (
    GUIDED_WIDTH,
    MIN_WIDTH,
    anchor_centre,
    path_beads,
    search,
    search_margins,
)
from tm.models import Segment
from tm.paragraphs import closes
from tm.translation_similarity import LexicalCosts

__all__ = [
    "DEFAULT_VARIANCE",
    "FLOOR",
    "Plan",
    "estimate",
    "path_guide",
    "items",
    "two_level",
]

DEFAULT_VARIANCE = 6.8  # Gale & Church's variance per character, before measuring our own
_MIN_VARIANCE = 6.8  # the first pass picks 1-1 beads whose lengths agree: its estimate runs low
FLOOR = 0.5  # extra length variance, as a share of the median segment length

_BYTE_LANGS = frozenset({"zh", "ja", "ko"})


def _measure(text: str, lang: str) -> float:
    return float(len(text.encode("utf-8")) if lang in _BYTE_LANGS else len(text))


def items(
    texts: Sequence[str],
    lang: str,
    anchorer: Anchorer | None,
    kinds: Sequence[str] | None = None,
) -> list[Item]:
    """Items for segment texts; a segment kind other than body (heading, list item, header,
    signature) is a strong key too, since translations keep a document's structure."""
    out = []
    for pos, text in enumerate(texts):
        if anchorer is None:
            out.append(Item(_measure(text, lang), {}, {}, closes(text)))
            continue
        anchors = anchorer.anchors(text)
        strong = dict.fromkeys(anchors.strong, 1)
        if kinds is not None and kinds[pos] != "body":
            strong["k:" + kinds[pos]] = 1
        weak = dict.fromkeys(anchors.weak, 1)
        out.append(Item(_measure(text, lang), strong, weak, closes(text)))
    return out


def _group(items: Sequence[Item], groups: Sequence[Sequence[int]]) -> list[Item]:
    return [
        Item(
            sum(items[i].length for i in group),
            merge_keys(items[i].strong for i in group),
            merge_keys(items[i].weak for i in group),
            items[group[-1]].closed,
        )
        for group in groups
    ]


def estimate(pairs: Sequence[tuple[float, float]], ratio: float) -> tuple[float, float] | None:
    """Ratio and variance measured on the 1-1 beads of a first pass (robust to outliers)."""
    pairs = [(a, b) for a, b in pairs if a > 0 and b > 0]
    if len(pairs) < 8:
        return None
    logs = sorted(math.log(b / a) for a, b in pairs)
    new_ratio = math.exp(logs[len(logs) // 2]) if len(pairs) >= 20 else ratio
    z2 = sorted((b / new_ratio - a) ** 2 / ((a + b / new_ratio) / 2) for a, b in pairs)
    # mean of the lower 90 %: the tail is heavier than a Gaussian's, and a first-pass error
    # should not inflate the estimate
    kept = z2[: max(1, int(len(z2) * 0.9))]
    variance = sum(kept) / len(kept)
    return new_ratio, min(max(variance, _MIN_VARIANCE), 60.0)


@dataclass(frozen=True, slots=True)
class Plan:
    """Segment positions grouped by paragraph, in document order."""

    paragraphs: list[list[int]]

    @classmethod
    def of(cls, segments: Sequence[Segment]) -> Plan:
        groups: list[list[int]] = []
        last: int | None = None
        for pos, segment in enumerate(segments):
            if not groups or segment.paragraph != last:
                groups.append([])
                last = segment.paragraph
            groups[-1].append(pos)
        return cls(groups)


def two_level(
    src_items: list[Item],
    tgt_items: list[Item],
    src_plan: Plan,
    tgt_plan: Plan,
    *,
    ratio: float,
    variance: float,
    floor: float,
    scores: bool = True,
    guide: Sequence[float] | None = None,
    para_guide: Sequence[float] | None = None,
    lexical: float = 0.0,
    translation: LexicalCosts | None = None,
    shares: Sequence[float] = SHARES,
    paragraphs: Sequence[tuple[list[int], list[int]]] | None = None,
    reuse: dict[tuple[int, int], Costs] | None = None,
    memos: dict[tuple[int, int, int, int], KeyMemo] | None = None,
) -> tuple[list[tuple[tuple[int, ...], tuple[int, ...], float]], list[tuple[list[int], list[int]]]]:
    """Align paragraphs, then sentences inside them: (beads with scores, paragraph beads).

    ``guide`` and ``para_guide`` (from :func:`path_guide`) are a first pass's paths over
    sentences and paragraphs: bands then follow them closely instead of the anchor line.
    ``lexical`` is the weight of the sentences' learned-lexicon keys (0: none);
    ``translation``, the lexical costs of sentence beads (tm/translation_similarity.py), with
    ``shares``, the share of each bead type they may move the priors to (tm/bead_costs.py:
    bead_shares); ``paragraphs``, the paragraph beads of an earlier pass with the same length
    model, which this one would find again (the lexicon is a cost of sentences only);
    ``reuse``, the sentence costs of each paragraph group (by its first sentences) that an
    earlier pass with the same cost model but its priors made, taken again repriced, and
    filled for later passes; ``memos``, what earlier passes computed from the keys of the
    paragraphs and of each group of sentences (tm/bead_costs.py: KeyMemo), filled for later
    passes over the same items.
    """
    memos = {} if memos is None else memos
    p_src = _group(src_items, src_plan.paragraphs)
    p_tgt = _group(tgt_items, tgt_plan.paragraphs)
    if paragraphs is not None:
        para_beads = []
        pi = pj = 0
        for p_s, p_t in paragraphs:
            para_beads.append((pi, pj, len(p_s), len(p_t)))
            pi, pj = pi + len(p_s), pj + len(p_t)
    elif len(p_src) == 1 and len(p_tgt) == 1:
        para_beads = [(0, 0, 1, 1)]
    else:
        costs = Costs(
            p_src,
            p_tgt,
            ratio=ratio,
            variance=variance,
            floor=floor,
            priors=PARA_PRIOR_COST,
            merge=CLOSED_MERGE,
            memo=memos.setdefault((-1, len(p_src), -1, len(p_tgt)), KeyMemo()),
        )
        if para_guide is None:
            _, path = search(costs, anchor_centre(p_src, p_tgt))
        else:
            _, path = search(costs, para_guide, width=GUIDED_WIDTH)
        para_beads = path_beads(path)
    beads: list[tuple[tuple[int, ...], tuple[int, ...], float]] = []
    para_groups: list[tuple[list[int], list[int]]] = []
    for pi, pj, di, dj in para_beads:
        s_pos = [pos for para in src_plan.paragraphs[pi : pi + di] for pos in para]
        t_pos = [pos for para in tgt_plan.paragraphs[pj : pj + dj] for pos in para]
        para_groups.append((list(range(pi, pi + di)), list(range(pj, pj + dj))))
        if not s_pos or not t_pos:
            beads.extend(((s,), (), GAP_SCORE) for s in s_pos)
            beads.extend(((), (t,), GAP_SCORE) for t in t_pos)
            continue
        s_items = [src_items[p] for p in s_pos]
        t_items = [tgt_items[p] for p in t_pos]
        priors = PRIOR_COST if translation is None else lexical_priors(translation.weight, shares)
        earlier = reuse.get((s_pos[0], t_pos[0])) if reuse is not None else None
        if earlier is not None:
            costs = earlier.repriced(priors)
        else:
            costs = Costs(
                s_items,
                t_items,
                ratio=ratio,
                variance=variance,
                floor=floor,
                lexical=lexical,
                translation=translation,
                offset=(s_pos[0], t_pos[0]),
                priors=priors,
                memo=memos.setdefault((s_pos[0], len(s_pos), t_pos[0], len(t_pos)), KeyMemo()),
            )
            if reuse is not None:
                reuse[(s_pos[0], t_pos[0])] = costs
        if guide is None:
            centre, width = anchor_centre(s_items, t_items), MIN_WIDTH
        else:
            start, top = t_pos[0], float(len(t_pos))
            centre = [min(max(guide[p] - start, 0.0), top) for p in range(s_pos[0], s_pos[-1] + 2)]
            width = GUIDED_WIDTH
        _, path, margins = search_margins(costs, centre, width=width, margins=scores)
        for k, (i0, j0, bi, bj) in enumerate(path_beads(path)):
            score = costs.score(i0 + bi, j0 + bj, bi, bj, margins[k]) if scores else 0.0
            beads.append(
                (
                    tuple(s_pos[i0 : i0 + bi]),
                    tuple(t_pos[j0 : j0 + bj]),
                    score,
                )
            )
    return beads, para_groups


def path_guide(
    beads: Sequence[tuple[tuple[int, ...], tuple[int, ...], float]], n: int
) -> list[float]:
    """For each number of pivot segments consumed (0..n), the target segments consumed on the
    path of ``beads`` (interpolated inside a bead)."""
    guide = [0.0] * (n + 1)
    i = j = 0
    for src, tgt, _ in beads:
        for step in range(1, len(src) + 1):
            guide[i + step] = j + step * len(tgt) / len(src)
        i, j = i + len(src), j + len(tgt)
        guide[i] = float(j)
    return guide
