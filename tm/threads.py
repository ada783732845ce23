"""Calls made side by side in threads, where they spend their time without holding the GIL.

sentencepiece trains, and numpy runs its array loops, with the GIL released: the two
directions of one computation (a document pair's two subword models, Model 1 both ways, a
band's dot products both ways) then take little more than the time of one on two cores.
What the calls share must only be read, or written under keys that no other call writes.

The threads end with the calls: a process left with threads of its own cannot fork safely,
and a bulk TMX import and the alignment of a document's versions fork their workers only from
a process with one thread (tm/workers.py).
Starting a thread takes milliseconds here, so callers ask for threads only for work that
takes much longer.

>>> side_by_side([lambda: 1, lambda: 2])
[1, 2]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

__all__ = ["side_by_side"]

_T = TypeVar("_T")


def side_by_side(calls: Sequence[Callable[[], _T]], *, threads: bool = True) -> list[_T]:
    """The results of ``calls``, in order: the first made in this thread, the others in
    threads of their own, which have ended when this returns; an exception of any is raised
    once all have ended. With ``threads`` False (work too small to gain: each call would hold
    the GIL for most of its time), they are made one after the other."""
    if len(calls) < 2 or not threads:
        return [call() for call in calls]
    with ThreadPoolExecutor(max_workers=len(calls) - 1) as pool:
        others = [pool.submit(call) for call in calls[1:]]
        first = calls[0]()  # on an exception, leaving the pool waits for the others
        return [first, *(other.result() for other in others)]
