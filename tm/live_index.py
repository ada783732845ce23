"""The memory's match index, kept in step with its units: index files, tombstones, deltas.

The match index of a source language is a few immutable :class:`~tm.index.MatchIndex` files
in the directory ``<memory>-index`` beside the memory: a main one and small deltas, each
registered in the memory's ``match_files`` table under a sequence number. Files are mapped,
never loaded, so a ``match`` process starts in constant time and memory and processes share
the page cache.

**In step with the units.** SQLite triggers on the ``units`` table record, in the very
transaction that changes units, which units went (``match_dead``: the unit's rows in files
up to the current sequence number are dead) and which ids were reused or changed in place
(``match_fresh``); ``match_state.high`` says up to which unit id every unit was indexed. So
whatever code path changes units, the index knows it, atomically: a crash at any moment leaves
units and index in step. Units not yet in a file are *pending*; a reader indexes them in RAM
(they are few). :meth:`tm.memory.Memory.add_rows` and :meth:`~tm.memory.Memory.remove_origin`
call :func:`follow` before they commit, which writes the pending units as a delta file (cost
proportional to the change; a first import writes the main file, on two workers). When the
deltas and dead rows pass a quarter of the main file, the language is rebuilt whole; more than
eight deltas are merged into one. ``untm optimize`` rebuilds whole (:func:`optimize`).

**Never trusted blindly.** Each file's header carries the memory's random id and the file's
sequence number, and mapping checks them and the array lengths: a missing, foreign or damaged
file makes the next match rebuild the language (or, on a read-only memory, index in RAM).
Files no longer registered (replaced, or written by a transaction that rolled back) are
deleted by the next write.

**Snapshots.** Readers read the registered files, tombstones and pending units in one read
transaction (WAL): a match running during an import sees the memory before or after it,
never half of it, and never blocks the import.
"""

from __future__ import annotations

import functools
import os
import random
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Concatenate, ParamSpec, Protocol, TypeVar

import numpy as np

from tm import lang as _lang
from tm.connection import Connection
from tm.errors import StoreError
from tm.index import IndexRow, MatchIndex
from tm.index_rows import (
    ImportTokens,
    SourceRow,
    imported_arrays,
    of_units,
    sentences,
    unit_rows,
)
from tm.models import Unit


class Memory(Protocol):
    """What the index needs of a memory (:class:`tm.memory.Memory`, which calls
    :func:`follow` from its writes: the index does not import it)."""

    connection: Connection

    @property
    def path(self) -> Path: ...

    def languages(self) -> dict[str, int]: ...

    def count(self) -> int: ...

    def sources(self, lang: str, *, ids: Sequence[int] | None = None) -> Iterator[SourceRow]: ...


__all__ = [
    "LiveIndex",
    "Memory",
    "follow",
    "in_ram",
    "index_dir",
    "index_languages",
    "load",
    "optimize",
    "prepare",
    "sentences",
    "write_file",
]

#: the version of the index files and tables, and of the token keys (:func:`tm.tokens.masked`)
#: they hold: an index of another version is rebuilt. Bump it when tokens change.
_FORMAT = 5
#: deltas and dead rows past this share of the main file: the language is rebuilt whole
MERGE_SHARE = 0.25
#: more delta files than this: they are merged into one
MAX_DELTAS = 8
#: more pending units than this: a reader that can write indexes them in a file first
MAX_PENDING = 20_000
P = ParamSpec("P")
R = TypeVar("R")
_PARALLEL = 50_000  # builds of more rows than this tokenise on two worker processes

_TABLES = (
    "CREATE TABLE IF NOT EXISTS match_state (key TEXT PRIMARY KEY, value INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS match_files (seq INTEGER PRIMARY KEY, lang TEXT NOT NULL, "
    "name TEXT NOT NULL, rows INTEGER NOT NULL, bytes INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS match_dead (unit_id INTEGER NOT NULL, seq INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS match_fresh (unit_id INTEGER PRIMARY KEY)",
    # a removed unit's rows are dead in every file written so far
    "CREATE TRIGGER IF NOT EXISTS match_units_delete AFTER DELETE ON units BEGIN "
    "INSERT INTO match_dead (unit_id, seq) "
    "VALUES (old.id, (SELECT value FROM match_state WHERE key = 'seq')); END",
    # an id at or below the high-water mark is reused: that unit is pending
    "CREATE TRIGGER IF NOT EXISTS match_units_insert AFTER INSERT ON units "
    "WHEN new.id <= (SELECT value FROM match_state WHERE key = 'high') BEGIN "
    "INSERT OR IGNORE INTO match_fresh (unit_id) VALUES (new.id); END",
    # texts changed in place: the old rows are dead, the unit is pending
    "CREATE TRIGGER IF NOT EXISTS match_units_update AFTER UPDATE OF variants, segtype ON units "
    "WHEN old.variants IS NOT new.variants OR old.segtype IS NOT new.segtype BEGIN "
    "INSERT INTO match_dead (unit_id, seq) "
    "VALUES (old.id, (SELECT value FROM match_state WHERE key = 'seq')); "
    "INSERT OR IGNORE INTO match_fresh (unit_id) VALUES (new.id); END",
)


def _store_errors(
    func: Callable[Concatenate[Memory, P], R],
) -> Callable[Concatenate[Memory, P], R]:
    """``func`` raising :class:`StoreError` for a memory or index directory that cannot be
    read or written (a damaged file, a full disk), never a bare SQLite or OS error."""

    @functools.wraps(func)
    def wrapper(memory: Memory, /, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(memory, *args, **kwargs)
        except sqlite3.DatabaseError as err:
            raise StoreError(f"{memory.path}: cannot use the memory's match index ({err})") from err
        except OSError as err:
            folder = index_dir(memory.path)
            raise StoreError(f"{folder}: cannot write the match index ({err})") from err

    return wrapper


def index_dir(memory_path: Path) -> Path:
    """The directory holding the index files of the memory at ``memory_path``."""
    return Path(f"{memory_path}-index")


class LiveIndex:
    """The match index of one language as one snapshot of the memory saw it: its files
    (mapped, with the units removed since) and the pending units indexed in RAM."""

    def __init__(self, parts: Sequence[MatchIndex], *, lang: str) -> None:
        self.parts = list(parts)
        self.lang = lang

    def __len__(self) -> int:
        return sum(len(p) for p in self.parts)

    def search(
        self, text: str, *, top: int = 3, min_score: float = 50, window: float | None = 10.0
    ) -> list[tuple[int, int, float]]:
        """:meth:`MatchIndex.search` over every part: ``(part, row, similarity)``, best
        first. Each part's result is exact for its best and its window, so the merged one is
        too for the whole."""
        hits = [
            (p, row, score)
            for p, part in enumerate(self.parts)
            for row, score in part.search(text, top=top, min_score=min_score, window=window)
        ]
        hits.sort(key=lambda h: (-h[2], h[0], h[1]))
        return hits[:top]


# --- reading ---------------------------------------------------------------------------------


def _has_tables(conn: Connection) -> bool:
    """Whether the memory has the index tables of this version and the triggers that keep
    them in step (a schema upgrade that rebuilt ``units`` would have dropped them)."""
    found = conn.execute(
        "SELECT count(*) FROM sqlite_master WHERE name IN "
        "('match_state', 'match_files', 'match_dead', 'match_fresh', "
        "'match_units_delete', 'match_units_insert', 'match_units_update')"
    ).fetchone()[0]
    if found != 7:
        return False
    row = conn.execute("SELECT value FROM match_state WHERE key = 'format'").fetchone()
    return row is not None and row[0] == _FORMAT


def _state(conn: Connection) -> dict[str, int]:
    return {k: int(v) for k, v in conn.execute("SELECT key, value FROM match_state")}


def _files(conn: Connection, lang: str) -> list[tuple[int, str, int]]:
    """The registered files of ``lang``: ``(seq, name, rows)``, oldest first."""
    rows = conn.execute(
        "SELECT seq, name, rows FROM match_files WHERE lang = ? ORDER BY seq", (lang,)
    )
    return [(int(s), str(n), int(r)) for s, n, r in rows]


def _pending_ids(conn: Connection, high: int) -> list[int]:
    """The units no file indexes yet: above the high-water mark, or reused or changed (two
    queries, each read by its primary key: a UNION would scan the units)."""
    above = conn.execute("SELECT id FROM units WHERE id > ? ORDER BY id", (high,))
    fresh = conn.execute(
        "SELECT unit_id FROM match_fresh f WHERE EXISTS (SELECT 1 FROM units WHERE id = f.unit_id)"
    )
    return sorted({int(r[0]) for r in above} | {int(r[0]) for r in fresh})


def _map_all(
    memory: Memory, lang: str, state: dict[str, int], *, dead: bool = True
) -> list[MatchIndex]:
    """The registered files of ``lang``, mapped, with the units removed since each was
    written (with ``dead``: a sorted array, cost proportional to the removals).

    Raises:
        StoreError: if a file is missing or damaged.
    """
    conn = memory.connection
    folder = index_dir(memory.path)
    files = _files(conn, lang)
    parts = [
        MatchIndex.map(folder / name, stamp={"memory": state["memory"], "seq": seq})
        for seq, name, _ in files
    ]
    for part, (seq, name, rows) in zip(parts, files, strict=True):
        if len(part) != rows:
            raise StoreError(f"{folder / name}: the match index is damaged (rows)")
        if not dead:
            continue
        gone = [r[0] for r in conn.execute("SELECT unit_id FROM match_dead WHERE seq >= ?", (seq,))]
        if gone:
            # sorted in Python, not by np.unique: that imports numpy.ma, a tenth of the
            # start-up of a match that has removals to skip
            part.dead = np.asarray(sorted(set(gone)), dtype=np.int64)
    return parts


@_store_errors
def load(memory: Memory, lang: str) -> LiveIndex | None:
    """The index of ``lang`` as the connection's current snapshot sees it (call inside a
    read transaction to keep that snapshot), or None when the memory has no index file of
    ``lang``.

    Raises:
        StoreError: if a registered file is missing or damaged.
    """
    conn = memory.connection
    if not _has_tables(conn):
        return None
    state = _state(conn)
    if not _files(conn, lang):
        return None
    parts = _map_all(memory, lang, state)
    pending = _pending_ids(conn, state["high"])
    if pending:
        rows = list(unit_rows(memory.sources(lang, ids=pending), lang))
        parts.append(_in_ram(rows, lang))
    return LiveIndex(parts, lang=lang)


def in_ram(items: Iterable[tuple[int, Unit]], lang: str) -> LiveIndex:
    """An index of ``items`` built in RAM (units held in memory, read-only memories)."""
    return LiveIndex([_in_ram(list(unit_rows(of_units(items, lang), lang)), lang)], lang=lang)


def _in_ram(rows: list[IndexRow], lang: str) -> MatchIndex:
    return MatchIndex.build(
        ((r[0], r[1]) for r in rows),
        lang=lang,
        docs=[r[2] for r in rows],
        parts=[r[3] for r in rows],
    )


# --- writing ---------------------------------------------------------------------------------


@_store_errors
def prepare(memory: Memory, lang: str) -> None:
    """Make sure ``lang`` has index files that map and few pending units, writing what is
    missing in a transaction of its own; does nothing on a read-only or busy memory (the
    reader then indexes in RAM what it needs). Reads first, so that a memory whose index is
    in order is never locked for writing."""
    conn = memory.connection
    if conn.in_transaction:
        return
    if _needs_work(memory, lang) is None:
        return
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError:
        return
    try:
        if not _has_tables(conn):
            _create(conn)
        follow(memory)
        if _needs_work(memory, lang) is not None:
            _rebuild(memory, lang)
        conn.execute("COMMIT")
    except (sqlite3.OperationalError, OSError, StoreError):
        # read-only after all (the memory or its directory), or an index file the memory
        # cannot replace: nothing was written, the reader indexes in RAM
        conn.execute("ROLLBACK")
        return
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    _clean_now(memory)


def _needs_work(memory: Memory, lang: str) -> str | None:
    """Why ``lang``'s index needs writing (None: it does not)."""
    conn = memory.connection
    if not _has_tables(conn):
        return "no index"
    if not _files(conn, lang):
        return "not indexed"
    state = _state(conn)
    try:
        _map_all(memory, lang, state, dead=False)
    except StoreError as err:
        return str(err)
    if len(_pending_ids(conn, state["high"])) > MAX_PENDING:
        return "many pending units"
    return None


def _create(conn: Connection) -> None:
    """The index tables and triggers (in the caller's transaction)."""
    for statement in ("DROP TABLE IF EXISTS match_meta", "DROP TABLE IF EXISTS match_index"):
        conn.execute(statement)  # the single-blob index of earlier untm versions
    for name in ("match_units_delete", "match_units_insert", "match_units_update"):
        conn.execute(f"DROP TRIGGER IF EXISTS {name}")
    for table in ("match_state", "match_files", "match_dead", "match_fresh"):
        conn.execute(f"DROP TABLE IF EXISTS {table}")
    for statement in _TABLES:
        conn.execute(statement)
    conn.executemany(
        "INSERT INTO match_state (key, value) VALUES (?, ?)",
        [
            ("format", _FORMAT),
            ("memory", random.getrandbits(62)),
            ("seq", 0),
            ("high", _max_id(conn)),
        ],
    )


def _max_id(conn: Connection) -> int:
    return int(conn.execute("SELECT coalesce(max(id), 0) FROM units").fetchone()[0])


def index_languages(memory: Memory) -> tuple[str, ...]:
    """The languages whose index the memory's next write keeps (:func:`follow`): those
    indexed, else English (indexed when the memory holds English after the write)."""
    conn = memory.connection
    if not _has_tables(conn):
        return ("en",)
    return tuple(r[0] for r in conn.execute("SELECT DISTINCT lang FROM match_files ORDER BY lang"))


@_store_errors
def follow(
    memory: Memory,
    *,
    progress: Callable[[int, int], None] | None = None,
    tokens: ImportTokens | None = None,
) -> None:
    """Index the units the current write transaction changed, in it (the hook of
    :class:`~tm.memory.Memory`'s writes). A memory without an index gets one for English
    when it holds English (what ``match`` reads by default); ``progress(done, total)``
    follows a large build; ``tokens``, the units of a bulk import tokenised as they were
    read, are used instead of reading those units back (:mod:`tm.index_rows`)."""
    conn = memory.connection
    if not _has_tables(conn):
        if "en" not in {_lang.base(tag) for tag in memory.languages()}:
            return
        _create(conn)
        _rebuild(memory, "en", progress=progress, tokens=tokens)
        return
    _clean(memory)
    state = _state(conn)
    langs = [r[0] for r in conn.execute("SELECT DISTINCT lang FROM match_files ORDER BY lang")]
    pending = _pending_ids(conn, state["high"])
    if pending:
        for lang in langs:
            arrays = imported_arrays(memory, tokens, lang, pending)
            rows = unit_rows(memory.sources(lang, ids=pending), lang) if arrays is None else ()
            _write(memory, lang, rows, progress, len(pending), arrays=arrays)
        conn.execute("DELETE FROM match_fresh")
        _set(conn, "high", max(_max_id(conn), state["high"]))
    for lang in langs:
        _merge(memory, lang, progress)


@_store_errors
def optimize(memory: Memory, *, progress: Callable[[int, int], None] | None = None) -> int:
    """Rebuild the index of every indexed language (English when none is) in one file each,
    in a transaction of its own; returns the bytes of the index files.

    Raises:
        StoreError: if the memory cannot be written.
    """
    conn = memory.connection
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as err:
        raise StoreError(f"{memory.path}: the memory is busy or read-only ({err})") from err
    try:
        if not _has_tables(conn):
            _create(conn)
        langs = [r[0] for r in conn.execute("SELECT DISTINCT lang FROM match_files")] or ["en"]
        for lang in langs:
            _rebuild(memory, lang, progress=progress)
        conn.execute("COMMIT")
    except BaseException as err:
        conn.execute("ROLLBACK")
        if isinstance(err, sqlite3.DatabaseError):
            raise StoreError(f"{memory.path}: cannot write the memory ({err})") from err
        raise
    _clean_now(memory)
    total = conn.execute("SELECT coalesce(sum(bytes), 0) FROM match_files").fetchone()[0]
    return int(total)


def _set(conn: Connection, key: str, value: int) -> None:
    conn.execute("UPDATE match_state SET value = ? WHERE key = ?", (value, key))


def _write(
    memory: Memory,
    lang: str,
    rows: Iterable[IndexRow],
    progress: Callable[[int, int], None] | None,
    total: int,
    *,
    arrays: dict[str, np.ndarray] | None = None,
) -> int:
    """Write ``rows`` (or the index ``arrays`` made of them) as a new file of ``lang`` and
    register it; returns its sequence number."""
    conn = memory.connection
    state = _state(conn)
    seq = state["seq"] + 1
    _set(conn, "seq", seq)
    folder = index_dir(memory.path)
    folder.mkdir(exist_ok=True)
    name = f"{lang}.{seq}.idx"
    stamp = {"memory": state["memory"], "seq": seq}
    if arrays is None:
        size = write_file(
            folder / name, rows, lang=lang, stamp=stamp, total=total, progress=progress
        )
    else:
        size = MatchIndex.write_arrays(folder / name, arrays, lang=lang, stamp=stamp)
        if progress is not None:
            progress(total, total)
    count = len(MatchIndex.map(folder / name, stamp={"memory": state["memory"], "seq": seq}))
    conn.execute(
        "INSERT INTO match_files (seq, lang, name, rows, bytes) VALUES (?, ?, ?, ?, ?)",
        (seq, lang, name, count, size),
    )
    return seq


def write_file(
    path: Path,
    rows: Iterable[IndexRow],
    *,
    lang: str,
    stamp: dict[str, int],
    total: int,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """:meth:`MatchIndex.write` of about ``total`` rows, on two workers when they are many,
    calling ``progress(done, total)`` as it goes; returns the file's size."""
    done = 0

    def advance(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(min(done, total), total)

    return MatchIndex.write(
        path,
        rows,
        lang=lang,
        stamp=stamp,
        workers=2 if total > _PARALLEL and (os.cpu_count() or 1) > 1 else 1,
        progress=advance,
    )


def _rebuild(
    memory: Memory,
    lang: str,
    *,
    progress: Callable[[int, int], None] | None = None,
    tokens: ImportTokens | None = None,
) -> None:
    """Index every unit of ``lang`` in one file that replaces the language's files (in the
    caller's transaction). Pending units of the other languages are written first, so that
    the high-water mark stays true of every language."""
    conn = memory.connection
    state = _state(conn)
    others = [
        r[0] for r in conn.execute("SELECT DISTINCT lang FROM match_files WHERE lang != ?", (lang,))
    ]
    pending = _pending_ids(conn, state["high"])
    if pending:
        for other in others:
            found = unit_rows(memory.sources(other, ids=pending), other)
            _write(memory, other, found, progress, len(pending))
    conn.execute("DELETE FROM match_files WHERE lang = ?", (lang,))
    total = memory.count()
    arrays = imported_arrays(memory, tokens, lang, None)
    rows: Iterable[IndexRow] = unit_rows(memory.sources(lang), lang) if arrays is None else ()
    _write(memory, lang, rows, progress, total, arrays=arrays)
    conn.execute("DELETE FROM match_fresh")
    _set(conn, "high", max(_max_id(conn), state["high"]))
    # tombstones older than every file are of no use any more
    conn.execute("DELETE FROM match_dead WHERE seq < (SELECT min(seq) FROM match_files)")


def _merge(memory: Memory, lang: str, progress: Callable[[int, int], None] | None) -> None:
    """Rebuild ``lang`` whole when its deltas and dead rows pass :data:`MERGE_SHARE` of its
    main file; merge its deltas into one when there are more than :data:`MAX_DELTAS`."""
    conn = memory.connection
    files = _files(conn, lang)
    if len(files) < 2:
        dead = conn.execute("SELECT count(*) FROM match_dead").fetchone()[0]
        if files and dead > MERGE_SHARE * files[0][2] and dead > 1000:
            _rebuild(memory, lang, progress=progress)
        return
    main_rows = files[0][2]
    dead = conn.execute("SELECT count(*) FROM match_dead").fetchone()[0]
    if sum(f[2] for f in files[1:]) + dead > MERGE_SHARE * max(main_rows, 1000):
        _rebuild(memory, lang, progress=progress)
        return
    if len(files) - 1 <= MAX_DELTAS:
        return
    state = _state(conn)
    deltas = _map_all(memory, lang, state)[1:]
    live: set[int] = set()
    for part in deltas:
        live.update(part.live_ids().tolist())
    ids = sorted(live)
    for seq, _, _ in files[1:]:
        conn.execute("DELETE FROM match_files WHERE seq = ?", (seq,))
    _write(memory, lang, unit_rows(memory.sources(lang, ids=ids), lang), progress, len(ids))


def _clean_now(memory: Memory) -> None:
    """:func:`_clean` in a write transaction of its own (none when the memory is busy)."""
    conn = memory.connection
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError:
        return
    try:
        _clean(memory)
    finally:
        conn.execute("COMMIT")


def _clean(memory: Memory) -> None:
    """Delete the files of the index directory that no longer are registered (replaced, or
    written by a transaction that rolled back). Call holding the write lock."""
    folder = index_dir(memory.path)
    if not folder.is_dir():
        return
    keep = {r[0] for r in memory.connection.execute("SELECT name FROM match_files")}
    for path in folder.iterdir():
        if path.name not in keep:
            path.unlink(missing_ok=True)
