"""The translation-memory store: one SQLite file, versioned schema, one transaction per import.

A :class:`Memory` keeps :class:`~tm.models.Unit` values with their variants, dates, props and
notes. Language tags are stored in canonical BCP 47 case with the region the user wrote
(``EN-us`` -> ``en-US``) and compared by primary language. Units whose variants carry the same
texts in the same languages are one unit: importing a file twice merges instead of
multiplying.

All SQL lives in this class and sticks to what PostgreSQL also accepts (``ON CONFLICT``,
``RETURNING``), so a server backend can implement the same few methods for teams without
touching callers.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache, lru_cache
from hashlib import blake2b as _blake2b
from itertools import chain, groupby
from operator import itemgetter
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
    "PlainUnit",
    "language_tag",
    "signature",
]

#: Version of the SQLite schema written by this module (also in ``PRAGMA user_version``).
SCHEMA_VERSION = 1

_VERSION = "0.1.0"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS units (
    id INTEGER PRIMARY KEY,
    key BLOB NOT NULL UNIQUE,
    tuid TEXT,
    origin TEXT,
    segtype TEXT,
    props TEXT,
    notes TEXT,
    creation_date TEXT,
    creation_id TEXT,
    change_date TEXT,
    change_id TEXT,
    usage_count INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS variants (
    unit_id INTEGER NOT NULL REFERENCES units (id),
    pos INTEGER NOT NULL,
    lang TEXT NOT NULL,
    base TEXT NOT NULL,
    text TEXT NOT NULL,
    markup TEXT,
    props TEXT,
    notes TEXT,
    creation_date TEXT,
    creation_id TEXT,
    change_date TEXT,
    change_id TEXT,
    PRIMARY KEY (unit_id, pos)
) WITHOUT ROWID;
"""

_UNIT_COLUMNS = (
    "tuid, origin, segtype, props, notes, creation_date, creation_id, change_date, change_id, "
    "usage_count"
)
_VARIANT_COLUMNS = (
    "lang, text, markup, props, notes, creation_date, creation_id, change_date, change_id"
)
_SELECT = (
    "SELECT u.id, "
    + ", ".join(f"u.{c}" for c in _UNIT_COLUMNS.split(", "))
    + ", "
    + ", ".join(f"v.{c}" for c in _VARIANT_COLUMNS.split(", "))
    + " FROM units u JOIN variants v ON v.unit_id = u.id"
)
_RECORDS = (
    "SELECT u.id, u.tuid, u.segtype, u.props, u.notes, u.creation_date, u.creation_id, "
    "u.change_date, u.change_id, u.usage_count, v.lang, v.text, v.markup, v.props, v.notes, "
    "v.creation_date, v.creation_id, v.change_date, v.change_id "
    "FROM units u JOIN variants v ON v.unit_id = u.id"
)
#: the unit columns (segtype to usage_count) and variant columns (props to change_id) of a
#: unit with nothing but a tuid and texts
_PLAIN_HEAD: tuple[Any, ...] = (None, None, None, None, None, None, None, 0)
_PLAIN_TAIL: tuple[Any, ...] = (None, None, None, None, None, None)
_BATCH = 2000
_STORED_DATE = re.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")
_ROWS_PER_STATEMENT = 100

#: A unit holding nothing but a tuid and its variants' ``(lang, text, markup)``, as a plain
#: tuple: the common case of large TMX files. :meth:`Memory.add` takes these beside
#: :class:`~tm.models.Unit` values, so that a bulk reader need not build two dataclasses per
#: unit; ``(tuid, variants)`` is stored exactly as ``Unit(variants, tuid=tuid)`` would be.
PlainUnit = tuple[str | None, tuple[tuple[str, str, str | None], ...]]


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

    Open with :meth:`open`; use as a context manager or call :meth:`close`.
    """

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self.connection = connection
        self.path = path

    # --- opening and closing --------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path, *, create: bool = True) -> Memory:
        """Open (and with ``create``, create) the memory at ``path``.

        Raises:
            StoreError: if the file is missing (without ``create``), is not an untm memory,
                or was written by a newer schema.
        """
        path = Path(path)
        if not create and not path.is_file():
            raise StoreError(f"{path}: no translation memory here (build or import one first)")
        if path.is_dir():
            raise StoreError(f"{path} is a directory; give a file name such as tm.sqlite")
        try:
            conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                conn.close()
                raise StoreError(
                    f"{path} has schema version {version}; this untm reads up to "
                    f"{SCHEMA_VERSION} (upgrade untm)"
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
                    conn.close()
                    raise StoreError(f"{path} is an SQLite file but not an untm memory")
                conn.executescript(f"BEGIN; {_SCHEMA} COMMIT;")
                conn.executemany(
                    "INSERT INTO meta (key, value) VALUES (?, ?)",
                    [("signature", signature()), ("revision", "0")],
                )
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except sqlite3.DatabaseError as err:
            raise StoreError(f"{path}: not a translation memory ({err})") from err
        conn.create_function("untm_fold", 1, _fold, deterministic=True)
        return cls(conn, path)

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
        self.close()

    # --- writing --------------------------------------------------------------------------

    def add(
        self,
        units: Iterable[Unit | PlainUnit],
        *,
        origin: str | None = None,
        replace: bool = False,
    ) -> ImportReport:
        """Add ``units`` in one transaction; a failure leaves the memory as it was.

        Units with the same texts in the same languages as a stored unit merge into it (notes
        and props are joined, the later change date and higher usage count kept). With
        ``replace``, units stored earlier from the same ``origin`` are removed first, so that
        rebuilding a document does not keep its old alignment. Bulk readers may give
        :data:`PlainUnit` tuples instead of :class:`Unit` values for units that hold nothing
        but a tuid and texts.

        Raises:
            InputError: if two different units of this import share a tuid, or a unit has
                no variant.
            LanguageError: if a variant has an unknown language.
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
            batch = _Batch(origin, first_id + 1)
            # the loop below runs once per unit of files with millions of them: plain units
            # go straight to row tuples, with language tags looked up in a local dict
            tags: dict[str, tuple[str, str]] = {}
            plain_units, plain_variants, coded_variants = (
                batch.plain_units,
                batch.plain_variants,
                batch.coded_variants,
            )
            next_id = batch.first
            for unit in units:
                if isinstance(unit, tuple):
                    tuid, variants = unit
                    if not variants:
                        raise InputError(f"a unit (tuid {tuid!r}) has no language variant")
                    parts = []
                    for pos, (lang, text, markup) in enumerate(variants):
                        known = tags.get(lang)
                        if known is None:
                            known = tags[lang] = _tag_and_base(lang)
                        tag, base = known
                        if markup is None:
                            plain_variants.append((next_id, pos, base, tag, text))
                            parts.append(f"{base}\x1e{text}\x1e")
                        else:
                            coded_variants.append((next_id, pos, base, tag, text, markup))
                            parts.append(f"{base}\x1e{text}\x1e{markup}")
                    parts.sort()
                    key = _blake2b("\x1f".join(parts).encode("utf-8"), digest_size=16).digest()
                    plain_units.append((next_id, key, tuid, origin))
                else:
                    batch.add_unit(next_id, unit)
                next_id += 1
                if next_id - batch.first >= _BATCH:
                    n = self._flush(batch, next_id)
                    added, merged = added + n, merged + next_id - batch.first - n
                    batch.clear(next_id)
            n = self._flush(batch, next_id)
            added, merged = added + n, merged + next_id - batch.first - n
            self._check_tuids(first_id)
            revision = self._bump() if added or merged or removed else self.revision()
            conn.execute("COMMIT")
        except BaseException as err:
            conn.execute("ROLLBACK")
            if isinstance(err, sqlite3.DatabaseError):
                raise StoreError(f"{self.path}: cannot write the memory ({err})") from err
            raise
        return ImportReport(added=added, merged=merged, removed=removed, revision=revision)

    def _flush(self, batch: _Batch, end: int) -> int:
        """Insert a batch of units (ids ``batch.first`` to ``end - 1``) and their variants;
        merge the duplicates. Returns how many units were new.

        The common case (no duplicate) costs one ``executemany`` per kind of row; duplicates
        are found by the ids the insert skipped.
        """
        if end == batch.first:
            return 0
        conn = self.connection
        if batch.full_units:
            # in id order, so that the first of two equal units is the one kept
            units = batch.full_units
            if batch.plain_units:
                padding = (None,) * 7 + (0,)
                units = sorted(units + [row + padding for row in batch.plain_units])
            inserted = conn.executemany(
                f"INSERT INTO units (id, key, {_UNIT_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?) "
                "ON CONFLICT (key) DO NOTHING",
                units,
            ).rowcount
        else:
            inserted = conn.executemany(
                "INSERT INTO units (id, key, tuid, origin) VALUES (?,?,?,?) "
                "ON CONFLICT (key) DO NOTHING",
                batch.plain_units,
            ).rowcount
        plain, coded, full = batch.plain_variants, batch.coded_variants, batch.full_variants
        if inserted != end - batch.first:
            present = {
                row[0]
                for row in conn.execute(
                    "SELECT id FROM units WHERE id BETWEEN ? AND ?", (batch.first, end - 1)
                )
            }
            plain = [row for row in plain if row[0] in present]
            coded = [row for row in coded if row[0] in present]
            full = [row for row in full if row[0] in present]
            for row in batch.full_units:
                if row[0] not in present:
                    self._merge(row[1], batch.members[row[0]])
            # a skipped plain unit merges without a change: it has no notes, props, dates
        if plain:
            _insert(conn, "INSERT INTO variants (unit_id, pos, base, lang, text)", plain)
        if coded:
            conn.executemany(
                "INSERT INTO variants (unit_id, pos, base, lang, text, markup) "
                "VALUES (?,?,?,?,?,?)",
                coded,
            )
        if full:
            conn.executemany(
                f"INSERT INTO variants (unit_id, pos, base, {_VARIANT_COLUMNS}) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                full,
            )
        return int(inserted)

    def _delete_origin(self, origin: str) -> int:
        conn = self.connection
        conn.execute(
            "DELETE FROM variants WHERE unit_id IN (SELECT id FROM units WHERE origin = ?)",
            (origin,),
        )
        return int(conn.execute("DELETE FROM units WHERE origin = ?", (origin,)).rowcount)

    def _merge(self, key: bytes, unit: Unit) -> None:
        conn = self.connection
        uid, props, notes, change_date, usage = conn.execute(
            "SELECT id, props, notes, change_date, usage_count FROM units WHERE key = ?", (key,)
        ).fetchone()
        new_props = _join(_loads(props), [list(p) for p in unit.props])
        new_notes = _join(_loads(notes), list(unit.notes))
        new_date = _date_text(unit.change_date)
        if change_date is not None and (new_date is None or change_date > new_date):
            new_date = change_date
        conn.execute(
            "UPDATE units SET props = ?, notes = ?, change_date = ?, usage_count = ? WHERE id = ?",
            (
                _dumps(new_props),
                _dumps(new_notes),
                new_date,
                max(usage, unit.usage_count),
                uid,
            ),
        )

    def _check_tuids(self, first_id: int) -> None:
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
        rows = self.connection.execute(
            "SELECT lang, count(DISTINCT unit_id) FROM variants GROUP BY lang ORDER BY lang"
        )
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
        sql = _SELECT
        params: list[Any] = []
        if langs:
            bases = sorted({_lang.base(lang) for lang in langs})
            sql += f" WHERE v.base IN ({','.join('?' * len(bases))})"
            params.extend(bases)
        sql += " ORDER BY u.id, v.pos"
        cursor = self.connection.cursor()
        cursor.execute(sql, params)
        yield from _group(cursor)

    def records(self, *, langs: Sequence[str] | None = None) -> Iterator[Unit | PlainUnit]:
        """The units of :meth:`units`, those with nothing but a tuid and texts as
        :data:`PlainUnit` tuples: what bulk writers turn into text fastest."""
        sql, params = _RECORDS, []
        if langs:
            bases = sorted({_lang.base(lang) for lang in langs})
            sql += f" WHERE v.base IN ({','.join('?' * len(bases))})"
            params.extend(bases)
        cursor = self.connection.cursor()
        cursor.execute(sql + " ORDER BY u.id, v.pos", params)
        for _, group in groupby(cursor, itemgetter(0)):
            rows = list(group)
            head = rows[0]
            if head[2:10] == _PLAIN_HEAD and all(row[13:] == _PLAIN_TAIL for row in rows):
                yield head[1], tuple([row[10:13] for row in rows])
            else:
                yield _unit(
                    (head[1], None, *head[2:10]),
                    [
                        Variant(
                            lang,
                            text,
                            markup,
                            _pairs(props),
                            tuple(_loads(notes)),
                            _date(cdate),
                            cid,
                            _date(mdate),
                            mid,
                        )
                        for (lang, text, markup, props, notes, cdate, cid, mdate, mid) in (
                            row[10:] for row in rows
                        )
                    ],
                )

    def get(self, ids: Sequence[int]) -> list[Unit]:
        """The units with these ids, in the order asked (unknown ids are left out)."""
        found: dict[int, Unit] = {}
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            cursor = self.connection.execute(
                f"{_SELECT} WHERE u.id IN ({','.join('?' * len(chunk))}) ORDER BY u.id, v.pos",
                chunk,
            )
            found.update(_group(cursor))
        return [found[i] for i in ids if i in found]

    def concordance(self, text: str, *, lang: str | None = None, limit: int = 50) -> list[Unit]:
        """Units with a variant containing ``text`` (case-insensitive), in any or one language.

        Raises:
            InputError: if ``text`` is empty.
        """
        needle = _fold(text.strip())
        if not needle:
            raise InputError("give some text to search for")
        sql = "SELECT DISTINCT unit_id FROM variants WHERE instr(untm_fold(text), ?) > 0"
        params: list[Any] = [needle]
        if lang is not None:
            sql += " AND base = ?"
            params.append(_lang.base(language_tag(lang)))
        sql += " ORDER BY unit_id LIMIT ?"
        params.append(limit)
        ids = [row[0] for row in self.connection.execute(sql, params)]
        return self.get(ids)


# --- rows <-> values ----------------------------------------------------------------------


def _fold(text: str | None) -> str:
    return "" if text is None else text.casefold()


def _insert(
    conn: sqlite3.Connection, head: str, rows: list[tuple[Any, ...]], tail: str = ""
) -> int:
    """Insert ``rows`` (all of one width) with ``head`` and ``tail`` around the values, 100
    rows per statement: SQLite runs one statement of 100 rows faster than 100 statements.
    Returns how many rows were inserted."""
    width = len(rows[0])
    whole = len(rows) - len(rows) % _ROWS_PER_STATEMENT
    one = "(" + ",".join("?" * width) + ")"
    count = 0
    if whole:
        many = ",".join([one] * _ROWS_PER_STATEMENT)
        params = [
            list(chain.from_iterable(rows[start : start + _ROWS_PER_STATEMENT]))
            for start in range(0, whole, _ROWS_PER_STATEMENT)
        ]
        count += conn.executemany(f"{head} VALUES {many} {tail}", params).rowcount
    if whole < len(rows):
        count += conn.executemany(f"{head} VALUES {one} {tail}", rows[whole:]).rowcount
    return count


def _key(unit: Unit) -> bytes:
    parts = sorted(f"{_base(v.lang)}\x1e{v.text}\x1e{v.markup or ''}" for v in unit.variants)
    return _blake2b("\x1f".join(parts).encode("utf-8"), digest_size=16).digest()


def _base(tag: str) -> str:
    return language_tag(tag).split("-")[0]


def _tag_and_base(tag: str) -> tuple[str, str]:
    canonical = language_tag(tag)
    return canonical, canonical.split("-")[0]


class _Batch:
    """The rows of the next units to insert, by kind: units and variants without dates,
    props or notes bind only the columns they fill (binding a NULL costs about as much as
    storing a short text, and most units of a large file have nothing but texts)."""

    __slots__ = (
        "coded_variants",
        "first",
        "full_units",
        "full_variants",
        "members",
        "origin",
        "plain_units",
        "plain_variants",
    )

    def __init__(self, origin: str | None, first: int) -> None:
        self.origin = origin
        self.first = first
        #: (id, key, tuid, origin)
        self.plain_units: list[tuple[Any, ...]] = []
        #: (id, key, tuid, origin, segtype, props, notes, dates and ids, usage_count)
        self.full_units: list[tuple[Any, ...]] = []
        #: full units by id, to merge those whose key is already stored
        self.members: dict[int, Unit] = {}
        #: (unit_id, pos, base, lang, text)
        self.plain_variants: list[tuple[Any, ...]] = []
        #: (unit_id, pos, base, lang, text, markup)
        self.coded_variants: list[tuple[Any, ...]] = []
        #: every column
        self.full_variants: list[tuple[Any, ...]] = []

    def clear(self, first: int) -> None:
        """Empty the lists in place (callers hold them) for the units from id ``first``."""
        self.first = first
        self.plain_units.clear()
        self.full_units.clear()
        self.members.clear()
        self.plain_variants.clear()
        self.coded_variants.clear()
        self.full_variants.clear()

    def add_unit(self, uid: int, unit: Unit) -> None:
        """Add the rows of ``unit`` under the id ``uid``."""
        if not unit.variants:
            raise InputError(f"a unit (tuid {unit.tuid!r}) has no language variant")
        key = _key(unit)
        if (
            unit.props
            or unit.notes
            or unit.creation_date is not None
            or unit.creation_id is not None
            or unit.change_date is not None
            or unit.change_id is not None
            or unit.usage_count
            or unit.segtype is not None
        ):
            self.full_units.append(
                (
                    uid,
                    key,
                    unit.tuid,
                    self.origin,
                    unit.segtype,
                    _dumps([list(p) for p in unit.props]),
                    _dumps(list(unit.notes)),
                    _date_text(unit.creation_date),
                    unit.creation_id,
                    _date_text(unit.change_date),
                    unit.change_id,
                    unit.usage_count,
                )
            )
            self.members[uid] = unit
        else:
            self.plain_units.append((uid, key, unit.tuid, self.origin))
        for pos, v in enumerate(unit.variants):
            tag, base = _tag_and_base(v.lang)
            if (
                v.props
                or v.notes
                or v.creation_date is not None
                or v.creation_id is not None
                or v.change_date is not None
                or v.change_id is not None
            ):
                self.full_variants.append(
                    (
                        uid,
                        pos,
                        base,
                        tag,
                        v.text,
                        v.markup,
                        _dumps([list(p) for p in v.props]),
                        _dumps(list(v.notes)),
                        _date_text(v.creation_date),
                        v.creation_id,
                        _date_text(v.change_date),
                        v.change_id,
                    )
                )
            elif v.markup is None:
                self.plain_variants.append((uid, pos, base, tag, v.text))
            else:
                self.coded_variants.append((uid, pos, base, tag, v.text, v.markup))


def _group(cursor: Iterable[tuple[Any, ...]]) -> Iterator[tuple[int, Unit]]:
    current: int | None = None
    head: tuple[Any, ...] = ()
    variants: list[Variant] = []
    for row in cursor:
        if row[0] != current:
            if current is not None:
                yield current, _unit(head, variants)
            current, head, variants = row[0], row[1:11], []
        (lang, text, markup, props, notes, cdate, cid, mdate, mid) = row[11:]
        variants.append(
            Variant(
                lang,
                text,
                markup,
                _pairs(props),
                tuple(_loads(notes)),
                _date(cdate),
                cid,
                _date(mdate),
                mid,
            )
        )
    if current is not None:
        yield current, _unit(head, variants)


def _unit(head: tuple[Any, ...], variants: list[Variant]) -> Unit:
    tuid, _origin, segtype, props, notes, cdate, cid, mdate, mid, usage = head
    return Unit(
        tuple(variants),
        tuid=tuid,
        props=_pairs(props),
        notes=tuple(_loads(notes)),
        creation_date=_date(cdate),
        creation_id=cid,
        change_date=_date(mdate),
        change_id=mid,
        usage_count=usage,
        segtype=segtype,
    )


def _dumps(items: list[Any]) -> str | None:
    return json.dumps(items, ensure_ascii=False) if items else None


def _loads(text: str | None) -> list[Any]:
    return [] if text is None else list(json.loads(text))


def _pairs(text: str | None) -> tuple[tuple[str, str], ...]:
    if text is None:
        return ()
    return tuple((k, v) for k, v in json.loads(text))


def _join(old: list[Any], new: list[Any]) -> list[Any]:
    out = list(old)
    out.extend(item for item in new if item not in old)
    return out


def _date_text(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    v = value.astimezone(UTC)
    if v.year < 1000:
        return v.strftime("%Y-%m-%dT%H:%M:%SZ")  # the C library decides the padding
    return f"{v.year}-{v.month:02}-{v.day:02}T{v.hour:02}:{v.minute:02}:{v.second:02}Z"


def _date(text: str | None) -> datetime | None:
    if text is None:
        return None
    if _STORED_DATE.fullmatch(text):
        # what _date_text writes, read at a twentieth of strptime's cost
        return datetime.fromisoformat(text)
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
