"""The PostgreSQL backend of a memory: one database that a team's servers and commands share.

``Memory.open("postgresql://user@host:port/db")`` opens it (psycopg 3). The database holds the
tables of an SQLite memory (:mod:`tm.pg_schema`) and behaves as one:

- **Recognised before it is touched.** An empty database becomes a memory (with ``create``);
  one whose tables are another application's, or a memory of another schema version, is
  refused unchanged. Errors are one line: server unreachable, login refused, database missing.
- **Writers serialise** like SQLite's ``BEGIN IMMEDIATE``: every write transaction first takes
  one advisory lock (``pg_advisory_xact_lock``), so revisions, unit ids and the revision log
  (``unit_changes``) follow commit order; waiting stops after :data:`LOCK_TIMEOUT`.
- **One SQL.** The memory's statements are written for SQLite's ``sqlite3`` (``?`` and ``?N``
  placeholders); :class:`PgConnection` passes them to psycopg as they are, but for the
  placeholders, so both engines run the same queries. What differs is :class:`PgBackend`'s:
  bulk inserts through ``COPY``, concordance prefiltered in SQL (:mod:`tm.pg_search`) then
  checked exactly in Python on the few candidates, and a match index each process keeps in a
  local cache and follows through the revision log (:mod:`tm.followed_index`).
- **Streams** (exports, copies) read through server-side cursors in a repeatable-read
  snapshot: constant memory, and one consistent state of the memory.
"""

from __future__ import annotations

import itertools
import re
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import pq

from tm import pg_log, pg_schema, pg_search
from tm.backend import Backend, MemoryView
from tm.encoding import UNIT_COLUMNS, anchor_hash
from tm.errors import InputError, StoreError
from tm.pg_log import IDENTITY_KEY, RevisionLog, new_identity
from tm.schema import SCHEMA_VERSION, signature

if TYPE_CHECKING:
    from tm.live_index import LiveIndex

__all__ = ["LOCK_TIMEOUT", "PgBackend", "PgConnection", "display_name"]

#: how long a writer waits for another one (as SQLite's busy timeout)
LOCK_TIMEOUT = "60s"
#: the advisory lock every write transaction takes first (any number: the bytes ``untm``)
_WRITERS = 0x756E746D
_BATCH = 2000
_cursor_names = itertools.count(1)


def display_name(url: str) -> str:
    """``url`` as messages show it: without its password and options."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        netloc = f"{userinfo.split(':', 1)[0]}@{host}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


@lru_cache(maxsize=512)
def _translate(sql: str) -> tuple[str, tuple[int, ...]]:
    """``sql`` with SQLite's placeholders (``?``, ``?N``) as psycopg's (``%s``, literal ``%``
    doubled), and for each ``%s`` the index of the parameter it takes."""
    out: list[str] = []
    order: list[int] = []
    at, plain = 0, 0
    while at < len(sql):
        char = sql[at]
        if char == "'":  # a string literal, copied whole
            end = at + 1
            while True:
                end = sql.index("'", end) + 1
                if not sql.startswith("'", end):
                    break
                end += 1
            out.append(sql[at:end].replace("%", "%%"))
            at = end
        elif char == "?":
            end = at + 1
            while end < len(sql) and sql[end].isdigit():
                end += 1
            if end > at + 1:
                order.append(int(sql[at + 1 : end]) - 1)
            else:
                order.append(plain)
                plain += 1
            out.append("%s")
            at = end
        else:
            out.append("%%" if char == "%" else char)
            at += 1
    return "".join(out), tuple(order)


def _bind(order: tuple[int, ...], parameters: Sequence[Any]) -> list[Any]:
    return [parameters[k] for k in order]


def _first_line(err: BaseException) -> str:
    text = str(err).strip()
    text = text.removeprefix("connection failed: ")
    text = re.sub(r'^connection to server at "[^"]*"(?:, port \d+)? failed: ', "", text)
    text = text.removeprefix("FATAL:").strip()
    return text.splitlines()[0].strip() if text else type(err).__name__


def describe(err: psycopg.Error, name: str) -> StoreError:
    """A driver error in one line a user can act on."""
    state = err.sqlstate or ""
    detail = _first_line(err)
    if state == "55P03":
        return StoreError(f"{name}: another process is still writing the memory")
    if state in ("25006", "42501"):
        return StoreError(f"{name} is read-only: it can be searched and exported, not changed")
    if state == "53100":
        return StoreError(f"{name}: the server's disk is full; the memory is as it was")
    if state.startswith("08") or state.startswith("57P") or not state:
        return StoreError(f"{name}: the connection to the PostgreSQL server was lost ({detail})")
    return StoreError(f"{name}: the database refused a statement ({detail})")


def _connect_error(err: psycopg.Error, name: str) -> StoreError:
    detail = _first_line(err)
    lowered = detail.lower()
    if "database" in lowered and "does not exist" in lowered:
        return StoreError(
            f"{name}: the database does not exist; create it first (createdb, or CREATE "
            "DATABASE ... ENCODING 'UTF8')"
        )
    if "authentication" in lowered or "password" in lowered or "role" in lowered:
        return StoreError(f"{name}: the PostgreSQL server refused the login ({detail})")
    return StoreError(f"{name}: cannot reach the PostgreSQL server ({detail})")


class PgConnection:
    """A psycopg connection (autocommit: transactions are begun and ended by the memory's
    own statements) that takes the memory's SQLite-style statements."""

    def __init__(self, raw: psycopg.Connection[Any], name: str) -> None:
        self.raw = raw
        self.name = name
        #: rows changed by this connection (SQLite's ``total_changes``)
        self.changes = 0
        # a memory dropped without close() (a server thread's, at exit) closes its connection,
        # as an sqlite3 connection does
        weakref.finalize(self, raw.close)

    @contextmanager
    def errors(self) -> Iterator[None]:
        """Raise the driver's errors as :class:`StoreError`."""
        try:
            yield
        except psycopg.Error as err:
            raise describe(err, self.name) from err

    @property
    def in_transaction(self) -> bool:
        return self.raw.info.transaction_status != pq.TransactionStatus.IDLE

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> psycopg.Cursor[Any]:
        query, order = _translate(sql)
        with self.errors():  # a connection the server closed fails here already
            cursor = self.raw.cursor()
            if order:
                cursor.execute(query, _bind(order, parameters))
            else:
                cursor.execute(sql)
        self._count(cursor)
        return cursor

    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> psycopg.Cursor[Any]:
        query, order = _translate(sql)
        with self.errors():
            cursor = self.raw.cursor()
            cursor.executemany(query, [_bind(order, p) for p in parameters])
        self._count(cursor)
        return cursor

    def _count(self, cursor: psycopg.Cursor[Any]) -> None:
        status = cursor.statusmessage or ""
        if status.startswith(("INSERT", "UPDATE", "DELETE")) and cursor.rowcount > 0:
            self.changes += cursor.rowcount

    def cursor(self) -> Stream:
        """A cursor that streams (a server-side cursor)."""
        return Stream(self)

    def close(self) -> None:
        self.raw.close()


class Stream:
    """A query read through a server-side cursor in batches: in the current transaction, or
    in a repeatable-read snapshot of its own that ends with the stream."""

    def __init__(self, owner: PgConnection) -> None:
        self.owner = owner
        self._query: tuple[str, list[Any] | None] = ("", None)

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> Stream:
        query, order = _translate(sql)
        self._query = (query, _bind(order, parameters)) if order else (sql, None)
        return self

    def __iter__(self) -> Iterator[Any]:
        owner = self.owner
        raw = owner.raw
        own = not owner.in_transaction
        with owner.errors():
            if own:
                raw.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
            cursor = raw.cursor(name=f"untm_{next(_cursor_names)}")
            try:
                cursor.execute(*self._query)
                while rows := cursor.fetchmany(_BATCH):
                    yield from rows
            finally:
                _close(cursor)
                if own and not raw.closed and owner.in_transaction:
                    raw.execute("COMMIT")


def _close(cursor: psycopg.ServerCursor[Any]) -> None:
    """Close a server-side cursor whose transaction may have ended (and closed it) already."""
    with suppress(psycopg.Error):
        cursor.close()


class PgBackend(Backend):
    """A memory in a PostgreSQL database (see the module docstring)."""

    learned_table = (
        'CREATE TABLE IF NOT EXISTS learned (name TEXT COLLATE "C" PRIMARY KEY, '
        "data BYTEA NOT NULL, units BIGINT NOT NULL)"
    )

    def __init__(self, url: str, *, create: bool) -> None:
        self.name = display_name(url)
        try:
            raw = psycopg.connect(url, autocommit=True, connect_timeout=10, application_name="untm")
        except psycopg.Error as err:
            raise _connect_error(err, self.name) from err
        self.pg = PgConnection(raw, self.name)
        self.connection = self.pg
        self.created = False
        self._start_revision = 0
        self._start_seq = 0
        self._start_changes = 0
        try:
            with self.pg.errors():
                raw.execute(f"SET lock_timeout = '{LOCK_TIMEOUT}'")
                encoding = raw.execute("SHOW server_encoding").fetchone()
            if encoding is None or encoding[0] != "UTF8":
                raise StoreError(
                    f"{self.name}: the database's encoding is not UTF8; create it with "
                    "ENCODING 'UTF8'"
                )
            if not self._inspect():
                if not create:
                    raise InputError(f"no memory in {self.name}; build or import first")
                self._initialise()
            with self.pg.errors():
                row = raw.execute(
                    "SELECT pg_is_in_recovery() OR current_setting('transaction_read_only') = "
                    "'on' OR NOT has_table_privilege('units', 'INSERT')"
                ).fetchone()
            self._read_only = bool(row and row[0])
        except BaseException:
            raw.close()
            raise

    # --- recognising and creating -----------------------------------------------------------

    def _inspect(self) -> bool:
        """Whether the database holds a memory (False: it is empty).

        Raises:
            StoreError: it holds another application's tables, a memory of another schema
                version, or a damaged one.
        """
        conn = self.pg
        tables = {
            row[0]
            for row in conn.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = current_schema()"
            )
        }
        if not tables:
            return False
        found = ""
        if "meta" in tables:
            try:
                with self._savepoint():
                    row = conn.execute("SELECT value FROM meta WHERE key = 'signature'").fetchone()
                found = str(row[0]) if row is not None else ""
            except StoreError:
                found = ""
        if not found.startswith("untm:"):
            raise StoreError(
                f"{self.name} is a PostgreSQL database but not an untm memory (it holds "
                "another application's tables); give an empty database"
            )
        version = pg_schema.schema_version(found)
        if version != SCHEMA_VERSION:
            newer = version > SCHEMA_VERSION
            raise StoreError(
                f"{self.name} has schema version {version}; this untm reads "
                f"{SCHEMA_VERSION}" + (" (upgrade untm)" if newer else ": copy it anew")
            )
        columns: dict[str, set[str]] = {}
        for table, column in conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema()"
        ):
            columns.setdefault(table, set()).add(column)
        for table, wanted in pg_schema.TABLES_PG.items():
            missing = [c for c in wanted if c not in columns.get(table, set())]
            if missing:
                what = f"table {table}" if table not in columns else f"column {table}.{missing[0]}"
                raise StoreError(f"{self.name}: the memory is damaged ({what} is missing)")
        revision = conn.execute("SELECT value FROM meta WHERE key = 'revision'").fetchone()
        if revision is None or not str(revision[0]).isdigit():
            raise StoreError(
                f"{self.name}: the memory is damaged (its revision is missing or not a number)"
            )
        return True

    @contextmanager
    def _savepoint(self) -> Iterator[None]:
        """Run the block so that an error in it leaves the transaction usable (reads)."""
        raw = self.pg.raw
        if not self.pg.in_transaction:
            yield
            return
        raw.execute("SAVEPOINT untm_look")
        try:
            yield
        except BaseException:
            raw.execute("ROLLBACK TO SAVEPOINT untm_look")
            raise
        raw.execute("RELEASE SAVEPOINT untm_look")

    def _initialise(self) -> None:
        """Create the tables in one transaction under the writers' lock, unless another
        process did it first."""
        raw = self.pg.raw
        with self.pg.errors():
            raw.execute("BEGIN")
            try:
                raw.execute("SELECT pg_advisory_xact_lock(%s)", (_WRITERS,))
                if self._inspect():
                    raw.execute("ROLLBACK")
                    return
                for statement in pg_schema.CREATE:
                    raw.execute(statement)
                raw.execute(
                    "INSERT INTO meta (key, value) VALUES ('signature', %s), ('revision', '0'), "
                    "(%s, %s)",
                    (signature(), IDENTITY_KEY, new_identity()),
                )
                pg_search.create_indexes(raw)
                raw.execute("COMMIT")
            except BaseException:
                if self.pg.in_transaction:
                    raw.execute("ROLLBACK")
                raise
        self.created = True

    # --- transactions ---------------------------------------------------------------------

    @property
    def read_only(self) -> bool:
        return self._read_only

    @property
    def connected(self) -> bool:
        return not (self.pg.raw.closed or self.pg.raw.broken)

    def warm(self) -> None:
        pg_search.warm()

    def begin(self) -> None:
        if self.read_only:
            raise StoreError(
                f"{self.name} is read-only: it can be searched and exported, not changed"
            )
        conn = self.pg
        conn.execute("BEGIN")
        try:
            conn.execute("SELECT pg_advisory_xact_lock(?)", (_WRITERS,))
            # the revision this write commits, if it changes anything, is known now (writers
            # serialise): the log's trigger writes it with each row (pg_schema)
            row = conn.execute(
                "SELECT value, set_config(?, (CAST(value AS BIGINT) + 1)::text, true), "
                "(SELECT coalesce(max(seq), 0) FROM unit_changes) "
                "FROM meta WHERE key = 'revision'",
                (pg_schema.LOGS_REVISION,),
            ).fetchone()
            if row is None:
                raise StoreError(f"{self.name}: the memory is damaged (its revision is missing)")
        except BaseException:
            with suppress(psycopg.Error):  # a connection the server dropped has nothing to undo
                conn.raw.execute("ROLLBACK")
            raise
        self._start_revision = int(row[0])
        self._start_seq = int(row[2])
        self._start_changes = conn.changes

    def begin_read(self) -> None:
        self.pg.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")

    def changes(self) -> int:
        return self.pg.changes

    def before_commit(self, memory: MemoryView, *, units_changed: bool) -> None:
        """Make the revision this transaction commits the one its revision log rows hold
        (bumped here when the write changed units without bumping it): the rows are written
        once, by the trigger, unless the write bumped twice or the memory's trigger predates
        that (then they are set here). Trim the log's old rows when they are many
        (:func:`tm.pg_log.trim`)."""
        conn = self.pg
        logged = conn.execute(
            "SELECT revision FROM unit_changes WHERE seq > ? ORDER BY seq LIMIT 1",
            (self._start_seq,),
        ).fetchone()
        if logged is None:
            return
        revision = memory.revision()
        if revision == self._start_revision:
            revision = memory.bump()
        if logged[0] != revision:
            conn.execute(
                "UPDATE unit_changes SET revision = ? WHERE seq > ?", (revision, self._start_seq)
            )
        pg_log.trim(conn, self._start_seq, when_over=2)
        if conn.changes - self._start_changes > _ANALYZE_AFTER:
            # fresh statistics, so that concordance's prefilter takes the trigram index at
            # once rather than after autovacuum's next round
            conn.execute("ANALYZE units")

    def error(self, err: BaseException) -> StoreError | None:
        if isinstance(err, psycopg.Error):
            return describe(err, self.name)
        return None

    # --- what differs from SQLite ---------------------------------------------------------

    def insert_units(
        self, first: int, origin: str | None, rows: Iterable[tuple[Any, ...]], width: int
    ) -> int:
        """``COPY`` into a temporary table, then one ``INSERT ... ON CONFLICT DO NOTHING`` in
        id order (an equal unit later in the batch is skipped, as in SQLite)."""
        names = "id, key, tuid, origin, variants" + (f", {UNIT_COLUMNS}" if width > 3 else "")
        raw = self.pg.raw
        with self.pg.errors(), raw.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE IF NOT EXISTS untm_incoming "
                "(LIKE units INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
            )
            with cursor.copy(f"COPY untm_incoming ({names}) FROM STDIN") as copy:
                for at, (key, tuid, data, *extra) in enumerate(rows):
                    copy.write_row((first + at, key, tuid, origin, data, *extra))
            cursor.execute(
                f"INSERT INTO units ({names}) SELECT {names} FROM untm_incoming ORDER BY id "
                "ON CONFLICT DO NOTHING"
            )
            inserted = max(cursor.rowcount, 0)
            cursor.execute("TRUNCATE untm_incoming")
        self.pg.changes += inserted
        return inserted

    def copy_rows(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        count = 0
        statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with self.pg.errors(), self.pg.raw.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
        self.pg.changes += count
        return count

    def anchor_pairs(self, first_id: int, anchors: Iterable[str]) -> list[tuple[int, int]]:
        """The hashes made in Python (batch by batch from a server-side cursor), copied into
        a temporary table and paired there."""
        langs = sorted(anchors)
        raw = self.pg.raw
        with self.pg.errors():
            raw.execute(
                "CREATE TEMP TABLE IF NOT EXISTS untm_anchors "
                "(lang TEXT, hash BIGINT, id BIGINT, new BOOLEAN) ON COMMIT DELETE ROWS"
            )
            raw.execute("TRUNCATE untm_anchors")
            source = raw.cursor(name=f"untm_{next(_cursor_names)}")
            source.execute("SELECT id, variants FROM units ORDER BY id")
            while batch := source.fetchmany(_BATCH):
                with raw.cursor() as cursor, cursor.copy("COPY untm_anchors FROM STDIN") as copy:
                    for uid, data in batch:
                        for lang in langs:
                            found = anchor_hash(data, lang)
                            if found is not None:
                                copy.write_row((lang, found, uid, uid > first_id))
            _close(source)
            raw.execute("CREATE INDEX IF NOT EXISTS untm_anchors_hash ON untm_anchors (hash)")
            pairs = raw.execute(
                "SELECT n.id, o.id FROM untm_anchors n JOIN untm_anchors o "
                "ON o.hash = n.hash AND o.lang = n.lang AND NOT o.new WHERE n.new "
                "ORDER BY n.id, o.id"
            ).fetchall()
            raw.execute("TRUNCATE untm_anchors")
        return [(int(a), int(b)) for a, b in pairs]

    def concordance_ids(self, needle: str, bases: str, limit: int) -> list[int]:
        """Candidates by SQL, checked exactly as SQLite's ``untm_find`` does, until ``limit``
        are found (:func:`tm.pg_search.find`)."""
        return pg_search.find(self.pg, needle, bases, limit)

    def prepare_index(self, memory: MemoryView, lang: str) -> None:
        """Nothing to prepare: the index follows the revision log inside the snapshot."""

    def match_index(self, memory: MemoryView, lang: str) -> LiveIndex:
        """The index this process keeps for the memory (a local cache file, and the units
        the revision log names since it: :mod:`tm.followed_index`)."""
        from tm import followed_index

        return followed_index.refresh(RevisionLog(memory, name=self.name), lang)

    def optimize_index(
        self, memory: MemoryView, *, progress: Callable[[int, int], None] | None = None
    ) -> int:
        """This machine's cache files of the memory, written anew in one snapshot, after
        the revision log's rows no follower needs are trimmed (:func:`tm.pg_log.trim`)."""
        from tm import followed_index

        if not self.read_only:
            self.begin()
            try:
                pg_log.trim(self.pg, self._start_seq)
                self.pg.execute("COMMIT")
            except BaseException:
                with suppress(psycopg.Error):
                    self.pg.raw.execute("ROLLBACK")
                raise
        self.begin_read()
        try:
            return followed_index.rewrite(RevisionLog(memory, name=self.name), progress=progress)
        finally:
            self.pg.execute("COMMIT")

    # --- closing --------------------------------------------------------------------------

    def discard(self) -> bool:
        """Drop the tables this process created when the memory still holds nothing."""
        raw = self.pg.raw
        removed = False
        try:
            if self.pg.in_transaction:
                raw.execute("ROLLBACK")
            raw.execute("BEGIN")
            raw.execute("SELECT pg_advisory_xact_lock(%s)", (_WRITERS,))
            row = raw.execute(
                "SELECT (SELECT count(*) FROM units) = 0 AND "
                "(SELECT value FROM meta WHERE key = 'revision') = '0'"
            ).fetchone()
            if row is not None and row[0]:
                raw.execute(
                    "DROP TABLE unit_changes, learned, glossaries, document_units, documents, "
                    "languages, units, meta"
                )
                raw.execute("DROP FUNCTION untm_log_units()")
                removed = True
            raw.execute("COMMIT")
        except psycopg.Error:
            removed = False
        finally:
            raw.close()
        return removed

    def close(self) -> None:
        self.pg.close()


#: writes changing more rows than this refresh the planner's statistics of ``units``
_ANALYZE_AFTER = 20_000
