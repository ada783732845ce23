"""Lexical bead costs (tm/translation_similarity.py): the banded, vectorised cosines against a
naive dense computation, and the calibration's refusal when the lexicon tells nothing apart.

Documents here are random sequences of invented pieces (our own, not text of any kind).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tm.translation_similarity as ts
from tm.lexicon import Entry, Lexicon

SRC = [f"s{k}" for k in range(12)]
TGT = [f"t{k}" for k in range(12)]


def _lexicon(links: list[tuple[int, int, float]]) -> Lexicon:
    entries = tuple(Entry(SRC[a], TGT[b], c, c) for a, b, c in links)
    return Lexicon("en", "fr", 100, entries)


def _naive_cosine(
    src: list[list[str]],
    tgt: list[list[str]],
    lexicon: Lexicon,
    i0: int,
    di: int,
    j0: int,
    dj: int,
    *,
    own: tuple[str, int] | None = None,
) -> float:
    """Dense bags over the document's pieces, summed over the runs, compared both ways; with
    ``own`` (a side and a sentence of its run), that sentence alone with the other side, its
    pieces shared with the rest of its run counting only against pieces held twice there."""
    s_ids, t_ids = ts._vocabulary(src), ts._vocabulary(tgt)
    s_w, t_w = ts._rarity(src, s_ids), ts._rarity(tgt, t_ids)

    def translations(
        ids: dict[str, int], into: dict[str, int], *, back: bool
    ) -> dict[int, list[tuple[int, float]]]:
        """Each piece's translations (the flat table of ts._translations, piece by piece)."""
        table = ts._translations(lexicon, ids, into, backward=back)
        return {
            k: [(int(table.to[e]), float(table.prob[e])) for e in range(start, end)]
            for k, (start, end) in enumerate(zip(table.ptr[:-1], table.ptr[1:], strict=True))
        }

    # plain bags hold the pieces that some piece of the other text translates into
    reached = {
        id(ids): {col for row in translations(other, ids, back=back).values() for col, _ in row}
        for ids, other, back in ((s_ids, t_ids, True), (t_ids, s_ids, False))
    }

    def held(pieces: list[str], once: bool) -> set[str]:
        return {p for p in pieces if not once or pieces.count(p) == 1}

    def plain(pieces: list[str], ids: dict[str, int], w: np.ndarray, once: bool) -> np.ndarray:
        out = np.zeros(len(ids))
        for p in held(pieces, once):
            if ids[p] in reached[id(ids)]:
                out[ids[p]] = w[ids[p]]
        return out

    def translated(
        pieces: list[str],
        ids: dict[str, int],
        into: dict[str, int],
        w: np.ndarray,
        once: bool,
        *,
        back: bool,
    ) -> np.ndarray:
        table = translations(ids, into, back=back)
        out = np.zeros(len(into))
        for p in held(pieces, once):
            for col, prob in table.get(ids[p], ()):
                out[col] += prob * w[col]
        return out

    def bags(k: int, side: str, once: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """(plain, translated) bags of sentence ``k`` of ``side``."""
        if side == "s":
            return plain(src[k], s_ids, s_w, once), translated(
                src[k], s_ids, t_ids, t_w, once, back=False
            )
        return plain(tgt[k], t_ids, t_w, once), translated(
            tgt[k], t_ids, s_ids, s_w, once, back=True
        )

    def total(run: range, side: str, once: bool = False) -> tuple[np.ndarray, np.ndarray]:
        pairs = [bags(k, side, once) for k in run]
        return np.sum([a for a, _ in pairs], axis=0), np.sum([b for _, b in pairs], axis=0)

    def cos(dot: float, a: np.ndarray, b: np.ndarray) -> float:
        na, nb = float(np.linalg.norm(a)), float(np.linalg.norm(b))
        return dot / (na * nb) if na * nb > 0 else 0.0

    s_run, t_run = range(i0, i0 + di), range(j0, j0 + dj)
    if own is None:
        (s_p, s_t), (t_p, t_t) = total(s_run, "s"), total(t_run, "t")
        return (cos(float(s_t @ t_p), s_t, t_p) + cos(float(s_p @ t_t), s_p, t_t)) / 2
    side, k = own
    mine, others = (s_run, t_run) if side == "s" else (t_run, s_run)
    other_side = "t" if side == "s" else "s"
    k_p, k_t = bags(k, side)
    rest = [bags(r, side) for r in mine if r != k]
    rest_p = np.sum([a for a, _ in rest], axis=0)
    rest_t = np.sum([b for _, b in rest], axis=0)
    o_p, o_t = total(others, other_side)
    once_p, once_t = total(others, other_side, once=True)
    # k's translated bag meets the other side's plain one, and its plain one their translated
    near = float(k_t @ o_p) - float((k_t * (rest_t > 0)) @ once_p)
    far = float(k_p @ o_t) - float((k_p * (rest_p > 0)) @ once_t)
    return (cos(near, k_t, o_p) + cos(far, k_p, o_t)) / 2


def _sims(src: list[list[str]], tgt: list[list[str]], lexicon: Lexicon) -> ts._Sims:
    n, m = len(src), len(tgt)
    guide = [i * m / n for i in range(n + 1)]
    bags, once = ts._document_bags(src, tgt, lexicon)
    width = 2 * ts._REACH + 2
    offsets = np.array(
        [math.floor(min(guide[i], guide[i + 1])) - ts._REACH for i in range(n)], np.int64
    )
    near = {
        "s_into_t": bags.s_into_t.near(),
        "t_plain": bags.t_plain.near(),
        "s_plain": bags.s_plain.near(),
        "t_into_s": bags.t_into_s.near(),
    }
    return ts._Sims(offsets, width, bags, once, near)


_sentence = st.lists(st.sampled_from(SRC), min_size=1, max_size=6)
_target = st.lists(st.sampled_from(TGT), min_size=1, max_size=6)
_links = st.lists(
    st.tuples(st.integers(0, 11), st.integers(0, 11), st.floats(0.5, 20.0)), max_size=30
)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(_sentence, min_size=3, max_size=12),
    st.lists(_target, min_size=3, max_size=12),
    _links,
    st.data(),
)
def test_band_cosines_equal_the_naive_ones(
    src: list[list[str]],
    tgt: list[list[str]],
    links: list[tuple[int, int, float]],
    data: st.DataObject,
) -> None:
    lexicon = _lexicon(links)
    sims = _sims(src, tgt, lexicon)
    di = data.draw(st.integers(1, 3))
    dj = data.draw(st.integers(1, 4 - di))
    i = data.draw(st.integers(di, len(src)))  # the bead ends before source i, target j
    j = data.draw(st.integers(dj, len(tgt)))
    cell = j - 1 - int(sims.offsets[i - 1])
    assert 0 <= cell < sims.width  # the documents are shorter than the band's reach
    # merged sentences are measured by what they bring this close to the guide, else whole
    near = ts._REACH - ts._OWN_REACH <= cell < sims.width - ts._REACH + ts._OWN_REACH
    expected = _naive_cosine(src, tgt, lexicon, i - di, di, j - dj, dj)
    assert math.isclose(float(sims.cosine(di, dj)[i - 1, cell]), expected, abs_tol=1e-9)
    if di > 1:
        part = data.draw(st.integers(0, di - 1))
        one = _naive_cosine(src, tgt, lexicon, i - 1 - part, 1, j - dj, dj)
        found = float(sims.cosine(di, dj, src_part=part)[i - 1, cell])
        assert math.isclose(found, one, abs_tol=1e-9)
        own = _naive_cosine(src, tgt, lexicon, i - di, di, j - dj, dj, own=("s", i - 1 - part))
        found = float(sims.cosine(di, dj, src_part=part, own=True)[i - 1, cell])
        assert math.isclose(found, own if near else one, abs_tol=1e-9)
    if dj > 1:
        part = data.draw(st.integers(0, dj - 1))
        one = _naive_cosine(src, tgt, lexicon, i - di, di, j - 1 - part, 1)
        found = float(sims.cosine(di, dj, tgt_part=part)[i - 1, cell])
        assert math.isclose(found, one, abs_tol=1e-9)
        own = _naive_cosine(src, tgt, lexicon, i - di, di, j - dj, dj, own=("t", j - 1 - part))
        found = float(sims.cosine(di, dj, tgt_part=part, own=True)[i - 1, cell])
        assert math.isclose(found, own if near else one, abs_tol=1e-9)


@settings(max_examples=40, deadline=None)
@given(st.lists(_sentence, min_size=1, max_size=10))
def test_near_dot_products_equal_the_dense_ones(src: list[list[str]]) -> None:
    ids = ts._vocabulary(src)
    rows = ts._bags(src, ids, ts._rarity(src, ids))
    dense = np.zeros((len(src), len(ids)))
    dense[rows.rows, rows.keys % len(ids)] = rows.vals
    near = rows.near()
    for i in range(len(src)):
        for d in range(3):
            expected = float(dense[i] @ dense[i + d]) if i + d < len(src) else 0.0
            assert math.isclose(float(near[i, d]), expected, abs_tol=1e-9)


def test_a_lexicon_that_tells_nothing_apart_gives_no_costs() -> None:
    """Every sentence the same: best matches are no better than the others, so no cost."""
    src = [["s1", "s2"]] * 10
    tgt = [["t1", "t2"]] * 10
    lexicon = _lexicon([(1, 1, 9.0), (2, 2, 9.0)])
    assert ts.lexical_costs(src, tgt, lexicon, [float(i) for i in range(11)]) is None


def test_translations_are_cheap_and_strangers_dear() -> None:
    """Sentences whose pieces translate each other pair up at a lower cost than neighbours,
    and a merge that takes in a sentence translating nothing on the other side pays for it."""
    src = [[SRC[k]] for k in range(10)]
    tgt = [[TGT[k]] for k in range(10)]
    lexicon = _lexicon([(k, k, 20.0) for k in range(12)])
    costs = ts.lexical_costs(src, tgt, lexicon, [float(i) for i in range(11)])
    assert costs is not None
    assert costs.cost(6, 6, 1, 1) < 0 < costs.cost(6, 5, 1, 1)  # source 5 with 5, with 4
    assert costs.cost(6, 6, 1, 1) < costs.cost(6, 6, 2, 1)  # sources 4 + 5 with target 5
    assert costs.cost(6, 6, 1, 1) < costs.cost(6, 6, 1, 2)  # source 5 with targets 4 + 5
    assert costs.cost(6, 6, 0, 1) == 0.0  # gaps have no lexical cost


def test_a_piece_nothing_translates_into_does_not_dilute_a_sentence() -> None:
    """Pieces of a target sentence that no source piece translates into (a word the lexicon
    never saw) leave its similarity with its translation as it was."""
    src = [[SRC[k]] for k in range(10)]
    tgt = [[TGT[k]] for k in range(10)]
    lexicon = _lexicon([(k, k, 20.0) for k in range(12)])
    guide = [float(i) for i in range(11)]
    plain = ts.lexical_costs(src, tgt, lexicon, guide)
    unread = ts.lexical_costs(src, [*tgt[:5], [TGT[5], "u1", "u2"], *tgt[6:]], lexicon, guide)
    assert plain is not None
    assert unread is not None
    assert math.isclose(plain.cost(6, 6, 1, 1), unread.cost(6, 6, 1, 1), abs_tol=1e-9)


def test_a_2_2_bead_whose_sentences_do_not_cross_pays_for_it() -> None:
    """A 2-2 bead is two sentences cut differently on each side; one whose sentences each
    resemble only their counterpart is two 1-1 beads, and costs more than one that crosses."""
    src = [[SRC[k]] for k in range(5)] + [SRC[5:7], SRC[7:9]] + [[SRC[k]] for k in range(9, 12)]
    apart = [[TGT[k]] for k in range(5)] + [TGT[5:7], TGT[7:9]] + [[TGT[k]] for k in range(9, 12)]
    across = [[TGT[k]] for k in range(6)] + [TGT[6:9]] + [[TGT[k]] for k in range(9, 12)]
    lexicon = _lexicon([(k, k, 20.0) for k in range(12)])
    guide = [float(i) for i in range(11)]
    two = ts.lexical_costs(src, apart, lexicon, guide)
    cut = ts.lexical_costs(src, across, lexicon, guide)
    assert two is not None
    assert cut is not None
    assert two.cost(7, 7, 2, 2) > cut.cost(7, 7, 2, 2) + 2.0


def _four_pieces(k: int, side: str) -> list[str]:
    return [f"{side}{4 * k + a}" for a in range(4)]


def test_sureness_counts_the_pieces_the_lexicon_reaches_against_the_median() -> None:
    """A sentence with half the document's typical count of reached pieces or more is sure of
    resembling nothing; one with fewer is less sure, down to the floor. Where the priors count
    the document's gaps, sureness grows up to one and a half times the typical count."""
    typical = [[f"a{8 * k + a}" for a in range(8)] for k in range(8)]
    src = [*typical, ["a0"], ["a0", "a1", "a2"], ["a0", "a1", "a2", "a3"]]
    src += [[f"a{k}" for k in range(12)]]
    tgt = [[f"b{8 * k + a}" for a in range(8)] for k in range(8)]
    entries = tuple(Entry(f"a{k}", f"b{k}", 9.0, 9.0) for k in range(64))
    s_plain, *_ = ts.document_bags(src, tgt, Lexicon("en", "fr", 100, entries))
    assert ts._sureness(s_plain, ts._SHORT).tolist() == [1.0] * 8 + [ts._UNSURE, 0.75, 1.0, 1.0]
    counted = ts._sureness(s_plain, ts._SHORT_COUNTED).tolist()
    assert counted == pytest.approx([8 / 12] * 8 + [ts._UNSURE] * 3 + [1.0])


def test_a_short_merged_sentence_resembling_nothing_pays_less_for_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A merge taking in a one-piece sentence that translates nothing on its other side pays
    the floor's share of the part cost for it; a merged sentence of typical size pays in full,
    and two thirds of it (1 / _SHORT_COUNTED) where the priors count the document's gaps (the
    part cost of one resembling nothing at all is _PART, times the lexicon's weight)."""
    src = [_four_pieces(k, "a") for k in range(5)]
    src += [["a44"]]  # a stranger: its piece translates a piece of target sentence 11 only
    src += [_four_pieces(k, "a") for k in range(5, 12)]
    tgt = [_four_pieces(k, "b") for k in range(12)]
    lexicon = Lexicon(
        "en", "fr", 100, tuple(Entry(f"a{k}", f"b{k}", 20.0, 20.0) for k in range(48))
    )
    guide = [float(min(i, 5) + max(i - 6, 0)) for i in range(14)]
    scaled = ts.lexical_costs(src, tgt, lexicon, guide)
    counted = ts.lexical_costs(src, tgt, lexicon, guide, counted=True)
    monkeypatch.setattr(ts, "_UNSURE", 1.0)  # every sentence as sure as a typical one
    full = ts.lexical_costs(src, tgt, lexicon, guide)
    assert scaled is not None
    assert counted is not None
    assert full is not None
    short = full.cost(7, 6, 2, 1) - scaled.cost(7, 6, 2, 1)  # the stranger with 5's pair
    assert math.isclose(short, ts._PART * (1 - 0.5), abs_tol=1e-9)
    assert math.isclose(full.cost(3, 2, 2, 1), scaled.cost(3, 2, 2, 1), abs_tol=1e-9)
    typical = full.cost(3, 2, 2, 1) - counted.cost(3, 2, 2, 1)  # sentence 2 with 1's pair
    assert math.isclose(typical, ts._PART * (1 - 1 / ts._SHORT_COUNTED), abs_tol=1e-9)


def test_a_merged_sentence_resembling_its_other_side_a_little_pays_for_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A sentence the translation left out often shares a piece or two with its neighbour's
    translation (a name, the subject): merged with that neighbour, it pays the part cost
    unless it reaches halfway from non-matches to matches, not only a quarter of the way."""
    src = [_four_pieces(k, "a") for k in range(5)]
    src += [["a95", "a90", "a91"]]  # shares one piece with sentence 5's translation
    src += [_four_pieces(k, "a") for k in range(5, 12)]
    tgt = [_four_pieces(k, "b") for k in range(5)] + [[*_four_pieces(5, "b"), "b95"]]
    tgt += [_four_pieces(k, "b") for k in range(6, 11)] + [[*_four_pieces(11, "b"), "b90", "b91"]]
    entries = [Entry(f"a{k}", f"b{k}", 20.0, 20.0) for k in range(48)]
    entries += [Entry(f"a{k}", f"b{k}", 20.0, 20.0) for k in (90, 91, 95)]
    lexicon = Lexicon("en", "fr", 100, tuple(entries))
    guide = [float(min(i, 5) + max(i - 6, 0)) for i in range(14)]
    halfway = ts.lexical_costs(src, tgt, lexicon, guide)
    monkeypatch.setattr(ts, "_PART_SIGN", ts._SIGN)
    quarter = ts.lexical_costs(src, tgt, lexicon, guide)
    assert halfway is not None
    assert quarter is not None
    assert halfway.cost(6, 5, 1, 1) == quarter.cost(6, 5, 1, 1)  # no merge, no part cost
    assert halfway.cost(7, 6, 2, 1) > quarter.cost(7, 6, 2, 1) + 0.5


def test_a_merged_sentence_resembles_the_other_side_by_what_it_brings_to_the_merge() -> None:
    """A left-out sentence sharing a piece with the sentence it is merged with (a name, the
    subject) resembles that sentence's translation by it: it pays the part cost all the same,
    unless the translation holds the piece twice (a headline and the story's first sentence,
    which the translation merged, each naming the same thing)."""
    src = [_four_pieces(k, "a") for k in range(5)]
    src += [["a20", "a90", "a91"]]  # shares a20 with sentence 5, merged with it
    src += [_four_pieces(k, "a") for k in range(5, 12)]
    tgt = [_four_pieces(k, "b") for k in range(11)] + [[*_four_pieces(11, "b"), "b90", "b91"]]
    entries = [Entry(f"a{k}", f"b{k}", 20.0, 20.0) for k in range(48)]
    entries += [Entry(f"a{k}", f"b{k}", 20.0, 20.0) for k in (90, 91)]
    lexicon = Lexicon("en", "fr", 100, tuple(entries))
    guide = [float(min(i, 5) + max(i - 6, 0)) for i in range(14)]
    once = ts.lexical_costs(src, tgt, lexicon, guide)
    twice = ts.lexical_costs(src, [*tgt[:5], ["b20", *tgt[5]], *tgt[6:]], lexicon, guide)
    stranger = ts.lexical_costs(src[:5] + [["a90", "a91"]] + src[6:], tgt, lexicon, guide)
    assert once is not None
    assert twice is not None
    assert stranger is not None
    # alone with target 5, the left-out sentence resembles it through a20
    assert once.cost(6, 6, 1, 1) < stranger.cost(6, 6, 1, 1)
    # merged with source 5, which brings a20 too, it pays as much as a stranger would ...
    assert once.cost(7, 6, 2, 1) > stranger.cost(7, 6, 2, 1) - 0.5
    assert once.cost(7, 6, 2, 1) > once.cost(7, 6, 1, 1) + 0.8 * ts._PART
    # ... unless the translation repeats what both sentences name
    assert twice.cost(7, 6, 2, 1) < once.cost(7, 6, 2, 1) - 0.4 * ts._PART


def test_sharpness_weighs_a_lexicon_by_how_far_its_matches_stand_from_its_non_matches() -> None:
    """A typical lexicon's whole-bead costs keep their weight; one whose matches stand farther
    above its non-matches, for their spread, earns more, up to _MAX_SHARP; never less."""
    assert ts.sharpness(0.48, 0.22, 0.08) == 1.0  # a memory of another corpus, typically
    assert ts.sharpness(0.30, 0.22, 0.01) == ts._MAX_SHARP  # a small gap, a tiny spread
    assert ts.sharpness(0.64, 0.21, 0.08) == pytest.approx(
        (0.64 - 0.21) ** 2 / (ts._FIT * 0.08**2) / ts._SHARP, abs=1e-4
    )
    assert ts.sharpness(0.5, 0.2, 0.0) == ts._MAX_SHARP
    gaps = [0.1 * k for k in range(1, 8)]
    weights = [ts.sharpness(0.2 + gap, 0.2, 0.08) for gap in gaps]
    assert weights == sorted(weights)
    assert 1.0 == weights[0] < weights[3] < weights[-1] == ts._MAX_SHARP


def test_a_sharper_lexicon_weighs_the_whole_bead_more(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where the lexicon's translations resemble nothing but their own sentences, the whole
    bead's cost is its weight times the lexicon's sharpness; a merged sentence's part cost
    keeps its weight (a 2-1 bead whose second source sentence resembles nothing in the target
    pays _PART for it, sharp or not)."""
    src = [_four_pieces(k, "a") for k in range(12)]
    tgt = [_four_pieces(k, "b") for k in range(12)]
    lexicon = Lexicon(
        "en", "fr", 100, tuple(Entry(f"a{k}", f"b{k}", 20.0, 20.0) for k in range(48))
    )
    guide = [float(i) for i in range(13)]
    sharp, most = ts.lexical_costs(src, tgt, lexicon, guide), ts._MAX_SHARP
    monkeypatch.setattr(ts, "_MAX_SHARP", 1.0)
    plain = ts.lexical_costs(src, tgt, lexicon, guide)
    assert sharp is not None
    assert plain is not None
    for i, j in ((6, 6), (6, 5), (8, 9)):
        assert sharp.cost(i, j, 1, 1) == pytest.approx(most * plain.cost(i, j, 1, 1))
    assert sharp.cost(6, 6, 1, 1) < plain.cost(6, 6, 1, 1) < 0
    whole = plain.cost(7, 6, 2, 1) - ts._PART  # sources 5 and 6 with target 5
    assert sharp.cost(7, 6, 2, 1) == pytest.approx(most * whole + ts._PART)
