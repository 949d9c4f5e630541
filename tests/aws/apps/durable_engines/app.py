"""Which engine runs each orchestrator when the engines call each other: a durable function
starts only durable functions and a state machine only state machines, so a sub-orchestrator
the translator accepts follows a durable caller onto Lambda durable functions, and so do its own
sub-orchestrators and the state machines that call them (judged by
tests/aws/test_durable_engines.py, and every IAM statement by tests/aws/test_pulumi.py)."""

from __future__ import annotations

from typing import Any

from faas_iac import App

app = App("engines")


@app.orchestrator(aws_engine="lambda_durable")
def planner(ctx: Any) -> Any:
    return (yield ctx.call_sub_orchestrator("middle", ctx.get_input()))


@app.orchestrator
def middle(ctx: Any) -> Any:
    return (yield ctx.call_sub_orchestrator("leaf", ctx.get_input()))


@app.orchestrator
def leaf(ctx: Any) -> Any:
    return (yield ctx.call_activity("double", ctx.get_input()))


@app.orchestrator
def machine(ctx: Any) -> Any:
    return (yield ctx.call_sub_orchestrator("leaf", ctx.get_input()))


@app.orchestrator
def alone(ctx: Any) -> Any:
    return (yield ctx.call_activity("double", ctx.get_input()))


@app.activity
def double(value: int) -> int:
    return value * 2
