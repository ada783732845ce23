"""All terminal output of untm: rich for people, JSON for scripts.

Only this module and :mod:`cli.layout` (tables that fit the terminal) import rich, and only
when something is printed with it: JSON and plain lines never load it (a one-sentence ``untm
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

from cli.sources import compact_source
from tm import jsonable

if TYPE_CHECKING:
    from pathlib import Path

    from rich.console import Console

    from tm.build import BuildReport
    from tm.documents import DocumentChange, DocumentRecord
    from tm.extract import Candidate
    from tm.match import SegmentMatches
    from tm.memory import ImportReport, MemoryStats
    from tm.models import Alignment, Concept, Finding, TermHit, Unit
    from tm.reference import ReferenceGlossary
    from tmx.output import WriteReport

__all__ = [
    "alignments",
    "build_summary",
    "candidates_table",
    "check_report",
    "concept_list",
    "concept_view",
    "concordance_table",
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
    "match_json",
    "match_report",
    "memory_stats",
    "pretranslate_summary",
    "progress_steps",
    "reference_data",
    "reference_summary",
    "table",
    "term_hits",
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
    from a process with one thread (:mod:`tmx.bulk`)."""
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


def reference_data(reference: ReferenceGlossary, files: Sequence[Path]) -> dict[str, object]:
    """A reference glossary in JSON: files, concepts, departures and names not found (0-based
    places)."""

    def uses(unfound: bool) -> list[dict[str, object]]:
        return [
            {
                "concept": entry.concept.id,
                "lang": use.lang,
                "status": use.status,
                "text": use.text,
                "segment": use.segment,
                "paragraph": use.paragraph,
            }
            for entry in reference.entries
            for use in entry.uses
            if (use.unfound if unfound else use.departs)
        ]

    return {
        "files": [str(path) for path in files],
        "concepts": len(reference.entries),
        "proposed": sum(entry.proposed for entry in reference.entries),
        "flagged": uses(unfound=False),
        "not_found": uses(unfound=True),
    }


def reference_summary(reference: ReferenceGlossary, files: Sequence[Path]) -> None:
    """What a reference glossary holds, its departures and names not found (counted from 1)."""
    proposed = sum(entry.proposed for entry in reference.entries)
    out = console()
    out.print(
        f"Reference glossary: {len(reference.entries) - proposed} concept(s) cited, "
        f"{proposed} proposed for review, {reference.flagged} use(s) departing from the "
        f"official form, {reference.unfound} aligned segment(s) where the name is not found."
    )
    places: dict[tuple[str, str, str, str], list[str]] = {}
    for entry in reference.entries:
        for use in entry.uses:
            if use.departs or use.unfound:
                status = "not found" if use.unfound else use.status
                key = (entry.concept.id, use.lang, status, use.text or "-")
                where = f"¶{use.paragraph + 1}"
                if use.segment is not None:
                    where = f"s{use.segment + 1}"
                places.setdefault(key, []).append(where)
    if places:
        table(
            "For review (s: segment of the version, ¶: paragraph of the English)",
            ("concept", "lang", "as", "form", "where"),
            [(*key, ", ".join(where)) for key, where in places.items()],
        )
    for path in files:
        out.print(f"Wrote {escape(str(path))}")


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


def concordance_table(hits: Sequence[Unit], *, text: str, langs: Sequence[str] = ()) -> None:
    """``untm concordance``: one row per unit, one column per language (those of ``langs``
    only, when given), the found text in bold where it occurs as stored."""
    from tm.fold import spans
    from tm.lang import base

    if not hits:
        console().print(f"No unit contains {escape(repr(text))}.")
        return
    wanted = [base(lang) for lang in langs]
    shown: list[str] = []
    for unit in hits:
        for variant in unit.variants:
            if variant.lang not in shown and (not wanted or base(variant.lang) in wanted):
                shown.append(variant.lang)
    if wanted:
        shown.sort(key=lambda tag: wanted.index(base(tag)))
    rows = [
        [
            escape(unit.tuid or ""),
            *(
                " / ".join(
                    _bold(v.text, spans(v.text, text)) for v in unit.variants if v.lang == lang
                )
                for lang in shown
            ),
        ]
        for unit in hits
    ]
    title = escape(f"{len(hits)} unit(s) containing {text!r}")
    print_table(console(), title, ("tuid", *shown), rows)


def _bold(text: str, where: Sequence[tuple[int, int]]) -> str:
    """``text`` escaped for rich with the spans ``where`` in bold."""
    out, pos = [], 0
    for start, end in where:
        out += [escape(text[pos:start]), f"[bold]{escape(text[start:end])}[/bold]"]
        pos = end
    out.append(escape(text[pos:]))
    return "".join(out)


def alignments(results: Sequence[Alignment], fmt: str) -> None:
    """Print alignments (tm.models.Alignment) as TSV rows, JSON beads, or bead lines.

    ``tsv``: a header of language codes, then one row per multilingual unit (tabs and line
    breaks inside segments become spaces). ``beads``: ``[pivot indices]:[other indices]``.
    Each alignment's warnings (suspect regions) go to stderr.
    """
    from tm.align import bead_lines, multilingual

    for result in results:
        for message in result.warnings:
            warning(f"{result.src_lang}-{result.tgt_lang}: {message}")
    if fmt == "beads":
        lines_out(bead_lines(results[0]))
    elif fmt == "json":
        json_out({"alignments": [jsonable.alignment_data(result) for result in results]})
    else:
        rows = multilingual(results)
        langs = [results[0].src_lang, *(result.tgt_lang for result in results)]
        lines_out(
            ["\t".join(langs)]
            + ["\t".join(" ".join(row.texts[lang].split()) for lang in langs) for row in rows]
        )


# --- untm match / pretranslate -----------------------------------------------------------


def match_json(results: Sequence[SegmentMatches]) -> None:
    """``untm match --json``: ``{"segments": [...]}`` with matches and terms per segment."""
    json_out(jsonable.matches_data(results))


_DIFF_MARK = re.compile(r"\[-(.*?)-\]|\{\+(.*?)\+\}")


def _diff_markup(diff: str) -> str:
    """The word diff with its marks kept (readable without colour) and coloured."""
    out, pos = [], 0
    for m in _DIFF_MARK.finditer(diff):
        out.append(escape(diff[pos : m.start()]))
        if m.group(1) is not None:
            out.append(f"[red]{escape('[-' + m.group(1) + '-]')}[/]")
        else:
            out.append(f"[green]{escape('{+' + m.group(2) + '+}')}[/]")
        pos = m.end()
    out.append(escape(diff[pos:]))
    return "".join(out)


def match_report(results: Sequence[SegmentMatches], *, draft: str) -> None:
    """``untm match``: per segment its matches (score, diff, targets) and glossary terms."""
    out = console()
    matched = sum(1 for seg in results if seg.matches)
    out.print(f"[bold]{escape(draft)}[/]: {len(results)} segments, {matched} with matches")
    # a CAT-style analysis: segments by the band of their best match
    bands: dict[str, int] = {}
    for seg in results:
        best = seg.matches[0] if seg.matches else None
        name = "no match" if best is None else "in context" if best.kind == "context" else best.band
        bands[name] = bands.get(name, 0) + 1
    order = ("in context", "100", "95-99", "85-94", "75-84", "50-74", "no match")
    out.print("  " + " · ".join(f"{name}: {bands[name]}" for name in order if name in bands))
    for seg in results:
        where = f"[bold cyan]#{seg.index + 1}[/] [dim]¶{seg.paragraph + 1}[/]"
        out.print(f"\n{where} {escape(seg.text)}")
        if not seg.matches:
            out.print("  [dim]no match[/]")
        for m in seg.matches:
            label = {
                "context": "in context",
                "partial": "partial: the memory's target also translates other sentences",
            }.get(m.kind, m.kind)
            where = " ".join(escape(x) for x in (m.tuid, m.origin) if x)
            flag = " [bold red]SUSPECT alignment: check the target[/]" if m.suspect else ""
            out.print(f"  [bold]{m.score:g}%[/] [dim]{m.band} {label} {where}[/]{flag}")
            if m.kind != "exact" and m.kind != "context":
                out.print(f"    {_diff_markup(m.diff)}")
            for change in m.changes:
                if change.month_changed:
                    out.print(
                        f"    [bold red]month changed[/]: {escape(change.old)} -> "
                        f"{escape(change.new)} [dim](not substituted: translate the date)[/]"
                    )
            for lang, text in m.targets.items():
                new = m.substituted.get(lang)
                out.print(f"    [yellow]{escape(lang)}[/] {escape(new or text)}")
                if new:
                    out.print(f"       [dim](placeables updated; memory: {escape(text)})[/]")
                if lang in m.sentences:
                    out.print(f"       [dim]this sentence:[/] {escape(m.sentences[lang])}")
        for t in seg.terms:
            equivalents = "; ".join(f"{k}: {v}" for k, v in t.equivalents.items())
            status = "" if t.status == "preferred" else f" ({t.status}, use: {t.preferred})"
            out.print(
                f"  [magenta]term[/] {escape(t.text)}{escape(status)}"
                f" [dim]{escape(t.concept)}[/] {escape(equivalents)}"
            )


def pretranslate_summary(report: WriteReport, *, filled: int, missing: int, output: str) -> None:
    """``untm pretranslate``: what was written and what is left to translate."""
    files = ", ".join(escape(name) for name, _ in report.files) or escape(output)
    console().print(
        f"wrote {files}: {filled} segments filled from the memory, {missing} left to translate"
    )


# --- glossary (cli/commands/query.py, terms.py, glossary.py) ----------------------------------

_STATUS_STYLE = {"preferred": "green", "admitted": "cyan", "deprecated": "red", "variant": "yellow"}


def concept_view(
    concept: Concept, *, score: float | None = None, full_sources: bool = False
) -> None:
    """One concept in every language: its terms with status, abbreviation, confidence and
    source (whole with ``full_sources``, else as :func:`compact_source` shortens it)."""
    title = f"{concept.id}  ({concept.category})"
    if score is not None:
        title += f"  match {score:g}"
    columns = ["lang", "term", "status", "abbr.", "confidence", "source"]
    source = (lambda text: text or "") if full_sources else compact_source
    rows = []
    for term in concept.terms:
        colour = _STATUS_STYLE.get(term.status, "white")
        rows.append(
            [
                term.lang,
                escape(term.text),
                f"[{colour}]{term.status}[/]",
                escape(term.abbreviation or ""),
                escape(term.confidence or ""),
                escape(source(term.source)),
            ]
        )
    print_table(console(), escape(title), columns, rows)


def concept_list(concepts: Sequence[Concept], *, lang: str = "en") -> None:
    """One line per concept: id, category, its preferred form in ``lang``, languages."""
    rows = []
    for concept in concepts:
        term = concept.preferred(lang) or (concept.terms[0] if concept.terms else None)
        langs = " ".join(dict.fromkeys(t.lang for t in concept.terms))
        rows.append((concept.id, concept.category, term.text if term else "", langs))
    table(f"{len(concepts)} concepts", ("id", "category", f"term ({lang})", "languages"), rows)


def term_hits(found: Sequence[tuple[int, TermHit]], *, source: str) -> None:
    """Glossary terms found in a document: one row per mention, then a count per concept."""
    out = console()
    if not found:
        out.print(f"No glossary terms found in {escape(source)}.")
        return
    rows = []
    for paragraph, hit in found:
        colour = _STATUS_STYLE.get(hit.status, "white")
        preferred = "" if hit.status == "preferred" else hit.preferred
        rows.append(
            [
                str(paragraph + 1),
                escape(" ".join(hit.text.split())),
                f"[{colour}]{hit.status}[/]",
                escape(hit.concept),
                escape(preferred),
            ]
        )
    columns = ("¶", "found", "status", "concept", "preferred")
    print_table(out, escape(f"Glossary terms in {source} (¶: paragraph)"), columns, rows)
    concepts = len({hit.concept for _, hit in found})
    flagged = sum(1 for _, hit in found if hit.status != "preferred")
    out.print(
        f"{len(found)} mention(s) of {concepts} concept(s); {flagged} not in the preferred form."
    )


def candidates_table(candidates: Sequence[Candidate]) -> None:
    """Names proposed by ``glossary extract`` with their best equivalents per language."""
    if not candidates:
        console().print("No new instrument or organ names found.")
        return
    rows = []
    for cand in candidates:
        lines = [
            f"{lang}: " + " | ".join(f"{escape(text)} ({score:.2f})" for text, score in options)
            for lang, options in cand.equivalents.items()
            if options
        ]
        rows.append([escape(cand.text), str(cand.count), "\n".join(lines)])
    columns = ("name", "units", "candidate equivalents")
    print_table(console(), "Candidate glossary entries (for review)", columns, rows)
