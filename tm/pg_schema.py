"""The memory's tables in PostgreSQL: those of the SQLite file (:mod:`tm.schema`), same names,
same columns, plus the revision log that servers follow.

Types are PostgreSQL's (``BIGINT`` ids and keys, ``BYTEA`` models); texts that are sorted
(ids of documents, languages, origins, meta keys) compare byte-wise (``COLLATE "C"``), as in
SQLite, so that listings and exports come out in the same order from either engine.

**The revision log.** ``unit_changes`` records every change to ``units`` in the transaction
that makes it: ``a`` added, ``d`` removed, ``u`` texts (or segment type) changed in place,
with the memory revision that transaction commits. Writers serialise on an advisory lock, so
revisions and ``seq`` follow commit order: a write's revision is known when it starts (the
last one plus one), :meth:`tm.postgres.PgBackend.begin` puts it in the transaction's setting
``untm.revision``, and statement triggers write it with each row, once (memories made before
untm wrote it so hold triggers that write 0, which the commit then sets). A server that keeps
a match index reads ``unit_changes`` after the position (``seq``) it last saw
(:mod:`tm.pg_log`), which also trims the log's old rows.
"""

from __future__ import annotations

from tm.schema import GLOSSARIES, TABLES

__all__ = ["CREATE", "LOGS_REVISION", "NOT_NFKC", "SEARCH", "TABLES_PG", "schema_version"]

#: what only the log trigger that writes each row's revision itself holds (see above)
LOGS_REVISION = "untm.revision"

#: the tables and columns of a PostgreSQL memory (those of SQLite, and the revision log)
TABLES_PG: dict[str, tuple[str, ...]] = {
    **TABLES,
    "documents": ("id", "title", "pivot", "built", "files"),
    "document_units": ("document", "row", "unit"),
    "learned": ("name", "data", "units"),
    "glossaries": ("name", "data", "concepts", "stored"),
    "unit_changes": ("seq", "unit_id", "revision", "op"),
}

#: the statements creating a memory's tables in an empty database, in order
CREATE = (
    'CREATE TABLE meta (key TEXT COLLATE "C" PRIMARY KEY, value TEXT NOT NULL)',
    """CREATE TABLE units (
        id BIGINT PRIMARY KEY,
        key BIGINT NOT NULL UNIQUE,
        tuid TEXT COLLATE "C",
        origin TEXT COLLATE "C",
        variants TEXT COLLATE "C" NOT NULL,
        segtype TEXT,
        props TEXT,
        notes TEXT,
        creation_date TEXT,
        creation_id TEXT,
        change_date TEXT,
        change_id TEXT,
        usage_count BIGINT NOT NULL DEFAULT 0
    )""",
    "CREATE INDEX units_origin ON units (origin)",
    'CREATE TABLE languages (lang TEXT COLLATE "C" PRIMARY KEY, units BIGINT NOT NULL)',
    """CREATE TABLE documents (
        id TEXT COLLATE "C" PRIMARY KEY,
        title TEXT,
        pivot TEXT NOT NULL,
        built TEXT NOT NULL,
        files TEXT NOT NULL
    )""",
    """CREATE TABLE document_units (
        document TEXT COLLATE "C" NOT NULL,
        row INTEGER NOT NULL,
        unit BIGINT NOT NULL,
        PRIMARY KEY (document, row)
    )""",
    "CREATE INDEX document_units_unit ON document_units (unit)",
    'CREATE TABLE learned (name TEXT COLLATE "C" PRIMARY KEY, data BYTEA NOT NULL, '
    "units BIGINT NOT NULL)",
    GLOSSARIES,
    """CREATE TABLE unit_changes (
        seq BIGSERIAL PRIMARY KEY,
        unit_id BIGINT NOT NULL,
        revision BIGINT NOT NULL,
        op CHAR(1) NOT NULL
    )""",
    """CREATE FUNCTION untm_log_units() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        logged BIGINT := coalesce(nullif(current_setting('untm.revision', true), ''), '0');
    BEGIN
        IF TG_OP = 'INSERT' THEN
            INSERT INTO unit_changes (unit_id, revision, op)
            SELECT id, logged, 'a' FROM untm_new ORDER BY id;
        ELSIF TG_OP = 'DELETE' THEN
            INSERT INTO unit_changes (unit_id, revision, op)
            SELECT id, logged, 'd' FROM untm_old ORDER BY id;
        ELSE
            INSERT INTO unit_changes (unit_id, revision, op)
            SELECT n.id, logged, 'u' FROM untm_new n JOIN untm_old o ON o.id = n.id
            WHERE o.variants IS DISTINCT FROM n.variants
               OR o.segtype IS DISTINCT FROM n.segtype
            ORDER BY n.id;
        END IF;
        RETURN NULL;
    END $$""",
    "CREATE TRIGGER units_added AFTER INSERT ON units REFERENCING NEW TABLE AS untm_new "
    "FOR EACH STATEMENT EXECUTE FUNCTION untm_log_units()",
    "CREATE TRIGGER units_removed AFTER DELETE ON units REFERENCING OLD TABLE AS untm_old "
    "FOR EACH STATEMENT EXECUTE FUNCTION untm_log_units()",
    "CREATE TRIGGER units_changed AFTER UPDATE ON units "
    "REFERENCING OLD TABLE AS untm_old NEW TABLE AS untm_new "
    "FOR EACH STATEMENT EXECUTE FUNCTION untm_log_units()",
)

#: what makes concordance fast when the database has ``pg_trgm`` (a trusted extension that a
#: database owner may create): a trigram index the prefilter's regular expression uses, and
#: the few units whose text NFKC would change, which the prefilter always takes
SEARCH = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX units_variants_trgm ON units USING gin (variants gin_trgm_ops)",
)
#: the partial index of the units concordance always looks at (any database)
NOT_NFKC = "CREATE INDEX units_not_nfkc ON units (id) WHERE variants IS NOT NFKC NORMALIZED"


def schema_version(signature: str) -> int:
    """The schema version in a memory's signature (``untm:0.1.0|schema:3`` -> 3; 0 when it
    says none)."""
    for part in signature.split("|"):
        name, _, number = part.partition(":")
        if name == "schema" and number.isdigit():
            return int(number)
    return 0
