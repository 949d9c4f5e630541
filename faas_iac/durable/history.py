"""``ctx.histories``: an instance's history as azure-functions-durable hands it to orchestrator
code, one :class:`HistoryEvent` per event, typed by :class:`HistoryEventType` (the Durable Task
Framework's event numbers). ``Name``, ``Input``, ``Result``, ``Reason``, ``FireAt``,
``TaskScheduledId`` and the other fields of Azure's events are attributes, as there."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any


class HistoryEventType(enum.IntEnum):
    EXECUTION_STARTED = 0
    EXECUTION_COMPLETED = 1
    EXECUTION_FAILED = 2
    EXECUTION_TERMINATED = 3
    TASK_SCHEDULED = 4
    TASK_COMPLETED = 5
    TASK_FAILED = 6
    SUB_ORCHESTRATION_INSTANCE_CREATED = 7
    SUB_ORCHESTRATION_INSTANCE_COMPLETED = 8
    SUB_ORCHESTRATION_INSTANCE_FAILED = 9
    TIMER_CREATED = 10
    TIMER_FIRED = 11
    ORCHESTRATOR_STARTED = 12
    ORCHESTRATOR_COMPLETED = 13
    EVENT_SENT = 14
    EVENT_RAISED = 15
    CONTINUE_AS_NEW = 16
    GENERIC_EVENT = 17
    HISTORY_STATE = 18
    EXECUTION_SUSPENDED = 19
    EXECUTION_RESUMED = 20


#: our event names → Azure's types (entity calls are generic events there)
_TYPES = {
    "ExecutionStarted": HistoryEventType.EXECUTION_STARTED,
    "ExecutionCompleted": HistoryEventType.EXECUTION_COMPLETED,
    "ExecutionTerminated": HistoryEventType.EXECUTION_TERMINATED,
    "TaskScheduled": HistoryEventType.TASK_SCHEDULED,
    "TaskCompleted": HistoryEventType.TASK_COMPLETED,
    "TaskFailed": HistoryEventType.TASK_FAILED,
    "SubOrchestrationInstanceCreated": HistoryEventType.SUB_ORCHESTRATION_INSTANCE_CREATED,
    "SubOrchestrationInstanceCompleted": HistoryEventType.SUB_ORCHESTRATION_INSTANCE_COMPLETED,
    "SubOrchestrationInstanceFailed": HistoryEventType.SUB_ORCHESTRATION_INSTANCE_FAILED,
    "TimerCreated": HistoryEventType.TIMER_CREATED,
    "TimerFired": HistoryEventType.TIMER_FIRED,
    "EventRaised": HistoryEventType.EVENT_RAISED,
    "ExecutionSuspended": HistoryEventType.EXECUTION_SUSPENDED,
    "ExecutionResumed": HistoryEventType.EXECUTION_RESUMED,
}


_SCHEDULING = ("TaskScheduled", "SubOrchestrationInstanceCreated", "TimerCreated")


def _fields(event: dict[str, Any], fire_at: dict[int, Any]) -> dict[str, Any]:
    """One stored event as the fields of the extension's history event (as the SDK sees it)."""
    kind = event["type"]
    out: dict[str, Any] = {"EventId": event["id"] if kind in _SCHEDULING else -1}
    if kind in ("ExecutionStarted", "TaskScheduled", "SubOrchestrationInstanceCreated"):
        out.update(Name=event.get("name"), Input=event.get("input"))
    if kind == "ExecutionStarted":
        out["Version"] = event.get("version", "")
    elif kind == "SubOrchestrationInstanceCreated":
        out["InstanceId"] = event.get("instance")
    elif kind == "TimerCreated":
        out["FireAt"] = fire_at[event["id"]] = event.get("fire_at")
    elif kind == "TimerFired":
        out.update(TimerId=event["id"], FireAt=fire_at.get(event["id"]))
    elif kind == "EventRaised":
        out.update(Name=event.get("name"), Input=event.get("input"))
    elif kind == "ExecutionCompleted":
        out.update(OrchestrationStatus=event.get("status"), Result=event.get("result"))
    elif "id" in event:  # completions and failures of tasks and entity operations
        out["TaskScheduledId"] = event["id"]
        if "error" in event:
            out.update(Reason=event["error"].get("type"), Details=event["error"].get("message"))
        else:
            out["Result"] = event.get("result")
    return out


class HistoryEvent:
    """One event: ``event_type``, ``event_id``, ``is_played``, ``timestamp`` and the fields of
    the extension's event (``Name``, ``Input``, ``Result``, ``TaskScheduledId``...) as
    attributes."""

    def __init__(self, event: dict[str, Any], is_played: bool, fire_at: dict[int, Any]) -> None:
        self.Name: str | None = None
        self.InstanceId: str | None = None
        self.TaskScheduledId: int | None = None
        self.Reason: str | None = None
        self.Details: str | None = None
        self.Input: Any = None
        fields = _fields(event, fire_at)
        self.event_type = _TYPES.get(event["type"], HistoryEventType.GENERIC_EVENT)
        self.event_id = int(fields.pop("EventId"))
        self.is_played = is_played
        self.timestamp = datetime.fromtimestamp(event.get("ts", 0.0), UTC)
        for key, value in fields.items():
            setattr(self, key, value)

    def __repr__(self) -> str:
        return f"HistoryEvent({self.event_type.name}, id={self.event_id})"


def histories(events: list[dict[str, Any]], played: int) -> list[HistoryEvent]:
    """``events`` (stored form) as Azure's history; the first ``played`` were replayed."""
    fire_at: dict[int, Any] = {}
    return [HistoryEvent(event, n < played, fire_at) for n, event in enumerate(events)]
