"""Name a command's own options in library errors.

The library says what would fix an error without naming an option (``parameter="lang"``:
the file's language is missing), since one call serves commands whose options differ:
``check`` gives a translation's language with ``--target-lang``, ``build`` has no language
option at all. Each command says which of its options fixes which parameter::

    with handle_errors(), options(lang="or pass --lang xx"):
        ...

and the hint follows the message (``...name the file like letter.fr.md or pass --lang xx``).
The innermost ``options`` block that knows the parameter wins.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from tm.errors import UntmError

__all__ = ["options"]


@contextmanager
def options(**hints: str) -> Iterator[None]:
    """Add ``hints[err.parameter]`` to an :class:`UntmError` raised in the block."""
    try:
        yield
    except UntmError as err:
        hint = hints.get(err.parameter or "")
        if hint and not getattr(err, "__notes__", None):
            err.add_note(hint)
        raise
