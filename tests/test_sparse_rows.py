"""Sparse rows (tm/sparse_rows.py): the sort-based distinct values against numpy's unique,
rows given sorted (taken as they are) against the same rows given in any order (added up), and
the cells a neighbouring row holds too against a plain loop.

The rows here are random numbers (our own, not text of any kind).
"""

from __future__ import annotations

import random

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tm.sparse_rows import SparseRows, band_dots, distinct, distinct_inverse

_CODES = st.lists(st.integers(0, 60), max_size=200)


@settings(max_examples=60, deadline=None)
@given(_CODES)
def test_distinct_values_equal_numpy_unique(codes: list[int]) -> None:
    array = np.array(codes, np.int64)
    assert distinct(array).tolist() == np.unique(array).tolist()
    found, inverse = distinct_inverse(array)
    expected, expected_inverse = np.unique(array, return_inverse=True)
    assert found.tolist() == expected.tolist()
    assert inverse.tolist() == expected_inverse.ravel().tolist()


_CELLS = st.lists(
    st.tuples(st.integers(0, 5), st.integers(0, 6), st.floats(0.0, 10.0)), max_size=40
)


@settings(max_examples=60, deadline=None)
@given(_CELLS, st.randoms(use_true_random=False))
def test_rows_given_sorted_equal_rows_added_up(
    cells: list[tuple[int, int, float]], rnd: random.Random
) -> None:
    merged: dict[tuple[int, int], float] = {}
    for row, col, val in cells:
        merged[(row, col)] = merged.get((row, col), 0.0) + val
    shuffled = list(cells)
    rnd.shuffle(shuffled)
    ordered = sorted(merged.items())  # distinct cells in order: the rows are taken as they are

    def rows(triples: list[tuple[int, int, float]]) -> SparseRows:
        return SparseRows(
            np.array([r for r, _, _ in triples], np.int64),
            np.array([c for _, c, _ in triples], np.int64),
            np.array([v for _, _, v in triples], np.float64),
            n=6,
            dims=7,
        )

    plain = rows([(r, c, v) for (r, c), v in ordered])
    added = rows(shuffled)
    assert plain.keys.tolist() == added.keys.tolist()
    assert np.allclose(plain.vals, added.vals)
    assert plain.ptr.tolist() == added.ptr.tolist()
    offsets = np.zeros(6, np.int64)
    assert np.allclose(band_dots(plain, plain, offsets, 6), band_dots(added, added, offsets, 6))
    dense = np.zeros((6, 7))
    for (r, c), v in merged.items():
        dense[r, c] = v
    assert np.allclose(band_dots(plain, plain, offsets, 6), dense @ dense.T)


@settings(max_examples=60, deadline=None)
@given(_CELLS, st.lists(st.integers(-2, 2).filter(bool), max_size=2, unique=True))
def test_shared_cells_are_those_a_neighbour_holds_too(
    cells: list[tuple[int, int, float]], shifts: list[int]
) -> None:
    rows = SparseRows(
        np.array([r for r, _, _ in cells], np.int64),
        np.array([c for _, c, _ in cells], np.int64),
        np.array([v for _, _, v in cells], np.float64),
        n=6,
        dims=7,
    )
    held = {(int(k) // 7, int(k) % 7): float(v) for k, v in zip(rows.keys, rows.vals, strict=True)}
    shared = rows.shared(tuple(shifts))
    expected = {cell for cell in held if any((cell[0] + d, cell[1]) in held for d in shifts)}
    assert {(int(k) // 7, int(k) % 7) for k in shared.keys} == expected
    assert shared.vals.tolist() == [held[(int(k) // 7, int(k) % 7)] for k in shared.keys]
