"""The cyclic garbage collector, paused while large acyclic data is built.

Python's collector runs a full collection, which visits every container object in the process,
each time enough new containers have outlived younger collections. Loading or learning a
memory's lexicon makes hundreds of thousands of tuples, lists and dicts that hold no cycle: the
collections they trigger find nothing and took a fifth of the time of aligning the letter with
a memory of 3,000 units in six languages (1.0 of 5.2 s, `gc.callbacks`). Reference counting
still frees everything as usual; only the search for cycles waits.

>>> import gc
>>> with paused():
...     gc.isenabled()
False
>>> gc.isenabled()
True
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["paused"]


@contextmanager
def paused() -> Iterator[None]:
    """Pause the cyclic collector inside the block; it runs again after, if it ran before (a
    caller that paused it, or a nested block, keeps it paused)."""
    running = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if running:
            gc.enable()
