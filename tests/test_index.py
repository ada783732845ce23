"""tm/index.py and tm/live_index.py: the memory's match index follows every write, survives
crashes, and readers see one snapshot."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tm import index_rows, live_index
from tm.errors import StoreError
from tm.index import MatchIndex
from tm.match import Matcher, match_document
from tm.memory import Memory
from tm.models import Segment, Unit, Variant

ROOT = Path(__file__).resolve().parent.parent
WORDS = st.sampled_from(
    ["the", "council", "of", "rights", "human", "a", "7", "12", ",", ".", "report", "on"]
)
SENTENCES = st.lists(WORDS, min_size=1, max_size=8).map(" ".join)
DOCS = st.sampled_from(["A/78/1", "A/78/2", "S/2023/5", "E/2024/9"])
# add or replace a document's units, or remove the document
OPS = st.lists(
    st.one_of(
        st.tuples(st.just("add"), DOCS, st.lists(SENTENCES, min_size=1, max_size=6)),
        st.tuples(st.just("replace"), DOCS, st.lists(SENTENCES, min_size=1, max_size=6)),
        st.tuples(st.just("remove"), DOCS, st.just([])),
    ),
    min_size=1,
    max_size=8,
)


def _units(doc: str, sentences: list[str]) -> list[Unit]:
    # our own text, not official UN text
    return [
        Unit((Variant("en", s), Variant("fr", f"{doc} fr {i}")), props=(("x-document", doc),))
        for i, s in enumerate(sentences)
    ]


def _apply(memory: Memory, op: str, doc: str, sentences: list[str]) -> None:
    if op == "remove":
        memory.remove_origin(doc)
    else:
        memory.add(_units(doc, sentences), origin=doc, replace=op == "replace")


def _fresh(memory: Memory, text: str) -> list[tuple[int, float]]:
    """What a freshly built index of the memory returns: every row, exactly."""
    rows = list(index_rows.unit_rows(memory.sources("en"), "en"))
    index = MatchIndex.build([(r[0], r[1]) for r in rows])
    found = index.search(text, top=10_000, min_score=1, window=None)
    return sorted((int(index.ids[row]), round(score, 6)) for row, score in found)


def _live(memory: Memory, text: str) -> list[tuple[int, float]]:
    """What the memory's own index returns (files, deltas, tombstones, pending units)."""
    live = Matcher(memory).index("en")
    return sorted(
        (int(live.parts[p].ids[row]), round(score, 6))
        for p, row, score in live.search(text, top=10_000, min_score=1, window=None)
    )


@contextmanager
def _thresholds(deltas: int, share: float) -> Iterator[None]:
    old = live_index.MAX_DELTAS, live_index.MERGE_SHARE
    live_index.MAX_DELTAS, live_index.MERGE_SHARE = deltas, share
    try:
        yield
    finally:
        live_index.MAX_DELTAS, live_index.MERGE_SHARE = old


@settings(max_examples=40, deadline=None)
@given(
    OPS,
    st.lists(SENTENCES, min_size=1, max_size=3),
    st.sampled_from([(8, 0.25), (1, 0.25), (2, 100.0), (8, 0.0001)]),
)
def test_index_after_any_writes_returns_what_a_fresh_index_returns(
    ops: list[tuple[str, str, list[str]]], queries: list[str], thresholds: tuple[int, float]
) -> None:
    with tempfile.TemporaryDirectory() as tmp, _thresholds(*thresholds):
        memory = Memory.open(Path(tmp) / "tm.sqlite")
        with memory:
            memory.add(_units("base", ["the council of human rights", "a report on rights"]))
            for op, doc, sentences in ops:
                _apply(memory, op, doc, sentences)
                for query in queries:
                    assert _live(memory, query) == _fresh(memory, query)
            files = {r[0] for r in memory.connection.execute("SELECT name FROM match_files")}
            on_disk = {p.name for p in live_index.index_dir(memory.path).iterdir()}
            # a write deletes what the previous one replaced: at most this write's leftovers
            assert files <= on_disk


def test_writes_add_small_deltas_and_many_deltas_merge(tmp_path: Path) -> None:
    with Memory.open(tmp_path / "tm.sqlite") as memory:
        memory.add(_units("base", [f"sentence number {i} of the base" for i in range(3000)]))
        (main,) = memory.connection.execute("SELECT seq, rows FROM match_files").fetchall()
        assert main[1] == 3000
        for k in range(live_index.MAX_DELTAS + 1):
            memory.add(_units(f"A/78/{k}", [f"a new report {k} on rights"]), origin=f"d{k}")
        files = memory.connection.execute("SELECT seq, rows FROM match_files").fetchall()
        # the main file stayed; the deltas were merged into one as they passed the limit
        assert files[0] == main
        assert len(files) == 2
        assert files[1][1] == live_index.MAX_DELTAS + 1
        (m,) = Matcher(memory).lookup("a new report 3 on rights", min_score=100)
        assert m.kind == "exact"


def test_a_damaged_or_missing_index_file_is_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "tm.sqlite"
    with Memory.open(path) as memory:
        memory.add(_units("d", ["the council met", "the report on rights"]))
    (index_file,) = live_index.index_dir(path).iterdir()
    index_file.write_bytes(index_file.read_bytes()[:100])
    with Memory.open(path, create=False) as memory:
        (m,) = Matcher(memory).lookup("the report on rights")
        assert m.kind == "exact"
    (rebuilt,) = live_index.index_dir(path).iterdir()
    assert rebuilt.stat().st_size > 100
    # a file from another memory (same name) is refused by its header, then rebuilt
    other = tmp_path / "other.sqlite"
    with Memory.open(other) as memory:
        memory.add(_units("d", ["something else entirely"]))
    for stale in live_index.index_dir(path).iterdir():
        stale.unlink()
    for foreign in live_index.index_dir(other).iterdir():
        (live_index.index_dir(path) / foreign.name).write_bytes(foreign.read_bytes())
    with Memory.open(path, create=False) as memory:
        (m,) = Matcher(memory).lookup("the council met")
        assert m.kind == "exact"


def test_optimize_writes_one_file_per_language(tmp_path: Path) -> None:
    with Memory.open(tmp_path / "tm.sqlite") as memory:
        memory.add(_units("a", ["the council met"]))
        memory.add(_units("b", ["the report on rights"]))
        Matcher(memory, src_lang="fr").index()  # a French index too
        size = live_index.optimize(memory)
        langs = memory.connection.execute("SELECT lang FROM match_files ORDER BY lang").fetchall()
        assert langs == [("en",), ("fr",)]
        on_disk = list(live_index.index_dir(memory.path).iterdir())
        assert sum(p.stat().st_size for p in on_disk) == size
        (m,) = Matcher(memory).lookup("the report on rights")
        assert m.kind == "exact"


# --- crashes: a killed writer leaves units and index in step -------------------------------

_CRASH = """
import os, sys
from tm import index, live_index
from tm.memory import Memory
from tm.models import Unit, Variant

point = sys.argv[2]
if point == "file-written":
    write = index.MatchIndex.write_arrays.__func__
    def crash(cls, *args, **kwargs):
        write(cls, *args, **kwargs)
        os._exit(9)
    index.MatchIndex.write_arrays = classmethod(crash)
elif point == "before-commit":
    follow = live_index.follow
    def crash(memory, **kwargs):
        follow(memory, **kwargs)
        os._exit(9)
    live_index.follow = crash
units = [
    Unit((Variant("en", f"the new report {i} on human rights"), Variant("fr", f"r {i}")))
    for i in range(int(sys.argv[3]))
]
with Memory.open(sys.argv[1]) as memory:
    if point == "killed":
        print("ready", flush=True)
    if sys.argv[4:] == ["bulk"]:  # a large TMX file: read, and tokenised, on workers
        from pathlib import Path
        from tmx import bulk, tmx
        tmx.write_tmx(units, Path(sys.argv[1] + ".tmx"), srclang="en")
        assert bulk.import_tmx(memory, Path(sys.argv[1] + ".tmx"), min_bytes=0, chunk_bytes=500)
    else:
        memory.add(units, origin="new", replace=True)
"""


def _crash(path: Path, point: str, count: int = 50, *, bulk: bool = False) -> int:
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(_CRASH), str(path), point, str(count)]
        + (["bulk"] if bulk else []),
        cwd=ROOT,
        capture_output=True,
        check=False,
        timeout=120,
    )
    return proc.returncode


@pytest.mark.parametrize("bulk", [False, True])
@pytest.mark.parametrize("point", ["file-written", "before-commit"])
def test_a_writer_killed_mid_write_leaves_a_memory_whose_next_match_is_correct(
    tmp_path: Path, point: str, bulk: bool
) -> None:
    path = tmp_path / "tm.sqlite"
    with Memory.open(path) as memory:
        memory.add(_units("d", ["the council met", "the new report 7 on human rights today"]))
        memory.add(_units("e", ["the new report 3 on human rights"]), origin="new")
    assert _crash(path, point, bulk=bulk) == 9
    with Memory.open(path, create=False) as memory:
        assert memory.count() == 3  # the killed import added nothing
        query = "the new report 3 on human rights"
        assert _live(memory, query) == _fresh(memory, query)
        (m,) = Matcher(memory).lookup(query, min_score=100)
        assert m.kind == "exact"
        # the next write deletes the file the killed one left behind
        memory.add(_units("f", ["another sentence"]))
        files = {r[0] for r in memory.connection.execute("SELECT name FROM match_files")}
        assert {p.name for p in live_index.index_dir(path).iterdir()} == files


@pytest.mark.slow
def test_a_writer_killed_at_any_moment_leaves_a_consistent_memory(tmp_path: Path) -> None:
    path = tmp_path / "tm.sqlite"
    with Memory.open(path) as memory:
        memory.add(_units("d", ["the council met", "the new report 7 on human rights"]))
    for delay in (0.05, 0.3, 0.8, 1.5):
        with subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(_CRASH), str(path), "killed", "20000"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
        ) as proc:
            assert proc.stdout is not None
            proc.stdout.readline()
            try:
                proc.wait(timeout=delay)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        with Memory.open(path, create=False) as memory:
            for query in ("the new report 7 on human rights", "the new report 19999 on rights"):
                assert _live(memory, query) == _fresh(memory, query)


# --- snapshots: readers see the memory before or after a write, never half of it -------------


@pytest.mark.parametrize("bulk", [False, True])
def test_a_match_sees_one_snapshot_while_another_process_writes(tmp_path: Path, bulk: bool) -> None:
    """A match during a write (``memory.add``, or a large TMX import read on workers) finds
    both of its sentences or neither."""
    path = tmp_path / "tm.sqlite"
    first, last = "the new report 0 on human rights", "the new report 1999 on human rights"
    with Memory.open(path) as memory:
        memory.add(_units("d", ["the council met"]))
    draft = [Segment(0, 0, "body", first), Segment(1, 1, "body", last)]
    writer = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(_CRASH), str(path), "none", "2000"]
        + (["bulk"] if bulk else []),
        cwd=ROOT,
    )
    seen = set()
    with Memory.open(path, create=False) as memory:
        while True:
            done = writer.poll() is not None
            results = match_document(draft, memory, min_score=100)
            # both sentences come from one import: found together or not at all
            seen.add(tuple(bool(r.matches) for r in results))
            if done:
                break
    assert writer.returncode == 0
    assert seen <= {(False, False), (True, True)}
    assert (True, True) in seen


def test_a_reader_keeps_its_snapshot_and_never_blocks_a_writer(tmp_path: Path) -> None:
    path = tmp_path / "tm.sqlite"
    with Memory.open(path) as memory:
        memory.add(_units("d", ["the council met"]))
    with Memory.open(path, create=False) as reader, Memory.open(path, create=False) as writer:
        reader.connection.execute("BEGIN")
        matcher = Matcher(reader)
        assert matcher.lookup("the council met")[0].kind == "exact"
        writer.add(_units("e", ["a report on rights"]))  # commits while the reader reads
        assert matcher.lookup("a report on rights", min_score=100) == []
        reader.connection.execute("COMMIT")
        assert Matcher(reader).lookup("a report on rights")[0].kind == "exact"


def test_memory_rows_and_mapped_file_agree(tmp_path: Path) -> None:
    rows = [(7, "the council met", 0, 0), (9, "a report on rights , 12", 0, 0)]
    stamp = {"memory": 1, "seq": 1}
    MatchIndex.write(tmp_path / "x.idx", rows, lang="en", stamp=stamp)
    mapped = MatchIndex.map(tmp_path / "x.idx", stamp=stamp)
    built = MatchIndex.build([(r[0], r[1]) for r in rows])
    for query in ("the council", "report on rights , 7"):
        assert mapped.search(query, window=None) == built.search(query, window=None)
    assert os.path.getsize(tmp_path / "x.idx") > 0


def test_an_index_that_cannot_be_written_fails_the_write_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Memory.open(tmp_path / "tm.sqlite") as memory:
        memory.add(_units("d", ["the council met"]))

        def full(*args: object, **kwargs: object) -> int:
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(MatchIndex, "write", full)
        with pytest.raises(StoreError, match="cannot write the match index"):
            memory.add(_units("e", ["a report on rights"]))
        assert memory.count() == 1
        monkeypatch.undo()
        (m,) = Matcher(memory).lookup("the council met")
        assert m.kind == "exact"


def test_an_index_whose_triggers_went_is_rebuilt(tmp_path: Path) -> None:
    with Memory.open(tmp_path / "tm.sqlite") as memory:
        memory.add(_units("d", ["the council met", "a report on rights"]))
        # a schema upgrade that rebuilds the units table drops its triggers
        memory.connection.execute("DROP TRIGGER match_units_delete")
        memory.connection.execute("DELETE FROM units WHERE id = 2")
        assert Matcher(memory).lookup("a report on rights", min_score=100) == []
        assert memory.connection.execute("SELECT count(*) FROM match_dead").fetchone()[0] == 0


@settings(max_examples=30, deadline=None)
@given(keys=st.lists(st.integers(0, 2**62), max_size=200))
def test_keys_sorted_on_two_threads_are_sorted(keys: list[int]) -> None:
    import numpy as np

    from tm import index_build

    split = np.asarray(keys, dtype=np.int64)
    original = index_build._SPLIT_SORT
    index_build._SPLIT_SORT = 2  # every array of two keys or more: halves, then merged
    try:
        index_build._sort(split)
    finally:
        index_build._SPLIT_SORT = original
    assert split.tolist() == sorted(keys)


def test_an_index_built_in_slices_is_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy as np

    from tm import index_build

    texts = [f"the report {n} of the council on {w}" for n, w in enumerate("abcdefghij" * 5)]
    texts += ["", "安全理事会的报告", "Совет Безопасности"]
    pairs = list(enumerate(texts, 1))
    whole = MatchIndex.build(pairs)
    monkeypatch.setattr(index_build, "_STEP", 3)  # tokens made UTF-8 three at a time
    monkeypatch.setattr(index_build, "_SPLIT_SORT", 2)  # every sort on two threads
    sliced = MatchIndex.build(pairs)
    for name in ("_seq", "_seq_offsets", "post_offsets", "post_rows", "post_ranks", "lengths"):
        assert np.array_equal(getattr(sliced, name), getattr(whole, name)), name
