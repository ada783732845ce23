"""The SQLite backend of a memory: one file (WAL journal), its match index files beside it.

The file itself is :mod:`tm.storefile`'s (recognised before it is touched, created race-free,
held with a shared lock); this is what a :class:`~tm.memory.Memory` asks of it
(:class:`tm.backend.Backend`): ``BEGIN IMMEDIATE`` for writers, SQLite's error names in
words, the bulk insert tuned to SQLite (many rows per statement, ``OR IGNORE``), the Python
functions concordance and the pairing of contained units call from SQL (``untm_find``,
``untm_anchor``), and the match index kept in step (:mod:`tm.live_index`).
"""

from __future__ import annotations

import errno
import shutil
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tm.backend import Backend, MemoryView
from tm.encoding import UNIT_COLUMNS, anchor_hash, variant_contains
from tm.errors import StoreError
from tm.storefile import CACHE_KB, OpenedStore, open_store

if TYPE_CHECKING:
    from tm.live_index import LiveIndex

__all__ = ["SqliteBackend"]

_ROWS_PER_STATEMENT = 400
#: a transaction inserting more units than this grows its page cache (_grow_cache)
_GROW_CACHE_AFTER = 1_000_000
#: by this much a unit (the index's share, with room), to at most _CACHE_MAX_KB
_CACHE_BYTES_PER_UNIT = 48
_CACHE_MAX_KB = 2**20
_LEARNED = (
    "CREATE TABLE IF NOT EXISTS learned "
    "(name TEXT PRIMARY KEY, data BLOB NOT NULL, units INTEGER NOT NULL)"
)


class SqliteBackend(Backend):
    """A memory in one SQLite file."""

    learned_table = _LEARNED

    def __init__(self, path: Path, *, create: bool) -> None:
        store = open_store(path, create=create)
        store.connection.create_function("untm_find", 3, variant_contains, deterministic=True)
        store.connection.create_function("untm_anchor", 2, anchor_hash, deterministic=True)
        self.path = path
        self.name = str(path)
        self.store: OpenedStore = store
        self.sqlite = store.connection
        self.connection = store.connection
        self.created = store.created
        self._first_insert: int | None = None  # the first id the transaction inserted
        self._grown = False  # whether it grew the page cache

    @property
    def read_only(self) -> bool:
        return self.store.read_only

    def begin(self) -> None:
        if self.read_only:
            raise self._read_only()
        self._default_cache()  # after a transaction that rolled back
        try:
            self.sqlite.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as err:
            raise self._write_error(err) from err

    def begin_read(self) -> None:
        self.sqlite.execute("BEGIN")

    def changes(self) -> int:
        return self.sqlite.total_changes

    def before_commit(self, memory: MemoryView, *, units_changed: bool) -> None:
        self._default_cache()
        if units_changed:
            from tm import live_index  # numpy and the tokenizer: loaded by writes only

            live_index.follow(memory, progress=memory.index_progress, tokens=memory.import_tokens)

    def error(self, err: BaseException) -> StoreError | None:
        if isinstance(err, sqlite3.DatabaseError):
            return self._write_error(err)
        cause = err.__cause__ if isinstance(err, StoreError) else err
        if isinstance(cause, OSError) and cause.errno in (errno.ENOSPC, errno.EDQUOT):
            # the match index beside the memory, written in the same transaction
            return self._disk_full(str(err) if isinstance(err, StoreError) else "")
        return None

    def _read_only(self) -> StoreError:
        return StoreError(f"{self.path} is read-only: it can be searched and exported, not changed")

    def _disk_full(self, detail: str = "") -> StoreError:
        said = f"; {detail}" if detail else ""
        return StoreError(
            f"{self.path}: the disk is full; the memory is as it was (nothing was stored{said})"
        )

    def _write_error(self, err: sqlite3.DatabaseError) -> StoreError:
        name = getattr(err, "sqlite_errorname", "")
        if name == "SQLITE_FULL" or name == "SQLITE_IOERR_WRITE":
            return self._disk_full()
        if name.startswith("SQLITE_READONLY"):
            return self._read_only()
        if name.startswith("SQLITE_BUSY") or name.startswith("SQLITE_LOCKED"):
            return StoreError(f"{self.path}: another process is still writing the memory")
        return StoreError(f"{self.path}: cannot write the memory ({err})")

    def insert_units(
        self, first: int, origin: str | None, rows: Iterable[tuple[Any, ...]], width: int
    ) -> int:
        """Up to 400 rows per statement (as many as SQLite's limit on bound values allows):
        SQLite runs one statement of many rows faster than many statements. Each statement
        binds its first id and the origin once (the rows say ``?1+k`` and ``?2``). ``OR
        IGNORE`` skips a unit whose key is taken (a statement that may abort halfway keeps a
        statement journal, which costs more than the separate statements)."""
        conn = self.sqlite
        self._grow_cache(first)
        per_statement = min(
            _ROWS_PER_STATEMENT,
            (conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) - 2) // width,
        )
        flat = list(chain.from_iterable(rows))
        step = width * per_statement
        whole = len(flat) - len(flat) % step
        count = 0
        if whole:
            params = [
                [first + at // width, origin, *flat[at : at + step]] for at in range(0, whole, step)
            ]
            count += conn.executemany(_insert_sql(width, per_statement), params).rowcount
        if whole < len(flat):
            # one row per statement: a statement of each remainder's size would be compiled
            rest = [
                [first + at // width, origin, *flat[at : at + width]]
                for at in range(whole, len(flat), width)
            ]
            count += conn.executemany(_insert_sql(width, 1), rest).rowcount
        return count

    def _grow_cache(self, first: int) -> None:
        """Give a large import's transaction a page cache that holds the unique index on unit
        keys, which it writes in random order: with 64 MB, 10 million units took twice the
        time, the cache rereading index pages and spilling them to the WAL again and again
        (8.8 GB written for a 2.5 GB memory). About 48 bytes a unit, at most 1 GB; the cache
        is set back before the commit."""
        if self._first_insert is None:
            self._first_insert = first
        inserted = first - self._first_insert
        if inserted > _GROW_CACHE_AFTER:
            wanted = min(_CACHE_MAX_KB, max(CACHE_KB, inserted * _CACHE_BYTES_PER_UNIT // 1024))
            self.sqlite.execute(f"PRAGMA cache_size=-{wanted}")
            self._grown = True

    def _default_cache(self) -> None:
        """The page cache back to its size (the end of a transaction that grew it)."""
        self._first_insert = None
        if self._grown:
            self.sqlite.execute(f"PRAGMA cache_size=-{CACHE_KB}")
            self._grown = False

    def copy_rows(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        marks = ",".join("?" * len(columns))
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
        return int(self.sqlite.executemany(sql, rows).rowcount)

    def anchor_pairs(self, first_id: int, anchors: Iterable[str]) -> list[tuple[int, int]]:
        """Paired in a temporary table, so that memory use stays flat whatever the size."""
        conn = self.sqlite
        conn.execute(
            "CREATE TEMP TABLE IF NOT EXISTS untm_anchors "
            "(lang TEXT, hash INTEGER, id INTEGER, new INTEGER)"
        )
        conn.execute("DELETE FROM temp.untm_anchors")
        for lang in anchors:
            conn.execute(
                "INSERT INTO temp.untm_anchors SELECT ?1, h, id, id > ?2 FROM "
                "(SELECT untm_anchor(variants, ?1) AS h, id FROM units) WHERE h IS NOT NULL",
                (lang, first_id),
            )
        conn.execute("CREATE INDEX IF NOT EXISTS temp.untm_anchors_hash ON untm_anchors (hash)")
        pairs = conn.execute(
            "SELECT n.id, o.id FROM temp.untm_anchors n JOIN temp.untm_anchors o "
            "ON o.hash = n.hash AND o.lang = n.lang AND o.new = 0 WHERE n.new = 1 "
            "ORDER BY n.id, o.id"
        ).fetchall()
        conn.execute("DELETE FROM temp.untm_anchors")
        return [(int(a), int(b)) for a, b in pairs]

    def concordance_ids(self, needle: str, bases: str, limit: int) -> list[int]:
        rows = self.sqlite.execute(
            "SELECT id FROM units WHERE untm_find(variants, ?, ?) ORDER BY id LIMIT ?",
            (needle, bases, limit),
        )
        return [int(row[0]) for row in rows]

    def index_languages(self, memory: MemoryView) -> tuple[str, ...]:
        from tm import live_index

        return live_index.index_languages(memory)

    def prepare_index(self, memory: MemoryView, lang: str) -> None:
        from tm import live_index

        live_index.prepare(memory, lang)

    def match_index(self, memory: MemoryView, lang: str) -> LiveIndex:
        """The index files (written first if missing, damaged or far behind, when the memory
        can be written), read; built in RAM when there are none to read."""
        from tm import live_index

        live_index.prepare(memory, lang)
        try:
            found = live_index.load(memory, lang)
        except StoreError:
            found = None  # damaged, and the memory could not be written to repair it
        if found is None:
            try:
                found = live_index.in_ram(memory.units_with_ids(langs=[lang]), lang)
            except sqlite3.DatabaseError as err:
                raise StoreError(f"{self.path}: cannot read the memory's units ({err})") from err
        return found

    def optimize_index(
        self, memory: MemoryView, *, progress: Callable[[int, int], None] | None = None
    ) -> int:
        """The index files beside the memory, in a write transaction of their own."""
        from tm import live_index

        return live_index.optimize(memory, progress=progress)

    def discard(self) -> bool:
        """Remove the file (and its index files) when no other process holds it."""
        if self.store.discard(self.path):
            shutil.rmtree(f"{self.path}-index", ignore_errors=True)
            return True
        return False

    def close(self) -> None:
        self.store.close()


@cache
def _insert_sql(width: int, rows: int) -> str:
    """The statement inserting ``rows`` units of ``width`` columns (see
    :meth:`SqliteBackend.insert_units`)."""
    names = "id, key, tuid, origin, variants" + (f", {UNIT_COLUMNS}" if width > 3 else "")
    values = []
    for k in range(rows):
        marks = [f"?{3 + k * width + c}" for c in range(width)]
        values.append(f"(?1+{k},{marks[0]},{marks[1]},?2,{','.join(marks[2:])})")
    return f"INSERT OR IGNORE INTO units ({names}) VALUES {','.join(values)}"
