"""Units <-> rows of the memory's ``units`` table: how a unit is stored in one row.

:func:`encode_units` turns :class:`~tm.models.Unit` values (or the plain tuples bulk readers
give, :data:`PlainUnit` and :data:`DatedUnit`) into :class:`UnitRows`, which
:meth:`tm.memory.Memory.add_rows` stores; :func:`unit_from_row` and :func:`record_from_row`
turn a row back. Kept apart from :mod:`tm.memory` (the store: SQL, transactions) so that a
bulk reader can encode on other cores without the store, and a newcomer finds the row format
by name.

The ``variants`` column holds a unit's variants in order, in one of two forms:

- plain variants (language, text, inline markup; nothing else): for each, its tag, its text
  and ``=`` + its markup (empty without markup), all joined by U+001F. Tags never start with
  ``[``; texts that hold U+001F themselves take the second form.
- any variants: a JSON list of ``[tag, text, markup, props, notes, creation date, creation
  id, change date, change id]``.

A unit's ``key`` is a 64-bit hash of its texts and markup by primary language, sorted, so that
equal units merge (:func:`key_texts` is what the hash stands for).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache, lru_cache
from hashlib import blake2b as _blake2b
from itertools import islice, repeat
from typing import Any

from tm import lang as _lang
from tm.errors import InputError, LanguageError
from tm.fold import contains
from tm.models import Unit, Variant

__all__ = [
    "PLAIN_HEAD",
    "UNIT_COLUMNS",
    "DatedUnit",
    "PlainUnit",
    "UnitRows",
    "anchor_hash",
    "as_unit",
    "decode_variants",
    "encode_units",
    "join_json",
    "key_texts",
    "language_tag",
    "primary",
    "record_from_row",
    "retag",
    "source_row",
    "unit_from_row",
    "variant_contains",
]

#: The unit columns after ``id, tuid, variants``, in the order of a row's ``extras``.
UNIT_COLUMNS = (
    "segtype, props, notes, creation_date, creation_id, change_date, change_id, usage_count"
)
#: the unit columns (segtype to usage_count) of a unit with nothing but a tuid and variants
PLAIN_HEAD: tuple[Any, ...] = (None, None, None, None, None, None, None, 0)
_BATCH = 2000
_STORED_DATE = re.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")
#: separates the fields of plain variants in the ``variants`` column
_SEP = "\x1f"

#: A unit holding nothing but a tuid and its variants' ``(lang, text, markup)``, as a plain
#: tuple: the common case of large TMX files. :meth:`Memory.add` takes these beside
#: :class:`~tm.models.Unit` values, so that a bulk reader need not build two dataclasses per
#: unit; ``(tuid, variants)`` is stored exactly as ``Unit(variants, tuid=tuid)`` would be.
PlainUnit = tuple[str | None, tuple[tuple[str, str, str | None], ...]]

#: A :data:`PlainUnit` with the unit-level props, notes, dates and ids that CAT tools write:
#: ``(tuid, variants, props, notes, creation_date, creation_id, change_date, change_id)``,
#: stored exactly as the :class:`~tm.models.Unit` with these fields would be.
DatedUnit = tuple[
    str | None,
    tuple[tuple[str, str, str | None], ...],
    tuple[tuple[str, str], ...],
    tuple[str, ...],
    datetime | None,
    str | None,
    datetime | None,
    str | None,
]


@cache
def _known_languages() -> frozenset[str]:
    from babel import Locale

    return frozenset(str(code).lower() for code in Locale("en").languages)


@lru_cache(maxsize=4096)
def language_tag(tag: str | None) -> str:
    """Return ``tag`` as a canonical BCP 47 tag, keeping its region: ``EN_us`` -> ``en-US``.

    Raises:
        LanguageError: if the tag is missing, malformed, or its language is not in CLDR
            (three-letter codes such as ``eng`` are refused: CAT tools expect ``en``).

    >>> language_tag("EN-us")
    'en-US'
    """
    if tag is None or not tag.strip():
        raise LanguageError("a language code is missing (expected e.g. 'en', 'fr', 'zh-CN')")
    canonical = _lang.normalize(tag)
    primary = canonical.split("-")[0]
    if primary not in _known_languages():
        raise LanguageError(
            f"{tag!r} is not a known language code (expected a two-letter code such as "
            "'en', 'fr', 'zh-CN')"
        )
    return canonical


def variant_contains(data: str, needle: str, bases: str) -> bool:
    """SQL ``untm_find``: whether a variant's text (of a primary language in the
    comma-separated ``bases``, or of any language when it is empty) contains ``needle``, both
    compared in their :func:`tm.fold.fold` form (case, apostrophes, quotes, spaces alike)."""
    wanted = bases.split(",") if bases else None
    return any(
        contains(text, needle)
        for tag, text, *_ in decode_variants(data)
        if wanted is None or primary(tag) in wanted
    )


def anchor_hash(data: str, base: str) -> int | None:
    """SQL ``untm_anchor``: a hash of the text of the first variant of primary language
    ``base`` in a ``variants`` column, or None when it has none (it pairs units that may hold
    one another; a hash within one process, for a temporary table)."""
    for tag, text, *_ in decode_variants(data):
        if primary(tag) == base:
            return hash(text)
    return None


def retag(batch: UnitRows, aliases: Mapping[str, str]) -> UnitRows:
    """``batch`` with the language tags in ``aliases`` replaced by their values (``fr-FR``
    -> ``fr``); keys stay, as they hash primary languages. The batch itself when no tag of it
    is in ``aliases`` (the common case costs a look at its language combinations)."""
    if not any(tag in aliases for combo in batch.combos for tag in combo):
        return batch
    data = []
    for item in batch.data:
        if item[0] == "[":
            variants = json.loads(item)
            for variant in variants:
                variant[0] = aliases.get(variant[0], variant[0])
            data.append(json.dumps(variants, ensure_ascii=False))
        else:
            fields = item.split(_SEP)
            fields[0::3] = [aliases.get(tag, tag) for tag in fields[0::3]]
            data.append(_SEP.join(fields))
    combos: dict[tuple[str, ...], int] = {}
    for combo, n in batch.combos.items():
        mapped = tuple(aliases.get(tag, tag) for tag in combo)
        combos[mapped] = combos.get(mapped, 0) + n
    return UnitRows(batch.keys, batch.tuids, data, batch.extras, combos)


def decode_variants(data: str) -> tuple[tuple[Any, ...], ...]:
    """The variants of a ``variants`` column: tuples starting ``(tag, text, markup)``,
    followed by props, notes, dates and ids in the JSON form."""
    if data[0] == "[":
        return tuple(tuple(v) for v in json.loads(data))
    fields = data.split(_SEP)
    codes = fields[2::3]
    if not any(codes):
        # no variant has markup: the common case of large exports
        return tuple(zip(fields[0::3], fields[1::3], repeat(None)))
    return tuple(
        zip(fields[0::3], fields[1::3], [c[1:] if c else None for c in codes], strict=True)
    )


def _variants(data: str, keep: frozenset[str] | None) -> tuple[Variant, ...]:
    out = []
    for item in decode_variants(data):
        if keep is not None and primary(item[0]) not in keep:
            continue
        if len(item) == 3:
            out.append(Variant(*item))
        else:
            tag, text, markup, props, notes, cdate, cid, mdate, mid = item
            out.append(
                Variant(
                    tag,
                    text,
                    markup,
                    tuple((k, v) for k, v in props),
                    tuple(notes),
                    _date(cdate),
                    cid,
                    _date(mdate),
                    mid,
                )
            )
    return tuple(out)


def key_texts(data: str) -> list[tuple[str, str, str]]:
    """What a unit's key is the hash of: its texts and markup by primary language, sorted.
    Compared as tuples, not as the joined text hashed, which texts holding U+001E or U+001F
    can make equal for different units."""
    return sorted((primary(v[0]), v[1], v[2] or "") for v in decode_variants(data))


def _encode_full(variants: Sequence[Variant], tags: dict[str, tuple[str, str]]) -> str:
    """The JSON form of the ``variants`` column (variants with props, notes, dates, ids)."""
    items = []
    for v in variants:
        known = tags.get(v.lang)
        if known is None:
            known = tags[v.lang] = _tag_and_base(v.lang)
        items.append(
            [
                known[0],
                v.text,
                v.markup,
                [list(p) for p in v.props],
                list(v.notes),
                _date_text(v.creation_date),
                v.creation_id,
                _date_text(v.change_date),
                v.change_id,
            ]
        )
    return json.dumps(items, ensure_ascii=False)


def unit_from_row(row: tuple[Any, ...], keep: frozenset[str] | None) -> Unit | None:
    """A unit from a row of :data:`_SELECT` with the variants of ``keep`` (None: all), or
    None when none of them is left."""
    _, tuid, data, segtype, props, notes, cdate, cid, mdate, mid, usage = row
    variants = _variants(data, keep)
    if not variants:
        return None
    if row[3:] == PLAIN_HEAD:
        return Unit(variants, tuid=tuid)
    return Unit(
        variants,
        tuid=tuid,
        props=_pairs(props),
        notes=_notes(notes),
        creation_date=_date(cdate),
        creation_id=cid,
        change_date=_date(mdate),
        change_id=mid,
        usage_count=usage,
        segtype=segtype,
    )


def record_from_row(
    row: tuple[Any, ...], keep: frozenset[str] | None
) -> Unit | PlainUnit | DatedUnit | None:
    """What :func:`unit_from_row` gives, but a unit with nothing but a tuid and texts as a
    :data:`PlainUnit`, one with unit-level props, notes, dates and ids besides (what CAT tools
    export) as a :data:`DatedUnit`: what bulk writers turn into text fastest."""
    data = row[2]
    if row[3] is not None or row[10] or data[0] == "[":
        return unit_from_row(row, keep)
    variants = decode_variants(data)
    if keep is not None:
        variants = tuple(v for v in variants if primary(v[0]) in keep)
        if not variants:
            return None
    if row[3:] == PLAIN_HEAD:
        return row[1], variants
    _, tuid, _, _, props, notes, cdate, cid, mdate, mid, _ = row
    return (tuid, variants, _pairs(props), _notes(notes), _date(cdate), cid, _date(mdate), mid)


@lru_cache(maxsize=4096)
def primary(tag: str) -> str:
    """The primary language of a stored (canonical) tag."""
    return tag.split("-")[0]


def _tag_and_base(tag: str) -> tuple[str, str]:
    canonical = language_tag(tag)
    return canonical, canonical.split("-")[0]


@dataclass(slots=True)
class UnitRows:
    """Units encoded as rows of the ``units`` table, in order, ready for
    :meth:`Memory.add_rows`: each unit's key, tuid and ``variants`` column, and for units
    with more than texts, their other columns (segtype to usage_count) by position. Plain
    lists pickle fast, so a bulk reader can encode in other processes."""

    keys: list[int] = field(default_factory=list)
    tuids: list[str | None] = field(default_factory=list)
    data: list[str] = field(default_factory=list)
    #: the unit columns of units with more than a tuid and texts, by position in the batch
    extras: dict[int, tuple[Any, ...]] = field(default_factory=dict)
    #: units by the tuple of their variants' tags (for the per-language counts)
    combos: dict[tuple[str, ...], int] = field(default_factory=dict)


def encode_units(
    units: Iterable[Unit | PlainUnit | DatedUnit], *, size: int = _BATCH
) -> Iterator[UnitRows]:
    """Encode ``units`` as batches of ``size`` rows (the last may be shorter).

    Raises:
        InputError: if a unit has no variant.
        LanguageError: if a variant has an unknown language.
    """
    # the loop below runs once per unit of files with millions of them: plain units go
    # straight to their columns, with language tags looked up in a local dict; Unit values
    # take the same steps, then _unit_columns gives their other columns
    tags: dict[str, tuple[str, str]] = {}
    units = iter(units)
    while True:
        batch = UnitRows()
        keys, tuids, datas, extras, combos = (
            batch.keys,
            batch.tuids,
            batch.data,
            batch.extras,
            batch.combos,
        )
        for unit in islice(units, size):
            if isinstance(unit, tuple):
                tuid, variants = unit[0], unit[1]
            else:
                tuid = unit.tuid
                variants = tuple((v.lang, v.text, v.markup) for v in unit.variants)
            if not variants:
                raise InputError(f"a unit (tuid {tuid!r}) has no language variant")
            # the variants column of plain variants (see decode_variants) and the key: a hash of the
            # texts and markup by primary language, sorted
            parts = []
            fields = []
            langs = []
            for lang, text, markup in variants:
                known = tags.get(lang)
                if known is None:
                    known = tags[lang] = _tag_and_base(lang)
                tag, base = known
                langs.append(tag)
                if markup is None:
                    fields.append(f"{tag}\x1f{text}\x1f")
                    parts.append(f"{base}\x1e{text}\x1e")
                else:
                    fields.append(f"{tag}\x1f{text}\x1f={markup}")
                    parts.append(f"{base}\x1e{text}\x1e{markup}")
            data = _SEP.join(fields)
            if data.count(_SEP) != 3 * len(fields) - 1:
                data = _encode_full([Variant(*v) for v in variants], tags)
            parts.sort()
            combo = tuple(langs)
            combos[combo] = combos.get(combo, 0) + 1
            if not isinstance(unit, tuple):
                data, extra = _unit_columns(unit, data, tags)
                if extra is not None:
                    extras[len(keys)] = extra
            elif len(unit) > 2:
                _, _, props, notes, cdate, cid, mdate, mid = unit
                extras[len(keys)] = (
                    None,
                    _props_text(props),
                    _notes_text(notes),
                    _date_text(cdate),
                    cid,
                    _date_text(mdate),
                    mid,
                    0,
                )
            keys.append(
                int.from_bytes(
                    _blake2b("\x1f".join(parts).encode(), digest_size=8).digest(),
                    "little",
                    signed=True,
                )
            )
            tuids.append(tuid)
            datas.append(data)
        if not keys:
            return
        yield batch


def _unit_columns(
    unit: Unit, data: str, tags: dict[str, tuple[str, str]]
) -> tuple[str, tuple[Any, ...] | None]:
    """The ``variants`` column of ``unit`` (``data``, its plain variants, unless a variant
    has props, notes, dates or ids) and its other columns (None when it has nothing else)."""
    if any(
        v.props
        or v.notes
        or v.creation_date is not None
        or v.creation_id is not None
        or v.change_date is not None
        or v.change_id is not None
        for v in unit.variants
    ):
        data = _encode_full(unit.variants, tags)
    if not (
        unit.props
        or unit.notes
        or unit.creation_date is not None
        or unit.creation_id is not None
        or unit.change_date is not None
        or unit.change_id is not None
        or unit.usage_count
        or unit.segtype is not None
    ):
        return data, None
    return data, (
        unit.segtype,
        _props_text(unit.props),
        _notes_text(unit.notes),
        _date_text(unit.creation_date),
        unit.creation_id,
        _date_text(unit.change_date),
        unit.change_id,
        unit.usage_count,
    )


def as_unit(record: PlainUnit | DatedUnit) -> Unit:
    """The :class:`~tm.models.Unit` a :data:`PlainUnit` or :data:`DatedUnit` stands for."""
    if len(record) == 2:
        tuid, variants = record
        return Unit(tuple(Variant(*v) for v in variants), tuid=tuid)
    tuid, variants, props, notes, cdate, cid, mdate, mid = record
    return Unit(
        tuple(Variant(*v) for v in variants),
        tuid=tuid,
        props=props,
        notes=notes,
        creation_date=cdate,
        creation_id=cid,
        change_date=mdate,
        change_id=mid,
    )


@lru_cache(maxsize=1024)
def _props_text(props: tuple[tuple[str, str], ...]) -> str | None:
    """The ``props`` column (cached: the props of a file's units repeat, e.g. its document)."""
    return _dumps([list(p) for p in props])


@lru_cache(maxsize=1024)
def _notes_text(notes: tuple[str, ...]) -> str | None:
    """The ``notes`` column (cached as :func:`_props_text`)."""
    return _dumps(list(notes))


def _dumps(items: list[Any]) -> str | None:
    return json.dumps(items, ensure_ascii=False) if items else None


def _loads(text: str | None) -> list[Any]:
    return [] if text is None else list(json.loads(text))


@lru_cache(maxsize=1024)
def _pairs(text: str | None) -> tuple[tuple[str, str], ...]:
    """The props of a ``props`` column (cached: a file's units repeat their props)."""
    if text is None:
        return ()
    return tuple((k, v) for k, v in json.loads(text))


@lru_cache(maxsize=1024)
def _notes(text: str | None) -> tuple[str, ...]:
    """The notes of a ``notes`` column (cached as :func:`_pairs`)."""
    return tuple(_loads(text))


def join_json(old: str | None, new: str | None) -> str | None:
    """Two ``props`` or ``notes`` columns joined: the old items, then the new ones not in them."""
    items = _loads(old)
    items.extend(item for item in _loads(new) if item not in items)
    return _dumps(items)


@lru_cache(maxsize=4096)
def _date_text(value: datetime | None) -> str | None:
    """``value`` in UTC as ``YYYY-MM-DDThh:mm:ssZ`` (ISO 8601, four-digit years)."""
    if value is None:
        return None
    if value.tzinfo is not UTC:
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    # isoformat pads years to four digits: 0999-01-01T00:00:00
    return value.isoformat(timespec="seconds")[:19] + "Z"


@lru_cache(maxsize=4096)
def _date(text: str | None) -> datetime | None:
    if text is None:
        return None
    if _STORED_DATE.fullmatch(text):
        # what _date_text writes, read at a twentieth of strptime's cost
        return datetime.fromisoformat(text)
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def source_row(
    unit_id: int, data: str, segtype: str | None, props: str | None, base: str
) -> tuple[int, str, str | None, str | None] | None:
    """The :data:`~tm.index_rows.SourceRow` of a stored unit (its ``variants``, ``segtype``
    and ``props`` columns) in primary language ``base``; None when it has no text in it."""
    for tag, text, *_ in decode_variants(data):
        if primary(tag) == base:
            return unit_id, text, segtype, None if props is None else _document(props)
    return None


@lru_cache(maxsize=1024)
def _document(props: str) -> str | None:
    """The ``x-document`` prop of a ``props`` column (cached: a document's units share it)."""
    return dict(json.loads(props)).get("x-document")
