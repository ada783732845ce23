"""CSV and TSV translation memories: a header row of language codes, one unit a row.

Columns named by a language tag (``en``, ``fr-FR``) hold that language's text; an optional
``tuid`` column holds the unit's id and ``note`` its note. Empty cells mean "no variant".
The delimiter follows the file name: ``.tsv``/``.tab`` tab, otherwise comma.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from tm._xml import xml_safe
from tm.errors import FormatError, LanguageError
from tm.memory import language_tag
from tm.models import Unit, Variant
from tmx.cells import defuse, restore
from tmx.output import WriteReport, atomic_paths

__all__ = ["TableReader", "read_table", "write_table"]

_SPECIAL = ("tuid", "note")


def _delimiter(path: Path) -> str:
    return "\t" if path.suffix.lower() in (".tsv", ".tab") else ","


class TableReader:
    """Iterate over the units of a CSV/TSV file; rows with fewer than one text are skipped."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.skipped = 0
        self.warnings: list[str] = []

    def all_warnings(self) -> list[str]:
        """The warnings."""
        return list(self.warnings)

    def __iter__(self) -> Iterator[Unit]:
        try:
            handle = self.path.open(encoding="utf-8-sig", newline="")
        except OSError as err:
            raise FormatError(f"cannot read the file ({err.strerror})", path=self.path) from err
        with handle:
            rows = csv.reader(handle, delimiter=_delimiter(self.path))
            try:
                header = next(rows)
            except StopIteration:
                raise FormatError("the file is empty", path=self.path) from None
            except (csv.Error, UnicodeDecodeError) as err:
                raise FormatError(_unreadable(err), path=self.path, line=1) from err
            columns = self._columns(header)
            try:
                for row in rows:
                    unit = self._unit(row, columns, rows.line_num)
                    if unit is not None:
                        yield unit
            except (csv.Error, UnicodeDecodeError) as err:
                raise FormatError(_unreadable(err), path=self.path, line=rows.line_num) from err
        if self.skipped:
            self.warnings.append(f"{self.path}: {self.skipped} rows without any text skipped")

    def _columns(self, header: list[str]) -> list[str]:
        columns = []
        for name in header:
            name = name.strip()
            if name.lower() in _SPECIAL:
                columns.append(name.lower())
                continue
            try:
                columns.append(language_tag(name))
            except LanguageError as err:
                raise LanguageError(
                    f"{self.path}:1: column {name!r}: {err} (the first row names the languages, "
                    "e.g. en,fr,es; 'tuid' and 'note' are also allowed)"
                ) from err
        if sum(1 for c in columns if c not in _SPECIAL) < 1:
            raise FormatError("the header row names no language", path=self.path, line=1)
        return columns

    def _unit(self, row: list[str], columns: list[str], line: int) -> Unit | None:
        if len(row) > len(columns):
            raise FormatError(
                f"{len(row)} cells but the header has {len(columns)} columns",
                path=self.path,
                line=line,
            )
        variants: list[Variant] = []
        tuid: str | None = None
        notes: tuple[str, ...] = ()
        for name, cell in zip(columns, row, strict=False):
            cell, removed = xml_safe(restore(cell.strip()))
            if removed:
                self.warnings.append(
                    f"{self.path}:{line}: removed {removed} from the {name} cell "
                    "(characters XML cannot hold)"
                )
                cell = cell.strip()
            if not cell:
                continue
            if name == "tuid":
                tuid = cell
            elif name == "note":
                notes = (cell,)
            else:
                variants.append(Variant(name, cell))
        if not variants:
            self.skipped += 1
            return None
        return Unit(tuple(variants), tuid=tuid, notes=notes)


def read_table(path: str | Path) -> TableReader:
    """Open a CSV/TSV file for reading: ``for unit in read_table("tm.csv"): ...``."""
    return TableReader(path)


def write_table(
    units: Iterable[Unit], path: str | Path, *, langs: Sequence[str], raw: bool = False
) -> WriteReport:
    """Write ``units`` as CSV or TSV (by suffix) with a ``tuid`` column and one per language.

    Units with fewer than two of ``langs`` are left out. Tab and newline characters inside a
    TSV cell are quoted CSV-style so that the file reads back intact. Cells a spreadsheet would
    run as formulas are written as text (see :mod:`tmx.cells`) unless ``raw``.
    """
    cell = str if raw else defuse
    tags = [language_tag(t) for t in langs]
    out = Path(path)
    count = skipped = 0
    with atomic_paths() as tmp, open(tmp(out), "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=_delimiter(out), lineterminator="\n")
        writer.writerow(["tuid", *tags])
        for unit in units:
            texts = [unit.text(t) or "" for t in tags]
            if sum(1 for t in texts if t) < 2:
                skipped += 1
                continue
            writer.writerow([cell(unit.tuid or ""), *map(cell, texts)])
            count += 1
    return WriteReport(files=((str(out), count),), skipped=skipped)


def _unreadable(err: csv.Error | UnicodeDecodeError) -> str:
    """Why a table cannot be read, in the user's terms."""
    if isinstance(err, UnicodeDecodeError):
        return f"not a UTF-8 table (byte {err.start} of the line); save it as UTF-8"
    if "field larger than field limit" in str(err):
        return f"a cell holds over {csv.field_size_limit():,} characters: not a table of segments"
    return f"not a readable table ({err})"
