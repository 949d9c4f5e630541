"""The durable engine: one thread that owns every cached instance and the SQLite writer.

Each turn of its loop takes every message waiting (starts, activity results, due timers,
external events, entity signals, terminate/suspend/resume/purge), applies them to cached
instances, runs what they cascade into within the same turn (sub-orchestration starts and
completions, entity operations and their replies), commits everything in one transaction
(the group commit), and only then acknowledges callers, dispatches activities and arms
timers. A caller told "done" is therefore told so only after the commit; a crash before it
loses only work that is redone on restart (activities are at-least-once).
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import logging
import queue
import threading
import uuid
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, assert_never

from . import codec, errors
from .activities import ActivityRunner, ContextFactory, bare_context
from .clock import SYSTEM, Clock
from .entities import EntityTable
from .messages import (
    ActivityDone,
    Call,
    Continue,
    Control,
    ControlAction,
    Deliver,
    Event,
    Job,
    Message,
    Pump,
    Purge,
    RaiseEvent,
    Signal,
    Start,
    Stop,
    Wait,
)
from .orchestration import TERMINAL, Orchestration
from .slots import Slots
from .store import Batch, InstanceRow, Store

log = logging.getLogger("faas_iac.durable")
MAX_BATCH = 4096


@dataclass
class Registry:
    """The functions the engine runs, by name, and the concurrency limits that apply."""

    orchestrators: dict[str, Callable[..., Any]] = field(default_factory=dict)
    activities: dict[str, Callable[..., Any]] = field(default_factory=dict)
    entities: dict[str, Callable[..., Any]] = field(default_factory=dict)
    limits: dict[str, int] = field(default_factory=dict)
    max_activities: int = 64
    max_orchestrations: int = 64
    #: the context an activity that takes ``(input, ctx)`` receives (the host's bindings)
    context: ContextFactory = bare_context


class Engine:
    """Runs ``registry``'s functions on ``store`` (which it closes at :meth:`stop`), reading and
    waiting for time only through ``clock`` (:mod:`.clock`)."""

    def __init__(
        self,
        registry: Registry,
        store: Store,
        clock: Clock = SYSTEM,
        loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        self.registry = registry
        self.store = store
        self.clock = clock
        self.loop = loop
        self.entities = EntityTable(registry.entities, self.store.writer_entity, clock.now)
        self._inbox: queue.SimpleQueue[Message] = queue.SimpleQueue()
        self._cache: dict[str, Orchestration] = {}
        self._timers: list[tuple[float, str, int, int]] = []
        self._waiters: dict[str, list[Future[Any]]] = {}
        self.slots = Slots(registry.limits, registry.max_orchestrations)
        self.activities = ActivityRunner(
            registry.activities,
            registry.limits,
            registry.max_activities,
            self._inbox.put,
            registry.context,
            clock,
        )
        self._thread: threading.Thread | None = None
        self._rebuilding = False
        self.history_events = 0
        # per-turn state
        self._batch = Batch()
        self._dirty: dict[str, Orchestration] = {}
        self._internal: deque[Message] = deque()
        self._acks: list[tuple[Future[Any], Any]] = []
        self._dispatch: list[Job] = []
        self._arm: list[tuple[float, str, int, int]] = []
        self._ended: list[Orchestration] = []

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> None:
        self.activities.loop = self.loop
        self.activities.start()
        self._thread = threading.Thread(target=self._run, name="durable-engine", daemon=True)
        self._thread.start()
        self.call(lambda: None).result()  # recovery done

    def stop(self, timeout: float = 10.0) -> None:
        if self._thread is None:
            return
        self._inbox.put(Stop())
        self._thread.join(timeout)
        self.activities.stop()
        self._thread = None
        self.store.close()

    # -- thread-safe entry points --------------------------------------------------------------
    def post(self, msg: Message) -> None:
        self._inbox.put(msg)

    def call(self, fn: Callable[[], Any]) -> Future[Any]:
        """Run ``fn`` on the engine thread; its result once the turn has committed."""
        reply: Future[Any] = Future()
        self.post(Call(fn, reply))
        return reply

    def wake(self) -> None:
        """Look at the clock again now (a test's clock moved): fire the timers that are due."""
        self.call(lambda: None)

    def start_new(self, name: str, instance_id: str | None, input_json: str | None) -> Future[Any]:
        """The new instance's id, once its start has committed."""
        reply: Future[Any] = Future()
        if instance_id is None:  # a fresh random id: no need to look for an existing instance
            self.post(Start(uuid.uuid4().hex, name, input_json, fresh=True, reply=reply))
        else:
            self.post(Start(instance_id, name, input_json, reply=reply))
        return reply

    def raise_event(self, instance_id: str, name: str, input_json: str | None) -> Future[Any]:
        reply: Future[Any] = Future()
        self.post(RaiseEvent(instance_id, name, input_json, reply))
        return reply

    def control(self, action: ControlAction, instance_id: str, reason: str | None) -> Future[Any]:
        reply: Future[Any] = Future()
        self.post(Control(action, instance_id, reason, reply))
        return reply

    def purge(self, instance_id: str) -> Future[Any]:
        """How many instances were deleted (0 or 1), once committed."""
        reply: Future[Any] = Future()
        self.post(Purge(instance_id, reply))
        return reply

    def wait(self, instance_id: str) -> Future[Any]:
        """The instance's status once it is Completed, Failed or Terminated."""
        reply: Future[Any] = Future()
        self.post(Wait(instance_id, reply))
        return reply

    def signal(self, entity: str, operation: str, input_json: str | None) -> Future[Any]:
        reply: Future[Any] = Future()
        self.post(Signal(entity, operation, input_json, reply=reply))
        return reply

    # -- the engine thread -------------------------------------------------------------------
    def _run(self) -> None:
        self._recover()
        running = True
        while running:
            msgs: list[Message] = []
            timeout = None
            if self._timers:
                timeout = self.clock.wait_seconds(max(0.0, self._timers[0][0] - self.clock.now()))
            with contextlib.suppress(queue.Empty):
                msgs.append(self._inbox.get(timeout=timeout))
            while len(msgs) < MAX_BATCH:
                try:
                    msgs.append(self._inbox.get_nowait())
                except queue.Empty:
                    break
            now = self.clock.now()
            while self._timers and self._timers[0][0] <= now:
                _, iid, gen, tid = heapq.heappop(self._timers)
                msgs.append(Deliver(iid, gen, {"type": "TimerFired", "id": tid, "ts": now}))
            for msg in msgs:
                if isinstance(msg, Stop):
                    running = False
                else:
                    self._guard(msg)
            self._turn_end()

    def _guard(self, msg: Message) -> None:
        try:
            self._handle(msg)
        except Exception as exc:
            reply = getattr(msg, "reply", None)
            if reply is not None and not reply.done():
                reply.set_exception(exc)
            else:
                log.exception("durable engine: %s failed", type(msg).__name__)

    def _handle(self, msg: Message) -> None:
        match msg:
            case Start():
                self._on_start(msg)
            case Deliver(iid, gen, event):
                self._on_deliver(iid, gen, event)
            case ActivityDone(iid, gen, activity, event):
                self.activities.finished(activity)
                self._on_deliver(iid, gen, event)
            case RaiseEvent():
                self._on_event(msg)
            case Control():
                self._on_control(msg)
            case Purge():
                self._on_purge(msg)
            case Wait():
                self._on_wait(msg)
            case Call(fn, reply):
                self._ack(reply, fn())
            case Signal():
                self._on_signal(msg)
            case Pump():
                self._on_pump()
            case Continue(iid, gen):
                self._on_continue(iid, gen)
            case Stop():
                pass  # handled by the loop
            case _:
                assert_never(msg)

    def _ack(self, reply: Future[Any] | None, value: Any) -> None:
        """Settle ``reply`` with ``value`` once this turn has committed."""
        if reply is not None:
            self._acks.append((reply, value))

    def _turn_end(self) -> None:
        while self._internal:
            self._guard(self._internal.popleft())
        batch = self._batch
        for inst in self._dirty.values():
            self._flush(inst, batch)
        try:
            if batch:
                self.store.commit(batch)
        except Exception as exc:
            log.exception("durable engine: commit failed; reloading from the store")
            for fut, _ in self._acks:
                if not fut.done():
                    fut.set_exception(exc)
            self._reset_turn()
            self._rebuild()
            return
        self.history_events += len(batch.history)
        for fut, value in self._acks:
            if not fut.done():
                fut.set_result(value)
        for job in self._dispatch:
            self.activities.submit(job)
        for timer in self._arm:
            heapq.heappush(self._timers, timer)
        for inst in self._ended:
            for fut in self._waiters.pop(inst.instance_id, []):
                if not fut.done():
                    fut.set_result(inst.status)
        self._reset_turn()

    def _reset_turn(self) -> None:
        self._batch = Batch()
        self._dirty = {}
        self._acks = []
        self._dispatch = []
        self._arm = []
        self._ended = []

    def _flush(self, inst: Orchestration, batch: Batch) -> None:
        iid = inst.instance_id
        if inst.reset:
            batch.resets.append(iid)
            inst.reset = False
        first = len(inst.history) - len(inst.new_events)
        batch.history.extend(
            (iid, first + n, codec.dumps(e)) for n, e in enumerate(inst.new_events)
        )
        inst.new_events = []
        batch.instances.append(
            (
                iid,
                inst.name,
                inst.status,
                inst.input_json,
                inst.output_json,
                inst.custom_status_json,
                inst.created,
                self.clock.now(),
                inst.parent,
                inst.parent_task,
                inst.generation,
                codec.dumps(inst.error) if inst.error else None,
            )
        )

    # -- orchestrations --------------------------------------------------------------------------
    def _touch(self, inst: Orchestration) -> None:
        self._dirty[inst.instance_id] = inst
        if inst.outbox:
            outbox, inst.outbox = inst.outbox, []
            for task in outbox:
                self._route(inst, task)
        if inst.done:
            self._end(inst)
        elif inst.status == "ContinuedAsNew" and not inst.restart_queued:
            inst.restart_queued = True  # next turn: this one commits the ended execution first
            self._inbox.put(Continue(inst.instance_id, inst.generation))

    def _on_continue(self, iid: str, gen: int) -> None:
        inst = self._cache.get(iid)
        if inst is None or inst.generation != gen or inst.status != "ContinuedAsNew":
            return
        inst.restart()
        self._touch(inst)

    def _route(self, inst: Orchestration, task: Any) -> None:
        iid, gen, tid = inst.instance_id, inst.generation, task.id
        if task.kind == "activity":
            self._dispatch.append(Job(iid, gen, tid, task.name, task.payload["input"]))
        elif task.kind == "timer":
            fire = datetime.fromisoformat(task.payload["fire_at"]).timestamp()
            self._arm.append((fire, iid, gen, tid))
        elif task.kind == "suborchestration":
            self._internal.append(
                Start(
                    task.payload["instance"],
                    task.name,
                    task.payload["input"],
                    parent=iid,
                    parent_task=tid,
                )
            )
        else:
            answer = (iid, gen, tid) if task.kind == "entity" else None
            self._internal.append(
                Signal(task.name, task.payload["op"], task.payload["input"], answer)
            )

    def _end(self, inst: Orchestration) -> None:
        iid = inst.instance_id
        if self._cache.pop(iid, None) is None:
            return
        self._ended.append(inst)
        self._release(inst)
        if inst.parent is not None and inst.parent_task is not None:
            ok = inst.status == "Completed"
            event: dict[str, Any] = {
                "type": "SubOrchestrationInstanceCompleted"
                if ok
                else "SubOrchestrationInstanceFailed",
                "id": inst.parent_task,
                "instance": iid,
                "ts": self.clock.now(),
            }
            if ok:
                event["result"] = inst.output_json
            else:
                event["error"] = inst.error or {
                    "type": inst.status,
                    "message": codec.loads(inst.output_json) or "",
                }
            self._internal.append(Deliver(inst.parent, None, event))

    def _release(self, inst: Orchestration) -> None:
        if self.slots.give(inst):  # queued, not recursive: a launch may end at once too
            self._internal.append(Pump())

    def _on_pump(self) -> None:
        """Launch the Pending instances that freed slots now admit, oldest first."""
        for waiting in self.slots.admit(lambda i: i.instance_id in self._cache):
            self._launch(waiting)

    def _launch(self, inst: Orchestration) -> None:
        inst.deliver(
            {
                "type": "ExecutionStarted",
                "name": inst.name,
                "input": inst.input_json,
                "generation": inst.generation,
                "ts": self.clock.now(),
            }
        )
        self._touch(inst)

    def _on_start(self, msg: Start) -> None:
        iid, name, parent = msg.instance_id, msg.name, msg.parent
        fn = self.registry.orchestrators.get(name)
        if fn is None and parent is None:
            raise errors.unknown_orchestrator(name, list(self.registry.orchestrators))
        status = None if msg.fresh else self._status_of(iid)
        if status is not None and status not in TERMINAL:
            if parent is None:
                raise errors.already_running(iid, status)
            return  # a sub-orchestration started again by a replayed parent
        inst = Orchestration(
            iid, name, fn, parent=parent, parent_task=msg.parent_task, now=self.clock.now()
        )
        inst.input_json = msg.input_json
        if status is not None:
            inst.reset = True
            if iid in self._batch.purges:  # purged earlier in this turn, started again
                self._batch.purges.remove(iid)
        self._cache[iid] = inst
        if self.slots.try_take(inst):
            self._launch(inst)
        else:
            self._dirty[iid] = inst
        self._ack(msg.reply, iid)

    def _on_deliver(self, iid: str, gen: int | None, event: Event) -> None:
        inst = self._cache.get(iid)
        if inst is None or inst.status == "Pending" or (gen is not None and gen != inst.generation):
            return
        inst.deliver(event)
        self._touch(inst)

    def _live(self, iid: str, action: str) -> Orchestration:
        inst = self._cache.get(iid)
        if inst is not None:
            return inst
        status = self._status_of(iid)
        if status is None:
            raise errors.not_found(iid)
        raise errors.not_running(iid, status, action)

    def _on_event(self, msg: RaiseEvent) -> None:
        inst = self._live(msg.instance_id, "raise an event on")
        inst.deliver(
            {
                "type": "EventRaised",
                "name": msg.name,
                "input": msg.input_json,
                "ts": self.clock.now(),
            }
        )
        self._touch(inst)  # a Pending instance buffers it until it starts
        self._ack(msg.reply, None)

    def _on_control(self, msg: Control) -> None:
        kind, iid, reason = msg.action, msg.instance_id, msg.reason
        inst = self._live(iid, kind.lower())
        self._ack(msg.reply, None)
        if kind == "Terminate":
            if inst.status == "Pending":
                inst.status = "Terminated"
                inst.output_json = codec.dumps(reason)
                self._dirty[iid] = inst
                self._end(inst)
                return
            inst.deliver({"type": "ExecutionTerminated", "reason": reason, "ts": self.clock.now()})
        elif kind == "Suspend" and inst.status == "Running":
            inst.deliver({"type": "ExecutionSuspended", "reason": reason, "ts": self.clock.now()})
        elif kind == "Resume" and inst.status == "Suspended":
            inst.deliver({"type": "ExecutionResumed", "reason": reason, "ts": self.clock.now()})
        self._touch(inst)

    def _on_purge(self, msg: Purge) -> None:
        iid = msg.instance_id
        if iid in self._cache:
            raise errors.still_running(iid, self._cache[iid].status)
        status = self._status_of(iid)
        self._batch.purges.append(iid)
        self._ack(msg.reply, 1 if status is not None else 0)

    def _on_wait(self, msg: Wait) -> None:
        iid = msg.instance_id
        if iid in self._cache:
            if msg.reply is not None:
                self._waiters.setdefault(iid, []).append(msg.reply)
            return
        status = self._status_of(iid)
        if status is None:
            raise errors.not_found(iid)
        self._ack(msg.reply, status)

    def _status_of(self, iid: str) -> str | None:
        """The status as of the end of this turn (an instance may have ended in it)."""
        inst = self._cache.get(iid) or self._dirty.get(iid)
        if inst is not None:
            return inst.status
        row = self.store.writer_instance(iid)
        return None if row is None else row.status

    # -- entities ----------------------------------------------------------------------------------
    def _on_signal(self, msg: Signal) -> None:
        outcome = self.entities.run(msg.entity, msg.operation, msg.input_json, self._batch.entities)
        if msg.answer is not None:
            iid, gen, tid = msg.answer
            event: dict[str, Any] = {"id": tid, "ts": self.clock.now()}
            if outcome.ok:
                event.update(type="EntityOperationCompleted", result=outcome.result_json)
            else:
                event.update(type="EntityOperationFailed", error=outcome.error)
            self._on_deliver(iid, gen, event)
        self._ack(msg.reply, None)

    # -- recovery ---------------------------------------------------------------------------
    def _recover(self) -> None:
        rows = self.store.active()
        for row in rows:
            inst = self._restore(row)
            if inst is None:
                continue
            self._cache[row.id] = inst
            if inst.status == "Pending":
                self.slots.pending.append(inst)
                continue
            self.slots.take(inst)
            outbox, inst.outbox = inst.outbox, []
            inst.outbox = [t for t in outbox if t.kind not in ("activity", "timer")]
            for task in inst.pending_work():
                self._route(inst, task)
            self._touch(inst)
        for inst in self.slots.admit(lambda i: True):
            self._launch(inst)
        self._turn_end()
        log.info("durable engine: recovered %d instances", len(rows))

    def _rebuild(self) -> None:
        """After a failed commit memory is ahead of the store: forget it and start again from
        what the store holds, as after a restart (callers of the failed turn got the error)."""
        if self._rebuilding:
            return
        self._rebuilding = True
        try:
            self._internal.clear()
            self._cache.clear()
            self.slots.clear()
            self._timers.clear()
            self.entities.forget()
            self._recover()
        finally:
            self._rebuilding = False

    def _restore(self, row: InstanceRow) -> Orchestration | None:
        fn = self.registry.orchestrators.get(row.name)
        inst = Orchestration(
            row.id,
            row.name,
            fn,
            parent=row.parent,
            parent_task=row.parent_task,
            generation=row.generation,
            now=row.created,
        )
        inst.created = row.created
        inst.input_json = row.input
        inst.replay(self.store.writer_history(row.id))
        return inst
