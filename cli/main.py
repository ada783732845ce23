"""The ``untm`` command: a typer app that registers one thin module per command.

Command modules import the library inside their functions, so ``untm --help`` stays fast.
Help is click's plain layout (typer's rich panels print ``<bool>`` beside every flag), a usage
error is one line as every other error (:func:`cli._errors.usage_error`), and a reader that
stops early (``untm ... | head``) ends the command quietly with status 0.
SIGTERM and SIGHUP stop a command as Ctrl-C does: every ``with`` block unwinds, so an import
is rolled back, a half-written export's temporary file is removed and workers are stopped.
"""

from __future__ import annotations

import importlib
import os
import signal
import sys
from types import FrameType
from typing import Any

import typer
from typer.core import TyperGroup

from cli._errors import USAGE_ERROR, is_help_request, usage_error

__all__ = ["app", "main"]


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that nothing more is written to the closed pipe
    (Python flushes stdout at exit and would report the broken pipe there)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


class _Untm(TyperGroup):
    """The root group: a reader that closed the pipe is not an error (click exits 1), and a
    usage error is one line (click prints four: usage, a hint, a blank line, the error)."""

    def make_context(
        self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any
    ) -> Any:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except USAGE_ERROR as err:
            if is_help_request(err):  # ``untm`` alone shows the help, as --help does
                raise
            raise usage_error(err) from None

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            _silence_stdout()
            raise typer.Exit(0) from None
        except USAGE_ERROR as err:  # the commands' own arguments and options
            if is_help_request(err):  # a group without its command (``untm glossary``)
                raise
            raise usage_error(err, ctx) from None


app = typer.Typer(
    name="untm",
    cls=_Untm,
    help="Terminology and translation memory for United Nations documents.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    add_completion=False,
    rich_markup_mode=None,
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
    ("memory", "optimize"),
    ("copy", "copy"),
    ("documents", "documents"),
    ("documents", "remove"),
    ("query", "query"),
    ("terms", "terms"),
    ("glossary", "app"),
    ("match", "match"),
    ("match", "pretranslate"),
    ("check", "check"),
    ("serve", "serve"),
    ("tokens", "app"),
    ("lexicon", "app"),
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


class _Stopped(BaseException):
    """A termination signal arrived (a BaseException: ``except Exception`` lets it pass)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _stop(signum: int, frame: FrameType | None) -> None:
    """Unwind on the first signal; ignore more of them while cleaning up."""
    for other in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(other, signal.SIG_IGN)
    raise _Stopped(signum)


def main() -> None:
    """Console-script entry point."""
    # numpy's OpenBLAS starts a pool of threads when it is imported; untm does no linear
    # algebra, and the pool costs some 30 ms of CPU at every start (a user's own
    # setting is kept; worker processes inherit this one)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from cli import render

    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _stop)
    try:
        app()
    except _Stopped as stop:
        name = signal.Signals(stop.signum).name
        render.error(f"stopped by {name}; nothing was left half-written")
        sys.exit(128 + stop.signum)
    finally:
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            _silence_stdout()
            sys.exit(0)


if __name__ == "__main__":
    main()
