"""The connection a memory speaks SQL through: the part of ``sqlite3.Connection`` it uses.

SQLite's connection is one as it is; the PostgreSQL backend wraps psycopg in one
(:class:`tm.postgres.PgConnection`). The statements are SQLite's (``?`` and ``?N``
placeholders, ``ON CONFLICT`` upserts), which PostgreSQL also runs once the placeholders are
its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Protocol

__all__ = ["Connection", "Cursor"]


class Cursor(Protocol):
    """What a memory reads from a statement (``sqlite3.Cursor`` is one)."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    """The part of ``sqlite3.Connection`` a memory uses."""

    @property
    def in_transaction(self) -> bool: ...

    def execute(self, sql: str, parameters: Any = ..., /) -> Any: ...

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> Any: ...

    def cursor(self) -> Any: ...

    def close(self) -> None: ...
