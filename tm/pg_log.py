"""A PostgreSQL memory's revision log as a process following it reads it (tm/followed_index.py).

``unit_changes`` names every unit each committed write added, removed or changed, in commit
order (writers serialise: :mod:`tm.postgres`); its ``seq`` is the log position. The memory's
random id (``meta.memory``, written when the memory is created, never copied) tells one memory's
cache files from another's, so a database emptied and filled anew, or a copy, is indexed anew.

**Trimmed.** The log would keep one row per unit ever written. A write that finds more than
twice :func:`keep` rows before it, and ``untm optimize``, drop all but the newest :func:`keep`
(:func:`trim`) and record in ``meta.log_trimmed`` where the log now starts: a follower whose
index file is older is told the log no longer reaches back to it (:meth:`RevisionLog.changes`)
and indexes the memory anew, as it would have anyway that far behind (a follower rewrites its
main file when the units named since pass :data:`tm.followed_index.MAX_PENDING` and
:data:`~tm.followed_index.MERGE_SHARE` of the memory).
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from tm.followed_index import MAX_PENDING, MERGE_SHARE
from tm.index_rows import SourceRow

if TYPE_CHECKING:
    from tm.backend import MemoryView
    from tm.connection import Connection

__all__ = ["IDENTITY_KEY", "TRIMMED_KEY", "RevisionLog", "keep", "new_identity", "trim"]

#: the ``meta`` key of a memory's random id
IDENTITY_KEY = "memory"
#: the ``meta`` key of the log position up to which the log's rows were dropped
TRIMMED_KEY = "log_trimmed"
#: the log's position and where it starts (0: never trimmed)
_ENDS = (
    "SELECT coalesce(max(seq), 0), (SELECT coalesce(max(CAST(value AS BIGINT)), 0) FROM meta "
    f"WHERE key = '{TRIMMED_KEY}') FROM unit_changes"
)


def new_identity() -> str:
    """A new memory's random id (62 bits, as the index files' stamps hold it)."""
    return str(random.getrandbits(62))


class RevisionLog:
    """``memory`` (on PostgreSQL, named ``name``) as :class:`tm.followed_index.Followed`:
    read inside the caller's snapshot, so that the log position and the units read agree."""

    def __init__(self, memory: MemoryView, *, name: str) -> None:
        self.memory = memory
        self.name = name

    def identity(self) -> int:
        """The memory's random id; for a memory made before ids were kept, one derived from
        where it is (its URL without password)."""
        row = self.memory.connection.execute(
            "SELECT value FROM meta WHERE key = ?", (IDENTITY_KEY,)
        ).fetchone()
        value = "" if row is None else str(row[0])
        if value.isdigit():
            return int(value) & (2**62 - 1)
        digest = hashlib.sha256(self.name.encode("utf-8")).digest()
        return int.from_bytes(digest[:8], "little") & (2**62 - 1)

    def position(self) -> int:
        return self._ends()[0]

    def _ends(self) -> tuple[int, int]:
        """The log's position now and the position it starts after (rows up to it trimmed)."""
        top, start = self.memory.connection.execute(_ENDS).fetchone()
        return max(int(top), int(start)), int(start)

    def changes(self, since: int) -> tuple[int, list[int]] | None:
        now, start = self._ends()
        if since > now or since < start:
            return None  # the log is not the one the caller followed, or no longer reaches it
        rows = self.memory.connection.execute(
            "SELECT DISTINCT unit_id FROM unit_changes WHERE seq > ?", (since,)
        )
        return now, [int(r[0]) for r in rows]

    def count(self) -> int:
        return self.memory.count()

    def sources(self, lang: str, *, ids: Sequence[int] | None = None) -> Iterator[SourceRow]:
        return self.memory.sources(lang, ids=ids)


def keep(connection: Connection) -> int:
    """How many of the newest log rows a trim keeps: a follower further behind would index
    the memory anew on its next refresh anyway (it rewrites its main file past
    :data:`~tm.followed_index.MAX_PENDING` units, and past
    :data:`~tm.followed_index.MERGE_SHARE` of them; the language counts stand for the
    memory's size, which PostgreSQL would have to count)."""
    row = connection.execute("SELECT coalesce(max(units), 0) FROM languages").fetchone()
    return max(MAX_PENDING, int(MERGE_SHARE * int(row[0])))


def trim(connection: Connection, position: int, *, when_over: float = 1) -> int:
    """Drop the log rows older than the newest :func:`keep` up to ``position`` (the log's
    position when the current write transaction began: never rows it wrote itself), when
    there are more than ``when_over`` times as many, and record where the log now starts.
    Returns how many rows went. Call in a write transaction."""
    row = connection.execute("SELECT value FROM meta WHERE key = ?", (TRIMMED_KEY,)).fetchone()
    start = int(row[0]) if row is not None else 0
    if position - start <= when_over * MAX_PENDING:
        return 0  # the common case: one read
    bound = keep(connection)
    if position - start <= when_over * bound:
        return 0
    cut = position - bound
    gone = connection.execute("DELETE FROM unit_changes WHERE seq <= ?", (cut,)).rowcount
    connection.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (TRIMMED_KEY, str(cut)),
    )
    return int(gone)
