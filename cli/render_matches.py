"""What ``untm match``, ``pretranslate``, ``concordance`` and ``align`` print: matches with
their coloured word diff and a CAT-style analysis, concordance rows with the hit in bold,
alignments as TSV, JSON or beads (through :mod:`cli.render`'s console)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from cli.render import console, escape, json_out, lines_out, print_table, warning
from tm import jsonable

if TYPE_CHECKING:
    from tm.match import SegmentMatches
    from tm.models import Alignment, Unit
    from tmx.output import WriteReport


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
