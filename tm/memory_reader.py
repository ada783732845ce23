"""The read side of a memory: counts, stats, units, records, sources, concordance.

:class:`MemoryReader` holds the queries every command and the server read a memory with;
:class:`tm.memory.Memory` (the store: opening, transactions, writes) is one. Streams read in
id order with constant memory; rows become values through :mod:`tm.encoding`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tm import lang as _lang
from tm.backend import Backend
from tm.connection import Connection
from tm.encoding import (
    UNIT_COLUMNS,
    DatedUnit,
    PlainUnit,
    language_tag,
    primary,
    record_from_row,
    source_row,
    unit_from_row,
)
from tm.errors import InputError
from tm.fold import fold
from tm.models import Unit
from tm.storefile import reads, reads_stream

if TYPE_CHECKING:
    from tm.index_rows import SourceRow

__all__ = ["MemoryReader", "MemoryStats"]

_SELECT = f"SELECT id, tuid, variants, {UNIT_COLUMNS} FROM units"


@dataclass(frozen=True, slots=True)
class MemoryStats:
    """A summary of a memory: units, revision, signature, units per language and origin."""

    path: str
    units: int
    revision: int
    signature: str
    languages: dict[str, int]
    origins: dict[str, int]


class MemoryReader:
    """Queries over a memory's ``units``, ``languages`` and ``meta`` tables."""

    connection: Connection
    backend: Backend
    #: the memory as the user named it (a path, or a URL without password), for messages
    name: str

    @reads
    def revision(self) -> int:
        """A number that grows on every change, so derived indexes know when they are stale."""
        row = self.connection.execute("SELECT value FROM meta WHERE key = 'revision'").fetchone()
        return int(row[0])

    @reads
    def meta(self) -> dict[str, str]:
        """The ``meta`` table: signature, revision."""
        return dict(self.connection.execute("SELECT key, value FROM meta").fetchall())

    @reads
    def count(self) -> int:
        """Number of units."""
        return int(self.connection.execute("SELECT count(*) FROM units").fetchone()[0])

    @reads
    def languages(self) -> dict[str, int]:
        """Units per language tag as stored (``en-US`` and ``en`` counted apart)."""
        rows = self.connection.execute("SELECT lang, units FROM languages ORDER BY lang")
        return {lang: n for lang, n in rows}

    @reads
    def origins(self) -> dict[str, int]:
        """Units per origin (the document or file they came from)."""
        rows = self.connection.execute(
            "SELECT coalesce(origin, ''), count(*) FROM units GROUP BY origin "
            "ORDER BY origin IS NOT NULL, origin"
        )
        return {origin: n for origin, n in rows}

    @reads
    def stats(self) -> MemoryStats:
        """Units, revision, signature, and units per language and per origin."""
        meta = self.meta()
        return MemoryStats(
            path=self.name,
            units=self.count(),
            revision=int(meta["revision"]),
            signature=meta["signature"],
            languages=self.languages(),
            origins=self.origins(),
        )

    @reads_stream
    def units(self, *, langs: Sequence[str] | None = None) -> Iterator[Unit]:
        """Every unit in storage order; with ``langs``, only those languages' variants
        (compared by primary language) and only units that have at least one of them."""
        for _, unit in self.units_with_ids(langs=langs):
            yield unit

    @reads_stream
    def units_with_ids(self, *, langs: Sequence[str] | None = None) -> Iterator[tuple[int, Unit]]:
        """Every unit with its stable integer id, in id order (streams; constant memory)."""
        keep = self._selection(langs)
        cursor = self.connection.cursor()
        cursor.execute(_SELECT + " ORDER BY id")
        for row in cursor:
            unit = unit_from_row(row, keep)
            if unit is not None:
                yield row[0], unit

    @reads_stream
    def sources(self, lang: str, *, ids: Sequence[int] | None = None) -> Iterator[SourceRow]:
        """``(id, text, segtype, document)`` of every unit (or of those with ``ids``, in
        ascending id order) holding text in primary language ``lang``: what the match index
        reads, without making :class:`Unit` values. ``document`` is the ``x-document``
        prop."""
        base = _lang.base(lang)
        cursor = self.connection.cursor()
        query = "SELECT id, variants, segtype, props FROM units"
        chunks: Iterable[Sequence[int] | None] = [None]
        if ids is not None:
            ordered = sorted(ids)
            chunks = [ordered[at : at + 500] for at in range(0, len(ordered), 500)]
        for chunk in chunks:
            if chunk is None:
                cursor.execute(query + " ORDER BY id")
            else:
                marks = ",".join("?" * len(chunk))
                cursor.execute(f"{query} WHERE id IN ({marks}) ORDER BY id", list(chunk))
            for unit_id, data, segtype, props in cursor:
                found = source_row(unit_id, data, segtype, props, base)
                if found is not None:
                    yield found

    @reads_stream
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
            record = record_from_row(row, keep)
            if record is not None:
                yield record

    def _selection(self, langs: Sequence[str] | None) -> frozenset[str] | None:
        """The primary languages to keep, or None when every stored language is wanted."""
        if not langs:
            return None
        keep = frozenset(_lang.base(lang) for lang in langs)
        if {primary(tag) for tag in self.languages()} <= keep:
            return None
        return keep

    @reads
    def get(self, ids: Sequence[int]) -> list[Unit]:
        """The units with these ids, in the order asked (unknown ids are left out)."""
        found: dict[int, Unit] = {}
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            cursor = self.connection.execute(
                f"{_SELECT} WHERE id IN ({','.join('?' * len(chunk))})", chunk
            )
            for row in cursor:
                unit = unit_from_row(row, None)
                if unit is not None:
                    found[row[0]] = unit
        return [found[i] for i in ids if i in found]

    @reads
    def recent(self, *, langs: Sequence[str], limit: int) -> list[Unit]:
        """Up to ``limit`` of the latest units, with only ``langs``' variants (those that have
        none of them are skipped, so fewer may come back): a bounded sample to learn from."""
        keep = frozenset(_lang.base(lang) for lang in langs)
        cursor = self.connection.execute(_SELECT + " ORDER BY id DESC LIMIT ?", (limit,))
        found = (unit_from_row(row, keep) for row in cursor)
        return [unit for unit in found if unit is not None]

    def learned(self, name: str) -> tuple[bytes, int] | None:
        """The model alignment stored under ``name`` (tm/learned.py) and the units the memory
        held when it was learned, or None (nothing stored yet)."""
        try:
            row = self.connection.execute(
                "SELECT data, units FROM learned WHERE name = ?", (name,)
            ).fetchone()
        except sqlite3.OperationalError:  # no model was ever stored in this memory
            return None
        return None if row is None else (bytes(row[0]), int(row[1]))

    def rows(self, table: str, columns: Sequence[str], *, order: str) -> Generator[tuple[Any, ...]]:
        """Every row of one of the memory's tables as stored, in ``order`` (streams): what
        ``untm copy`` moves. A ``learned`` or ``glossaries`` table the memory never made has
        no rows."""
        if table == "learned" and self.learned_names() is None:
            return
        if table == "glossaries" and self.glossary_stamps() is None:
            return
        cursor = self.connection.cursor()
        cursor.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY {order}")
        yield from cursor

    def learned_names(self) -> list[str] | None:
        """The names of the models stored (:meth:`learned`), None when the memory has no
        ``learned`` table yet."""
        try:
            rows = self.connection.execute("SELECT name FROM learned ORDER BY name").fetchall()
        except sqlite3.OperationalError:  # no model was ever stored in this memory
            return None
        return [str(name) for (name,) in rows]

    def glossary_stamps(self) -> dict[str, str] | None:
        """The glossaries stored with the memory (:meth:`~tm.memory.Memory.store_glossary`):
        name -> when stored, to tell whether they changed; None when the memory has never
        stored one."""
        try:
            rows = self.connection.execute("SELECT name, stored FROM glossaries").fetchall()
        except sqlite3.OperationalError:  # no glossary was ever stored in this memory file
            return None
        return {str(name): str(stored) for name, stored in rows}

    def glossaries(self) -> list[tuple[str, str]]:
        """The glossaries stored with the memory: ``(name, raw TSV)``, by name."""
        try:
            rows = self.connection.execute(
                "SELECT name, data FROM glossaries ORDER BY name"
            ).fetchall()
        except sqlite3.OperationalError:  # no glossary was ever stored in this memory file
            return []
        return [(str(name), str(data)) for name, data in rows]

    @reads
    def concordance(self, text: str, *, langs: Sequence[str] = (), limit: int = 50) -> list[Unit]:
        """Units with a variant containing ``text``, in any language or in one of ``langs``;
        case, apostrophes, quotation marks and spaces do not matter (:func:`tm.fold.fold`).

        Raises:
            InputError: if ``text`` is empty.
        """
        needle = fold(text.strip())
        if not needle:
            raise InputError("give some text to search for")
        bases = ",".join(_lang.base(language_tag(lang)) for lang in langs)
        return self.get(self.backend.concordance_ids(needle, bases, limit))
