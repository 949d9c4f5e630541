"""A small Durable Task host for tests: runs an orchestrator of a generated Function App
through the real ``azure-functions-durable`` replay.

Each episode builds a ``DurableOrchestrationContext`` from the history so far, runs
``df.Orchestrator(fn).handle(ctx)``, then executes the tasks the orchestrator opened (calling
the generated app's activity and sub-orchestrator functions) and appends the resulting history
events (TaskScheduled/TaskCompleted/TaskFailed, TimerCreated/TimerFired,
SubOrchestrationInstanceCreated/Completed/Failed, EventRaised), as the Durable extension
does. Activities finish first; raised events next; then the earliest timer fires (the clock
jumps to it). Nothing sleeps.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import ModuleType
from typing import Any

import azure.durable_functions as df
from azure.durable_functions.models.actions.NoOpAction import NoOpAction
from azure.durable_functions.models.DurableOrchestrationContext import (
    DurableOrchestrationContext,
)
from azure.durable_functions.models.history.HistoryEventType import HistoryEventType as H
from azure.durable_functions.models.Task import RetryAbleTask

START = datetime(2026, 1, 1, tzinfo=UTC)
ACTIVITY = 0
ACTIVITY_RETRY = 1
SUB = 2
SUB_RETRY = 3
CONTINUE_AS_NEW = 4
TIMER = 5
CALL_ENTITY = 7
SIGNAL_ENTITY = 9


@dataclass
class Outcome:
    status: str
    output: Any = None
    error: str | None = None
    custom_status: Any = None
    history: list[dict[str, Any]] = field(default_factory=list)
    episodes: int = 0
    activity_calls: list[str] = field(default_factory=list)


def failure(name: str, exc: BaseException, kind: str) -> dict[str, Any]:
    """A failed activity as the Durable extension (Azure Storage backend) records it for an
    out-of-process Python worker: a Reason naming the function, and Details holding the
    worker's exception as JSON (the shape reported in azure-functions-durable-extension
    issue #2990)."""
    text = f"{type(exc).__name__}: {exc}"
    return {
        "Reason": f"{kind} function '{name}' failed: {text}",
        "Details": json.dumps(
            {
                "$type": "System.Exception",
                "Message": f"Exception: {text}",
                "StackTrace": f'  File "function_app.py", in {name}',
            }
        ),
    }


def _ts(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class Host:
    now: datetime = START

    def __init__(
        self,
        function_app: ModuleType,
        events: list[tuple[str, Any]] | None = None,
        max_episodes: int = 500,
    ) -> None:
        self.functions = {f.get_function_name(): f for f in function_app.indexed}
        self.events = list(events or [])
        self.max_episodes = max_episodes
        self.calls: list[str] = []
        self._sub_counter = 0
        self.entities: dict[str, tuple[bool, Any]] = {}

    def entity_operation(
        self, instance_id: str, operation: str, input_json: str | None
    ) -> tuple[bool, Any]:
        """One operation on an entity through the generated app's entity function (the SDK's
        batch protocol, a batch of one; the orchestrator's actions carry the raw input, the
        extension passes it JSON-encoded); returns (failed, JSON result)."""
        name, _, key = instance_id[1:].partition("@")
        fn = next(f for n, f in self.functions.items() if n.lower() == name)
        exists, state = self.entities.get(instance_id, (False, None))
        request = {
            "self": {"name": name, "key": key},
            "state": state,
            "exists": exists,
            "batch": [{"name": operation, "input": input_json}],
        }
        out = json.loads(fn.get_user_function()(json.dumps(request)))
        self.entities[instance_id] = (out["entityExists"], out["entityState"])
        result = out["results"][0]
        return bool(result["isError"]), result["result"]

    # functions of the generated app ------------------------------------------------------
    def _orchestrator(self, name: str) -> Any:
        return self.functions[name].get_user_function().orchestrator_function

    def _activity(self, name: str, payload: Any) -> tuple[bool, Any]:
        self.calls.append(name)
        try:
            return True, self.functions[name].get_user_function()(payload)
        except Exception as exc:  # the activity failed: the host records TaskFailed
            return False, exc

    # the host loop -----------------------------------------------------------------------
    def run(
        self,
        name: str,
        input_: Any = None,
        instance_id: str = "instance-1",
        start: datetime = START,
        parent: str | None = None,
    ) -> Outcome:
        self.now = start
        self.instance_id = instance_id
        history: list[dict[str, Any]] = []
        seq = 0

        def event(kind: int, **fields: Any) -> None:
            nonlocal seq
            seq += 1
            history.append(
                {
                    "EventType": int(kind),
                    "EventId": fields.pop("EventId", -1),
                    "IsPlayed": False,
                    "Timestamp": _ts(self.now),
                    **fields,
                }
            )

        event(H.ORCHESTRATOR_STARTED)
        event(H.EXECUTION_STARTED, Name=name, Input=json.dumps(input_), Version="")
        timers: dict[int, datetime] = {}
        handled: set[Any] = set()
        signals_done = 0
        for episode in range(1, self.max_episodes + 1):
            ctx = DurableOrchestrationContext.from_json(
                json.dumps(
                    {
                        "history": history,
                        "instanceId": instance_id,
                        "isReplaying": False,
                        "parentInstanceId": parent,
                        "input": json.dumps(input_),
                    }
                )
            )
            try:
                state = json.loads(df.Orchestrator(self._orchestrator(name)).handle(ctx))
            except Exception as exc:
                message = str(exc).split("\n\n$OutOfProcData$", 1)[0]
                return Outcome(
                    "Failed",
                    error=message,
                    history=history,
                    episodes=episode,
                    activity_calls=self.calls,
                )
            actions = [
                a
                for group in state.get("actions", [])
                for a in (group if isinstance(group, list) else [group])
            ]
            again = next((a for a in actions if a.get("actionType") == CONTINUE_AS_NEW), None)
            if again is not None:
                input_ = json.loads(again["input"]) if again.get("input") else None
                return self.run(name, input_, instance_id, self.now, parent)
            if state.get("isDone"):
                return Outcome(
                    "Completed",
                    state.get("output"),
                    custom_status=state.get("customStatus"),
                    history=history,
                    episodes=episode,
                    activity_calls=self.calls,
                )
            completions: list[tuple[int, dict[str, Any]]] = []
            signals = [a for a in actions if a.get("actionType") == SIGNAL_ENTITY]
            for signal in signals[signals_done:]:
                event(
                    H.EVENT_SENT,
                    Name=signal["operation"],
                    InstanceId=signal["instanceId"],
                    Input=json.dumps({"op": signal["operation"], "signal": True}),
                )
                self.entity_operation(
                    signal["instanceId"], signal["operation"], json.dumps(signal.get("input"))
                )
            signals_done = len(signals)
            for key, opened in list(ctx.open_tasks.items()):
                for task in opened if isinstance(opened, list) else [opened]:
                    if (key, id(task)) in handled or key in handled:
                        continue
                    self._schedule(key, task, event, timers, completions, self.now)
                    handled.add(key)
            event(H.ORCHESTRATOR_COMPLETED)
            if completions:
                event(H.ORCHESTRATOR_STARTED)
                for kind, fields in completions:
                    event(kind, **fields)
                continue
            raised = self._raise(ctx)
            if raised is not None:
                event(H.ORCHESTRATOR_STARTED)
                event(H.EVENT_RAISED, Name=raised[0], Input=json.dumps(raised[1]))
                handled.discard(raised[0])
                continue
            if timers:
                timer_id, fire_at = min(timers.items(), key=lambda kv: (kv[1], kv[0]))
                del timers[timer_id]
                self.now = max(self.now, fire_at)
                event(H.ORCHESTRATOR_STARTED)
                event(H.TIMER_FIRED, TimerId=timer_id, FireAt=_ts(fire_at))
                continue
            return Outcome(
                "Stuck",
                custom_status=state.get("customStatus"),
                history=history,
                episodes=episode,
                activity_calls=self.calls,
            )
        return Outcome(
            "TooLong", history=history, episodes=self.max_episodes, activity_calls=self.calls
        )

    def _raise(self, ctx: DurableOrchestrationContext) -> tuple[str, Any] | None:
        waiting = {k for k in ctx.open_tasks if isinstance(k, str)}
        for index, (name, payload) in enumerate(self.events):
            if name in waiting:
                del self.events[index]
                return name, payload
        return None

    def _schedule(
        self,
        key: Any,
        task: Any,
        event: Any,
        timers: dict[int, datetime],
        completions: list[tuple[int, dict[str, Any]]],
        now: datetime,
    ) -> None:
        if isinstance(key, str):  # an external event: raised later, if the test has one
            return
        action = task.action_repr
        if isinstance(action, list):
            action = action[0]
        parent = getattr(task, "parent", None)
        if isinstance(action, NoOpAction):
            assert isinstance(parent, RetryAbleTask), action.metadata
            if "timer" in (action.metadata or ""):
                delay = parent.retry_options.first_retry_interval_in_milliseconds
                fire_at = now + timedelta(milliseconds=delay)
                event(H.TIMER_CREATED, EventId=key, FireAt=_ts(fire_at))
                timers[key] = fire_at
                return
            action = parent.actions
        if isinstance(action, list):
            action = action[0]
        data = action.to_json()
        kind = data["actionType"]
        if kind == TIMER:
            fire_at = datetime.fromisoformat(data["fireAt"].replace("Z", "+00:00"))
            event(H.TIMER_CREATED, EventId=key, FireAt=data["fireAt"])
            timers[key] = fire_at
        elif kind in (ACTIVITY, ACTIVITY_RETRY):
            name = data["functionName"]
            event(H.TASK_SCHEDULED, EventId=key, Name=name, Input=data.get("input"), Version="")
            payload = json.loads(data["input"]) if data.get("input") is not None else None
            ok, value = self._activity(name, payload)
            if ok:
                completions.append(
                    (H.TASK_COMPLETED, {"TaskScheduledId": key, "Result": json.dumps(value)})
                )
            else:
                completions.append(
                    (H.TASK_FAILED, {"TaskScheduledId": key, **failure(name, value, "Activity")})
                )
        elif kind == CALL_ENTITY:
            request_id = f"req-{self.instance_id}-{key}"
            event(
                H.EVENT_SENT,
                EventId=key,
                Name=data["operation"],
                InstanceId=data["instanceId"],
                Input=json.dumps({"id": request_id, "op": data["operation"]}),
            )
            failed, result = self.entity_operation(
                data["instanceId"], data["operation"], json.dumps(data.get("input"))
            )
            response = {"result": result, **({"exceptionType": "Exception"} if failed else {})}
            completions.append(
                (H.EVENT_RAISED, {"Name": request_id, "Input": json.dumps(response)})
            )
        elif kind in (SUB, SUB_RETRY):
            name = data["functionName"]
            self._sub_counter += 1
            child_id = data.get("instanceId") or f"sub-{self._sub_counter}"
            event(
                H.SUB_ORCHESTRATION_INSTANCE_CREATED,
                EventId=key,
                Name=name,
                InstanceId=child_id,
                Input=data.get("input"),
                Version="",
            )
            payload = json.loads(data["input"]) if data.get("input") is not None else None
            # the child shares the parent's functions, events, calls and entities (and whatever
            # a subclass records), with its own counter of sub-orchestrations
            child = type(self).__new__(type(self))
            child.__dict__.update(vars(self))
            child._sub_counter = 0
            result = child.run(name, payload, child_id, now, self.instance_id)
            self.now = max(self.now, child.now)
            if result.status == "Completed":
                completions.append(
                    (
                        H.SUB_ORCHESTRATION_INSTANCE_COMPLETED,
                        {"TaskScheduledId": key, "Result": json.dumps(result.output)},
                    )
                )
            else:
                completions.append(
                    (
                        H.SUB_ORCHESTRATION_INSTANCE_FAILED,
                        {
                            "TaskScheduledId": key,
                            "Reason": f"Orchestrator function '{name}' failed: {result.error}",
                            "Details": json.dumps({"Message": result.error}),
                        },
                    )
                )
        else:
            raise AssertionError(f"the test host does not run action type {kind}: {data}")
