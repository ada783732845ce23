"""The memory's SQLite file: recognised before it is touched, created race-free, held open.

:func:`open_store` checks that an existing file is an untm memory (SQLite header, SQLite's
``application_id``, schema version, tables, columns and ``meta`` rows) with reads only, so
that another application's database given by mistake is refused unchanged; only then does it
switch the journal to WAL. A new memory's schema is written in one ``BEGIN IMMEDIATE``
transaction that looks again whether another process wrote it first: two processes creating
one memory at once both succeed (the second waits for the first).

Every open memory holds a shared ``flock`` on its file (:class:`FileHold`). A process whose
first import into a memory it created failed removes the file only when it can take that
lock exclusively — no other process has the memory open — and the memory is still empty
(:meth:`OpenedStore.discard`); a process that opened the file meanwhile finds it gone once
it gets its lock, and creates it anew.

A memory on a read-only disk is opened read-only (SQLite's ``immutable``): it can be read and
exported, and writing to it says it is read-only.
"""

from __future__ import annotations

import fcntl
import functools
import os
import sqlite3
import stat
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Concatenate, ParamSpec, Protocol, TypeVar

from tm import schema
from tm.errors import InputError, StoreError

__all__ = ["CACHE_KB", "FileHold", "OpenedStore", "open_store", "reads", "reads_stream"]

_HEADER = b"SQLite format 3\x00"
#: what reading a damaged memory raises: SQLite's errors (a flipped page), and those of
#: decoding a column that holds something untm never wrote
_DAMAGE = (sqlite3.DatabaseError, ValueError, TypeError, KeyError, IndexError, AttributeError)
#: how long a process waits for another one writing the memory (seconds)
BUSY_TIMEOUT = 60.0
#: a connection's page cache, in KB
CACHE_KB = 65536


class FileHold:
    """A shared ``flock`` on the memory file, held while the memory is open."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    @classmethod
    def acquire(cls, path: Path, *, create: bool) -> tuple[FileHold, bool]:
        """Hold the file at ``path`` (creating it, empty, with ``create``); also return
        whether this call created it.

        Raises:
            InputError: if there is no file at ``path`` and ``create`` is false, or the path
                is not a regular file.
        """
        while True:
            created = False
            try:
                if not create:
                    raise FileNotFoundError
                fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
                created = True
            except FileExistsError:
                fd = _open_existing(path)
            except FileNotFoundError:
                if create:
                    raise  # the folder is missing
                fd = _open_existing(path)
            if fd < 0:
                continue  # removed meanwhile: create it again
            hold = cls(fd)
            fcntl.flock(fd, fcntl.LOCK_SH)  # waits while a failed creator removes the file
            try:
                now = os.stat(path)
            except FileNotFoundError:
                now = None
            mine = os.fstat(fd)
            if now is not None and (now.st_dev, now.st_ino) == (mine.st_dev, mine.st_ino):
                return hold, created
            hold.release()
            if not create:
                raise InputError(f"no memory at {path}; build or import first")

    def exclusive(self) -> bool:
        """Whether the lock could be made exclusive (no other process holds the file)."""
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True

    def release(self) -> None:
        """Drop the lock (closing the descriptor)."""
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


def _open_existing(path: Path) -> int:
    """A read-only descriptor of the regular file at ``path``; -1 when it vanished.
    ``O_NONBLOCK``: opening a FIFO must not wait for a writer."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        return -1
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise InputError(f"{path} is not a regular file; a memory is a file such as tm.sqlite")
    return fd


@dataclass(slots=True)
class OpenedStore:
    """An open memory file: its connection, its lock, whether this process created it and
    whether it is read-only."""

    connection: sqlite3.Connection
    hold: FileHold
    created: bool
    read_only: bool

    def discard(self, path: Path) -> bool:
        """Close the memory and, when no other process holds it and ``empty`` says it holds
        nothing, remove it; return whether it was removed. Call after a failed first import."""
        removed = False
        if self.hold.exclusive():
            try:
                empty = self.connection.execute(
                    "SELECT (SELECT count(*) FROM units) = 0 AND "
                    "(SELECT value FROM meta WHERE key = 'revision') = '0'"
                ).fetchone()[0]
            except sqlite3.DatabaseError:
                empty = False
            self.connection.close()
            if empty:
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{path}{suffix}").unlink(missing_ok=True)
                removed = True
        self.close()
        return removed

    def close(self) -> None:
        """Close the connection, then drop the lock."""
        self.connection.close()
        self.hold.release()


def open_store(path: Path, *, create: bool) -> OpenedStore:
    """Open the memory at ``path`` (with ``create``, creating it: :func:`tm.schema.create`);
    a memory of an older schema that can be upgraded is upgraded (:func:`tm.schema.migrate`).

    Raises:
        InputError: if ``path`` is missing (without ``create``), a directory or not a file.
        StoreError: if the file is not an untm memory this untm reads, is damaged, or cannot
            be opened.
    """
    if path.is_dir():
        raise InputError(f"{path} is a folder; give a file name such as tm.sqlite")
    if not create and not path.exists():
        raise InputError(f"no memory at {path}; build or import first")
    if not path.parent.is_dir():
        raise InputError(f"{path}: the folder {path.parent} does not exist; create it first")
    hold, created = FileHold.acquire(path, create=create)
    try:
        _check_header(path)
        conn, read_only = _connect(path)
        try:
            stored = _inspect(conn, path)
            if stored == 0:
                if read_only:
                    raise StoreError(f"{path} is read-only and holds no memory yet")
                _configure(conn, new=True)
                _initialise(conn, path)
            elif not read_only:
                _configure(conn, new=False)
            if 0 < stored < schema.SCHEMA_VERSION:
                try:
                    schema.migrate(conn)
                except StoreError as err:
                    raise StoreError(f"{path}: {err}") from err
        except BaseException:
            conn.close()
            raise
    except BaseException:
        hold.release()
        raise
    return OpenedStore(conn, hold, created, read_only)


def _check_header(path: Path) -> None:
    """Refuse a file that is not empty and does not start as SQLite files do."""
    with open(path, "rb") as handle:
        head = handle.read(len(_HEADER))
    if head and head != _HEADER:
        raise StoreError(f"{path} is not a translation memory (not an SQLite file)")


def _connect(path: Path) -> tuple[sqlite3.Connection, bool]:
    """A connection to ``path`` and whether it is read-only: a file that cannot be opened for
    writing (a read-only disk) is opened ``immutable``."""
    try:
        conn = sqlite3.connect(
            path, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT
        )
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError as err:
        if getattr(err, "sqlite_errorname", "") not in ("SQLITE_CANTOPEN", "SQLITE_READONLY"):
            raise StoreError(f"{path}: cannot open the memory ({err})") from err
    except sqlite3.DatabaseError as err:
        raise StoreError(f"{path} is not a translation memory ({err})") from err
    else:
        # access(2) also says EROFS for a file on a read-only disk
        return conn, not os.access(path, os.W_OK)
    conn.close()
    uri = f"{path.resolve().as_uri()}?immutable=1"
    try:
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as err:
        conn.close()
        raise StoreError(f"{path}: cannot open the memory ({err})") from err
    return conn, True


def _inspect(conn: sqlite3.Connection, path: Path) -> int:
    """Check, reading only, that ``path`` is an untm memory this untm reads (or can upgrade);
    return its schema version, 0 for a new, empty database.

    Raises:
        StoreError: if it is another application's database, another schema version, or
            lacks a table, a column or a ``meta`` row.
    """
    try:
        app = conn.execute("PRAGMA application_id").fetchone()[0]
        stored = conn.execute("PRAGMA user_version").fetchone()[0]
        names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        if not names and not app and not stored:
            return 0
        signature = ""
        if "meta" in names:
            row = conn.execute("SELECT value FROM meta WHERE key = 'signature'").fetchone()
            signature = str(row[0]) if row is not None else ""
    except sqlite3.DatabaseError as err:
        raise StoreError(f"{path} is not a translation memory ({err})") from err
    ours = app == schema.APPLICATION_ID or (app == 0 and signature.startswith("untm:"))
    if not ours or stored == 0:
        raise StoreError(f"{path} is an SQLite file but not an untm memory")
    if stored > schema.SCHEMA_VERSION:
        raise StoreError(
            f"{path} has schema version {stored}; this untm reads up to "
            f"{schema.SCHEMA_VERSION} (upgrade untm)"
        )
    if stored < schema.MIGRATES_FROM:
        raise StoreError(
            f"{path} was made by an older untm (schema version {stored}; this untm reads "
            f"{schema.SCHEMA_VERSION}): re-import it into a new memory file"
        )
    _check_tables(conn, path, schema.TABLES)
    return int(stored)


def _check_tables(
    conn: sqlite3.Connection, path: Path, tables: Mapping[str, Sequence[str]]
) -> None:
    """Refuse a memory without one of ``tables``, one of their columns, or a ``meta`` row."""
    try:
        for table, columns in tables.items():
            have = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
            missing = [c for c in columns if c not in have]
            if missing:
                what = f"table {table}" if not have else f"column {table}.{missing[0]}"
                raise StoreError(f"{path}: the memory is damaged ({what} is missing)")
        meta = dict(conn.execute("SELECT key, value FROM meta"))
    except sqlite3.DatabaseError as err:
        raise StoreError(f"{path}: the memory is damaged ({err})") from err
    if not str(meta.get("signature", "")).startswith("untm:"):
        raise StoreError(f"{path}: the memory is damaged (its signature is missing)")
    if not str(meta.get("revision", "")).isdigit():
        raise StoreError(f"{path}: the memory is damaged (its revision is missing or not a number)")


def _configure(conn: sqlite3.Connection, *, new: bool) -> None:
    """WAL journal and a large page cache; 16 KB pages for a new file: the WAL frames of a
    large import are fewer, and its commit costs a third of what 4 KB pages cost."""
    if new:
        conn.execute("PRAGMA page_size=16384")
    # changing the journal mode does not wait on SQLite's busy handler: a process creating
    # the same memory at this moment makes it fail at once, so it waits here, as long
    deadline = time.monotonic() + BUSY_TIMEOUT
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            break
        except sqlite3.OperationalError as err:
            busy = getattr(err, "sqlite_errorname", "").startswith("SQLITE_BUSY")
            if not busy or time.monotonic() > deadline:
                raise
            time.sleep(0.01)
    conn.execute("PRAGMA synchronous=NORMAL")
    # 64 MB of page cache: the unique index on unit keys is written in random order (a large
    # import grows it for its transaction: tm.sqlite_store)
    conn.execute(f"PRAGMA cache_size=-{CACHE_KB}")


def _initialise(conn: sqlite3.Connection, path: Path) -> None:
    """Write the schema of a new memory, unless another process did it first."""
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as err:
        raise StoreError(f"{path}: cannot create the memory ({err})") from err
    try:
        if _inspect(conn, path):
            conn.execute("ROLLBACK")
            return
        schema.create(conn)
        conn.execute("COMMIT")
    except BaseException as err:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        if isinstance(err, sqlite3.DatabaseError):
            raise StoreError(f"{path}: cannot create the memory ({err})") from err
        raise


class _Stored(Protocol):
    name: str


_S = TypeVar("_S", bound=_Stored)
_P = ParamSpec("_P")
_R = TypeVar("_R")
_T = TypeVar("_T")


def _damaged(path: str, err: Exception) -> StoreError:
    return StoreError(
        f"{path}: the memory is damaged ({type(err).__name__}: {err}); "
        "restore it from a copy or build it again"
    )


def reads(method: Callable[Concatenate[_S, _P], _R]) -> Callable[Concatenate[_S, _P], _R]:
    """Have a reading method of the memory raise :class:`StoreError` naming the file when
    the memory is damaged, instead of whatever SQLite or decoding a column raised."""

    @functools.wraps(method)
    def wrapper(self: _S, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return method(self, *args, **kwargs)
        except _DAMAGE as err:
            raise _damaged(self.name, err) from err

    return wrapper


def reads_stream(
    method: Callable[Concatenate[_S, _P], Iterator[_T]],
) -> Callable[Concatenate[_S, _P], Iterator[_T]]:
    """:func:`reads` for a method that streams."""

    @functools.wraps(method)
    def wrapper(self: _S, /, *args: _P.args, **kwargs: _P.kwargs) -> Iterator[_T]:
        try:
            yield from method(self, *args, **kwargs)
        except _DAMAGE as err:
            raise _damaged(self.name, err) from err

    return wrapper
