"""What every writer of interchange files shares: atomic output paths and the write report.

Each format module (TMX, PO, CSV/TSV, TBX, glossary tables) writes through
:class:`atomic_paths`, so a file appears whole or not at all, and returns a
:class:`WriteReport`. This module imports no format module.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tm.errors import InputError

__all__ = ["WriteReport", "atomic_paths", "numbered_path"]


@dataclass(frozen=True, slots=True)
class WriteReport:
    """What an export wrote: the files and the units in each, and units left out."""

    files: tuple[tuple[str, int], ...]
    skipped: int = 0

    @property
    def units(self) -> int:
        """Units written over all files."""
        return sum(n for _, n in self.files)


def numbered_path(target: Path, *, pair: str | None = None, part: int | None = None) -> Path:
    """The name of one of several files an export writes for ``target``, in one pattern:
    ``STEM[.SRC-TGT][.partNNN]SUFFIX``. A part appears only where it tells files apart: one
    file is ``target`` itself; pairs give ``tm.en-fr.tmx``, ``tm.en-es.tmx``; a split gives
    ``tm.part001.tmx``, ``tm.part002.tmx``; both give ``tm.en-fr.part001.tmx``.
    """
    suffix = target.suffix
    stem = target.name[: -len(suffix)] if suffix else target.name
    parts = [stem, *([pair] if pair else []), *([f"part{part:03d}"] if part else [])]
    return target.with_name(".".join(parts) + suffix)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class atomic_paths:  # noqa: N801 - used like a function in a with statement
    """Context manager handing out temporary paths that replace their targets only on success.

    >>> with atomic_paths() as tmp:  # doctest: +SKIP
    ...     part = tmp("out.tmx"); Path(part).write_text("...")
    """

    def __init__(self) -> None:
        self._pairs: list[tuple[str, Path]] = []
        self._temps: list[str] = []

    def __call__(self, target: str | Path) -> str:
        tmp = self.temp(target)
        self.commit(tmp, target)
        return tmp

    def temp(self, near: str | Path) -> str:
        """A temporary file beside ``near`` (removed unless committed and successful)."""
        near = Path(near)
        if near.parent and not near.parent.is_dir():
            raise InputError(f"{near.parent}: no such directory for the output")
        fd, tmp = tempfile.mkstemp(prefix=f".{near.name}.", suffix=".part", dir=near.parent)
        os.close(fd)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs get the usual mode
        self._temps.append(tmp)
        return tmp

    def commit(self, tmp: str, target: str | Path) -> None:
        """Have ``tmp`` replace ``target`` when the block ends without an error."""
        self._pairs.append((tmp, Path(target)))

    def __enter__(self) -> atomic_paths:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            for tmp, target in self._pairs:
                os.replace(tmp, target)
        for tmp in self._temps:
            Path(tmp).unlink(missing_ok=True)
