"""tm/followed_index.py: a process following a memory's change log matches what a freshly
built index of the memory matches, whatever was added, replaced or removed, by whom."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_index import DOCS, SENTENCES  # the same sentences and documents as the file index's

from tm import followed_index
from tm.followed_index import FollowedIndex
from tm.index import MatchIndex
from tm.index_rows import SourceRow, unit_rows
from tm.live_index import LiveIndex

OPS = st.lists(
    st.one_of(
        st.tuples(st.just("add"), DOCS, st.lists(SENTENCES, min_size=1, max_size=6)),
        st.tuples(st.just("replace"), DOCS, st.lists(SENTENCES, min_size=1, max_size=6)),
        st.tuples(st.just("remove"), DOCS, st.just([])),
        st.tuples(st.just("edit"), DOCS, st.lists(SENTENCES, min_size=1, max_size=1)),
    ),
    min_size=1,
    max_size=10,
)


class LoggedMemory:
    """A memory in RAM with a change log, as a database server keeps one (the protocol
    :class:`tm.followed_index.Followed`); ``trimmed`` is where its log now starts."""

    def __init__(self, identity: int = 0x5EED) -> None:
        self.units: dict[int, tuple[str, str]] = {}  # id -> (English text, document)
        self.log: list[int] = []
        self.trimmed = 0
        self.next_id = 1
        self._identity = identity

    def identity(self) -> int:
        return self._identity

    def position(self) -> int:
        return len(self.log)

    def changes(self, since: int) -> tuple[int, list[int]] | None:
        if since < self.trimmed:
            return None
        return len(self.log), self.log[since:]

    def count(self) -> int:
        return len(self.units)

    def sources(self, lang: str, *, ids: Sequence[int] | None = None) -> Iterator[SourceRow]:
        chosen = sorted(self.units) if ids is None else sorted(set(ids) & set(self.units))
        for uid in chosen:
            text, doc = self.units[uid]
            yield uid, text, None, doc

    # writes, each logging the ids it touched
    def add(self, doc: str, sentences: list[str]) -> None:
        for text in sentences:
            self.units[self.next_id] = (text, doc)
            self.log.append(self.next_id)
            self.next_id += 1

    def remove(self, doc: str) -> None:
        for uid in [u for u, (_, d) in self.units.items() if d == doc]:
            del self.units[uid]
            self.log.append(uid)

    def edit(self, doc: str, text: str) -> None:
        for uid, (_, d) in list(self.units.items()):
            if d == doc:
                self.units[uid] = (text, doc)
                self.log.append(uid)
                return

    def apply(self, op: str, doc: str, sentences: list[str]) -> None:
        if op in ("replace", "remove"):
            self.remove(doc)
        if op == "edit":
            self.edit(doc, sentences[0])
        elif op != "remove":
            self.add(doc, sentences)


def _found(index: LiveIndex, text: str) -> list[tuple[int, float]]:
    return sorted(
        (int(index.parts[p].ids[row]), round(score, 6))
        for p, row, score in index.search(text, top=10_000, min_score=1, window=None)
    )


def _exact(index: LiveIndex, text: str) -> list[int]:
    return [uid for uid, score in _found(index, text) if score == 100]


def _fresh(memory: LoggedMemory, text: str) -> list[tuple[int, float]]:
    rows = list(unit_rows(memory.sources("en"), "en"))
    index = MatchIndex.build([(r[0], r[1]) for r in rows])
    return sorted(
        (int(index.ids[row]), round(score, 6))
        for row, score in index.search(text, top=10_000, min_score=1, window=None)
    )


@contextmanager
def _limits(parts: int, pending: int, share: float) -> Iterator[None]:
    old = followed_index.MAX_PARTS, followed_index.MAX_PENDING, followed_index.MERGE_SHARE
    followed_index.MAX_PARTS, followed_index.MAX_PENDING, followed_index.MERGE_SHARE = (
        parts,
        pending,
        share,
    )
    try:
        yield
    finally:
        followed_index.MAX_PARTS, followed_index.MAX_PENDING, followed_index.MERGE_SHARE = old


@settings(max_examples=40, deadline=None)
@given(
    OPS,
    st.lists(SENTENCES, min_size=1, max_size=3),
    st.sampled_from([(8, 20_000, 0.25), (1, 20_000, 0.25), (2, 0, 0.0), (8, 3, 0.1)]),
    st.lists(st.booleans(), min_size=10, max_size=10),
)
def test_a_follower_returns_what_a_fresh_index_returns_after_any_writes(
    ops: list[tuple[str, str, list[str]]],
    queries: list[str],
    limits: tuple[int, int, float],
    second_reads: list[bool],
) -> None:
    # two processes follow one memory through one cache folder; each write is seen by one
    # of them or both, in any order
    with tempfile.TemporaryDirectory() as tmp, _limits(*limits):
        memory = LoggedMemory()
        memory.add("base", ["the council of human rights", "a report on rights"])
        one = FollowedIndex(memory.identity(), "en", folder=Path(tmp))
        two = FollowedIndex(memory.identity(), "en", folder=Path(tmp))
        for (op, doc, sentences), also in zip(ops, second_reads, strict=False):
            memory.apply(op, doc, sentences)
            for follower in (one, two) if also else (one,):
                index = follower.refresh(memory)
                for query in queries:
                    assert _found(index, query) == _fresh(memory, query)


def test_a_snapshot_handed_out_is_never_changed_by_a_later_refresh(tmp_path: Path) -> None:
    memory = LoggedMemory()
    memory.add("A/78/1", ["the council of human rights"])
    follower = FollowedIndex(memory.identity(), "en", folder=tmp_path)
    before = follower.refresh(memory)
    memory.remove("A/78/1")
    memory.add("A/78/2", ["a report on rights"])
    after = follower.refresh(memory)
    assert _exact(before, "the council of human rights") == [1]
    assert _exact(after, "the council of human rights") == []
    assert _exact(after, "a report on rights") == [2]


def test_a_new_process_maps_the_cache_file_and_reads_only_the_log_since(tmp_path: Path) -> None:
    memory = LoggedMemory()
    memory.add("A/78/1", [f"the report number {n} on human rights" for n in range(50)])
    FollowedIndex(memory.identity(), "en", folder=tmp_path).refresh(memory)
    files = sorted((tmp_path / f"{memory.identity():x}").iterdir())
    assert [p.name for p in files] == ["en.50.idx"]
    memory.add("A/78/2", ["a new resolution on the council"])
    read: list[int] = []
    sources = memory.sources

    def counting(lang: str, *, ids: Sequence[int] | None = None) -> Iterator[SourceRow]:
        rows = list(sources(lang, ids=ids))
        read.append(len(rows))
        return iter(rows)

    memory.sources = counting  # type: ignore[method-assign]
    index = FollowedIndex(memory.identity(), "en", folder=tmp_path).refresh(memory)
    assert read == [1]  # the new unit only: the 50 come from the file
    assert _exact(index, "a new resolution on the council") == [51]


def test_a_damaged_or_foreign_cache_file_is_written_anew(tmp_path: Path) -> None:
    memory = LoggedMemory()
    memory.add("A/78/1", ["the council of human rights", "a report on rights"])
    FollowedIndex(memory.identity(), "en", folder=tmp_path).refresh(memory)
    (path,) = (tmp_path / f"{memory.identity():x}").iterdir()
    path.write_bytes(path.read_bytes()[:100])
    index = FollowedIndex(memory.identity(), "en", folder=tmp_path).refresh(memory)
    assert _found(index, "a report on rights") == _fresh(memory, "a report on rights")
    # another memory's file under this memory's name is not taken either
    other = LoggedMemory(identity=0xBEEF)
    other.add("X", ["something else entirely"])
    FollowedIndex(other.identity(), "en", folder=tmp_path).refresh(other)
    (foreign,) = (tmp_path / f"{other.identity():x}").iterdir()
    (tmp_path / f"{memory.identity():x}" / "en.2.idx").write_bytes(foreign.read_bytes())
    index = FollowedIndex(memory.identity(), "en", folder=tmp_path).refresh(memory)
    assert _found(index, "a report on rights") == _fresh(memory, "a report on rights")


def test_a_log_that_no_longer_reaches_back_makes_the_language_indexed_again(
    tmp_path: Path,
) -> None:
    memory = LoggedMemory()
    memory.add("A/78/1", ["the council of human rights"])
    follower = FollowedIndex(memory.identity(), "en", folder=tmp_path)
    follower.refresh(memory)
    memory.remove("A/78/1")
    memory.add("A/78/2", ["a report on rights"])
    memory.trimmed = memory.position()  # the log was trimmed past the follower
    index = follower.refresh(memory)
    assert _exact(index, "the council of human rights") == []
    assert _exact(index, "a report on rights") == [2]
    fresh = FollowedIndex(memory.identity(), "en", folder=tmp_path).refresh(memory)
    assert _found(fresh, "a report on rights") == _found(index, "a report on rights")


def test_a_cache_folder_that_cannot_be_written_leaves_the_index_in_ram(tmp_path: Path) -> None:
    memory = LoggedMemory()
    memory.add("A/78/1", ["the council of human rights"])
    (tmp_path / f"{memory.identity():x}").write_text("a file where the folder would be")
    index = FollowedIndex(memory.identity(), "en", folder=tmp_path).refresh(memory)
    assert _exact(index, "the council of human rights") == [1]


def test_the_cache_folder_follows_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UNTM_INDEX_CACHE", str(tmp_path / "chosen"))
    assert followed_index.cache_dir() == tmp_path / "chosen"
    monkeypatch.delenv("UNTM_INDEX_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert followed_index.cache_dir() == tmp_path / "xdg" / "untm" / "index"
