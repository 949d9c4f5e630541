"""The app the crash test kills: continue_as_new, fan-out, timers, external events, entity
calls and signals.

Each activity appends "instance step" to ``$DURABLE_ACTIVITY_LOG`` so the test can count
activities that ran more than once (at-least-once delivery across crashes)."""

from __future__ import annotations

import os
import time
from datetime import timedelta
from typing import Any

from faas_iac import App
from faas_iac.durable import EntityId

app = App("crashapp", durable={"max_concurrent_orchestrations": 1000})


def expected(n: int) -> dict[str, Any]:
    """What an uninterrupted run of instance ``n`` returns."""
    steps = [step_value(n, k) for k in range(5)]
    return {"sum": sum(steps), "event": n * 7, "total": n * 7, "n": n}


def step_value(n: int, k: int) -> int:
    return n * 10 + k


@app.orchestrator
def crash_flow(ctx: Any) -> Any:
    state = ctx.get_input()
    n = state["n"]
    me = ctx.instance_id
    if "first" not in state:  # the first execution: one step, then continue as new
        first = yield ctx.call_activity("step", [me, n, 0])
        ctx.continue_as_new({"n": n, "first": first})
        return None
    first = state["first"]
    fanned = yield ctx.task_all([ctx.call_activity("step", [me, n, k]) for k in (1, 2, 3)])
    yield ctx.create_timer(ctx.current_utc_datetime + timedelta(milliseconds=200 + n % 7 * 50))
    event = yield ctx.wait_for_external_event("go")
    total = yield ctx.call_entity(EntityId("tally", me), "add", event)
    ctx.signal_entity(EntityId("tally", "all"), "add", 1)
    last = yield ctx.call_activity("step", [me, n, 4])
    return {"sum": first + sum(fanned) + last, "event": event, "total": total, "n": n}


@app.activity
def step(args: list[Any]) -> int:
    instance, n, k = args
    fd = os.open(os.environ["DURABLE_ACTIVITY_LOG"], os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    try:
        os.write(fd, f"{instance} {k}\n".encode())
    finally:
        os.close(fd)
    time.sleep(0.005)  # long enough for a kill to land while activities are in flight
    return step_value(int(n), int(k))


@app.entity
def tally(ctx: Any) -> None:
    value = ctx.get_state(lambda: 0) + ctx.get_input()
    ctx.set_state(value)
    ctx.set_result(value)
