"""The seam between a memory and its database engine: SQLite (a file) or PostgreSQL (a server).

:class:`tm.memory.Memory` speaks one SQL to one :class:`Connection` (the ``sqlite3`` subset:
``execute``, ``executemany``, ``cursor``, ``in_transaction``; ``?`` and ``?N`` placeholders;
``ON CONFLICT`` upserts), and leaves to its :class:`Backend` the few things the two engines
do differently: how a write transaction starts and waits for other writers, how a batch of
units is inserted when keys may be taken, the queries that run Python on SQLite (concordance,
pairing contained units), the match index, what a driver's error means to a user, and how a
memory that a failed first import created is removed again. :mod:`tm.sqlite_store` and
:mod:`tm.postgres` are the two backends; callers only ever call ``Memory.open(target)``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from tm.connection import Connection
from tm.errors import StoreError

if TYPE_CHECKING:
    from tm.index_rows import ImportTokens, SourceRow
    from tm.live_index import LiveIndex
    from tm.models import Unit

__all__ = ["Backend", "MemoryView", "is_url"]

#: the schemes of a PostgreSQL memory's URL
URL_SCHEMES = ("postgresql://", "postgres://")


def is_url(target: object) -> bool:
    """Whether ``target`` names a PostgreSQL memory (a ``postgresql://`` URL), not a file."""
    return isinstance(target, str) and target.startswith(URL_SCHEMES)


class MemoryView(Protocol):
    """What a backend asks of the memory it serves (:class:`tm.memory.Memory` is one; typed
    here so that the backends do not import the memory that imports them)."""

    connection: Connection
    index_progress: Callable[[int, int], None] | None
    import_tokens: ImportTokens | None

    @property
    def path(self) -> Path: ...

    def languages(self) -> dict[str, int]: ...

    def count(self) -> int: ...

    def revision(self) -> int: ...

    def bump(self) -> int: ...

    def sources(self, lang: str, *, ids: Sequence[int] | None = None) -> Iterator[SourceRow]: ...

    def units_with_ids(
        self, *, langs: Sequence[str] | None = None
    ) -> Iterator[tuple[int, Unit]]: ...


class Backend(ABC):
    """One open memory's engine: its connection and what differs between engines."""

    connection: Connection
    #: the memory as the user named it, for messages (a path, or the URL without password)
    name: str
    #: whether opening it created it (a failed first import removes it again: :meth:`discard`)
    created: bool
    #: the statement creating the ``learned`` table (alignment's models, made on first use:
    #: derived data that a memory may lack) unless it exists
    learned_table: str

    @property
    @abstractmethod
    def read_only(self) -> bool:
        """Whether the memory can only be read (a read-only disk or file; a standby server or
        a role without write rights)."""

    @property
    def connected(self) -> bool:
        """Whether the connection still works (False: a database server that restarted or
        dropped it; open the memory again). A file's connection is always connected."""
        return True

    def warm(self) -> None:
        """Make the tables this engine's first search would otherwise make (a server warms
        its processes at start, so that its first requests do not wait for them). SQLite's
        has none to make."""
        return

    @abstractmethod
    def begin(self) -> None:
        """Start a write transaction once every other writer's has ended: writers serialise,
        so that revisions and unit ids are assigned in commit order.

        Raises:
            StoreError: the memory is read-only or stays busy.
        """

    @abstractmethod
    def begin_read(self) -> None:
        """Start a read transaction that sees one snapshot of the memory."""

    @abstractmethod
    def changes(self) -> int:
        """A number that moves whenever this connection changes a row (to tell whether a
        transaction changed anything)."""

    @abstractmethod
    def before_commit(self, memory: MemoryView, *, units_changed: bool) -> None:
        """What the end of a write transaction keeps in step, in it: the match index files
        (SQLite), the revision log of the changed units (PostgreSQL)."""

    @abstractmethod
    def error(self, err: BaseException) -> StoreError | None:
        """``err`` (raised by the driver in a write) in words a user can act on, or None when
        it is not the driver's."""

    @abstractmethod
    def insert_units(
        self, first: int, origin: str | None, rows: Iterable[tuple[Any, ...]], width: int
    ) -> int:
        """Insert units under the ids from ``first`` with ``origin``, from ``rows`` of
        ``width`` values (key, tuid, variants; with 11, segtype to usage_count too), skipping
        any whose key is taken; return how many were inserted."""

    @abstractmethod
    def copy_rows(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        """Insert ``rows`` as they are into ``table`` (``untm copy``, in a write transaction);
        return how many."""

    @abstractmethod
    def anchor_pairs(self, first_id: int, anchors: Iterable[str]) -> list[tuple[int, int]]:
        """(new id, old id) of units above ``first_id`` and units up to it whose text in one
        of the ``anchors`` languages is the same (by hash), ordered: the candidates of
        :meth:`tm.memory.Memory._merge_contained`."""

    @abstractmethod
    def concordance_ids(self, needle: str, bases: str, limit: int) -> list[int]:
        """The first ``limit`` ids of units holding the folded ``needle`` in a language of
        ``bases`` (comma-separated primary languages; empty: any), by id."""

    def index_languages(self, memory: MemoryView) -> tuple[str, ...]:
        """The languages whose match index a write keeps in its transaction (a bulk import
        tokenises their sources as it reads: :mod:`tm.index_rows`); none by default."""
        return ()

    @abstractmethod
    def match_index(self, memory: MemoryView, lang: str) -> LiveIndex:
        """The match index of ``lang`` as the current snapshot holds the memory."""

    @abstractmethod
    def optimize_index(
        self, memory: MemoryView, *, progress: Callable[[int, int], None] | None = None
    ) -> int:
        """Rewrite the match index whole, one file per indexed language (``untm optimize``);
        return the bytes of its files.

        Raises:
            StoreError: if the index cannot be written.
        """

    @abstractmethod
    def prepare_index(self, memory: MemoryView, lang: str) -> None:
        """Make the match index of ``lang`` ready before a snapshot reads it (outside any
        transaction)."""

    @abstractmethod
    def discard(self) -> bool:
        """Close the memory and remove it when it holds nothing and no other process uses
        it; return whether it was removed (after a failed first import)."""

    @abstractmethod
    def close(self) -> None:
        """Close the connection (the memory stays)."""
