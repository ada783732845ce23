"""``untm terms``: the glossary terms found in a document, with their status."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli._errors import handle_errors
from cli._hints import options

__all__ = ["terms"]


def terms(
    file: Annotated[Path, typer.Argument(help="Document (.md/.txt/.docx/.pdf).")],
    lang: Annotated[
        str | None, typer.Option("--lang", help="Language of FILE (default: the .xx. in its name).")
    ] = None,
    glossary: Annotated[
        list[Path] | None,
        typer.Option("--glossary", help="Your glossary (TBX/CSV/TSV), used beside the UN one."),
    ] = None,
    json_: Annotated[
        bool, typer.Option("--json", help="Print one JSON object per mention.")
    ] = False,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help="Also write FILE's reference glossary: the official names of what it cites "
            "(.tbx, .tbx2, OmegaT .txt, .csv).",
        ),
    ] = None,
    output_format: Annotated[
        str | None,
        typer.Option("--format", help="Format of --output: tbx, tbx2, omegat, csv."),
    ] = None,
    target_lang: Annotated[
        str | None,
        typer.Option("--target-lang", help="--output: only this language beside FILE's."),
    ] = None,
) -> None:
    """List every treaty, organ or agenda-item name found in FILE, and how it is written.

    With --output, write the reference glossary a translator of FILE needs: each concept it
    cites with its official names (all six languages, or --target-lang), the forms FILE uses,
    and FILE's departures from the official form flagged.
    """
    from cli import render, render_terms
    from cli.commands.glossary import active_glossary
    from tm import jsonable
    from tm.document import read_document
    from tm.lang import normalize
    from tm.reference import document_glossary
    from tm.terms import terms_in_document
    from tmx.output import check_output
    from tmx.reference import reference_format, write_reference

    with handle_errors(), options(lang="or pass --lang xx", format="with --format"):
        if output is not None:
            check_output(output, inputs=[file, *(glossary or ())])
        fmt = reference_format(output, output_format) if output is not None else None
        langs = None if target_lang is None else [normalize(target_lang)]
        document = read_document(file, lang=lang)
        terms_ = active_glossary(glossary)
        found = terms_in_document(document, terms_)
        if output is not None and fmt is not None:
            reference = document_glossary(document, terms_, document=file.name, langs=langs)
            written = write_reference(reference, output, fmt=fmt, target_lang=target_lang)
            if not json_:
                render_terms.reference_summary(reference, written)
    if json_:
        render.json_out([jsonable.hit_data(hit, paragraph) for paragraph, hit in found])
    else:
        render_terms.term_hits(found, source=str(file))
