"""The dynamic program of the aligner: the cheapest path of beads through two sequences.

A path runs from (0, 0) to (n, m) by beads (tm/bead_costs.py: BEADS), each step priced by a
:class:`~tm.bead_costs.Costs`. The search stays inside a band of columns around a centre line
(a line through confident anchors, or a first pass's path) and widens the band while the best
path touches its edge. The forward and backward tables also give each bead a *margin*: how
much dearer the best path through a nearby cell is, i.e. how sure the bead's boundary is.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence

from tm.bead_costs import BEADS, Costs, Item, prefix_sums
from tm.errors import AlignmentError

__all__ = [
    "GUIDED_WIDTH",
    "MIN_WIDTH",
    "anchor_centre",
    "band",
    "forward",
    "initial_ratio",
    "path_beads",
    "search",
    "search_margins",
]

MIN_WIDTH = 12  # narrowest band (in segments either side of the centre line)
GUIDED_WIDTH = 6  # band around a first pass's path
_MAX_CELLS = 400_000  # the band stops widening beyond this many cells (seconds of work)


def band(centre: Sequence[float], m: int, width: int) -> tuple[list[int], list[int]]:
    """Rows' column ranges [lo, hi] around ``centre``, made connected and ending at (n, m)."""
    n = len(centre) - 1
    lo = [max(0, min(m, math.floor(c) - width)) for c in centre]
    hi = [max(0, min(m, math.ceil(c) + width)) for c in centre]
    lo[0], hi[n] = 0, m
    for i in range(1, n + 1):
        hi[i] = max(hi[i], hi[i - 1])
        lo[i] = min(lo[i], hi[i - 1])
    for i in range(n - 1, -1, -1):
        lo[i] = min(lo[i], lo[i + 1])
    return lo, hi


_Table = list[list[float]]
_Costs = list[list[list[float]]]  # out[i][k][j - lo[i]]: Costs.band
# the bead that stays on its row (no source segment): its cell's earlier neighbour on the row
# must be final before it is tried, so it goes after the others, row by row
_SAME_ROW = BEADS.index((0, 1))


def forward(
    costs: Costs, lo: Sequence[int], hi: Sequence[int]
) -> tuple[float, list[tuple[int, int, int]], _Table, _Costs]:
    """The Viterbi pass: (total cost, best path, best costs from (0, 0), and the cost of each
    bead type ending in each cell, :meth:`Costs.band`, for :func:`_backward`).

    Each row takes its beads from earlier rows one bead type at a time, then the bead along
    the row cell by cell; of equal costs the first bead type in :data:`BEADS` wins, as if
    every cell had tried them in that order.
    """
    n, m = costs.n, costs.m
    inf = math.inf
    table: _Table = []
    back: list[list[int]] = []
    band_costs = costs.band(lo, hi)
    others = [(k, di, dj) for k, (di, dj) in enumerate(BEADS) if di]
    for i in range(n + 1):
        row_lo, row_hi = lo[i], hi[i]
        here = band_costs[i]
        row = [inf] * (row_hi - row_lo + 1)
        bk = [-1] * (row_hi - row_lo + 1)
        for k, di, dj in others:
            if di > i:
                continue
            prev_row, p_lo = table[i - di], lo[i - di]
            cost = here[k]
            shift = row_lo - dj - p_lo  # prev_row[x + shift] precedes row[x]
            for x in range(max(0, p_lo + dj - row_lo), min(row_hi, hi[i - di] + dj) - row_lo + 1):
                total = prev_row[x + shift] + cost[x]
                if total < row[x]:
                    row[x] = total
                    bk[x] = k
        if i == 0 and row_lo == 0:
            row[0] = 0.0
        cost = here[_SAME_ROW]
        for x in range(1, row_hi - row_lo + 1):
            total = row[x - 1] + cost[x]
            if total < row[x] or (total == row[x] and bk[x] > _SAME_ROW):
                row[x] = total
                bk[x] = _SAME_ROW
        table.append(row)
        back.append(bk)
    total = table[n][m - lo[n]]
    if total == inf:
        raise AlignmentError("no alignment path was found (internal band error)")
    path: list[tuple[int, int, int]] = []
    i, j = n, m
    while i or j:
        k = back[i][j - lo[i]]
        path.append((i, j, k))
        di, dj = BEADS[k]
        i, j = i - di, j - dj
    path.reverse()
    return total, path, table, band_costs


def _backward(n: int, m: int, lo: Sequence[int], hi: Sequence[int], spent: _Costs) -> _Table:
    """Best costs from each cell of the band to (n, m), from the forward pass's bead costs
    (a cell the forward pass could not reach may get a finite cost here, but no margin uses
    it: its cost from (0, 0) is infinite)."""
    inf = math.inf
    table: list[list[float]] = [[] for _ in range(n + 1)]
    others = [(k, di, dj) for k, (di, dj) in enumerate(BEADS) if di]
    for i in range(n, -1, -1):
        row_lo, row_hi = lo[i], hi[i]
        row = [inf] * (row_hi - row_lo + 1)
        for k, di, dj in others:
            if i + di > n:
                continue
            next_row, n_lo = table[i + di], lo[i + di]
            cost = spent[i + di][k]
            shift = row_lo + dj - n_lo  # next_row[x + shift] follows row[x]
            for x in range(max(0, n_lo - dj - row_lo), min(row_hi, hi[i + di] - dj) - row_lo + 1):
                total = next_row[x + shift] + cost[x + shift]
                if total < row[x]:
                    row[x] = total
        if i == n and row_hi == m:
            row[-1] = 0.0
        cost = spent[i][_SAME_ROW]
        for x in range(row_hi - row_lo - 1, -1, -1):
            total = row[x + 1] + cost[x + 1]
            if total < row[x]:
                row[x] = total
        table[i] = row
    return table


def _margins(
    path: Sequence[tuple[int, int, int]],
    total: float,
    forward: Sequence[Sequence[float]],
    backward: Sequence[Sequence[float]],
    lo: Sequence[int],
    hi: Sequence[int],
) -> list[float]:
    """For each bead of the best path, how much dearer the best path is that passes through
    a nearby cell off the path (up to three segments away) instead of the bead's end: a
    small margin means that the bead's boundary is in doubt."""
    n = len(lo) - 1
    on_path = {(0, 0)} | {(i, j) for i, j, _ in path}
    margins = []
    for i, j, _ in path:
        best = math.inf
        for ii in range(max(0, i - 3), min(n, i + 3) + 1):
            for jj in range(max(lo[ii], j - 3), min(hi[ii], j + 3) + 1):
                if (ii, jj) in on_path:
                    continue
                through = forward[ii][jj - lo[ii]] + backward[ii][jj - lo[ii]]
                best = min(best, through)
        margins.append(best - total)
    return margins


def _touches(
    path: Sequence[tuple[int, int, int]], lo: Sequence[int], hi: Sequence[int], m: int
) -> bool:
    return any((j == lo[i] and j > 0) or (j == hi[i] and j < m) for i, j, _ in path)


def search(
    costs: Costs, centre: Sequence[float], *, width: int = MIN_WIDTH
) -> tuple[float, list[tuple[int, int, int]]]:
    """Best path in a band around ``centre``, widened while the path touches the band's edge
    (up to :data:`_MAX_CELLS` cells)."""
    total, path, _ = search_margins(costs, centre, width=width, margins=False)
    return total, path


def search_margins(
    costs: Costs, centre: Sequence[float], *, width: int = MIN_WIDTH, margins: bool = True
) -> tuple[float, list[tuple[int, int, int]], list[float]]:
    """:func:`search`, plus each bead's margin (see :func:`_margins`) when asked."""
    m = costs.m
    while True:
        lo, hi = band(centre, m, width)
        total, path, ahead, spent = forward(costs, lo, hi)
        full = all(a == 0 for a in lo) and all(b == m for b in hi)
        if full or not _touches(path, lo, hi, m) or len(lo) * (4 * width + 1) > _MAX_CELLS:
            break
        width *= 2
    if not margins:
        return total, path, []
    backward = _backward(costs.n, m, lo, hi, spent)
    return total, path, _margins(path, total, ahead, backward, lo, hi)


def _anchor_chain(src: Sequence[Item], tgt: Sequence[Item]) -> list[tuple[int, int]]:
    """A longest monotone chain of items sharing a strong key found once on each side."""

    def unique(items: Sequence[Item]) -> dict[str, int]:
        seen: dict[str, int] = {}
        twice: set[str] = set()
        for idx, item in enumerate(items):
            for key in item.strong:
                if key in seen and seen[key] != idx:
                    twice.add(key)
                seen.setdefault(key, idx)
        return {key: idx for key, idx in seen.items() if key not in twice}

    src_keys, tgt_keys = unique(src), unique(tgt)
    points = sorted({(i, tgt_keys[key]) for key, i in src_keys.items() if key in tgt_keys})
    return _longest_chain(points)


def anchor_centre(src: Sequence[Item], tgt: Sequence[Item]) -> list[float]:
    """A centre line for the band, through the anchor chain (the diagonal without one)."""
    n, m = len(src), len(tgt)
    if n == 0:
        return [float(m)]
    chain = _anchor_chain(src, tgt)
    xs = [0.0] + [i + 0.5 for i, _ in chain] + [float(n)]
    ys = [0.0] + [j + 0.5 for _, j in chain] + [float(m)]
    centre = []
    for i in range(n + 1):
        k = min(bisect.bisect_right(xs, i), len(xs) - 1)
        x0, x1, y0, y1 = xs[k - 1], xs[k], ys[k - 1], ys[k]
        centre.append(y0 + (y1 - y0) * (i - x0) / (x1 - x0) if x1 > x0 else y1)
    return centre


def initial_ratio(src: Sequence[Item], tgt: Sequence[Item]) -> float:
    """Target/source length ratio, robust to a version missing whole parts.

    The anchor chain cuts both texts into regions; the ratio is the median of the regions'
    ratios when there are enough regions, else the ratio of the totals.
    """
    ps = prefix_sums([it.length for it in src])
    pt = prefix_sums([it.length for it in tgt])
    cuts = [(0, 0), *_anchor_chain(src, tgt), (len(src), len(tgt))]
    regions = sorted(
        (pt[j1] - pt[j0]) / (ps[i1] - ps[i0])
        for (i0, j0), (i1, j1) in zip(cuts, cuts[1:], strict=False)
        if ps[i1] > ps[i0] and pt[j1] > pt[j0]
    )
    if len(regions) >= 4:
        return regions[len(regions) // 2]
    return pt[-1] / ps[-1] if ps[-1] > 0 and pt[-1] > 0 else 1.0


def _longest_chain(points: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Longest chain strictly increasing in both coordinates (patience sorting)."""
    tails: list[int] = []  # tails[k]: smallest j ending a chain of length k+1
    tail_idx: list[int] = []
    parent: list[int] = []
    for idx, (_, j) in enumerate(points):
        # strictly increasing i: points with the same i must not chain, so process by i
        k = bisect.bisect_left(tails, j)
        if k > 0 and points[tail_idx[k - 1]][0] == points[idx][0]:
            parent.append(-1)
            continue
        parent.append(tail_idx[k - 1] if k else -1)
        if k == len(tails):
            tails.append(j)
            tail_idx.append(idx)
        else:
            tails[k], tail_idx[k] = j, idx
    chain: list[tuple[int, int]] = []
    idx = tail_idx[-1] if tail_idx else -1
    while idx != -1:
        chain.append(points[idx])
        idx = parent[idx]
    chain.reverse()
    return chain


def path_beads(path: Sequence[tuple[int, int, int]]) -> list[tuple[int, int, int, int]]:
    """(i0, j0, di, dj) for every step of a path."""
    out = []
    for i, j, k in path:
        di, dj = BEADS[k]
        out.append((i - di, j - dj, di, dj))
    return out
