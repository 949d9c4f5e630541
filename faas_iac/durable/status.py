"""The status of an orchestration instance, as azure-functions-durable reports it."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from . import codec, errors
from .store import InstanceRow


class OrchestrationRuntimeStatus(enum.Enum):
    Running = "Running"
    Completed = "Completed"
    ContinuedAsNew = "ContinuedAsNew"
    Failed = "Failed"
    Canceled = "Canceled"
    Terminated = "Terminated"
    Pending = "Pending"
    Suspended = "Suspended"


_BY_LOWER = {s.value.lower(): s for s in OrchestrationRuntimeStatus}


def parse_statuses(values: Iterable[str]) -> list[OrchestrationRuntimeStatus]:
    """Status names as people and the management API write them: case-insensitive, each
    value possibly a comma-separated list; an unknown name is a coded error (FIAC875)."""
    found: list[OrchestrationRuntimeStatus] = []
    for value in values:
        for name in value.split(","):
            if not name.strip():
                continue
            status = _BY_LOWER.get(name.strip().lower())
            if status is None:
                raise errors.unknown_status(name.strip(), [s.value for s in _BY_LOWER.values()])
            if status not in found:
                found.append(status)
    return found


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class DurableOrchestrationStatus:
    """``runtime_status``, ``input_``, ``output``, ``custom_status`` and, on request, the
    ``history``; ``to_json()`` gives the HTTP management API's payload."""

    name: str
    instance_id: str
    created_time: datetime
    last_updated_time: datetime
    input_: Any
    output: Any
    runtime_status: OrchestrationRuntimeStatus
    custom_status: Any
    history: list[dict[str, Any]] | None = None

    @classmethod
    def from_row(
        cls, row: InstanceRow, history: list[dict[str, Any]] | None = None, *, typed: bool = True
    ) -> DurableOrchestrationStatus:
        read = codec.loads if typed else codec.plain
        return cls(
            name=row.name,
            instance_id=row.id,
            created_time=datetime.fromtimestamp(row.created, UTC),
            last_updated_time=datetime.fromtimestamp(row.updated, UTC),
            input_=read(row.input),
            output=read(row.output),
            runtime_status=OrchestrationRuntimeStatus(row.status),
            custom_status=read(row.custom_status),
            history=history,
        )

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DurableOrchestrationStatus:
        return cls(
            name=data.get("name", ""),
            instance_id=data.get("instanceId", ""),
            created_time=datetime.fromisoformat(data["createdTime"].replace("Z", "+00:00")),
            last_updated_time=datetime.fromisoformat(
                data["lastUpdatedTime"].replace("Z", "+00:00")
            ),
            input_=data.get("input"),
            output=data.get("output"),
            runtime_status=OrchestrationRuntimeStatus(data["runtimeStatus"]),
            custom_status=data.get("customStatus"),
            history=data.get("historyEvents"),
        )

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "instanceId": self.instance_id,
            "runtimeStatus": self.runtime_status.value,
            "input": self.input_,
            "customStatus": self.custom_status,
            "output": self.output,
            "createdTime": self.created_time.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "lastUpdatedTime": self.last_updated_time.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        }
        if self.history is not None:
            out["historyEvents"] = self.history
        return out


_SCHEDULED_NAMES = ("TaskScheduled", "SubOrchestrationInstanceCreated")


def history_events(events: list[dict[str, Any]], with_output: bool) -> list[dict[str, Any]]:
    """Stored events in the shape of Azure's ``historyEvents`` (EventType, Timestamp...)."""
    names: dict[int, str] = {}
    fire_at: dict[int, Any] = {}
    out: list[dict[str, Any]] = []
    for event in events:
        kind = event["type"]
        item: dict[str, Any] = {"EventType": kind, "Timestamp": _iso(event.get("ts", 0.0))}
        if "id" in event:
            item[
                "EventId"
                if kind in _SCHEDULED_NAMES or kind == "TimerCreated"
                else "TaskScheduledId"
            ] = event["id"]
        if kind in _SCHEDULED_NAMES:
            names[event["id"]] = event["name"]
        name = event.get("name") or names.get(event.get("id", -1))
        if name:
            item["Name" if kind in ("EventRaised", "ExecutionStarted") else "FunctionName"] = name
        if kind == "TimerCreated":
            fire_at[event["id"]] = item["FireAt"] = event.get("fire_at")
        elif kind == "TimerFired":
            item["FireAt"] = fire_at.get(event["id"])
        if "op" in event:
            item["Operation"] = event["op"]
        if kind == "ExecutionCompleted":
            item["OrchestrationStatus"] = event.get("status")
        if "error" in event:
            item["Reason"] = f"{event['error'].get('type')}: {event['error'].get('message')}"
        if with_output and "result" in event:
            item["Result"] = codec.plain(event["result"])
        if with_output and "input" in event:
            item["Input"] = codec.plain(event["input"])
        if "reason" in event:
            item["Reason"] = event["reason"]
        out.append(item)
    return out
