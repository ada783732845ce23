"""All terminal output of untm: rich for people, JSON for scripts.

Only this module imports rich. Segment text is escaped before it reaches rich markup, since
translation-memory text contains things like ``[b]`` and ``[1]``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

__all__ = ["console", "error", "escape", "json_out", "lines_out", "table", "warning"]


@cache
def console() -> Console:
    """The stdout console (soft-wrapped, so long segments are not cut)."""
    return Console(soft_wrap=True, highlight=False)


@cache
def err_console() -> Console:
    """The stderr console for errors, warnings and progress."""
    return Console(stderr=True, highlight=False, soft_wrap=True)


def error(message: str) -> None:
    """One line on stderr: ``untm: error: ...``."""
    err_console().print(f"[bold red]untm: error:[/] {escape(message)}")


def warning(message: str) -> None:
    """One line on stderr: ``untm: warning: ...``."""
    err_console().print(f"[yellow]untm: warning:[/] {escape(message)}")


def json_out(data: Any) -> None:
    """Write ``data`` as pretty JSON (UTF-8, not ASCII-escaped) to stdout."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def lines_out(lines: Iterable[str]) -> None:
    """Write plain lines to stdout, untouched by rich (for piping)."""
    out = sys.stdout
    for line in lines:
        out.write(line + "\n")


def table(title: str | None, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Print a table; every cell is escaped text."""
    tab = Table(title=title, show_lines=False)
    for column in columns:
        tab.add_column(column, overflow="fold")
    for row in rows:
        tab.add_row(*(escape("" if cell is None else str(cell)) for cell in row))
    console().print(tab)
