"""Running activities: a fixed pool of worker threads (the host-wide limit), a per-function
limit enforced before a job reaches the pool, and async activities on the host's loop.

A finished activity becomes a ``("result", ...)`` message in the engine's inbox; the engine
records it with its next group commit. Results lost in a crash are produced again after
the restart (at-least-once), since their TaskScheduled has no completion in history.
"""

from __future__ import annotations

import asyncio
import inspect
import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from . import codec
from .orchestration import error_of, now_ts

#: The most worker threads a host starts, whatever ``max_concurrent_activities`` says.
MAX_WORKERS = 128
#: (instance id, generation, task id, activity name, input JSON)
Job = tuple[str, int, int, str, str | None]
Msg = tuple[Any, ...]


class ActivityRunner:
    def __init__(
        self,
        activities: dict[str, Callable[..., Any]],
        limits: dict[str, int],
        workers: int,
        report: Callable[[Msg], None],
    ) -> None:
        self._activities = activities
        self._limits = limits
        self._report = report
        self._count = max(1, min(workers, MAX_WORKERS))
        self._jobs: queue.SimpleQueue[Job | None] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._running: dict[str, int] = {}
        self._waiting: dict[str, deque[Job]] = {}
        self.loop: asyncio.AbstractEventLoop | None = None

    def start(self) -> None:
        for n in range(self._count):
            thread = threading.Thread(target=self._work, name=f"durable-activity-{n}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self, grace: float = 2.0) -> None:
        """Stop the workers; activities still running after ``grace`` s are redone later."""
        for _ in self._threads:
            self._jobs.put(None)
        deadline = time.monotonic() + grace
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        self._threads = []

    # -- called by the engine thread only ----------------------------------------------------
    def submit(self, job: Job) -> None:
        name = job[3]
        limit = self._limits.get(name)
        running = self._running.get(name, 0)
        if limit is not None and running >= limit:
            self._waiting.setdefault(name, deque()).append(job)
            return
        self._running[name] = running + 1
        fn = self._activities.get(name)
        if fn is not None and inspect.iscoroutinefunction(fn) and self.loop is not None:
            coro = fn(*_args(fn, codec.loads(job[4])))
            handle = asyncio.run_coroutine_threadsafe(coro, self.loop)
            handle.add_done_callback(lambda f: self._report(outcome(job, f)))
            return
        self._jobs.put(job)

    def finished(self, name: str) -> None:
        """One run of activity ``name`` ended: start the next one waiting for its limit."""
        self._running[name] = self._running.get(name, 1) - 1
        waiting = self._waiting.get(name)
        if waiting:
            self.submit(waiting.popleft())

    # -- worker threads -------------------------------------------------------------------------
    def _work(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            fn = self._activities.get(job[3])
            try:
                if fn is None:
                    raise LookupError(f"no activity named {job[3]!r}")
                value = fn(*_args(fn, codec.loads(job[4])))
                if inspect.isawaitable(value):
                    value = asyncio.run(_await(value))
                self._report(_event(job, value, None))
            except Exception as exc:
                self._report(_event(job, None, exc))


_SHAPES: dict[Callable[..., Any], Any] = {}
_NO_ARGS = object()


def _args(fn: Callable[..., Any], value: Any) -> tuple[Any, ...]:
    """An activity takes its input as its one argument (validated into a pydantic model when
    it is annotated with one), or no argument at all."""
    shape = _SHAPES.get(fn)
    if shape is None:
        try:
            params = list(inspect.signature(fn).parameters.values())
            shape = _NO_ARGS if not params else params[0].annotation
            if isinstance(shape, str):
                shape = inspect.get_annotations(fn, eval_str=True).get(params[0].name)
        except Exception:
            shape = None
        _SHAPES[fn] = shape
    if shape is _NO_ARGS:
        return ()
    return (codec.coerce(value, shape),)


async def _await(value: Any) -> Any:
    return await value


def outcome(job: Job, fut: Future[Any]) -> Msg:
    """The engine message for a finished async job."""
    exc = fut.exception()
    return _event(job, None if exc is not None else fut.result(), exc)


def _event(job: Job, value: Any, exc: BaseException | None) -> Msg:
    """TaskCompleted with the result, or TaskFailed with the error's type and message."""
    iid, gen, tid, name, _ = job
    event: dict[str, Any] = {"id": tid, "ts": now_ts()}
    if exc is None:
        try:
            event.update(type="TaskCompleted", result=codec.dumps(value))
        except TypeError as bad:
            event.update(type="TaskFailed", error=error_of(bad))
    else:
        event.update(type="TaskFailed", error=error_of(exc))
    return ("result", iid, gen, name, event)
