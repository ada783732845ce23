"""How a memory's units change: stored (equal units merge), merged, removed.

Every change to the ``units`` table happens inside one :meth:`tm.memory.Memory.transaction`,
through these:

- :meth:`UnitWriter._store` (and ``_resolve``) adds units (``add_rows``, :meth:`store_units`);
  a unit equal to a stored one merges into it (``_merge``: props, notes, dates, never texts);
- :meth:`UnitWriter.delete_units` removes units (and their document links);
- ``_merge_contained`` merges the units an import added whose every text a stored unit holds.

Their callers: :meth:`tm.memory.Memory.add_rows` (imports), :meth:`store_units` and
:meth:`delete_units` (:mod:`tm.documents`: build, remove), ``remove_origin``. What the engines
do differently (the bulk insert, pairing candidates) is the backend's (:mod:`tm.backend`).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence
from typing import Any

from tm.backend import Backend
from tm.encoding import (
    PLAIN_HEAD,
    UNIT_COLUMNS,
    UnitRows,
    decode_variants,
    encode_units,
    join_json,
    key_texts,
    primary,
)
from tm.errors import InputError
from tm.memory_reader import MemoryReader
from tm.models import Unit

__all__ = ["UnitWriter"]

_KEY_MAX = 2**63 - 1
#: imports of more units than this check their tuids by hash first (see _check_tuids), up to
#: MAX_HASHED_TUIDS units (32 MB of hashes; larger imports leave the check to SQL)
_SORT_TUIDS = 50_000
MAX_HASHED_TUIDS = 4_000_000


class UnitWriter(MemoryReader):
    """The writes to a memory's ``units`` (and ``languages``) tables."""

    backend: Backend
    #: (tuid, stored tuid) of units of the current import merged into a stored unit
    #: with other tuid: said in the import's warnings
    _renamed: list[tuple[str, str | None]]
    #: the stored units that equal units of the current write merged into (props joined)
    _merged: set[int]

    def _merge_contained(self, first_id: int, anchors: set[str]) -> int:
        """Merge each unit this import added (ids above ``first_id``) whose every text an
        earlier unit holds into that unit (the first, by id), as equal units merge: what a
        pair or PO export of multilingual units brings back. Returns how many merged.

        Candidates pair by a hash of their text in one of the ``anchors`` languages
        (:meth:`tm.backend.Backend.anchor_pairs`)."""
        conn = self.connection
        pairs = self.backend.anchor_pairs(first_id, anchors)
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
        inserted = self.backend.insert_units(first, origin, rows, 11 if batch.extras else 3)
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
            "ON CONFLICT (lang) DO UPDATE SET units = languages.units + excluded.units",
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
        self._merged.add(uid)
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


def _contained(new: Unit, old: Unit) -> bool:
    """Whether every variant of ``new`` is one of ``old``'s (same language, same text; the
    same markup, unless ``new`` has none, as PO and CSV never do)."""
    held = {(primary(v.lang), v.text): v.markup for v in old.variants}
    for v in new.variants:
        key = (primary(v.lang), v.text)
        if key not in held or (v.markup is not None and held[key] != v.markup):
            return False
    return True
