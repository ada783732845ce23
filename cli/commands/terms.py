"""``untm terms``: the glossary terms found in a document, with their status."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli._errors import handle_errors

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
) -> None:
    """List every treaty, organ or agenda-item name found in FILE, and how it is written."""
    from cli import render
    from cli.commands.glossary import active_glossary
    from tm.document import read_document
    from tm.terms import terms_in_document

    with handle_errors():
        found = terms_in_document(read_document(file, lang=lang), active_glossary(glossary))
    if json_:
        render.json_out([render.hit_data(hit, paragraph) for paragraph, hit in found])
    else:
        render.term_hits(found, source=str(file))
