"""tm/workers.py: a stop signal that comes while workers are forked is held until the fork is
done (its handler ran inside the fork's hooks, where its exception was printed and lost), and
a worker lets the stop signals through once it has its own handlers."""

from __future__ import annotations

import os
import signal
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

import pytest

from tm.workers import can_fork, forking, start_worker

pytestmark = pytest.mark.skipif(
    not can_fork(), reason="workers are forked on Linux, from a one-thread process"
)


def test_a_stop_signal_is_handled_once_the_fork_is_done() -> None:
    handled: list[str] = []
    steps = ["sent"]
    before = signal.signal(signal.SIGHUP, lambda signum, frame: handled.append(steps[-1]))
    try:
        with forking():
            os.kill(os.getpid(), signal.SIGHUP)
            steps.append("held")
            os.getpid()  # steps at which a handler would run
            steps.append("still held")
        steps.append("after")
        os.getpid()
    finally:
        signal.signal(signal.SIGHUP, before)
    assert handled == ["still held"]  # as the block ended (not at "sent")


def _held_in_worker() -> list[int]:
    return sorted(signal.pthread_sigmask(signal.SIG_BLOCK, []))


def test_a_worker_lets_the_stop_signals_through_with_its_own_handlers() -> None:
    pool = ProcessPoolExecutor(
        1, mp_context=get_context("fork"), initializer=start_worker, initargs=(os.getpid(),)
    )
    try:
        with forking():
            future = pool.submit(_held_in_worker)
        held = future.result(timeout=60)
    finally:
        pool.shutdown()
    assert not {signal.SIGINT, signal.SIGTERM, signal.SIGHUP} & set(held)
    assert signal.pthread_sigmask(signal.SIG_BLOCK, []) == set()  # and here, after the block
