"""Tables that fit the terminal without breaking a word.

rich shrinks a column below its longest word and then cuts the word. Here every column is
at least as wide as its longest word (Chinese and Japanese text may break between any two
characters, as it does in print) and the rest of the width goes to the columns that need it,
so rich wraps cells at spaces only. When even the longest words cannot sit side by side, the
rows are printed as a list instead: ``column: value`` lines, one block per row, wrapped at
spaces. Several tables with the same columns (the concepts ``untm query`` found) share one
layout and one set of widths. Cells are rich markup (escaped text with styles).
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

__all__ = ["print_table", "print_tables"]

#: a column's padding (one space each side) and its share of the borders
_CHROME = 3


def print_table(
    out: Console, title: str | None, columns: Sequence[str], rows: Sequence[Sequence[str]]
) -> None:
    """Print ``rows`` under ``columns`` as a table at ``out``'s width, or as a list of records
    when the table cannot hold its longest words."""
    print_tables(out, columns, [(title, rows)])


def print_tables(
    out: Console,
    columns: Sequence[str],
    tables: Sequence[tuple[str | None, Sequence[Sequence[str]]]],
) -> None:
    """Print several ``(title, rows)`` under the same ``columns`` in one layout: all as tables
    with the same column widths, or all as lists when one of them cannot hold its longest
    words (a reader comparing them should not meet a table, then a list)."""
    plain = [[Text.from_markup(cell).plain for cell in row] for _, rows in tables for row in rows]
    shortest = [
        max([_longest_word(column), *(_longest_word(row[k]) for row in plain)])
        for k, column in enumerate(columns)
    ]
    room = out.width - 1 - _CHROME * len(columns)
    if sum(shortest) > room:
        for title, rows in tables:
            _records(out, title, columns, rows)
        return
    natural = [
        max([cell_len(column), *(_widest_line(row[k]) for row in plain)])
        for k, column in enumerate(columns)
    ]
    widths = _widths(shortest, natural, room)
    for title, rows in tables:
        if title:
            out.print(f"[italic]{title}[/]", soft_wrap=False)
        table = Table()
        for column, width in zip(columns, widths, strict=True):
            table.add_column(column, width=width, overflow="fold")
        for row in rows:
            table.add_row(*row)
        out.print(table, soft_wrap=False)


def _records(
    out: Console, title: str | None, columns: Sequence[str], rows: Sequence[Sequence[str]]
) -> None:
    if title:
        out.print(f"[italic]{title}[/]", soft_wrap=False)
    for row in rows:
        out.print()
        for column, cell in zip(columns, row, strict=True):
            if cell:
                out.print(f"[bold]{column}:[/] {cell}", soft_wrap=False)


def _widths(shortest: list[int], natural: list[int], room: int) -> list[int]:
    """Each column's width: its longest word at least, then the room left shared out one cell
    at a time to the column with the smallest share of its natural width (so long texts side
    by side get widths in proportion to their lengths)."""
    widths = list(shortest)
    spare = room - sum(widths)
    while spare > 0:
        short = [k for k, (w, n) in enumerate(zip(widths, natural, strict=True)) if w < n]
        if not short:
            break
        k = min(short, key=lambda k: widths[k] / natural[k])
        widths[k] += 1
        spare -= 1
    return widths


def _widest_line(text: str) -> int:
    return max((cell_len(line) for line in text.splitlines()), default=0)


def _longest_word(text: str) -> int:
    """The width of the longest run that must not be broken: a word between spaces, or a
    run of non-CJK characters inside it (a line may break beside any CJK character)."""
    longest = 0
    for word in text.split():
        run = 0
        for char in word:
            if cell_len(char) == 2:
                longest, run = max(longest, run, 2), 0
            else:
                run += cell_len(char)
        longest = max(longest, run)
    return longest
