"""``untm tokens``: the bearer tokens of a served memory (add, list, revoke)."""

from __future__ import annotations

from typing import Annotated

import typer

from cli._errors import handle_errors

__all__ = ["app"]

app = typer.Typer(
    name="tokens",
    help="Tokens for untm serve: add (shown once), list, revoke. Roles: reader, editor, admin.",
    no_args_is_help=True,
)

MemoryOption = Annotated[
    str, typer.Option("--memory", "-m", help="The served memory (a file or postgresql://...).")
]


@app.command()
def add(
    name: Annotated[str, typer.Argument(help="Who or what uses the token, e.g. 'A. Translator'.")],
    memory: MemoryOption,
    role: Annotated[str, typer.Option("--role", help="reader, editor or admin.")] = "reader",
) -> None:
    """Make a token; it is printed once (the memory keeps only its hash)."""
    from cli import render
    from tm.access import add_token
    from tm.memory import Memory

    with handle_errors(), Memory.open(memory, create=False) as store:
        token, secret = add_token(store, name, role)
    render.lines_out([secret])
    render.warning(
        f"token {token.id} ({token.role}) for {token.name}: keep it, it is not shown again"
    )


@app.command("list")
def list_(memory: MemoryOption) -> None:
    """The memory's tokens: id, name, role, creation date (never the secrets)."""
    from cli import render
    from tm.access import tokens
    from tm.memory import Memory

    with handle_errors(), Memory.open(memory, create=False) as store:
        found = tokens(store)
    render.table(
        f"{len(found)} token(s)",
        ("id", "name", "role", "created"),
        [(t.id, t.name, t.role, t.created) for t in found],
    )


@app.command()
def revoke(
    token: Annotated[str, typer.Argument(help="The token's id (from tokens list) or the token.")],
    memory: MemoryOption,
) -> None:
    """Revoke a token: requests carrying it are refused from now on."""
    from cli import render
    from tm.access import revoke_token
    from tm.memory import Memory

    with handle_errors(), Memory.open(memory, create=False) as store:
        gone = revoke_token(store, token)
    render.console().print(f"Revoked token {gone.id} ({gone.role}) of {render.escape(gone.name)}.")
