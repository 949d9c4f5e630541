"""``ctx.histories``: an instance's history as azure-functions-durable hands it to orchestrator
code, one :class:`HistoryEvent` per event, typed by :class:`HistoryEventType` (the Durable Task
Framework's event numbers). ``Name``, ``Input``, ``Result``, ``Reason``, ``FireAt``,
``TaskScheduledId`` and the other fields of Azure's events are attributes, as there."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

from .status import history_events


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


class HistoryEvent:
    """One event: ``event_type``, ``event_id``, ``is_played``, ``timestamp`` and Azure's fields
    (``Name``, ``Input``, ``Result``...) as attributes."""

    def __init__(self, fields: dict[str, Any], is_played: bool) -> None:
        self.Name: str | None = None
        self.InstanceId: str | None = None
        self.TaskScheduledId: int | None = None
        self.Reason: str | None = None
        self.Details: str | None = None
        self.Input: Any = None
        kind = fields.pop("EventType")
        self.event_type = _TYPES.get(kind, HistoryEventType.GENERIC_EVENT)
        self.event_id = int(fields.pop("EventId", -1))
        self.is_played = is_played
        stamp = str(fields.pop("Timestamp"))
        self.timestamp = datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(UTC)
        for key, value in fields.items():
            setattr(self, key, value)

    def __repr__(self) -> str:
        return f"HistoryEvent({self.event_type.name}, id={self.event_id})"


def histories(events: list[dict[str, Any]], played: int) -> list[HistoryEvent]:
    """``events`` (stored form) as Azure's history; the first ``played`` were replayed."""
    return [HistoryEvent(item, n < played) for n, item in enumerate(history_events(events, True))]
