"""tm/collector.py: the cyclic collector is paused inside the block only, and a caller that
paused it itself keeps it paused."""

from __future__ import annotations

import gc

import pytest

from tm.collector import paused


def test_the_collector_runs_again_after_the_block_even_on_an_error() -> None:
    inside: list[bool] = []

    def fails() -> None:
        with paused():
            inside.append(gc.isenabled())
            raise ValueError("bad input")

    with pytest.raises(ValueError, match="bad input"):
        fails()
    assert inside == [False]
    assert gc.isenabled()


def test_nested_blocks_and_a_caller_that_paused_it_keep_it_paused() -> None:
    with paused():
        with paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_paused_function_pauses_it_on_every_call() -> None:
    @paused()
    def state() -> bool:
        return gc.isenabled()

    assert [state(), state()] == [False, False]
    assert gc.isenabled()
