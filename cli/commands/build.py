"""``untm build``: English document + translations -> aligned translation memory (+ export)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cli._errors import handle_errors
from cli._hints import options
from cli.commands.glossary import active_glossary

__all__ = ["build"]


class Format(StrEnum):
    """Export formats of ``--tmx``."""

    tmx = "tmx"
    po = "po"
    csv = "csv"


class GlossaryFormat(StrEnum):
    """Formats of a reference glossary (``--glossary``)."""

    tbx = "tbx"
    tbx2 = "tbx2"
    omegat = "omegat"
    csv = "csv"


def build(
    en_file: Annotated[Path, typer.Argument(help="The English document (.md/.txt/.docx/.pdf).")],
    xx_files: Annotated[
        list[Path], typer.Argument(help="Its versions, language in the name: letter.fr.md.")
    ],
    memory: Annotated[
        str,
        typer.Option(
            "--memory", "-m", help="The memory to build into: tm.sqlite or postgresql://..."
        ),
    ],
    tmx: Annotated[
        Path | None, typer.Option("--tmx", help="Also export the memory to this file.")
    ] = None,
    format_: Annotated[Format, typer.Option("--format", help="Format of --tmx.")] = Format.tmx,
    glossary_out: Annotated[
        Path | None,
        typer.Option(
            "--glossary",
            help="Also write the document's reference glossary: the names it cites, official "
            "and as its versions write them (.tbx, .tbx2, OmegaT .txt, .csv).",
        ),
    ] = None,
    glossary_format: Annotated[
        GlossaryFormat | None,
        typer.Option("--glossary-format", help="Format of --glossary (default: its extension)."),
    ] = None,
    document: Annotated[
        str | None,
        typer.Option(
            "--document",
            help="The document's id, e.g. its UN symbol A/RES/70/1 (default: the symbol in "
            "its header, else its file name and text).",
        ),
    ] = None,
    json_: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Segment, align and store the documents as multilingual units; optionally export them.

    Rebuilding a document replaces the languages given and keeps its others; another
    document is never replaced. The UN glossary's treaty and organ names serve as alignment
    anchors. With --glossary, the document's reference glossary is written too: every
    instrument, body and agenda item the English document cites, with its official names in
    the six languages and the forms each version uses (departures flagged), plus names the
    glossary lacks, proposed for review.
    """
    from dataclasses import asdict

    from cli import render, render_terms
    from tm.build import build_memory
    from tm.memory import Memory
    from tmx.interchange import export_memory
    from tmx.output import check_output
    from tmx.reference import reference_format, write_reference

    with handle_errors(), options(format="with --glossary-format"):
        for out in (tmx, glossary_out):
            if out is not None:
                check_output(out, memory=memory, inputs=[en_file, *xx_files])
        chosen = glossary_format.value if glossary_format else None
        fmt = reference_format(glossary_out, chosen) if glossary_out is not None else None
        with Memory.open(memory) as store:
            with render.progress_steps("building") as advance:
                store.index_progress = lambda done, total: advance("match index", done, total)
                report = build_memory(
                    en_file,
                    xx_files,
                    store,
                    glossary=active_glossary(memory=memory),
                    reference=glossary_out is not None,
                    document=document,
                    progress=advance,
                )
            written = export_memory(store, tmx, fmt=format_.value) if tmx is not None else None
        glossaries = []
        if glossary_out is not None and fmt is not None and report.reference is not None:
            glossaries = write_reference(report.reference, glossary_out, fmt=fmt)
    if json_:
        files = [list(f) for f in written.files] if written else []
        summary = {k: v for k, v in asdict(report).items() if k != "reference"}
        if report.reference is not None:
            summary["reference"] = render_terms.reference_data(report.reference, glossaries)
        render.json_out({**summary, "files": files})
    else:
        render.build_summary(report, written)
        if report.reference is not None:
            render_terms.reference_summary(report.reference, glossaries)
