"""Bulk import of large TMX files on several cores.

A TMX file is a header and a flat list of ``<tu>`` elements. A large UTF-8 file is cut after
a ``</tu>`` into chunks of about a megabyte; worker processes parse each chunk with lxml
(every byte is checked, as the streaming reader checks it), read its units with
:class:`~tmx.tmx.TmxReader` and encode them as table rows (:func:`tm.memory.encode_units`),
while this process stores the rows, in file order, in one transaction
(:meth:`tm.memory.Memory.add_rows`). The workers also tokenise the units' sources for the
memory's match index (:mod:`tm.index_rows`), which the import then writes without reading
the units back. On two cores a million-unit file imports in 60% of the streaming reader's
time (measured by ``bench/tmx_bench.py``). Workers are forked (Linux, from a process with
one thread: tm/workers.py).

The result is the same as the streaming reader's, warnings and their lines included. A
``</tu>`` that ends no unit can only lie in a comment, a CDATA section or a processing
instruction, and a cut there leaves a chunk that does not parse. Whenever anything is
unusual (not UTF-8, namespaces or an internal DTD subset in the prolog, anything but
``</body></tmx>`` after the last ``</tu>``, a chunk that does not parse or holds anything but
``<tu>`` elements, an error in any unit, workers that cannot start), the import is rolled back
and :func:`import_tmx` returns None: the caller then reads the file with the streaming
reader, which reports the exact error with its line.
"""

from __future__ import annotations

import codecs
import gc
import io
import re
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from tm.index_rows import ImportTokens, RowsPart, encode_rows
from tm.memory import ImportReport, Memory, UnitRows, encode_units, language_tag
from tm.tokens import masked
from tm.workers import can_fork, forking, pool, start_worker, usable_cores
from tmx.tmx import TmxReader

__all__ = ["CHUNK_BYTES", "MAX_UNIT_BYTES", "MIN_BYTES", "import_tmx"]

#: files smaller than this are read by the streaming reader (forking the workers and
#: cutting the file gain nothing below some 2 MB: about 9,000 units)
MIN_BYTES = 4 * 2**20
#: the size of the chunks given to the workers
CHUNK_BYTES = 2**20
_MAX_WORKERS = 3
#: the prolog (declaration, ``<tmx>``, ``<header>``, ``<body>``) must lie in the first MB
_PROLOG_BYTES = 2**20
_TAIL_BYTES = 4096
#: a file with no ``</tu>`` in this many bytes (a huge unit, or end tags written
#: ``</tu >``) is not cut: its chunk would grow to the whole file, and a worker parses a
#: chunk whole (about ten times its size in memory)
MAX_UNIT_BYTES = 16 * 2**20
_ENCODING = re.compile(rb"""<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_BODY = re.compile(rb"<body[ \t\r\n]*>")
_SUBSET = re.compile(rb"<!DOCTYPE[^>\[]*\[")
_END = re.compile(rb"</tu>[ \t\r\n]*(</body>)[ \t\r\n]*</tmx>[ \t\r\n]*\Z")
_WIDE_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


class _Fallback(Exception):
    """The file must be read by the streaming reader."""


@dataclass(frozen=True, slots=True)
class _Plan:
    """Where a file's parts lie: ``prolog`` ends with ``<body>``; the units lie from byte
    ``start`` to byte ``end`` (where ``</body>`` starts)."""

    prolog: bytes
    start: int
    end: int


def import_tmx(
    memory: Memory,
    path: Path,
    *,
    origin: str | None = None,
    keep_regions: bool = False,
    min_bytes: int | None = None,
    chunk_bytes: int | None = None,
    workers: int | None = None,
) -> ImportReport | None:
    """Import the TMX file ``path`` into ``memory`` with worker processes, in one
    transaction; return None (with the memory untouched) when the file is smaller than
    ``min_bytes`` (default :data:`MIN_BYTES`), fewer than two cores are free, or the file
    must be read by the streaming reader (see the module docstring); ``keep_regions`` as
    :meth:`Memory.add`. ``chunk_bytes``
    (default :data:`CHUNK_BYTES`) and ``workers`` (default: see :func:`_cores`) are
    for tests and benchmarks.

    Raises:
        InputError: two different units share a tuid (as :meth:`Memory.add_rows`).
        StoreError: the memory cannot be written.
    """
    count = workers if workers is not None else _cores()
    if count < 2 or not can_fork():
        return None
    plan = _plan(path, MIN_BYTES if min_bytes is None else min_bytes)
    if plan is None:
        return None
    reader = _prolog_reader(path, plan)
    if reader is None:
        return None
    language_tag("en")  # load the language data once, before the workers are forked
    langs = memory.backend.index_languages(memory)
    tokens = ImportTokens(langs) if langs else None
    if tokens is not None:
        masked("", "en")  # the tokenizer too
    readers = pool(count, _worker)
    if readers is None:
        return None
    try:
        batches = _batches(readers, count, path, plan, reader, chunk_bytes or CHUNK_BYTES, tokens)
        report = memory.add_rows(batches, origin=origin, keep_regions=keep_regions, tokens=tokens)
    except _Fallback:
        return None
    finally:
        readers.shutdown(wait=True, cancel_futures=True)
    return replace(
        report, skipped=reader.skipped, warnings=(*reader.all_warnings(), *report.warnings)
    )


def _cores() -> int:
    """The workers to start: none on one core (1: too few); two on two or three cores (on
    two, measured: one worker cannot keep this process busy, two beside it use both cores);
    beyond that one per other core, at most three: storing takes this process about 4.5 us
    a unit where a worker reads one in about 10 us."""
    usable = usable_cores()
    return 1 if usable < 2 else min(max(usable - 1, 2), _MAX_WORKERS)


def _plan(path: Path, min_bytes: int) -> _Plan | None:
    """Where the units of ``path`` lie, or None when the file is small or not one that
    can be cut (see the module docstring)."""
    size = path.stat().st_size
    if size < max(min_bytes, 1):
        return None
    with open(path, "rb") as handle:
        head = handle.read(_PROLOG_BYTES)
        handle.seek(max(0, size - _TAIL_BYTES))
        tail = handle.read()
    if head.startswith(_WIDE_BOMS):
        return None
    declared = _ENCODING.match(head.removeprefix(codecs.BOM_UTF8))
    if declared is not None and declared.group(1).lower() not in (b"utf-8", b"utf8"):
        return None
    body = _BODY.search(head)
    end = _END.search(tail)
    if body is None or end is None:
        return None
    prolog = head[: body.end()]
    if b"xmlns" in prolog or _SUBSET.search(prolog):
        return None
    return _Plan(prolog, body.end(), size - len(tail) + end.start(1))


def _prolog_reader(path: Path, plan: _Plan) -> TmxReader | None:
    """A reader that has read the prolog (header, version, entity checks, their warnings)
    and collects the warnings of the chunks; None when the prolog is not a TMX prolog."""
    reader = TmxReader(io.BytesIO(plan.prolog + b"</body></tmx>"))
    reader.name = str(path)
    try:
        if any(True for _ in reader.records()):
            return None  # units outside <body>
    except Exception:  # noqa: BLE001 - the streaming reader reports it with its line
        return None
    return reader


def _chunks(path: Path, plan: _Plan, size: int) -> Iterator[tuple[int, bytes]]:
    """The body of ``path`` as (first line, bytes) chunks of about ``size`` bytes, each
    ending after a ``</tu>`` but the last, which ends before ``</body>``."""
    line = 1 + plan.prolog.count(b"\n")
    left = plan.end - plan.start
    rest = b""
    with open(path, "rb") as handle:
        handle.seek(plan.start)
        while left > 0:
            block = handle.read(min(size, left))
            if not block:
                raise _Fallback  # the file shrank while being read
            left -= len(block)
            data = rest + block
            cut = data.rfind(b"</tu>") + len(b"</tu>") if left else len(data)
            if cut < len(b"</tu>"):
                if len(data) > MAX_UNIT_BYTES:
                    raise _Fallback
                rest = data
                continue
            chunk, rest = data[:cut], data[cut:]
            yield line, chunk
            line += chunk.count(b"\n")


def _batches(
    pool: ProcessPoolExecutor,
    workers: int,
    path: Path,
    plan: _Plan,
    reader: TmxReader,
    size: int,
    tokens: ImportTokens | None,
) -> Iterator[UnitRows]:
    """The rows of each chunk in file order, read by ``pool`` with at most two chunks per
    worker in flight; their warnings and skipped units go to ``reader``, their sources
    tokenised for the match index to ``tokens``."""
    pending: deque[Future[tuple[UnitRows, TmxReader, dict[str, RowsPart]]]] = deque()
    name = str(path)
    langs = tokens.langs if tokens is not None else ()

    def collect() -> UnitRows:
        try:
            rows, part, encoded = pending.popleft().result()
        except Exception as err:
            raise _Fallback from err
        reader.absorb(part)
        if tokens is not None:
            tokens.add(encoded)
        return rows

    try:
        for line, chunk in _chunks(path, plan, size):
            with forking():  # the first submit forks the workers
                pending.append(pool.submit(_read_chunk, name, line, chunk, langs))
            if len(pending) >= 2 * workers:
                yield collect()
        while pending:
            yield collect()
    except RuntimeError as err:  # the pool broke while submitting
        raise _Fallback from err


def _worker(parent: int) -> None:
    """Start a worker (tm/workers.py), without cyclic garbage collection: a worker makes no
    reference cycles, and its collections, triggered by the tuples of each unit, would cost
    time."""
    start_worker(parent)
    gc.disable()


def _read_chunk(
    name: str, line: int, data: bytes, langs: tuple[str, ...]
) -> tuple[UnitRows, TmxReader, dict[str, RowsPart]]:
    """In a worker: the rows of the units in ``data`` (a chunk of the body of the file
    ``name`` starting on ``line``), the reader that read them, with its warnings, and their
    index rows in ``langs``, tokenised."""
    reader = TmxReader(name)
    rows = next(encode_units(reader.read_part(data, line), size=len(data)), UnitRows())
    return rows, reader, {lang: encode_rows(rows, lang) for lang in langs}
