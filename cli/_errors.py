"""The one place where errors become exit codes.

Codes: 0 ok; 1 problems found (``check``); 2 usage or bad input (click's own usage code too);
4 the memory store failed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer

from tm.errors import StoreError, UntmError

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_FOUND",
    "EXIT_OK",
    "EXIT_STORE",
    "USAGE_ERROR",
    "handle_errors",
    "is_help_request",
    "usage_error",
]

EXIT_OK = 0
EXIT_FOUND = 1
EXIT_BAD_INPUT = 2
EXIT_STORE = 4

#: click's ``UsageError`` (an unknown option or command, a missing argument, a bad value), from
#: the click typer runs on (its own copy since typer 0.26): the base of typer's ``BadParameter``
USAGE_ERROR: type[Exception] = typer.BadParameter.__bases__[0]


def _code(err: UntmError) -> int:
    """A failed store exits 4; bad input, and any other untm error, 2."""
    return EXIT_STORE if isinstance(err, StoreError) else EXIT_BAD_INPUT


@contextmanager
def handle_errors() -> Iterator[None]:
    """Turn an :class:`UntmError` (or an OS error on a user's file) into one line and an exit."""
    from cli import render

    try:
        yield
    except UntmError as err:
        render.error(" ".join([str(err), *getattr(err, "__notes__", ())]))  # cli/_hints.py
        raise typer.Exit(_code(err)) from None
    except BrokenPipeError:
        raise  # the reader went away (``| head``): cli/main.py ends quietly
    except OSError as err:
        name = f"{err.filename}: " if err.filename else ""
        render.error(f"{name}{err.strerror or err}")
        raise typer.Exit(EXIT_BAD_INPUT) from None


def is_help_request(err: Exception) -> bool:
    """True for click's "no arguments: show the help" (``untm``, ``untm glossary``), which
    prints the help as ``--help`` does."""
    return type(err).__name__ == "NoArgsIsHelpError"


def usage_error(err: Any, ctx: Any = None) -> typer.Exit:
    """Report ``err``, a :data:`USAGE_ERROR`, in one line as every other error is reported,
    with the command whose ``--help`` says more; the exit to raise (code 2). click would print
    four lines: the usage, a hint, a blank line and the error.

    ``ctx`` is the context of the group that ran the command, for errors that come without
    their own (a missing option value): the hint then names the command the group invoked.
    """
    from cli import render

    message = " ".join(str(err.format_message()).split()).rstrip(".")
    if message[1:2].islower():  # "No such option" as our messages write it; "PATH ..." stays
        message = message[:1].lower() + message[1:]
    if err.ctx is not None:
        command = err.ctx.command_path
    elif ctx is not None:
        command = " ".join(filter(None, (ctx.command_path, ctx.invoked_subcommand)))
    else:
        command = "untm"
    render.error(f"{message}; see '{command} --help'")
    return typer.Exit(EXIT_BAD_INPUT)
