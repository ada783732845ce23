"""The translation-memory store: versioned schema, one transaction per import, two engines.

A :class:`Memory` keeps :class:`~tm.models.Unit` values with their variants, dates, props and
notes. Language tags are stored in canonical BCP 47 case with the region the user wrote
(``EN-us`` -> ``en-US``) and compared by primary language. Units whose variants carry the same
texts in the same languages are one unit: importing a file twice merges instead of
multiplying.

A memory is an SQLite file (a path: :mod:`tm.sqlite_store`) or a PostgreSQL database (a
``postgresql://`` URL: :mod:`tm.postgres`, for teams); both hold the same tables and behave
alike, and what differs between the engines is the backend's (:mod:`tm.backend`). How a unit
is encoded in its row is :mod:`tm.encoding`'s business, the queries that read a memory are
:class:`~tm.memory_reader.MemoryReader`'s, the writes to units :class:`~tm.unit_writes.
UnitWriter`'s (both of which :class:`Memory` is), the schema is :mod:`tm.schema`'s and the
documents :mod:`tm.documents`'.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, NoReturn

from tm.backend import Backend, is_url
from tm.connection import Connection
from tm.encoding import (
    DatedUnit,
    PlainUnit,
    UnitRows,
    as_unit,
    encode_units,
    language_tag,
    primary,
    retag,
)
from tm.errors import InputError
from tm.lang import likely_region
from tm.memory_reader import MemoryStats
from tm.models import Unit
from tm.schema import GLOSSARIES, SCHEMA_VERSION, signature
from tm.unit_writes import MAX_HASHED_TUIDS, UnitWriter

if TYPE_CHECKING:
    from tm.index_rows import ImportTokens

# DatedUnit, PlainUnit, UnitRows, as_unit, encode_units and language_tag live in tm.encoding;
# they stay importable from here, where callers have always found them.
__all__ = [
    "SCHEMA_VERSION",
    "ImportReport",
    "OWN_META",
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

#: keys of the ``meta`` table that the memory itself maintains (a copy keeps its own)
OWN_META = frozenset({"signature", "revision", "memory", "log_trimmed"})
#: merges under another tuid named one by one in an import's warnings
_SHOWN_RENAMES = 10


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What one import did: units added, merged into existing ones, removed, skipped."""

    added: int = 0
    merged: int = 0
    removed: int = 0
    skipped: int = 0
    warnings: tuple[str, ...] = ()
    revision: int = 0


class Memory(UnitWriter):
    """A translation memory: an SQLite file (WAL journal) or a PostgreSQL database.

    Open with :meth:`open`; use as a context manager or call :meth:`close`. A memory that
    :meth:`open` created is removed again when the ``with`` block fails before anything was
    stored in it, so a failed first import leaves no empty memory behind.
    """

    def __init__(self, backend: Backend):
        self.backend = backend
        self.connection: Connection = backend.connection
        self.name = backend.name
        #: called as ``(done, total)`` while a write builds a large match index
        self.index_progress: Callable[[int, int], None] | None = None
        #: the units of the bulk import being written, tokenised for the match index
        self.import_tokens: ImportTokens | None = None
        self._renamed = []
        self._merged = set()

    # --- opening and closing --------------------------------------------------------------

    @classmethod
    def open(cls, target: str | Path, *, create: bool = True) -> Memory:
        """Open (and with ``create``, create) the memory at ``target``: a file path, or a
        ``postgresql://user@host:port/db`` URL (:mod:`tm.postgres`). Either way, a store that
        is not a memory is refused unchanged, creating is race-free and an older schema is
        upgraded in place (:mod:`tm.storefile`, :mod:`tm.schema`).

        Raises:
            InputError: if the memory is missing (without ``create``) or the path not a file.
            StoreError: if the store is not an untm memory, was written by another schema
                version, is damaged, or (PostgreSQL) cannot be reached.
        """
        if is_url(target):
            from tm.postgres import PgBackend  # psycopg: loaded for PostgreSQL memories only

            return cls(PgBackend(str(target), create=create))
        from tm.sqlite_store import SqliteBackend

        return cls(SqliteBackend(Path(target), create=create))

    @property
    def path(self) -> Path:
        """The file of an SQLite memory (its index files lie beside it).

        Raises:
            InputError: the memory is a PostgreSQL database, not a file.
        """
        found: Path | None = getattr(self.backend, "path", None)
        if found is None:
            raise InputError(f"{self.name} is a PostgreSQL database, not a file")
        return found

    @property
    def read_only(self) -> bool:
        """Whether the memory can only be read (a read-only disk or file, a standby server, a
        role without write rights)."""
        return self.backend.read_only

    def close(self) -> None:
        """Close the connection (the memory stays)."""
        self.backend.close()

    def __enter__(self) -> Memory:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc is not None and self.backend.created:
            # a failed first import leaves no empty memory, unless another process holds it
            self.backend.discard()
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
        tokens: ImportTokens | None = None,
    ) -> ImportReport:
        """Store units that :func:`encode_units` encoded, as :meth:`add` does (which calls
        this): a bulk reader may encode on other cores while this stores in order, and
        tokenise their sources for the match index there (``tokens``, gathered batch by
        batch as ``batches`` are read: :mod:`tm.index_rows`).

        Raises:
            InputError: if two different units of this import share a tuid.
            StoreError: if the database cannot be written.
        """
        self._renamed = []
        self._merged = set()
        self.import_tokens = tokens
        try:
            return self._add_rows(
                batches, origin=origin, replace=replace, keep_regions=keep_regions
            )
        finally:
            self.import_tokens = None

    def _add_rows(
        self,
        batches: Iterable[UnitRows],
        *,
        origin: str | None,
        replace: bool,
        keep_regions: bool,
    ) -> ImportReport:
        conn = self.connection
        added = merged = removed = 0
        tokens = self.import_tokens
        with self.transaction():
            if replace and origin is not None:
                removed = self._delete_origin(origin)
            first_id = conn.execute("SELECT coalesce(max(id), 0) FROM units").fetchone()[0]
            if tokens is not None:
                tokens.first = first_id + 1
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
                    if len(tuids) > MAX_HASHED_TUIDS:
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
            if tokens is not None:
                tokens.touched = {uid for uid in self._merged if uid > first_id}
        return ImportReport(
            added=added,
            merged=merged,
            removed=removed,
            revision=revision,
            warnings=_renamed_warnings(self._renamed),
        )

    # --- transactions ---------------------------------------------------------------------

    @contextmanager
    def transaction(self, *, units: bool = True) -> Iterator[None]:
        """One write transaction, after every other writer's (writers serialise): committed
        whole, or rolled back whole on any error. One that may change ``units`` keeps what
        follows them in step before it commits (:meth:`tm.backend.Backend.before_commit`: the
        match index files, the revision log), when it changed anything; :meth:`bump` makes
        :meth:`revision` grow on every committed change.

        Raises:
            StoreError: the memory is busy or read-only, or cannot be written.
        """
        backend = self.backend
        backend.begin()
        try:
            changes = backend.changes()
            yield
            backend.before_commit(self, units_changed=units and backend.changes() != changes)
            self.connection.execute("COMMIT")
        except BaseException as err:
            self._rollback(err)

    def _rollback(self, err: BaseException) -> NoReturn:
        """Undo the write transaction that ``err`` ended (SQLite has undone it already when
        the disk was full) and raise ``err`` in words a user can act on."""
        if self.connection.in_transaction:
            self.connection.execute("ROLLBACK")
        said = self.backend.error(err)
        if said is not None:
            raise said from err
        raise err

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

    def bump(self) -> int:
        """Make :meth:`revision` grow (inside a :meth:`transaction`); return the new one."""
        conn = self.connection
        conn.execute(
            "UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS TEXT) WHERE key = 'revision'"
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
        if key in OWN_META:
            raise InputError(f"{key!r} belongs to the memory itself and cannot be set")

    def store_learned(self, name: str, data: bytes, *, units: int) -> None:
        """Store (replace) the model ``name`` that alignment learned (tm/learned.py), with
        the units the memory held when it was learned; derived data: no revision change.

        Raises:
            StoreError: if the database cannot be written.
        """
        with self.transaction(units=False):
            self.connection.execute(self.backend.learned_table)
            self.connection.execute(
                "INSERT INTO learned (name, data, units) VALUES (?, ?, ?) ON CONFLICT (name) "
                "DO UPDATE SET data = excluded.data, units = excluded.units",
                (name, data, units),
            )

    def store_glossary(self, name: str, data: str, *, concepts: int) -> bool:
        """Keep the glossary ``name`` (its concepts as raw TSV) with the memory, replacing one
        of that name; return whether it replaced one. Every command and server using the
        memory reads it beside the UN glossary (a team's terminology, shared as its units are).

        Raises:
            StoreError: if the database cannot be written.
        """
        with self.transaction(units=False):
            self.connection.execute(GLOSSARIES)
            replaced = (
                self.connection.execute(
                    "SELECT 1 FROM glossaries WHERE name = ?", (name,)
                ).fetchone()
                is not None
            )
            self.connection.execute(
                "INSERT INTO glossaries (name, data, concepts, stored) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (name) DO UPDATE SET data = excluded.data, "
                "concepts = excluded.concepts, stored = excluded.stored",
                (name, data, concepts, datetime.now(UTC).isoformat(timespec="microseconds")),
            )
        return replaced

    def remove_glossary(self, name: str) -> bool:
        """Remove the stored glossary ``name``; return whether there was one."""
        if self.glossary_stamps() is None:
            return False
        with self.transaction(units=False):
            return bool(
                self.connection.execute("DELETE FROM glossaries WHERE name = ?", (name,)).rowcount
            )


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
