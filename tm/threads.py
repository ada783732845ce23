"""Calls made side by side in threads, where they spend their time without holding the GIL.

sentencepiece trains, and numpy runs its array loops, with the GIL released: the two
directions of one computation (a document pair's two subword models, Model 1 both ways, a
band's dot products both ways) then take little more than the time of one on two cores.
What the calls share must only be read, or written under keys that no other call writes.

The threads are kept in one pool per process: starting a thread takes milliseconds, as long
as the work of a short document's call.

>>> side_by_side([lambda: 1, lambda: 2])
[1, 2]
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import TypeVar

__all__ = ["side_by_side"]

_T = TypeVar("_T")
_NAME = "untm-side-by-side"


@lru_cache(maxsize=1)
def _pool(pid: int) -> ThreadPoolExecutor:
    """The pool of this process (``pid``: a forked child makes its own; its parent's threads
    are not in it), one thread fewer than the cores: the caller's thread is the other."""
    return ThreadPoolExecutor(
        max_workers=max(1, (os.cpu_count() or 2) - 1), thread_name_prefix=_NAME
    )


def side_by_side(calls: Sequence[Callable[[], _T]], *, threads: bool = True) -> list[_T]:
    """The results of ``calls``, in order: the first made in this thread, the others in the
    pool's threads; an exception of any is raised once all have ended. They are made one after
    the other instead when ``threads`` is False (work too small to gain: each call then holds
    the GIL for most of its time) or when called from a pool thread (which must not wait for
    the pool it is part of)."""
    if len(calls) < 2 or not threads or threading.current_thread().name.startswith(_NAME):
        return [call() for call in calls]
    others = [_pool(os.getpid()).submit(call) for call in calls[1:]]
    try:
        first = calls[0]()
    finally:
        for other in others:
            other.exception()  # waits for it to end
    return [first, *(other.result() for other in others)]
