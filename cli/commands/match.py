"""``untm match`` and ``untm pretranslate``: a new draft against the memory and the glossary."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cli._errors import handle_errors
from cli._hints import options
from cli.commands.glossary import active_glossary

if TYPE_CHECKING:
    from tm.match import SegmentMatches
    from tm.terms import Glossary

__all__ = ["match", "pretranslate"]

_MEMORY = typer.Option(
    "--memory", "-m", help="The translation memory (SQLite file, or postgresql://...)."
)
_LANG = typer.Option("--lang", help="Language of DRAFT (default: the .xx. in its name).")


def match(
    draft: Annotated[Path, typer.Argument(help="New draft (.md/.txt/.docx/.pdf).")],
    memory: Annotated[str, _MEMORY],
    target_lang: Annotated[
        str, typer.Option("--target-lang", "-t", help="Target language, or 'all'.")
    ] = "all",
    min_score: Annotated[
        float, typer.Option("--min-score", min=0, max=101, help="Lowest match % shown.")
    ] = 50,
    top: Annotated[int, typer.Option("--top", min=1, max=50, help="Matches per segment.")] = 3,
    glossary: Annotated[
        list[Path] | None,
        typer.Option("--glossary", help="Your glossary (TBX/CSV/TSV), used beside the UN one."),
    ] = None,
    lang: Annotated[str | None, _LANG] = None,
    json_: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """Show the best earlier translations of each sentence of DRAFT, and its glossary terms.

    Scores are CAT match percentages: word-level edit similarity on normalised tokens.
    """
    from cli import render_matches

    with handle_errors(), options(lang="or pass --lang xx"):
        targets = None if target_lang.lower() == "all" else [target_lang]
        terms = active_glossary(glossary, memory=memory)
        _, results = _match(draft, memory, lang, targets, top, min_score, terms)
    if json_:
        render_matches.match_json(results)
    else:
        render_matches.match_report(results, draft=str(draft))


def pretranslate(
    draft: Annotated[Path, typer.Argument(help="New draft (.md/.txt/.docx/.pdf).")],
    memory: Annotated[str, _MEMORY],
    target_lang: Annotated[str, typer.Option("--target-lang", "-t", help="Target language.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The TMX file to write.")],
    min_score: Annotated[
        float, typer.Option("--min-score", min=0, max=101, help="Lowest match % filled in.")
    ] = 95,
    lang: Annotated[str | None, _LANG] = None,
) -> None:
    """Write a bilingual TMX of DRAFT with the best matches filled in, for the CAT tool."""
    from cli import render_matches
    from tm.errors import LanguageError
    from tm.lang import same_language
    from tm.pretranslate import pretranslate as fill
    from tmx.output import check_output
    from tmx.tmx import write_tmx

    with handle_errors(), options(lang="or pass --lang xx"):
        check_output(output, memory=memory, inputs=[draft])
        src, results = _match(draft, memory, lang, [target_lang], 1, min_score, None)
        if same_language(src, target_lang):
            raise LanguageError(
                f"{draft} is in {src} already: give the language to translate into "
                "with --target-lang"
            )
        units, missing = fill(results, src_lang=src, target_lang=target_lang, min_score=min_score)
        report = write_tmx(units, output, srclang=src, langs=[src, target_lang])
    render_matches.pretranslate_summary(
        report, filled=len(units), missing=missing, output=str(output)
    )


def _match(
    draft: Path,
    memory: str,
    lang: str | None,
    targets: list[str] | None,
    top: int,
    min_score: float,
    terms: Glossary | None,
) -> tuple[str, list[SegmentMatches]]:
    """The draft's language and its segments matched against the memory."""
    from tm.document import read_document
    from tm.match import match_document
    from tm.memory import Memory
    from tm.segment import segment_document

    doc = read_document(draft, lang=lang)
    segments = segment_document(doc)
    with Memory.open(memory, create=False) as store:
        return doc.lang, match_document(
            segments,
            store,
            src_lang=doc.lang,
            target_langs=targets,
            top=top,
            min_score=min_score,
            glossary=terms,
        )
