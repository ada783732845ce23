"""What every writer of interchange files shares: checked output paths, atomic writes and
the write report.

:func:`check_output` is the one test every command applies to an output path (``-o``,
``--tmx``) before it starts: it refuses the memory itself, an input file, a device, FIFO,
socket, directory or symbolic link, and a path in a missing folder, so that no mistake in a
command line costs the user a file. Each format module (TMX, PO, CSV/TSV, TBX, glossary
tables) then writes through :class:`atomic_paths`: each output goes to a temporary file in
the same folder (fsynced) renamed over the target only when the whole command succeeded,
replacing regular files only, leaving no ``.part`` file behind on any failure, with errors
that name the user's path, not the temporary one; it returns a :class:`WriteReport`.
:func:`numbered_path` names the several files one export may write. This module imports no
format module.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from tm.backend import is_url
from tm.errors import InputError

__all__ = ["WriteReport", "atomic_paths", "check_output", "memory_files", "numbered_path"]


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


def memory_files(memory: str | Path) -> tuple[Path, ...]:
    """The files of the memory at ``memory``: the database and SQLite's journals beside it
    (none for a PostgreSQL memory)."""
    if is_url(memory):
        return ()
    memory = Path(memory)
    return (memory, *(Path(f"{memory}{suffix}") for suffix in ("-wal", "-shm", "-journal")))


def check_output(
    path: str | Path, *, memory: str | Path | None = None, inputs: Iterable[str | Path] = ()
) -> None:
    """Refuse ``path`` as an output before any work is done.

    Raises:
        InputError: if ``path`` is (or links to) the ``memory`` or one of its journals, one
            of the ``inputs``, a directory, device, FIFO, socket or symbolic link, or lies
            in a folder that does not exist.
    """
    path = Path(path)
    parent = path.parent
    if not parent.is_dir():
        raise InputError(f"{path}: the folder {parent} does not exist; create it first")
    try:
        info = path.lstat()
    except FileNotFoundError:
        info = None
    if info is not None and stat.S_ISLNK(info.st_mode):
        raise InputError(f"{path} is a symbolic link; give the path of a regular file to write")
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise InputError(f"{path} is {_kind(info.st_mode)}, not a regular file to write")
    protected = [(p, "the memory") for p in (memory_files(memory) if memory is not None else ())]
    protected += [(Path(p), "an input file") for p in inputs]
    for other, what in protected:
        if _same(path, other):
            raise InputError(f"{path} is {what} of this command; write to another file")


def _same(a: Path, b: Path) -> bool:
    """Whether ``a`` and ``b`` are one file (a hard or symbolic link included), or would be
    once created."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return a.resolve() == b.resolve()


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a special file"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class atomic_paths:  # noqa: N801 - used like a function in a with statement
    """Context manager handing out temporary paths that replace their targets only on success.

    A target that exists must be a regular file (checked again at the rename, in case it
    changed meanwhile). Every temporary file is removed whatever happens, and an OS error
    on one (a full disk, a failed rename) is raised naming its target.

    >>> with atomic_paths() as tmp:  # doctest: +SKIP
    ...     part = tmp("out.tmx"); Path(part).write_text("...")
    """

    def __init__(self) -> None:
        self._pairs: list[tuple[str, Path]] = []
        self._temps: dict[str, Path] = {}

    def __call__(self, target: str | Path) -> str:
        tmp = self.temp(target)
        self.commit(tmp, target)
        return tmp

    def temp(self, near: str | Path) -> str:
        """A temporary file beside ``near`` (removed unless committed and successful)."""
        near = Path(near)
        if not near.parent.is_dir():
            raise InputError(f"{near}: the folder {near.parent} does not exist; create it first")
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{near.name}.", suffix=".part", dir=near.parent)
        except OSError as err:
            raise OSError(err.errno, err.strerror, str(near)) from None
        os.close(fd)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs get the usual mode
        self._temps[tmp] = near
        return tmp

    def commit(self, tmp: str, target: str | Path) -> None:
        """Have ``tmp`` replace ``target`` when the block ends without an error."""
        self._pairs.append((tmp, Path(target)))

    def __enter__(self) -> atomic_paths:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if isinstance(exc, OSError) and (exc.filename is None or exc.filename in self._temps):
                # a full disk while writing: name the user's file, not the temporary one
                first = next(iter(self._temps.values()), None)
                target = self._temps.get(exc.filename or "", first)
                if target is not None:
                    raise _named(exc, target) from exc
            if exc_type is None:
                for tmp, target in self._pairs:
                    _replace(tmp, target)
        finally:
            for tmp in self._temps:
                Path(tmp).unlink(missing_ok=True)


def _replace(tmp: str, target: Path) -> None:
    """Rename ``tmp`` over ``target`` (a regular file or nothing), after an fsync."""
    try:
        info = target.lstat()
    except FileNotFoundError:
        pass
    else:
        if not stat.S_ISREG(info.st_mode):
            raise InputError(f"{target} is no longer a regular file; nothing was written to it")
    try:
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except OSError as err:
        raise _named(err, target) from err


def _named(err: OSError, target: Path) -> OSError:
    """``err`` as an error on ``target``, in words a user understands for a full disk."""
    if err.errno in (errno.ENOSPC, errno.EDQUOT):
        return OSError(err.errno, "the disk is full; nothing was written", str(target))
    return OSError(err.errno, err.strerror, str(target))
