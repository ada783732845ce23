"""Any interchange file in or out of a memory: the reader or writer chosen by suffix or format.

This module sits above the format modules (:mod:`tmx.tmx`, :mod:`tmx.bulk`, :mod:`tmx.po`,
:mod:`tmx.tabular`): they never import it nor each other's dispatch, so a new format is one
new module and one entry here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from tm import lang as _lang
from tm.errors import InputError, LanguageError
from tm.memory import ImportReport, Memory, language_tag
from tmx import bulk
from tmx.output import WriteReport
from tmx.po import PoReader, read_po, write_po
from tmx.tabular import TableReader, read_table, write_table
from tmx.tmx import TmxReader, read_tmx, write_tmx

__all__ = ["export_memory", "import_files", "open_reader"]

_READERS = {".tmx": "tmx", ".po": "po", ".csv": "table", ".tsv": "table", ".tab": "table"}
_FORMATS = ("tmx", "po", "csv", "tsv")


def open_reader(
    path: str | Path, *, srclang: str = "en", lang: str | None = None
) -> TmxReader | PoReader | TableReader:
    """A reader for ``path`` chosen by its suffix (.tmx, .po, .csv, .tsv, .tab).

    Raises:
        InputError: for any other suffix.
    """
    path = Path(path)
    kind = _READERS.get(path.suffix.lower())
    if kind == "tmx":
        return read_tmx(path)
    if kind == "po":
        return read_po(path, srclang=srclang, lang=lang)
    if kind == "table":
        return read_table(path)
    raise InputError(f"{path}: cannot import this kind of file (use .tmx, .po, .csv or .tsv)")


def import_files(
    memory: Memory,
    paths: Sequence[str | Path],
    *,
    srclang: str = "en",
    lang: str | None = None,
    keep_regions: bool = False,
) -> ImportReport:
    """Import each file into ``memory`` in its own transaction (a bad file adds nothing).
    Large TMX files are read on several cores (:mod:`tmx.bulk`). Units merge into stored
    units holding their texts, regional tags into the memory's (see :meth:`Memory.add`).

    Raises:
        InputError: a file that cannot be read; earlier files stay imported.
    """
    total = ImportReport()
    for path in map(Path, paths):
        if not path.is_file():
            raise InputError(f"{path}: no such file")
        report = None
        if path.suffix.lower() == ".tmx":
            report = bulk.import_tmx(memory, path, origin=path.name, keep_regions=keep_regions)
        if report is None:
            reader = open_reader(path, srclang=srclang, lang=lang)
            records = reader.records() if isinstance(reader, TmxReader) else reader
            stored = memory.add(records, origin=path.name, keep_regions=keep_regions)
            report = replace(
                stored,
                skipped=reader.skipped,
                warnings=(*reader.all_warnings(), *stored.warnings),
            )
        total = replace(
            total,
            added=total.added + report.added,
            merged=total.merged + report.merged,
            skipped=total.skipped + report.skipped,
            warnings=(*total.warnings, *report.warnings),
            revision=report.revision,
        )
    return total


def export_memory(
    memory: Memory,
    path: str | Path,
    *,
    fmt: str = "tmx",
    langs: Sequence[str] | None = None,
    srclang: str = "en",
    profile: str | None = None,
    max_units: int | None = None,
    raw: bool = False,
) -> WriteReport:
    """Export ``memory`` as TMX (with a CAT-tool profile), PO or CSV/TSV (atomically); CSV/TSV
    cells that a spreadsheet would run as formulas are written as text unless ``raw``.

    Raises:
        InputError: unknown format or profile, or a language the memory does not hold.
    """
    if fmt not in _FORMATS:
        raise InputError(f"unknown export format {fmt!r} (choose from {', '.join(_FORMATS)})")
    stored = memory.languages()
    if not stored:
        raise InputError(f"{memory.name}: the memory is empty; nothing to export")
    tags = _tags_for(stored, langs)
    src = _tags_for(stored, [srclang])[0]
    if fmt == "tmx":
        return write_tmx(
            memory.records(langs=tags),
            path,
            srclang=src,
            langs=tags,
            profile=profile or "tmx",
            max_units=max_units,
        )
    units = memory.units(langs=tags)
    if profile is not None:
        raise InputError("profiles apply to TMX exports only", parameter="profile")
    if fmt == "po":
        return write_po(units, path, srclang=src, langs=tags)
    return write_table(units, path, langs=tags, raw=raw)


def _tags_for(stored: dict[str, int], wanted: Sequence[str] | None) -> list[str]:
    """The stored tag used most for each wanted language (all stored languages by default)."""
    best: dict[str, tuple[int, str]] = {}
    for tag, n in stored.items():
        base = _lang.base(tag)
        if base not in best or n > best[base][0]:
            best[base] = (n, tag)
    if not wanted:
        return [tag for _, tag in best.values()]
    out = []
    for tag in wanted:
        base = _lang.base(language_tag(tag))
        if base not in best:
            have = ", ".join(sorted(best))
            raise LanguageError(f"the memory has no {tag!r} text (it holds {have})")
        out.append(best[base][1])
    return out
