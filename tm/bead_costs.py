"""The aligner's cost model: what a bead (a few segments of each side) costs, and its score.

The cost of a bead adds (see tm/align.py for the dynamic program that minimises it):

- a Gale-Church length cost, for lengths already measured in comparable units;
- an anchor cost: anchor keys (tm/anchors.py) found on one side of a bead and not the other;
- the prior cost of the bead type (and, for paragraphs, of merging closed ones);
- when a learned lexicon gives items lexical keys (tm/lexicon.py), a lexical cost, and when
  its translation probabilities are known (tm/translation_similarity.py), a cost from how well
  the bead's two sides translate each other.

Every bead also gets a confidence score in [0, 1] from the same parts.

The dynamic program (tm/bead_search.py) asks for every bead type in every cell of its band:
:meth:`Costs.band` computes them all at once with numpy (the keys a bead's sides share are
dot products of sparse rows, tm/sparse_rows.py); :meth:`Costs.cost` computes one, plainly,
as the reference the tests hold the band to.
"""

from __future__ import annotations

import copy
import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tm.sparse_rows import SparseRows, band_dots, distinct_inverse
from tm.translation_similarity import LexicalCosts

__all__ = [
    "BEADS",
    "CLOSED_MERGE",
    "GAP",
    "GAP_SCORE",
    "LEXICAL",
    "PARA_PRIOR_COST",
    "PRIOR_COST",
    "Costs",
    "Item",
    "KeyMemo",
    "Keys",
    "TYPICAL_LINKS",
    "gap_share",
    "lexical_weight",
    "SHARES",
    "bead_shares",
    "lexical_priors",
    "merge_keys",
    "prefix_sums",
]

# Score of a 1-0 or 0-1 bead: low enough to be suspect, since an omission or an addition
# always deserves a look.
GAP_SCORE = 0.2

# Bead types (source count, target count) and their prior probabilities (Gale & Church's
# figures, with the rarer 2-2, 3-1 and 1-3 beads given small shares).
_PRIORS: dict[tuple[int, int], float] = {
    (1, 1): 0.89,
    (1, 0): 0.005,
    (0, 1): 0.005,
    (2, 1): 0.045,
    (1, 2): 0.045,
    (2, 2): 0.01,
    (3, 1): 0.004,
    (1, 3): 0.004,
}
BEADS = tuple(_PRIORS)
_N_BEADS = len(BEADS)
PRIOR_COST = tuple(-math.log(p) for p in _PRIORS.values())
# Paragraphs: translations keep the paragraph structure, so a 2-2 bead (two paragraphs cut
# differently) is all but impossible; it would otherwise absorb an extra paragraph.
PARA_PRIOR_COST = tuple(-math.log(1e-6 if bead == (2, 2) else p) for bead, p in _PRIORS.items())
#: Gale and Church's share of each gap type (1-0, 0-1): what a document shows before its own
#: gaps are counted.
GAP = _PRIORS[(1, 0)]
# When a pass counts a document's gaps, Gale and Church's share weighs as much as this many
# beads of the document (a Dirichlet prior): a few gaps in a short document say little. (20
# kept a 40-sentence document's share of gaps and merges at half its own, which hid left-out
# sentences in merges.)
_GAP_EVIDENCE = 5.0


def gap_share(gaps: int, beads: int) -> float:
    """The share of each gap type in a document where a pass found ``gaps`` gaps among
    ``beads`` beads: Gale and Church's, raised by the document's own count, never lowered
    (a document where nothing was left out is what their share describes)."""
    return max(GAP, (gaps / 2 + _GAP_EVIDENCE * GAP) / (beads + _GAP_EVIDENCE))


_MERGES = ((2, 1), (1, 2))


def bead_shares(found: Sequence[tuple[int, int]]) -> tuple[float, ...]:
    """The share of each bead type (in :data:`BEADS` order) in a document where a pass found
    beads of the types ``found``: gaps as :func:`gap_share` counts them; where they are more
    than Gale and Church's share (a translation that leaves out and adds sentences, which
    merges them freely too), 2-1 and 1-2 beads raised to the document's own share in the same
    way; 1-1 beads lowered by what the others gained. Where the gaps are not, nothing changes
    (Gale and Church's merges are what a translation that keeps its sentences shows). The
    rarer types keep their share: a pass's few 2-2 or 3-1 beads are as often its mistakes (a
    left-out sentence hidden in a merge), and counting them would make them likelier still."""
    shares = dict(_PRIORS)
    total = len(found)
    gap = gap_share(sum(1 for bead in found if 0 in bead), total)
    shares[(1, 0)] = shares[(0, 1)] = gap
    for bead in _MERGES if gap > GAP else ():
        count = sum(1 for b in found if b == bead)
        own = (count + _GAP_EVIDENCE * _PRIORS[bead]) / (total + _GAP_EVIDENCE)
        shares[bead] = max(_PRIORS[bead], own)
    shares[(1, 1)] -= sum(shares[bead] - _PRIORS[bead] for bead in BEADS)  # what they gained
    return tuple(shares[bead] for bead in BEADS)


#: Bead shares before a document's beads are counted: Gale and Church's.
SHARES = tuple(_PRIORS.values())


def lexical_priors(weight: float, shares: Sequence[float]) -> tuple[float, ...]:
    """Prior costs of the bead types beside a lexicon of ``weight`` (in [0, 1]): from Gale
    and Church's shares to the document's (:func:`bead_shares`) as the weight grows. Without
    a lexicon, counted beads are no evidence (length alone makes gaps of what it cannot
    pair)."""
    return tuple(
        prior + weight * (-math.log(share) - prior)
        for share, prior in zip(shares, PRIOR_COST, strict=True)
    )


# ...and a paragraph that ends as paragraphs end (a stop, or the comma of a preambular
# paragraph) is one the translator kept: merging it with the next costs this much more.
CLOSED_MERGE = 5.0

# Length cost of a segment without counterpart, whatever its length (as in Vecalign): Gale
# and Church's cost grows with the length and forbids dropping a long extra paragraph.
_SKIP = 2.0
_MAX_RUN = 3  # the most items on one side of a bead
# :meth:`Costs.band` takes numpy for bands of this many cells or more
_NUMPY_CELLS = 300
_SCORE_SCALE = (5.0, 6.0)  # cost scales of the fit and the margin parts of a score
_SCORE_MIX = 0.3  # weight (exponent) of the fit; the margin tells wrong beads apart better
_STRONG = 1.5  # cost of a strong anchor (number, name) found on one side only
_WEAK = 0.3  # cost of a weak anchor (punctuation, word prefix) found on one side only
#: Cost of a linked piece of the learned lexicon found on one side of a bead only, for a
#: lexicon of full weight (tm/lexicon.py: Lexicon.weight) that links :data:`TYPICAL_LINKS`
#: pieces of a document's typical sentence or fewer (:func:`lexical_weight`).
LEXICAL = 0.45
#: A lexicon linking more of the document's pieces misses more of them too, by chance, and
#: each of its links weighs less, so that a bead's lexical cost keeps its scale. (A long
#: document teaches the lexicon its own words: 10 to 12 links a sentence on the bench's
#: 1,700-sentence ones, 4 to 7 on its 40-sentence ones. At full cost, their chance misses
#: charged a merge up to 2.7 more than leaving one of its sentences without counterpart,
#: which pays no lexical cost.)
TYPICAL_LINKS = 3.0
# What a linked piece found on both sides of a bead earns, per side, as a share of LEXICAL: a
# bead is rewarded for the translations it pairs, not only charged for those it misses, so
# that joining a sentence to its translation is cheaper than leaving it without counterpart.
_REWARD = 0.5
# ... and what a bead pays for missed links is at most this many LEXICAL per sentence beyond
# its first: a lexicon misses many translations, and a long sentence pair whose links it
# missed would otherwise cost more than leaving both sentences without counterpart (in one
# 861-sentence document with 10% of its sentences left out, a third of the errors); each
# sentence a bead merges raises the bound, so a sentence hidden in a merge still pays.
_MAX_LINKS = 6.0

Keys = dict[str, int]
_LEXICAL_KEYS = "lexical"  # the kind of the items' learned-lexicon keys, beside the anchors'


def lexical_weight(weight: float, keys: Sequence[Keys]) -> float:
    """Cost of a linked piece found on one side of a bead only (:data:`LEXICAL`), for a
    lexicon of ``weight`` that gives the document's items ``keys``."""
    typical = statistics.median(sum(k.values()) for k in keys) if keys else 0
    return LEXICAL * weight * TYPICAL_LINKS / max(typical, TYPICAL_LINKS)


def merge_keys(dicts: Iterable[Keys]) -> Keys:
    """The summed key counts of several items (the keys of a bead's side)."""
    out: Keys = {}
    for keys in dicts:
        if not out:  # the first keys are copied whole
            out = dict(keys)
            continue
        for key, count in keys.items():
            out[key] = out.get(key, 0) + count
    return out


def _shared(a: Keys, b: Keys, total_a: int, total_b: int) -> int:
    """Size of the multiset intersection of two key counts (``total_*``: sums of counts)."""
    common = a.keys() & b.keys()
    if not common:
        return 0
    if len(a) == total_a or len(b) == total_b:  # one side counts every key once
        return len(common)
    return sum(min(a[key], b[key]) for key in common)


def _length_cost(l1: float, l2: float, variance: float, floor: float) -> float:
    """-log P(|delta|) of Gale & Church, for lengths already in the same unit.

    ``floor`` is a variance added to Gale and Church's (proportional to length): short
    segments such as headings and signatures vary more, relatively, than sentences.
    """
    if l1 + l2 <= 0:
        return 0.0
    z = abs(l2 - l1) / math.sqrt(variance * (l1 + l2) / 2 + floor) / math.sqrt(2)
    if z > 20:  # erfc underflows; use its asymptote
        return z * z + math.log(z * math.sqrt(math.pi))
    return -math.log(math.erfc(z))


@dataclass(frozen=True, slots=True)
class Item:
    """One unit to align (a sentence, or a paragraph): its length and anchor keys; ``closed``
    when it ends as a paragraph ends (stop, comma, semicolon, colon)."""

    length: float
    strong: Keys
    weak: Keys
    closed: bool = False
    lexical: Keys | None = None  # learned-lexicon keys (tm/lexicon.py), when there are some


class KeyMemo:
    """What the cost models of one pair of item sequences compute from the items' keys alone
    (not from their lengths, the priors or the lexical costs), made once: the aligner's passes
    over the same sentences differ in their length model and priors only (and the lexical
    passes add their own keys, computed only by the passes that have them)."""

    __slots__ = ("band", "cells", "entries", "rows", "runs", "shared")

    def __init__(self) -> None:
        self.entries: dict[str, tuple[_Entries, _Entries, int]] = {}
        self.rows: dict[tuple[str, int, int], _Side] = {}
        self.runs: dict[tuple[str, int, int, int], tuple[Keys, int]] = {}
        # the anchor counts of :meth:`Costs.parts` by cell
        self.cells: dict[tuple[int, int, int, int], tuple[int, int, int, int]] = {}
        # the shared keys of :meth:`Costs._band_keys` by kind and bead, in the latest band
        # only (a pass that finds the same path as the one before has the same band)
        self.band: tuple[bytes, int] | None = None
        self.shared: dict[tuple[str, int, int], _Floats] = {}

    def forget_lexical(self) -> None:
        """Drop what the items' lexical keys gave, keeping the anchors': the next pass brings
        the keys of a lexicon learned again (tm/align.py)."""
        self.entries.pop(_LEXICAL_KEYS, None)
        self.rows = {key: v for key, v in self.rows.items() if key[0] != _LEXICAL_KEYS}
        self.runs = {key: v for key, v in self.runs.items() if key[0] != _LEXICAL_KEYS}
        self.shared = {key: v for key, v in self.shared.items() if key[0] != _LEXICAL_KEYS}


class Costs:
    """Bead costs over two sequences of items, for beads ending at (i, j): one at a time
    (:meth:`cost`, the reference), or for a whole band of the dynamic program (:meth:`band`)."""

    def __init__(
        self,
        src: Sequence[Item],
        tgt: Sequence[Item],
        *,
        ratio: float,
        variance: float,
        floor: float,
        priors: Sequence[float] = PRIOR_COST,
        merge: float = 0.0,
        lexical: float = 0.0,
        translation: LexicalCosts | None = None,
        offset: tuple[int, int] = (0, 0),
        memo: KeyMemo | None = None,
    ) -> None:
        self.n, self.m = len(src), len(tgt)
        self.ratio, self.variance, self.floor = ratio, variance, floor
        self.priors = priors
        self.merge = merge
        self._cs = prefix_sums([float(it.closed) for it in src])
        self._ct = prefix_sums([float(it.closed) for it in tgt])
        self._ps = prefix_sums([it.length for it in src])
        self._pt = prefix_sums([it.length / ratio for it in tgt])
        self.lexical = lexical
        self.translation = translation
        self.offset = offset  # of the first items in the positions ``translation`` knows
        self._keys_of: dict[str, tuple[list[Keys], list[Keys]]] = {
            "strong": ([it.strong for it in src], [it.strong for it in tgt]),
            "weak": ([it.weak for it in src], [it.weak for it in tgt]),
            _LEXICAL_KEYS: ([it.lexical or {} for it in src], [it.lexical or {} for it in tgt]),
        }
        self._memo = memo or KeyMemo()  # of earlier passes over the same items, if any
        self._entries = self._memo.entries
        self._rows = self._memo.rows
        self._runs = self._memo.runs
        self._bands: dict[tuple[tuple[int, ...], tuple[int, ...]], _Floats] = {}

    def _run(self, kind: str, di: int, dj: int, i: int, j: int) -> tuple[Keys, int, Keys, int]:
        """The keys of one kind of the bead's two sides, with their counts."""
        a, ta = self._merged_run(kind, 0, i, di)
        b, tb = self._merged_run(kind, 1, j, dj)
        return a, ta, b, tb

    def _merged_run(self, kind: str, side: int, end: int, count: int) -> tuple[Keys, int]:
        """The merged keys of the ``count`` items of a side ending at ``end``, and their
        count, made once."""
        found = self._runs.get((kind, side, end, count))
        if found is None:
            run = self._keys_of[kind][side][end - count : end]
            keys = run[0] if count == 1 else merge_keys(run)  # one item's keys are its own
            found = self._runs[(kind, side, end, count)] = keys, sum(keys.values())
        return found

    def parts(self, i: int, j: int, di: int, dj: int) -> tuple[float, int, int, int, int]:
        """(length cost, strong keys on one side only, shared strong keys, the same for weak)."""
        return (self._length(i, j, di, dj), *self._anchor_counts(i, j, di, dj))

    def _anchor_counts(self, i: int, j: int, di: int, dj: int) -> tuple[int, int, int, int]:
        """:meth:`parts` but the length cost, made once for all passes (:class:`KeyMemo`)."""
        found = self._memo.cells.get((i, j, di, dj))
        if found is None:
            a_s, ta_s, b_s, tb_s = self._run("strong", di, dj, i, j)
            a_w, ta_w, b_w, tb_w = self._run("weak", di, dj, i, j)
            shared_s = _shared(a_s, b_s, ta_s, tb_s) if ta_s and tb_s else 0
            shared_w = _shared(a_w, b_w, ta_w, tb_w) if ta_w and tb_w else 0
            found = (ta_s + tb_s - 2 * shared_s, shared_s, ta_w + tb_w - 2 * shared_w, shared_w)
            self._memo.cells[(i, j, di, dj)] = found
        return found

    def cost(self, i: int, j: int, k: int) -> float:
        """Total cost of bead type ``k`` (index into the bead list) ending at (i, j)."""
        di, dj = BEADS[k]
        return self.priors[k] + self._rest(i, j, di, dj)

    def _rest(self, i: int, j: int, di: int, dj: int) -> float:
        """The cost of a bead but its prior."""
        total = 0.0
        if self.merge and (di > 1 or dj > 1):
            total += self.merge * (self._merged(self._cs, i, di) + self._merged(self._ct, j, dj))
        only_s, _, only_w, _ = self._anchor_counts(i, j, di, dj)
        total += self._length(i, j, di, dj) + _STRONG * only_s + _WEAK * only_w
        if self.lexical and di and dj:
            # a sentence without counterpart pays no lexical cost: what decides between a
            # 1-0 bead and a 2-1 bead that hides the extra sentence is whether its words
            # find translations on the other side
            a_l, ta_l, b_l, tb_l = self._run(_LEXICAL_KEYS, di, dj, i, j)
            shared = _shared(a_l, b_l, ta_l, tb_l) if ta_l and tb_l else 0
            missed = ta_l + tb_l - (2 + 2 * _REWARD) * shared
            total += self.lexical * min(missed, _MAX_LINKS * (di + dj - 1))
        if self.translation is not None and di and dj:
            total += self.translation.cost(i + self.offset[0], j + self.offset[1], di, dj)
        return total

    def repriced(self, priors: Sequence[float]) -> Costs:
        """The same costs with other priors, sharing what this one has computed (a pass
        that only moves the priors computes no band again)."""
        other = copy.copy(self)
        other.priors = priors
        return other

    def band(self, lo: Sequence[int], hi: Sequence[int]) -> list[list[list[float]]]:
        """:meth:`cost` of every bead type ending in every cell of a band (row i's columns
        ``lo[i]`` to ``hi[i]``): ``out[i][k][j - lo[i]]``, infinite where the bead would
        start before either sequence."""
        key = tuple(lo), tuple(hi)
        rest = self._bands.get(key)
        if rest is None:
            rest = self._bands[key] = self._band_rest(lo, hi)
        out: list[list[list[float]]] = (rest + np.asarray(self.priors)[None, :, None]).tolist()
        return out

    def _band_rest(self, lo: Sequence[int], hi: Sequence[int]) -> _Floats:
        """:meth:`band` but the priors, as an array. The dynamic program asks for every bead
        type in every cell: numpy computes them for the whole band at once, where
        :meth:`cost` takes one Python call each, but for a small band (a paragraph's few
        sentences) where numpy's own overhead would be the larger."""
        width = int(max(b - a for a, b in zip(lo, hi, strict=True))) + 1
        if (self.n + 1) * width < _NUMPY_CELLS:
            inf = math.inf
            return np.array(
                [
                    [
                        [
                            self._rest(i, j, di, dj) if i >= di and dj <= j <= hi[i] else inf
                            for j in range(lo[i], lo[i] + width)
                        ]
                        for di, dj in BEADS
                    ]
                    for i in range(self.n + 1)
                ]
            )
        first = np.asarray(lo, np.int64)
        rows = np.arange(self.n + 1)[:, None]
        cols = first[:, None] + np.arange(width)[None, :]
        inside = cols <= np.asarray(hi, np.int64)[:, None]
        cols = np.minimum(cols, self.m)
        ps, pt = np.asarray(self._ps), np.asarray(self._pt)
        cs, ct = np.asarray(self._cs), np.asarray(self._ct)
        out = np.full((self.n + 1, _N_BEADS, width), math.inf)
        for k, (di, dj) in enumerate(BEADS):
            starts = np.maximum(rows - di, 0), np.maximum(cols - dj, 0)
            total = np.zeros(cols.shape)
            if self.merge and (di > 1 or dj > 1):
                total += self.merge * (
                    (cs[np.maximum(rows - 1, 0)] - cs[starts[0]] if di > 1 else 0.0)
                    + (ct[np.maximum(cols - 1, 0)] - ct[starts[1]] if dj > 1 else 0.0)
                )
            if di and dj:
                total += _length_costs(
                    ps[rows] - ps[starts[0]], pt[cols] - pt[starts[1]], self.variance, self.floor
                )
                if self.translation is not None:
                    ends = rows + self.offset[0], cols + self.offset[1]
                    total += self.translation.band(*ends, di, dj)
            else:
                total += _SKIP
            for kind, weight in (("strong", _STRONG), ("weak", _WEAK)):
                only, shared = self._band_keys(kind, di, dj, first, width, cols)
                total += weight * (only - 2 * shared)
            if self.lexical and di and dj:
                only, shared = self._band_keys(_LEXICAL_KEYS, di, dj, first, width, cols)
                missed = only - (2 + 2 * _REWARD) * shared
                total += self.lexical * np.minimum(missed, _MAX_LINKS * (di + dj - 1))
            out[:, k, :] = np.where(inside & (rows >= di) & (cols >= dj), total, math.inf)
        return out

    def _band_keys(
        self, kind: str, di: int, dj: int, first: _Ints, width: int, cols: _Ints
    ) -> tuple[_Floats, _Floats]:
        """For every cell of the band: the keys of one ``kind`` of the bead's two sides
        (their total count) and those they share (the size of the multisets' intersection),
        the latter made once per band (:class:`KeyMemo`)."""
        src, src_total = self._key_rows(kind, 0, di)
        tgt, tgt_total = self._key_rows(kind, 1, dj)
        only = src_total[:, None] + tgt_total[cols]
        if src is None or tgt is None:
            return only, np.zeros(cols.shape)
        memo, band = self._memo, (first.tobytes(), width)
        if memo.band != band:
            memo.band, memo.shared = band, {}
        shared = memo.shared.get((kind, di, dj))
        if shared is None:
            shared = memo.shared[(kind, di, dj)] = band_dots(src, tgt, first, width)
        return only, shared

    def _key_rows(self, kind: str, side: int, count: int) -> _Side:
        """The keys of every run of ``count`` items of a side (0: source, 1: target), by the
        position where the run ends (:func:`_run_rows`), made once."""
        found = self._rows.get((kind, side, count))
        if found is None:
            if kind not in self._entries:
                src, tgt = self._keys_of[kind]
                ids: dict[str, int] = {}  # one for both sides: their columns must agree
                self._entries[kind] = _entries(src, ids), _entries(tgt, ids), len(ids)
            *entries, dims = self._entries[kind]
            # a run's columns: each key's ids times the most times it can be found in a run
            most = _MAX_RUN * max((int(e[2].max()) for e in entries if len(e[2])), default=1)
            size = self.m if side else self.n
            found = _run_rows(entries[side], count, size, dims=dims, most=most)
            self._rows[(kind, side, count)] = found
        return found

    def _length(self, i: int, j: int, di: int, dj: int) -> float:
        if not (di and dj):
            return _SKIP
        l1 = self._ps[i] - self._ps[i - di]
        l2 = self._pt[j] - self._pt[j - dj]
        return _length_cost(l1, l2, self.variance, self.floor)

    @staticmethod
    def _merged(closed: Sequence[float], end: int, count: int) -> float:
        """How many of the items a bead merges, its last one aside, are closed."""
        return closed[end - 1] - closed[end - count] if count > 1 else 0.0

    def score(self, i: int, j: int, di: int, dj: int, margin: float) -> float:
        """A confidence in [0, 1]: high when lengths agree, anchors match and no nearby
        boundary would cost about as little (``margin``, see :func:`_margins`)."""
        if di == 0 or dj == 0:
            return GAP_SCORE
        lcost, only_s, shared_s, only_w, shared_w = self.parts(i, j, di, dj)
        evidence = lcost + _STRONG * only_s - 0.5 * min(shared_s, 4)
        if only_w + shared_w:  # weak keys: only their proportion says something
            evidence += 2.0 * only_w / (only_w + 2 * shared_w)
        fit = math.exp(-max(evidence, 0.0) / _SCORE_SCALE[0])
        sure = 1.0 - math.exp(-max(margin, 0.0) / _SCORE_SCALE[1])
        # a bead that fits badly stays low however sure its boundaries are
        blend: float = fit**_SCORE_MIX * sure ** (1 - _SCORE_MIX)
        return round(min(blend, 2 * fit), 4)


def prefix_sums(values: Sequence[float]) -> list[float]:
    """``[0, v0, v0+v1, ...]``: the length of any run of items in one subtraction."""
    out = [0.0]
    for value in values:
        out.append(out[-1] + value)
    return out


_Floats = npt.NDArray[np.float64]
_Ints = npt.NDArray[np.int64]
# a side's keys by run end: their rows (None when no run has a key) and counts
_Side = tuple[SparseRows | None, _Floats]
_erfc = np.frompyfunc(math.erfc, 1, 1)


def _length_costs(l1: _Floats, l2: _Floats, variance: float, floor: float) -> _Floats:
    """:func:`_length_cost` of arrays of lengths."""
    both = l1 + l2
    z = np.abs(l2 - l1) / np.sqrt(variance * both / 2 + floor) / math.sqrt(2)
    far = z > 20
    near = np.where(far, 0.0, z)
    cost = -np.log(np.asarray(_erfc(near), np.float64))
    with np.errstate(divide="ignore"):
        tail = z * z + np.log(z * math.sqrt(math.pi))
    out: _Floats = np.where(both <= 0, 0.0, np.where(far, tail, cost))
    return out


_Entries = tuple[_Ints, _Ints, _Ints]


def _entries(keys: Sequence[Keys], ids: dict[str, int]) -> _Entries:
    """(item, key id, count) of every key of every item (``ids``: key ids, added to)."""
    items = [pos for pos, found in enumerate(keys) for _ in found]
    codes = [ids.setdefault(key, len(ids)) for found in keys for key in found]
    counts = [count for found in keys for count in found.values()]
    return np.array(items, np.int64), np.array(codes, np.int64), np.array(counts, np.int64)


def _run_rows(entries: _Entries, count: int, size: int, *, dims: int, most: int) -> _Side:
    """The keys of the runs of ``count`` items of a side (of ``size`` items), by the position
    where the run ends (0 to ``size``): key k found c times in a run is columns k * ``most``
    to k * ``most`` + c - 1, so that the dot product of two runs is the size of their
    multisets' intersection (as :func:`_shared`)."""
    items, codes, times = entries
    if not count or not len(items):
        return None, np.zeros(size + 1)
    ends = np.concatenate([items + 1 + k for k in range(count)])
    found, inverse = distinct_inverse(ends * dims + np.tile(codes, count))
    summed = np.bincount(inverse.ravel(), weights=np.tile(times, count)).astype(np.int64)
    keep = (found // dims >= count) & (found // dims <= size)
    found, summed = found[keep], summed[keep]
    run_ends = found // dims
    totals = np.bincount(run_ends, weights=summed, minlength=size + 1).astype(np.float64)
    if not len(found):
        return None, totals
    within = np.arange(int(summed.sum())) - np.repeat(np.cumsum(summed) - summed, summed)
    columns = np.repeat(found % dims * most, summed) + within
    ones = np.ones(len(columns))
    rows = SparseRows(np.repeat(run_ends, summed), columns, ones, n=size + 1, dims=dims * most)
    return rows, totals
