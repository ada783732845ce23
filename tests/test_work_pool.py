"""The server's worker processes (server/work_pool.py): answers as the service gives them; a
process that dies is replaced without failing the requests after it; searches bounded, and the
database's work at the priority of the request it serves; a client gone or a server stopping
ends a request waiting for its work cleanly."""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import signal
from pathlib import Path

import pytest
from starlette.requests import Request
from starlette.types import Message

from server.app import answer
from server.errors import HttpError
from server.service import Limits, Service
from server.work_pool import DRAFTS_NICE, SEARCHES_NICE, WorkPool
from tm import jsonable
from tm.memory import Memory
from tm.models import Unit, Variant


def test_a_killed_process_is_replaced_and_the_work_run_again(tmp_path: Path) -> None:
    memory = tmp_path / "tm.sqlite"
    with Memory.open(memory) as store:
        store.add([Unit((Variant("en", "Peace and security"), Variant("fr", "Paix et sécurité")))])
    service = Service(memory)
    expected = jsonable.units_data(service.concordance("peace", lang=None, limit=5), langs=[])
    pool = WorkPool(memory, glossaries=(), limits=Limits(work_processes=1))

    async def run() -> list[object]:
        await pool.start()
        answers = [json.loads(await pool.concordance("peace", lang=None, limit=5))]
        for child in multiprocessing.active_children():  # the pool's processes
            os.kill(child.pid or 0, signal.SIGKILL)
            child.join(10)
        answers.append(json.loads(await pool.concordance("peace", lang=None, limit=5)))
        draft = service.draft("Peace and security", "en")
        found = json.loads(await pool.match(draft, target_langs=["fr"], min_score=50, top=3))
        answers.append(found["segments"][0]["matches"][0]["score"])
        return answers

    try:
        assert asyncio.run(run()) == [expected, expected, 100]
    finally:
        pool.close()


def test_searches_run_one_at_a_time_by_default_and_drafts_beside_them(tmp_path: Path) -> None:
    memory = tmp_path / "tm.sqlite"
    with Memory.open(memory) as store:
        store.add([Unit((Variant("en", "Peace and security"), Variant("fr", "Paix et sécurité")))])
    expected = jsonable.units_data(
        Service(memory).concordance("peace", lang=None, limit=1), langs=[]
    )
    pool = WorkPool(memory, glossaries=(), limits=Limits())
    assert pool.processes == {"drafts": 2, "searches": 1}

    async def run() -> list[object]:
        await pool.start()
        asked = [pool.concordance("peace", lang=None, limit=1) for _ in range(6)]
        return [json.loads(body) for body in await asyncio.gather(*asked)]

    try:
        assert asyncio.run(run()) == [expected] * 6  # all answered, one after another
        # drafts a little below the server's priority, searches at the lowest
        ours = os.getpriority(os.PRIO_PROCESS, 0)
        nices = sorted(
            os.getpriority(os.PRIO_PROCESS, child.pid or 0)
            for child in multiprocessing.active_children()
        )
        assert nices == sorted([min(19, ours + DRAFTS_NICE)] * 2 + [min(19, ours + SEARCHES_NICE)])
    finally:
        pool.close()


def _request(messages: list[Message]) -> Request:
    """A GET request whose client sends ``messages`` (then waits for ever)."""

    async def receive() -> Message:
        if messages:
            return messages.pop(0)
        await asyncio.sleep(3600)
        raise AssertionError("never reached")

    return Request({"type": "http", "method": "GET", "headers": []}, receive)


def test_work_of_a_client_gone_is_dropped_and_a_stopping_server_answers_503() -> None:
    started: list[str] = []

    async def work(name: str, seconds: float) -> bytes:
        started.append(name)
        await asyncio.sleep(seconds)
        return b'{"done": true}'

    async def run() -> list[object]:
        out: list[object] = []
        done = await answer(_request([]), work("quick", 0.0))
        out.append(done.body)
        gone: list[Message] = [{"type": "http.request", "body": b""}, {"type": "http.disconnect"}]
        with pytest.raises(HttpError) as left:
            await answer(_request(gone), work("left", 30.0))
        out.append((left.value.status, str(left.value)))
        waiting = asyncio.ensure_future(answer(_request([]), work("stopped", 30.0)))
        await asyncio.sleep(0.05)
        waiting.cancel()  # as uvicorn does when its grace period for a stop is over
        with pytest.raises(HttpError) as stopped:
            await waiting
        out.append((stopped.value.status, str(stopped.value)))
        return out

    assert asyncio.run(asyncio.wait_for(run(), 10)) == [
        b'{"done": true}',
        (503, "the client went away before its answer"),
        (503, "the server is stopping; send the request again"),
    ]
