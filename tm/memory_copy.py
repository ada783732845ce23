"""``untm copy``: a whole memory moved to another store, of either engine.

The units keep their ids (document links, a server's revision log and its followers name
units by id), and documents, per-language counts, settings stored with the memory (access
tokens, ``set_meta``) and learned models come along; the destination keeps its own signature
and starts its own revision history at 1. Rows stream in batches from the source (a snapshot
of it) into one write transaction of the destination, so memory use stays flat at millions
of units and an interrupted copy leaves nothing behind: the transaction rolls back, and a
destination the copy created is removed again (:meth:`tm.memory.Memory.__exit__`).

Only an empty destination is taken (a new file, an empty database, or a memory that holds
nothing yet): merging two memories is what ``untm export`` and ``untm import`` do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from itertools import islice
from typing import Any

from tm.encoding import UNIT_COLUMNS
from tm.errors import InputError
from tm.memory import OWN_META, Memory
from tm.schema import GLOSSARIES

__all__ = ["CopyReport", "copy_memory"]

#: the tables copied, in order: (name, columns, order of the rows)
_TABLES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    (
        "units",
        ("id", "key", "tuid", "origin", "variants", *(c.strip() for c in UNIT_COLUMNS.split(","))),
        "id",
    ),
    ("languages", ("lang", "units"), "lang"),
    ("documents", ("id", "title", "pivot", "built", "files"), "id"),
    ("document_units", ("document", "row", "unit"), "document, row"),
    ("learned", ("name", "data", "units"), "name"),
    ("glossaries", ("name", "data", "concepts", "stored"), "name"),
)
_BATCH = 5000


@dataclass(frozen=True, slots=True)
class CopyReport:
    """What a copy moved: units, documents, settings (``meta`` rows), learned models, the
    destination's revision after it, and the glossaries stored with the memory."""

    units: int
    documents: int
    settings: int
    models: int
    revision: int
    glossaries: int = 0


def copy_memory(
    source: Memory, target: Memory, *, progress: Callable[[int, int], None] | None = None
) -> CopyReport:
    """Copy everything ``source`` holds into the empty memory ``target`` in one transaction
    of ``target``; ``progress(done, total)`` follows the units.

    Raises:
        InputError: ``target`` is not empty, or is ``source`` itself.
        StoreError: either memory cannot be read or written.
    """
    if source.name == target.name:
        raise InputError(f"{target.name} is the memory being copied; give another destination")
    counts: dict[str, int] = {}
    source.backend.begin_read()  # one snapshot of the source, whoever writes to it meanwhile
    try:
        total = source.count()
        with target.transaction():
            _check_empty(target)
            for table, columns, order in _TABLES:
                with closing(source.rows(table, columns, order=order)) as stored:
                    rows: Iterator[tuple[Any, ...]] = stored
                    if table == "units" and progress is not None:
                        rows = _counted(stored, total, progress)
                    counts[table] = sum(
                        target.backend.copy_rows(table, columns, batch) for batch in _batches(rows)
                    )
            settings = {k: v for k, v in source.meta().items() if k not in OWN_META}
            target.connection.executemany(
                "INSERT INTO meta (key, value) VALUES (?, ?)", sorted(settings.items())
            )
            revision = target.bump()
    finally:
        source.connection.execute("COMMIT")
    return CopyReport(
        units=counts["units"],
        documents=counts["documents"],
        settings=len(settings),
        models=counts["learned"],
        revision=revision,
        glossaries=counts["glossaries"],
    )


def _check_empty(target: Memory) -> None:
    """Refuse a destination that holds anything (units, documents, settings, revisions)."""
    held = target.count()
    meta = target.meta()
    if held or int(meta["revision"]) or set(meta) - set(OWN_META):
        raise InputError(
            f"{target.name} already holds a memory ({held:,} units, revision "
            f"{meta['revision']}); copy into a new file or an empty database"
        )
    target.connection.execute(target.backend.learned_table)
    target.connection.execute(GLOSSARIES)


def _batches(rows: Iterable[Sequence[Any]]) -> Iterator[list[Sequence[Any]]]:
    it = iter(rows)
    while batch := list(islice(it, _BATCH)):
        yield batch


def _counted(
    rows: Iterable[tuple[Any, ...]], total: int, progress: Callable[[int, int], None]
) -> Iterator[tuple[Any, ...]]:
    for done, row in enumerate(rows, 1):
        yield row
        if done % _BATCH == 0 or done == total:
            progress(done, total)
