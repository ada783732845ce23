"""The one place where errors become exit codes.

Codes: 0 ok; 1 problems found (``check``); 2 usage or bad input (click's own usage code too);
4 the memory store failed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer

from tm.errors import StoreError, UntmError

__all__ = ["EXIT_BAD_INPUT", "EXIT_FOUND", "EXIT_OK", "EXIT_STORE", "handle_errors"]

EXIT_OK = 0
EXIT_FOUND = 1
EXIT_BAD_INPUT = 2
EXIT_STORE = 4


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
