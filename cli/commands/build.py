"""``untm build``: English document + translations -> aligned translation memory (+ export)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cli._errors import handle_errors
from cli.commands.glossary import active_glossary

__all__ = ["build"]


class Format(StrEnum):
    """Export formats of ``--tmx``."""

    tmx = "tmx"
    po = "po"
    csv = "csv"


def build(
    en_file: Annotated[Path, typer.Argument(help="The English document (.md/.txt/.docx/.pdf).")],
    xx_files: Annotated[
        list[Path], typer.Argument(help="Its versions, language in the name: letter.fr.md.")
    ],
    memory: Annotated[
        Path, typer.Option("--memory", "-m", help="The memory file (SQLite) to build into.")
    ],
    tmx: Annotated[
        Path | None, typer.Option("--tmx", help="Also export the memory to this file.")
    ] = None,
    format_: Annotated[Format, typer.Option("--format", help="Format of --tmx.")] = Format.tmx,
    json_: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Segment, align and store the documents as multilingual units; optionally export them.

    The UN glossary's treaty and organ names serve as alignment anchors.
    """
    from dataclasses import asdict

    from cli import render
    from tm.build import build_memory
    from tm.memory import Memory
    from tmx.interchange import export_memory

    with handle_errors(), Memory.open(memory) as store:
        with render.progress_steps("building") as advance:
            report = build_memory(
                en_file, xx_files, store, glossary=active_glossary(), progress=advance
            )
        written = export_memory(store, tmx, fmt=format_.value) if tmx is not None else None
    if json_:
        files = [list(f) for f in written.files] if written else []
        render.json_out({**asdict(report), "files": files})
    else:
        render.build_summary(report, written)
