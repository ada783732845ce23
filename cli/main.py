"""The ``untm`` command: a typer app that registers one thin module per command.

Command modules import the library inside their functions, so ``untm --help`` stays fast.
"""

from __future__ import annotations

import importlib

import typer

__all__ = ["app", "main"]

app = typer.Typer(
    name="untm",
    help="Terminology and translation memory for United Nations documents.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    add_completion=False,
)

# (module under cli.commands, attribute): a function becomes a command, a Typer a group.
_COMMANDS: tuple[tuple[str, str], ...] = (
    ("segment", "segment"),
    ("align", "align"),
    ("build", "build"),
    ("memory", "import_"),
    ("memory", "export"),
    ("memory", "stats"),
    ("memory", "concordance"),
    ("query", "query"),
    ("terms", "terms"),
    ("glossary", "app"),
    ("match", "match"),
    ("match", "pretranslate"),
    ("check", "check"),
)


def _register() -> None:
    for module_name, attr in _COMMANDS:
        module = importlib.import_module(f"cli.commands.{module_name}")
        obj = getattr(module, attr)
        if isinstance(obj, typer.Typer):
            app.add_typer(obj)
        else:
            app.command(name=attr.rstrip("_").replace("_", "-"))(obj)


_register()


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
