"""tm/threads.py: calls made side by side give their results in order, and an exception of
one is raised only once the others have ended (no thread is left running)."""

from __future__ import annotations

import threading
import time

import pytest

from tm.threads import side_by_side


def test_results_come_in_the_order_of_the_calls() -> None:
    def slow() -> str:
        time.sleep(0.05)
        return "slow"

    assert side_by_side([slow, lambda: "quick", lambda: "last"]) == ["slow", "quick", "last"]
    assert side_by_side([lambda: 1]) == [1]
    assert side_by_side([]) == []


def test_calls_run_in_threads_of_their_own() -> None:
    names = side_by_side([lambda: threading.current_thread().name] * 2)
    assert names[0] == threading.current_thread().name
    assert names[1] != names[0]


def test_an_exception_is_raised_once_every_call_has_ended() -> None:
    ended: list[str] = []

    def fails() -> None:
        raise ValueError("bad input")

    def slow() -> None:
        time.sleep(0.1)
        ended.append("slow")

    with pytest.raises(ValueError, match="bad input"):
        side_by_side([fails, slow])
    assert ended == ["slow"]
    with pytest.raises(ValueError, match="bad input"):
        side_by_side([slow, fails])


def test_a_call_made_in_the_pool_runs_its_own_calls_in_turn() -> None:
    """A pool thread waiting for the pool could wait for itself: its calls run in it."""

    def inner() -> list[str]:
        return side_by_side([lambda: threading.current_thread().name] * 2)

    outer = side_by_side([lambda: [], inner])
    assert len(set(outer[1])) == 1
    assert outer[1][0] != threading.current_thread().name


def test_many_callers_at_once_all_finish() -> None:
    """Threads of a server calling at once share the pool: none waits for ever."""
    results: list[list[int]] = []

    def caller(k: int) -> None:
        def negative() -> int:
            time.sleep(0.01)
            return -k

        results.append(side_by_side([lambda: k, negative]))

    threads = [threading.Thread(target=caller, args=(k,)) for k in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == sorted([k, -k] for k in range(12))
