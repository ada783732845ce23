"""The translation-memory store: one SQLite file, versioned schema, one transaction per import.

A :class:`Memory` keeps :class:`~tm.models.Unit` values with their variants, dates, props and
notes. Language tags are stored in canonical BCP 47 case with the region the user wrote
(``EN-us`` -> ``en-US``) and compared by primary language. Units whose variants carry the same
texts in the same languages are one unit: importing a file twice merges instead of
multiplying.

All SQL lives in this class and sticks to what PostgreSQL also accepts (``ON CONFLICT``)
but for the bulk insert's ``OR IGNORE`` (PostgreSQL: ``ON CONFLICT DO NOTHING``), so a server
backend can implement the same few methods for teams without touching callers.
"""

from __future__ import annotations

import json
import re
import sqlite3
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache, lru_cache
from hashlib import blake2b as _blake2b
from itertools import chain, islice, repeat
from pathlib import Path
from types import TracebackType
from typing import Any

from tm import lang as _lang
from tm.errors import InputError, LanguageError, StoreError
from tm.models import Unit, Variant

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

#: Version of the SQLite schema written by this module (also in ``PRAGMA user_version``).
SCHEMA_VERSION = 2

_VERSION = "0.1.0"

# One row per unit: importing a unit costs one row insert (a millions-unit TMX imports at
# the speed of its parsing). The variants of a unit are encoded in the ``variants`` column
# (see _encode_plain and _encode_full); ``key`` is a 64-bit hash of the unit's texts by
# primary language, so that equal units merge; ``languages`` counts units per stored tag.
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS units (
    id INTEGER PRIMARY KEY,
    key INTEGER NOT NULL UNIQUE,
    tuid TEXT,
    origin TEXT,
    variants TEXT NOT NULL,
    segtype TEXT,
    props TEXT,
    notes TEXT,
    creation_date TEXT,
    creation_id TEXT,
    change_date TEXT,
    change_id TEXT,
    usage_count INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS languages (lang TEXT PRIMARY KEY, units INTEGER NOT NULL);
"""

_UNIT_COLUMNS = (
    "segtype, props, notes, creation_date, creation_id, change_date, change_id, usage_count"
)
_SELECT = f"SELECT id, tuid, variants, {_UNIT_COLUMNS} FROM units"
#: the unit columns (segtype to usage_count) of a unit with nothing but a tuid and variants
_PLAIN_HEAD: tuple[Any, ...] = (None, None, None, None, None, None, None, 0)
_BATCH = 2000
_STORED_DATE = re.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")
_KEY_MAX = 2**63 - 1
_ROWS_PER_STATEMENT = 400
#: imports of more units than this check their tuids by hash first (see _check_tuids), up to
#: _MAX_HASHED_TUIDS units (32 MB of hashes; larger imports leave the check to SQL)
_SORT_TUIDS = 50_000
_MAX_HASHED_TUIDS = 4_000_000
#: separates the fields of plain variants in the ``variants`` column
_SEP = "\x1f"

#: A unit holding nothing but a tuid and its variants' ``(lang, text, markup)``, as a plain
#: tuple: the common case of large TMX files. :meth:`Memory.add` takes these beside
#: :class:`~tm.models.Unit` values, so that a bulk reader need not build two dataclasses per
#: unit; ``(tuid, variants)`` is stored exactly as ``Unit(variants, tuid=tuid)`` would be.
PlainUnit = tuple[str | None, tuple[tuple[str, str, str | None], ...]]

#: A :data:`PlainUnit` with the unit-level props, notes, dates and ids that CAT tools write:
#: ``(tuid, variants, props, notes, creation_date, creation_id, change_date, change_id)``,
#: stored exactly as the :class:`~tm.models.Unit` with these fields would be.
DatedUnit = tuple[
    str | None,
    tuple[tuple[str, str, str | None], ...],
    tuple[tuple[str, str], ...],
    tuple[str, ...],
    datetime | None,
    str | None,
    datetime | None,
    str | None,
]


def signature() -> str:
    """The signature stored in the ``meta`` table and TMX headers: ``untm:0.1.0|schema:1``."""
    return f"untm:{_VERSION}|schema:{SCHEMA_VERSION}"


@cache
def _known_languages() -> frozenset[str]:
    from babel import Locale

    return frozenset(str(code).lower() for code in Locale("en").languages)


@lru_cache(maxsize=4096)
def language_tag(tag: str | None) -> str:
    """Return ``tag`` as a canonical BCP 47 tag, keeping its region: ``EN_us`` -> ``en-US``.

    Raises:
        LanguageError: if the tag is missing, malformed, or its language is not in CLDR
            (three-letter codes such as ``eng`` are refused: CAT tools expect ``en``).

    >>> language_tag("EN-us")
    'en-US'
    """
    if tag is None or not tag.strip():
        raise LanguageError("a language code is missing (expected e.g. 'en', 'fr', 'zh-CN')")
    canonical = _lang.normalize(tag)
    primary = canonical.split("-")[0]
    if primary not in _known_languages():
        raise LanguageError(
            f"{tag!r} is not a known language code (expected a two-letter code such as "
            "'en', 'fr', 'zh-CN')"
        )
    return canonical


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What one import did: units added, merged into existing ones, removed, skipped."""

    added: int = 0
    merged: int = 0
    removed: int = 0
    skipped: int = 0
    warnings: tuple[str, ...] = ()
    revision: int = 0


@dataclass(frozen=True, slots=True)
class MemoryStats:
    """A summary of a memory: units, revision, signature, units per language and origin."""

    path: str
    units: int
    revision: int
    signature: str
    languages: dict[str, int]
    origins: dict[str, int]


class Memory:
    """A translation memory in one SQLite file (WAL journal).

    Open with :meth:`open`; use as a context manager or call :meth:`close`. A memory file
    that :meth:`open` created is removed again when the ``with`` block fails before anything
    was stored in it, so a failed first import leaves no empty memory behind.
    """

    def __init__(self, connection: sqlite3.Connection, path: Path, *, created: bool = False):
        self.connection = connection
        self.path = path
        self._created = created

    # --- opening and closing --------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path, *, create: bool = True) -> Memory:
        """Open (and with ``create``, create) the memory at ``path``.

        Raises:
            StoreError: if the file is missing (without ``create``), is not an untm memory,
                or was written by another schema version.
        """
        path = Path(path)
        if not create and not path.is_file():
            raise StoreError(f"{path}: no translation memory here (build or import one first)")
        if path.is_dir():
            raise StoreError(f"{path} is a directory; give a file name such as tm.sqlite")
        created = not path.exists()
        conn: sqlite3.Connection | None = None
        try:
            conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"{path} has schema version {version}; this untm reads up to "
                    f"{SCHEMA_VERSION} (upgrade untm)"
                )
            if 0 < version < SCHEMA_VERSION:
                raise StoreError(
                    f"{path} was made by an older untm (schema version {version}; this untm "
                    f"reads {SCHEMA_VERSION}): re-import it into a new memory file"
                )
            # new files only (a no-op on existing ones): 16 KB pages make the WAL frames of a
            # large import fewer; its commit costs a third of what 4 KB pages cost
            conn.execute("PRAGMA page_size=16384")
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            # 64 MB of page cache: the unique index on unit keys is written in random order
            conn.execute("PRAGMA cache_size=-65536")
            if version == 0:
                tables = conn.execute(
                    "SELECT count(*) FROM sqlite_master WHERE type='table'"
                ).fetchone()[0]
                if tables:
                    raise StoreError(f"{path} is an SQLite file but not an untm memory")
                conn.executescript(f"BEGIN; {_SCHEMA} COMMIT;")
                conn.executemany(
                    "INSERT INTO meta (key, value) VALUES (?, ?)",
                    [("signature", signature()), ("revision", "0")],
                )
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except BaseException as err:
            # a refused file is closed at once, not left open until garbage collection
            if conn is not None:
                conn.close()
            if isinstance(err, sqlite3.DatabaseError):
                raise StoreError(f"{path}: not a translation memory ({err})") from err
            raise
        conn.create_function("untm_find", 3, _find, deterministic=True)
        return cls(conn, path, created=created)

    def close(self) -> None:
        """Close the connection (the memory stays on disk)."""
        self.connection.close()

    def __enter__(self) -> Memory:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        discard = exc is not None and self._created and self.count() == 0
        self.close()
        if discard:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    # --- writing --------------------------------------------------------------------------

    def add(
        self,
        units: Iterable[Unit | PlainUnit | DatedUnit],
        *,
        origin: str | None = None,
        replace: bool = False,
    ) -> ImportReport:
        """Add ``units`` in one transaction; a failure leaves the memory as it was.

        Units with the same texts in the same languages as a stored unit merge into it (notes
        and props are joined, the later change date and higher usage count kept). With
        ``replace``, units stored earlier from the same ``origin`` are removed first, so that
        rebuilding a document does not keep its old alignment. Bulk readers may give
        :data:`PlainUnit` and :data:`DatedUnit` tuples instead of :class:`Unit` values.

        Raises:
            InputError: if two different units of this import share a tuid, or a unit has
                no variant.
            LanguageError: if a variant has an unknown language.
            StoreError: if the database cannot be written.
        """
        return self.add_rows(encode_units(units), origin=origin, replace=replace)

    def add_rows(
        self, batches: Iterable[UnitRows], *, origin: str | None = None, replace: bool = False
    ) -> ImportReport:
        """Store units that :func:`encode_units` encoded, as :meth:`add` does (which calls
        this): a bulk reader may encode on other cores while this stores in order.

        Raises:
            InputError: if two different units of this import share a tuid.
            StoreError: if the database cannot be written.
        """
        conn = self.connection
        added = merged = removed = 0
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as err:
            raise StoreError(f"{self.path}: the memory is busy or read-only ({err})") from err
        try:
            if replace and origin is not None:
                removed = self._delete_origin(origin)
            first_id = conn.execute("SELECT coalesce(max(id), 0) FROM units").fetchone()[0]
            next_id = first_id + 1
            combos: dict[tuple[str, ...], int] = {}
            tuids: array[int] | None = array("q")
            for batch in batches:
                n = self._store(batch, next_id, origin, combos)
                added, merged = added + n, merged + len(batch.keys) - n
                next_id += len(batch.keys)
                if tuids is not None:
                    tuids.extend(map(hash, [tuid for tuid in batch.tuids if tuid is not None]))
                    if len(tuids) > _MAX_HASHED_TUIDS:
                        tuids = None  # memory stays flat: the SQL check alone
            self._check_tuids(first_id, tuids)
            self._count_languages(combos, 1)
            revision = self._bump() if added or merged or removed else self.revision()
            conn.execute("COMMIT")
        except BaseException as err:
            conn.execute("ROLLBACK")
            if isinstance(err, sqlite3.DatabaseError):
                raise StoreError(f"{self.path}: cannot write the memory ({err})") from err
            raise
        return ImportReport(added=added, merged=merged, removed=removed, revision=revision)

    def _store(
        self,
        batch: UnitRows,
        first: int,
        origin: str | None,
        combos: dict[tuple[str, ...], int],
    ) -> int:
        """Insert a batch of units under the ids from ``first``, one row each; merge the
        duplicates; add the batch's language combinations to ``combos``. Returns how many
        units were new.

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
        ids = range(first, first + count)
        rows: Iterable[tuple[Any, ...]] = zip(batch.keys, batch.tuids, batch.data, strict=True)
        if batch.extras:
            get = batch.extras.get
            rows = (
                (key, tuid, data, *get(at, _PLAIN_HEAD))
                for at, (key, tuid, data) in enumerate(rows)
            )
        inserted = _insert_many(conn, first, origin, rows, 11 if batch.extras else 3)
        if inserted != count:
            present = {
                row[0]
                for row in conn.execute(
                    "SELECT id FROM units WHERE id BETWEEN ? AND ?", (first, first + count - 1)
                )
            }
            for uid in ids:
                if uid not in present:
                    inserted += self._resolve(uid, uid - first, batch, origin, combos)
        return int(inserted)

    def _resolve(
        self,
        uid: int,
        at: int,
        batch: UnitRows,
        origin: str | None,
        combos: dict[tuple[str, ...], int],
    ) -> int:
        """Store the unit at position ``at`` of ``batch`` (id ``uid``) whose key was taken:
        merge it into the stored unit with the same texts, or (two different units with one
        64-bit hash) insert it under the next free key. Returns 1 if it was inserted, 0 if
        merged."""
        conn = self.connection
        data = batch.data[at]
        extra = batch.extras.get(at)
        texts = _texts(data)
        key = batch.keys[at]
        while True:
            found = conn.execute("SELECT id, variants FROM units WHERE key = ?", (key,)).fetchone()
            if found is None:
                row = (uid, key, batch.tuids[at], origin, data, *(extra or ()))
                columns = "id, key, tuid, origin, variants"
                if extra is not None:
                    columns += f", {_UNIT_COLUMNS}"
                marks = ",".join("?" * len(row))
                conn.execute(f"INSERT INTO units ({columns}) VALUES ({marks})", row)
                return 1
            if _texts(found[1]) == texts:
                break
            key = key + 1 if key < _KEY_MAX else -_KEY_MAX - 1
        combos[tuple(v[0] for v in _decode(data))] -= 1
        if extra is not None:
            self._merge(found[0], extra)
        # a merged plain unit changes nothing: it has no notes, props, dates
        return 0

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
        conn = self.connection
        combos: dict[tuple[str, ...], int] = {}
        for (data,) in conn.execute("SELECT variants FROM units WHERE origin = ?", (origin,)):
            combo = tuple(v[0] for v in _decode(data))
            combos[combo] = combos.get(combo, 0) + 1
        self._count_languages(combos, -1)
        return int(conn.execute("DELETE FROM units WHERE origin = ?", (origin,)).rowcount)

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
                _dumps(_join(_loads(old_props), _loads(props))),
                _dumps(_join(_loads(old_notes), _loads(notes))),
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

    def _bump(self) -> int:
        conn = self.connection
        conn.execute(
            "UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) "
            "WHERE key = 'revision'"
        )
        return self.revision()

    def remove_origin(self, origin: str) -> int:
        """Remove every unit stored from ``origin``; return how many were removed."""
        conn = self.connection
        conn.execute("BEGIN IMMEDIATE")
        try:
            removed = self._delete_origin(origin)
            if removed:
                self._bump()
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return int(removed)

    # --- reading --------------------------------------------------------------------------

    def revision(self) -> int:
        """A number that grows on every change, so derived indexes know when they are stale."""
        row = self.connection.execute("SELECT value FROM meta WHERE key = 'revision'").fetchone()
        return int(row[0])

    def meta(self) -> dict[str, str]:
        """The ``meta`` table: signature, revision."""
        return dict(self.connection.execute("SELECT key, value FROM meta").fetchall())

    def count(self) -> int:
        """Number of units."""
        return int(self.connection.execute("SELECT count(*) FROM units").fetchone()[0])

    def languages(self) -> dict[str, int]:
        """Units per language tag as stored (``en-US`` and ``en`` counted apart)."""
        rows = self.connection.execute("SELECT lang, units FROM languages ORDER BY lang")
        return {lang: n for lang, n in rows}

    def origins(self) -> dict[str, int]:
        """Units per origin (the document or file they came from)."""
        rows = self.connection.execute(
            "SELECT coalesce(origin, ''), count(*) FROM units GROUP BY origin ORDER BY origin"
        )
        return {origin: n for origin, n in rows}

    def stats(self) -> MemoryStats:
        """Units, revision, signature, and units per language and per origin."""
        meta = self.meta()
        return MemoryStats(
            path=str(self.path),
            units=self.count(),
            revision=int(meta["revision"]),
            signature=meta["signature"],
            languages=self.languages(),
            origins=self.origins(),
        )

    def units(self, *, langs: Sequence[str] | None = None) -> Iterator[Unit]:
        """Every unit in storage order; with ``langs``, only those languages' variants
        (compared by primary language) and only units that have at least one of them."""
        for _, unit in self.units_with_ids(langs=langs):
            yield unit

    def units_with_ids(self, *, langs: Sequence[str] | None = None) -> Iterator[tuple[int, Unit]]:
        """Every unit with its stable integer id, in id order (streams; constant memory)."""
        keep = self._selection(langs)
        cursor = self.connection.cursor()
        cursor.execute(_SELECT + " ORDER BY id")
        for row in cursor:
            unit = _unit(row, keep)
            if unit is not None:
                yield row[0], unit

    def records(
        self, *, langs: Sequence[str] | None = None
    ) -> Iterator[Unit | PlainUnit | DatedUnit]:
        """The units of :meth:`units`, those with nothing but a tuid and texts as
        :data:`PlainUnit` tuples, those with unit-level props, notes, dates and ids besides
        (what CAT tools export) as :data:`DatedUnit` tuples: what bulk writers turn into text
        fastest."""
        keep = self._selection(langs)
        cursor = self.connection.cursor()
        cursor.execute(_SELECT + " ORDER BY id")
        for row in cursor:
            data = row[2]
            if row[3] is None and not row[10] and data[0] != "[":
                variants = _decode(data)
                if keep is not None:
                    variants = tuple(v for v in variants if _primary(v[0]) in keep)
                    if not variants:
                        continue
                if row[3:] == _PLAIN_HEAD:
                    yield row[1], variants
                else:
                    _, tuid, _, _, props, notes, cdate, cid, mdate, mid, _ = row
                    yield (
                        tuid,
                        variants,
                        _pairs(props),
                        _notes(notes),
                        _date(cdate),
                        cid,
                        _date(mdate),
                        mid,
                    )
            else:
                unit = _unit(row, keep)
                if unit is not None:
                    yield unit

    def _selection(self, langs: Sequence[str] | None) -> frozenset[str] | None:
        """The primary languages to keep, or None when every stored language is wanted."""
        if not langs:
            return None
        keep = frozenset(_lang.base(lang) for lang in langs)
        if {_primary(tag) for tag in self.languages()} <= keep:
            return None
        return keep

    def get(self, ids: Sequence[int]) -> list[Unit]:
        """The units with these ids, in the order asked (unknown ids are left out)."""
        found: dict[int, Unit] = {}
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            cursor = self.connection.execute(
                f"{_SELECT} WHERE id IN ({','.join('?' * len(chunk))})", chunk
            )
            for row in cursor:
                unit = _unit(row, None)
                if unit is not None:
                    found[row[0]] = unit
        return [found[i] for i in ids if i in found]

    def concordance(self, text: str, *, lang: str | None = None, limit: int = 50) -> list[Unit]:
        """Units with a variant containing ``text`` (case-insensitive), in any or one language.

        Raises:
            InputError: if ``text`` is empty.
        """
        needle = text.strip().casefold()
        if not needle:
            raise InputError("give some text to search for")
        base = "" if lang is None else _lang.base(language_tag(lang))
        ids = [
            row[0]
            for row in self.connection.execute(
                "SELECT id FROM units WHERE untm_find(variants, ?, ?) ORDER BY id LIMIT ?",
                (needle, base, limit),
            )
        ]
        return self.get(ids)


# --- rows <-> values ----------------------------------------------------------------------
#
# The ``variants`` column holds a unit's variants in order, in one of two forms:
# - plain variants (language, text, inline markup; nothing else): for each, its tag, its
#   text and ``=`` + its markup (empty without markup), all joined by U+001F. Tags never
#   start with ``[``; texts that hold U+001F themselves take the second form.
# - any variants: a JSON list of ``[tag, text, markup, props, notes, creation date,
#   creation id, change date, change id]``.


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
    names = "id, key, tuid, origin, variants" + (f", {_UNIT_COLUMNS}" if width > 3 else "")
    values = []
    for k in range(rows):
        marks = [f"?{3 + k * width + c}" for c in range(width)]
        values.append(f"(?1+{k},{marks[0]},{marks[1]},?2,{','.join(marks[2:])})")
    return f"INSERT OR IGNORE INTO units ({names}) VALUES {','.join(values)}"


def _find(data: str, needle: str, base: str) -> bool:
    """SQL ``untm_find``: whether a variant's text (of primary language ``base``, or of any
    language when ``base`` is empty) contains ``needle`` (casefolded), case-insensitively."""
    return any(
        needle in text.casefold()
        for tag, text, *_ in _decode(data)
        if not base or _primary(tag) == base
    )


def _decode(data: str) -> tuple[tuple[Any, ...], ...]:
    """The variants of a ``variants`` column: tuples starting ``(tag, text, markup)``,
    followed by props, notes, dates and ids in the JSON form."""
    if data[0] == "[":
        return tuple(tuple(v) for v in json.loads(data))
    fields = data.split(_SEP)
    codes = fields[2::3]
    if not any(codes):
        # no variant has markup: the common case of large exports
        return tuple(zip(fields[0::3], fields[1::3], repeat(None)))
    return tuple(
        zip(fields[0::3], fields[1::3], [c[1:] if c else None for c in codes], strict=True)
    )


def _variants(data: str, keep: frozenset[str] | None) -> tuple[Variant, ...]:
    out = []
    for item in _decode(data):
        if keep is not None and _primary(item[0]) not in keep:
            continue
        if len(item) == 3:
            out.append(Variant(*item))
        else:
            tag, text, markup, props, notes, cdate, cid, mdate, mid = item
            out.append(
                Variant(
                    tag,
                    text,
                    markup,
                    tuple((k, v) for k, v in props),
                    tuple(notes),
                    _date(cdate),
                    cid,
                    _date(mdate),
                    mid,
                )
            )
    return tuple(out)


def _texts(data: str) -> list[tuple[str, str, str]]:
    """What a unit's key is the hash of: its texts and markup by primary language, sorted.
    Compared as tuples, not as the joined text hashed, which texts holding U+001E or U+001F
    can make equal for different units."""
    return sorted((_primary(v[0]), v[1], v[2] or "") for v in _decode(data))


def _encode_full(variants: Sequence[Variant], tags: dict[str, tuple[str, str]]) -> str:
    """The JSON form of the ``variants`` column (variants with props, notes, dates, ids)."""
    items = []
    for v in variants:
        known = tags.get(v.lang)
        if known is None:
            known = tags[v.lang] = _tag_and_base(v.lang)
        items.append(
            [
                known[0],
                v.text,
                v.markup,
                [list(p) for p in v.props],
                list(v.notes),
                _date_text(v.creation_date),
                v.creation_id,
                _date_text(v.change_date),
                v.change_id,
            ]
        )
    return json.dumps(items, ensure_ascii=False)


def _unit(row: tuple[Any, ...], keep: frozenset[str] | None) -> Unit | None:
    """A unit from a row of :data:`_SELECT` with the variants of ``keep`` (None: all), or
    None when none of them is left."""
    _, tuid, data, segtype, props, notes, cdate, cid, mdate, mid, usage = row
    variants = _variants(data, keep)
    if not variants:
        return None
    if row[3:] == _PLAIN_HEAD:
        return Unit(variants, tuid=tuid)
    return Unit(
        variants,
        tuid=tuid,
        props=_pairs(props),
        notes=_notes(notes),
        creation_date=_date(cdate),
        creation_id=cid,
        change_date=_date(mdate),
        change_id=mid,
        usage_count=usage,
        segtype=segtype,
    )


@lru_cache(maxsize=4096)
def _primary(tag: str) -> str:
    """The primary language of a stored (canonical) tag."""
    return tag.split("-")[0]


def _tag_and_base(tag: str) -> tuple[str, str]:
    canonical = language_tag(tag)
    return canonical, canonical.split("-")[0]


@dataclass(slots=True)
class UnitRows:
    """Units encoded as rows of the ``units`` table, in order, ready for
    :meth:`Memory.add_rows`: each unit's key, tuid and ``variants`` column, and for units
    with more than texts, their other columns (segtype to usage_count) by position. Plain
    lists pickle fast, so a bulk reader can encode in other processes."""

    keys: list[int] = field(default_factory=list)
    tuids: list[str | None] = field(default_factory=list)
    data: list[str] = field(default_factory=list)
    #: the unit columns of units with more than a tuid and texts, by position in the batch
    extras: dict[int, tuple[Any, ...]] = field(default_factory=dict)
    #: units by the tuple of their variants' tags (for the per-language counts)
    combos: dict[tuple[str, ...], int] = field(default_factory=dict)


def encode_units(
    units: Iterable[Unit | PlainUnit | DatedUnit], *, size: int = _BATCH
) -> Iterator[UnitRows]:
    """Encode ``units`` as batches of ``size`` rows (the last may be shorter).

    Raises:
        InputError: if a unit has no variant.
        LanguageError: if a variant has an unknown language.
    """
    # the loop below runs once per unit of files with millions of them: plain units go
    # straight to their columns, with language tags looked up in a local dict; Unit values
    # take the same steps, then _unit_columns gives their other columns
    tags: dict[str, tuple[str, str]] = {}
    units = iter(units)
    while True:
        batch = UnitRows()
        keys, tuids, datas, extras, combos = (
            batch.keys,
            batch.tuids,
            batch.data,
            batch.extras,
            batch.combos,
        )
        for unit in islice(units, size):
            if isinstance(unit, tuple):
                tuid, variants = unit[0], unit[1]
            else:
                tuid = unit.tuid
                variants = tuple((v.lang, v.text, v.markup) for v in unit.variants)
            if not variants:
                raise InputError(f"a unit (tuid {tuid!r}) has no language variant")
            # the variants column of plain variants (see _decode) and the key: a hash of the
            # texts and markup by primary language, sorted
            parts = []
            fields = []
            langs = []
            for lang, text, markup in variants:
                known = tags.get(lang)
                if known is None:
                    known = tags[lang] = _tag_and_base(lang)
                tag, base = known
                langs.append(tag)
                if markup is None:
                    fields.append(f"{tag}\x1f{text}\x1f")
                    parts.append(f"{base}\x1e{text}\x1e")
                else:
                    fields.append(f"{tag}\x1f{text}\x1f={markup}")
                    parts.append(f"{base}\x1e{text}\x1e{markup}")
            data = _SEP.join(fields)
            if data.count(_SEP) != 3 * len(fields) - 1:
                data = _encode_full([Variant(*v) for v in variants], tags)
            parts.sort()
            combo = tuple(langs)
            combos[combo] = combos.get(combo, 0) + 1
            if not isinstance(unit, tuple):
                data, extra = _unit_columns(unit, data, tags)
                if extra is not None:
                    extras[len(keys)] = extra
            elif len(unit) > 2:
                _, _, props, notes, cdate, cid, mdate, mid = unit
                extras[len(keys)] = (
                    None,
                    _props_text(props),
                    _notes_text(notes),
                    _date_text(cdate),
                    cid,
                    _date_text(mdate),
                    mid,
                    0,
                )
            keys.append(
                int.from_bytes(
                    _blake2b("\x1f".join(parts).encode(), digest_size=8).digest(),
                    "little",
                    signed=True,
                )
            )
            tuids.append(tuid)
            datas.append(data)
        if not keys:
            return
        yield batch


def _unit_columns(
    unit: Unit, data: str, tags: dict[str, tuple[str, str]]
) -> tuple[str, tuple[Any, ...] | None]:
    """The ``variants`` column of ``unit`` (``data``, its plain variants, unless a variant
    has props, notes, dates or ids) and its other columns (None when it has nothing else)."""
    if any(
        v.props
        or v.notes
        or v.creation_date is not None
        or v.creation_id is not None
        or v.change_date is not None
        or v.change_id is not None
        for v in unit.variants
    ):
        data = _encode_full(unit.variants, tags)
    if not (
        unit.props
        or unit.notes
        or unit.creation_date is not None
        or unit.creation_id is not None
        or unit.change_date is not None
        or unit.change_id is not None
        or unit.usage_count
        or unit.segtype is not None
    ):
        return data, None
    return data, (
        unit.segtype,
        _props_text(unit.props),
        _notes_text(unit.notes),
        _date_text(unit.creation_date),
        unit.creation_id,
        _date_text(unit.change_date),
        unit.change_id,
        unit.usage_count,
    )


def as_unit(record: PlainUnit | DatedUnit) -> Unit:
    """The :class:`~tm.models.Unit` a :data:`PlainUnit` or :data:`DatedUnit` stands for."""
    if len(record) == 2:
        tuid, variants = record
        return Unit(tuple(Variant(*v) for v in variants), tuid=tuid)
    tuid, variants, props, notes, cdate, cid, mdate, mid = record
    return Unit(
        tuple(Variant(*v) for v in variants),
        tuid=tuid,
        props=props,
        notes=notes,
        creation_date=cdate,
        creation_id=cid,
        change_date=mdate,
        change_id=mid,
    )


@lru_cache(maxsize=1024)
def _props_text(props: tuple[tuple[str, str], ...]) -> str | None:
    """The ``props`` column (cached: the props of a file's units repeat, e.g. its document)."""
    return _dumps([list(p) for p in props])


@lru_cache(maxsize=1024)
def _notes_text(notes: tuple[str, ...]) -> str | None:
    """The ``notes`` column (cached as :func:`_props_text`)."""
    return _dumps(list(notes))


def _dumps(items: list[Any]) -> str | None:
    return json.dumps(items, ensure_ascii=False) if items else None


def _loads(text: str | None) -> list[Any]:
    return [] if text is None else list(json.loads(text))


@lru_cache(maxsize=1024)
def _pairs(text: str | None) -> tuple[tuple[str, str], ...]:
    """The props of a ``props`` column (cached: a file's units repeat their props)."""
    if text is None:
        return ()
    return tuple((k, v) for k, v in json.loads(text))


@lru_cache(maxsize=1024)
def _notes(text: str | None) -> tuple[str, ...]:
    """The notes of a ``notes`` column (cached as :func:`_pairs`)."""
    return tuple(_loads(text))


def _join(old: list[Any], new: list[Any]) -> list[Any]:
    out = list(old)
    out.extend(item for item in new if item not in old)
    return out


@lru_cache(maxsize=4096)
def _date_text(value: datetime | None) -> str | None:
    """``value`` in UTC as ``YYYY-MM-DDThh:mm:ssZ`` (ISO 8601, four-digit years)."""
    if value is None:
        return None
    if value.tzinfo is not UTC:
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    # isoformat pads years to four digits: 0999-01-01T00:00:00
    return value.isoformat(timespec="seconds")[:19] + "Z"


@lru_cache(maxsize=4096)
def _date(text: str | None) -> datetime | None:
    if text is None:
        return None
    if _STORED_DATE.fullmatch(text):
        # what _date_text writes, read at a twentieth of strptime's cost
        return datetime.fromisoformat(text)
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
