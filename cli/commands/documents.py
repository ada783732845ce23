"""``untm documents`` and ``untm remove``: the documents a memory holds, removed on purpose."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import typer

from cli._errors import handle_errors
from cli._hints import options
from cli.commands.memory import JsonOption, MemoryOption

__all__ = ["documents", "remove"]


def documents(memory: MemoryOption, json_: JsonOption = False) -> None:
    """List the documents the memory holds: id, title, languages, units, date built."""
    from cli import render
    from tm.documents import DocumentStore
    from tm.memory import Memory

    with handle_errors(), Memory.open(memory, create=False) as store:
        found = DocumentStore(store).records()
    if json_:
        render.json_out([asdict(d) for d in found])
    else:
        render.documents_table(found)


def remove(
    document: Annotated[
        str, typer.Argument(help="The document: its id (see untm documents) or file name.")
    ],
    memory: MemoryOption,
    lang: Annotated[
        list[str] | None,
        typer.Option("--lang", help="Remove only this language (repeat for several)."),
    ] = None,
    json_: JsonOption = False,
) -> None:
    """Remove a document (or its versions in --lang) from the memory, in one transaction.

    Units another document shares stay; the summary says how many units went.
    """
    from cli import render
    from tm.documents import DocumentStore
    from tm.memory import Memory

    with (
        handle_errors(),
        options(langs="(leave out --lang to remove the document)"),
        Memory.open(memory, create=False) as store,
    ):
        change = DocumentStore(store).remove(document, langs=lang or None)
    if json_:
        render.json_out(asdict(change))
    else:
        render.document_change(change)
