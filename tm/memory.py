"""The translation-memory store: one SQLite file, versioned schema, one transaction per import.

A :class:`Memory` keeps :class:`~tm.models.Unit` values with their variants, dates, props and
notes. Language tags are stored in canonical BCP 47 case with the region the user wrote
(``EN-us`` -> ``en-US``) and compared by primary language. Units whose variants carry the same
texts in the same languages are one unit: importing a file twice merges instead of
multiplying.

How a unit is encoded in its row is :mod:`tm.encoding`'s business, the queries that read a
memory are :class:`~tm.memory_reader.MemoryReader`'s (which :class:`Memory` is), the schema is
:mod:`tm.schema`'s and the documents :mod:`tm.documents`'. The SQL sticks to what PostgreSQL
also accepts (``ON CONFLICT``) but for the bulk insert's ``OR IGNORE`` (PostgreSQL: ``ON
CONFLICT DO NOTHING``), so a server backend can implement the same few methods for teams
without touching callers.
"""

from __future__ import annotations

import errno
import shutil
import sqlite3
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from itertools import chain
from pathlib import Path
from types import TracebackType
from typing import Any, NoReturn

from tm.encoding import (
    PLAIN_HEAD,
    UNIT_COLUMNS,
    DatedUnit,
    PlainUnit,
    UnitRows,
    anchor_hash,
    as_unit,
    decode_variants,
    encode_units,
    join_json,
    key_texts,
    language_tag,
    primary,
    retag,
    variant_contains,
)
from tm.errors import InputError, StoreError
from tm.lang import likely_region
from tm.memory_reader import MemoryReader, MemoryStats
from tm.models import Unit
from tm.schema import SCHEMA_VERSION, signature
from tm.storefile import OpenedStore, open_store

# DatedUnit, PlainUnit, UnitRows, as_unit, encode_units and language_tag live in tm.encoding;
# they stay importable from here, where callers have always found them.
__all__ = [
    "SCHEMA_VERSION",
    "ImportReport",
    "Memory",
    "MemoryStats",
    "DatedUnit",
    "PlainUnit",
    "UnitRows",
    "as_unit",
    "encode_units",
    "language_tag",
    "signature",
]

#: keys of the ``meta`` table that the memory itself maintains
_OWN_META = frozenset({"signature", "revision"})
# Models learned from the memory for alignment (subwords, lexicons: tm/learned.py), made on
# first use: derived data that any memory may lack (MemoryReader.learned reads them).
_LEARNED = (
    "CREATE TABLE IF NOT EXISTS learned "
    "(name TEXT PRIMARY KEY, data BLOB NOT NULL, units INTEGER NOT NULL)"
)

_KEY_MAX = 2**63 - 1
#: merges under another tuid named one by one in an import's warnings
_SHOWN_RENAMES = 10
_ROWS_PER_STATEMENT = 400
#: imports of more units than this check their tuids by hash first (see _check_tuids), up to
#: _MAX_HASHED_TUIDS units (32 MB of hashes; larger imports leave the check to SQL)
_SORT_TUIDS = 50_000
_MAX_HASHED_TUIDS = 4_000_000


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What one import did: units added, merged into existing ones, removed, skipped."""

    added: int = 0
    merged: int = 0
    removed: int = 0
    skipped: int = 0
    warnings: tuple[str, ...] = ()
    revision: int = 0


class Memory(MemoryReader):
    """A translation memory in one SQLite file (WAL journal).

    Open with :meth:`open`; use as a context manager or call :meth:`close`. A memory file
    that :meth:`open` created is removed again when the ``with`` block fails before anything
    was stored in it, so a failed first import leaves no empty memory behind.
    """

    def __init__(self, connection: sqlite3.Connection, path: Path, *, created: bool = False):
        self.connection = connection
        self.path = path
        self._created = created
        #: called as ``(done, total)`` while a write builds a large match index
        self.index_progress: Callable[[int, int], None] | None = None
        self._file: OpenedStore | None = None
        #: (tuid, stored tuid) of units of the current import merged into a stored unit
        #: with other tuid: said in the import's warnings
        self._renamed: list[tuple[str, str | None]] = []

    # --- opening and closing --------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path, *, create: bool = True) -> Memory:
        """Open (and with ``create``, create) the memory at ``path`` (see :mod:`tm.storefile`:
        a file that is not a memory is refused unchanged; creating is race-free; an older
        schema is upgraded in place, :mod:`tm.schema`).

        Raises:
            InputError: if the file is missing (without ``create``) or not a file.
            StoreError: if the file is not an untm memory, was written by another schema
                version, or is damaged.
        """
        path = Path(path)
        store = open_store(path, create=create)
        store.connection.create_function("untm_find", 3, variant_contains, deterministic=True)
        store.connection.create_function("untm_anchor", 2, anchor_hash, deterministic=True)
        memory = cls(store.connection, path, created=store.created)
        memory._file = store
        return memory

    @property
    def read_only(self) -> bool:
        """Whether the memory could only be opened for reading (a read-only disk or file)."""
        return self._file is not None and self._file.read_only

    def close(self) -> None:
        """Close the connection (the memory stays on disk)."""
        if self._file is not None:
            self._file.close()
        else:
            self.connection.close()

    def __enter__(self) -> Memory:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc is not None and self._created and self._file is not None:
            # a failed first import leaves no empty memory, unless another process holds it
            if self._file.discard(self.path):
                shutil.rmtree(f"{self.path}-index", ignore_errors=True)
        else:
            self.close()

    # --- writing --------------------------------------------------------------------------

    def add(
        self,
        units: Iterable[Unit | PlainUnit | DatedUnit],
        *,
        origin: str | None = None,
        replace: bool = False,
        keep_regions: bool = False,
    ) -> ImportReport:
        """Add ``units`` in one transaction; a failure leaves the memory as it was.

        Units with the same texts in the same languages as a stored unit merge into it (notes
        and props are joined, the later change date and higher usage count kept), and so do
        units whose every text a stored unit holds (a pair exported from a multilingual unit
        comes back into it). Regional tags that CAT-tool profiles write for the memory's
        languages (``fr-FR`` for ``fr``) are stored as the memory's, unless ``keep_regions``.
        With ``replace``, units stored earlier from the same ``origin`` are removed first.
        Bulk readers may give :data:`PlainUnit` and :data:`DatedUnit` tuples instead of
        :class:`Unit` values.

        Raises:
            InputError: if two different units of this import share a tuid, or a unit has
                no variant.
            LanguageError: if a variant has an unknown language.
            StoreError: if the database cannot be written.
        """
        return self.add_rows(
            encode_units(units), origin=origin, replace=replace, keep_regions=keep_regions
        )

    def add_rows(
        self,
        batches: Iterable[UnitRows],
        *,
        origin: str | None = None,
        replace: bool = False,
        keep_regions: bool = False,
    ) -> ImportReport:
        """Store units that :func:`encode_units` encoded, as :meth:`add` does (which calls
        this): a bulk reader may encode on other cores while this stores in order.

        Raises:
            InputError: if two different units of this import share a tuid.
            StoreError: if the database cannot be written.
        """
        conn = self.connection
        added = merged = removed = 0
        self._renamed = []
        with self.transaction():
            if replace and origin is not None:
                removed = self._delete_origin(origin)
            first_id = conn.execute("SELECT coalesce(max(id), 0) FROM units").fetchone()[0]
            stored = frozenset(primary(tag) for tag in self.languages())
            aliases = {} if keep_regions else self._region_aliases()
            next_id = first_id + 1
            combos: dict[tuple[str, ...], int] = {}
            tuids: array[int] | None = array("q")
            for batch in batches:
                if aliases:
                    batch = retag(batch, aliases)
                n = self._store(batch, next_id, origin, combos)
                added, merged = added + n, merged + len(batch.keys) - n
                next_id += len(batch.keys)
                if tuids is not None:
                    tuids.extend(map(hash, [tuid for tuid in batch.tuids if tuid is not None]))
                    if len(tuids) > _MAX_HASHED_TUIDS:
                        tuids = None  # memory stays flat: the SQL check alone
            self._check_tuids(first_id, tuids)
            self._count_languages(combos, 1)
            anchors = {
                min(primary(tag) for tag in combo)
                for combo, n in combos.items()
                if n > 0 and {primary(tag) for tag in combo} < stored
            }
            if anchors:
                contained = self._merge_contained(first_id, anchors)
                added, merged = added - contained, merged + contained
            revision = self.bump() if added or merged or removed else self.revision()
        return ImportReport(
            added=added,
            merged=merged,
            removed=removed,
            revision=revision,
            warnings=_renamed_warnings(self._renamed),
        )

    # --- changing units ---------------------------------------------------------------------
    #
    # Every change to the units table happens inside one transaction(), through these:
    #   _store (and _resolve)  adds units (add_rows, store_units); a unit equal to a stored one
    #                          merges into it (_merge: props, notes, dates, never texts)
    #   delete_units           removes units (and their document links)
    # Their callers: add_rows (imports), store_units and delete_units (tm.documents: build,
    # remove), remove_origin. The match index follows every change: triggers record the ids
    # added and removed (tm.live_index), and transaction() calls _follow_index before it
    # commits; bump() makes revision() grow on every committed change.

    @contextmanager
    def transaction(self, *, units: bool = True) -> Iterator[None]:
        """One write transaction: committed whole, or rolled back whole on any error. One
        that may change ``units`` brings the match index up to date before it commits
        (:meth:`_follow_index`), when it changed anything.

        Raises:
            StoreError: the memory is busy or read-only, or cannot be written.
        """
        conn = self.connection
        self._begin()
        try:
            changes = conn.total_changes
            yield
            if units and conn.total_changes != changes:
                self._follow_index()
            conn.execute("COMMIT")
        except BaseException as err:
            self._rollback(err)

    def _begin(self) -> None:
        """Start a write transaction (waiting for another process's to end).

        Raises:
            StoreError: the memory is read-only or stays busy.
        """
        if self.read_only:
            raise StoreError(
                f"{self.path} is read-only: it can be searched and exported, not changed"
            )
        try:
            self.connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as err:
            raise self._write_error(err) from err

    def _rollback(self, err: BaseException) -> NoReturn:
        """Undo the write transaction that ``err`` ended (SQLite has undone it already when
        the disk was full) and raise ``err`` in words a user can act on."""
        if self.connection.in_transaction:
            self.connection.execute("ROLLBACK")
        if isinstance(err, sqlite3.DatabaseError):
            raise self._write_error(err) from err
        cause = err.__cause__ if isinstance(err, StoreError) else err
        if isinstance(cause, OSError) and cause.errno in (errno.ENOSPC, errno.EDQUOT):
            # the match index beside the memory, written in the same transaction
            raise self._disk_full(str(err) if isinstance(err, StoreError) else "") from err
        raise err

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
            return StoreError(
                f"{self.path} is read-only: it can be searched and exported, not changed"
            )
        if name.startswith("SQLITE_BUSY") or name.startswith("SQLITE_LOCKED"):
            return StoreError(f"{self.path}: another process is still writing the memory")
        return StoreError(f"{self.path}: cannot write the memory ({err})")

    def _region_aliases(self) -> dict[str, str]:
        """The regional tags CAT-tool profiles write for the memory's languages (``fr-FR``
        for ``fr``, ``zh-CN`` for ``zh``: CLDR's likely region) -> the tag stored, for each
        language stored under one tag only. ``zh-TW`` or ``en-GB`` stay as written."""
        tags: dict[str, list[str]] = {}
        for tag in self.languages():
            tags.setdefault(primary(tag), []).append(tag)
        return {
            likely_region(found[0]): found[0]
            for found in tags.values()
            if len(found) == 1 and likely_region(found[0]) != found[0]
        }

    def _merge_contained(self, first_id: int, anchors: set[str]) -> int:
        """Merge each unit this import added (ids above ``first_id``) whose every text an
        earlier unit holds into that unit (the first, by id), as equal units merge: what a
        pair or PO export of multilingual units brings back. Returns how many merged.

        Candidates pair by a hash of their text in one of the ``anchors`` languages, in a
        temporary table, so that memory use stays flat whatever the size."""
        conn = self.connection
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
        done: set[int] = set()
        for new_id, old_id in pairs:
            if new_id in done:
                continue
            (new,) = self.get([new_id])
            (old,) = self.get([old_id])
            if _contained(new, old):
                extra = conn.execute(
                    f"SELECT {UNIT_COLUMNS} FROM units WHERE id = ?", (new_id,)
                ).fetchone()
                self._merge(old_id, extra)
                done.add(new_id)
        conn.execute("DELETE FROM temp.untm_anchors")
        return self.delete_units(sorted(done))

    def store_units(self, units: Sequence[Unit], *, origin: str, own: bool = False) -> list[int]:
        """Store ``units`` (inside a :meth:`transaction`) as :meth:`add` does, without the
        merging of contained units; return the id each was stored under, in order (equal
        units share one). With ``own``, a unit equal to one stored from ``origin`` takes its
        place (tuid, props, dates) instead of merging: a rebuild replaces its last build."""
        conn = self.connection
        next_id = conn.execute("SELECT coalesce(max(id), 0) FROM units").fetchone()[0] + 1
        combos: dict[tuple[str, ...], int] = {}
        ids: list[int] = []
        for batch in encode_units(units):
            self._store(batch, next_id, origin, combos, ids=ids, own=own)
            next_id += len(batch.keys)
        self._count_languages(combos, 1)
        return ids

    def delete_units(self, ids: Sequence[int]) -> int:
        """Remove the units ``ids`` and their document links; return how many went."""
        conn = self.connection
        combos: dict[tuple[str, ...], int] = {}
        removed = 0
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            for (data,) in conn.execute(f"SELECT variants FROM units WHERE id IN ({marks})", chunk):
                combo = tuple(v[0] for v in decode_variants(data))
                combos[combo] = combos.get(combo, 0) + 1
            conn.execute(f"DELETE FROM document_units WHERE unit IN ({marks})", chunk)
            removed += conn.execute(f"DELETE FROM units WHERE id IN ({marks})", chunk).rowcount
        self._count_languages(combos, -1)
        return removed

    def _store(
        self,
        batch: UnitRows,
        first: int,
        origin: str | None,
        combos: dict[tuple[str, ...], int],
        *,
        ids: list[int] | None = None,
        own: bool = False,
    ) -> int:
        """Insert a batch of units under the ids from ``first``, one row each; merge the
        duplicates; add the batch's language combinations to ``combos``. Returns how many
        units were new; appends to ``ids`` the id each unit was stored under. With ``own``,
        a unit equal to one stored from the same ``origin`` takes its place (tuid, props,
        dates: a rebuild's replace the last build's) instead of merging.

        The common case (no duplicate) costs one ``executemany``; duplicates are found by
        the ids the insert skipped (``OR IGNORE`` skips only rows whose key is taken: ids are
        new and every NOT NULL column is given).
        """
        for combo, n in batch.combos.items():
            combos[combo] = combos.get(combo, 0) + n
        count = len(batch.keys)
        if not count:
            return 0
        conn = self.connection
        rows: Iterable[tuple[Any, ...]] = zip(batch.keys, batch.tuids, batch.data, strict=True)
        if batch.extras:
            get = batch.extras.get
            rows = (
                (key, tuid, data, *get(at, PLAIN_HEAD)) for at, (key, tuid, data) in enumerate(rows)
            )
        inserted = _insert_many(conn, first, origin, rows, 11 if batch.extras else 3)
        if inserted == count:
            if ids is not None:
                ids.extend(range(first, first + count))
            return int(inserted)
        present = {
            row[0]
            for row in conn.execute(
                "SELECT id FROM units WHERE id BETWEEN ? AND ?", (first, first + count - 1)
            )
        }
        for uid in range(first, first + count):
            if uid not in present:
                new, uid = self._resolve(uid, uid - first, batch, origin, combos, own=own)
                inserted += new
            if ids is not None:
                ids.append(uid)
        return int(inserted)

    def _resolve(
        self,
        uid: int,
        at: int,
        batch: UnitRows,
        origin: str | None,
        combos: dict[tuple[str, ...], int],
        *,
        own: bool = False,
    ) -> tuple[int, int]:
        """Store the unit at position ``at`` of ``batch`` (id ``uid``) whose key was taken:
        merge it into the stored unit with the same texts, or (two different units with one
        64-bit hash) insert it under the next free key. Returns 1 if it was inserted, 0 if
        merged, and the id it is stored under (see :meth:`_store` for ``own``)."""
        conn = self.connection
        data = batch.data[at]
        extra = batch.extras.get(at)
        texts = key_texts(data)
        key = batch.keys[at]
        while True:
            found = conn.execute(
                "SELECT id, variants, origin, tuid FROM units WHERE key = ?", (key,)
            ).fetchone()
            if found is None:
                row = (uid, key, batch.tuids[at], origin, data, *(extra or ()))
                columns = "id, key, tuid, origin, variants"
                if extra is not None:
                    columns += f", {UNIT_COLUMNS}"
                marks = ",".join("?" * len(row))
                conn.execute(f"INSERT INTO units ({columns}) VALUES ({marks})", row)
                return 1, uid
            if key_texts(found[1]) == texts:
                break
            key = key + 1 if key < _KEY_MAX else -_KEY_MAX - 1
        combos[tuple(v[0] for v in decode_variants(data))] -= 1
        tuid = batch.tuids[at]
        if tuid is not None and found[3] != tuid and not (own and found[2] == origin):
            self._renamed.append((tuid, found[3]))
        if own and origin is not None and found[2] == origin:
            sets = ", ".join(f"{name.strip()} = ?" for name in UNIT_COLUMNS.split(","))
            conn.execute(
                f"UPDATE units SET tuid = ?, {sets} WHERE id = ?",
                (batch.tuids[at], *(extra or PLAIN_HEAD), found[0]),
            )
        elif extra is not None:
            self._merge(found[0], extra)
        # a merged plain unit changes nothing: it has no notes, props, dates
        return 0, found[0]

    def _count_languages(self, combos: dict[tuple[str, ...], int], sign: int) -> None:
        """Add (``sign`` 1) or remove (-1) units to the per-language counts, by the tuple of
        their variants' tags (a unit counts once per tag)."""
        counts: dict[str, int] = {}
        for combo, n in combos.items():
            for tag in set(combo):
                counts[tag] = counts.get(tag, 0) + sign * n
        conn = self.connection
        conn.executemany(
            "INSERT INTO languages (lang, units) VALUES (?, ?) "
            "ON CONFLICT (lang) DO UPDATE SET units = units + excluded.units",
            [item for item in counts.items() if item[1]],
        )
        conn.execute("DELETE FROM languages WHERE units <= 0")

    def _delete_origin(self, origin: str) -> int:
        rows = self.connection.execute("SELECT id FROM units WHERE origin = ?", (origin,))
        return self.delete_units([uid for (uid,) in rows])

    def _merge(self, uid: int, extra: tuple[Any, ...]) -> None:
        """Merge the unit columns ``extra`` (segtype to usage_count) of an equal unit into
        the stored unit ``uid``: props and notes joined, the later change date and the
        higher usage count kept."""
        conn = self.connection
        _, props, notes, _, _, change_date, _, usage = extra
        old_props, old_notes, old_date, old_usage = conn.execute(
            "SELECT props, notes, change_date, usage_count FROM units WHERE id = ?", (uid,)
        ).fetchone()
        if old_date is not None and (change_date is None or old_date > change_date):
            change_date = old_date
        conn.execute(
            "UPDATE units SET props = ?, notes = ?, change_date = ?, usage_count = ? WHERE id = ?",
            (
                join_json(old_props, props),
                join_json(old_notes, notes),
                change_date,
                max(old_usage, usage),
                uid,
            ),
        )

    def _check_tuids(self, first_id: int, hashes: array[int] | None) -> None:
        """Refuse two stored units of this import (ids above ``first_id``) with one tuid.
        Large imports first look for two equal ``hashes`` of their tuids (a sort of 64-bit
        numbers: a third of the SQL below at a million units); only then does SQL say which
        tuid, if the equal hashes were two tuids or a unit that merged into another."""
        if hashes is not None and len(hashes) > _SORT_TUIDS:
            import numpy as np

            ordered = np.sort(np.frombuffer(hashes, dtype=np.int64))
            if not (ordered[1:] == ordered[:-1]).any():
                return
        clash = self.connection.execute(
            "SELECT tuid FROM units WHERE id > ? AND tuid IS NOT NULL "
            "GROUP BY tuid HAVING count(*) > 1 LIMIT 1",
            (first_id,),
        ).fetchone()
        if clash is not None:
            raise InputError(
                f"tuid {clash[0]!r} is used by two different units; a tuid must identify one "
                "unit (nothing was imported)"
            )

    def _follow_index(self) -> None:
        """Bring the match index up to date with the units this transaction changed, in it
        (:func:`tm.live_index.follow`). Every write that changes units calls this just before
        it commits; triggers record the changes themselves, so a write that did not call it
        leaves the index correct, only slower to read until the next write."""
        from tm import live_index  # numpy and the tokenizer: loaded by writes only

        live_index.follow(self, progress=self.index_progress)

    def bump(self) -> int:
        """Make :meth:`revision` grow (inside a :meth:`transaction`); return the new one."""
        conn = self.connection
        conn.execute(
            "UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) "
            "WHERE key = 'revision'"
        )
        return self.revision()

    def remove_origin(self, origin: str) -> int:
        """Remove every unit stored from ``origin``; return how many were removed."""
        with self.transaction():
            removed = self._delete_origin(origin)
            if removed:
                self.bump()
        return removed

    def set_meta(self, key: str, value: str) -> None:
        """Keep ``value`` under ``key`` in the ``meta`` table (settings stored with the memory,
        such as access tokens: tm/access.py); the memory's own keys cannot be changed.

        Raises:
            InputError: ``key`` is one of the memory's own keys.
        """
        self._settable(key)
        with self.transaction(units=False):
            self.connection.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def delete_meta(self, key: str) -> None:
        """Remove ``key`` from the ``meta`` table (a key set with :meth:`set_meta`)."""
        self._settable(key)
        with self.transaction(units=False):
            self.connection.execute("DELETE FROM meta WHERE key = ?", (key,))

    @staticmethod
    def _settable(key: str) -> None:
        if key in _OWN_META:
            raise InputError(f"{key!r} belongs to the memory itself and cannot be set")

    def store_learned(self, name: str, data: bytes, *, units: int) -> None:
        """Store (replace) the model ``name`` that alignment learned (tm/learned.py), with
        the units the memory held when it was learned; derived data: no revision change.

        Raises:
            StoreError: if the database cannot be written.
        """
        with self.transaction(units=False):
            self.connection.execute(_LEARNED)
            self.connection.execute(
                "INSERT INTO learned (name, data, units) VALUES (?, ?, ?) ON CONFLICT (name) "
                "DO UPDATE SET data = excluded.data, units = excluded.units",
                (name, data, units),
            )


def _insert_many(
    conn: sqlite3.Connection,
    first: int,
    origin: str | None,
    rows: Iterable[tuple[Any, ...]],
    width: int,
) -> int:
    """Insert units under the ids from ``first``, with ``origin``, from ``rows`` of ``width``
    values: key, tuid, variants and with 11, segtype to usage_count; up to 400 rows per
    statement (as many as SQLite's limit on bound values allows): SQLite runs one statement of
    many rows faster than many statements. Each statement binds its first id and the origin
    once (the rows say ``?1+k`` and ``?2``). ``OR IGNORE`` skips a unit whose key is taken (a
    statement that may abort halfway keeps a statement journal, which costs more than the
    separate statements). Returns how many rows were inserted."""
    per_statement = min(
        _ROWS_PER_STATEMENT, (conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) - 2) // width
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


@cache
def _insert_sql(width: int, rows: int) -> str:
    """The statement inserting ``rows`` units of ``width`` columns (see :func:`_insert_many`)."""
    names = "id, key, tuid, origin, variants" + (f", {UNIT_COLUMNS}" if width > 3 else "")
    values = []
    for k in range(rows):
        marks = [f"?{3 + k * width + c}" for c in range(width)]
        values.append(f"(?1+{k},{marks[0]},{marks[1]},?2,{','.join(marks[2:])})")
    return f"INSERT OR IGNORE INTO units ({names}) VALUES {','.join(values)}"


def _contained(new: Unit, old: Unit) -> bool:
    """Whether every variant of ``new`` is one of ``old``'s (same language, same text; the
    same markup, unless ``new`` has none, as PO and CSV never do)."""
    held = {(primary(v.lang), v.text): v.markup for v in old.variants}
    for v in new.variants:
        key = (primary(v.lang), v.text)
        if key not in held or (v.markup is not None and held[key] != v.markup):
            return False
    return True


def _renamed_warnings(renamed: list[tuple[str, str | None]]) -> tuple[str, ...]:
    """The warnings for units merged into a stored unit with another tuid (the first ten,
    then how many more)."""
    out = [
        f"the unit with tuid {tuid!r} has the texts of a stored unit "
        + (f"with tuid {stored!r}" if stored is not None else "without tuid")
        + f"; merged into it, which keeps {'its tuid' if stored is not None else 'no tuid'}"
        for tuid, stored in renamed[:_SHOWN_RENAMES]
    ]
    if len(renamed) > _SHOWN_RENAMES:
        out.append(f"... and {len(renamed) - _SHOWN_RENAMES} more units merged under another tuid")
    return tuple(out)
