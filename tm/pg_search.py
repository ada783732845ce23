"""Concordance on a PostgreSQL memory: a prefilter in SQL, so that Python checks few texts.

:func:`tm.fold.contains` decides whether a text holds a query (case, apostrophes, quotes and
spaces folded); running it on every unit would send the whole memory to Python. The prefilter
(:func:`prefilter`) asks PostgreSQL for the units holding each of the query's runs of letters
and digits in any of its case forms (regular expressions a trigram index serves, when
``pg_trgm`` is there), plus the few *unusual* units whose raw text such a search could miss (a
partial index lists them); :func:`find` reads them in id order, in a plan of its own choosing,
and checks each exactly.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Sequence
from contextlib import AbstractContextManager
from functools import cache
from typing import Any, Protocol

import psycopg

from tm import pg_schema
from tm.encoding import variant_contains

__all__ = ["create_indexes", "find", "prefilter", "warm"]

#: concordance walks the lowest ids this many at a time, and this many in all before it
#: takes the rest through the trigram index
_WINDOW = 10_000
_WALK = 20_000
#: the candidates concordance's first query reads at least (each next one reads twice as
#: many, up to _MOST)
_FIRST_BATCH = 64
_MOST = 2000


class PgConnection(Protocol):
    """What a search needs of :class:`tm.postgres.PgConnection` (no import circle)."""

    raw: psycopg.Connection[Any]

    @property
    def in_transaction(self) -> bool: ...

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> psycopg.Cursor[Any]: ...

    def errors(self) -> AbstractContextManager[None]: ...


def warm() -> None:
    """Make the tables of case forms a first search would make (a scan of Unicode: 0.4 s)."""
    _folds()


def create_indexes(raw: psycopg.Connection[Any]) -> None:
    """The indexes concordance's prefilter uses (in the creating transaction): the units
    it always takes, and a trigram index when the database can have ``pg_trgm``."""
    raw.execute(f"CREATE INDEX units_unusual ON units (id) WHERE {_folds()[1]}")
    raw.execute("SAVEPOINT untm_trgm")
    try:
        for statement in pg_schema.SEARCH:
            raw.execute(statement)
    except psycopg.Error:
        raw.execute("ROLLBACK TO SAVEPOINT untm_trgm")  # no pg_trgm here: scans stay in SQL
    raw.execute("RELEASE SAVEPOINT untm_trgm")


#: units concordance always checks, since a search of the raw text for the needle's letters
#: could miss the needle in them: texts holding a character whose case folding is several
#: characters (``ß``: ``ss``), and texts that NFKC changes where letters, digits or marks are
#: concerned (ligatures, full-width letters, decomposed accents). A text that NFKC changes only
#: in spaces or punctuation (no-break spaces, full-width commas: most French and Chinese texts)
#: is not among them: the letters the prefilter looks for never span those.
_UNUSUAL = "(variants ~ '[{folds}]' OR (variants IS NOT NFKC NORMALIZED AND variants ~ '[{nfkc}]'))"


@cache
def _folds() -> tuple[dict[str, str], str]:
    """For each case-folded character, every character that folds to it alone; and the SQL
    condition naming the units concordance always checks (:data:`_UNUSUAL`). Scans Unicode
    once."""
    into: dict[str, set[str]] = {}
    several: list[int] = []
    changed: set[int] = set(range(0x1161, 0x1176)) | set(range(0x11A8, 0x11C3))  # Hangul jamo
    for code in range(sys.maxunicode + 1):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        folded = char.casefold()
        if len(folded) == 1 and folded != char:
            into.setdefault(folded, {folded}).add(char)
        elif len(folded) > 1 and unicodedata.is_normalized("NFKC", char):
            several.append(code)
        image = unicodedata.normalize("NFKC", char)
        if unicodedata.combining(char) or (
            image != char and any(c.isalnum() or unicodedata.category(c)[0] == "M" for c in image)
        ):
            changed.add(code)
        parts = unicodedata.decomposition(char).split()
        if len(parts) == 2 and not parts[0].startswith("<"):
            changed.add(int(parts[1], 16))  # composes with what precedes it
    condition = _UNUSUAL.format(folds=_ranges(several), nfkc=_ranges(sorted(changed)))
    return {k: "".join(sorted(v)) for k, v in into.items()}, condition


def _ranges(codes: Sequence[int]) -> str:
    """Sorted non-ASCII code points as the inside of a bracket expression (``a-z`` runs)."""
    out: list[str] = []
    start = prev = -2
    for code in [*codes, -1]:
        if code == prev + 1:
            prev = code
            continue
        if start >= 0:
            out.append(chr(start) if start == prev else f"{chr(start)}-{chr(prev)}")
        start = prev = code
    return "".join(out)


def prefilter(needle: str) -> list[tuple[str, tuple[Any, ...]]]:
    """SQL conditions, one of which every unit holding the folded ``needle`` meets, and few
    others do: its runs of letters and digits (which folding leaves in place, :func:`tm.
    fold.contains`), each as a regular expression with each character's case forms (the
    longest, and every other of three characters or more: a trigram index serves them all, so
    "human rights" reads the texts holding both words, not every text holding "rights"); or
    being one of the units :data:`_UNUSUAL` names. A needle without letters or digits takes
    every unit."""
    runs = sorted({run for run in re.split(r"[\W_]+", needle) if run}, key=lambda r: (-len(r), r))
    if not runs:
        return [("TRUE", ())]
    forms, unusual = _folds()
    patterns = tuple(
        "".join(f"[{forms[c]}]" if len(forms.get(c, c)) > 1 else re.escape(c) for c in run)
        for run in runs[:1] + [run for run in runs[1:] if len(run) >= 3]
    )
    return [(" AND ".join(["variants ~ ?"] * len(patterns)), patterns), (unusual, ())]


def find(conn: PgConnection, needle: str, bases: str, limit: int) -> list[int]:
    """Candidates by SQL (:func:`prefilter`), in id order, each checked
    exactly as SQLite's ``untm_find`` does, until ``limit`` are found.

    The plan is chosen here, not left to PostgreSQL's estimate of how many texts a regular
    expression matches (a guess from a sample, which flips between runs): first the
    lowest ids are walked a window at a time (:data:`_WINDOW` ids, at most
    :data:`_WALK`), where a common needle is found at once; a needle still short of
    ``limit`` after them is rare, and the rest comes through the trigram index (index
    scans off for those queries) instead of a walk of the whole table."""
    branches = prefilter(needle)
    top = conn.execute("SELECT coalesce(max(id), 0) FROM units").fetchone()
    highest = int(top[0]) if top is not None else 0
    batch = min(_MOST, max(_FIRST_BATCH, 2 * limit))
    found: list[int] = []
    last = 0
    walked = 0
    while len(found) < limit and last < highest:
        walk = walked < _WALK or branches[0][0] == "TRUE"
        upper = last + _WINDOW if walk else highest
        rows = _candidates(conn, branches, last, upper, batch, rare=not walk)
        for uid, data in rows:
            if variant_contains(data, needle, bases):
                found.append(int(uid))
                if len(found) == limit:
                    break
        if len(rows) == batch:  # the window holds more: go on after the last row read
            walked += int(rows[-1][0]) - last
            last = int(rows[-1][0])
        else:
            walked += upper - last
            last = upper
        batch = min(_MOST, 2 * batch)
    return found


def _candidates(
    conn: PgConnection,
    branches: Sequence[tuple[str, tuple[Any, ...]]],
    last: int,
    upper: int,
    batch: int,
    *,
    rare: bool,
) -> list[tuple[int, str]]:
    """The first ``batch`` units with ``last < id <= upper`` meeting a prefilter condition,
    by id. Each condition is a query of its own (each can use its own index: the trigram
    index, the partial index of unusual units), their rows joined by id: in one statement
    when walking ids; when ``rare``, in one statement each, the first (the words) read
    through the trigram index (bitmap scans only), the others as planned (the unusual
    units in id order through their index, which a bitmap scan would read all of)."""
    queries = [
        (
            f"SELECT id, variants FROM units WHERE id > ? AND id <= ? AND {where} "
            "ORDER BY id LIMIT ?",
            [last, upper, *given, batch],
        )
        for where, given in branches
    ]
    if not rare:
        sql = " UNION ".join(f"({query})" for query, _ in queries)
        if len(queries) > 1:
            sql = f"SELECT id, variants FROM ({sql}) AS candidates ORDER BY id LIMIT ?"
        params = [p for _, given in queries for p in given] + [batch] * (len(queries) > 1)
        return [(int(i), str(v)) for i, v in conn.execute(sql, params).fetchall()]
    raw = conn.raw
    inside = conn.in_transaction
    with conn.errors():
        # SET LOCAL lasts to the end of the transaction, or to a rollback to a savepoint
        # made before it: the planner is as it was for whatever runs next
        raw.execute("SAVEPOINT untm_plan" if inside else "BEGIN READ ONLY")
        try:
            raw.execute(
                "SET LOCAL max_parallel_workers_per_gather = 0; "
                "SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off"
            )
            found = dict(conn.execute(*queries[0]).fetchall())
            raw.execute("SET LOCAL enable_seqscan = on; SET LOCAL enable_indexscan = on")
            for query in queries[1:]:
                found.update(conn.execute(*query).fetchall())
        finally:
            if not raw.closed and not raw.broken:
                raw.execute(
                    "ROLLBACK TO SAVEPOINT untm_plan; RELEASE SAVEPOINT untm_plan"
                    if inside
                    else "COMMIT"
                )
    return [(int(i), str(found[i])) for i in sorted(found)[:batch]]
