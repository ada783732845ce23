"""Worker processes forked from this one: whether it is safe, and how a worker starts.

Two jobs spread over cores this way: a bulk TMX import (tmx/bulk.py) and the alignment of a
document with its versions (tm/align.py: align_pairs). Workers are forked (Linux), not
spawned: a spawned worker would import the caller's main module again, and a forked one
inherits what the caller prepared (models, documents) without copying it through a pipe.

A process may fork only while it has one thread: a fork copies no other thread, and a lock
one held would never be released in the worker. (Threads of tm/threads.py end with their
calls for this reason.)
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from multiprocessing import get_context

__all__ = ["can_fork", "forking", "pool", "start_worker", "usable_cores"]

#: prctl(2): the signal a process gets when its parent ends
_PR_SET_PDEATHSIG = 1
#: the signals that stop untm (Ctrl-C; SIGTERM and SIGHUP: cli/main.py)
_STOPS = frozenset({signal.SIGINT, signal.SIGTERM, signal.SIGHUP})


def can_fork() -> bool:
    """Whether workers can be forked safely: on Linux (forking is unsafe on macOS, absent
    on Windows), from a process with one thread."""
    return sys.platform.startswith("linux") and threading.active_count() == 1


def usable_cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0))


def pool(count: int, start: Callable[[int], None] | None = None) -> ProcessPoolExecutor | None:
    """A pool of ``count`` workers to fork from this process, each started by ``start``
    (given this process's id; by default :func:`start_worker`), or None if this system
    cannot make one. Its first ``submit`` forks them all: make it under :func:`forking`."""
    try:
        return ProcessPoolExecutor(
            count,
            mp_context=get_context("fork"),
            initializer=start or start_worker,
            initargs=(os.getpid(),),
        )
    except (OSError, ImportError, NotImplementedError, ValueError):
        return None


@contextmanager
def forking() -> Iterator[None]:
    """Hold the stop signals (Ctrl-C, SIGTERM, SIGHUP) while a pool may fork its workers.

    A signal that comes during a fork has its handler run inside the fork's own hooks (the
    logging module's), where the exception it raises is printed as ignored and lost: the
    process went on, and printed a traceback. Held, it is handled once the block ends; a
    worker starts with it held, and lets it through once :func:`start_worker` has set the
    worker's own handlers."""
    held = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def start_worker(parent: int) -> None:
    """Start a worker forked from ``parent`` (under :func:`forking`): leave Ctrl-C to the
    parent, which stops the workers, and die with it: killed, terminated or hung up, it can
    stop no worker, which would wait forever for its work."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_DFL)  # not the parent's handlers
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOPS)
    _die_with(parent)


def _die_with(parent: int) -> None:
    """Have Linux kill this worker when the process that forked it ends (``prctl``
    ``PR_SET_PDEATHSIG``); end at once if it has ended already."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass  # no prctl: the pool's own checks remain
    if os.getppid() != parent:
        os._exit(1)
