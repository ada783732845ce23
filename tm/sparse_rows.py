"""Sparse rows of numbers over shared columns, and the dot products of two sets of rows near
a band: what the aligner compares sentences by (bags of pieces: tm/translation_similarity.py;
anchor keys: tm/bead_costs.py) for every cell of a dynamic program's band at once.

>>> import numpy as np
>>> a = SparseRows(np.array([0, 1]), np.array([0, 1]), np.array([1.0, 2.0]), n=2, dims=2)
>>> band_dots(a, a, np.array([0, 0]), 2).tolist()
[[1.0, 0.0], [0.0, 4.0]]
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["NEAR", "SparseRows", "band_dots", "distinct", "distinct_inverse"]

_Floats = npt.NDArray[np.float64]
_Ints = npt.NDArray[np.int64]

#: :meth:`SparseRows.near` gives the dot products of each row with this many rows from it on.
NEAR = 3


def distinct(values: _Ints) -> _Ints:
    """``np.unique(values)`` by a stable sort: numpy 2's unique hashes, several times slower
    on the aligner's codes, which come mostly in sorted runs (a stable sort merges them)."""
    ordered = np.sort(values, kind="stable")
    return ordered[_firsts(ordered)]


def distinct_inverse(values: _Ints) -> tuple[_Ints, _Ints]:
    """``np.unique(values, return_inverse=True)``, by a stable sort (see :func:`distinct`)."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    first = _firsts(ordered)
    inverse = np.empty(len(values), np.int64)
    inverse[order] = np.cumsum(first) - 1
    return ordered[first], inverse


def _firsts(ordered: _Ints) -> npt.NDArray[np.bool_]:
    """Where each run of equal values of a sorted array starts."""
    first = np.empty(len(ordered), bool)
    first[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    return first


class SparseRows:
    """Sparse rows over ``dims`` columns, from (row, column, value) triples (repeated cells
    add up), kept sorted by row then column."""

    def __init__(self, rows: _Ints, cols: _Ints, vals: _Floats, *, n: int, dims: int) -> None:
        self.n, self.dims = n, dims
        codes = rows * dims + cols
        self.keys: _Ints
        self.vals: _Floats
        if np.all(codes[1:] > codes[:-1]):  # sorted and distinct already: nothing to add up
            self.keys, self.vals = codes, np.asarray(vals, np.float64)
        else:
            self.keys, inverse = distinct_inverse(codes)
            summed = np.bincount(inverse.ravel(), weights=vals, minlength=len(self.keys))
            self.vals = np.asarray(summed, np.float64)
        self.rows = self.keys // dims
        self.ptr = np.searchsorted(self.rows, np.arange(n + 1))
        self._columns: tuple[_Ints, _Ints, _Floats] | None = None

    def __len__(self) -> int:
        return self.n

    def by_column(self) -> tuple[_Ints, _Ints, _Floats]:
        """The cells sorted by column, then row: (column * (n + 1) + row, row, value), made
        once (:func:`band_dots` joins on them, and a band asks for the same rows often)."""
        if self._columns is None:
            cols = self.keys % self.dims
            order = np.argsort(cols, kind="stable")  # the keys are in row order already
            key = cols[order] * (self.n + 1) + self.rows[order]
            self._columns = key, self.rows[order], self.vals[order]
        return self._columns

    def _beside(self, d: int) -> tuple[_Ints, npt.NDArray[np.bool_]]:
        """For each cell of row i: where the cell of row ``i + d`` in its column is, and
        whether there is one (rows past either end have none)."""
        other = self.keys + d * self.dims
        at = np.minimum(np.searchsorted(self.keys, other), len(self.keys) - 1)
        inside = (self.rows + d >= 0) & (self.rows + d < self.n)
        return at, inside & (self.keys[at] == other)

    def shared(self, shifts: tuple[int, ...]) -> SparseRows:
        """These rows' cells whose column row ``i + d`` has a cell in too, for some d in
        ``shifts``."""
        hit = np.zeros(len(self.keys), bool)
        for d in shifts:
            hit |= self._beside(d)[1]
        cols = self.keys[hit] % self.dims
        return SparseRows(self.rows[hit], cols, self.vals[hit], n=self.n, dims=self.dims)

    def near(self) -> _Floats:
        """``out[i, d]``: dot product of row i with row i+d (d = 0, 1, 2), 0 past the end."""
        out = np.zeros((self.n, NEAR))
        for d in range(NEAR):
            at, hit = self._beside(-d)  # each cell of row i+d with row i's in its column
            out[:, d] = np.bincount(
                self.rows[hit] - d, weights=self.vals[hit] * self.vals[at[hit]], minlength=self.n
            )
        return out


def band_dots(a: SparseRows, b: SparseRows, offsets: _Ints, width: int) -> _Floats:
    """``out[i, c]``: dot product of row i of ``a`` with row ``offsets[i] + c`` of ``b``
    (0 where that row does not exist); both over the same columns.

    A join on columns rather than a matrix product: only the cells of the band are computed,
    and no BLAS thread pool is woken (on a busy machine its threads wait for cores).
    """
    n, m = len(a), len(b)
    b_key, b_rows, b_vals = b.by_column()
    # ``a``'s cells by column too: the searches then come in order, each starting where the
    # last one ended (several times faster than in row order)
    a_key, a_rows, a_vals = a.by_column()
    a_cols = a_key // (n + 1)
    first = np.clip(offsets[a_rows], 0, m)
    last = np.clip(offsets[a_rows] + width, 0, m)
    start = np.searchsorted(b_key, a_cols * (m + 1) + first)
    count = np.searchsorted(b_key, a_cols * (m + 1) + last) - start
    total = int(count.sum())
    cell = np.repeat(np.arange(len(count)), count)  # which cell of ``a`` each product uses
    at = np.repeat(start - np.cumsum(count) + count, count) + np.arange(total)
    rows = a_rows[cell]
    cols = b_rows[at] - offsets[rows]
    flat = np.bincount(rows * width + cols, weights=a_vals[cell] * b_vals[at], minlength=n * width)
    return np.asarray(flat, np.float64).reshape(n, width)
