"""``untm lexicon show``: what a memory's learned lexicon says a word translates as."""

from __future__ import annotations

from typing import Annotated

import typer

from cli._errors import EXIT_FOUND, handle_errors

__all__ = ["app"]

app = typer.Typer(
    name="lexicon",
    help="The lexicon a memory learned from its aligned units (built by untm build).",
    no_args_is_help=True,
)


@app.command()
def show(
    src_lang: Annotated[str, typer.Argument(help="The word's language, e.g. en.")],
    tgt_lang: Annotated[str, typer.Argument(help="The language of its translations, e.g. zh.")],
    word: Annotated[str, typer.Argument(help="A word or phrase (cut into subwords).")],
    memory: Annotated[
        str,
        typer.Option("--memory", "-m", help="The memory to read (.sqlite or postgresql://...)."),
    ],
    limit: Annotated[int, typer.Option("--limit", min=1, help="Translations per piece.")] = 5,
    json_: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
) -> None:
    """Show the likeliest translations of each subword of WORD, with P(target | source)
    and P(source | target)."""
    from cli import render

    with handle_errors():
        from tm.learned import lookup
        from tm.memory import Memory

        with Memory.open(memory, create=False) as store:
            found = lookup(store, src_lang, tgt_lang, word, limit=limit)
    if json_:
        render.json_out(
            {
                "word": word,
                "pieces": [
                    {
                        "piece": piece,
                        "translations": [
                            {"piece": t, "forward": round(f, 4), "backward": round(b, 4)}
                            for t, f, b in rows
                        ],
                    }
                    for piece, rows in found
                ],
            }
        )
    else:
        render.table(
            f"{src_lang} → {tgt_lang}: {word}",
            ["piece", "translation", "P(t|s)", "P(s|t)"],
            [(piece, t, f"{f:.3f}", f"{b:.3f}") for piece, rows in found for t, f, b in rows],
        )
    if not any(rows for _, rows in found):
        render.warning(f"the {src_lang}-{tgt_lang} lexicon has no translation of {word!r}")
        raise typer.Exit(EXIT_FOUND)
