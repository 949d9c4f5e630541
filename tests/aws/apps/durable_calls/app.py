"""Orchestrators on Lambda durable functions whose roles may invoke exactly what they call:
literal targets, a module constant, a target computed at run time (every activity), and none
at all (judged by tests/aws/test_pulumi.py and tests/aws/test_durable_calls.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from faas_iac import App

app = App("calls")

CHILD = "child"


@app.orchestrator(aws_engine="lambda_durable")
def parent(ctx: Any) -> Any:
    first = yield ctx.call_activity("double", ctx.get_input())
    return (yield ctx.call_sub_orchestrator(CHILD, first))


@app.orchestrator(aws_engine="lambda_durable")
def child(ctx: Any) -> Any:
    return (yield ctx.call_activity_with_retry("double", None, ctx.get_input()))


@app.orchestrator(aws_engine="lambda_durable")
def route(ctx: Any) -> Any:
    order = ctx.get_input()
    return (yield ctx.call_activity(f"ship_{order['how']}", order))


@app.orchestrator(aws_engine="lambda_durable")
def pause(ctx: Any) -> Any:
    yield ctx.create_timer(ctx.current_utc_datetime + timedelta(seconds=1))
    return "done"


@app.activity
def double(value: int) -> int:
    return value * 2


@app.activity
def ship_air(order: dict[str, Any]) -> str:
    return "air"


@app.activity
def ship_sea(order: dict[str, Any]) -> str:
    return "sea"
