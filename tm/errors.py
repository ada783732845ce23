"""One exception tree for untm.

Every error the library raises on purpose is an :class:`UntmError`. Messages are sentences a
translator can act on; ``cli/_errors.py`` maps each class to an exit code. The library never
prints or exits.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "AlignmentError",
    "FormatError",
    "GlossaryError",
    "InputError",
    "LanguageError",
    "RulesError",
    "StoreError",
    "UntmError",
    "quoted",
]


class UntmError(Exception):
    """Root of every error untm raises on purpose.

    ``parameter`` names the keyword argument that would fix the error (e.g. ``lang`` when a
    file's language cannot be told): messages name no command-line option, since the same
    call serves commands whose options differ; each command adds its own (``cli/_hints.py``).
    """

    def __init__(self, *args: object, parameter: str | None = None) -> None:
        super().__init__(*args)
        self.parameter = parameter


class InputError(UntmError):
    """The user's input cannot be used (empty, binary, unreadable, wrong kind of file)."""


class FormatError(InputError):
    """A file is not valid in its format; names the file and, where known, the line."""

    def __init__(self, message: str, *, path: str | Path | None = None, line: int | None = None):
        self.path = None if path is None else str(path)
        self.line = line
        where = ""
        if self.path is not None:
            where = self.path if line is None else f"{self.path}:{line}"
            where += ": "
        super().__init__(f"{where}{message}")


class LanguageError(InputError):
    """A language code is missing, unknown or inconsistent."""


class RulesError(InputError):
    """An SRX segmentation rule file is broken."""


class GlossaryError(InputError):
    """A glossary cannot be read or a concept is not found."""


class AlignmentError(InputError):
    """Documents cannot be aligned (e.g. one of them is empty)."""


class StoreError(UntmError):
    """The translation-memory store cannot be opened, read or written."""


def quoted(value: str, width: int = 60) -> str:
    """``value`` quoted for a message and cut to ``width`` characters, so that a hostile value
    (a megabyte-long attribute, a pattern) cannot flood the terminal.

    >>> quoted("x" * 100, 10)
    "'xxxxxxx...'"
    """
    return repr(value if len(value) <= width else value[: width - 3] + "...")
