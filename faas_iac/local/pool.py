"""A small thread pool for sync handlers, cheaper per call than ``run_in_executor``.

A call is one ``SimpleQueue.put`` and one ``call_soon_threadsafe`` back: no
``concurrent.futures.Future`` chained to an asyncio one. A call that times out is abandoned
(a thread cannot be killed): the pool starts a replacement thread so the function keeps its
capacity, and the stuck thread exits when its call finally returns.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Callable
from typing import Any

_Job = tuple[asyncio.AbstractEventLoop, "asyncio.Future[Any]", Callable[..., Any], tuple[Any, ...]]


def _settle(fut: asyncio.Future[Any], ok: bool, value: Any) -> None:
    if fut.done():
        return
    if ok:
        fut.set_result(value)
    else:
        fut.set_exception(value)


class WorkerPool:
    def __init__(self, size: int, name: str) -> None:
        self.size, self.name = size, name
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._threads = 0
        self._retire = 0

    def _spawn(self) -> None:
        self._threads += 1
        name = f"{self.name}-{self._threads}"
        threading.Thread(target=self._work, name=name, daemon=True).start()

    def submit(self, fn: Callable[..., Any], *args: Any) -> asyncio.Future[Any]:
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[Any] = loop.create_future()
        if self._threads < self.size:
            with self._lock:
                while self._threads < self.size:
                    self._spawn()
        self._jobs.put((loop, fut, fn, args))
        return fut

    def abandon(self) -> None:
        """A call was given up on: add a thread now, retire one when that call returns."""
        with self._lock:
            self._retire += 1
            self._spawn()

    def _work(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            loop, fut, fn, args = job
            if fut.done():  # timed out while it waited for a thread: never start it
                continue
            try:
                result, ok = fn(*args), True
            except BaseException as exc:  # handed to the awaiting coroutine
                result, ok = exc, False
            try:
                loop.call_soon_threadsafe(_settle, fut, ok, result)
            except RuntimeError:  # the loop is closed: nobody waits any more
                return
            if self._retire:
                with self._lock:
                    if self._retire:
                        self._retire -= 1
                        self._threads -= 1
                        return

    def shutdown(self) -> None:
        for _ in range(self._threads):
            self._jobs.put(None)
