"""All terminal output of untm: rich for people, JSON for scripts.

This module holds the console and what every command prints (errors, JSON, tables, progress,
check findings, memory summaries); :mod:`cli.render_matches` (matches, concordance,
alignments) and :mod:`cli.render_terms` (glossary views) print through it. Only these and
:mod:`cli.layout` (tables that fit the terminal) import rich, and only when something is
printed with it: JSON and plain lines never load it (a one-sentence ``untm
match --json`` would spend a tenth of its time importing rich). Segment text is escaped before
it reaches rich markup, since translation-memory text contains things like ``[b]`` and
``[1]``. People count from 1: segments, paragraphs and sentences are shown
from 1 here, while JSON keeps the library's 0-based indices.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from typing import TYPE_CHECKING

from tm import jsonable

if TYPE_CHECKING:
    from rich.console import Console

    from tm.build import BuildReport
    from tm.documents import DocumentChange, DocumentRecord
    from tm.memory import ImportReport, MemoryStats
    from tm.models import Finding
    from tmx.output import WriteReport

__all__ = [
    "build_summary",
    "check_report",
    "console",
    "document_change",
    "documents_table",
    "error",
    "escape",
    "export_summary",
    "findings_json",
    "import_summary",
    "json_out",
    "lines_out",
    "one_line",
    "memory_stats",
    "progress_steps",
    "table",
    "warning",
]


def escape(text: str) -> str:
    """``text`` with rich markup escaped (``[b]`` prints as itself)."""
    from rich.markup import escape as escape_markup

    return escape_markup(text)


@cache
def _console_class() -> type[Console]:
    from rich.console import Console

    class _Console(Console):
        """A rich console that leaves a closed pipe to ``cli/main.py`` (rich would exit
        with 1)."""

        def on_broken_pipe(self) -> None:
            self.quiet = True
            raise BrokenPipeError

    return _Console


@cache
def console() -> Console:
    """The stdout console: on a terminal, lines wrap at spaces (the terminal would cut words
    at its edge); into a pipe or file, each line stays whole for grep."""
    return _console_class()(soft_wrap=not sys.stdout.isatty(), highlight=False)


@cache
def err_console() -> Console:
    """The stderr console for errors, warnings and progress."""
    return _console_class()(stderr=True, highlight=False, soft_wrap=True)


def print_table(
    out: Console, title: str | None, columns: Sequence[str], rows: Sequence[Sequence[str]]
) -> None:
    """:func:`cli.layout.print_table` (rich's tables are loaded when one is printed)."""
    from cli import layout

    layout.print_table(out, title, columns, rows)


def print_tables(
    out: Console,
    columns: Sequence[str],
    tables: Sequence[tuple[str | None, Sequence[Sequence[str]]]],
) -> None:
    """:func:`cli.layout.print_tables`: tables with the same columns in one layout."""
    from cli import layout

    layout.print_tables(out, columns, tables)


def error(message: str) -> None:
    """One line on stderr: ``untm: error: ...``."""
    err_console().print(f"[bold red]untm: error:[/] {escape(one_line(message))}")


def warning(message: str) -> None:
    """One line on stderr: ``untm: warning: ...``."""
    err_console().print(f"[yellow]untm: warning:[/] {escape(one_line(message))}")


_BREAKS = re.compile(r"[\r\n\t\v\f\x85\u2028\u2029]+")
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_LONG_WORD = re.compile(r"\S{121,}")
_MAX_MESSAGE = 1000


def one_line(message: str) -> str:
    """``message`` as one line a terminal shows safely: line breaks become spaces, other
    control characters (an escape sequence in a hostile file) are written as ``\\x1b``, and
    overlong runs of text (a megabyte attribute in a parser message) are cut.

    >>> one_line("a\\nb\\x1b[2J " + "x" * 200)[:30]
    'a b\\\\x1b[2J xxxxxxxxxxxxxxxxxxx'
    """
    text = _BREAKS.sub(" ", message.strip())
    text = _CONTROLS.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    text = _LONG_WORD.sub(lambda m: m.group()[:100] + "...", text)
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 3] + "..."


def json_out(data: object) -> None:
    """Write ``data`` as pretty JSON (UTF-8, not ASCII-escaped) to stdout."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def lines_out(lines: Iterable[str]) -> None:
    """Write plain lines to stdout, untouched by rich (for piping)."""
    out = sys.stdout
    for line in lines:
        out.write(line + "\n")


def table(title: str | None, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Print a table of plain cells (escaped here) that breaks no word (:mod:`cli.layout`)."""
    cells = [[escape("" if cell is None else str(cell)) for cell in row] for row in rows]
    print_table(console(), None if title is None else escape(title), columns, cells)


def findings_json(findings: Sequence[Finding]) -> None:
    """``{"issues": [...]}`` with one object per check finding."""
    json_out(jsonable.findings_data(findings))


def _marked(text: str | None, found: Sequence[str]) -> str:
    """``text`` escaped for rich, one space between words, the found forms underlined."""
    out = escape(" ".join((text or "").split()))
    for part in found:
        part = escape(" ".join(part.split()))
        if part and part in out:
            out = out.replace(part, f"[underline]{part}[/underline]", 1)
    return out


def check_report(findings: Sequence[Finding], *, checked: str) -> None:
    """Check findings grouped by segment: the text, then each finding with its suggestion."""
    out = console()
    if not findings:
        out.print(f"[green]No terminology problems found[/] in {escape(checked)}.")
        return
    found_in: dict[int, list[str]] = {}
    for finding in findings:
        found_in.setdefault(finding.segment, []).append(finding.found)
    current = None
    for finding in findings:
        if finding.segment != current:
            current = finding.segment
            found = found_in[current]
            source_found = found if finding.target is None else []
            head = f"\n[bold]Segment {current + 1}[/]"
            out.print(f"{head}  {_marked(finding.source, source_found)}")
            if finding.target is not None:
                out.print(f"  [dim]translation:[/] {_marked(finding.target, found)}")
        colour = "red" if finding.severity == "error" else "yellow"
        out.print(
            f"  [{colour}]{finding.severity:<7}[/] [cyan]{finding.rule}[/]  "
            f"{escape(finding.message)}"
        )
    errors = sum(1 for f in findings if f.severity == "error")
    warnings = len(findings) - errors
    segments = len({f.segment for f in findings})
    out.print(
        f"\n{escape(checked)}: {errors} error(s), {warnings} warning(s) in {segments} segment(s)."
    )


# --- translation memory (cli/commands/memory.py, cli/commands/build.py) ----------------------


@contextmanager
def progress_steps(description: str) -> Iterator[Callable[[str, int, int], None]]:
    """A progress bar on stderr; yields ``advance(step_name, done, total)``. It is drawn
    when it advances, not by a thread of its own: a large TMX import forks its workers only
    from a process with one thread (:mod:`tmx.bulk`). Into a pipe or a log nothing is drawn
    (rich would leave a blank line there)."""
    if not err_console().is_terminal:
        yield lambda name, done, total: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=err_console(), transient=True, auto_refresh=False) as bar:
        task = bar.add_task(escape(description), total=None)
        bar.refresh()

        def advance(name: str, done: int, total: int) -> None:
            bar.update(task, description=escape(name), completed=done, total=total)
            bar.refresh()

        yield advance


def import_summary(report: ImportReport, *, units: int) -> None:
    """One line per import: added, merged, skipped; then any reader warnings on stderr."""
    for message in report.warnings:
        warning(message)
    console().print(
        f"Imported [bold]{report.added}[/] new unit(s), merged {report.merged} duplicate(s), "
        f"skipped {report.skipped}; the memory holds {units} unit(s)."
    )


def export_summary(report: WriteReport) -> None:
    """The files an export wrote, with their unit counts."""
    for name, count in report.files:
        console().print(f"Wrote {escape(name)} ({count} unit(s))")
    if report.skipped:
        warning(f"{report.skipped} unit(s) left out: they lack the source or a second language")


def build_summary(report: BuildReport, export: WriteReport | None) -> None:
    """Units per language and suspect beads after ``untm build``."""
    table(
        f"This build: {report.rows} aligned row(s)",
        ("language", "units"),
        sorted(report.languages.items()),
    )
    out = console()
    document_change(report.stored)
    out.print(
        f"{report.multi_sentence} unit(s) hold several sentences in some language "
        "(segtype paragraph)."
    )
    if report.suspect:
        out.print(
            f"[yellow]{report.suspect} suspect bead(s)[/] kept and flagged with the prop "
            "x-align-suspect: review them before reuse."
        )
    if export is not None:
        export_summary(export)


def document_change(change: DocumentChange) -> None:
    """What a build or ``untm remove`` did to a document: added, replaced, kept, removed."""
    out = console()
    name = escape(change.document)
    if change.new:
        out.print(f"New document [bold]{name}[/]: added {change.added} unit(s).")
    elif change.added or change.replaced:
        out.print(
            f"Rebuilt [bold]{name}[/]: added {change.added}, replaced {change.replaced}, "
            f"kept {change.kept} unit(s) for their other languages, dropped {change.dropped}."
        )
    elif change.kept:
        out.print(
            f"Removed {', '.join(change.languages)} from [bold]{name}[/]: "
            f"{change.variants_removed} text(s); {change.units_removed} unit(s) went from the "
            f"memory, {change.dropped} row(s) with nothing else left."
        )
    else:
        out.print(
            f"Removed [bold]{name}[/]: {change.units_removed} unit(s) went from the memory "
            "(units another document shares stay)."
        )
    if change.kept_languages:
        out.print(f"Kept as they were: {', '.join(change.kept_languages)}.")
    holds = f"The document holds {change.units} unit(s); " if change.units else ""
    out.print(
        f"{holds}{change.others} other unit(s) of the memory are untouched; "
        f"revision {change.revision}."
    )
    for other in change.namesakes:
        warning(
            f"{other} was built from a file of the same name and is another document (other "
            f"text): it was not replaced. To replace it: untm build ... --document {other!r}, "
            f"or untm remove {other!r}."
        )


def documents_table(documents: Sequence[DocumentRecord]) -> None:
    """``untm documents``: one row per document of the memory."""
    if not documents:
        console().print("The memory holds no built document.")
        return
    table(
        f"{len(documents)} document(s)",
        ("id", "title", "languages", "units", "built"),
        [(d.id, d.title or "", ", ".join(d.languages), d.units, d.built) for d in documents],
    )


def memory_stats(stats: MemoryStats) -> None:
    """``untm stats``: totals, units per language and per origin."""
    console().print(
        f"[bold]{escape(stats.path)}[/]: {stats.units} unit(s), revision "
        f"{stats.revision}, {escape(stats.signature)}"
    )
    table("Units per language", ("language", "units"), stats.languages.items())
    table("Units per origin", ("origin", "units"), stats.origins.items())
