"""The memory's SQLite schema: its tables, its version, creating it and upgrading older files.

:class:`tm.memory.Memory` opens files through :func:`create` and :func:`migrate`; the tables
are read and written by :mod:`tm.memory` (units, languages, meta) and :mod:`tm.documents`
(documents, document_units). A file of an older schema that can be upgraded is upgraded in
place, in one transaction, when it is opened; an older one is refused with what to do.
"""

from __future__ import annotations

import json
import sqlite3

from tm.errors import StoreError

__all__ = [
    "APPLICATION_ID",
    "GLOSSARIES",
    "MIGRATES_FROM",
    "SCHEMA_VERSION",
    "TABLES",
    "create",
    "migrate",
    "signature",
]

#: Version of the SQLite schema written by this module (also in ``PRAGMA user_version``).
SCHEMA_VERSION = 3
#: The oldest schema :meth:`Memory.open` migrates in place (older files are refused).
MIGRATES_FROM = 2

_VERSION = "0.1.0"
#: SQLite's ``PRAGMA application_id`` of untm memories (the bytes ``untm``); files made before
#: it was set carry 0 and are recognised by their ``meta`` table's signature
APPLICATION_ID = 0x756E746D

# Schema 3 adds the documents `untm build` stored (tm.documents): one row each, and the rows of
# each document in order, each naming its unit (a unit two documents share is linked twice).
_DOCUMENTS = """
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY,
    title TEXT,
    pivot TEXT NOT NULL,
    built TEXT NOT NULL,
    files TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS document_units (
    document TEXT NOT NULL,
    row INTEGER NOT NULL,
    unit INTEGER NOT NULL,
    PRIMARY KEY (document, row)
);
CREATE INDEX IF NOT EXISTS document_units_unit ON document_units (unit);
"""

# One row per unit: importing a unit costs one row insert (a millions-unit TMX imports at
# the speed of its parsing). The variants of a unit are encoded in the ``variants`` column
# (see tm.encoding); ``key`` is a 64-bit hash of the unit's texts by
# primary language, so that equal units merge; ``languages`` counts units per stored tag.
_SCHEMA = (
    """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS units (
    id INTEGER PRIMARY KEY,
    key INTEGER NOT NULL UNIQUE,
    tuid TEXT,
    origin TEXT,
    variants TEXT NOT NULL,
    segtype TEXT,
    props TEXT,
    notes TEXT,
    creation_date TEXT,
    creation_id TEXT,
    change_date TEXT,
    change_id TEXT,
    usage_count INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS languages (lang TEXT PRIMARY KEY, units INTEGER NOT NULL);
"""
    + _DOCUMENTS
)


#: The team's glossaries stored with the memory (``untm glossary import --memory``): one row a
#: glossary, its concepts as the raw TSV of :func:`tmx.glossary.table_text`. Made on first
#: use in a memory file (older files have none), with the tables in a PostgreSQL one.
GLOSSARIES = (
    "CREATE TABLE IF NOT EXISTS glossaries (name TEXT PRIMARY KEY, data TEXT NOT NULL, "
    "concepts INTEGER NOT NULL, stored TEXT NOT NULL)"
)

#: the tables and columns every memory this untm opens must have (older schemas included:
#: checked before they are upgraded)
TABLES: dict[str, tuple[str, ...]] = {
    "meta": ("key", "value"),
    "units": (
        "id",
        "key",
        "tuid",
        "origin",
        "variants",
        "segtype",
        "props",
        "notes",
        "creation_date",
        "creation_id",
        "change_date",
        "change_id",
        "usage_count",
    ),
    "languages": ("lang", "units"),
}


def signature() -> str:
    """The signature stored in the ``meta`` table and TMX headers: ``untm:0.1.0|schema:1``."""
    return f"untm:{_VERSION}|schema:{SCHEMA_VERSION}"


def create(conn: sqlite3.Connection) -> None:
    """Create the tables of an empty file, its signature and revision 0, in the caller's
    transaction (:mod:`tm.storefile` writes them in one that looks first whether another
    process did)."""
    # one statement at a time: executescript would commit the transaction first
    for statement in _SCHEMA.split(";"):
        if statement.strip():
            conn.execute(statement)
    conn.executemany(
        "INSERT INTO meta (key, value) VALUES (?, ?)",
        [("signature", signature()), ("revision", "0")],
    )
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def migrate(conn: sqlite3.Connection) -> None:
    """Bring a schema-2 memory to schema 3 in one transaction: add the documents tables and
    record as documents the units ``untm build`` stored (their origin is the English file's
    name, which becomes the document's id). A failure leaves the file as it was.

    Raises:
        StoreError: if the file cannot be written (read-only, busy).
    """
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as err:
        raise StoreError(
            f"cannot upgrade the memory to schema {SCHEMA_VERSION}: it is busy or read-only "
            f"({err}); open it once with write access"
        ) from err
    try:
        if conn.execute("PRAGMA user_version").fetchone()[0] >= SCHEMA_VERSION:
            conn.execute("ROLLBACK")  # another process upgraded it meanwhile
            return
        # one statement at a time: executescript would commit the transaction first
        for statement in _DOCUMENTS.split(";"):
            if statement.strip():
                conn.execute(statement)
        built: dict[str, list[tuple[int, str | None]]] = {}
        rows = conn.execute(
            "SELECT id, origin, props, creation_date FROM units WHERE origin IS NOT NULL "
            "AND props LIKE '%x-document%' ORDER BY id"
        )
        for uid, origin, props, date in rows:
            if ["x-document", origin] in json.loads(props):
                built.setdefault(origin, []).append((uid, date))
        for origin, units in built.items():
            dates = [d for _, d in units if d]
            conn.execute(
                "INSERT INTO documents (id, title, pivot, built, files) VALUES (?, NULL, ?, ?, ?)",
                (origin, "en", max(dates) if dates else "", json.dumps([origin])),
            )
            conn.executemany(
                "INSERT INTO document_units (document, row, unit) VALUES (?, ?, ?)",
                [(origin, row, uid) for row, (uid, _) in enumerate(units, 1)],
            )
        conn.execute("UPDATE meta SET value = ? WHERE key = 'signature'", (signature(),))
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
