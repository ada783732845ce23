"""Gettext PO files (polib): msgid/msgstr pairs in, one bilingual PO per language pair out.

Import takes translated, non-fuzzy, non-obsolete entries: ``msgid`` in the source language,
``msgstr`` in the language of the PO header (or the one given). ``msgctxt`` becomes the unit's
tuid, translator comments its notes, references a ``x-document`` prop. Export writes
``msgctxt`` only where a msgid would otherwise repeat, since gettext requires unique ids.

A unit from a suspect alignment bead (prop ``x-align-suspect``) is exported ``fuzzy`` with an
extracted comment saying why, so that PO editors show it for review; import reads such an
entry back as a suspect unit (a fuzzy entry without that comment is skipped as before).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import polib

from tm import lang as _lang
from tm._xml import xml_safe
from tm.errors import FormatError, LanguageError
from tm.memory import language_tag
from tm.models import Unit, Variant
from tmx.output import WriteReport, atomic_paths, numbered_path

__all__ = ["SUSPECT_COMMENT", "PoReader", "read_po", "write_po"]

#: The extracted comment of a suspect unit's entry (exported fuzzy, read back as suspect);
#: short enough that an editor re-wrapping comments at 78 columns keeps it on one line.
SUSPECT_COMMENT = "x-align-suspect: doubtful alignment, check it before reuse"


class PoReader:
    """Iterate over the units of one PO file; :attr:`skipped` counts untranslated, fuzzy and
    obsolete entries, :attr:`warnings` says so."""

    def __init__(self, path: str | Path, *, srclang: str = "en", lang: str | None = None) -> None:
        self.path = Path(path)
        self.srclang = language_tag(srclang)
        self.lang = lang
        self.skipped = 0
        self.warnings: list[str] = []

    def all_warnings(self) -> list[str]:
        """The warnings."""
        return list(self.warnings)

    def __iter__(self) -> Iterator[Unit]:
        if not self.path.is_file():
            raise FormatError("no such PO file", path=self.path)
        try:
            po = polib.pofile(os.fspath(self.path))
        except (OSError, ValueError) as err:
            raise FormatError(f"not a readable PO file ({err})", path=self.path) from err
        target = self.lang or po.metadata.get("Language") or _lang.from_filename(self.path)
        if not target:
            raise LanguageError(
                f"{self.path}: the PO header has no Language; give the language", parameter="lang"
            )
        tgt = language_tag(target)
        self._check_quotes()
        for entry in po:
            suspect = entry.fuzzy and entry.comment.startswith("x-align-suspect")
            if entry.obsolete or (entry.fuzzy and not suspect):
                self.skipped += 1
                continue
            pairs = [(entry.msgid, entry.msgstr)]
            if entry.msgid_plural:
                forms = entry.msgstr_plural
                pairs = [(entry.msgid, forms.get(0, "")), (entry.msgid_plural, forms.get(1, ""))]
            props = tuple(
                ("x-document", self._clean(f"{f}:{n}" if n else f, entry.linenum))
                for f, n in entry.occurrences
            )
            if suspect:
                props += (("x-align-suspect", "yes"),)
            notes = (self._clean(entry.tcomment, entry.linenum),) if entry.tcomment else ()
            tuid = None if entry.msgctxt is None else self._clean(entry.msgctxt, entry.linenum)
            for source, translation in pairs:
                source = self._clean(source, entry.linenum)
                translation = self._clean(translation, entry.linenum)
                if not source.strip() or not translation.strip():
                    self.skipped += 1
                    continue
                yield Unit(
                    (Variant(self.srclang, source.strip()), Variant(tgt, translation.strip())),
                    tuid=tuid,
                    props=props,
                    notes=notes,
                )
        if self.skipped:
            self.warnings.append(
                f"{self.path}: {self.skipped} untranslated, fuzzy or obsolete entries skipped"
            )

    def _clean(self, text: str, line: int) -> str:
        """``text`` without the characters XML cannot hold, with a warning naming the
        entry's line when there were any."""
        text, removed = xml_safe(text)
        if removed:
            self.warnings.append(
                f"{self.path}:{line}: removed {removed} (characters XML cannot hold)"
            )
        return text

    def _check_quotes(self) -> None:
        """Warn about each string whose closing quote is missing: polib reads it without
        its last character, which must not pass unnoticed."""
        try:
            lines = self.path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return
        for number, text in enumerate(lines, 1):
            found = _STRING_LINE.match(text)
            if found is not None and not _CLOSED.fullmatch(found.group(1)):
                self.warnings.append(
                    f"{self.path}:{number}: the string has no closing quote; its last "
                    'character was dropped (add the closing " and import again)'
                )


#: a PO line holding a string (a keyword or a continuation; obsolete entries too): the part
#: from its opening quote
_STRING_LINE = re.compile(
    r'\s*(?:#~\s*)?(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+)?(".*)'
)
#: a string closed by an unescaped quote (then nothing but blanks)
_CLOSED = re.compile(r'"(?:[^"\\]|\\.)*"\s*')


def read_po(path: str | Path, *, srclang: str = "en", lang: str | None = None) -> PoReader:
    """Open a PO file for reading: ``for unit in read_po("fr.po"): ...``."""
    return PoReader(path, srclang=srclang, lang=lang)


def write_po(
    units: Iterable[Unit], path: str | Path, *, srclang: str = "en", langs: Sequence[str]
) -> WriteReport:
    """Write one PO file per target language (atomically): ``out.po`` itself for one, else
    ``out.en-fr.po``, ``out.en-es.po``, ... (:func:`~tmx.output.numbered_path`).

    Units lacking the source or the target language are left out of that file.
    """
    src = language_tag(srclang)
    targets = [language_tag(t) for t in langs if not _lang.same_language(t, src)]
    files = {t: polib.POFile(wrapwidth=0) for t in targets}
    for tgt, po in files.items():
        po.metadata = {
            "Content-Type": "text/plain; charset=UTF-8",
            "Content-Transfer-Encoding": "8bit",
            "Language": tgt.replace("-", "_"),
            "X-Generator": "untm",
        }
    seen: dict[str, set[str]] = {t: set() for t in targets}
    skipped = 0
    for unit in units:
        source = unit.text(src)
        wrote = False
        for tgt, po in files.items():
            translation = unit.text(tgt)
            if not source or not translation:
                continue
            context = unit.tuid
            if context is None and source in seen[tgt]:
                context = f"unit-{len(po) + 1}"
            seen[tgt].add(source)
            suspect = any(k == "x-align-suspect" for k, _ in unit.props)
            po.append(
                polib.POEntry(
                    msgid=source,
                    msgstr=translation,
                    msgctxt=context,
                    tcomment="\n".join(unit.notes),
                    comment=SUSPECT_COMMENT if suspect else "",
                    flags=["fuzzy"] if suspect else [],
                    occurrences=[(v, "") for k, v in unit.props if k == "x-document"],
                )
            )
            wrote = True
        if not wrote:
            skipped += 1
    out = Path(path)
    written = []
    with atomic_paths() as tmp:
        for tgt, po in files.items():
            target = numbered_path(out, pair=f"{src}-{tgt}" if len(files) > 1 else None)
            po.save(tmp(target))
            written.append((str(target), len(po)))
    return WriteReport(files=tuple(written), skipped=skipped)
