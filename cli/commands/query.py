"""``untm query``: look a name up in the glossary and see it in the six languages."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli._errors import EXIT_FOUND, handle_errors

__all__ = ["query"]

#: Results scoring below this are not shown (0..100).
MIN_SCORE = 60.0


def query(
    term: Annotated[str, typer.Argument(help="A name, abbreviation or concept id (fuzzy).")],
    lang: Annotated[
        str | None, typer.Option("--lang", help="Look only among the terms in this language.")
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", min=1, max=1000, help="Concepts to show at most.")
    ] = 3,
    glossary: Annotated[
        list[Path] | None,
        typer.Option("--glossary", help="Your glossary (TBX/CSV/TSV), used beside the UN one."),
    ] = None,
    memory: Annotated[
        str | None,
        typer.Option("--memory", "-m", help="Also the glossaries stored with this memory."),
    ] = None,
    json_: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
) -> None:
    """Show the concepts that best match TERM, with their terms in every language."""
    from cli import render, render_terms
    from cli.commands.glossary import active_glossary
    from tm import jsonable

    with handle_errors():
        found = active_glossary(glossary, memory=memory).lookup(term, lang=lang, limit=limit)
    found = [(concept, score) for concept, score in found if score >= MIN_SCORE]
    if json_:
        render.json_out({"query": term, "results": [jsonable.concept_data(c, s) for c, s in found]})
    else:
        render_terms.concept_views(found)
    if not found:
        render.warning(f"no glossary concept matches {term!r}")
        raise typer.Exit(EXIT_FOUND)
