"""``TestEnv``: an app running in the test's process on the real local host and durable engine,
with a virtual clock that skips time.

Everything the host runs runs here: HTTP functions (through :attr:`TestEnv.http`), queue, topic,
bucket, table, stream and bus subscribers, schedules, and orchestrations, activities and entities
on the durable engine, each with its real semantics (keys, retries, dead letters, visibility
timeouts, durable timers, replay). Only time is different: the clock is a
:class:`~faas_iac.local.clock.VirtualClock`, shared by the engine, the schedules and the queues,
and it moves only when the environment *settles*: whenever nothing can run at the current
instant (no engine message, no activity, no delivery visible, no handler running except ones
waiting for an orchestration), it jumps to the next instant something is due (a durable timer, a
wait deadline, a retry, a schedule tick, an event the test raised ``at=`` a later time) and
never past it, so a timer never fires early and a 30-day timeout takes milliseconds.

At one instant, the engine's due timers are applied first, then the events the test scheduled
for that instant: a deadline reached at the very moment an event arrives has passed.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import logging
import shutil
import tempfile
import threading
from collections.abc import Callable, Sequence
from concurrent import futures
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from .._app import App
from ..durable.client import DurableClient
from ..durable.engine import Engine
from ..durable.messages import Idle
from ..durable.status import DurableOrchestrationStatus, history_events
from ..errors import FaasError
from ..local.clock import VirtualClock
from ..local.host import Host, Runtime
from ..local.workers import Consumer
from ..model import AppModel, Function
from . import http as web
from .recording import ActivityMock, Invocation, recording
from .triggers import Triggers

log = logging.getLogger("faas_iac.testing")
#: How far ``wait`` / ``run`` let time run before giving up on an instance (virtual time).
DEFAULT_TIMEOUT = timedelta(days=3660)
#: The most clock moves one settle may make (an eternal orchestration never stops moving it).
MAX_MOVES = 1_000_000
_FINISHED = ("Completed", "Failed", "Terminated")
_NO_IDLE = Idle(None, 0)


@dataclass(order=True)
class _Scheduled:
    when: float
    seq: int
    instance_id: str
    name: str
    data: Any


def _never() -> bool:
    return False


def _loaded(app: str | App) -> tuple[App, AppModel, Path]:
    from ..loader import load_app
    from ..model import build_model

    if isinstance(app, App):
        root = Path(app.location.file).resolve().parent
        return app, build_model(app, root), root
    found = load_app(app)
    return found.app, build_model(found.app, found.root), found.root


class TestEnv(Triggers):
    """An app under test. Use it as a context manager (or call :meth:`close`)::

    with TestEnv("app.py") as env:
        status = env.run("approval", {"amount": 10})
    """

    __test__ = False  # not a pytest test class, whatever module imports it

    def __init__(
        self,
        app: str | App,
        *,
        start: datetime | None = None,
        step_limit: float | None = None,
    ) -> None:
        found, model, root = _loaded(app)
        moment = start or datetime.now(UTC).replace(microsecond=0)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        self.clock = VirtualClock(moment.timestamp())
        self._handlers = {spec.name: spec.handler for spec in found.all_functions()}
        self._records: dict[str, list[Invocation]] = {name: [] for name in self._handlers}
        self._mocks: dict[str, ActivityMock] = {}
        self._agenda: list[_Scheduled] = []
        self._seq = itertools.count()
        self._drains: dict[tuple[int, int | None], Future[int]] = {}
        self._state = Path(tempfile.mkdtemp(prefix="faas-testkit-"))
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="testkit-loop")
        self._thread.daemon = True
        self._thread.start()
        # the test kit's store need not survive a power loss: WAL without an fsync per commit
        model = model.model_copy(
            update={"durable": model.durable.model_copy(update={"durability": "normal"})}
        )
        self.model = model
        try:
            self.host = Host(
                str(root), self._state, url=web.BASE_URL, clock=self.clock, resolver=self._resolve
            )
            self.runtime: Runtime = self.host.build(model, root)
            self._call(self.host.prepare(self.runtime))
        except BaseException:
            self._shutdown()
            raise
        durable = self.runtime.durable
        self.engine: Engine | None = durable.engine if durable is not None else None
        if self.engine is not None and step_limit is not None:
            self.engine.watch.limit = step_limit
        self._client: DurableClient | None = durable.client() if durable is not None else None
        self.consumers: list[Consumer] = self.runtime.consumers
        self._ticks: dict[str, float] = {}
        scheduler = self.runtime.scheduler
        assert scheduler is not None
        for fn in scheduler.functions:
            scheduler.begin(fn)
            self._ticks[fn.name] = scheduler.fire_due(fn)
        self._http: dict[Any, httpx.Client] = {}
        self._closed = False

    # -- lifetime ------------------------------------------------------------------------------
    def __enter__(self) -> TestEnv:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        for client in self._http.values():
            client.close()
        for fut in self._drains.values():
            with contextlib.suppress(Exception):
                fut.result(10)
        try:
            self._call(self.host.stop())
        finally:
            self._shutdown()

    def _shutdown(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()
        shutil.rmtree(self._state, ignore_errors=True)

    def _call(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result()

    def _resolve(self, fn: Function) -> Callable[..., Any]:
        handler = self._handlers.get(fn.name)
        if handler is None:
            from ..local.handlers import resolve

            return resolve(fn)
        if fn.kind in ("orchestrator", "entity"):
            return handler
        return recording(fn.name, handler, self._records[fn.name], self.clock.now)

    # -- time ----------------------------------------------------------------------------------
    @property
    def now(self) -> datetime:
        """The virtual time (UTC)."""
        return datetime.fromtimestamp(self.clock.now(), UTC)

    def advance(self, delta: timedelta) -> None:
        """Let ``delta`` of virtual time pass, running everything that falls due meanwhile (and
        at the end instant itself)."""
        target = self.clock.now() + delta.total_seconds()
        self._settle(_never, target)
        self._move_to(target)
        self._settle(_never, target)

    def settle(self) -> None:
        """Run everything that can run now, without moving the clock."""
        self._settle(_never, self.clock.now())

    # -- orchestrations ------------------------------------------------------------------------
    @property
    def client(self) -> DurableClient:
        """The durable client (the one ``ctx.durable`` is in the app's functions)."""
        if self._client is None:
            raise FaasError.one(
                "FIAC881",
                f"app {self.model.name!r} has no orchestrator, activity or entity, so no "
                "durable engine runs",
                fix="declare one with @app.orchestrator / @app.activity / @app.entity",
            )
        return self._client

    def start(self, name: str, input: Any = None, instance_id: str | None = None) -> str:
        """Start an orchestration and run what it can at the current instant; its id."""
        iid = self.client.start_new(name, instance_id, input)
        self.settle()
        return iid

    def wait(
        self, instance_id: str, timeout: timedelta = DEFAULT_TIMEOUT
    ) -> DurableOrchestrationStatus:
        """Let time run until the instance is Completed, Failed or Terminated, or nothing more
        can happen, or ``timeout`` of virtual time has passed; its status then."""
        horizon = self.clock.now() + timeout.total_seconds()
        self._settle(lambda: self._finished(instance_id), horizon)
        return self.status(instance_id)

    def run(
        self,
        name: str,
        input: Any = None,
        instance_id: str | None = None,
        timeout: timedelta = DEFAULT_TIMEOUT,
    ) -> DurableOrchestrationStatus:
        """Start an orchestration and let time run until it finishes; its final status. If it
        can never finish (it waits for an event nothing will raise), a coded error says what
        it waits for."""
        iid = self.start(name, input, instance_id)
        status = self.wait(iid, timeout)
        if status.runtime_status.value not in _FINISHED:
            raise FaasError.one(
                "FIAC882",
                f"orchestration {name!r} ({iid}) is still {status.runtime_status.value} at "
                f"{self.now.isoformat()}: {self._waiting_for(iid)}",
                fix="raise the events it waits for first (env.raise_event(id, name, data, "
                "at=...)), or use env.start(...) and env.wait(...) to look at it unfinished",
            )
        return status

    def status(self, instance_id: str) -> DurableOrchestrationStatus:
        found = self.client.get_status(instance_id, show_input=True)
        if found is None:
            raise FaasError.one(
                "FIAC881",
                f"no orchestration instance {instance_id!r}",
                fix="use the id env.start(...) returned",
            )
        return found

    def history(self, instance_id: str, with_output: bool = True) -> list[dict[str, Any]]:
        """The instance's history as Azure's management API shows it (``EventType``,
        ``Timestamp``, ``Name``, ``Result``...)."""
        assert self.engine is not None
        return history_events(self.engine.store.history(instance_id), with_output)

    def raise_event(
        self,
        instance_id: str,
        name: str,
        data: Any = None,
        at: datetime | timedelta | None = None,
    ) -> None:
        """Raise an event now, or when the virtual clock reaches ``at`` (a moment, or a delay
        from now): ``wait``, ``run`` and ``advance`` deliver it then."""
        when = self._moment(at)
        if when <= self.clock.now():
            self.client.raise_event(instance_id, name, data)
            self.settle()
            return
        heapq.heappush(self._agenda, _Scheduled(when, next(self._seq), instance_id, name, data))

    def mock_activity(self, name: str, fn: Callable[..., Any]) -> ActivityMock:
        """Run ``fn`` instead of activity ``name`` (same arguments: the input, and a context
        if it takes two); its calls are recorded in the mock returned."""
        assert self.engine is not None or name not in self._handlers
        registry = self.engine.registry if self.engine is not None else None
        if registry is None or name not in registry.activities:
            known = ", ".join(sorted(registry.activities)) if registry else "none"
            raise FaasError.one(
                "FIAC881",
                f"app {self.model.name!r} has no activity {name!r} (activities: {known})",
                fix="mock an activity the app declares with @app.activity",
            )
        mock = ActivityMock(name, fn)
        registry.activities[name] = recording(name, fn, mock.invocations, self.clock.now)
        self._mocks[name] = mock
        return mock

    def invocations(self, function: str) -> list[Invocation]:
        """Every call of ``function`` so far (an activity's real calls; a mocked activity's
        are in its mock), with the virtual time each started at."""
        if function not in self._records:
            raise FaasError.one(
                "FIAC881",
                f"app {self.model.name!r} has no function {function!r}",
                fix=f"name one of: {', '.join(sorted(self._records))}",
            )
        return list(self._records[function])

    # -- HTTP ------------------------------------------------------------------------------------
    @property
    def http(self) -> httpx.Client:
        """An HTTP client of the app (``env.http.post("/api/orders", json=...)``), with the
        master key."""
        return self.http_client()

    def http_client(self, key: Any = web.MASTER) -> httpx.Client:
        """A client sending ``key`` (default: the master key; a function's key from
        :meth:`function_key`; ``None``: no key, as an anonymous caller)."""
        given = self.host.keys.master if key is web.MASTER else key
        client = self._http.get(given)
        if client is None:
            client = self._http[given] = web.client(self.host.app, self._loop, self._drive, given)
        return client

    def function_key(self, function: str) -> str:
        return str(self.host.keys.functions[function])

    def _drive(self, request: Future[httpx.Response]) -> None:
        """Run the app while ``request`` is in flight, then what it set off at this instant (an
        orchestration the handler started runs until it waits for time or an event)."""
        self._settle(request.done, None, [request])
        self.settle()

    # -- settling --------------------------------------------------------------------------------
    def _finished(self, instance_id: str) -> bool:
        assert self.engine is not None
        row = self.engine.store.instance(instance_id)
        return row is not None and row.status in _FINISHED

    def _waiting_for(self, instance_id: str) -> str:
        engine = self.engine
        assert engine is not None

        def look() -> str:
            inst = engine._cache.get(instance_id)
            if inst is None:
                return "it is not running"
            events = sorted(name for name, queue in inst.waiting.items() if queue)
            if events:
                return f"it waits for event(s) {', '.join(map(repr, events))}, and none is due"
            return "it waits for something nothing will bring (no timer, activity or event due)"

        return str(engine.call(look).result())

    def _settle(
        self, done: Callable[[], bool], horizon: float | None, watch: Sequence[Future[Any]] = ()
    ) -> bool:
        """Run until ``done()`` (True), or until nothing more can happen before ``horizon``
        (False). ``watch``: calls in flight that count as running until done."""
        moves = 0

        def jump(idle: Idle) -> bool:
            """On the engine thread, this one waiting: move to the engine's next timer at once
            if nothing else is due first and nothing runs (see ``AwaitIdle``)."""
            nonlocal moves
            due = idle.next_due
            assert due is not None
            # what runs is read before done(): a call that ends in between then counts as
            # done, never as "nothing runs" (which would move the clock past its answer)
            running = [f for f in (*self._drains.values(), *watch) if not f.done()]
            if moves >= MAX_MOVES or (horizon is not None and due > horizon) or done():
                return False
            if len(running) > idle.waiters or self._due_elsewhere(due):
                return False
            moves += 1
            self.clock.set(due)
            return True

        while True:
            self._reap()
            if done():
                return True
            idle = self.engine.idle(jump).result() if self.engine is not None else _NO_IDLE
            self._reap()
            if done():
                return True
            if self._start_drains():
                continue
            running = [f for f in (*self._drains.values(), *watch) if not f.done()]
            if done():  # read after ``running``, as in ``jump``
                return True
            if len(running) > idle.waiters:  # a handler is working: let it
                futures.wait(running, timeout=0.005, return_when=futures.FIRST_COMPLETED)
                continue
            nxt = self._next(idle)
            if nxt is None:
                if running:
                    raise FaasError.one(
                        "FIAC882",
                        f"{len(running)} handler(s) wait for orchestrations that can never "
                        "finish: nothing is due (no timer, event, delivery or schedule)",
                        fix="raise the events they wait for before calling, or give the "
                        "wait a timeout",
                    )
                return False
            if horizon is not None and nxt > horizon:
                return False
            moves += 1
            if moves > MAX_MOVES:
                raise FaasError.one(
                    "FIAC882",
                    f"the clock moved {MAX_MOVES} times and it still is not over",
                    fix="give wait/run a shorter timeout, or stop the eternal orchestration",
                )
            self._move_to(nxt)

    def _next(self, idle: Idle) -> float | None:
        times = [t for t in (idle.next_due, *self._ticks.values()) if t is not None]
        if self._agenda:
            times.append(self._agenda[0].when)
        now = self.clock.now()
        for consumer in self.consumers:
            visible = self.host.store.next_visible(consumer.channel)
            if visible is not None and visible > now:
                times.append(visible)
        return min(times, default=None)

    def _due_elsewhere(self, moment: float) -> bool:
        """Whether anything but the engine falls due at or before ``moment``: an event the test
        raises ``at=``, a schedule tick, a queued delivery."""
        if self._agenda and self._agenda[0].when <= moment:
            return True
        if any(tick <= moment for tick in self._ticks.values()):
            return True
        for consumer in self.consumers:
            visible = self.host.store.next_visible(consumer.channel)
            if visible is not None and visible <= moment:
                return True
        return False

    def _move_to(self, moment: float) -> None:
        self.clock.set(moment)
        due = bool(self._agenda) and self._agenda[0].when <= moment
        if due and self.engine is not None:
            self.engine.call(lambda: None).result()  # due timers fire first, in that turn
        while self._agenda and self._agenda[0].when <= moment:
            item = heapq.heappop(self._agenda)
            try:
                self.client.raise_event(item.instance_id, item.name, item.data)
            except FaasError as exc:
                log.warning(f"event {item.name!r} at {self.now}: {exc.diagnostics[0].message}")
        scheduler = self.runtime.scheduler
        assert scheduler is not None
        for fn in scheduler.functions:
            if self._ticks[fn.name] <= moment:
                self._ticks[fn.name] = scheduler.fire_due(fn)

    def _start_drains(self) -> bool:
        """Start delivering to each consumer with a delivery visible now (one batch at a
        time per consumer, per partition for ordered ones)."""
        started = False
        now = self.clock.now()
        for n, consumer in enumerate(self.consumers):
            visible = self.host.store.next_visible(consumer.channel)
            if visible is None or visible > now:
                continue
            parts = consumer.parts if consumer.ordered else consumer.parts[:1]
            for part in parts:
                key = (n, part)
                if key not in self._drains:
                    coro = consumer.drain_once(part)
                    self._drains[key] = asyncio.run_coroutine_threadsafe(coro, self._loop)
                    started = True
        return started

    def _reap(self) -> None:
        for key, fut in list(self._drains.items()):
            if fut.done():
                del self._drains[key]
                fut.result()

    def _moment(self, at: datetime | timedelta | None) -> float:
        if at is None:
            return self.clock.now()
        if isinstance(at, timedelta):
            return self.clock.now() + at.total_seconds()
        return (at if at.tzinfo else at.replace(tzinfo=UTC)).timestamp()
