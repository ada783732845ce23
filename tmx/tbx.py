"""TBX glossaries: TBX-Basic (ISO 30042:2019, ``<tbx>``) and the older TBX v2 ``<martif>``.

TBX v3 is the current standard (``conceptEntry/langSec/termSec``); CAT tools such as OmegaT
and translate-toolkit still read only TBX 2008 ``martif`` (``termEntry/langSet/tig``), so both
are written. Both are read, through the safe parser of :mod:`tmx._xml`.

Mapping of untm's fields onto TBX-Basic data categories: concept category ->
``descrip type="subjectField"``; status -> ``termNote type="administrativeStatus"``
(``preferredTerm-admn-sts`` ...); an abbreviation row -> ``termNote type="termType"`` =
``acronym``; source -> ``admin type="source"``; confidence, the abbreviation of a full form and
a term note -> ``note`` (``confidence: ...``, ``abbreviation: ...``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Literal

from lxml import etree

from tm.errors import FormatError
from tm.models import Concept, Term, TermStatus
from tm.terms import STATUSES, Glossary, is_abbreviation
from tmx import _xml
from tmx._xml import XML_LANG
from tmx.output import atomic_paths

__all__ = ["TBX_NS", "Annotator", "TbxVersion", "read_tbx", "write_tbx"]

#: The namespace of TBX v3 (ISO 30042:2019).
TBX_NS = "urn:iso:std:iso:30042:ed-2"
_RNG = (
    "https://raw.githubusercontent.com/LTAC-Global/TBX-Basic_dialect/master/DCA/"
    "TBXcoreStructV03_TBX-Basic_integrated.rng"
)

TbxVersion = Literal["tbx", "tbx2"]

#: Called for each language section written, with the concept, the language, the section
#: (``langSec`` or ``langSet``) and each term with its holder (``termSec`` or ``tig``), so that
#: a caller can add data categories (context, projectSubset, notes) in the file's namespace.
Annotator = Callable[[Concept, str, etree._Element, Sequence[tuple[Term, etree._Element]]], None]

_STATUS_OUT = {status: f"{status}Term-admn-sts" for status in STATUSES}
_STATUS_IN: dict[str, TermStatus] = {
    **{value.lower(): key for key, value in _STATUS_OUT.items()},
    **{status: status for status in STATUSES},
    "preferredterm": "preferred",
    "admittedterm": "admitted",
    "deprecatedterm": "deprecated",
    "supersededterm-admn-sts": "deprecated",
}


def write_tbx(
    glossary: Glossary,
    path: str | Path,
    *,
    version: TbxVersion = "tbx",
    source_lang: str = "en",
    title: str = "untm glossary export",
    annotate: Annotator | None = None,
) -> int:
    """Write ``glossary`` as TBX-Basic v3 (``"tbx"``) or TBX v2 martif (``"tbx2"``), atomically.

    ``title`` is the header's source description; ``annotate`` may add data categories to
    each language section. Returns the number of concepts written.
    """
    data = etree.tostring(
        _tree(glossary, version, source_lang, title, annotate),
        xml_declaration=True,
        encoding="UTF-8",
        pretty_print=True,
    )
    if version == "tbx":
        model = f'<?xml-model href="{_RNG}" type="application/xml" '
        model += 'schematypens="http://relaxng.org/ns/structure/1.0"?>\n'
        head, _, body = data.partition(b"\n")
        data = head + b"\n" + model.encode() + body
    with atomic_paths() as tmp:
        Path(tmp(path)).write_bytes(data)
    return len(glossary.concepts)


# Element names of each version: header, concept, language section, term holder.
_NAMES: dict[TbxVersion, tuple[str, str, str, str]] = {
    "tbx": ("tbxHeader", "conceptEntry", "langSec", "termSec"),
    "tbx2": ("martifHeader", "termEntry", "langSet", "tig"),
}


def _tree(
    glossary: Glossary,
    version: TbxVersion,
    source_lang: str,
    title: str,
    annotate: Annotator | None,
) -> etree._Element:
    """The document of ``version``: v3 in the TBX namespace, v2 ``martif`` in none."""
    if version == "tbx":
        ns = f"{{{TBX_NS}}}"
        root = etree.Element(f"{ns}tbx", nsmap={None: TBX_NS}, type="TBX-Basic", style="dca")
    else:
        ns = ""
        root = etree.Element("martif", type="TBX")
    header_tag, entry_tag, lang_tag, holder_tag = _NAMES[version]
    root.set(XML_LANG, source_lang)
    header = etree.SubElement(root, f"{ns}{header_tag}")
    source_desc = etree.SubElement(etree.SubElement(header, f"{ns}fileDesc"), f"{ns}sourceDesc")
    etree.SubElement(source_desc, f"{ns}p").text = title
    if version == "tbx2":
        encoding = etree.SubElement(header, "encodingDesc")
        etree.SubElement(encoding, "p", type="XCSURI").text = "TBXXCSV02.xcs"
    body = etree.SubElement(etree.SubElement(root, f"{ns}text"), f"{ns}body")
    for concept in glossary.concepts:
        entry = etree.SubElement(body, f"{ns}{entry_tag}", id=_xml_id(concept.id))
        _concept_meta(entry, concept, ns)
        for lang, terms in _by_language(concept.terms):
            lang_sec = etree.SubElement(entry, f"{ns}{lang_tag}")
            lang_sec.set(XML_LANG, lang)
            holders = []
            for term in terms:
                holder = etree.SubElement(lang_sec, f"{ns}{holder_tag}")
                _term(holder, term, ns)
                holders.append((term, holder))
            if annotate is not None:
                annotate(concept, lang, lang_sec, holders)
    return root


def _xml_id(concept_id: str) -> str:
    """Concept ids are kept as they are when they are valid XML ids (``INS-ICCPR`` is)."""
    return concept_id if concept_id[:1].isalpha() or concept_id[:1] == "_" else f"_{concept_id}"


def _concept_meta(entry: etree._Element, concept: Concept, ns: str) -> None:
    etree.SubElement(entry, f"{ns}descrip", type="subjectField").text = concept.category
    if concept.note:
        etree.SubElement(entry, f"{ns}note").text = concept.note


def _by_language(terms: Iterable[Term]) -> list[tuple[str, list[Term]]]:
    grouped: dict[str, list[Term]] = {}
    for term in terms:
        grouped.setdefault(term.lang, []).append(term)
    return list(grouped.items())


def _term(parent: etree._Element, term: Term, ns: str) -> None:
    etree.SubElement(parent, f"{ns}term").text = term.text
    etree.SubElement(parent, f"{ns}termNote", type="administrativeStatus").text = _STATUS_OUT[
        term.status
    ]
    kind = "acronym" if is_abbreviation(term) else "fullForm"
    etree.SubElement(parent, f"{ns}termNote", type="termType").text = kind
    if term.source:
        etree.SubElement(parent, f"{ns}admin", type="source").text = term.source
    if term.abbreviation and not is_abbreviation(term):
        etree.SubElement(parent, f"{ns}note").text = f"abbreviation: {term.abbreviation}"
    if term.confidence:
        etree.SubElement(parent, f"{ns}note").text = f"confidence: {term.confidence}"
    if term.note:
        etree.SubElement(parent, f"{ns}note").text = term.note


# --- reading ----------------------------------------------------------------------------------


def read_tbx(path: str | Path) -> Glossary:
    """Read a TBX v3 (``tbx``) or TBX v2 (``martif``) file into a :class:`Glossary`.

    Raises:
        FormatError: when the file is not well-formed XML, not TBX, or has no terms.
    """
    root = _xml.parse(path).getroot()
    name = etree.QName(root).localname
    if name not in ("tbx", "martif"):
        raise FormatError(f"not a TBX file (root element <{name}>)", path=path)
    entry_tag, lang_tag = ("conceptEntry", "langSec") if name == "tbx" else ("termEntry", "langSet")
    concepts = []
    for number, entry in enumerate(_children(root, entry_tag, deep=True), start=1):
        cid = entry.get("id") or f"c{number}"
        category = _text(_first(entry, "descrip", "subjectField")) or "term"
        note = _text(_first(entry, "note"))
        terms: list[Term] = []
        for lang_sec in _children(entry, lang_tag):
            lang = lang_sec.get(XML_LANG) or lang_sec.get("lang")
            if not lang:
                raise FormatError(
                    f"concept {cid!r} has a <{lang_tag}> without xml:lang",
                    path=path,
                    line=lang_sec.sourceline,
                )
            for holder in _term_holders(lang_sec):
                term = _read_term(holder, lang, path)
                if term is not None:
                    terms.append(term)
        if terms:
            concepts.append(Concept(cid, category, tuple(sorted(terms, key=is_abbreviation)), note))
    if not concepts:
        raise FormatError("the TBX file holds no terms", path=path)
    return Glossary(concepts)


def _local(elem: etree._Element) -> str:
    return etree.QName(elem).localname if isinstance(elem.tag, str) else ""


def _children(elem: etree._Element, name: str, *, deep: bool = False) -> list[etree._Element]:
    nodes = elem.iter() if deep else elem
    return [child for child in nodes if _local(child) == name]


def _first(elem: etree._Element, name: str, kind: str | None = None) -> etree._Element | None:
    for child in elem:
        if _local(child) == name and (kind is None or child.get("type") == kind):
            return child
    return None


def _text(elem: etree._Element | None) -> str | None:
    if elem is None:
        return None
    text = "".join(elem.itertext()).strip()
    return text or None


def _term_holders(lang_sec: etree._Element) -> list[etree._Element]:
    """termSec (v3), tig or ntig/termGrp (v2): the elements around one ``<term>``."""
    holders = []
    for child in lang_sec:
        name = _local(child)
        if name in ("termSec", "tig"):
            holders.append(child)
        elif name == "ntig":
            group = _first(child, "termGrp")
            if group is not None:
                holders.append(group)
    return holders


def _read_term(holder: etree._Element, lang: str, path: str | Path) -> Term | None:
    text = _text(_first(holder, "term"))
    if text is None:
        return None
    status_text = (_text(_first(holder, "termNote", "administrativeStatus")) or "").lower()
    status = _STATUS_IN.get(status_text, "preferred")
    kind = (_text(_first(holder, "termNote", "termType")) or "").lower()
    abbreviation = text if kind in ("acronym", "abbreviation", "initialism") else None
    confidence = None
    notes = []
    for child in holder:
        note = _text(child) if _local(child) == "note" else None
        if note is None:
            continue
        if note.startswith("confidence: "):
            confidence = note.removeprefix("confidence: ")
        elif note.startswith("abbreviation: ") and abbreviation is None:
            abbreviation = note.removeprefix("abbreviation: ")
        else:
            notes.append(note)
    return Term(
        lang=lang,
        text=text,
        status=status,
        abbreviation=abbreviation,
        source=_text(_first(holder, "admin", "source")),
        confidence=confidence,
        note="; ".join(notes) or None,
    )
