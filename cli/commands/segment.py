"""``untm segment``: cut a document into sentences the way a CAT tool does (SRX rules)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli._errors import handle_errors
from cli._hints import options

__all__ = ["segment"]


def segment(
    file: Annotated[Path, typer.Argument(help="Document to segment (.md/.txt/.docx/.pdf).")],
    lang: Annotated[
        str | None, typer.Option("--lang", help="Language of FILE (default: the .xx. in its name).")
    ] = None,
    srx: Annotated[
        Path | None,
        typer.Option("--srx", help="SRX 2.0 rules to use instead of untm's (e.g. your OmegaT's)."),
    ] = None,
    json_: Annotated[
        bool, typer.Option("--json", help="Print a JSON list of {paragraph, kind, text}.")
    ] = False,
) -> None:
    """Print one segment per line (or JSON with --json)."""
    from cli import render
    from tm.segment import segment_file

    with handle_errors(), options(lang="or pass --lang xx", srx="with --srx FILE"):
        segments = segment_file(file, lang=lang, srx=srx)
    if json_:
        render.json_out(
            [{"paragraph": s.paragraph, "kind": s.kind, "text": s.text} for s in segments]
        )
    else:
        render.lines_out(s.text for s in segments)
