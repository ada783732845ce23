"""The search of one :class:`~tm.index.MatchIndex`: exact prefix filtering with rank slices
and bit-sliced counts of the common tokens.

A row with score >= s shares at least ``s * max(len(a), len(b))`` tokens with the draft ``a``
(an edit script keeps at most the shared tokens). The draft's tokens are read rarest first
(by token id: ids are ranked by frequency). A row met first at token ``t`` shares none of the
rarer tokens, so it shares at most ``min(room, r)`` tokens, where ``room`` is the number of
the draft's tokens not rarer than ``t`` and ``r`` the row's rank for ``t`` (its tokens at least
as common as ``t``, stored with the posting, :mod:`tm.index_build`). Posting lists are sorted
by rank, so only the slice of rows with ``r >= s * len(a)`` is read. A row left out of a slice
can never reach the score (its rank only falls for commoner tokens), and the search stops when
``room`` falls below ``s * len(a)`` (prefix filtering). The bound is tightened with the common
tokens the row really shares with the draft (looked up in their bitmaps).

When the draft's next token is a common one (it has a row bitmap), every token left is: the
rows not met yet share only those, and how many each shares is counted for all rows at once,
bit-sliced over the bitmaps (a few passes over 125 KB a million rows), instead of reading the
longest posting lists. Only rows whose count reaches ``s * len(a)`` are looked at.

Rows are filtered by length (``[s * len(a), len(a) / s]``) and by their bound, then scored
(rapidfuzz, in C) best bound first, in chunks that raise ``s`` to the current k-th best score
as they go. With a window, ``s`` is also raised to the best score less the window: the search
is exact for the best and for every row within the window of it; with ``window=None`` it
returns what scoring every row would return (ties aside). Rows of removed units are never
returned.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from typing import Protocol

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from tm.index_build import RANK_CAP, SHORT, index_of

__all__ = ["Search", "Searched"]

_EPS = 1e-9
_FEW = 64  # rows scored at once without first looking their common tokens up


class Searched(Protocol):
    """What a search reads of an index (:class:`tm.index.MatchIndex`)."""

    lengths: np.ndarray
    ids: np.ndarray
    post_offsets: np.ndarray
    post_rows: np.ndarray
    post_ranks: np.ndarray
    dead: np.ndarray | None
    vocab_size: int
    common: int
    twice: int
    words: int

    def __len__(self) -> int: ...

    def bitmap(self, token: int) -> np.ndarray: ...

    def twice_bitmap(self, token: int) -> np.ndarray: ...

    def short(self, length: int) -> np.ndarray: ...

    def rows_codes(self, rows: np.ndarray) -> list[str]: ...

    def lend_seen(self) -> np.ndarray: ...

    def return_seen(self, seen: np.ndarray) -> None: ...


class Search:
    """One search of ``query`` (token codes) in ``index``: the k best rows found so far."""

    def __init__(
        self, index: Searched, query: str, *, top: int, floor: float, window: float | None
    ) -> None:
        self.index = index
        self.query = query
        self.top = top
        self.floor = floor
        self.window = window
        self.best: list[tuple[float, int]] = []  # min-heap of (similarity, -row)
        # rows considered for scoring (scored, or dropped once the bar rose): the index lends
        # its array, cleared after each search; a hopeless row is not marked (it fails again)
        self.seen = index.lend_seen()
        self._marked: list[np.ndarray] = []
        self.commons = 0  # the draft's tokens that are common
        # the bitmaps that count the draft's common tokens in a row: (bitmap, weight, whether
        # it is the token's own bitmap or that of the rows holding it twice)
        self.maps: list[tuple[np.ndarray, int, bool]] = []

    def run(self) -> list[tuple[int, float]]:
        """Read the draft's tokens rarest first until no unread row can score; the best
        rows with their similarity in percent, best first (ties: lower row)."""
        index, n_q = self.index, len(self.query)
        offsets, ranks = index.post_offsets, index.post_ranks
        counts = Counter(index_of(c) for c in self.query)
        for token, times in counts.items():
            if token < index.common:
                self.commons += times
                twice = times > 1 and token < index.twice
                self.maps.append((index.bitmap(token), 1 if twice else times, True))
                if twice:
                    self.maps.append((index.twice_bitmap(token), times - 1, False))
        room = n_q  # the draft's tokens not rarer than the current one
        try:
            for token in sorted(counts, reverse=True):  # unknown tokens come first
                need = math.ceil(self.certified() * n_q - _EPS)
                if room < need:
                    break
                if token < index.common:
                    self._count_common(room)
                    break
                if token < index.vocab_size:
                    start, end = int(offsets[token]), int(offsets[token + 1])
                    start += int(np.searchsorted(ranks[start:end], min(need, RANK_CAP)))
                    if start < end:
                        self._read(start, end, room)
                room -= counts[token]
        finally:
            for rows in self._marked:
                self.seen[rows] = False
            index.return_seen(self.seen)
        return [(-neg, score * 100.0) for score, neg in sorted(self.best, reverse=True)]

    def threshold(self) -> float:
        """The similarity (0-1) a row must reach to enter the result."""
        if len(self.best) < self.top:
            return self.floor
        return max(self.floor, self.best[0][0])

    def certified(self) -> float:
        """The similarity above which no row may be missed: the threshold, or with a window
        the best score so far minus the window when that is higher."""
        s = self.threshold()
        if self.window is not None and self.best:
            s = max(s, max(self.best)[0] - self.window)
        return s

    def _read(self, start: int, end: int, room: int) -> None:
        """Consider the posting entries ``start:end`` of a token that is not common: score
        the rows not considered yet whose bound can reach the certified similarity."""
        index = self.index
        rows = index.post_rows[start:end]
        bound = index.post_ranks[start:end].astype(np.int32)
        if room > RANK_CAP:
            bound[bound >= RANK_CAP] = room  # a capped rank says nothing
        np.minimum(bound, room, out=bound)
        rows, bound = self._fit(rows, bound)
        if rows.size > _FEW and self.maps:
            # the common tokens the row shares, and at most its other tokens up to here
            shared = np.zeros(rows.size, dtype=np.int32)
            weighted = np.zeros(rows.size, dtype=np.int32)
            word, bit = rows >> 6, np.left_shift(np.uint64(1), (rows & 63).astype(np.uint64))
            for bitmap, weight, own in self.maps:
                hit = (bitmap[word] & bit) != 0
                if own:
                    shared += hit
                weighted += weight * hit
            rest = room - self.commons
            np.minimum(bound, weighted + np.minimum(bound - shared, rest), out=bound)
            rows, bound = self._fit(rows, bound)
        self._consider(*self._unmet(rows, bound))

    def _count_common(self, room: int) -> None:
        """Consider every row not met yet by how many of the draft's common tokens (all the
        tokens left, ``room`` of them) it holds, counted bit-sliced over their bitmaps."""
        index, n_q = self.index, len(self.query)
        s = self.certified()
        need = max(1, math.ceil(s * n_q - _EPS))  # rows sharing no token score 0
        if need > room:
            return
        if need == room:
            # the usual case: a row must hold every common token left, as often as the draft
            # does (the weights of its bitmaps add up to ``room``): their intersection
            above = self.maps[0][0].copy()
            for bitmap, _, _ in self.maps[1:]:
                above &= bitmap
            self._consider_above(above, [], room, room)
            return
        planes: list[np.ndarray] = []  # the count's bits, lowest first
        for bitmap, weight, _ in self.maps:
            for shift in range(weight.bit_length()):
                if weight >> shift & 1:
                    carry = bitmap
                    for plane in planes[shift:]:
                        carry, plane = plane & carry, np.bitwise_xor(plane, carry, out=plane)
                    while len(planes) < shift:
                        planes.append(np.zeros(index.words, dtype=np.uint64))
                    if len(planes) == shift or carry.any():
                        planes.append(carry.copy())
        # the rows whose count c reaches ``need`` and whose length can reach the similarity
        # with c shared tokens (at most c / s tokens): a row sharing few tokens must be short,
        # which the length bitmaps say before the rows are listed one by one
        above = np.zeros(index.words, dtype=np.uint64)
        for count in range(need, room + 1):
            longest = math.floor(count / s + _EPS)
            if longest > SHORT:
                above |= _at_least(planes, count)
                break
            above |= _at_least(planes, count) & index.short(longest)
        self._consider_above(above, planes, 0, room)

    def _consider_above(
        self, above: np.ndarray, planes: list[np.ndarray], count: int, most: int
    ) -> None:
        """Consider the rows not met yet of the bitmap ``above`` whose length can reach the
        certified similarity; each shares with the draft the count in ``planes`` (bit-sliced)
        plus ``count`` tokens, at most ``most``."""
        index, n_q = self.index, len(self.query)
        s = self.certified()
        # rows whose length is within [s * n, most / s] (a row sharing ``most`` tokens)
        shortest, longest = math.ceil(s * n_q - _EPS), math.floor(most / s + _EPS)
        if longest <= SHORT:
            above &= index.short(longest)
        if 1 <= shortest - 1 <= SHORT:
            above &= ~index.short(shortest - 1)
        words = np.flatnonzero(above)
        if words.size == 0:
            return
        at = np.flatnonzero(np.unpackbits(above[words].view(np.uint8), bitorder="little"))
        rows = (words[at >> 6] << 6) + (at & 63)
        word, bit = rows >> 6, (rows & 63).astype(np.uint64)
        bound = np.full(rows.size, count, dtype=np.int32)
        for shift, plane in enumerate(planes):
            bound += ((plane[word] >> bit) & np.uint64(1)).astype(np.int32) << shift
        self._consider(*self._unmet(*self._fit(rows, bound)))

    def _unmet(self, rows: np.ndarray, bound: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The rows (with their bounds) not considered before and whose unit was not removed,
        marked considered now. Only the rows that passed :meth:`_fit` are looked up: a row
        met before and found hopeless fails again (its bound only falls, the certified
        similarity only rises), and the removed units are few."""
        index = self.index
        keep = ~self.seen[rows]
        dead = index.dead
        if dead is not None and len(dead):
            # by bisection in the sorted dead ids
            ids = index.ids[rows]
            at = np.searchsorted(dead, ids)
            np.minimum(at, len(dead) - 1, out=at)
            keep &= dead[at] != ids
        rows, bound = rows[keep], bound[keep]
        self.seen[rows] = True
        self._marked.append(rows)
        return rows, bound

    def _fit(self, rows: np.ndarray, bound: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The rows (and their bounds on shared tokens) that can reach the certified
        similarity by length and bound."""
        index, n_q = self.index, len(self.query)
        s = self.certified()
        lengths = index.lengths[rows]
        keep = (lengths >= s * n_q - _EPS) & (lengths <= n_q / s + _EPS)
        keep &= bound >= s * np.maximum(lengths, n_q) - _EPS
        return rows[keep], bound[keep]

    def _consider(self, rows: np.ndarray, bound: np.ndarray) -> None:
        """Score ``rows`` best bound first, in chunks: good matches raise the threshold
        early, and the rows whose bound falls below it are dropped."""
        if rows.size == 0:
            return
        upper = bound / np.maximum(self.index.lengths[rows], len(self.query))
        order = np.argsort(-upper, kind="stable")
        rows, upper = rows[order], upper[order]
        chunk = 64
        while rows.size:
            self._score(rows[:chunk])
            rows, upper = rows[chunk:], upper[chunk:]
            s = self.certified()
            if len(self.best) == self.top and s <= self.best[0][0]:
                # the result is full and its last score is the bar: a row that can only
                # equal it would replace an equal one (which of equal rows are kept is free)
                cut = int(np.searchsorted(-upper, -(s + _EPS), side="left"))
            else:
                cut = int(np.searchsorted(-upper, -(s - _EPS), side="right"))
            rows, upper = rows[:cut], upper[:cut]
            chunk *= 2

    def _score(self, rows: np.ndarray) -> None:
        """Score ``rows`` and keep the best."""
        n_q = len(self.query)
        choices = self.index.rows_codes(rows)
        # rapidfuzz ranks in C with a slightly loose cutoff; the kept rows are then scored
        # exactly with integer distances, so rows right at the threshold are neither lost
        # nor let in by float rounding
        found = process.extract(
            self.query,
            choices,
            scorer=Levenshtein.normalized_similarity,
            score_cutoff=max(self.threshold() - 1e-5, 1e-7),
            limit=self.top,
        )
        best = self.best
        for _, _, i in found:
            text = choices[i]
            score = 1.0 - Levenshtein.distance(self.query, text) / max(n_q, len(text))
            if score < self.threshold() - 1e-12 or score <= 0:
                continue
            item = (score, -int(rows[i]))
            if len(best) < self.top:
                heapq.heappush(best, item)
            elif item > best[0]:
                heapq.heapreplace(best, item)


def _at_least(planes: list[np.ndarray], count: int) -> np.ndarray:
    """The bitmap of the rows whose bit-sliced count (``planes``, lowest bit first) is at
    least ``count``: compared plane by plane, highest first."""
    above = np.zeros_like(planes[0])
    if count >> len(planes):
        return above
    equal = np.full_like(planes[0], ~np.uint64(0))
    for shift in range(len(planes) - 1, -1, -1):
        if count >> shift & 1:
            equal &= planes[shift]
        else:
            above |= equal & planes[shift]
            equal &= ~planes[shift]
    above |= equal
    return above
