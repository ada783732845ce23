"""A PostgreSQL memory's revision log as a process following it reads it (tm/followed_index.py).

``unit_changes`` names every unit each committed write added, removed or changed, in commit
order (writers serialise: :mod:`tm.postgres`); its ``seq`` is the log position. The memory's
random id (``meta.memory``, written when the memory is created, never copied) tells one memory's
cache files from another's, so a database emptied and filled anew, or a copy, is indexed anew.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from tm.live_index import SourceRow

if TYPE_CHECKING:
    from tm.backend import MemoryView

__all__ = ["IDENTITY_KEY", "RevisionLog", "new_identity"]

#: the ``meta`` key of a memory's random id
IDENTITY_KEY = "memory"


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
        row = self.memory.connection.execute(
            "SELECT coalesce(max(seq), 0) FROM unit_changes"
        ).fetchone()
        return int(row[0])

    def changes(self, since: int) -> tuple[int, list[int]] | None:
        now = self.position()
        if since > now:
            return None  # the log is not the one the caller followed
        rows = self.memory.connection.execute(
            "SELECT DISTINCT unit_id FROM unit_changes WHERE seq > ?", (since,)
        )
        return now, [int(r[0]) for r in rows]

    def count(self) -> int:
        return self.memory.count()

    def sources(self, lang: str, *, ids: Sequence[int] | None = None) -> Iterator[SourceRow]:
        return self.memory.sources(lang, ids=ids)
