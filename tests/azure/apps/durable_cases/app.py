"""Durable scenarios for the Azure replay tests: chaining, fan-out, failures, both kinds of
retry, timers, events (with and without a timeout), sub-orchestrations, continue-as-new and
custom status. Activities fail deterministically from their input."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from faas_iac import App, RetryOptions

app = App("durable-cases")


@app.activity
def double(n: int) -> int:
    return n * 2


@app.activity
def flaky(attempt_box: dict[str, Any]) -> str:
    """Fails until it has been called ``fail_times`` times for this key (state in a file-less
    module dict, as the test host runs activities in-process)."""
    key = attempt_box["key"]
    CALLS[key] = CALLS.get(key, 0) + 1
    if CALLS[key] <= attempt_box["fail_times"]:
        raise ValueError(f"flaky {key} failed on call {CALLS[key]}")
    return f"{key} ok after {CALLS[key]} calls"


CALLS: dict[str, int] = {}


@app.activity
def boom(message: str) -> None:
    raise RuntimeError(message)


@app.orchestrator
def chain(ctx: Any) -> Any:
    a = yield ctx.call_activity("double", ctx.get_input())
    b = yield ctx.call_activity("double", a)
    ctx.set_custom_status({"step": 2})
    return [a, b]


@app.orchestrator
def fan_out(ctx: Any) -> Any:
    tasks = [ctx.call_activity("double", n) for n in range(ctx.get_input())]
    results = yield ctx.task_all(tasks)
    return sum(results)


@app.orchestrator
def catches(ctx: Any) -> Any:
    try:
        yield ctx.call_activity("boom", "card declined")
    except Exception as exc:
        undone = yield ctx.call_activity("double", 21)
        return {"compensated": undone, "error": "card declined" in str(exc)}
    return "unreachable"


@app.orchestrator
def fails(ctx: Any) -> Any:
    yield ctx.call_activity("boom", "out of stock")
    return "unreachable"


@app.orchestrator
def retries_fixed(ctx: Any) -> Any:
    box = {"key": f"fixed-{ctx.instance_id}", "fail_times": 2}
    return (yield ctx.call_activity_with_retry("flaky", RetryOptions(1000, 3), box))


@app.orchestrator
def retries_backoff(ctx: Any) -> Any:
    box = {"key": f"backoff-{ctx.instance_id}", "fail_times": 3}
    policy = RetryOptions(1000, 4, backoff_coefficient=2.0)
    started = ctx.current_utc_datetime
    result = yield ctx.call_activity_with_retry("flaky", policy, box)
    waited = (ctx.current_utc_datetime - started).total_seconds()
    return {"result": result, "waited_at_least": waited >= 7}


@app.orchestrator
def retries_exhausted(ctx: Any) -> Any:
    box = {"key": f"exhausted-{ctx.instance_id}", "fail_times": 10}
    policy = RetryOptions(500, 3, backoff_coefficient=3.0)
    try:
        yield ctx.call_activity_with_retry("flaky", policy, box)
    except Exception as exc:
        return {"gave_up": True, "last": "failed on call 3" in str(exc)}
    return {"gave_up": False}


@app.orchestrator
def timer(ctx: Any) -> Any:
    start = ctx.current_utc_datetime
    yield ctx.create_timer(start + timedelta(hours=1))
    return (ctx.current_utc_datetime - start).total_seconds()


@app.orchestrator
def approval(ctx: Any) -> Any:
    deadline = ctx.create_timer(ctx.current_utc_datetime + timedelta(minutes=30))
    event = ctx.wait_for_external_event("approve")
    winner = yield ctx.task_any([event, deadline])
    if winner == event:
        deadline.cancel()
        return {"approved": event.result}
    return {"approved": None, "timed_out": True}


@app.orchestrator
def parent(ctx: Any) -> Any:
    first = yield ctx.call_sub_orchestrator("chain", 5)
    second = yield ctx.call_sub_orchestrator("fan_out", 3)
    return {"chain": first, "fan_out": second}


@app.orchestrator
def counter(ctx: Any) -> Any:
    n = ctx.get_input() or 0
    if n >= 3:
        return n
    yield ctx.call_activity("double", n)
    ctx.continue_as_new(n + 1)
    return None
