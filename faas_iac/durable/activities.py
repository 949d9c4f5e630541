"""Running activities: a fixed pool of worker threads (the host-wide limit), a per-function
limit enforced before a job reaches the pool, and async activities on the host's loop.

A finished activity becomes an :class:`~.messages.ActivityDone` message in the engine's inbox;
the engine records it with its next group commit. Results lost in a crash are produced again after
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
from typing import Any, cast

from ..runtime.handlers import Handler, finish
from ..runtime.types import Bindings, Context
from . import codec, journal
from .clock import SYSTEM, Clock
from .messages import ActivityDone, Job
from .orchestration import error_of

#: The most worker threads a host starts, whatever ``max_concurrent_activities`` says.
MAX_WORKERS = 128
#: (activity name, invocation id) → the context an activity that takes one receives.
ContextFactory = Callable[[str, str], Context]


def http_activity(request: dict[str, Any]) -> dict[str, Any]:
    """The built-in activity behind ``ctx.call_http``: one request, its answer as Durable
    Functions gives it (``statusCode``, ``headers``, ``content``); redirects are followed, as
    .NET's HttpClient does."""
    import httpx

    response = httpx.request(
        request["method"],
        request["uri"],
        content=request.get("content"),
        headers=request.get("headers") or {},
        timeout=HTTP_TIMEOUT_S,
        follow_redirects=True,
    )
    return {
        "statusCode": response.status_code,
        "headers": dict(response.headers.items()),
        "content": response.text,
    }


#: How long a ``call_http`` request may take (.NET HttpClient's default).
HTTP_TIMEOUT_S = 100.0


def bare_context(name: str, invocation_id: str) -> Context:
    """The context of an activity run with no host around it: it may use no binding (its
    ``allowed`` is empty, so every binding call is refused before it reaches ``bindings``)."""
    return Context(invocation_id, name, cast(Bindings, None))


class ActivityRunner:
    def __init__(
        self,
        activities: dict[str, Callable[..., Any]],
        limits: dict[str, int],
        workers: int,
        report: Callable[[ActivityDone], None],
        context: ContextFactory = bare_context,
        clock: Clock = SYSTEM,
    ) -> None:
        self._activities = activities
        self._context = context
        self._clock = clock
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
        name = job.name
        limit = self._limits.get(name)
        running = self._running.get(name, 0)
        if limit is not None and running >= limit:
            self._waiting.setdefault(name, deque()).append(job)
            return
        self._running[name] = running + 1
        fn = self._activities.get(name)
        if fn is not None and self._shape(fn)[0].is_async and self.loop is not None:
            coro = fn(*self._args(fn, job))
            journal.activity_started(name, job.instance_id, job.task_id)
            began = time.perf_counter()
            handle = asyncio.run_coroutine_threadsafe(coro, self.loop)
            handle.add_done_callback(lambda f: self._report(self._outcome(job, f, began)))
            return
        self._jobs.put(job)

    def finished(self, name: str) -> None:
        """One run of activity ``name`` ended: start the next one waiting for its limit."""
        self._running[name] = self._running.get(name, 1) - 1
        waiting = self._waiting.get(name)
        if waiting:
            self.submit(waiting.popleft())

    # -- worker threads -------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        """Whether an activity is running or waiting for its function's limit."""
        return any(self._running.values())

    def _work(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            name = job.name
            fn = self._activities.get(name)
            journal.activity_started(name, job.instance_id, job.task_id)
            began = time.perf_counter()
            try:
                if fn is None:
                    raise LookupError(f"no activity named {name!r}")
                value = finish(fn(*self._args(fn, job)))
            except Exception as exc:
                self._ended(job, began, exc)
                self._report(self._event(job, None, exc))
            else:
                self._ended(job, began, None)
                self._report(self._event(job, value, None))

    def _outcome(self, job: Job, fut: Future[Any], began: float) -> ActivityDone:
        """The engine message for a finished async job."""
        exc = fut.exception()
        self._ended(job, began, exc)
        return self._event(job, None if exc is not None else fut.result(), exc)

    @staticmethod
    def _ended(job: Job, began: float, exc: BaseException | None) -> None:
        elapsed = time.perf_counter() - began
        journal.activity_ended(job.name, job.instance_id, job.task_id, elapsed, exc)

    def _event(self, job: Job, value: Any, exc: BaseException | None) -> ActivityDone:
        """TaskCompleted with the result, or TaskFailed with the error's type and message."""
        event: dict[str, Any] = {"id": job.task_id, "ts": self._clock.now()}
        if exc is None:
            try:
                event.update(type="TaskCompleted", result=codec.dumps(value))
            except TypeError as bad:
                event.update(type="TaskFailed", error=error_of(bad))
        else:
            event.update(type="TaskFailed", error=error_of(exc))
        return ActivityDone(job.instance_id, job.generation, job.name, event)

    @staticmethod
    def _shape(fn: Callable[..., Any]) -> tuple[Handler, Any]:
        shape = _SHAPES.get(fn)
        if shape is None:
            shape = _SHAPES[fn] = (Handler(fn), _annotation(fn))
        return shape

    def _args(self, fn: Callable[..., Any], job: Job) -> tuple[Any, ...]:
        """The arguments by the one signature rule (:mod:`faas_iac.runtime.handlers`): none,
        the input (validated into a pydantic model when the parameter is annotated with one),
        or the input and a context."""
        handler, annotation = self._shape(fn)
        return handler.args(
            codec.coerce(codec.loads(job.input_json), annotation),
            lambda: self._context(job.name, f"{job.instance_id}:{job.task_id}"),
        )


_SHAPES: dict[Callable[..., Any], tuple[Handler, Any]] = {}


def _annotation(fn: Callable[..., Any]) -> Any:
    """The annotation of the first parameter (the input), resolved; ``None`` if none."""
    try:
        params = list(inspect.signature(fn).parameters.values())
        if not params:
            return None
        shape = params[0].annotation
        if isinstance(shape, str):
            shape = inspect.get_annotations(fn, eval_str=True).get(params[0].name)
    except Exception:
        return None
    return shape
