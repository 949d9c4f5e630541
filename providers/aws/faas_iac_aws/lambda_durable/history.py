"""The durable SDK's operations, read back as the local engine's history.

An orchestrator on Lambda durable functions is driven by the same replay engine as locally
(:class:`faas_iac.durable.orchestration.Orchestration`); this module is the translation between
the two records. Each task the orchestrator schedules becomes one operation of the SDK, created
in scheduling order on the root context and named for what it is (:func:`op_name`):

=====================  ==========================  ===========================================
task                   SDK operation               history events read back
=====================  ==========================  ===========================================
activity               ``invoke`` (its Lambda)     TaskScheduled, TaskCompleted / TaskFailed
sub-orchestration      ``invoke`` (durable)        SubOrchestrationInstanceCreated, ...Completed
                                                   / ...Failed
timer                  ``wait``                    TimerCreated, TimerFired
external event         ``create_callback`` + a     EventRaised (the callback's result, or the
                       registering ``step``        buffered event the step took)
entity call / signal   ``step`` (runs the entity   EntityOperationCalled / ...Signaled,
                       operation on its table)     EntityOperationCompleted / ...Failed
=====================  ==========================  ===========================================

Completions are ordered by the service's end timestamps. That order is the same in every
invocation: a snapshot of the operations (taken before this invocation checkpoints anything,
or right after a checkpoint response) holds exactly the operations that ended before it was
taken, so an operation that a later snapshot adds ended after every operation the earlier
snapshot held. Decisions made on an earlier snapshot (the winner of a ``task_any``, the value
of ``current_utc_datetime``) are therefore made again, the same way, on every later one.

Pure: plain records in, history events out; nothing here calls the SDK or the network.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

#: Operation name prefixes (``<prefix>:<name>``), one per task kind.
ACTIVITY, ORCHESTRATOR, TIMER, EVENT, REGISTER, ENTITY, SIGNAL = (
    "activity",
    "orchestrator",
    "timer",
    "event",
    "register",
    "entity",
    "signal",
)
#: The step that starts the next generation of a ``continue_as_new``.
CONTINUE = "continue_as_new"
SUCCEEDED = "SUCCEEDED"
FAILED = frozenset({"FAILED", "TIMED_OUT", "STOPPED", "CANCELLED"})
TERMINAL = FAILED | {SUCCEEDED}


@dataclass(frozen=True)
class Op:
    """One root operation of a durable execution, as the adapter reads it."""

    name: str
    status: str
    end: datetime | None = None
    result: str | None = None
    error: dict[str, str] | None = None


def op_name(kind: str, name: str = "", op: str = "") -> str:
    """The SDK operation name of a task (what replay identity and the console show)."""
    match kind:
        case "activity":
            return f"{ACTIVITY}:{name}"
        case "suborchestration":
            return f"{ORCHESTRATOR}:{name}"
        case "timer":
            return TIMER
        case "event":
            return f"{EVENT}:{name}"
        case "entity":
            return f"{ENTITY}:{name}:{op}"
        case "signal":
            return f"{SIGNAL}:{name}:{op}"
    raise ValueError(f"no operation for task kind {kind!r}")


def short_type(error_type: str | None) -> str:
    """``patterns.saga.BookingError`` → ``BookingError``: the local engine names an error by
    its class alone, the service by its qualified name."""
    return (error_type or "Exception").rsplit(".", 1)[-1]


def error_of(error: Any) -> dict[str, str]:
    """An SDK ``ErrorObject`` as the local engine's error record. A failed faas-iac
    orchestrator carries its original error in ``data`` (see :mod:`.adapter`)."""
    if error is None:
        return {"type": "Exception", "message": ""}
    data = getattr(error, "data", None)
    if data:
        try:
            found = json.loads(data)
        except ValueError:
            found = None
        if isinstance(found, dict) and {"type", "message"} <= found.keys():
            return {"type": str(found["type"]), "message": str(found["message"])}
    return {"type": short_type(getattr(error, "type", None)), "message": error.message or ""}


def _ts(moment: datetime | None) -> float:
    return moment.timestamp() if moment is not None else 0.0


def history(started: float, input_json: str | None, ops: Sequence[Op]) -> list[dict[str, Any]]:
    """The local engine's history of the execution whose root operations are ``ops`` (in
    creation order): scheduling events with the ids the engine gives, then every completion
    in end-timestamp order (ties in creation order)."""
    scheduled: list[dict[str, Any]] = []
    done: list[tuple[float, int, dict[str, Any]]] = []
    task_id = 0
    for seq, op in enumerate(ops):
        prefix, _, rest = op.name.partition(":")
        ok, failed = op.status == SUCCEEDED, op.status in FAILED
        at = _ts(op.end)
        event: dict[str, Any] | None = None
        if prefix in (ACTIVITY, ORCHESTRATOR, TIMER, ENTITY, SIGNAL):
            tid, task_id = task_id, task_id + 1
            kind, name = _scheduling(prefix, rest)
            scheduled.append({"type": kind, "id": tid, "name": name})
            event = _completion(prefix, tid, op) if ok or failed else None
        elif prefix == EVENT and ok:
            name = rest.removesuffix(f":{REGISTER}")
            if not rest.endswith(f":{REGISTER}"):
                event = {"type": "EventRaised", "name": name, "input": op.result}
            else:
                taken = json.loads(op.result or "null")
                if isinstance(taken, dict) and "payload" in taken:
                    event = {"type": "EventRaised", "name": name, "input": taken["payload"]}
        if event is not None:
            done.append((at, seq, {**event, "ts": at}))
    start = {"type": "ExecutionStarted", "input": input_json, "ts": started}
    return [start, *scheduled, *(e for _, _, e in sorted(done, key=lambda d: (d[0], d[1])))]


def _scheduling(prefix: str, rest: str) -> tuple[str, str]:
    match prefix:
        case "activity":
            return "TaskScheduled", rest
        case "orchestrator":
            return "SubOrchestrationInstanceCreated", rest
        case "timer":
            return "TimerCreated", ""
        case "entity":
            return "EntityOperationCalled", rest.rsplit(":", 1)[0]
        case _:
            return "EntityOperationSignaled", rest.rsplit(":", 1)[0]


def _completion(prefix: str, tid: int, op: Op) -> dict[str, Any] | None:
    ok = op.status == SUCCEEDED
    match prefix:
        case "activity":
            kind = "TaskCompleted" if ok else "TaskFailed"
        case "orchestrator":
            kind = "SubOrchestrationInstanceCompleted" if ok else "SubOrchestrationInstanceFailed"
        case "timer":
            return {"type": "TimerFired", "id": tid} if ok else None
        case "entity":
            kind = "EntityOperationCompleted" if ok else "EntityOperationFailed"
        case _:
            return None  # a signal completes nothing the orchestrator waits for
    if ok:
        return {"type": kind, "id": tid, "result": op.result}
    return {"type": kind, "id": tid, "error": op.error or {"type": "Exception", "message": ""}}
