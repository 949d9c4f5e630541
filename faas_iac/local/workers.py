"""Delivery loops: each asynchronous function's worker pool, and the schedules that feed them.

A consumer claims a batch from its channel, calls the handler once per delivery, acks what
succeeded and releases what failed with a backoff; a delivery that used its last attempt moves
to the dead-letter channel. Streams and table changes are ordered: one worker per partition,
and a failure stops the batch so later records wait for the one that failed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from ..model import AppModel, Function
from ..runtime.types import CloudEvent, Message, TimerInfo
from ..schedule import PortableSchedule, parse_schedule
from .bindings import fn_channel, queue_channel
from .clock import SYSTEM, Clock
from .invoker import HandlerTimeout, Invoker, new_invocation_id
from .store import Delivery, Enqueue, Store

log = logging.getLogger("faas_iac.host")
POLL_S = 0.25
MAX_CATCH_UP = 100


def _ts(value: float) -> datetime:
    return datetime.fromtimestamp(value, UTC)


def _message(fn: Function, d: Delivery) -> Message:
    t = fn.trigger
    return Message(
        id=d.id,
        body=d.body,
        attributes=d.attributes,
        delivery_count=d.deliveries,
        source=str(getattr(t, t.type, "")),
        partition_key=d.attributes.get("partition_key"),
        sequence=str(d.seq) if t.type == "stream" else None,
        enqueued_at=_ts(d.enqueued),
    )


def _event(fn: Function, d: Delivery) -> CloudEvent:
    raw = json.loads(d.body)
    when = raw.get("time")
    return CloudEvent(
        id=raw["id"],
        source=raw["source"],
        type=raw["type"],
        data=raw.get("data"),
        subject=raw.get("subject"),
        time=datetime.fromisoformat(when) if when else None,
    )


def _timer(fn: Function, d: Delivery) -> TimerInfo:
    raw = json.loads(d.body)
    last = raw.get("last")
    return TimerInfo(
        scheduled_time=_ts(raw["scheduled"]),
        past_due=bool(raw.get("past_due")),
        last_fire=_ts(last) if last else None,
    )


#: What each asynchronous trigger hands its handler, built from a stored delivery.
PAYLOADS: dict[str, Callable[[Function, Delivery], Any]] = {
    "queue": _message,
    "topic": _message,
    "stream": _message,
    "storage": _event,
    "table": _event,
    "event": _event,
    "schedule": _timer,
}


def channel_of(fn: Function) -> str:
    t = fn.trigger
    return queue_channel(t.queue) if t.type == "queue" else fn_channel(fn.name)


class Consumer:
    """The worker pool of one asynchronous function."""

    def __init__(self, model: AppModel, invoker: Invoker, store: Store) -> None:
        fn = invoker.fn
        t = fn.trigger
        self.fn, self.invoker, self.store = fn, invoker, store
        self.channel = channel_of(fn)
        self.payload = PAYLOADS[t.type]
        self.batch = int(getattr(t, "batch_size", 10))
        self.visibility = float(fn.timeout * self.batch + 5)  # a whole batch, one by one
        self.max_deliveries = 5
        self.dead = f"dead:{self.channel}"
        if t.type == "queue":
            res = model.resource("queue", t.queue)
            self.visibility = float(max(res.visibility_timeout, 1))
            self.max_deliveries = res.max_deliveries
            if res.dead_letter:
                self.dead = queue_channel(res.dead_letter)
        fifo = t.type == "queue" and model.resource("queue", t.queue).fifo
        self.ordered = t.type in ("stream", "table") or fifo
        parts = model.resource("stream", t.stream).partitions if t.type == "stream" else 1
        self.parts = list(range(parts)) if self.ordered else [None] * invoker.workers
        self.wake = asyncio.Event()
        self.stopping = False
        self.inflight: set[int] = set()
        self.tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        self.tasks = [asyncio.create_task(self._run(p)) for p in self.parts]

    async def stop(self, grace: float) -> None:
        """Stop claiming; let running handlers finish for ``grace`` s, then requeue the rest."""
        self.stopping = True
        self.wake.set()
        if self.tasks:
            _, pending = await asyncio.wait(self.tasks, timeout=grace)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        if self.inflight:
            self.store.release(list(self.inflight))
            log.info(
                f"{self.fn.name}: requeued {len(self.inflight)} deliveries at shutdown",
                extra={"function": self.fn.name},
            )
            self.inflight.clear()

    async def _run(self, part: int | None) -> None:
        while not self.stopping:
            try:
                await self._round(part)
            except asyncio.CancelledError:
                raise
            except Exception:  # the store failed (disk full, locked too long): retry soon
                log.exception(
                    f"{self.fn.name}: delivery loop error; retrying",
                    extra={"function": self.fn.name},
                )
                await asyncio.sleep(POLL_S)

    async def _round(self, part: int | None) -> None:
        """Claim one batch and deliver it (or wait a little for work)."""
        if not await self.drain_once(part):
            self.wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), POLL_S)

    async def drain_once(self, part: int | None) -> int:
        """Claim one batch and deliver it; how many deliveries were claimed (0: none visible)."""
        batch = self.store.claim(
            self.channel, self.batch, self.visibility, part=part, ordered=self.ordered
        )
        if batch:
            await self._deliver_batch(batch)
        return len(batch)

    async def _deliver_batch(self, batch: list[Delivery]) -> None:
        self.inflight.update(d.seq for d in batch)
        for i, d in enumerate(batch):
            if self.stopping:
                return
            ok = await self._deliver(d)
            self.inflight.discard(d.seq)
            if not ok and self.ordered:
                rest = [x.seq for x in batch[i + 1 :]]
                self.store.release(rest, self._backoff(d))
                self.inflight.difference_update(rest)
                return

    def _backoff(self, d: Delivery) -> float:
        return float(min(0.1 * 2 ** (d.deliveries - 1), self.visibility, 30.0))

    async def _deliver(self, d: Delivery) -> bool:
        invocation = new_invocation_id()
        extra = {"function": self.fn.name, "invocation_id": invocation, "delivery": d.deliveries}
        started = time.perf_counter()
        try:
            payload = self.payload(self.fn, d)
            await self.invoker.call(payload, invocation)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            code = "FIAC808" if isinstance(exc, HandlerTimeout) else "FIAC809"
            last = d.deliveries >= self.max_deliveries
            action = f"dead-lettered to {self.dead}" if last else "will retry"
            log.error(
                f"{self.fn.name} failed on delivery {d.deliveries}/{self.max_deliveries} of "
                f"{d.id}: {type(exc).__name__}: {exc}; {action}",
                extra={**extra, "code": code},
                exc_info=not isinstance(exc, HandlerTimeout),
            )
            if last:
                self.store.dead_letter(d.seq, self.dead)
            else:
                self.store.release([d.seq], self._backoff(d))
            return False
        self.store.ack([d.seq])
        ms = round((time.perf_counter() - started) * 1000, 2)
        log.info(f"{self.fn.name} handled {d.id}", extra={**extra, "duration_ms": ms})
        return True


class Scheduler:
    """Fires schedule ticks into their functions' channels. The last fire of each schedule is
    committed with its tick, so a restart neither loses nor repeats a tick: missed ticks are
    delivered once each (``past_due``, at most 100), and none twice.

    Time is the host's clock: :meth:`fire_due` fires what is due at ``clock.now()`` and says
    when the next tick falls due; the loop of :meth:`start` sleeps between ticks on the wall
    clock (scaled by ``--time-scale``), while the test kit calls :meth:`begin` and
    :meth:`fire_due` itself as it moves its virtual clock."""

    def __init__(
        self,
        functions: list[Function],
        store: Store,
        notify: Callable[[str], None],
        clock: Clock = SYSTEM,
    ) -> None:
        self.functions, self.store, self.notify, self.clock = functions, store, notify, clock
        self.tasks: list[asyncio.Task[None]] = []
        self._plans: dict[str, PortableSchedule] = {}
        self._last: dict[str, float] = {}

    def start(self) -> None:
        self.tasks = [asyncio.create_task(self._run(fn)) for fn in self.functions]

    async def stop(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)

    def _fire(
        self, fn: Function, when: float, last: float | None, past_due: bool, mark: bool = True
    ) -> None:
        body = json.dumps({"scheduled": when, "last": last, "past_due": past_due}).encode()
        channel = fn_channel(fn.name)
        self.store.enqueue([Enqueue(channel, body, {})], schedule=(fn.name, when) if mark else None)
        self.notify(channel)

    async def _run(self, fn: Function) -> None:
        while True:
            try:
                await self._ticks(fn)
            except asyncio.CancelledError:
                raise
            except Exception:  # the store failed: the last mark is safe, start over from it
                log.exception(f"{fn.name}: schedule error; retrying", extra={"function": fn.name})
                await asyncio.sleep(1.0)

    async def _ticks(self, fn: Function) -> None:
        self.begin(fn)
        while True:
            nxt = self.fire_due(fn)
            wait = self.clock.wait_seconds(max(0.0, nxt - self.clock.now()))
            await asyncio.sleep(min(1.0 if wait is None else wait, 1.0))

    def begin(self, fn: Function) -> None:
        """Read the schedule's last mark (a start-up run first, if asked for); a schedule
        never run, or marked later than now (by a faster clock), counts from now."""
        t = fn.trigger
        self._plans[fn.name] = parse_schedule(
            getattr(t, "cron", None), getattr(t, "every", None), getattr(t, "tz", "UTC")
        )
        last = self.store.last_fire(fn.name)
        now = self.clock.now()
        if getattr(t, "run_on_startup", False):  # an extra run at each start, not a tick
            self._fire(fn, now, last, False, mark=False)
        if last is None or last > now:
            last = now
            self.store.enqueue([], schedule=(fn.name, last))
        self._last[fn.name] = last

    def fire_due(self, fn: Function) -> float:
        """Fire every tick of ``fn`` due by now (those due more than a second ago as missed,
        ``past_due``); the instant of the next one."""
        last = self._last[fn.name]
        fires = self._plans[fn.name].iter_fires(_ts(last))
        nxt = next(fires).timestamp()
        now = self.clock.now()
        missed = 0
        while nxt <= now - 1.0 and missed < MAX_CATCH_UP:  # due more than 1 s ago
            self._fire(fn, nxt, last, True)
            last, nxt, missed = nxt, next(fires).timestamp(), missed + 1
        if missed == MAX_CATCH_UP:
            while nxt <= now - 1.0:  # older ticks than the cap are skipped, once
                last, nxt = nxt, next(fires).timestamp()
            self.store.enqueue([], schedule=(fn.name, last))
        if missed:
            log.info(f"{fn.name}: fired {missed} missed ticks", extra={"function": fn.name})
        if nxt <= now:
            self._fire(fn, nxt, last, False)
            last, nxt = nxt, next(fires).timestamp()
        self._last[fn.name] = last
        return nxt
