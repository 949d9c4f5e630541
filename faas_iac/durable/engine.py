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
import itertools
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

from . import codec, errors, journal
from .activities import ActivityRunner, ContextFactory, bare_context, http_activity
from .clock import SYSTEM, Clock
from .context import HTTP_ACTIVITY
from .control import Controls
from .entities import EntityTable
from .messages import (
    ActivityDone,
    AwaitIdle,
    Call,
    Continue,
    Control,
    ControlAction,
    Deliver,
    Idle,
    Job,
    Message,
    Pump,
    Purge,
    RaiseEvent,
    Rewind,
    Signal,
    Start,
    Stop,
    Wait,
)
from .orchestration import TERMINAL, Orchestration
from .slots import Slots
from .store import Batch, InstanceRow, Store
from .watch import DEFAULT_LIMIT_S, Superseded, Watch

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
    #: how long one orchestrator step may run before its instance fails (:mod:`.watch`)
    step_limit: float = DEFAULT_LIMIT_S
    _by_function: dict[Any, str] = field(default_factory=dict, init=False, repr=False)

    def remember(self) -> None:
        """Note each function's registered name now (activity mocks may replace them later)."""
        for table in (self.orchestrators, self.activities):
            for name, fn in table.items():
                self._by_function.setdefault(fn, name)

    def name_of(self, target: Any, kind: str) -> str:
        """The name ``target`` (a decorated function, or azure-functions-durable's
        ``FunctionBuilder``) was registered under as an ``kind`` ("activity"/"orchestrator")."""
        built = getattr(getattr(target, "_function", None), "_name", None)
        if isinstance(built, str):
            return built
        try:
            return self._by_function[target]
        except (KeyError, TypeError):
            pass
        table = self.activities if kind == "activity" else self.orchestrators
        for name, fn in table.items():
            if fn is target or getattr(fn, "__wrapped__", None) is target:
                self._by_function[target] = name
                return name
        raise ValueError(
            f"call_{'activity' if kind == 'activity' else 'sub_orchestrator'} got "
            f"{getattr(target, '__qualname__', target)!r}, which is not a registered {kind}: "
            f"decorate it with @app.{kind}, or pass the {kind}'s name"
        )


class Engine(Controls):
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
        registry.activities.setdefault(HTTP_ACTIVITY, http_activity)
        registry.remember()
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
        self.watch = Watch(registry.step_limit, self._spawn)
        self._rebuilding = False
        self._running = True
        self.history_events = 0
        # the turn being processed (kept on the engine so a replacement thread can finish it)
        self._msgs: list[Message] = []
        self._pos = 0
        self._open = False
        self._deadlines: list[tuple[float, int, str, Future[Any]]] = []
        self._seq = itertools.count()
        self._idlers: list[AwaitIdle] = []
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
        thread = self._spawn(None)
        self.watch.owner = thread
        thread.start()
        self.call(lambda: None).result()  # recovery done
        self.watch.start()

    def stop(self, timeout: float = 10.0) -> None:
        owner = self.watch.owner
        if owner is None:
            return
        self.watch.stop()
        self._inbox.put(Stop())
        owner.join(timeout)
        self.activities.stop()
        self.watch.owner = None
        self.store.close()

    def _spawn(self, stuck: Orchestration | None) -> threading.Thread:
        return threading.Thread(target=self._run, args=(stuck,), name="durable-engine", daemon=True)

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

    def idle(self, jump: Callable[[Idle], bool] | None = None) -> Future[Idle]:
        """Answered once the engine has nothing left to do until time moves (see :class:`Idle`):
        no message waiting, no activity running, no timer or wait deadline due. ``jump``: see
        :class:`~.messages.AwaitIdle`."""
        reply: Future[Any] = Future()
        self.post(AwaitIdle(reply, jump))
        return reply

    def start_new(
        self,
        name: str,
        instance_id: str | None,
        input_json: str | None,
        version: str | None = None,
    ) -> Future[Any]:
        """The new instance's id, once its start has committed."""
        reply: Future[Any] = Future()
        if instance_id is None:  # a fresh random id: no need to look for an existing instance
            self.post(Start(uuid.uuid4().hex, name, input_json, True, version=version, reply=reply))
        else:
            self.post(Start(instance_id, name, input_json, version=version, reply=reply))
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

    def wait(self, instance_id: str, deadline: float | None = None) -> Future[Any]:
        """The instance's status once it is Completed, Failed or Terminated, or at ``deadline``
        (engine-clock seconds; ``None``: no deadline), whichever comes first."""
        reply: Future[Any] = Future()
        self.post(Wait(instance_id, reply, deadline))
        return reply

    def rewind(self, instance_id: str, reason: str | None) -> Future[Any]:
        reply: Future[Any] = Future()
        self.post(Rewind(instance_id, reason, reply))
        return reply

    def signal(self, entity: str, operation: str, input_json: str | None) -> Future[Any]:
        reply: Future[Any] = Future()
        self.post(Signal(entity, operation, input_json, reply=reply))
        return reply

    # -- the engine thread -------------------------------------------------------------------
    def _run(self, stuck: Orchestration | None) -> None:
        try:
            if stuck is None:
                self._recover()
                self.watch.enabled = True
            else:  # this thread replaces one stuck in that instance's code: finish its turn
                self._abandon(stuck)
            while self._running:
                if not self._open:
                    self._collect()
                self._process()
        except Superseded:
            return

    def _timeout(self) -> float | None:
        due = self._earliest()
        if due is None:
            return None
        delta = due - self.clock.now()
        return 0.0 if delta <= 0 else self.clock.wait_seconds(delta)

    def _earliest(self) -> float | None:
        times = [self._timers[0][0]] if self._timers else []
        if self._deadlines:
            times.append(self._deadlines[0][0])
        return min(times, default=None)

    def _collect(self) -> None:
        msgs: list[Message] = []
        with contextlib.suppress(queue.Empty):
            msgs.append(self._inbox.get(timeout=self._timeout()))
        while len(msgs) < MAX_BATCH:
            try:
                msgs.append(self._inbox.get_nowait())
            except queue.Empty:
                break
        now = self.clock.now()
        while self._timers and self._timers[0][0] <= now:
            _, iid, gen, tid = heapq.heappop(self._timers)
            msgs.append(Deliver(iid, gen, {"type": "TimerFired", "id": tid, "ts": now}))
        while self._deadlines and self._deadlines[0][0] <= now:
            _, _, iid, fut = heapq.heappop(self._deadlines)
            if not fut.done():
                self._unwait(iid, fut)
                self._acks.append((fut, self._status_of(iid)))
        self._msgs, self._pos, self._open = msgs, 0, True

    def _process(self) -> None:
        msgs = self._msgs
        while self._pos < len(msgs):
            msg = msgs[self._pos]
            self._pos += 1
            if isinstance(msg, Stop):
                self._running = False
            else:
                self._guard(msg)
        self._turn_end()
        self._open = False

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
            case Rewind():
                self._on_rewind(msg)
            case AwaitIdle():
                self._idlers.append(msg)
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

    def _abandon(self, inst: Orchestration) -> None:
        """Fail ``inst``, whose step outran the limit on the thread this one replaces, and
        answer the caller of the message that thread was handling."""
        error = errors.blocked_error(inst.name, self.watch.limit)
        inst.abandon(error)
        self._dirty[inst.instance_id] = inst
        self._end(inst)
        if self._open and self._pos > 0:
            msg = self._msgs[self._pos - 1]
            reply = getattr(msg, "reply", None)
            if reply is not None and not reply.done():
                self._ack(reply, inst.instance_id if isinstance(msg, Start) else None)

    def _turn_end(self) -> None:
        while self._internal:
            self._guard(self._internal.popleft())
        batch = self._batch
        now = self.clock.now()
        for inst in self._dirty.values():
            inst.flush(batch, now)
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
        if self._idlers and self._quiet():
            idle = Idle(self._next_due(), sum(len(w) for w in self._waiters.values()))
            if idle.next_due is not None and all(i.jump and i.jump(idle) for i in self._idlers):
                return  # the clock moved to the next due moment: run on
            idlers, self._idlers = self._idlers, []
            for waiting in idlers:
                if waiting.reply is not None:
                    waiting.reply.set_result(idle)

    def _quiet(self) -> bool:
        due = self._earliest()
        return (
            self._inbox.empty()
            and not self._internal
            and not self.activities.busy
            and (due is None or due > self.clock.now())
        )

    def _next_due(self) -> float | None:
        """The earliest live timer or pending wait deadline (stale timers are dropped)."""
        timers = self._timers
        while timers and not self._live_timer(*timers[0][1:]):
            heapq.heappop(timers)
        deadlines = self._deadlines
        while deadlines and deadlines[0][3].done():
            heapq.heappop(deadlines)
        return self._earliest()

    def _live_timer(self, iid: str, gen: int, tid: int) -> bool:
        inst = self._cache.get(iid)
        if inst is None or inst.generation != gen:
            return False
        task = inst.open.get(tid)
        return task is not None and not getattr(task, "is_cancelled", False)

    def _reset_turn(self) -> None:
        self._batch = Batch()
        self._dirty = {}
        self._acks = []
        self._dispatch = []
        self._arm = []
        self._ended = []

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
            journal.orchestration_ended(
                inst.name, inst.instance_id, inst.status, self.clock.now() - inst.started
            )

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
                    version=task.payload.get("version"),
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
        journal.orchestration_ended(
            inst.name,
            iid,
            inst.status,
            self.clock.now() - inst.started,
            inst.error,
            (inst.error or {}).get("code"),
        )
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
        journal.orchestration_started(inst.name, inst.instance_id)
        event = {
            "type": "ExecutionStarted",
            "name": inst.name,
            "input": inst.input_json,
            "generation": inst.generation,
            "ts": self.clock.now(),
        }
        if inst.version is not None:
            event["version"] = inst.version
        inst.deliver(event)
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
            iid,
            name,
            fn,
            parent=parent,
            parent_task=msg.parent_task,
            now=self.clock.now(),
            watch=self.watch,
            names=self.registry.name_of,
        )
        inst.input_json = msg.input_json
        inst.version = msg.version
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

    def _on_deliver(self, iid: str, gen: int | None, event: dict[str, Any]) -> None:
        inst = self._cache.get(iid)
        if inst is None or inst.status == "Pending" or (gen is not None and gen != inst.generation):
            return
        inst.deliver(event)
        self._touch(inst)

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
            self._dispatch_open(inst)
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
        self.watch.enabled = False  # a replacement thread cannot take over a half-done reload
        try:
            self._internal.clear()
            self._cache.clear()
            self.slots.clear()
            self._timers.clear()
            self.entities.forget()
            self._recover()
        finally:
            self._rebuilding = False
            self.watch.enabled = True

    def _restore(self, row: InstanceRow) -> Orchestration | None:
        return self._revive(row, self.store.writer_history(row.id))

    def _revive(self, row: InstanceRow, history: list[dict[str, Any]]) -> Orchestration:
        """The instance of ``row`` rebuilt by replaying ``history``."""
        inst = Orchestration(
            row.id,
            row.name,
            self.registry.orchestrators.get(row.name),
            parent=row.parent,
            parent_task=row.parent_task,
            generation=row.generation,
            now=row.created,
            watch=self.watch,
            names=self.registry.name_of,
        )
        inst.created = row.created
        inst.input_json = row.input
        inst.replay(history)
        return inst

    def _dispatch_open(self, inst: Orchestration) -> None:
        """Send out again the work a rebuilt instance waits for: its activities and timers
        (what its replay scheduled anew is in its outbox and routed by :meth:`_touch`)."""
        inst.outbox = [t for t in inst.outbox if t.kind not in ("activity", "timer")]
        for task in inst.pending_work():
            self._route(inst, task)
