"""One orchestration instance in memory: its history, its live generator, its open tasks.

Replay and live execution are one code path. Events are *applied* in history order; each
completion resolves a task and resumes the generator; each task the generator yields is
*scheduled*: given the next sequence id and checked against the scheduling event history
holds for that id (same kind and name, else the instance fails with both named), or, when
history has none, recorded as a new event. A cached instance applies only new events, so a
step costs the same whatever the length of the history; a full replay happens only when an
instance is loaded after a restart.
"""

from __future__ import annotations

import contextlib
import inspect
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from . import codec
from .context import _NO_INPUT, DurableOrchestrationContext
from .tasks import AtomicTask, NonDeterminismError, TaskBase, TaskFailedError, TimerTask

if TYPE_CHECKING:  # the engine's store and watchdog stay off the Lambda code path
    from .store import Batch
    from .watch import Watch

#: (a function or its name, the kind wanted) → the registered name (``Registry.name_of``)
NameOf = Callable[[Any, str], str]

#: Scheduling event type per task kind; these are the events replay checks.
SCHEDULED = {
    "activity": "TaskScheduled",
    "timer": "TimerCreated",
    "suborchestration": "SubOrchestrationInstanceCreated",
    "entity": "EntityOperationCalled",
    "signal": "EntityOperationSignaled",
}
SCHEDULING_EVENTS = frozenset(SCHEDULED.values())
_LABEL = {
    "TaskFailed": "Activity function",
    "SubOrchestrationInstanceFailed": "Orchestrator function",
    "EntityOperationFailed": "Entity operation",
}
TERMINAL = frozenset({"Completed", "Failed", "Terminated"})


def error_of(exc: BaseException) -> dict[str, str]:
    return {"type": type(exc).__name__, "message": str(exc)}


class Orchestration:
    """The state machine of one instance (one execution; ``continue_as_new`` starts another)."""

    def __init__(
        self,
        instance_id: str,
        name: str,
        fn: Callable[..., Any] | None,
        *,
        parent: str | None = None,
        parent_task: int | None = None,
        generation: int = 0,
        now: float,
        watch: Watch | None = None,
        names: NameOf | None = None,
    ) -> None:
        self.instance_id = instance_id
        self.name = name
        self.fn = fn
        self.parent = parent
        self.parent_task = parent_task
        self.generation = generation
        self.created = now
        self.started = now
        self.watch = watch
        self.names = names
        self.version: str | None = None
        self.history: list[dict[str, Any]] = []
        self.new_events: list[dict[str, Any]] = []
        self.outbox: list[AtomicTask] = []
        self.reset = False
        self.restart_queued = False
        self.continued_input: Any = _NO_INPUT
        self.status = "Pending"
        self.input_json: str | None = None
        self.output_json: str | None = None
        self.error: dict[str, str] | None = None
        self.custom_status_json: str | None = None
        self.now = datetime.fromtimestamp(now, UTC)
        self.replaying = False
        self._init_run()

    def _init_run(self) -> None:
        self.ctx = DurableOrchestrationContext(self)
        self.recorded: dict[int, dict[str, Any]] = {}
        self.open: dict[int, AtomicTask] = {}
        self.waiting: dict[str, deque[AtomicTask]] = {}
        self.buffered: dict[str, deque[str | None]] = {}
        self.suspended = False
        self.held: list[dict[str, Any]] = []
        self.gen: Any = None
        self.current: TaskBase | None = None
        self.next_id = 0
        self.nondeterminism: str | None = None

    # -- the outside world -------------------------------------------------------------------
    @property
    def done(self) -> bool:
        return self.status in TERMINAL

    def flush(self, batch: Batch, now: float) -> None:
        """Add what changed since the last commit to ``batch``: new history rows (all of them
        after a reset) and the instance's row."""
        iid = self.instance_id
        if self.reset:
            batch.resets.append(iid)
            self.reset = False
        first = len(self.history) - len(self.new_events)
        batch.history.extend(
            (iid, first + n, codec.dumps(e)) for n, e in enumerate(self.new_events)
        )
        self.new_events = []
        batch.instances.append(
            (
                iid,
                self.name,
                self.status,
                self.input_json,
                self.output_json,
                self.custom_status_json,
                self.created,
                now,
                self.parent,
                self.parent_task,
                self.generation,
                codec.dumps(self.error) if self.error else None,
            )
        )

    def abandon(self, error: dict[str, str]) -> None:
        """Fail this instance while another thread still runs its code: the generator is
        dropped, never resumed or closed (it is executing there)."""
        self.gen = None
        self.current = None
        self.outbox = []
        self.nondeterminism = None
        self._fail(error)

    def deliver(self, event: dict[str, Any]) -> None:
        """Record a new event and apply it (live)."""
        self.history.append(event)
        self.new_events.append(event)
        self._apply(event)

    def replay(self, history: list[dict[str, Any]]) -> None:
        """Rebuild the live state from stored history (after a restart)."""
        self.history = list(history)
        self.recorded = {e["id"]: e for e in history if e["type"] in SCHEDULING_EVENTS}
        self.replaying = True
        for event in history:
            if event["type"] not in SCHEDULING_EVENTS and not self.done:
                self._apply(event)
        self.replaying = False
        if not self.done and self.nondeterminism is None:
            missing = sorted(i for i in self.recorded if i >= self.next_id)
            if missing:
                old = self.recorded[missing[0]]
                self._nondeterministic(
                    f"history has {old['type']} {old.get('name')!r} at position {missing[0]}, "
                    "but the orchestrator code no longer schedules it"
                )
        self.recorded = {}

    def pending_work(self) -> list[AtomicTask]:
        """Open activities and timers to dispatch again after a restart."""
        return [t for t in self.open.values() if t.kind in ("activity", "timer")]

    # -- scheduling (called by the context and by retry tasks) -------------------------------
    def schedule(self, task: AtomicTask) -> None:
        if task._scheduled:
            return
        task._scheduled = True
        if task.kind == "event":
            queue = self.buffered.get(task.name)
            if queue:
                task._deliver(codec.loads(queue.popleft()))
            else:
                self.waiting.setdefault(task.name, deque()).append(task)
            return
        task.id = self.next_id
        self.next_id += 1
        if task.kind == "suborchestration" and not task.payload.get("instance"):
            task.payload["instance"] = f"{self.instance_id}:{task.id:04d}"
        event = {"type": SCHEDULED[task.kind], "id": task.id, "name": task.name, **task.payload}
        old = self.recorded.get(task.id)
        if old is not None:
            if old["type"] != event["type"] or old.get("name") != event["name"]:
                message = (
                    f"history has {old['type']} {old.get('name')!r} at position {task.id}, but "
                    f"the orchestrator code now schedules {event['type']} {event['name']!r}"
                )
                self._nondeterministic(message)
                raise NonDeterminismError(message)
            task.payload = {k: old[k] for k in task.payload if k in old}
        else:
            event["ts"] = self.now.timestamp()
            self.history.append(event)
            self.new_events.append(event)
            self.outbox.append(task)
        if task.kind != "signal":
            self.open[task.id] = task

    # -- applying events -----------------------------------------------------------------------
    def _apply(self, event: dict[str, Any]) -> None:
        kind = event["type"]
        if self.status == "ContinuedAsNew" and kind not in ("EventRaised", "ExecutionTerminated"):
            return  # work of the execution that ended; events wait for the next one
        if self.suspended and kind not in ("ExecutionResumed", "ExecutionTerminated"):
            self.held.append(event)
            return
        if "ts" in event:
            self.now = datetime.fromtimestamp(event["ts"], UTC)
        handler = _HANDLERS.get(kind)
        if handler is not None:
            handler(self, event)

    def _started(self, event: dict[str, Any]) -> None:
        self.input_json = event.get("input")
        self.generation = event.get("generation", self.generation)
        self.version = event.get("version", self.version)
        self.started = event.get("ts", self.started)
        self.status = "Running"
        if self.fn is None:
            self._fail({"type": "LookupError", "message": f"no orchestrator named {self.name!r}"})
            return
        ok, result = self._user(self.fn, self.ctx)
        if not ok:
            self._fail(error_of(result))
            return
        if not inspect.isgenerator(result):
            self._finish(result)
            return
        self.gen = result
        self._step(None, first=True)

    def _resolved(self, event: dict[str, Any]) -> None:
        task = self.open.get(event["id"])
        if task is None:
            return  # a duplicate or stale completion (at-least-once delivery)
        if "instance" in event and task.payload.get("instance") != event["instance"]:
            return  # a child of an earlier execution (before continue_as_new)
        del self.open[event["id"]]
        kind = event["type"]
        if kind.endswith("Failed"):
            err = event.get("error") or {}
            label = _LABEL.get(kind, "Task")
            message = f"{label} '{task.name}' failed: {err.get('type')}: {err.get('message')}"
            task._complete(
                False, TaskFailedError(message, err.get("type", ""), err.get("message", ""))
            )
        else:
            task._deliver(codec.loads(event.get("result")))
        self._advance()

    def _timer_fired(self, event: dict[str, Any]) -> None:
        task = self.open.pop(event["id"], None)
        if task is None or (isinstance(task, TimerTask) and task.is_cancelled):
            return
        task._complete(True, None)
        self._advance()

    def _event_raised(self, event: dict[str, Any]) -> None:
        name = event["name"]
        queue = self.waiting.get(name)
        if queue:
            queue.popleft()._deliver(codec.loads(event.get("input")))
            self._advance()
        else:
            self.buffered.setdefault(name, deque()).append(event.get("input"))

    def _suspended(self, event: dict[str, Any]) -> None:
        self.suspended = True
        self.status = "Suspended"

    def _resumed(self, event: dict[str, Any]) -> None:
        self.suspended = False
        self.status = "Running"
        held, self.held = self.held, []
        for item in held:
            if not self.done:
                self._apply(item)

    def _terminated(self, event: dict[str, Any]) -> None:
        self.status = "Terminated"
        self.output_json = codec.dumps(event.get("reason"))
        self._close()

    def _completed(self, event: dict[str, Any]) -> None:  # only met when replaying
        self.status = event.get("status", "Completed")
        self.output_json = event.get("result")

    # -- driving the generator -------------------------------------------------------------
    def _advance(self) -> None:
        while not self.done and self.current is not None and self.current.is_completed:
            task, self.current = self.current, None
            self._step(task)

    def _user(self, fn: Callable[[Any], Any], arg: Any) -> tuple[bool, Any]:
        """``fn(arg)`` (the user's code) under the watch: ``(True, value)`` or ``(False,
        exception)``. Raises :class:`Superseded` in a thread that lost the engine meanwhile."""
        watch = self.watch
        if watch is not None:
            watch.enter(self)
        try:
            return True, fn(arg)
        except Exception as exc:
            return False, exc
        finally:
            if watch is not None:
                watch.leave()

    def _step(self, task: TaskBase | None, first: bool = False) -> None:
        gen = self.gen
        if first:
            ok, yielded = self._user(next, gen)
        elif task is not None and task.is_faulted:
            ok, yielded = self._user(gen.throw, task.result)
        else:
            ok, yielded = self._user(gen.send, task.result if task is not None else None)
        if not ok:
            if isinstance(yielded, StopIteration):
                self._finish(yielded.value)
            else:
                self._fail(error_of(yielded))
            return
        try:
            if not isinstance(yielded, TaskBase):
                raise TypeError(
                    f"orchestrator {self.name!r} yielded {type(yielded).__name__}; yield tasks "
                    "such as ctx.call_activity(...), ctx.task_all([...]) or ctx.create_timer(...)"
                )
            for leaf in yielded._leaves():
                self.schedule(leaf)
        except Exception as exc:
            self._fail(error_of(exc))
            return
        if self.nondeterminism is not None:
            return
        self.current = yielded
        self._advance()

    def _finish(self, value: Any) -> None:
        if self.nondeterminism is not None:
            return
        if self.ctx._new_input is not _NO_INPUT:
            # this execution ends here; the engine starts the next one in a later turn
            self.status = "ContinuedAsNew"
            self.continued_input = self.ctx._new_input
            self._close()
            return
        try:
            result = codec.dumps(value)
        except TypeError as exc:
            self._fail(error_of(exc))
            return
        self.status = "Completed"
        self.output_json = result
        self._record({"type": "ExecutionCompleted", "status": "Completed", "result": result})
        self._close()

    def _fail(self, error: dict[str, str]) -> None:
        if self.nondeterminism is not None:
            error = {"type": "NonDeterminismError", "message": self.nondeterminism}
        self.status = "Failed"
        self.error = error
        message = f"Orchestrator function '{self.name}' failed: {error['type']}: {error['message']}"
        self.output_json = codec.dumps(message)
        self._record(
            {
                "type": "ExecutionCompleted",
                "status": "Failed",
                "error": error,
                "result": self.output_json,
            }
        )
        self._close()

    def _nondeterministic(self, message: str) -> None:
        self.nondeterminism = f"Non-deterministic workflow detected: {message}"
        self._fail({"type": "NonDeterminismError", "message": self.nondeterminism})

    def _record(self, event: dict[str, Any]) -> None:
        if self.replaying and self.nondeterminism is None:
            return
        event["ts"] = self.now.timestamp()
        self.history.append(event)
        self.new_events.append(event)

    def _close(self) -> None:
        self.close_generator()
        self.current = None
        self.open.clear()

    def close_generator(self) -> None:
        """Close the generator now, wherever it waits, rather than when it is collected: a
        ``finally`` that yields a task (``try: yield work / finally: yield cleanup``) cannot run
        in a closing generator, which Python reports as a RuntimeError the collector would
        print as ignored. A replay that resumes the orchestrator later runs it for real."""
        gen, self.gen = self.gen, None
        if gen is not None:
            with contextlib.suppress(Exception):  # what the collector would ignore
                gen.close()

    def restart(self) -> None:
        """Start the next execution (after ``continue_as_new``): empty history, the new input,
        and the external events that arrived but were not consumed."""
        new_input, self.continued_input = self.continued_input, _NO_INPUT
        self.restart_queued = False
        carried = [
            {"type": "EventRaised", "name": name, "input": value}
            for name, queue in self.buffered.items()
            for value in queue
        ]
        self.generation += 1
        self.history = []
        self.new_events = []
        # work the old execution started is abandoned, except signals it sent
        self.outbox = [t for t in self.outbox if t.kind == "signal"]
        self.reset = True
        self.status = "Pending"
        self._init_run()
        ts = self.now.timestamp()
        self.deliver(
            {
                "type": "ExecutionStarted",
                "name": self.name,
                "input": codec.dumps(new_input),
                "generation": self.generation,
                "ts": ts,
            }
        )
        for event in carried:
            if not self.done:
                self.deliver({**event, "ts": ts})


_HANDLERS: dict[str, Callable[[Orchestration, dict[str, Any]], None]] = {
    "ExecutionStarted": Orchestration._started,
    "TaskCompleted": Orchestration._resolved,
    "TaskFailed": Orchestration._resolved,
    "SubOrchestrationInstanceCompleted": Orchestration._resolved,
    "SubOrchestrationInstanceFailed": Orchestration._resolved,
    "EntityOperationCompleted": Orchestration._resolved,
    "EntityOperationFailed": Orchestration._resolved,
    "TimerFired": Orchestration._timer_fired,
    "EventRaised": Orchestration._event_raised,
    "ExecutionSuspended": Orchestration._suspended,
    "ExecutionResumed": Orchestration._resumed,
    "ExecutionTerminated": Orchestration._terminated,
    "ExecutionCompleted": Orchestration._completed,
}
