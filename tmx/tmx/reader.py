"""Reading TMX 1.1 to 1.4b: a streaming reader that keeps memory flat whatever the file size.

The reader walks the file with the safe :func:`tmx._xml.iterparse` and clears each ``<tu>``
once read. It accepts UTF-8 and UTF-16 with a BOM, ``xml:lang`` and the TMX 1.1 ``lang``,
``srclang="*all*"``, and keeps inline codes (``bpt``, ``ept``, ``ph``, ``it``, ``hi``, ``ut``,
``sub``) as markup while flattening them for matching. Files declaring XML entities are
refused (billion laughs, XXE). Units are read as tuples where they can be (what
:meth:`tm.memory.Memory.add` stores fastest), else as :class:`~tm.models.Unit` values.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO

from lxml import etree

from tm._xml import ENTITIES_REFUSED, declares_entities, syntax_error
from tm.errors import FormatError, LanguageError, quoted
from tm.memory import DatedUnit, PlainUnit, as_unit, language_tag
from tm.models import Unit, Variant
from tmx import _xml
from tmx._xml import XML_LANG
from tmx.tmx.dates import parse_date
from tmx.tmx.profiles import read_prop_type

__all__ = ["TmxHeader", "TmxReader", "read_tmx"]

#: the ``<tu>`` attributes of units that the reader's fast path takes
_DATED_ATTRIBUTES = frozenset({"tuid", "creationdate", "creationid", "changedate", "changeid"})
_READ_VERSIONS = ("1.1", "1.2", "1.3", "1.4")
_MAX_WARNINGS = 20
_MAX_COUNT = 2**63 - 1  # SQLite's largest integer


@dataclass(frozen=True, slots=True)
class TmxHeader:
    """The ``<header>`` of a TMX file (attributes as written) and the root's version."""

    version: str
    srclang: str | None
    segtype: str | None
    attributes: dict[str, str] = field(default_factory=dict)
    props: tuple[tuple[str, str], ...] = ()


class TmxReader:
    """Iterate over the units of one TMX file; :attr:`warnings` and :attr:`skipped` fill as
    it goes, :attr:`header` once the header has been read.

    Raises (while iterating):
        FormatError: malformed or truncated XML (with the line), a file that is not TMX, an
            unsupported version, declared entities, a ``<tuv>`` without a language or ``<seg>``.
        LanguageError: an unknown language code (with the line).
    """

    def __init__(self, source: str | Path | IO[bytes]) -> None:
        self.source = source
        self.name = str(source) if isinstance(source, str | Path) else getattr(source, "name", None)
        self.header: TmxHeader | None = None
        self.warnings: list[str] = []
        self.skipped = 0
        self._more_warnings = 0
        self._tags: dict[str, str] = {}
        #: added to the lines of elements: a reader of a part of a file (see tmx.bulk) is
        #: told how many lines precede it
        self._line_base = 0

    def _warn(self, line: int | None, message: str) -> None:
        if len(self.warnings) < _MAX_WARNINGS:
            where = f"{self.name}:{line + self._line_base}: " if line else f"{self.name}: "
            self.warnings.append(where + message)
        else:
            self._more_warnings += 1

    def _usage(self, tu: etree._Element, value: str | None) -> int:
        """A ``usagecount``: a count as SQLite stores it, else 0 with a warning."""
        if not value:
            return 0
        if value.isascii() and value.isdigit() and int(value) <= _MAX_COUNT:
            return int(value)
        self._warn(tu.sourceline, f"usagecount {quoted(value)} is not a count; read as 0")
        return 0

    def all_warnings(self) -> list[str]:
        """The warnings, with a last line counting those left out."""
        if self._more_warnings:
            return [*self.warnings, f"... and {self._more_warnings} more warnings"]
        return list(self.warnings)

    def absorb(self, part: TmxReader) -> None:
        """Add the warnings and skipped units of ``part``, a reader of a later part of this
        reader's file (see :meth:`read_part`)."""
        room = max(0, _MAX_WARNINGS - len(self.warnings))
        self.warnings.extend(part.warnings[:room])
        self._more_warnings += len(part.warnings[room:]) + part._more_warnings
        self.skipped += part.skipped

    def read_part(self, data: bytes, first_line: int) -> Iterator[Unit | PlainUnit | DatedUnit]:
        """The units of ``data``, whole ``<tu>`` elements cut from the body of this reader's
        (UTF-8) file, where ``data`` starts on line ``first_line``: how :mod:`tmx.bulk`
        reads a large file in parts. Warnings name the lines of the whole file.

        Raises:
            FormatError: malformed XML, or anything but ``<tu>`` elements (a comment, a
                processing instruction): such a file is to be read whole.
            LanguageError: as :meth:`records`.
        """
        self._line_base = first_line - 1
        try:
            body = etree.fromstring(b"<body>" + data + b"</body>", _xml.safe_parser())
        except etree.XMLSyntaxError as err:
            message, _line = syntax_error(err)
            raise FormatError(f"not well-formed XML: {message}", path=self.name) from err
        for tu in body:
            if tu.tag != "tu":
                raise FormatError("the body holds more than <tu> elements", path=self.name)
            unit = self._read(tu)
            if unit is not None:
                yield unit

    def __iter__(self) -> Iterator[Unit]:
        for record in self.records():
            if isinstance(record, tuple):
                yield as_unit(record)
            else:
                yield record

    def records(self) -> Iterator[Unit | PlainUnit | DatedUnit]:
        """The units, those with nothing but a tuid and texts as :data:`PlainUnit` tuples,
        those with no more than unit-level dates, ids, props and notes besides as
        :data:`DatedUnit` tuples (what :meth:`Memory.add` stores fastest), the others as
        :class:`Unit` values."""
        try:
            yield from self._units()
        except FormatError as err:
            cause = getattr(err.__cause__, "msg", "") or ""
            if "Premature end of data" in cause or "EndTag" in cause:
                raise FormatError(
                    f"{str(err).split(': ', 1)[-1]} (the file ends early: is it truncated?)",
                    path=err.path,
                    line=err.line,
                ) from err
            raise

    def _units(self) -> Iterator[Unit | PlainUnit | DatedUnit]:
        if isinstance(self.source, str | Path):
            try:
                handle = open(self.source, "rb")  # noqa: SIM115 - closed below
            except OSError as err:
                raise FormatError(f"cannot read the file ({err.strerror})", path=self.name) from err
            with handle:
                yield from self._parse(handle)
        else:
            yield from self._parse(self.source)

    def _parse(self, source: IO[bytes]) -> Iterator[Unit | PlainUnit | DatedUnit]:
        checked = False
        for _, elem in _xml.iterparse(source, tag=("header", "{*}tu")):
            if not checked:
                self._check_document(elem)
                checked = True
            if elem.tag == "header":
                self.header = self._header(elem)
                continue
            if elem.tag == "tu":
                unit = self._read(elem)
            else:
                self._foreign(elem)
                unit = None
            elem.clear(keep_tail=False)
            parent = elem.getparent()
            while elem.getprevious() is not None and parent is not None:
                del parent[0]
            if unit is not None:
                yield unit
        if not checked:
            raise FormatError("not a TMX file (no <header> or <tu> found)", path=self.name)
        if self.header is None:
            raise FormatError("not a TMX file (no <header>)", path=self.name)

    def _read(self, tu: etree._Element) -> Unit | PlainUnit | DatedUnit | None:
        """The unit of one ``<tu>``: a tuple when :meth:`_plain` takes it, else a Unit (or
        None, with a warning, when it has no non-empty segment)."""
        unit = self._plain(tu)
        return self._unit(tu) if unit is None else unit

    def _foreign(self, tu: etree._Element) -> None:
        """Skip, with a warning, a ``<tu>`` in an XML namespace: TMX elements have none."""
        self.skipped += 1
        self._warn(
            tu.sourceline,
            f"a <tu> in the namespace {etree.QName(tu).namespace} is not a TMX unit; skipped",
        )

    def _check_document(self, elem: etree._Element) -> None:
        tree = elem.getroottree()
        if declares_entities(tree):
            raise FormatError(ENTITIES_REFUSED, path=self.name, line=1)
        root = tree.getroot()
        if root.tag != "tmx":
            raise FormatError(
                f"not a TMX file (the root element is <{root.tag}>, expected <tmx>)",
                path=self.name,
                line=root.sourceline,
            )
        version = (root.get("version") or "").strip()
        if version.startswith("1.4"):
            return
        if version in _READ_VERSIONS:
            self._warn(
                root.sourceline,
                f"TMX {version} file read with the TMX 1.4b rules (re-export it to get 1.4b)",
            )
            return
        shown = repr(version) if version else "missing"
        raise FormatError(
            f"TMX version {shown} is not supported (untm reads TMX 1.1 to 1.4b)",
            path=self.name,
            line=root.sourceline,
        )

    def _header(self, elem: etree._Element) -> TmxHeader:
        attributes = dict(elem.attrib)
        srclang = attributes.get("srclang")
        if srclang is None:
            self._warn(elem.sourceline, "the header has no srclang (CAT tools reject such files)")
        root = elem.getparent()
        version = "" if root is None else root.get("version", "")
        return TmxHeader(
            version=version,
            srclang=srclang,
            segtype=attributes.get("segtype"),
            attributes=attributes,
            props=_props(elem),
        )

    def _plain(self, tu: etree._Element) -> PlainUnit | DatedUnit | None:
        """The common ``<tu>`` as a tuple, else None: :meth:`_unit` reads the rest, with its
        warnings. Common: a tuid, dates and ids at most; ``<prop>`` and ``<note>``; each
        ``<tuv>`` only a language and a non-empty ``<seg>``. Units with no more than a tuid
        give a :data:`PlainUnit`, the others (what CAT tools export) a :data:`DatedUnit`.
        This runs once per unit of files with millions of them."""
        attributes = tu.items()
        if not attributes:
            tuid = None
            dated = False
        elif len(attributes) == 1 and attributes[0][0] == "tuid":
            tuid = attributes[0][1]
            dated = False
        elif _DATED_ATTRIBUTES.issuperset([name for name, _ in attributes]):
            tuid = tu.get("tuid")
            dated = True
        else:
            return None
        variants = []
        props: list[tuple[str, str]] | None = None
        notes: list[str] | None = None
        tags = self._tags
        for tuv in tu:
            tag = tuv.tag
            if tag != "tuv":
                if tag == "prop":
                    props = props or []
                    props.append((read_prop_type(tuv.get("type", "")), tuv.text or ""))
                elif tag == "note":
                    notes = notes or []
                    notes.append(tuv.text or "")
                else:
                    return None
                continue
            if len(tuv) != 1:
                return None
            attrib = tuv.items()
            if len(attrib) != 1:
                return None
            name, raw = attrib[0]
            seg = tuv[0]
            if (name != XML_LANG and name != "lang") or not raw or seg.tag != "seg":
                return None
            if len(seg):
                text, markup = _segment(seg)
            else:
                text, markup = seg.text, None
                if text is None:
                    return None
                text = text.strip()
            if not text:
                return None
            lang = tags.get(raw)
            if lang is None:
                lang = tags[raw] = self._language(raw, tuv)
            variants.append((lang, text, markup))
        if not variants:
            return None
        if not dated and props is None and notes is None:
            return (tuid, tuple(variants))
        return (
            tuid,
            tuple(variants),
            () if props is None else tuple(props),
            () if notes is None else tuple(notes),
            self._date(tu, "creationdate"),
            tu.get("creationid"),
            self._date(tu, "changedate"),
            tu.get("changeid"),
        )

    def _language(self, raw: str, tuv: etree._Element) -> str:
        try:
            return language_tag(raw)
        except LanguageError as err:
            raise LanguageError(f"{self.name}:{tuv.sourceline}: {err}") from err

    def _unit(self, tu: etree._Element) -> Unit | None:
        # one pass over the children, attributes read only when there are any: this loop
        # runs once per unit of files with millions of them
        variants: list[Variant] = []
        props: list[tuple[str, str]] = []
        notes: list[str] = []
        for child in tu:
            tag = child.tag
            if tag == "tuv":
                variant = self._variant(child)
                if variant is not None:
                    variants.append(variant)
            elif tag == "prop":
                props.append((read_prop_type(child.get("type", "")), child.text or ""))
            elif tag == "note":
                notes.append(child.text or "")
        if not variants:
            self.skipped += 1
            self._warn(tu.sourceline, "a <tu> without any non-empty segment was skipped")
            return None
        attrib = tu.attrib
        if not attrib:
            return Unit(tuple(variants), props=tuple(props), notes=tuple(notes))
        usage = attrib.get("usagecount")
        return Unit(
            tuple(variants),
            tuid=attrib.get("tuid"),
            props=tuple(props),
            notes=tuple(notes),
            creation_date=self._date(tu, "creationdate"),
            creation_id=attrib.get("creationid"),
            change_date=self._date(tu, "changedate"),
            change_id=attrib.get("changeid"),
            usage_count=self._usage(tu, usage),
            segtype=attrib.get("segtype"),
        )

    def _variant(self, tuv: etree._Element) -> Variant | None:
        attrib = tuv.attrib
        raw = attrib.get(XML_LANG) or attrib.get("lang")
        if raw is None:
            raise FormatError(
                "a <tuv> has no xml:lang (every variant must name its language)",
                path=self.name,
                line=tuv.sourceline,
            )
        lang = self._language(raw, tuv)
        seg = None
        props: list[tuple[str, str]] = []
        notes: list[str] = []
        for child in tuv:
            tag = child.tag
            if tag == "seg":
                if seg is not None:
                    self._warn(
                        child.sourceline, "a <tuv> holds a second <seg>; only the first was kept"
                    )
                    continue
                seg = child
            elif tag == "prop":
                props.append((read_prop_type(child.get("type", "")), child.text or ""))
            elif tag == "note":
                notes.append(child.text or "")
        if seg is None:
            raise FormatError("a <tuv> has no <seg>", path=self.name, line=tuv.sourceline)
        if len(seg):
            text, markup = _segment(seg)
        else:
            text, markup = (seg.text or "").strip(), None
        if not text:
            self._warn(seg.sourceline, f"an empty {lang} segment was skipped")
            return None
        if len(attrib) == 1:
            return Variant(lang, text, markup, tuple(props), tuple(notes))
        return Variant(
            lang,
            text,
            markup,
            tuple(props),
            tuple(notes),
            self._date(tuv, "creationdate"),
            attrib.get("creationid"),
            self._date(tuv, "changedate"),
            attrib.get("changeid"),
        )

    def _date(self, elem: etree._Element, name: str) -> datetime | None:
        value = elem.get(name)
        if value is None:
            return None
        try:
            return parse_date(value.strip())
        except ValueError:
            self._warn(elem.sourceline, f"{name}={value!r} is not YYYYMMDDThhmmssZ; ignored")
            return None


def read_tmx(source: str | Path | IO[bytes]) -> TmxReader:
    """Open a TMX file for streaming: ``for unit in read_tmx(path): ...``."""
    return TmxReader(source)


def _props(elem: etree._Element) -> tuple[tuple[str, str], ...]:
    props = elem.iterchildren("prop")
    return tuple((read_prop_type(p.get("type", "")), p.text or "") for p in props)


def _segment(seg: etree._Element) -> tuple[str, str | None]:
    """Plain text (codes dropped, ``hi`` text kept) and, with inline elements, the inner XML.

    Surrounding whitespace (NBSP included) is dropped: CAT tools match trimmed segments.
    """
    if len(seg) == 0:
        return (seg.text or "").strip(), None
    for child in seg.iter():
        if isinstance(child, etree._Entity):
            raise FormatError(
                "an entity reference inside a segment is not allowed",
                line=seg.sourceline,
            )
    outer = etree.tostring(seg, encoding="unicode", with_tail=False)
    markup = outer[outer.index(">") + 1 : outer.rindex("<")].strip()
    return _flatten(seg).strip(), markup


def _flatten(elem: etree._Element) -> str:
    parts = [elem.text or ""]
    for child in elem:
        if child.tag == "hi":
            parts.append(_flatten(child))
        parts.append(child.tail or "")
    return "".join(parts)
