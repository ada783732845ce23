"""``untm import``, ``untm export``, ``untm stats``, ``untm concordance``, ``untm optimize``:
the memory store."""

from __future__ import annotations

from dataclasses import asdict
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cli._errors import handle_errors
from cli._hints import options

__all__ = ["concordance", "export", "import_", "optimize", "stats"]

MemoryOption = Annotated[
    str,
    typer.Option(
        "--memory",
        "-m",
        help="The memory: a file (SQLite), e.g. tm.sqlite, or postgresql://user@host/db.",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


class Format(StrEnum):
    """Export formats."""

    tmx = "tmx"
    po = "po"
    csv = "csv"
    tsv = "tsv"


class ProfileName(StrEnum):
    """CAT-tool profiles for TMX exports."""

    tmx = "tmx"
    omegat = "omegat"
    trados = "trados"
    memoq = "memoq"
    phrase = "phrase"


def _langs(value: str | None) -> list[str] | None:
    return [part.strip() for part in value.split(",") if part.strip()] if value else None


def import_(
    files: Annotated[list[Path], typer.Argument(help="TMX, PO, CSV or TSV files.")],
    memory: MemoryOption,
    src: Annotated[str, typer.Option("--src", help="Source language of PO msgids.")] = "en",
    lang: Annotated[
        str | None, typer.Option("--lang", help="Language of PO msgstrs (default: PO header).")
    ] = None,
    keep_regions: Annotated[
        bool,
        typer.Option(
            "--keep-regions",
            help="Store fr-FR, zh-CN ... as written (default: as the memory's fr, zh ...).",
        ),
    ] = False,
    json_: JsonOption = False,
) -> None:
    """Import translation units into the memory; each file is one transaction.

    Units untm exported (TMX of any profile, a pair's PO or CSV) merge back into the units
    they came from.
    """
    from cli import render
    from tm.memory import Memory
    from tmx.interchange import import_files

    with handle_errors(), options(lang="with --lang xx"), Memory.open(memory) as store:
        with render.progress_steps("importing") as advance:
            store.index_progress = lambda done, total: advance("match index", done, total)
            report = import_files(store, files, srclang=src, lang=lang, keep_regions=keep_regions)
        total = store.count()
    if json_:
        render.json_out({**asdict(report), "units": total})
    else:
        render.import_summary(report, units=total)


_RAW_HELP = (
    "CSV/TSV: write cells starting with = + - @ as they are (by default they get a leading ' "
    "so that a spreadsheet does not run them as formulas)."
)


def export(
    memory: MemoryOption,
    out: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            help="The file to write (exactly this name when one file results). Several files "
            "(pairs, --split) are named STEM.en-fr.tmx, STEM.part001.tmx, STEM.en-fr.part001.tmx.",
        ),
    ],
    format_: Annotated[Format, typer.Option("--format", "-f", help="File format.")] = Format.tmx,
    langs: Annotated[
        str | None, typer.Option("--langs", help="Languages to export, e.g. en,fr (default all).")
    ] = None,
    src: Annotated[str, typer.Option("--src", help="Source language.")] = "en",
    profile: Annotated[
        ProfileName | None, typer.Option("--profile", help="Shape the TMX for a CAT tool.")
    ] = None,
    split: Annotated[
        int | None, typer.Option("--split", help="At most this many units per TMX file.")
    ] = None,
    raw: Annotated[bool, typer.Option("--raw", help=_RAW_HELP)] = False,
    json_: JsonOption = False,
) -> None:
    """Export the memory as TMX 1.4b, PO (one per pair) or CSV/TSV; files are written whole.

    One file is written under the name given; several are named STEM[.SRC-TGT][.partNNN].EXT.
    """
    from cli import render
    from tm.memory import Memory
    from tmx.interchange import export_memory
    from tmx.output import check_output

    hints = options(langs="with --langs en,fr,es", profile="(use --format tmx, or no --profile)")
    with handle_errors():
        check_output(out, memory=memory)
    with handle_errors(), hints, Memory.open(memory, create=False) as store:
        report = export_memory(
            store,
            out,
            fmt=format_.value,
            langs=_langs(langs),
            srclang=src,
            profile=profile.value if profile else None,
            max_units=split,
            raw=raw,
        )
    if json_:
        render.json_out({"files": [list(f) for f in report.files], "skipped": report.skipped})
    else:
        render.export_summary(report)


def stats(memory: MemoryOption, json_: JsonOption = False) -> None:
    """Show units per language and per origin document."""
    from cli import render
    from tm.memory import Memory

    with handle_errors(), Memory.open(memory, create=False) as store:
        summary = store.stats()
    if json_:
        render.json_out(asdict(summary))
    else:
        render.memory_stats(summary)


def concordance(
    text: Annotated[str, typer.Argument(help="Text to find (case-insensitive substring).")],
    memory: MemoryOption,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang", help="Search and show these languages only, e.g. en or en,fr (default all)."
        ),
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", min=1, max=1_000_000, help="At most this many units.")
    ] = 50,
    json_: JsonOption = False,
) -> None:
    """Find units containing TEXT in any language (or in --lang).

    Case, apostrophes (' ’ ʼ ‘), quotation marks (" « » “ ” „) and spaces (no-break and narrow
    no-break too) do not matter: l'Assemblée finds l’Assemblée, "Conseil" finds « Conseil ».
    """
    from cli import render, render_matches
    from tm import jsonable
    from tm.memory import Memory

    with handle_errors(), Memory.open(memory, create=False) as store:
        langs = _langs(lang) or []
        hits = store.concordance(text, langs=langs, limit=limit)
    if json_:
        render.json_out(jsonable.units_data(hits, langs=langs))
    else:
        render_matches.concordance_table(hits, text=text, langs=langs)


def optimize(memory: MemoryOption, json_: JsonOption = False) -> None:
    """Rewrite the memory's match index whole: one file per language, deltas merged and
    removed units dropped (writes do this by themselves when the deltas grow large). For a
    PostgreSQL memory: this machine's cached index files of it."""
    from cli import render
    from tm.memory import Memory

    with (
        handle_errors(),
        Memory.open(memory, create=False) as store,
        render.progress_steps("match index") as advance,
    ):
        size = store.backend.optimize_index(
            store, progress=lambda done, total: advance("indexing", done, total)
        )
    if json_:
        render.json_out({"index_bytes": size})
    else:
        render.console().print(f"The match index was rewritten: {size / 1e6:.1f} MB.")
