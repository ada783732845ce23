"""tm/align.py align_pairs: a document's versions aligned side by side in forked workers give
what aligning them one by one gives, on our UN fixtures in six languages; a memory's learner
is read and written in this process only; errors are raised as align() raises them; a worker
that dies costs nothing but time; nothing is left running."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import tm.align
from tm.align import align_pairs
from tm.build import build_memory
from tm.document import read_document
from tm.errors import AlignmentError, LanguageError, StoreError
from tm.learned import MemoryLearner, stored_lexicon
from tm.memory import Memory
from tm.models import Segment
from tm.segment import segment_document
from tm.workers import can_fork

UN = Path(__file__).parent / "fixtures" / "un"
LANGS = ("ar", "es", "fr", "ru", "zh")

pytestmark = pytest.mark.skipif(
    not can_fork(), reason="workers are forked on Linux, from a one-thread process"
)

Versions = list[tuple[list[Segment], str]]


def _document(name: str) -> tuple[list[Segment], Versions]:
    src = segment_document(read_document(UN / f"{name}.en.md"))
    versions = [(segment_document(read_document(UN / f"{name}.{x}.md")), x) for x in LANGS]
    return src, versions


@pytest.mark.parametrize("name", ["resolution", "report", "goals"])
def test_workers_align_as_one_process_does(name: str, tmp_path: Path) -> None:
    src, versions = _document(name)
    alone = align_pairs(src, versions, src_lang="en", workers=1)
    done: list[int] = []
    side = align_pairs(src, versions, src_lang="en", workers=2, done=done.append)
    assert side == alone
    assert sorted(done) == list(range(len(LANGS)))
    with Memory.open(tmp_path / "a.sqlite") as a, Memory.open(tmp_path / "b.sqlite") as b:
        alone = align_pairs(src, versions, src_lang="en", learner=MemoryLearner(a), workers=1)
        side = align_pairs(src, versions, src_lang="en", learner=MemoryLearner(b), workers=2)
        assert side == alone
        # the models trained for the workers were stored by this process, as one by one
        for lang in ("en", *LANGS):
            assert b.learned(f"subwords:{lang}") == a.learned(f"subwords:{lang}") is not None
        # and with the lexicons a build learned (decoded in the workers)
        build_memory(UN / f"{name}.en.md", [UN / f"{name}.{x}.md" for x in LANGS], b)
        alone = align_pairs(src, versions, src_lang="en", learner=MemoryLearner(b), workers=1)
        side = align_pairs(src, versions, src_lang="en", learner=MemoryLearner(b), workers=2)
        assert side == alone
        assert all(stored_lexicon(b, "en", lang) is not None for lang in LANGS)


def test_errors_are_raised_as_align_raises_them() -> None:
    src, versions = _document("resolution")
    arabic_as_french = [versions[0], (versions[0][0], "fr"), *versions[2:]]
    for workers in (1, 2):
        with pytest.raises(LanguageError, match="labelled 'fr' but is mostly written in Arabic"):
            align_pairs(src, arabic_as_french, src_lang="en", workers=workers)
        with pytest.raises(AlignmentError, match="the other text .es. is empty"):
            align_pairs(src, [versions[0], ([], "es")], src_lang="en", workers=workers)


_PARENT = os.getpid()
_REAL_JOB = tm.align._job


def _dies_on_the_second(k: int) -> object:
    """A job that kills its worker on the second pair (module-level: jobs are pickled)."""
    if os.getpid() != _PARENT and k == 1:
        os._exit(1)  # killed: the pool breaks, and every pair not back is aligned here
    return _REAL_JOB(k)


def _slow_but_the_first(k: int) -> object:
    if os.getpid() != _PARENT and k:
        time.sleep(60)
    return _REAL_JOB(k)


def test_a_pair_whose_worker_dies_is_aligned_here(monkeypatch: pytest.MonkeyPatch) -> None:
    src, versions = _document("report")
    alone = align_pairs(src, versions[:3], src_lang="en", workers=1)
    monkeypatch.setattr(tm.align, "_job", _dies_on_the_second)
    assert align_pairs(src, versions[:3], src_lang="en", workers=2) == alone


def test_nothing_is_left_running() -> None:
    src, versions = _document("resolution")
    align_pairs(src, versions, src_lang="en", workers=2)
    assert threading.active_count() == 1
    assert multiprocessing.active_children() == []
    assert tm.align._JOBS == []


def test_no_worker_is_forked_beside_threads_or_for_a_short_document(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A process with threads cannot fork safely (tm/workers.py), and forking costs more than
    a few short versions take."""
    src, versions = _document("goals")
    forked: list[int] = []

    def in_workers(jobs: object, count: int) -> Iterator[tuple[int, None]]:
        forked.append(count)
        yield from ()  # every pair is then aligned in this process

    monkeypatch.setattr(tm.align, "_in_workers", in_workers)
    short = [(tgt[:3], lang) for tgt, lang in versions]
    align_pairs(src[:3], short, src_lang="en")
    assert forked == []
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        align_pairs(src, versions, src_lang="en", workers=2)
    finally:
        stop.set()
        thread.join()
    assert forked == []
    align_pairs(src, versions, src_lang="en", workers=2)
    assert forked == [2]


def test_an_interrupted_call_waits_for_no_pair(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C (or an error here) ends the workers at once: a long pair takes minutes."""
    src, versions = _document("resolution")

    def interrupted(k: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(tm.align, "_job", _slow_but_the_first)
    start = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        align_pairs(src, versions, src_lang="en", workers=2, done=interrupted)
    assert time.monotonic() - start < 30
    assert multiprocessing.active_children() == []
    assert tm.align._JOBS == []


def test_a_damaged_stored_lexicon_is_reported_as_one_process_reports_it(tmp_path: Path) -> None:
    src, versions = _document("resolution")
    with Memory.open(tmp_path / "m.sqlite") as memory:
        build_memory(UN / "resolution.en.md", [UN / f"resolution.{x}.md" for x in LANGS], memory)
        memory.store_learned("lexicon:en-fr", b"not a lexicon", units=1)
        for workers in (1, 2):
            with pytest.raises(StoreError, match="the stored en-fr lexicon is damaged"):
                align_pairs(
                    src, versions, src_lang="en", learner=MemoryLearner(memory), workers=workers
                )
