"""``untm copy``: a whole memory into another store (SQLite file or PostgreSQL database)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import typer

from cli._errors import handle_errors
from cli.commands.memory import JsonOption

__all__ = ["copy"]


def copy(
    source: Annotated[
        str, typer.Argument(help="The memory to copy: tm.sqlite or postgresql://user@host/db.")
    ],
    target: Annotated[
        str,
        typer.Argument(help="Where to: a new file, or an empty PostgreSQL database (its URL)."),
    ],
    json_: JsonOption = False,
) -> None:
    """Copy a whole memory to another store, either engine: units (with their ids), documents,
    settings and tokens, glossaries, learned models. The destination must be empty; an
    interrupted copy leaves nothing there."""
    from cli import render
    from tm.memory import Memory
    from tm.memory_copy import copy_memory

    with (
        handle_errors(),
        Memory.open(source, create=False) as old,
        Memory.open(target) as new,
        render.progress_steps("copying") as advance,
    ):
        new.index_progress = lambda done, total: advance("match index", done, total)
        report = copy_memory(old, new, progress=lambda done, total: advance("units", done, total))
    if json_:
        render.json_out(asdict(report))
    else:
        render.console().print(
            f"Copied [bold]{report.units:,}[/] unit(s), {report.documents} document(s), "
            f"{report.settings} setting(s), {report.glossaries} glossary(ies), "
            f"{report.models} learned model(s) to "
            f"{render.escape(new.name)} (revision {report.revision})."
        )
