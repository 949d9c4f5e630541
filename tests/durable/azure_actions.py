"""What the real azure-functions-durable SDK decided, compared with what our engine did.

The SDK's replay returns its actions, one list per ``yield`` of the orchestrator. Our history
holds what we scheduled, each group opened by a completion. Both are read into *steps*: per
``yield``, the multiset of calls made concurrently (activities and sub-orchestrations with
their decoded inputs, timers with their fire time), in order. Nothing is collapsed: a retried
call is one Azure action (``CallActivityWithRetry``), so our attempts of it are counted and
each retry timer's fire time is checked against the delay Azure's own retry options give
(first interval * coefficient^(n-1), capped by the maximum interval).
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

#: azure-functions-durable's ActionType values.
CALL_ACTIVITY, CALL_ACTIVITY_WITH_RETRY, CALL_SUB_ORCHESTRATOR = 0, 1, 2
CONTINUE_AS_NEW, CREATE_TIMER, WAIT_FOR_EXTERNAL_EVENT = 4, 5, 6
#: Waiting for an event schedules nothing in our history (the event is kept when raised).
NOT_SCHEDULED = {WAIT_FOR_EXTERNAL_EVENT, CONTINUE_AS_NEW}
SCHEDULING = ("TaskScheduled", "TimerCreated", "SubOrchestrationInstanceCreated")
COMPLETIONS = {
    "TaskCompleted",
    "TaskFailed",
    "SubOrchestrationInstanceCompleted",
    "SubOrchestrationInstanceFailed",
    "TimerFired",
    "EventRaised",
}

Call = tuple[str, ...]


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def _value(raw: str | None) -> str:
    """A JSON payload in one canonical spelling (the SDK re-serializes with spaces)."""
    return json.dumps(json.loads(raw) if raw is not None else None, sort_keys=True)


def _flat(actions: Any) -> list[dict[str, Any]]:
    if isinstance(actions, dict):
        kids = actions.get("compoundActions")
        return _flat(kids) if kids else [actions]
    return [a for item in actions for a in _flat(item)]


def azure_steps(state: dict[str, Any]) -> list[list[dict[str, Any]]]:
    steps = []
    for step in state["actions"]:
        kept = [a for a in _flat(step) if a["actionType"] not in NOT_SCHEDULED]
        if kept:
            steps.append(kept)
    return steps


def our_steps(
    history: list[dict[str, Any]],
) -> tuple[list[list[dict[str, Any]]], list[Counter[Call]]]:
    """Scheduling events grouped by the completion (or start) that led to them, and the calls
    still pending (scheduled, not completed) before each group and at the end."""
    steps: list[list[dict[str, Any]]] = [[]]
    pending: dict[int, Call] = {}
    before: list[Counter[Call]] = [Counter()]
    for event in history:
        if event["type"] in COMPLETIONS:
            pending.pop(event.get("id", -1), None)
            if steps[-1]:
                steps.append([])
                before.append(Counter())
            before[-1] = Counter(pending.values())
        elif event["type"] in SCHEDULING:
            steps[-1].append(event)
            pending[event["id"]] = _ours(event)
    if steps[-1]:
        before.append(Counter(pending.values()))
    else:
        steps.pop()
    return steps, before


def _ours(event: dict[str, Any]) -> Call:
    match event["type"]:
        case "TaskScheduled":
            return ("activity", event["name"], _value(event.get("input")))
        case "SubOrchestrationInstanceCreated":
            return ("sub", event["name"], _value(event.get("input")))
        case "TimerCreated":
            return ("timer", _moment(event["fire_at"]).isoformat())
    raise AssertionError(event)


def _theirs(action: dict[str, Any]) -> Call:
    match action["actionType"]:
        case 0 | 1:
            return ("activity", action["functionName"], _value(action.get("input")))
        case 2 | 3:
            return ("sub", action["functionName"], _value(action.get("input")))
        case 5:
            return ("timer", _moment(action["fireAt"]).isoformat())
    raise AssertionError(f"an Azure action this comparison does not know: {action}")


def retry_delay_ms(options: dict[str, Any], attempt: int) -> float:
    """The delay after failed ``attempt`` (1-based), by Azure's documented formula."""
    delay = options["firstRetryIntervalInMilliseconds"] * options.get(
        "backoffCoefficient", 1.0
    ) ** (attempt - 1)
    cap = options.get("maxRetryIntervalInMilliseconds")
    return float(min(delay, cap) if cap else delay)


def assert_same_actions(state: dict[str, Any], history: list[dict[str, Any]]) -> dict[str, int]:
    """Raise unless every step matches; returns the attempts made per retried call."""
    theirs, (ours, pending) = azure_steps(state), our_steps(history)
    by_id = {e["id"]: e for e in history if e["type"] in COMPLETIONS and "id" in e}
    attempts: dict[str, int] = {}
    i = 0
    for n, step in enumerate(theirs):
        calls = Counter(map(_theirs, step))
        mine = ours[i] if i < len(ours) else []
        if calls != Counter(map(_ours, mine)) and calls <= pending[i]:
            # The SDK lists again the action of a task yielded a second time (a timer raced
            # in each round of a loop): the task is pending, nothing new is scheduled.
            continue
        assert mine, f"Azure's step {n} {step} was never scheduled by us"
        extra = calls - Counter(map(_ours, mine))
        assert extra <= pending[i] and not Counter(map(_ours, mine)) - calls, (n, step, mine)
        i += 1
        retried = [a for a in step if a["actionType"] == CALL_ACTIVITY_WITH_RETRY]
        if not retried:
            continue
        assert len(retried) == 1 == len(step), "retried calls in parallel: compare by hand"
        options, call = retried[0]["retryOptions"], _theirs(retried[0])
        attempt, event = 1, mine[0]
        while by_id.get(event["id"], {}).get("type") == "TaskFailed":
            if attempt == options["maxNumberOfAttempts"]:
                break
            failed = by_id[event["id"]]
            timer, again = ours[i], ours[i + 1]
            expected = datetime.fromtimestamp(failed["ts"], UTC) + timedelta(
                milliseconds=retry_delay_ms(options, attempt)
            )
            (fire,) = timer
            assert fire["type"] == "TimerCreated", timer
            assert abs(_moment(fire["fire_at"]) - expected) < timedelta(milliseconds=1), (
                f"retry {attempt} of {call[1]} fires at {fire['fire_at']}, Azure's options "
                f"say {expected.isoformat()}"
            )
            assert [_ours(e) for e in again] == [call], again
            attempt, event, i = attempt + 1, again[0], i + 2
        attempts[call[1]] = attempt
    assert i == len(ours), f"we scheduled more than Azure would: {ours[i:]}"
    return attempts
