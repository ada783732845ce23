"""``untm glossary``: list, show, import, export and extract glossary entries."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cli._errors import handle_errors
from cli._hints import options

if TYPE_CHECKING:
    from tm.terms import Glossary

__all__ = ["active_glossary", "app"]

app = typer.Typer(
    name="glossary",
    help="The UN glossary and your own: list, show, import, remove, export, extract.",
    no_args_is_help=True,
)

_GLOSSARY_HELP = "Your glossary (TBX/CSV/TSV), used beside the UN one."


_MEMORY_HELP = "A memory (file or postgresql://...) whose stored glossaries are used too."
MemoryGlossaries = Annotated[str | None, typer.Option("--memory", "-m", help=_MEMORY_HELP)]


def active_glossary(paths: Sequence[Path] | None = None, *, memory: str | None = None) -> Glossary:
    """The shipped UN glossary + the imported user glossaries + ``paths`` (files for one run),
    from the cache when the glossary is large and has not changed; then the glossaries stored
    with ``memory`` (a team's), when it exists."""
    from glossaries import load_shipped, shipped_data
    from tmx.glossary import user_glossaries, with_memory_glossaries, with_user_glossaries
    from tmx.glossary_cache import cached

    extra = tuple(paths or ())
    found = cached(
        (shipped_data(), *user_glossaries(), *extra),
        lambda: with_user_glossaries(load_shipped(), extra),
    )
    if memory is None:
        return found
    from tm.backend import is_url
    from tm.errors import InputError
    from tm.memory import Memory

    if not is_url(memory) and not Path(memory).exists():
        return found  # a memory this command will create holds no glossary yet
    try:
        store = Memory.open(memory, create=False)
    except InputError:
        return found  # an empty database: no memory yet
    with store:
        return with_memory_glossaries(found, store)


class Format(StrEnum):
    """Export formats."""

    tbx = "tbx"
    tbx2 = "tbx2"
    csv = "csv"
    omegat = "omegat"


@app.command("list")
def list_(
    lang: Annotated[str, typer.Option("--lang", help="Language of the names shown.")] = "en",
    glossary: Annotated[list[Path] | None, typer.Option("--glossary", help=_GLOSSARY_HELP)] = None,
    memory: MemoryGlossaries = None,
    json_: Annotated[bool, typer.Option("--json", help="Print the concepts as JSON.")] = False,
) -> None:
    """List the concepts of the glossary (the UN one and yours)."""
    from cli import render, render_terms
    from tm import jsonable

    with handle_errors():
        concepts = active_glossary(glossary, memory=memory).concepts
    if json_:
        render.json_out([jsonable.concept_data(c) for c in concepts])
    else:
        render_terms.concept_list(concepts, lang=lang)


@app.command()
def show(
    concept_id: Annotated[str, typer.Argument(metavar="ID", help="Concept id, e.g. INS-ICCPR.")],
    glossary: Annotated[list[Path] | None, typer.Option("--glossary", help=_GLOSSARY_HELP)] = None,
    memory: MemoryGlossaries = None,
    json_: Annotated[bool, typer.Option("--json", help="Print the concept as JSON.")] = False,
) -> None:
    """Show one concept: every term with status, abbreviation, confidence and source."""
    from cli import render, render_terms
    from tm import jsonable

    with handle_errors():
        concept = active_glossary(glossary, memory=memory).get(concept_id)
    if json_:
        render.json_out(jsonable.concept_data(concept))
    else:
        render_terms.concept_view(concept, full_sources=True)


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="TBX, CSV/TSV or OmegaT (.txt/.tab/.utf8) file.")],
    source_lang: Annotated[
        str | None, typer.Option("--source-lang", help="OmegaT files: the source language.")
    ] = None,
    target_lang: Annotated[
        str | None, typer.Option("--target-lang", help="OmegaT files: the target language.")
    ] = None,
    memory: Annotated[
        str | None,
        typer.Option(
            "--memory",
            "-m",
            help="Keep it with this memory instead (a team's: every user and server of it).",
        ),
    ] = None,
) -> None:
    """Keep FILE as one of your glossaries, used beside the UN one by every command; with
    --memory, as a glossary of that memory, used by every command and server using it."""
    from cli import render
    from tmx.glossary import import_into_memory, import_user

    with handle_errors(), options(languages="with --source-lang en --target-lang fr"):
        if memory is None:
            stored, read, replaced, cleaned = import_user(
                file, src_lang=source_lang, tgt_lang=target_lang
            )
            active_glossary()  # a large glossary is indexed and cached now, once
            where = str(stored)
            replacing = f"{stored.name} replaces your earlier glossary of that name"
        else:
            from tm.memory import Memory

            base = active_glossary(memory=memory)
            with Memory.open(memory, create=False) as store:
                name, read, replaced, cleaned = import_into_memory(
                    file, store, base=base, src_lang=source_lang, tgt_lang=target_lang
                )
                where = f"the memory {store.name} as {name!r}"
                replacing = f"{name} replaces the memory's earlier glossary of that name"
    if cleaned:
        shown = ", ".join(cleaned[:5]) + (
            f" and {len(cleaned) - 5} more" if len(cleaned) > 5 else ""
        )
        render.warning(
            f"control characters (line breaks, tabs, ...) in {len(cleaned)} concept(s) "
            f"were replaced by spaces: {shown}"
        )
    if replaced:
        render.warning(replacing)
    terms = sum(len(c.terms) for c in read.concepts)
    render.console().print(
        f"Imported {len(read.concepts)} concepts ({terms} terms) from {render.escape(str(file))}"
        f" into {render.escape(where)}."
    )


@app.command()
def remove(
    name: Annotated[str, typer.Argument(help="The name the glossary was imported under.")],
    memory: Annotated[
        str | None,
        typer.Option("--memory", "-m", help="Remove it from this memory's glossaries."),
    ] = None,
) -> None:
    """Remove one of your imported glossaries (``glossary import`` says its name), or with
    --memory one of the memory's."""
    from cli import render
    from tmx.glossary import remove_user

    with handle_errors():
        if memory is None:
            removed = str(remove_user(name))
        else:
            from tm.errors import GlossaryError, quoted
            from tm.memory import Memory

            with Memory.open(memory, create=False) as store:
                if not store.remove_glossary(name):
                    known = ", ".join(sorted(store.glossary_stamps() or {})) or "none"
                    raise GlossaryError(
                        f"no glossary named {quoted(name)} in {store.name} (its glossaries: "
                        f"{known})"
                    )
                removed = f"{name} from {store.name}"
    render.console().print(f"Removed {render.escape(removed)}.")


@app.command()
def export(
    output: Annotated[Path, typer.Option("-o", "--output", help="File to write.")],
    format_: Annotated[Format, typer.Option("--format", help="tbx (v3), tbx2, csv, omegat.")],
    source_lang: Annotated[str, typer.Option("--source-lang", help="Source language.")] = "en",
    target_lang: Annotated[
        str | None, typer.Option("--target-lang", help="omegat: the target language.")
    ] = None,
    glossary: Annotated[list[Path] | None, typer.Option("--glossary", help=_GLOSSARY_HELP)] = None,
    raw: Annotated[
        bool,
        typer.Option("--raw", help="csv: write cells a spreadsheet runs as formulas as they are."),
    ] = False,
) -> None:
    """Write the glossary (UN + yours) as TBX-Basic v3, TBX v2 (martif), CSV or OmegaT."""
    from cli import render
    from tm.errors import InputError
    from tmx.glossary import write_omegat, write_table
    from tmx.output import check_output
    from tmx.tbx import write_tbx

    with handle_errors():
        check_output(output, inputs=glossary or ())
        terms = active_glossary(glossary)
        if format_ is Format.omegat:
            if not target_lang:
                raise InputError("--format omegat needs --target-lang (e.g. --target-lang fr)")
            count = write_omegat(terms, output, src_lang=source_lang, tgt_lang=target_lang)
        elif format_ is Format.csv:
            count = write_table(terms, output, raw=raw)
        else:
            count = write_tbx(
                terms,
                output,
                version="tbx" if format_ is Format.tbx else "tbx2",
                source_lang=source_lang,
            )
    what = "lines" if format_ is Format.omegat else "rows" if format_ is Format.csv else "concepts"
    render.console().print(f"Wrote {count} {what} to {render.escape(str(output))}.")


@app.command()
def extract(
    memory: Annotated[
        str, typer.Option("--memory", help="The translation memory (.sqlite or postgresql://...).")
    ],
    min_count: Annotated[
        int, typer.Option("--min-count", min=1, help="Names cited in fewer units are skipped.")
    ] = 1,
    top: Annotated[int, typer.Option("--top", min=1, help="Equivalents per language.")] = 3,
    glossary: Annotated[list[Path] | None, typer.Option("--glossary", help=_GLOSSARY_HELP)] = None,
    json_: Annotated[bool, typer.Option("--json", help="Print the candidates as JSON.")] = False,
) -> None:
    """Propose instrument and organ names the memory cites and the glossary lacks."""
    from dataclasses import asdict

    from cli import render, render_terms
    from tm.extract import extract_candidates
    from tm.memory import Memory

    with handle_errors(), Memory.open(memory, create=False) as store:
        found = extract_candidates(
            store.units(), active_glossary(glossary), min_count=min_count, top=top
        )
    if json_:
        render.json_out([asdict(candidate) for candidate in found])
    else:
        render_terms.candidates_table(found)
