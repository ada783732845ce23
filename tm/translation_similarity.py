"""How well runs of sentences translate each other under a learned lexicon: a bead cost.

The lexicon's links (tm/lexicon.py) say which pieces translate which, yes or no; this module
uses its probabilities. A source sentence's pieces, each replaced by its likely translations
(P(target piece | source piece)), make a bag of target pieces that is compared with the bag of
the target sentence (cosine, pieces weighed by their rarity in the document), and the same
the other way round. Bags add up, so a run of sentences (a 2-1 or 2-2 bead) is compared as
one, and every dot product a bead needs is a sum of sentence-to-sentence ones, computed once
with numpy for a band around a first pass's path.

The cost of a bead (:class:`LexicalCosts`) is calibrated on the document itself: the typical
similarity of a sentence with its best match nearby (a translation, mostly) and with the other
sentences nearby (not translations) set the point where the cost changes sign and its scale,
so that a lexicon learned from a few hundred sentences and one learned from a large memory
weigh alike where they tell translations apart equally well; and where one tells them apart
better than a typical memory's (its matches farther from its non-matches, for their spread),
the whole bead's resemblance weighs more, up to twice (:func:`sharpness`).
Beyond that, every sentence of a merged side (the two sentences of a 2-1 bead) must resemble
the other side on its own, halfway from non-matches to matches, by what it brings to the merge:
pieces it shares with the other sentences of its side count for it only where the other side
holds them twice (a sentence the translation left out shares its neighbours' names and
subject, and resembled the other side by them alone; a headline and its story's first
sentence share theirs, and a translation merging the two repeats them). One that does not is, more
often than half of a merge, a sentence the translation left out or added (sharing a few names
with its neighbours), which length and bead priors alone cannot tell (a short sentence, whose
few pieces often miss its translation's, pays less for it; and every sentence does, where the
bead priors count the document's own gaps, which part costs made); and
the sentences of a 2-2 bead must cross (one resembling both of the other side's), or they are
two 1-1 beads. Bags hold only the pieces the lexicon can reach from the other side, and words
kept as they are across two scripts (tm/lexicon.py: KEPT) translate themselves.

>>> from tm.lexicon import Entry, Lexicon
>>> lexicon = Lexicon("en", "fr", 100, (Entry("cat", "chat", 9, 9), Entry("dog", "chien", 9, 9)))
>>> costs = lexical_costs([["cat"], ["dog"]], [["chat"], ["chien"]], lexicon, [0.0, 1.0, 2.0])
>>> costs is None  # too short a document to calibrate anything
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cached_property, partial
from itertools import chain
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from tm.collector import paused
from tm.lexicon import KEPT, Lexicon, distinct_pieces, piece_ids
from tm.sparse_rows import SparseRows, band_dots
from tm.threads import side_by_side

__all__ = ["Bags", "LexicalCosts", "document_bags", "lexical_costs", "sharpness"]

_Floats = npt.NDArray[np.float64]
_Ints = npt.NDArray[np.int64]
_Bead = tuple[int, int]
_Without = tuple[str, tuple[int, ...]]  # a side ("s", "t") and the neighbours whose pieces go

_MIN_PROB = 0.02  # translations less likely than this are left out of a translated bag
_REACH = 27  # the band of known costs: this many sentences either side of the guide
# ... of which merged sentences are measured by what they bring to the merge this close (the
# dynamic program's band, tm/bead_search.py: GUIDED_WIDTH, is 6 either side unless the path
# touches its edge; beyond, they are measured whole: the time this takes grows with the band)
_OWN_REACH = 8
_WINDOW = 3  # calibration: a sentence's candidate matches lie this close to the guide
_MIN_ROWS = 5  # ... and at least this many sentences are needed to calibrate
_MIN_SPREAD = 0.05  # matches must beat non-matches by this much for the cost to be trusted
_SIGN = 0.25  # where the cost changes sign, between non-matches (0) and matches (1)
_FIT = 8.0  # weight of the whole bead's similarity, per scale
_PART = 5.0  # weight of each merged sentence that resembles nothing on the other side
# ... which pays in proportion as its similarity with that side falls short of halfway from
# non-matches to matches (the whole bead's sign point, a quarter of the way, let through a left-out
# sentence that shares its neighbours' names and subject)
_PART_SIGN = 0.5
_MAX_FIT = 0.5  # a dissimilar bead costs at most this many scales (sparse lexicons miss a lot)
# The whole bead's cost (_FIT) of a lexicon whose matches stand this far above its
# non-matches (:func:`sharpness`) keeps its weight, a sharper one's weighs more, up to
# _MAX_SHARP times. On the bench's documents with merges and deletions, a lexicon learned from
# the memory of another corpus measures 1.7 on average, one learned from the test lines
# themselves (a check only) 3.4, and with it NTREX en-zh and en-ar rose from .967 / .978 to
# .978 / .984, FLORES from .988 / .988 to .996 / .994. The part costs keep theirs: sharpness is
# the document's, and a merged sentence the lexicon reads poorly resembles its translation as
# little with any lexicon (doubled too, they split a true merge of FLORES en-es that the
# lexicon half read).
_SHARP = 2.0
_MAX_SHARP = 2.0
# A merged sentence holding fewer than this share of the document's median count of pieces the
# lexicon reaches pays less for resembling nothing, at least _UNSURE of it (few pieces often miss
# all of their translation's) ...
_SHORT = 0.5
# ... and where the bead priors count the document's own gaps, this share: those gaps are the
# ones part costs made, so that part costs as heavy again count the same evidence twice (on the
# bench's long documents, which count theirs, most wrong gaps were the short half of a true merge
# split off as a sentence resembling nothing)
_SHORT_COUNTED = 1.5
_UNSURE = 0.5
_MAX_SPAN = 3  # longest run of sentences on one side of a bead (tm/bead_costs.py)
# A cosine's two directions are made side by side (tm/threads.py) in bands of at least this
# many cells (some 400 sentences): below, numpy's arrays are too short to gain
_THREADED_CELLS = 20_000


def _vocabulary(pieces: Sequence[Sequence[str]]) -> dict[str, int]:
    return piece_ids(chain.from_iterable(pieces))


def _rarity(pieces: Sequence[Sequence[str]], ids: dict[str, int]) -> _Floats:
    """Inverse document frequency of each piece, over the document's sentences."""
    df = np.bincount(distinct_pieces(pieces, ids)[1], minlength=len(ids)).astype(np.float64)
    return np.log((len(pieces) + 1) / (df + 0.5))


class _Table(NamedTuple):
    """Each source piece's likely target pieces (:func:`_translations`), flat: piece k's are
    ``to[ptr[k]:ptr[k + 1]]``, with their probabilities ``prob``."""

    ptr: _Ints
    to: _Ints
    prob: _Floats


@paused()  # a list of translations for each of the document's pieces (tm/collector.py)
def _translations(
    lexicon: Lexicon, src: dict[str, int], tgt: dict[str, int], *, backward: bool
) -> _Table:
    """For each source piece of the document, its likely target pieces in the document (a
    kept word, tm/lexicon.py: KEPT, translates itself)."""
    counts = lexicon.counts(backward=backward)
    out: list[list[tuple[int, float]]] = [[] for _ in src]
    for piece, row in src.items():
        if piece.startswith(KEPT) and piece in tgt:
            out[row] = [(tgt[piece], 1.0)]
            continue
        found = counts.get(piece, ())
        total = sum(c for _, c in found)
        out[row] = [(tgt[t], c / total) for t, c in found if t in tgt and c >= _MIN_PROB * total]
    sizes = np.fromiter(map(len, out), np.int64, len(out))
    return _Table(
        np.concatenate(([0], np.cumsum(sizes))),
        np.array([t for row in out for t, _ in row], np.int64),
        np.array([p for row in out for _, p in row], np.float64),
    )


def _reached(table: _Table, size: int) -> _Floats:
    """1.0 for the pieces that some piece of the other text translates into, else 0.0."""
    reached = np.zeros(size)
    reached[table.to] = 1.0
    return reached


def _bags(
    pieces: Sequence[Sequence[str]],
    ids: dict[str, int],
    weights: _Floats,
    table: _Table | None = None,
    *,
    dims: int | None = None,
    once: bool = False,
) -> SparseRows:
    """Each sentence's bag of pieces (distinct; with ``once``, those it holds once only),
    weighed by ``weights``; translated through ``table`` (into ``dims`` columns) if given."""
    rows, cols = distinct_pieces(pieces, ids, once=once)
    if table is None:
        return SparseRows(rows, cols, weights[cols], n=len(pieces), dims=len(ids))
    per = np.diff(table.ptr)[cols]
    first = np.repeat(table.ptr[cols], per)
    within = np.arange(int(per.sum())) - np.repeat(np.cumsum(per) - per, per)
    entry = first + within
    out_rows = np.repeat(rows, per)
    out_cols = table.to[entry]
    return SparseRows(
        out_rows, out_cols, table.prob[entry] * weights[out_cols], n=len(pieces), dims=dims or 0
    )


class LexicalCosts:
    """Lexical costs of every bead ending in a band around a guide path, in the document's
    own positions: :meth:`cost` returns 0.0 outside the band (no evidence either way)."""

    def __init__(
        self, offsets: _Ints, width: int, tables: dict[_Bead, _Floats], *, weight: float
    ) -> None:
        self.weight = weight  # of the lexicon, in [0, 1]: the costs are scaled by it
        self._offsets = offsets
        self._width = width
        self._tables = tables
        self._starts = offsets.tolist()  # the same as lists, for one bead at a time

    @cached_property
    def _rows(self) -> dict[_Bead, list[list[float]]]:
        """The tables as lists, for :meth:`cost` (made when first asked: numpy bands
        never ask)."""
        return {bead: table.tolist() for bead, table in self._tables.items()}

    def cost(self, i: int, j: int, di: int, dj: int) -> float:
        """Cost of the bead of ``di`` source and ``dj`` target sentences ending before
        source sentence ``i`` and target sentence ``j``."""
        if not di or not dj or i < 1 or i > len(self._starts):
            return 0.0
        c = j - self._starts[i - 1]
        if c < 1 or c > self._width:
            return 0.0
        rows = self._rows.get((di, dj))
        return rows[i - 1][c - 1] if rows is not None else 0.0

    def band(self, i: _Ints, j: _Ints, di: int, dj: int) -> _Floats:
        """:meth:`cost` of the beads ending at each (``i``, ``j``) (arrays of one shape)."""
        table = self._tables.get((di, dj))
        if table is None or not di or not dj:
            return np.zeros(np.shape(i))
        row = np.clip(i - 1, 0, len(self._offsets) - 1)
        c = j - self._offsets[row]
        inside = (i >= 1) & (i <= len(self._offsets)) & (c >= 1) & (c <= self._width)
        return np.where(inside, table[row, np.clip(c - 1, 0, self._width - 1)], 0.0)


def _span_sums(values: _Floats, end: _Ints, count: int) -> _Floats:
    """For runs of ``count`` rows ending at ``end`` (exclusive): the squared norm of their
    summed bags, from ``values`` = :meth:`SparseRows.near`."""
    total = np.zeros(len(end))
    for a in range(count):
        row = end - count + a
        total += values[row, 0]
        for d in range(1, count - a):
            total += 2 * values[row, d]
    return total


class Bags(NamedTuple):
    """Each sentence's bags of pieces: source and target as they are, and translated."""

    s_plain: SparseRows
    t_plain: SparseRows
    s_into_t: SparseRows  # source sentences in target pieces
    t_into_s: SparseRows


def document_bags(
    src: Sequence[Sequence[str]], tgt: Sequence[Sequence[str]], lexicon: Lexicon
) -> Bags:
    """Each sentence's bags: source and target as they are, source translated into target
    pieces and target into source pieces (pieces weighed by their rarity on the side whose
    pieces they are).

    A piece that nothing on the other side translates into is left out of the plain bags: it
    cannot be matched, and would only dilute the similarity of the sentences the lexicon
    reads least (half of a merge would look like an omission).
    """
    return _document_bags(src, tgt, lexicon)[0]


def _document_bags(
    src: Sequence[Sequence[str]], tgt: Sequence[Sequence[str]], lexicon: Lexicon
) -> tuple[Bags, Bags]:
    """:func:`document_bags`, and the same of the pieces each sentence holds once only."""
    s_ids, t_ids = _vocabulary(src), _vocabulary(tgt)
    s_weight, t_weight = _rarity(src, s_ids), _rarity(tgt, t_ids)
    forward = _translations(lexicon, s_ids, t_ids, backward=False)
    backward = _translations(lexicon, t_ids, s_ids, backward=True)
    s_reached = s_weight * _reached(backward, len(s_ids))
    t_reached = t_weight * _reached(forward, len(t_ids))

    def bags(once: bool) -> Bags:
        return Bags(
            _bags(src, s_ids, s_reached, once=once),
            _bags(tgt, t_ids, t_reached, once=once),
            _bags(src, s_ids, t_weight, forward, dims=len(t_ids), once=once),
            _bags(tgt, t_ids, s_weight, backward, dims=len(s_ids), once=once),
        )

    return bags(False), bags(True)


def lexical_costs(
    src: Sequence[Sequence[str]],
    tgt: Sequence[Sequence[str]],
    lexicon: Lexicon,
    guide: Sequence[float],
    *,
    weight: float = 1.0,
    counted: bool = False,
) -> LexicalCosts | None:
    """The lexical costs of beads over sentences cut into pieces (``src``, ``tgt``) near the
    ``guide`` path (tm/align.py: for each count of source sentences, the target sentences
    consumed), or None when the lexicon does not tell translations from neighbours here;
    ``counted``: for a pass whose bead priors count the document's own gaps
    (tm/bead_costs.py: bead_shares)."""
    n, m = len(src), len(tgt)
    if n < _MIN_ROWS or m < _MIN_ROWS:
        return None
    bags, once = _document_bags(src, tgt, lexicon)
    s_plain, t_plain, s_into_t, t_into_s = bags
    # the band: row i (source sentence i) meets target sentences offsets[i] .. + width - 1
    width = 2 * _REACH + 2
    offsets = np.array(
        [math.floor(min(guide[i], guide[min(i + 1, n)])) - _REACH for i in range(n)], np.int64
    )
    near = {
        "s_into_t": s_into_t.near(),
        "t_plain": t_plain.near(),
        "s_plain": s_plain.near(),
        "t_into_s": t_into_s.near(),
    }
    sims = _Sims(offsets, width, bags, once, near)
    calibration = sims.calibrate(guide)
    if calibration is None:
        return None
    match, other, spread = calibration
    # the cost changes sign a quarter of the way from non-matches to matches: a translation
    # the lexicon covers poorly still earns a little, a neighbour does not
    tau = other + _SIGN * (match - other)
    tau_part = other + _PART_SIGN * (match - other)
    fit = _FIT * sharpness(match, other, spread)
    scale = match - other
    tables: dict[_Bead, _Floats] = {}
    short = _SHORT_COUNTED if counted else _SHORT
    src_sure, tgt_sure = _sureness(s_plain, short), _sureness(t_plain, short)
    # the last source and target sentence of the bead ending in each cell of the band
    last_src = np.arange(n)[:, None]
    last_tgt = offsets[:, None] + np.arange(width)[None, :]
    for di in range(1, _MAX_SPAN + 1):
        for dj in range(1, _MAX_SPAN + 1):
            if di + dj > 4:
                continue
            whole = sims.cosine(di, dj)
            table = fit * np.minimum((tau - whole) / scale, _MAX_FIT)
            for part in range(di if di > 1 else 0):
                part_sim = sims.cosine(di, dj, src_part=part, own=True)
                unlike = np.maximum(tau_part - part_sim, 0.0) / tau_part
                table += _PART * unlike * src_sure[np.clip(last_src - part, 0, n - 1)]
            for part in range(dj if dj > 1 else 0):
                part_sim = sims.cosine(di, dj, tgt_part=part, own=True)
                unlike = np.maximum(tau_part - part_sim, 0.0) / tau_part
                table += _PART * unlike * tgt_sure[np.clip(last_tgt - part, 0, m - 1)]
            if di > 1 and dj > 1:  # sentences that do not cross are beads of their own
                cross = np.fmax(
                    sims.cosine(di, dj, src_part=1, tgt_part=0),
                    sims.cosine(di, dj, src_part=0, tgt_part=1),
                )
                table += _PART * np.maximum(tau - cross, 0.0) / tau
            tables[(di, dj)] = weight * np.nan_to_num(table, nan=0.0)
    return LexicalCosts(offsets, width, tables, weight=weight)


def sharpness(match: float, other: float, spread: float) -> float:
    """How many times its weight a lexicon's whole-bead cost earns, in [1,
    :data:`_MAX_SHARP`], from the typical similarity of a sentence with its match (``match``)
    and with its neighbours (``other``, their standard deviation ``spread``).

    Were similarities normal, of one variance for matches and non-matches, the log-likelihood
    ratio of a bead's similarity would grow with it at a slope of (match - other) / spread²;
    the whole bead's cost grows at :data:`_FIT` / (match - other). Their ratio says how far
    the cost understates the evidence: a lexicon that tells translations from neighbours
    sharply (learned from a memory that knows the document's words) earns more weight.

    >>> sharpness(0.48, 0.22, 0.08), sharpness(0.64, 0.21, 0.08)
    (1.0, 1.8057)
    """
    if spread <= 0:
        return _MAX_SHARP
    ratio = (match - other) ** 2 / (_FIT * spread * spread)
    return round(min(max(ratio / _SHARP, 1.0), _MAX_SHARP), 4)


def _sureness(bags: SparseRows, short: float) -> _Floats:
    """How far each sentence's unlikeness to the other side of a bead can be trusted, in
    [:data:`_UNSURE`, 1]: its count of pieces the lexicon reaches over ``short`` times the
    document's median count. A short sentence holds few such pieces, and often none of its
    translation's."""
    counts = np.bincount(bags.rows[bags.vals > 0], minlength=bags.n).astype(np.float64)
    typical = max(float(np.median(counts)), 1.0)
    out: _Floats = np.clip(counts / (short * typical), _UNSURE, 1.0)
    return out


class _Sims:
    """Cosines of runs of sentences in the band, from sentence-to-sentence dot products."""

    def __init__(
        self, offsets: _Ints, width: int, bags: Bags, once: Bags, near: dict[str, _Floats]
    ) -> None:
        self.offsets, self.width = offsets, width
        self.bags, self.once, self.near = bags, once, near
        self.n, self.m = bags.s_plain.n, bags.t_plain.n
        # every cosine is a sum of a few terms that many beads share: each is made once (the
        # two directions' terms, made side by side in :meth:`cosine`, have keys of their own)
        self._made: dict[tuple[object, ...], _Floats] = {}

    def _band(self, forward: bool, without: _Without | None) -> _Floats:
        """Sentence-to-sentence dot products in the band: ``forward``, of source sentences
        translated with target sentences, else of source sentences with target sentences
        translated; ``without`` (a side, shifts): that side's sentences count the pieces they
        share with the sentences at those shifts from them only where the other side's
        sentence holds them twice."""
        key = ("band", forward, without)
        if key not in self._made:
            bags, once = self.bags, self.once
            a, b = (bags.s_into_t, bags.t_plain) if forward else (bags.s_plain, bags.t_into_s)
            if without is None:
                self._made[key] = band_dots(a, b, self.offsets, self.width)
            else:  # less what they share, with the pieces held once there, near the guide
                side, shifts = without
                if side == "s":
                    a, b = a.shared(shifts), once.t_plain if forward else once.t_into_s
                else:
                    a, b = once.s_into_t if forward else once.s_plain, b.shared(shifts)
                inner = _REACH - _OWN_REACH
                dots = self._band(forward, None).copy()
                dots[:, inner : self.width - inner] -= band_dots(
                    a, b, self.offsets + inner, self.width - 2 * inner
                )
                self._made[key] = dots
        return self._made[key]

    def _dots(
        self, forward: bool, rows: range, cols: range, without: _Without | None = None
    ) -> _Floats:
        """For every cell (i, c) of the band (the bead ending before source i+1 and target
        offsets[i] + c + 1): the summed dot products (:meth:`_band`) of the bead's source
        sentences ``rows`` and target sentences ``cols`` (relative to the bead's end, 0 =
        last)."""
        key = ("dots", forward, rows, cols, without)
        if key not in self._made:
            total = np.zeros((self.n, self.width))
            for a in rows:
                for b in cols:
                    total += self._term(forward, a, b, without)
            self._made[key] = total
        return self._made[key]

    def _term(self, forward: bool, a: int, b: int, without: _Without | None) -> _Floats:
        """One term of :meth:`_dots`: source sentence ``a`` with target sentence ``b``."""
        key = ("term", forward, a, b, without)
        if key not in self._made:
            n, width = self.n, self.width
            src_row = np.arange(n) - a
            ok_i = src_row >= 0
            shift = self.offsets - self.offsets[np.clip(src_row, 0, n - 1)]
            c = np.arange(width)[None, :] + shift[:, None] - b
            ok = ok_i[:, None] & (c >= 0) & (c < width)
            dots = self._band(forward, without)
            vals = dots[np.clip(src_row, 0, n - 1)[:, None], np.clip(c, 0, width - 1)]
            self._made[key] = np.where(ok, vals, 0.0)
        return self._made[key]

    def _norms(self, key: str, count: int, *, src: bool, part: int | None = None) -> _Floats:
        """Norm of the bag of a run of ``count`` sentences (or of its sentence ``part``)
        ending at each cell's row (``src``) or column, made once."""
        made = ("norms", key, count, src, part)
        if made not in self._made:
            self._made[made] = self._norm(key, count, src=src, part=part)
        return self._made[made]

    def _norm(self, key: str, count: int, *, src: bool, part: int | None) -> _Floats:
        near = self.near[key]
        size = len(near)
        if src:
            end = np.arange(self.n)[:, None] + 1 + np.zeros((1, self.width), np.int64)
        else:
            end = self.offsets[:, None] + np.arange(self.width)[None, :] + 1
        end = np.clip(end, 0, size)
        if part is None:
            start = end - count
            flat = np.clip(end.ravel(), count, size)
            sq = _span_sums(near, flat, count).reshape(end.shape)
        else:
            row = np.clip(end - 1 - part, 0, size - 1)
            sq = near[row, 0]
            start = end - 1 - part
        sq = np.where(start >= 0, sq, np.nan)
        return np.sqrt(np.maximum(sq, 0.0))

    def cosine(
        self,
        di: int,
        dj: int,
        *,
        src_part: int | None = None,
        tgt_part: int | None = None,
        own: bool = False,
    ) -> _Floats:
        """For every cell of the band, the cosine (averaged over the two directions) of the
        bead of ``di`` source and ``dj`` target sentences ending there, or of one of its
        sentences (``src_part``/``tgt_part``: counted from the end) with the other side; with
        ``own``, by what that sentence brings to the bead (:meth:`_band`), over its whole
        bag's norm."""
        rows = range(di) if src_part is None else range(src_part, src_part + 1)
        cols = range(dj) if tgt_part is None else range(tgt_part, tgt_part + 1)
        without: _Without | None = None
        if own and src_part is not None:
            without = ("s", tuple(src_part - k for k in range(di) if k != src_part))
        elif own and tgt_part is not None:
            without = ("t", tuple(tgt_part - k for k in range(dj) if k != tgt_part))
        # each direction's terms are its own (:meth:`_band`), so both are made side by side
        f, b = side_by_side(
            [
                partial(self._dots, True, rows, cols, without),
                partial(self._dots, False, rows, cols, without),
            ],
            threads=self.n * self.width >= _THREADED_CELLS,
        )
        s_count = di if src_part is None else 1
        t_count = dj if tgt_part is None else 1
        sf = self._norms("s_into_t", s_count, src=True, part=src_part)
        tf = self._norms("t_plain", t_count, src=False, part=tgt_part)
        sb = self._norms("s_plain", s_count, src=True, part=src_part)
        tb = self._norms("t_into_s", t_count, src=False, part=tgt_part)
        with np.errstate(divide="ignore", invalid="ignore"):
            cf = np.where(sf * tf > 0, f / (sf * tf), 0.0)
            cb = np.where(sb * tb > 0, b / (sb * tb), 0.0)
        out: _Floats = (cf + cb) / 2
        ends = self.offsets[:, None] + np.arange(self.width)[None, :] + 1
        valid = (ends >= dj) & (ends <= self.m) & (np.arange(self.n)[:, None] + 1 >= di)
        valid &= ~np.isnan(sf * tf * sb * tb)
        return np.where(valid, out, np.nan)

    def calibrate(self, guide: Sequence[float]) -> tuple[float, float, float] | None:
        """(match, other, spread): the median similarity of a sentence with its best match
        near the guide, and the 90th percentile and the standard deviation of its similarity
        with the other sentences there; None if they are not far enough apart for the lexicon
        to tell translations."""
        ones = self.cosine(1, 1)
        # each row's cells near the cell of target guide[i]
        centre = np.round(np.asarray(guide[: self.n], np.float64)).astype(np.int64) - self.offsets
        cols = centre[:, None] + np.arange(-_WINDOW, _WINDOW + 1)[None, :]
        inside = (cols >= 0) & (cols < self.width)
        near = np.where(
            inside, ones[np.arange(self.n)[:, None], np.clip(cols, 0, self.width - 1)], np.nan
        )
        near = near[np.sum(~np.isnan(near), axis=1) >= 3]
        if len(near) < _MIN_ROWS:
            return None
        top = np.nanargmax(near, axis=1)
        best = near[np.arange(len(near)), top]
        near[np.arange(len(near)), top] = np.nan  # the rest of the row: its other cells
        rest = near[~np.isnan(near)]
        match = float(np.median(best))
        other = float(np.quantile(rest, 0.9))
        if match - other < _MIN_SPREAD:
            return None
        return match, other, float(np.std(rest))
