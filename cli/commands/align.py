"""``untm align``: align a document (the pivot) with its versions in other languages."""

from __future__ import annotations

from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import Annotated

import typer

from cli._errors import handle_errors
from cli._hints import options
from cli.commands.glossary import active_glossary

__all__ = ["align"]


class Format(StrEnum):
    """Output formats of ``untm align``."""

    tsv = "tsv"
    json = "json"
    beads = "beads"


def align(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="The pivot file (e.g. letter.en.md), then one or more versions.",
            metavar="FILES",
        ),
    ],
    presegmented: Annotated[
        bool,
        typer.Option(
            "--presegmented", help="Files hold one sentence a line (blank lines ignored)."
        ),
    ] = False,
    format_: Annotated[
        Format,
        typer.Option("--format", help="tsv (one column per language), json, or beads."),
    ] = Format.tsv,
    langs: Annotated[
        str | None,
        typer.Option(
            "--langs", help="Languages of the files in order, e.g. en,fr (else from names)."
        ),
    ] = None,
    memory: Annotated[
        str | None,
        typer.Option(
            "--memory",
            "-m",
            help="Start from what this memory learned (subwords, lexicons); caches models in it.",
        ),
    ] = None,
) -> None:
    """Align sentences of a document with its translations; suspect beads are warned about."""
    from cli import render_matches

    if format_ is Format.beads and len(files) != 2:
        raise typer.BadParameter(
            "--format beads takes exactly one other file", param_hint="--format"
        )
    with handle_errors(), options(langs="with --langs en,fr"):
        from tm.align import align_files

        codes = [code.strip() for code in langs.split(",")] if langs else None
        align_all = partial(
            align_files,
            files[0],
            files[1:],
            langs=codes,
            presegmented=presegmented,
            glossary=active_glossary(memory=memory),
        )
        if memory is None:
            alignments = align_all()
        else:
            from tm.learned import MemoryLearner
            from tm.memory import Memory

            with Memory.open(memory, create=False) as store:
                alignments = align_all(learner=MemoryLearner(store))
    render_matches.alignments(alignments, format_.value)
