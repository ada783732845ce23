"""Files of a document's reference glossary (tm/reference.py): TBX, OmegaT and CSV.

Official forms keep their TBX data categories (status, confidence, source). What the document
adds is written where CAT tools and reviewers look, and never as a term a CAT tool would
suggest:

- an official form the document uses: ``admin type="projectSubset"`` naming the document, and
  a ``descripGrp`` with the first segment using it (``descrip type="context"``) and where it is
  used (``admin type="source"``: language version and segment numbers, counted from 1);
- a departure (a deprecated form used, an unlisted variant): a ``note`` on the language section
  starting ``flagged:`` (a deprecated form used also gets the two marks above on its own,
  deprecated, term); an aligned segment where no name of the concept is found: a ``note``
  starting ``not found:``, for a reviewer (often a pronoun or a paraphrase);
- a proposed concept (the glossary lacks it): subject field ``proposed``, a concept note, and
  its candidate equivalents as admitted terms whose note gives the mining score.

The OmegaT text glossary (one file per language pair) puts the same facts in its comment column;
the CSV is the one-term-a-row table of ``untm glossary export --format csv`` with two more
columns, ``document_use`` and ``flags``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from lxml import etree

from tm.errors import InputError
from tm.lang import base
from tm.models import Concept, Term
from tm.reference import ReferenceEntry, ReferenceGlossary, TermUse
from tmx.glossary import COLUMNS, OMEGAT_SUFFIXES, table_rows, write_omegat
from tmx.output import atomic_paths
from tmx.tbx import write_tbx

__all__ = ["REFERENCE_FORMATS", "ReferenceFormat", "reference_format", "write_reference"]

ReferenceFormat = Literal["tbx", "tbx2", "omegat", "csv"]
#: Formats of a reference glossary file (``build --glossary-format``, ``terms --format``).
REFERENCE_FORMATS: tuple[ReferenceFormat, ...] = ("tbx", "tbx2", "omegat", "csv")


def reference_format(path: str | Path, given: str | None = None) -> ReferenceFormat:
    """The format ``given``, else the one the extension says (``.tbx`` is TBX-Basic v3).

    Raises:
        InputError: an unknown format or an extension that names none.
    """
    if given is not None:
        for fmt in REFERENCE_FORMATS:
            if given.lower() == fmt:
                return fmt
        raise InputError(f"unknown glossary format {given!r}; use {', '.join(REFERENCE_FORMATS)}")
    suffix = Path(path).suffix.lower()
    if suffix in (".tbx", ".xml"):
        return "tbx"
    if suffix == ".tbx2":
        return "tbx2"
    if suffix in OMEGAT_SUFFIXES:
        return "omegat"
    if suffix in (".csv", ".tsv"):
        return "csv"
    raise InputError(
        f"{path}: cannot tell the glossary format from {suffix or 'no extension'!r}; "
        "name it .tbx, .tbx2, .txt (OmegaT) or .csv, or give the format",
        parameter="format",
    )


def write_reference(
    reference: ReferenceGlossary,
    path: str | Path,
    *,
    fmt: ReferenceFormat,
    target_lang: str | None = None,
) -> list[Path]:
    """Write ``reference`` to ``path`` atomically; returns the files written.

    OmegaT glossaries hold one language pair: with ``target_lang`` (or a single version, or a
    single target language) ``path`` itself is written, otherwise one file per version's
    language (every target language for a draft) named ``STEM.en-fr.txt`` beside ``path``.
    """
    title = f"untm reference glossary of {reference.document}"
    if fmt in ("tbx", "tbx2"):
        version: Literal["tbx", "tbx2"] = "tbx" if fmt == "tbx" else "tbx2"
        annotate = _Annotate(reference)
        write_tbx(
            reference.glossary(),
            path,
            version=version,
            source_lang=reference.source_lang,
            title=title,
            annotate=annotate,
        )
        return [Path(path)]
    if fmt == "csv":
        _write_csv(reference, Path(path))
        return [Path(path)]
    return _write_omegat(reference, Path(path), target_lang)


# --- what the document adds, as text ----------------------------------------------------------


def _places(uses: Sequence[TermUse]) -> str:
    """``segments 3, 12`` (counted from 1), or ``paragraphs 2, 5`` where only those are known."""
    if all(use.segment is not None for use in uses):
        numbers = sorted({(use.segment or 0) + 1 for use in uses})
        noun = "segment" if len(numbers) == 1 else "segments"
    else:
        numbers = sorted({use.paragraph + 1 for use in uses})
        noun = "paragraph" if len(numbers) == 1 else "paragraphs"
    return f"{noun} {', '.join(map(str, numbers))}"


def _used(reference: ReferenceGlossary, lang: str, uses: Sequence[TermUse]) -> str:
    return f"used in {reference.document} ({lang}), {_places(uses)}"


def _flags(entry: ReferenceEntry, lang: str) -> list[str]:
    """One line per departure of the ``lang`` version from the official form (``flagged:``)
    and one for the aligned segments where no name of the concept is found (``not found:``)."""
    official = entry.concept.preferred(lang)
    expected = f"; official: «{official.text}»" if official is not None else ""
    groups: dict[tuple[str, str], list[TermUse]] = {}
    for use in entry.uses_in(lang):
        if use.departs or use.unfound:
            groups.setdefault((use.status, use.text), []).append(use)
    lines = []
    for (status, text), uses in groups.items():
        if status == "missing":
            lines.append(
                f"not found: no name of this concept in the aligned {_places(uses)} "
                "(a pronoun, a paraphrase or an omission?)"
            )
        elif status == "deprecated":
            lines.append(f"flagged: deprecated form «{text}» used, {_places(uses)}{expected}")
        else:
            lines.append(f"flagged: unlisted form «{text}» used, {_places(uses)}{expected}")
    return lines


def _uses_of(entry: ReferenceEntry, term: Term) -> list[TermUse]:
    """The uses of the listed form ``term`` (deprecated forms too: they are listed)."""
    return [
        use
        for use in entry.uses_in(term.lang)
        if use.form == term.text  # a variant has no listed form
    ]


# --- TBX --------------------------------------------------------------------------------------


class _Annotate:
    """The :data:`tmx.tbx.Annotator` of a reference glossary."""

    def __init__(self, reference: ReferenceGlossary) -> None:
        self.reference = reference
        self.entries = {entry.concept.id: entry for entry in reference.entries}

    def __call__(
        self,
        concept: Concept,
        lang: str,
        section: etree._Element,
        holders: Sequence[tuple[Term, etree._Element]],
    ) -> None:
        entry = self.entries[concept.id]
        for position, line in enumerate(_flags(entry, lang)):
            note = etree.Element(_tag(section, "note"))
            note.text = line
            section.insert(position, note)
        for term, holder in holders:
            uses = _uses_of(entry, term)
            if not uses:
                continue
            subset = etree.SubElement(holder, _tag(holder, "admin"), type="projectSubset")
            subset.text = self.reference.document
            group = etree.SubElement(holder, _tag(holder, "descripGrp"))
            context = etree.SubElement(group, _tag(holder, "descrip"), type="context")
            context.text = uses[0].context
            where = etree.SubElement(group, _tag(holder, "admin"), type="source")
            where.text = _used(self.reference, lang, uses)


def _tag(parent: etree._Element, name: str) -> str:
    """``name`` in ``parent``'s namespace (TBX v3's, or none in v2)."""
    namespace = etree.QName(parent).namespace
    return f"{{{namespace}}}{name}" if namespace else name


# --- CSV and OmegaT ---------------------------------------------------------------------------


def _write_csv(reference: ReferenceGlossary, path: Path) -> None:
    delimiter = "," if path.suffix.lower() == ".csv" else "\t"
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow((*COLUMNS, "document_use", "flags"))
    for entry in reference.entries:
        flagged_langs: set[str] = set()
        for term, row in zip(entry.concept.terms, table_rows(entry.concept), strict=True):
            uses = _uses_of(entry, term)
            use = _used(reference, term.lang, uses) if uses else ""
            flags = ""
            lang = base(term.lang)
            if term is entry.concept.preferred(lang) and lang not in flagged_langs:
                flagged_langs.add(lang)
                flags = " | ".join(_flags(entry, lang))
            writer.writerow((*row, use, flags))
    with atomic_paths() as tmp:
        Path(tmp(path)).write_text(buffer.getvalue(), encoding="utf-8")


def _write_omegat(reference: ReferenceGlossary, path: Path, target: str | None) -> list[Path]:
    src = reference.source_lang
    others = reference.versions or tuple(lang for lang in reference.langs if lang != src)
    targets = [base(target)] if target else list(others)
    if not targets or targets == [src]:
        raise InputError("an OmegaT glossary needs a target language other than the source")
    glossary = reference.glossary()
    written = []
    for lang in targets:
        out = (
            path if len(targets) == 1 else path.with_name(f"{path.stem}.{src}-{lang}{path.suffix}")
        )
        comments = {}
        for entry in reference.entries:
            parts = []
            uses = [use for use in entry.uses_in(lang) if not (use.departs or use.unfound)]
            if uses:
                parts.append(_used(reference, lang, uses))
            parts.extend(_flags(entry, lang))
            if entry.proposed:
                parts.append("proposed: not in the UN glossary, to be reviewed")
            if parts:
                comments[entry.concept.id] = "; ".join(parts)
        write_omegat(glossary, out, src_lang=src, tgt_lang=lang, comments=comments)
        written.append(out)
    return written
