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

__all__ = [
    "check_report",
    "console",
    "error",
    "escape",
    "findings_json",
    "json_out",
    "lines_out",
    "table",
    "warning",
]


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


def findings_json(findings: Sequence[Any]) -> None:
    """``{"issues": [...]}`` with one object per check finding (tm.models.Finding)."""
    keys = ("rule", "severity", "segment", "source", "target", "found", "expected", "message")
    json_out({"issues": [{key: getattr(f, key) for key in keys} for f in findings]})


def _clip(text: str | None, width: int = 160) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1] + "\u2026"


def check_report(findings: Sequence[Any], *, checked: str) -> None:
    """Check findings grouped by segment: the text, then each finding with its suggestion."""
    out = console()
    if not findings:
        out.print(f"[green]No terminology problems found[/] in {escape(checked)}.")
        return
    current = None
    for finding in findings:
        if finding.segment != current:
            current = finding.segment
            out.print(f"\n[bold]Segment {finding.segment}[/]  {escape(_clip(finding.source))}")
            if finding.target is not None:
                out.print(f"  [dim]translation:[/] {escape(_clip(finding.target))}")
        colour = "red" if finding.severity == "error" else "yellow"
        out.print(
            f"  [{colour}]{finding.severity:<7}[/] [cyan]{finding.rule}[/]  "
            f"{escape(finding.message)}"
        )
        if finding.expected:
            found = _clip(finding.found, 80) or "\u2014"
            out.print(
                f"           {escape(found)} \u2192 [green]{escape(_clip(finding.expected, 80))}[/]"
            )
    errors = sum(1 for f in findings if f.severity == "error")
    warnings = len(findings) - errors
    segments = len({f.segment for f in findings})
    out.print(
        f"\n{escape(checked)}: {errors} error(s), {warnings} warning(s) in {segments} segment(s)."
    )
