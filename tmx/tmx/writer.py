"""Writing TMX 1.4b: a streaming writer, in one file, one file per language pair or in parts.

The writer streams into a temporary file that replaces the target only when complete, in
chunks of serialised units: lxml serialises units with inline codes or characters XML cannot
hold, and the others are written as text with lxml's escaping (a test holds the two byte for
byte equal). A :class:`~tmx.tmx.profiles.Profile` adapts the output to a CAT tool.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import IO

from lxml import etree

from tm import lang as _lang
from tm.errors import InputError
from tm.memory import DatedUnit, PlainUnit, as_unit, language_tag, signature
from tm.models import Unit, Variant
from tmx import _xml
from tmx._xml import XML_LANG
from tmx.output import WriteReport, atomic_paths, numbered_path
from tmx.tmx.dates import format_date
from tmx.tmx.profiles import Profile, find_profile, written_prop_type

__all__ = ["write_tmx"]

_VERSION = "0.1.0"
_CLOSING = len(b"</body></tmx>\n")
_PROLOGUE = "<?xml version='1.0' encoding='UTF-8'?>\n<!DOCTYPE tmx SYSTEM \"tmx14.dtd\">\n"
#: serialised units kept before one write to the file
_CHUNK = 1000


class _Sink:
    """One stream of TMX files, split after ``max_units`` units or before ``max_bytes``.

    Units arrive serialised (:func:`_plain_tu` or ``etree.tostring``) and are written in
    chunks, with the prologue and closing tags lxml's ``xmlfile`` writes. Files are written
    to temporary paths and named at :meth:`finish`: the target name when one file was
    enough, else ``<stem>.part001.tmx``, ``<stem>.part002.tmx``, ... (:func:`numbered_path`).
    """

    def __init__(
        self,
        target: Path,
        header: dict[str, str],
        tmp: atomic_paths,
        *,
        max_units: int | None = None,
        max_bytes: int | None = None,
    ) -> None:
        self.target = target
        self.header = header
        self.tmp = tmp
        self.max_units = max_units
        self.max_bytes = max_bytes
        self.files: list[tuple[str, int]] = []
        self._temps: list[str] = []
        self._handle: IO[bytes] | None = None
        self._chunk: list[str] = []
        self._count = 0
        self._bytes = 0

    def _open(self) -> None:
        temp = self.tmp.temp(self.target)
        handle = open(temp, "wb")  # noqa: SIM115 - closed in close()
        self._temps.append(temp)
        header = etree.Element("header", self.header)
        prop = etree.SubElement(header, "prop", type="x-untm-signature")
        prop.text = signature()
        head = etree.tostring(header, encoding="unicode")
        handle.write(f'{_PROLOGUE}<tmx version="1.4">\n{head}\n<body>\n'.encode())
        self._handle = handle
        self._count = 0
        self._bytes = 100 + len(head.encode())

    def write(self, tu: str) -> None:
        """Add one serialised ``<tu>``, starting a new file first when this one is full."""
        size = len(tu.encode()) + 1 if self.max_bytes else 0
        full = (
            self._handle is not None
            and self._count > 0
            and (
                (self.max_units is not None and self._count >= self.max_units)
                or (self.max_bytes is not None and self._bytes + size + _CLOSING > self.max_bytes)
            )
        )
        if self._handle is None or full:
            self.close()
            self._open()
        self._chunk.append(tu)
        if len(self._chunk) >= _CHUNK:
            self._drain()
        self._count += 1
        self._bytes += size

    def _drain(self) -> None:
        if self._handle is not None and self._chunk:
            self._chunk.append("")
            self._handle.write("\n".join(self._chunk).encode())
        self._chunk.clear()

    def close(self) -> None:
        if self._handle is not None:
            self.files.append(("", self._count))
            try:
                self._drain()
                self._handle.write(b"</body></tmx>")
            finally:
                self._handle.close()
                self._handle = None

    def finish(self) -> None:
        """Close the last file (writing an empty, valid one if no unit came) and name them."""
        if not self._temps:
            self._open()
        self.close()
        single = len(self._temps) == 1
        named = []
        for number, (temp, (_, count)) in enumerate(zip(self._temps, self.files, strict=True), 1):
            target = self.target if single else numbered_path(self.target, part=number)
            self.tmp.commit(temp, target)
            named.append((str(target), count))
        self.files = named


def write_tmx(
    units: Iterable[Unit | PlainUnit | DatedUnit],
    path: str | Path,
    *,
    srclang: str = "en",
    langs: Sequence[str] | None = None,
    profile: str | Profile = "tmx",
    max_units: int | None = None,
    creationdate: datetime | None = None,
) -> WriteReport:
    """Write ``units`` as TMX 1.4b (atomically; files appear only when complete).

    Args:
        units: the units, e.g. ``memory.units()``, or ``memory.records()`` (faster: units
            without variant-level fields come as tuples, written without building
            :class:`Unit` values; the output is the same).
        path: the output file, written under exactly this name when one file results;
            several files (pairs of a per-pair profile, splitting) are named by
            :func:`~tmx.output.numbered_path`: ``letter.en-fr.tmx``, ``letter.part001.tmx``.
        srclang: the source language (header ``srclang``); every written unit has it.
        langs: the languages to write (default: all found, decided per unit).
        profile: a name in :data:`PROFILES` or a :class:`Profile`.
        max_units: split files after this many units (overrides the profile's limit).
        creationdate: the header date (default: now).

    Units with fewer than two of the written languages, or without ``srclang``, are left out
    (CAT tools ignore units with only a source) and counted in ``skipped``.

    Raises:
        InputError: unknown profile, a per-pair profile without ``langs``, bad language.
    """
    prof = find_profile(profile)
    limit = max_units if max_units is not None else prof.max_units
    if limit is not None and limit < 1:
        raise InputError(f"the split size must be at least 1 unit, not {limit}")
    src = language_tag(srclang)
    wanted = tuple(language_tag(t) for t in langs) if langs else None
    if prof.per_pair and not wanted:
        raise InputError(
            f"the {prof.name} profile writes one file per language pair: give the languages",
            parameter="langs",
        )
    if wanted and not any(_lang.same_language(t, src) for t in wanted):
        wanted = (src, *wanted)
    form = _lang.likely_region if prof.regions else (lambda t: t)
    date = format_date(creationdate or datetime.now(UTC))
    target = Path(path)
    skipped = 0
    with atomic_paths() as tmp:
        sinks: list[tuple[frozenset[str] | None, _Sink]] = []
        if prof.per_pair and wanted:
            others = [t for t in wanted if not _lang.same_language(t, src)]
            for other in others:
                label = f"{src}-{other}" if len(others) > 1 else None
                pair_path = numbered_path(target, pair=label)
                head = _header_attrs(form(src), prof, date)
                pair = frozenset({_base(src), _base(other)})
                sink = _Sink(pair_path, head, tmp, max_units=limit, max_bytes=prof.max_bytes)
                sinks.append((pair, sink))
        else:
            select = frozenset(_base(t) for t in wanted) if wanted else None
            head = _header_attrs(form(src), prof, date)
            sink = _Sink(target, head, tmp, max_units=limit, max_bytes=prof.max_bytes)
            sinks.append((select, sink))
        try:
            for unit in units:
                wrote = False
                for sel, sink in sinks:
                    if isinstance(unit, tuple):
                        tu = _plain_tu(unit, sel, src, form, prof)
                    else:
                        tu = _text_tu(unit, sel, src, form, prof)
                    if tu is not None:
                        sink.write(tu)
                        wrote = True
                if not wrote:
                    skipped += 1
            for _, sink in sinks:
                sink.finish()
        finally:
            for _, sink in sinks:
                sink.close()
    files = tuple(f for _, sink in sinks for f in sink.files)
    return WriteReport(files=files, skipped=skipped)


def _header_attrs(srclang: str, prof: Profile, date: str) -> dict[str, str]:
    return {
        "creationtool": "untm",
        "creationtoolversion": _VERSION,
        "segtype": prof.segtype,
        "o-tmf": "untm",
        "adminlang": "en",
        "srclang": srclang,
        "datatype": "plaintext",
        "creationdate": date,
    }


@lru_cache(maxsize=4096)
def _base(tag: str) -> str:
    return language_tag(tag).split("-")[0]


def _lxml_tu(
    unit: Unit, select: frozenset[str] | None, src: str, form: Callable[[str], str], prof: Profile
) -> str | None:
    tu = _tu(unit, select, src, form, prof)
    return None if tu is None else str(etree.tostring(tu, encoding="unicode"))


#: characters lxml refuses in text and attributes (C0 controls but tab and newlines,
#: surrogates, U+FFFE, U+FFFF)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _plain_tu(
    record: PlainUnit | DatedUnit,
    select: frozenset[str] | None,
    src: str,
    form: Callable[[str], str],
    prof: Profile,
) -> str | None:
    """The ``<tu>`` of a plain or dated unit as text, exactly as lxml serialises
    :func:`_tu`'s element (same escaping; tested against it), or None as :func:`_tu`. Units
    with inline codes or characters XML cannot hold go through lxml, which keeps or refuses
    them as before."""
    tuid, variants = record[0], record[1]
    source = _base(src)
    first: list[tuple[str, str, str | None]] = []
    rest: list[tuple[str, str, str | None]] = []
    bases = set()
    for variant in variants:
        base = _base(variant[0])
        if (select is None or base in select) and variant[1].strip():
            bases.add(base)
            (first if base == source else rest).append(variant)
    if len(bases) < 2 or source not in bases:
        return None
    parts = ["<tu" if tuid is None else f'<tu tuid="{_escape_attr(tuid)}"']
    if len(record) == 2:
        parts.append(">")
    else:
        _, _, props, notes, cdate, cid, mdate, mid = record
        _text_dates(parts, cdate, cid, mdate, mid)
        parts.append(">")
        _text_meta(parts, notes, props, prof)
    for lang, text, markup in first + rest:
        if markup is not None:
            return _lxml_tu(as_unit(record), select, src, form, prof)
        seg = _escape_text(text.strip())
        parts.append(f'<tuv xml:lang="{_escape_attr(form(lang))}"><seg>{seg}</seg></tuv>')
    parts.append("</tu>")
    out = "".join(parts)
    if _NOT_XML.search(out) is not None:
        return _lxml_tu(as_unit(record), select, src, form, prof)
    return out


def _written_variants(unit: Unit, select: frozenset[str] | None, src: str) -> list[Variant] | None:
    """The variants of ``unit`` to write (``select``: the primary languages to keep), source
    first, since some tools read the first ``<tuv>`` as the source; None when fewer than two
    languages or no source text would be written."""
    source = _base(src)
    first: list[Variant] = []
    rest: list[Variant] = []
    bases = set()
    for v in unit.variants:
        base = _base(v.lang)
        if (select is None or base in select) and v.text.strip():
            bases.add(base)
            (first if base == source else rest).append(v)
    if len(bases) < 2 or source not in bases:
        return None
    return first + rest


def _text_tu(
    unit: Unit, select: frozenset[str] | None, src: str, form: Callable[[str], str], prof: Profile
) -> str | None:
    """The ``<tu>`` of any unit as text, exactly as lxml serialises :func:`_tu`'s element
    (tested byte for byte against it); units with inline codes or characters XML cannot
    hold go through lxml."""
    variants = _written_variants(unit, select, src)
    if variants is None:
        return None
    parts = ["<tu"]
    if unit.tuid is not None:
        parts.append(f' tuid="{_escape_attr(unit.tuid)}"')
    if unit.segtype is not None:
        parts.append(f' segtype="{_escape_attr(unit.segtype)}"')
    _text_dates(parts, unit.creation_date, unit.creation_id, unit.change_date, unit.change_id)
    if unit.usage_count:
        parts.append(f' usagecount="{unit.usage_count}"')
    parts.append(">")
    _text_meta(parts, unit.notes, unit.props, prof)
    for v in variants:
        if v.markup is not None:
            return _lxml_tu(unit, select, src, form, prof)
        parts.append(f'<tuv xml:lang="{_escape_attr(form(v.lang))}"')
        _text_dates(parts, v.creation_date, v.creation_id, v.change_date, v.change_id)
        parts.append(">")
        _text_meta(parts, v.notes, v.props, prof)
        parts.append(f"<seg>{_escape_text(v.text.strip())}</seg></tuv>")
    parts.append("</tu>")
    out = "".join(parts)
    if _NOT_XML.search(out) is not None:
        return _lxml_tu(unit, select, src, form, prof)
    return out


def _text_dates(
    parts: list[str],
    cdate: datetime | None,
    cid: str | None,
    mdate: datetime | None,
    mid: str | None,
) -> None:
    if cdate is not None:
        parts.append(f' creationdate="{format_date(cdate)}"')
    if cid is not None:
        parts.append(f' creationid="{_escape_attr(cid)}"')
    if mdate is not None:
        parts.append(f' changedate="{format_date(mdate)}"')
    if mid is not None:
        parts.append(f' changeid="{_escape_attr(mid)}"')


def _text_meta(
    parts: list[str], notes: Sequence[str], props: Sequence[tuple[str, str]], prof: Profile
) -> None:
    for note in notes:
        parts.append(f"<note>{_escape_text(note)}</note>")
    for kind, value in props:
        written = _escape_attr(written_prop_type(kind, prof))
        parts.append(f'<prop type="{written}">{_escape_text(value)}</prop>')


def _escape_text(value: str) -> str:
    if _TEXT_SPECIAL.search(value) is None:  # most texts: one scan instead of four
        return value
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return value.replace("\r", "&#13;")


def _escape_attr(value: str) -> str:
    if _ATTR_SPECIAL.search(value) is None:
        return value
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    value = value.replace('"', "&quot;").replace("\n", "&#10;").replace("\r", "&#13;")
    return value.replace("\t", "&#9;")


_TEXT_SPECIAL = re.compile("[&<>\r]")
_ATTR_SPECIAL = re.compile('[&<>"\n\r\t]')


def _tu(
    unit: Unit,
    select: frozenset[str] | None,
    src: str,
    form: Callable[[str], str],
    prof: Profile,
) -> etree._Element | None:
    """The ``<tu>`` element of ``unit`` (``select``: the primary languages to keep), or None
    when fewer than two languages or no source text would be written."""
    variants = _written_variants(unit, select, src)
    if variants is None:
        return None
    tu = etree.Element("tu")
    if unit.tuid is not None:
        tu.set("tuid", unit.tuid)
    if unit.segtype is not None:
        tu.set("segtype", unit.segtype)
    _dates(tu, unit.creation_date, unit.creation_id, unit.change_date, unit.change_id)
    if unit.usage_count:
        tu.set("usagecount", str(unit.usage_count))
    _meta(tu, unit.notes, unit.props, prof)
    for v in variants:
        tuv = etree.SubElement(tu, "tuv")
        tuv.set(XML_LANG, form(v.lang))
        _dates(tuv, v.creation_date, v.creation_id, v.change_date, v.change_id)
        _meta(tuv, v.notes, v.props, prof)
        try:
            tuv.append(_seg(v))
        except (ValueError, etree.XMLSyntaxError) as err:
            raise InputError(
                f"unit {unit.tuid or ''!s}: the {v.lang} text cannot be written as XML ({err})"
            ) from err
    return tu


def _seg(v: Variant) -> etree._Element:
    if v.markup is not None:
        return etree.fromstring(f"<seg>{v.markup.strip()}</seg>", _xml.safe_parser())
    seg = etree.Element("seg")
    seg.text = v.text.strip()
    return seg


def _dates(
    elem: etree._Element,
    cdate: datetime | None,
    cid: str | None,
    mdate: datetime | None,
    mid: str | None,
) -> None:
    if cdate is not None:
        elem.set("creationdate", format_date(cdate))
    if cid is not None:
        elem.set("creationid", cid)
    if mdate is not None:
        elem.set("changedate", format_date(mdate))
    if mid is not None:
        elem.set("changeid", mid)


def _meta(
    elem: etree._Element, notes: Sequence[str], props: Sequence[tuple[str, str]], prof: Profile
) -> None:
    for note in notes:
        etree.SubElement(elem, "note").text = note
    for kind, value in props:
        etree.SubElement(elem, "prop", type=written_prop_type(kind, prof)).text = value
