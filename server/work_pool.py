"""Matches, checks and concordances in processes of their own, served by priority: look-ups
first, then drafts, then searches.

A match is tens of milliseconds of Python. In the server's process it would hold the
interpreter (one thread runs Python at a time) from the event loop that reads and answers
every request and from the term look-ups beside it; and the operating system would share the
cores evenly between a look-up and a match. A concordance waits mostly on the database, but
checks its candidates in Python. So each server process hands this work to a few processes of
its own (:class:`WorkPool`), each with its own connection to the memory and its own match
index (mapped from the same cache files), run at a lower priority (``nice``): on a busy
machine the operating system runs look-ups and the event loop first, drafts next, and
searches take the time left. What a process sends back is the answer's JSON, ready to send.

**Bounded.** Drafts run in ``Limits.work_processes`` processes, concordances in
``Limits.searches`` (one by default): searches wait their turn rather than run several at once
and take every core. A request whose client is gone is dropped from the queue
(:meth:`WorkPool.run`).

The processes are spawned (a fork would share the server's connections) when the server starts
(:meth:`WorkPool.start`, which also warms them: the glossary, the search tables), and stop with
the pool, or by themselves when the server process that made them is gone.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import threading
import time
import weakref
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from starlette.responses import JSONResponse

from server.service import Limits, Service
from tm import jsonable
from tm.models import Document

__all__ = ["DRAFTS_NICE", "SEARCHES_NICE", "WorkPool"]

#: how much lower the pool's processes run than the server's
#: (0..19): drafts a little (``nice`` 5: a third of a busy normal process's share of a core),
#: so that a look-up goes first but a match is not starved by a build running beside it;
#: concordances as low as can be (19: they take the cores' time that look-ups, drafts and
#: builds leave, about 1/70 of a core beside each busy normal process, never none)
DRAFTS_NICE = 5
SEARCHES_NICE = 19
_NICE = {"drafts": DRAFTS_NICE, "searches": SEARCHES_NICE}

#: this process's service, when it is one of a pool's processes
_service: Service | None = None


class WorkPool:
    """Worker processes serving ``memory`` as :class:`Service` does: ``limits.work_processes``
    for drafts (match, check) and ``limits.searches`` for concordances, so that neither kind
    waits in the other's queue."""

    def __init__(self, memory: str | Path, *, glossaries: Sequence[Path], limits: Limits) -> None:
        #: processes of each kind
        self.processes = {"drafts": limits.work_processes, "searches": limits.searches}
        self._start = (str(memory), tuple(glossaries), limits, os.getpid())
        self._executors = {kind: self._executor(kind) for kind in _NICE}

    def _executor(self, kind: str) -> ProcessPoolExecutor:
        executor = ProcessPoolExecutor(
            max_workers=self.processes[kind],
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start,
            initargs=(*self._start, _NICE[kind]),
        )
        # a pool dropped without close() (a test's app) stops its processes too
        weakref.finalize(self, executor.shutdown, wait=False, cancel_futures=True)
        return executor

    async def _run(self, kind: str, work: Callable[..., bytes], *args: object) -> bytes:
        """``work(*args)`` in one of ``kind``'s processes. A process that died (killed, out of
        memory) breaks its executor: a new one takes its place and the work is run once more
        there, so a lost process fails no request (but one that kills it again). Cancelled
        (its client is gone, the server stops), work still waiting for a process is dropped."""
        executor = self._executors[kind]
        try:
            return await asyncio.wrap_future(executor.submit(work, *args))
        except BrokenProcessPool:
            if self._executors[kind] is executor:  # not replaced by another request yet
                executor.shutdown(wait=False, cancel_futures=True)
                self._executors[kind] = self._executor(kind)
        return await asyncio.wrap_future(self._executors[kind].submit(work, *args))

    async def start(self) -> None:
        """Start every process now (each starts at the first work it is given otherwise:
        seconds of imports and a connection, which the first requests would wait for)."""
        await asyncio.gather(
            *(self._run(kind, _ready) for kind in _NICE for _ in range(self.processes[kind]))
        )

    async def match(
        self,
        document: Document,
        *,
        target_langs: Sequence[str] | None,
        min_score: float,
        top: int,
    ) -> bytes:
        """As :meth:`Service.match`, as ``untm match --json`` writes it."""
        chosen = None if target_langs is None else tuple(target_langs)
        return await self._run("drafts", _match, document, chosen, min_score, top)

    async def check(self, source: Document, translation: Document | None) -> bytes:
        """As :meth:`Service.check`, as ``untm check --json`` writes it."""
        return await self._run("drafts", _check, source, translation)

    async def concordance(self, query: str, *, lang: str | None, limit: int) -> bytes:
        """As :meth:`Service.concordance`, as ``untm concordance --json`` writes it."""
        return await self._run("searches", _concordance, query, lang, limit)

    def close(self) -> None:
        """Stop the processes, after the work they are doing (work waiting is dropped)."""
        for executor in self._executors.values():
            executor.shutdown(wait=True, cancel_futures=True)


def _start(
    memory: str, glossaries: tuple[Path, ...], limits: Limits, parent: int, nice: int
) -> None:
    """A pool process's start: lower priority, the service, and a watch on the parent."""
    global _service
    os.nice(nice)
    # Ctrl-C reaches the whole process group: the server stops this process (close())
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _service = Service(memory, glossaries=glossaries, limits=limits)
    threading.Thread(target=_watch, args=(parent,), daemon=True).start()


def _service_here() -> Service:
    """This process's service."""
    assert _service is not None
    return _service


def _watch(parent: int) -> None:
    """End this process when the server process that made it is gone (killed, not stopped)."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)


def _ready() -> bytes:
    """The work that starts a process: warm it (:meth:`Service.warm`)."""
    _service_here().warm()
    return b""


def _json(data: object) -> bytes:
    """``data`` as the server's JSON responses are written (Starlette's rendering, here in
    the pool's process rather than the server's)."""
    return bytes(JSONResponse(data).body)


def _match(
    document: Document, target_langs: tuple[str, ...] | None, min_score: float, top: int
) -> bytes:
    found = _service_here().match(document, target_langs=target_langs, min_score=min_score, top=top)
    return _json(jsonable.matches_data(found))


def _check(source: Document, translation: Document | None) -> bytes:
    return _json(jsonable.findings_data(_service_here().check(source, translation)))


def _concordance(query: str, lang: str | None, limit: int) -> bytes:
    hits = _service_here().concordance(query, lang=lang, limit=limit)
    return _json(jsonable.units_data(hits, langs=[lang] if lang else []))
