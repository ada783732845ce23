"""tm/index_build.py and tm/index_search.py: the pruning rules of the search keep it exact.

Each rule (rank slices of the posting lists, the bound from the common tokens' bitmaps, the
bit-sliced count of the common tokens, the length bitmaps) is checked against exhaustive
scoring, with few or many tokens counted as common and rows longer than the length bitmaps.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tm.index import MatchIndex
from tm.index_build import RANK_CAP, SHORT, TWICE, index_of
from tm.score import similarity
from tm.tokens import masked

# a skewed vocabulary: a few very common words, more rare ones (our own words, not UN text)
COMMON_WORDS = ["the", "of", ",", ".", "and", "to"]
RARE_WORDS = ["council", "rights", "human", "report", "7", "12", "session", "agenda", "item"]
WORDS = st.one_of(st.sampled_from(COMMON_WORDS), st.sampled_from(RARE_WORDS))
SHORT_SENTENCES = st.lists(WORDS, min_size=1, max_size=9).map(" ".join)
LONG_SENTENCES = st.lists(WORDS, min_size=SHORT - 4, max_size=SHORT + 12).map(" ".join)
SENTENCES = st.one_of(SHORT_SENTENCES, SHORT_SENTENCES, LONG_SENTENCES)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(SENTENCES, min_size=1, max_size=30),
    SENTENCES,
    st.integers(min_value=1, max_value=8),
    st.sampled_from([1, 30, 50, 75, 90]),
    st.sampled_from([0, 1, 3, 128]),
)
def test_every_pruning_rule_keeps_the_exhaustive_result(
    sources: list[str], query: str, top: int, cutoff: int, common: int
) -> None:
    index = MatchIndex.build(enumerate(sources), common=common)
    found = index.search(query, top=top, min_score=cutoff, window=None)
    tokens = masked(query)
    exhaustive = sorted((similarity(tokens, masked(s)) for s in sources), reverse=True)
    expected = [s for s in exhaustive if s >= cutoff - 1e-9 and s > 0][:top]
    assert [round(s, 6) for _, s in found] == [round(s, 6) for s in expected]
    # each row's score is its own
    for row, score in found:
        assert abs(score - similarity(tokens, masked(sources[row]))) < 1e-6
    windowed = index.search(query, top=top, min_score=cutoff)
    near = [round(s, 6) for s in expected if s >= expected[0] - 10 - 1e-9] if expected else []
    assert [round(s, 6) for _, s in windowed][: len(near)] == near


@settings(max_examples=100, deadline=None)
@given(
    st.lists(SENTENCES, min_size=1, max_size=30),
    SENTENCES,
    st.sets(st.integers(min_value=-2, max_value=32), max_size=12),
    st.sampled_from([0, 3, 128]),
)
def test_removed_units_are_left_out_as_an_exhaustive_scan_leaves_them(
    sources: list[str], query: str, removed: set[int], common: int
) -> None:
    # ids 0..n-1; removed ids may lie beyond them (units of other files)
    index = MatchIndex.build(enumerate(sources), common=common)
    index.dead = np.array(sorted(removed), dtype=np.int64) if removed else None
    found = index.search(query, top=5, min_score=30, window=None)
    tokens = masked(query)
    alive = [s for i, s in enumerate(sources) if i not in removed]
    exhaustive = sorted((similarity(tokens, masked(s)) for s in alive), reverse=True)
    expected = [s for s in exhaustive if s >= 30 - 1e-9 and s > 0][:5]
    assert [round(s, 6) for _, s in found] == [round(s, 6) for s in expected]
    assert not {int(index.ids[row]) for row, _ in found} & removed


@settings(max_examples=60, deadline=None)
@given(st.lists(SENTENCES, min_size=1, max_size=20), st.sampled_from([0, 2, 128]))
def test_ranks_bitmaps_and_lengths_say_what_the_rows_hold(sources: list[str], common: int) -> None:
    index = MatchIndex.build(enumerate(sources), common=common)
    rows = [[index_of(c) for c in index.row_codes(r)] for r in range(len(index))]
    for token in range(index.vocab_size):
        start, end = int(index.post_offsets[token]), int(index.post_offsets[token + 1])
        held = [r for r in range(len(rows)) if token in rows[r]]
        assert sorted(index.post_rows[start:end].tolist()) == held
        ranks = index.post_ranks[start:end].tolist()
        assert ranks == sorted(ranks)  # a list is sorted by rank: its slices are read
        for row, rank in zip(index.post_rows[start:end].tolist(), ranks, strict=True):
            assert rank == min(RANK_CAP, sum(1 for t in rows[row] if t <= token))
        if token < index.common:
            bits = index.bitmap(token)
            assert [r for r in range(len(rows)) if bits[r >> 6] >> (r & 63) & 1] == held
        if token < index.twice:
            bits = index.twice_bitmap(token)
            twice = [r for r in range(len(rows)) if rows[r].count(token) > 1]
            assert [r for r in range(len(rows)) if bits[r >> 6] >> (r & 63) & 1] == twice
    assert index.common == min(common, index.vocab_size)
    assert index.twice == min(common, index.vocab_size, TWICE)
    for length in (1, 5, SHORT):
        bits = index.short(length)
        shorter = [r for r in range(len(rows)) if bits[r >> 6] >> (r & 63) & 1]
        assert shorter == [r for r in range(len(rows)) if len(rows[r]) <= length]
    # ids are ranked by frequency: the commonest token is 0
    counts = Counter(t for r in rows for t in r)
    assert [counts[t] for t in range(index.vocab_size)] == sorted(counts.values(), reverse=True)


def test_a_file_mapped_again_is_reused_until_it_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / "en.1.idx"
    rows = [(1, "the council met", 0, 0), (2, "the report", 0, 0)]
    MatchIndex.write(path, rows, lang="en", stamp={"memory": 1, "seq": 1})
    first = MatchIndex.map(path, stamp={"memory": 1, "seq": 1})
    again = MatchIndex.map(path, stamp={"memory": 1, "seq": 1})
    assert np.shares_memory(first.ids, again.ids)  # one mapping per file and process
    # a file written anew under the same name (another inode) is mapped anew
    MatchIndex.write(path, [(7, "human rights", 0, 0)], lang="en", stamp={"memory": 1, "seq": 2})
    fresh = MatchIndex.map(path, stamp={"memory": 1, "seq": 2})
    assert fresh.ids.tolist() == [7]
    assert first.ids.tolist() == [1, 2]  # an index mapped before keeps its file
    assert fresh.search("human rights")[0][1] == 100.0
