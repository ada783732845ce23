"""The dynamic program (tm/bead_search.py) against a plain one that tries every bead type in
every cell in turn: the same total, the same path (ties included: of equal costs the first
bead type wins) and the same margins.

Costs here are small random integers (many ties), not costs of any text.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import tm.bead_search as bs
from tm.bead_costs import BEADS

_Cells = list[list[list[float]]]


class _Grid:
    """A stand-in for tm/bead_costs.py's Costs: integer costs of every bead in every cell."""

    def __init__(self, n: int, m: int, seed: int) -> None:
        self.n, self.m = n, m
        self.costs = np.random.default_rng(seed).integers(0, 4, size=(n + 1, len(BEADS), m + 1))

    def band(self, lo: Sequence[int], hi: Sequence[int]) -> _Cells:
        width = max(b - a for a, b in zip(lo, hi, strict=True)) + 1
        out = np.full((self.n + 1, len(BEADS), width), math.inf)
        for i in range(self.n + 1):
            for k, (di, dj) in enumerate(BEADS):
                for j in range(lo[i], hi[i] + 1):
                    if i >= di and j >= dj:
                        out[i, k, j - lo[i]] = float(self.costs[i, k, j])
        cells: _Cells = out.tolist()
        return cells


def _plain_forward(
    costs: _Grid, lo: Sequence[int], hi: Sequence[int]
) -> tuple[float, list[tuple[int, int, int]], list[list[float]], _Cells]:
    """Every cell tries every bead type in :data:`BEADS` order; a dearer or equal one loses."""
    n, m, inf = costs.n, costs.m, math.inf
    band = costs.band(lo, hi)
    table: list[list[float]] = []
    back: list[list[int]] = []
    spent: _Cells = []
    for i in range(n + 1):
        row = [inf] * (hi[i] - lo[i] + 1)
        bk = [-1] * len(row)
        cells = [[inf] * len(BEADS) for _ in row]
        for j in range(lo[i], hi[i] + 1):
            if i == 0 and j == 0:
                row[0] = 0.0
                continue
            best, best_k = inf, -1
            for k, (di, dj) in enumerate(BEADS):
                pi, pj = i - di, j - dj
                if pi < 0 or pj < 0 or pj < lo[pi] or pj > hi[pi]:
                    continue
                prev = row[pj - lo[i]] if pi == i else table[pi][pj - lo[pi]]
                if prev == inf:
                    continue
                cost = cells[j - lo[i]][k] = band[i][k][j - lo[i]]
                if prev + cost < best:
                    best, best_k = prev + cost, k
            row[j - lo[i]], bk[j - lo[i]] = best, best_k
        table.append(row)
        back.append(bk)
        spent.append(cells)
    path = []
    i, j = n, m
    while i or j:
        k = back[i][j - lo[i]]
        path.append((i, j, k))
        i, j = i - BEADS[k][0], j - BEADS[k][1]
    path.reverse()
    return table[n][m - lo[n]], path, table, spent


def _plain_backward(
    n: int, m: int, lo: Sequence[int], hi: Sequence[int], spent: _Cells
) -> list[list[float]]:
    """Best costs from every cell to (n, m), each cell trying every bead type."""
    inf = math.inf
    table: list[list[float]] = [[] for _ in range(n + 1)]
    for i in range(n, -1, -1):
        row = [inf] * (hi[i] - lo[i] + 1)
        for j in range(hi[i], lo[i] - 1, -1):
            if i == n and j == m:
                row[j - lo[i]] = 0.0
                continue
            for k, (di, dj) in enumerate(BEADS):
                ni, nj = i + di, j + dj
                if ni > n or nj > m or nj < lo[ni] or nj > hi[ni]:
                    continue
                after = row[nj - lo[i]] if ni == i else table[ni][nj - lo[ni]]
                if after != inf:
                    row[j - lo[i]] = min(row[j - lo[i]], after + spent[ni][nj - lo[ni]][k])
        table[i] = row
    return table


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 12), st.integers(1, 12), st.integers(0, 4), st.integers(0, 2**32 - 1))
def test_forward_and_margins_equal_the_plain_program(n: int, m: int, width: int, seed: int) -> None:
    grid = _Grid(n, m, seed)
    lo, hi = bs.band([i * m / n for i in range(n + 1)], m, width)
    total, path, ahead, spent = bs.forward(grid, lo, hi)  # type: ignore[arg-type]
    plain_total, plain_path, plain_ahead, plain_spent = _plain_forward(grid, lo, hi)
    assert (total, path, ahead) == (plain_total, plain_path, plain_ahead)
    behind = bs._backward(n, m, lo, hi, spent)
    plain_behind = _plain_backward(n, m, lo, hi, plain_spent)
    margins = bs._margins(path, total, ahead, behind, lo, hi)
    assert margins == bs._margins(path, total, ahead, plain_behind, lo, hi)
    for i in range(n + 1):  # a cell reached from (0, 0) is as far from (n, m) either way
        for x, cost in enumerate(ahead[i]):
            if cost != math.inf:
                assert behind[i][x] == plain_behind[i][x]
