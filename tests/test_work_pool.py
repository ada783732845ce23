"""The server's worker processes (server/work_pool.py): answers as the service gives them, and
a process that dies is replaced without failing the requests after it."""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import signal
from pathlib import Path

from server.service import Limits, Service
from server.work_pool import WorkPool
from tm import jsonable
from tm.memory import Memory
from tm.models import Unit, Variant


def test_a_killed_process_is_replaced_and_the_work_run_again(tmp_path: Path) -> None:
    memory = tmp_path / "tm.sqlite"
    with Memory.open(memory) as store:
        store.add([Unit((Variant("en", "Peace and security"), Variant("fr", "Paix et sécurité")))])
    service = Service(memory)
    expected = jsonable.units_data(service.concordance("peace", lang=None, limit=5), langs=[])
    pool = WorkPool(memory, glossaries=(), limits=Limits(), processes=1)

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
