"""TMX 1.4b: a streaming reader and a streaming writer, with export profiles for CAT tools.

The reader walks the file with the safe :func:`tmx._xml.iterparse` and clears each ``<tu>``
once read, so memory stays flat whatever the file size. It accepts UTF-8 and UTF-16 with a BOM,
``xml:lang`` and the TMX 1.1 ``lang``, ``srclang="*all*"``, and keeps inline codes (``bpt``,
``ept``, ``ph``, ``it``, ``hi``, ``ut``, ``sub``) as markup while flattening them for matching.
Files declaring XML entities are refused (billion laughs, XXE).

The writer streams into a temporary file that replaces the target only when complete, in
chunks of serialised units: lxml serialises units with dates, props, notes or inline codes,
and plain units (a tuid and texts) are written as text with lxml's escaping (a test holds the
two byte for byte equal). Profiles adapt the output to OmegaT, Trados, memoQ and Phrase.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import IO

from lxml import etree

from tm import lang as _lang
from tm._xml import syntax_error
from tm.errors import FormatError, InputError, LanguageError, quoted
from tm.memory import (
    DatedUnit,
    PlainUnit,
    as_unit,
    language_tag,
    signature,
)
from tm.models import Unit, Variant
from tmx import _xml
from tmx.output import WriteReport, atomic_paths, numbered_path

__all__ = [
    "PROFILES",
    "Profile",
    "TmxHeader",
    "TmxReader",
    "read_tmx",
    "write_tmx",
]

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
#: the ``<tu>`` attributes of units that the reader's fast path takes
_DATED_ATTRIBUTES = frozenset({"tuid", "creationdate", "creationid", "changedate", "changeid"})
_CODE_TAGS = frozenset({"bpt", "ept", "ph", "it", "ut"})
_INLINE_TAGS = _CODE_TAGS | {"hi", "sub"}
_READ_VERSIONS = ("1.1", "1.2", "1.3", "1.4")
_MAX_WARNINGS = 20
_MAX_COUNT = 2**63 - 1  # SQLite's largest integer
_DATE_FORMAT = "%Y%m%dT%H%M%SZ"
_VERSION = "0.1.0"


# --- reading -----------------------------------------------------------------------------


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
        dtd = tree.docinfo.internalDTD
        if dtd is not None and any(True for _ in dtd.iterentities()):
            raise FormatError(
                "the file declares XML entities; untm refuses them because they can read "
                "local files or exhaust memory (remove the <!ENTITY> declarations)",
                path=self.name,
                line=1,
            )
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
                    props.append((_read_type(tuv.get("type", "")), tuv.text or ""))
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
            if (name != _XML_LANG and name != "lang") or not raw or seg.tag != "seg":
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
                props.append((_read_type(child.get("type", "")), child.text or ""))
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
        raw = attrib.get(_XML_LANG) or attrib.get("lang")
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
                props.append((_read_type(child.get("type", "")), child.text or ""))
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
            return _parse_date(value.strip())
        except ValueError:
            self._warn(elem.sourceline, f"{name}={value!r} is not YYYYMMDDThhmmssZ; ignored")
            return None


_COMPACT_DATE = re.compile("[0-9]{8}T[0-9]{6}Z")


@lru_cache(maxsize=4096)
def _parse_date(value: str) -> datetime:
    """``YYYYMMDDThhmmssZ`` as an aware datetime, exactly as ``strptime`` with
    :data:`_DATE_FORMAT` reads it (ValueError alike), at a twentieth of its cost: with eight
    and six ASCII digits every field has two digits, which ``fromisoformat`` reads too."""
    if _COMPACT_DATE.fullmatch(value):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            pass
    return datetime.strptime(value, _DATE_FORMAT).replace(tzinfo=UTC)


@lru_cache(maxsize=4096)
def _format_date(value: datetime) -> str:
    """``value`` in UTC as ``YYYYMMDDThhmmssZ`` (four-digit years, as TMX and ISO 8601 ask;
    ``strftime`` leaves years before 1000 unpadded on glibc, which nothing reads back)."""
    v = value.astimezone(UTC)
    return f"{v.year:04}{v.month:02}{v.day:02}T{v.hour:02}{v.minute:02}{v.second:02}Z"


def read_tmx(source: str | Path | IO[bytes]) -> TmxReader:
    """Open a TMX file for streaming: ``for unit in read_tmx(path): ...``."""
    return TmxReader(source)


def _props(elem: etree._Element) -> tuple[tuple[str, str], ...]:
    return tuple((_read_type(p.get("type", "")), p.text or "") for p in elem.iterchildren("prop"))


#: The field types Trados appends to the names of ``x-`` props (``x-Client:SingleString``).
_TRADOS_TYPES = frozenset(
    {"SingleString", "MultipleString", "DateTime", "Integer", "SinglePicklist", "MultiplePicklist"}
)


@lru_cache(maxsize=1024)
def _read_type(kind: str) -> str:
    """A prop type as stored: without the Trados field type of an ``x-`` prop, which the
    ``trados`` profile writes back (:func:`_prop_type`), so that a Trados export imported
    again merges into its units with the props they had."""
    name, colon, field = kind.rpartition(":")
    return name if colon and field in _TRADOS_TYPES and name.startswith("x-") else kind


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


# --- profiles ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Profile:
    """How to shape a TMX for one CAT tool.

    Attributes:
        name: the profile's name.
        regions: give every language a region (CLDR's likely region: ``fr`` -> ``fr-FR``).
        per_pair: write one bilingual file per source/target pair (tools that import
            bilingual memories only, and OmegaT, which takes any non-source variant as the
            translation when the project's target language is missing).
        segtype: the header's segtype. ``"paragraph"`` makes OmegaT re-segment each unit
            with the project's rules, so units that hold several sentences still match.
        prop_suffix: appended to ``x-`` prop types (Trados field types, e.g. ``:SingleString``).
        max_units: split into numbered files of at most this many units.
        max_bytes: split into numbered files below this size (the tool's import limit).
    """

    name: str
    regions: bool = False
    per_pair: bool = False
    segtype: str = "sentence"
    prop_suffix: str = ""
    max_units: int | None = None
    max_bytes: int | None = None


#: 1 GB: the TMX import limit stated by Phrase TMS ("File size is limited to 1 GB for
#: exporting and importing") and by Trados Cloud ("each file you import has a maximum size
#: of 1 GB").
_ONE_GB = 1_000_000_000

#: Export profiles by name. ``tmx`` is the plain multilingual TMX 1.4b.
PROFILES: dict[str, Profile] = {
    "tmx": Profile("tmx"),
    "omegat": Profile("omegat", per_pair=True, segtype="paragraph"),
    "trados": Profile(
        "trados", regions=True, per_pair=True, prop_suffix=":SingleString", max_bytes=_ONE_GB
    ),
    "memoq": Profile("memoq", per_pair=True),
    "phrase": Profile("phrase", regions=True, max_bytes=_ONE_GB),
}


# --- writing -----------------------------------------------------------------------------


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
    prof = _profile(profile)
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
    date = (creationdate or datetime.now(UTC)).astimezone(UTC).strftime(_DATE_FORMAT)
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


def _profile(profile: str | Profile) -> Profile:
    if isinstance(profile, Profile):
        return profile
    try:
        return PROFILES[profile]
    except KeyError:
        raise InputError(
            f"unknown export profile {profile!r} (choose from {', '.join(sorted(PROFILES))})"
        ) from None


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
        parts.append(f' creationdate="{_format_date(cdate)}"')
    if cid is not None:
        parts.append(f' creationid="{_escape_attr(cid)}"')
    if mdate is not None:
        parts.append(f' changedate="{_format_date(mdate)}"')
    if mid is not None:
        parts.append(f' changeid="{_escape_attr(mid)}"')


def _text_meta(
    parts: list[str], notes: Sequence[str], props: Sequence[tuple[str, str]], prof: Profile
) -> None:
    for note in notes:
        parts.append(f"<note>{_escape_text(note)}</note>")
    for kind, value in props:
        parts.append(
            f'<prop type="{_escape_attr(_prop_type(kind, prof))}">{_escape_text(value)}</prop>'
        )


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
        tuv.set(_XML_LANG, form(v.lang))
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
        elem.set("creationdate", _format_date(cdate))
    if cid is not None:
        elem.set("creationid", cid)
    if mdate is not None:
        elem.set("changedate", _format_date(mdate))
    if mid is not None:
        elem.set("changeid", mid)


def _meta(
    elem: etree._Element, notes: Sequence[str], props: Sequence[tuple[str, str]], prof: Profile
) -> None:
    for note in notes:
        etree.SubElement(elem, "note").text = note
    for kind, value in props:
        etree.SubElement(elem, "prop", type=_prop_type(kind, prof)).text = value


def _prop_type(kind: str, prof: Profile) -> str:
    """The written ``type`` of a prop: the profile's suffix on ``x-`` types that have none."""
    return kind + prof.prop_suffix if kind.startswith("x-") and ":" not in kind else kind
