"""The match index of a memory on a database server, kept in step by following its change log.

A PostgreSQL memory has no folder beside it for index files (:mod:`tm.live_index`), and
several untm processes, on several machines, match against it. Each process keeps, per source
language, one main :class:`~tm.index.MatchIndex` file in a local cache folder
(``$UNTM_INDEX_CACHE``, else ``$XDG_CACHE_HOME/untm/index``, else ``~/.cache/untm/index``),
stamped with the memory's random id and the position in the memory's change log it was written
at. From there it follows the log (the units each committed write added, removed or changed,
in commit order): the rows of a unit named in the log are dead in the older parts, and the
unit, if it still holds a source, is indexed again in a small part in RAM. So a process that
starts maps one file and reads the log since it, and a document built through another server
is matched from the next request on (:meth:`FollowedIndex.refresh` costs one query when
nothing changed).

**Bounded.** More than :data:`MAX_PARTS` parts in RAM merge into one; when the units named
since the main file pass :data:`MAX_PENDING` or :data:`MERGE_SHARE` of it, the main file is
written anew (any process may: files are written whole and renamed into place, named by their
log position, and the newest that maps is taken).

**Never trusted blindly.** A file that does not map (damaged, foreign, another memory's) is
ignored and written anew; a log that no longer reaches back to a file (the memory was copied
or its log trimmed) makes the file useless, and the language is indexed again. A cache folder
that cannot be written leaves the index in RAM.

The memory gives what :class:`Followed` says; call :func:`refresh` inside one read snapshot of
it (the log position and the units read must be of one state of the memory).
"""

from __future__ import annotations

import copy
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

from tm.errors import StoreError
from tm.index import MatchIndex
from tm.index_rows import SourceRow, unit_rows
from tm.live_index import LiveIndex, write_file

__all__ = [
    "MAX_PARTS",
    "MAX_PENDING",
    "MERGE_SHARE",
    "Followed",
    "FollowedIndex",
    "cache_dir",
    "refresh",
    "rewrite",
]

#: units named in the log since the main file past this (and past MERGE_SHARE of the main
#: file's rows): the main file is written anew
MAX_PENDING = 20_000
MERGE_SHARE = 0.25
#: more parts in RAM than this merge into one
MAX_PARTS = 8


class Followed(Protocol):
    """What a followed index needs of a memory (:class:`tm.memory.Memory` on PostgreSQL)."""

    def identity(self) -> int:
        """The memory's random id (a copy of a memory has another one)."""
        ...

    def position(self) -> int:
        """The change log's position now (0 for a memory never written)."""
        ...

    def changes(self, since: int) -> tuple[int, list[int]] | None:
        """The log position now and the ids of the units changed after ``since`` (added,
        removed or texts changed), or None when the log no longer reaches back to it."""
        ...

    def count(self) -> int: ...

    def sources(self, lang: str, *, ids: Sequence[int] | None = None) -> Iterator[SourceRow]: ...


def cache_dir() -> Path:
    """The local folder of followed index files (one sub-folder per memory)."""
    chosen = os.environ.get("UNTM_INDEX_CACHE")
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "untm" / "index"


@dataclass(slots=True)
class _State:
    """One language's index as of log position ``seq``: the main file and parts in RAM,
    and the ids named in the log since the main file (``since_main``)."""

    main: MatchIndex
    main_seq: int
    seq: int
    ram: list[MatchIndex] = field(default_factory=list)
    since_main: set[int] = field(default_factory=set)


class FollowedIndex:
    """The index of one language of one memory, as this process follows it (thread-safe:
    :meth:`refresh` hands out :class:`LiveIndex` snapshots that later refreshes never change).
    """

    def __init__(self, memory_id: int, lang: str, *, folder: Path | None = None) -> None:
        self.memory_id = memory_id
        self.lang = lang
        self.folder = (folder or cache_dir()) / f"{memory_id:x}"
        self._lock = threading.Lock()
        self._state: _State | None = None

    def refresh(self, memory: Followed) -> LiveIndex:
        """The index as the memory's current snapshot holds it, after reading the log since
        the last refresh (and indexing what it names).

        Raises:
            StoreError: if the memory cannot be read.
        """
        with self._lock:
            state = self._state
            if state is None:
                state = self._state = self._open(memory)
            else:
                changed = memory.changes(state.seq)
                if changed is None or changed[0] < state.seq:
                    state = self._state = self._write_main(memory)  # the log was reset
                elif changed[0] > state.seq:
                    state = self._state = self._follow(memory, state, *changed)
            return LiveIndex([state.main, *state.ram], lang=self.lang)

    # --- the main file -------------------------------------------------------------------

    def _open(self, memory: Followed) -> _State:
        """The newest cache file that maps and that the log reaches back to, brought up to
        date; a new main file when there is none."""
        for seq, path in self._files():
            try:
                main = MatchIndex.map(path, stamp=self._stamp(seq))
            except StoreError:
                path.unlink(missing_ok=True)  # damaged or foreign: written anew below
                continue
            changed = memory.changes(seq)
            if changed is None or changed[0] < seq:
                continue
            state = _State(main=main, main_seq=seq, seq=seq)
            return self._follow(memory, state, *changed) if changed[0] > seq else state
        return self._write_main(memory)

    def _files(self) -> list[tuple[int, Path]]:
        """This language's cache files, newest first."""
        found = []
        if self.folder.is_dir():
            for path in self.folder.glob(f"{self.lang}.*.idx"):
                seq = path.name[len(self.lang) + 1 : -len(".idx")]
                if seq.isdigit():
                    found.append((int(seq), path))
        return sorted(found, reverse=True)

    def _stamp(self, seq: int) -> dict[str, int]:
        return {"memory": self.memory_id, "seq": seq}

    def rewrite(
        self, memory: Followed, *, progress: Callable[[int, int], None] | None = None
    ) -> int:
        """Index the language anew in a main file now; return its bytes (0: in RAM)."""
        with self._lock:
            self._state = self._write_main(memory, progress=progress)
        path = self.folder / f"{self.lang}.{self._state.main_seq}.idx"
        return path.stat().st_size if path.is_file() else 0

    def _write_main(
        self, memory: Followed, *, progress: Callable[[int, int], None] | None = None
    ) -> _State:
        """Index every unit of the language in a new main file at the log's position now
        (in RAM when the cache folder cannot be written)."""
        seq = memory.position()
        path = self.folder / f"{self.lang}.{seq}.idx"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_file(
                path,
                unit_rows(memory.sources(self.lang), self.lang),
                lang=self.lang,
                stamp=self._stamp(seq),
                total=memory.count(),
                progress=progress,
            )
            main = MatchIndex.map(path, stamp=self._stamp(seq))
        except OSError:
            main = _in_ram(list(unit_rows(memory.sources(self.lang), self.lang)), self.lang)
            return _State(main=main, main_seq=seq, seq=seq)
        for old_seq, old in self._files():
            if old_seq < seq:
                old.unlink(missing_ok=True)  # a process mapping it keeps its pages
        return _State(main=main, main_seq=seq, seq=seq)

    # --- following the log ---------------------------------------------------------------

    def _follow(self, memory: Followed, state: _State, seq: int, ids: list[int]) -> _State:
        """``state`` with the units ``ids`` (named in the log up to ``seq``) indexed again:
        dead in the parts so far, indexed in a new part in RAM."""
        named = set(ids)
        since = state.since_main | named
        if len(since) > max(MAX_PENDING, MERGE_SHARE * len(state.main)):
            return self._write_main(memory)
        if len(state.ram) >= MAX_PARTS:
            # one part for every unit named since the main file, instead of many
            ram = [_in_ram(_rows(memory, self.lang, since), self.lang)]
        else:
            fresh = _rows(memory, self.lang, named)
            ram = [_dead(part, named) for part in state.ram]
            if fresh:
                ram.append(_in_ram(fresh, self.lang))
        ram = [part for part in ram if len(part)]
        return _State(
            main=_dead(state.main, since),
            main_seq=state.main_seq,
            seq=seq,
            ram=ram,
            since_main=since,
        )


def _rows(memory: Followed, lang: str, ids: set[int]) -> list[tuple[int, str, int, int]]:
    return list(unit_rows(memory.sources(lang, ids=sorted(ids)), lang)) if ids else []


def _in_ram(rows: list[tuple[int, str, int, int]], lang: str) -> MatchIndex:
    return MatchIndex.build(
        ((r[0], r[1]) for r in rows),
        lang=lang,
        docs=[r[2] for r in rows],
        parts=[r[3] for r in rows],
    )


def _dead(part: MatchIndex, ids: set[int]) -> MatchIndex:
    """A view of ``part`` whose rows of ``ids`` are dead (``part`` itself is unchanged:
    snapshots handed out earlier keep their rows)."""
    if not ids or not len(part):
        return part
    dead = np.fromiter(ids, dtype=np.int64, count=len(ids))
    if part.dead is not None:
        dead = np.concatenate([dead, part.dead])
    view = copy.copy(part)
    view.dead = np.unique(dead)  # the removed units, sorted (MatchIndex.dead)
    return view


_FOLLOWERS: dict[tuple[Path, int, str], FollowedIndex] = {}
_FOLLOWERS_LOCK = threading.Lock()


def _follower(memory_id: int, lang: str, folder: Path | None) -> FollowedIndex:
    """This process's follower of one memory and language."""
    key = (folder or cache_dir(), memory_id, lang)
    with _FOLLOWERS_LOCK:
        follower = _FOLLOWERS.get(key)
        if follower is None:
            follower = _FOLLOWERS[key] = FollowedIndex(memory_id, lang, folder=folder)
    return follower


def refresh(memory: Followed, lang: str, *, folder: Path | None = None) -> LiveIndex:
    """The index of ``lang`` for ``memory`` as its current snapshot holds it, kept by this
    process between calls (one :class:`FollowedIndex` per memory and language).

    Raises:
        StoreError: if the memory cannot be read.
    """
    return _follower(memory.identity(), lang, folder).refresh(memory)


def rewrite(
    memory: Followed,
    *,
    folder: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Index anew every language this machine's cache holds of ``memory`` (English when it
    holds none), one main file each (``untm optimize``); return the bytes written."""
    memory_id = memory.identity()
    held = (folder or cache_dir()) / f"{memory_id:x}"
    langs = sorted({path.name.split(".")[0] for path in held.glob("*.idx")}) or ["en"]
    return sum(
        _follower(memory_id, lang, folder).rewrite(memory, progress=progress) for lang in langs
    )
