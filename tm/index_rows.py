"""The rows a match index holds of units, and those a bulk import tokenised on its workers.

A unit's source gives one row, and a multi-sentence source one row more per sentence
(:func:`unit_rows`, over what :meth:`tm.memory.Memory.sources` reads of the units).

A bulk import (:mod:`tmx.bulk`) reads a large file on worker processes. Each worker also
tokenises the sources of the units it read, for each language the memory indexes
(:func:`encode_rows`), and the importing process gathers them (:class:`ImportTokens`) as it
stores the units, so reading the file, storing the units and tokenising them overlap. When the
import commits, the index is made from them (:func:`imported_arrays`, called by
:func:`tm.live_index.follow`) instead of reading the units back from the memory and tokenising
them again. The rows are those :func:`unit_rows` makes of the units the import left: units that
merged into others are left out, the document of a unit another one merged into is read again
(a merge joins props), so the index is the one a build from the memory would write.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from tm.connection import Connection
from tm.encoding import UnitRows, source_row
from tm.index_build import (
    Encoded,
    IndexRow,
    Vocabulary,
    encode_texts,
    finish_arrays,
    joined,
)
from tm.models import Unit

__all__ = [
    "ImportTokens",
    "RowsPart",
    "SourceRow",
    "encode_rows",
    "imported_arrays",
    "of_units",
    "sentences",
    "unit_rows",
]

#: What the index reads of a unit: ``(id, source text, segtype, x-document prop)``.
SourceRow = tuple[int, str, str | None, str | None]


class Sources(Protocol):
    """A memory as :func:`imported_arrays` reads it."""

    connection: Connection

    def sources(self, lang: str, *, ids: Sequence[int] | None = None) -> Iterator[SourceRow]: ...


def unit_rows(items: Iterable[SourceRow], lang: str) -> Iterator[IndexRow]:
    """The rows indexing units' sources (:meth:`~tm.memory.Memory.sources`), by id. A unit
    holding several sentences (segtype ``paragraph``, from a 2-1 alignment) also gets one row
    per sentence, after all the whole rows (so whole rows stay neighbours for context), each
    in a document of its own. Documents are numbered by the ``x-document`` prop, else by runs
    of consecutive ids."""
    extra: list[tuple[int, str]] = []
    names: dict[str, int] = {}
    run, last = -1, None
    lowest = 0
    for unit_id, text, segtype, name in items:
        if name is not None:
            doc = names.setdefault(name, len(names))
        else:
            if last is None or unit_id != last + 1:
                run -= 1
            doc = run
            lowest = min(lowest, doc)
        last = unit_id
        yield unit_id, text, doc, 0
        if segtype == "paragraph":
            extra.append((unit_id, text))
    lone = lowest - 1
    for unit_id, text in extra:
        for k, sentence in enumerate(sentences(text, lang), 1):
            yield unit_id, sentence, lone, k
            lone -= 1


def of_units(items: Iterable[tuple[int, Unit]], lang: str) -> Iterator[SourceRow]:
    """The :data:`~tm.memory.SourceRow` of units held in memory."""
    for unit_id, unit in items:
        text = unit.text(lang)
        if text is not None:
            yield unit_id, text, unit.segtype, dict(unit.props).get("x-document")


def sentences(text: str, lang: str) -> list[str]:
    """The sentences of a multi-sentence source in ``lang`` (none when it is one)."""
    from tm.segment import segment

    found = segment(text, lang)
    return found if len(found) > 1 else []


@dataclass(frozen=True, slots=True)
class RowsPart:
    """The index rows of one batch of units in one language, tokenised: the whole sources
    first, then the sentences of multi-sentence ones. ``units`` is the batch's size; per
    row, the unit's position in the batch (``positions``) and its part (``parts``: 0 for a
    whole source, k for its k-th sentence), as int32 bytes; ``names`` the ``x-document`` of
    the units that have one, by position."""

    encoded: Encoded
    units: int
    positions: bytes
    parts: bytes
    names: dict[int, str]


def encode_rows(batch: UnitRows, lang: str) -> RowsPart:
    """The index rows of ``batch`` (units encoded for storing) in ``lang`` (a worker's)."""
    base = lang.split("-")[0]
    texts: list[str] = []
    positions: list[int] = []
    names: dict[int, str] = {}
    split: list[tuple[int, str]] = []
    get = batch.extras.get
    for at, data in enumerate(batch.data):
        extra = get(at)
        segtype, props = (extra[0], extra[1]) if extra else (None, None)
        found = source_row(at, data, segtype, props, base)
        if found is None:
            continue
        _, text, segtype, name = found
        texts.append(text)
        positions.append(at)
        if name is not None:
            names[at] = name
        if segtype == "paragraph":
            split.append((at, text))
    parts = [0] * len(texts)
    for at, text in split:
        for k, sentence in enumerate(sentences(text, lang), 1):
            texts.append(sentence)
            positions.append(at)
            parts.append(k)
    return RowsPart(
        encode_texts(texts, lang),
        len(batch.data),
        np.asarray(positions, dtype=np.int32).tobytes(),
        np.asarray(parts, dtype=np.int32).tobytes(),
        names,
    )


@dataclass(slots=True)
class _Language:
    """What an import gathered of one language: rows by batch, in the import's order."""

    vocab: Vocabulary = field(default_factory=Vocabulary)
    codes: list[np.ndarray] = field(default_factory=list)
    lengths: list[np.ndarray] = field(default_factory=list)
    positions: list[np.ndarray] = field(default_factory=list)  # in the import, int64
    parts: list[np.ndarray] = field(default_factory=list)
    names: dict[int, str] = field(default_factory=dict)


class ImportTokens:
    """The tokenised index rows of one import's units in ``langs``, gathered batch by batch
    (:meth:`add`) in the order the import stores them. The import sets :attr:`first` (the id
    of its first unit: the k-th unit gets ``first + k``) and :attr:`touched` (its units that
    others merged into)."""

    def __init__(self, langs: tuple[str, ...]) -> None:
        self.langs = langs
        self.first: int | None = None
        self.touched: set[int] = set()
        self.units = 0
        self._langs = {lang: _Language() for lang in langs}

    def add(self, parts: Mapping[str, RowsPart]) -> None:
        """Take one batch's rows (every language's, one batch: they share its units)."""
        size = 0
        for lang, part in parts.items():
            into = self._langs[lang]
            into.codes.append(into.vocab.remap(part.encoded))
            into.lengths.append(np.frombuffer(part.encoded.lengths, dtype=np.int32))
            at = np.frombuffer(part.positions, dtype=np.int32).astype(np.int64)
            into.positions.append(at + self.units)
            into.parts.append(np.frombuffer(part.parts, dtype=np.int32))
            into.names.update((self.units + at, name) for at, name in part.names.items())
            size = part.units
        self.units += size

    def arrays(
        self, lang: str, alive: np.ndarray | None, names: Mapping[int, str | None]
    ) -> dict[str, np.ndarray]:
        """The index arrays of the import's units in ``lang`` (see :data:`ARRAYS`); only the
        units of ids ``alive`` (sorted; None: every one), with the documents ``names`` (unit
        id -> ``x-document``) for those whose props changed. Call once: the rows are
        released as they are used."""
        assert self.first is not None
        first = self.first
        gathered = self._langs.pop(lang)
        whole: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
        split: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
        for codes, lengths, positions, parts in zip(
            gathered.codes, gathered.lengths, gathered.positions, gathered.parts, strict=True
        ):
            ids = positions + first
            keep = np.ones(len(ids), dtype=np.bool_)
            if alive is not None:
                keep = _within(ids, alive)
            is_whole = parts == 0
            for rows, into in ((keep & is_whole, whole), (keep & ~is_whole, split)):
                if rows.all():
                    into.append((codes, lengths, ids, parts))
                elif rows.any():
                    into.append(
                        (_ragged(codes, lengths, rows), lengths[rows], ids[rows], parts[rows])
                    )
        gathered.codes.clear()
        chosen = whole + split
        count = sum(len(c[2]) for c in whole)
        del whole[:], split[:]
        code_pieces = [c[0] for c in chosen]
        length_pieces = [c[1] for c in chosen]
        ids = joined([c[2] for c in chosen], np.int64)
        parts = joined([c[3] for c in chosen], np.int32)
        named = {first + at: name for at, name in gathered.names.items()}
        for uid, name in names.items():
            if name is None:
                named.pop(uid, None)
            else:
                named[uid] = name
        docs = _documents(ids[:count], named, len(ids) - count)
        del chosen
        return finish_arrays(
            gathered.vocab, code_pieces, length_pieces, ids=ids, docs=docs, parts=parts
        )


def _within(ids: np.ndarray, alive: np.ndarray) -> np.ndarray:
    """Which of ``ids`` are in the sorted array ``alive``."""
    at = np.searchsorted(alive, ids)
    at[at == len(alive)] = 0
    return alive[at] == ids if len(alive) else np.zeros(len(ids), dtype=np.bool_)


def _ragged(codes: np.ndarray, lengths: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The codes of the ``rows`` (a mask) of the rows laid end to end in ``codes``."""
    chosen: np.ndarray = codes[np.repeat(rows, lengths)]
    return chosen


def _documents(whole: np.ndarray, named: Mapping[int, str], extra: int) -> np.ndarray:
    """The documents of the rows, as :func:`tm.live_index.unit_rows` numbers them: the
    whole rows of units ``whole`` (ids, ascending) by their ``x-document`` (``named``),
    else by runs of consecutive ids (-2, -3, ...); then ``extra`` sentence rows, each in a
    document of its own below those."""
    count = len(whole)
    starts = np.ones(count, dtype=np.bool_)
    np.not_equal(whole[1:], whole[:-1] + 1, out=starts[1:])
    unnamed = np.ones(count, dtype=np.bool_)
    numbers: dict[str, int] = {}
    at_named = np.searchsorted(whole, np.fromiter(sorted(named), dtype=np.int64, count=len(named)))
    named_rows = [
        (int(at), named[int(uid)])
        for at, uid in zip(at_named.tolist(), sorted(named), strict=True)
        if at < count and whole[at] == uid
    ]
    docs = np.empty(count + extra, dtype=np.int64)
    for at, _ in named_rows:
        unnamed[at] = False
    docs[:count] = -1 - np.cumsum(starts & unnamed)
    for at, name in named_rows:
        docs[at] = numbers.setdefault(name, len(numbers))
    lowest = min(0, int(docs[:count][unnamed].min())) if unnamed.any() else 0
    docs[count:] = lowest - 1 - np.arange(extra, dtype=np.int64)
    return docs


def imported_arrays(
    memory: Sources, tokens: ImportTokens | None, lang: str, ids: Sequence[int] | None
) -> dict[str, np.ndarray] | None:
    """The index arrays of the units ``ids`` (None: every unit) of ``lang`` from the
    ``tokens`` of the import this transaction made, or None when they do not hold exactly
    those units (other units pending, a language not tokenised, no import)."""
    if tokens is None or tokens.first is None or lang not in tokens.langs:
        return None
    conn = memory.connection
    first, end = tokens.first, tokens.first + tokens.units
    if ids is None:
        if conn.execute("SELECT 1 FROM units WHERE id < ? LIMIT 1", (first,)).fetchone():
            return None
        count, top = conn.execute(
            "SELECT count(*), coalesce(max(id), 0) FROM units WHERE id >= ?", (first,)
        ).fetchone()
        if top >= end:
            return None
        alive = None
        if count < tokens.units:  # units merged into others are gone
            alive = np.fromiter(
                (r[0] for r in conn.execute("SELECT id FROM units WHERE id >= ?", (first,))),
                dtype=np.int64,
            )
    else:
        if not ids or ids[0] < first or ids[-1] >= end:
            return None
        alive = None if len(ids) == tokens.units else np.asarray(ids, dtype=np.int64)
    touched = sorted(tokens.touched)
    names: dict[int, str | None] = dict.fromkeys(touched)
    names.update((r[0], r[3]) for r in memory.sources(lang, ids=touched))
    return tokens.arrays(lang, alive, names)
