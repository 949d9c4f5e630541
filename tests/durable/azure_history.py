"""Our stored history, written as the history the Durable Functions extension hands to the
azure-functions-durable SDK (episodes opened by OrchestratorStarted, EventIds, TaskScheduledId,
TimerId), so the real SDK can replay an orchestrator over what our engine recorded."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

TYPES = {
    "OrchestratorStarted": 12,
    "ExecutionStarted": 0,
    "TaskScheduled": 4,
    "TaskCompleted": 5,
    "TaskFailed": 6,
    "SubOrchestrationInstanceCreated": 7,
    "SubOrchestrationInstanceCompleted": 8,
    "SubOrchestrationInstanceFailed": 9,
    "TimerCreated": 10,
    "TimerFired": 11,
    "EventRaised": 15,
}
_COMPLETIONS = {
    "TaskCompleted",
    "TaskFailed",
    "SubOrchestrationInstanceCompleted",
    "SubOrchestrationInstanceFailed",
    "TimerFired",
    "EventRaised",
}


def _ts(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat()


def convert(history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    fire_at: dict[int, str] = {}

    def add(kind: str, ts: float, event_id: int = -1, **fields: Any) -> None:
        out.append(
            {
                "EventType": TYPES[kind],
                "EventId": event_id,
                "IsPlayed": False,
                "Timestamp": _ts(ts),
                **fields,
            }
        )

    for event in history:
        kind, ts = event["type"], event.get("ts", 0.0)
        if kind == "ExecutionStarted":
            add("OrchestratorStarted", ts)
            add(kind, ts, Name=event["name"], Input=event.get("input"), Version="")
        elif kind in _COMPLETIONS:
            add("OrchestratorStarted", ts)
            if kind == "TimerFired":
                add(kind, ts, TimerId=event["id"], FireAt=fire_at[event["id"]])
            elif kind == "EventRaised":
                add(kind, ts, Name=event["name"], Input=event.get("input"))
            elif kind.endswith("Failed"):
                err = event.get("error") or {}
                add(
                    kind,
                    ts,
                    TaskScheduledId=event["id"],
                    Reason=err.get("type"),
                    Details=err.get("message"),
                )
            else:
                add(kind, ts, TaskScheduledId=event["id"], Result=event.get("result"))
        elif kind == "TaskScheduled":
            add(kind, ts, event["id"], Name=event["name"], Input=event.get("input"), Version="")
        elif kind == "TimerCreated":
            fire_at[event["id"]] = event["fire_at"]
            add(kind, ts, event["id"], FireAt=event["fire_at"])
        elif kind == "SubOrchestrationInstanceCreated":
            add(
                kind,
                ts,
                event["id"],
                Name=event["name"],
                InstanceId=event["instance"],
                Input=event.get("input"),
                Version="",
            )
    return out


def context_json(instance_id: str, history: list[dict[str, Any]], parent: str | None = None) -> str:
    started = next(e for e in history if e["type"] == "ExecutionStarted")
    return json.dumps(
        {
            "history": convert(history),
            "instanceId": instance_id,
            "isReplaying": False,
            "parentInstanceId": parent,
            "input": started.get("input"),
        }
    )
