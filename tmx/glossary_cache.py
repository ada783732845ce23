"""The active glossary (the UN one, the imported ones, ``--glossary`` files), cached on disk.

A user glossary of 100,000 terms takes seconds to read and index, and every ``terms``,
``match``, ``check`` and ``build`` needs it. So the merged glossary and its recognition indexes
are kept, as :meth:`Glossary.to_data` gives them, in one :mod:`marshal` file under
``user_dir()/cache``, which loads in a fraction of a second. The file's name is a digest of
everything the glossary comes from (untm's version, the shipped data, and each glossary file's
path, size and modification time), so a changed, added or removed glossary is simply a miss:
the glossary is built again and the stale file replaced.

Small glossaries are not cached (building them is quicker than a disk round trip), and the
cache is only an optimisation: one that cannot be read is rebuilt, one that cannot be written
is skipped.
"""

from __future__ import annotations

import gc
import hashlib
import marshal
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

import tm
from tm.errors import UntmError
from tm.terms import Glossary
from tmx.glossary import user_dir
from tmx.output import atomic_paths

__all__ = ["MIN_TERMS", "cache_path", "cached"]

#: Glossaries with fewer terms than this are built each time (it takes under ~0.2 s).
MIN_TERMS = 5000
_FORMAT = b"untm-glossary-cache-2"  # 2: with the look-up's folded texts


def cache_path(sources: Sequence[Path | bytes]) -> Path:
    """Where the glossary built from ``sources`` is cached: files by path, size and time,
    bytes (e.g. the shipped data) by content."""
    digest = hashlib.sha256(_FORMAT)
    digest.update(f"{tm.__version__} {sys.version_info[:2]} {marshal.version}".encode())
    for source in sources:
        if isinstance(source, bytes):
            digest.update(b"data:" + hashlib.sha256(source).digest())
            continue
        try:
            stat = source.stat()
            what = f"file:{source.resolve()}:{stat.st_size}:{stat.st_mtime_ns}"
        except OSError:
            what = f"missing:{source}"
        digest.update(what.encode("utf-8", "surrogateescape") + b"\0")
    return user_dir() / "cache" / f"glossary-{digest.hexdigest()[:32]}.marshal"


def cached(sources: Sequence[Path | bytes], build: Callable[[], Glossary]) -> Glossary:
    """The glossary ``build()`` makes from ``sources``, from the cache when it holds it."""
    path = cache_path(sources)
    with suppress(OSError), _no_cyclic_gc():
        data = path.read_bytes()
        with suppress(ValueError, TypeError, EOFError, LookupError, AttributeError, UntmError):
            return Glossary.from_data(marshal.loads(data))
    glossary = build()
    if sum(len(concept.terms) for concept in glossary.concepts) >= MIN_TERMS:
        _store(path, glossary)
    return glossary


def _store(path: Path, glossary: Glossary) -> None:
    """Write the cache file atomically and remove the stale ones beside it."""
    data = marshal.dumps(glossary.to_data())
    with suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_paths() as tmp:
            Path(tmp(path)).write_bytes(data)
        for old in path.parent.glob("glossary-*.marshal"):
            if old != path:
                old.unlink(missing_ok=True)


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Loading makes a few hundred thousand long-lived objects and no cycles: the collector
    is kept off meanwhile, and the objects are then frozen out of its later passes."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
