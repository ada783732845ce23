"""tm/threads.py: calls made side by side give their results in order, an exception of one
is raised only once the others have ended, and no thread is left running."""

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


def test_calls_made_side_by_side_make_their_own_side_by_side() -> None:
    def inner() -> list[int]:
        return side_by_side([lambda: 1, lambda: 2])

    assert side_by_side([inner, inner]) == [[1, 2], [1, 2]]


def test_no_thread_is_left_running() -> None:
    """A process with threads of its own cannot fork safely: a bulk TMX import forks its
    readers only from a process with one thread (tmx/bulk.py), and fell back to reading on
    one core after an alignment while the threads were kept in a pool."""
    before = threading.active_count()
    side_by_side([lambda: time.sleep(0.01), lambda: time.sleep(0.01)])
    assert threading.active_count() == before
    assert side_by_side([lambda: 1, lambda: 2], threads=False) == [1, 2]


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
