"""Entities: the Azure "Counter" entity, and an aggregator entity that an orchestrator feeds
and reads (call_entity / signal_entity)."""

from __future__ import annotations

from typing import Any

from faas_iac import Blueprint
from faas_iac.durable import EntityId

bp = Blueprint("entities")


@bp.entity
def counter(ctx: Any) -> None:
    value = ctx.get_state(lambda: 0)
    if ctx.operation_name == "add":
        value += ctx.get_input()
    elif ctx.operation_name == "reset":
        value = 0
    elif ctx.operation_name == "delete":
        ctx.destruct_on_exit()
        return
    ctx.set_result(value)
    ctx.set_state(value)


@bp.entity
def aggregator(ctx: Any) -> None:
    state = ctx.get_state(lambda: {"count": 0, "sum": 0.0, "max": None})
    if ctx.operation_name == "record":
        value = float(ctx.get_input())
        state["count"] += 1
        state["sum"] += value
        state["max"] = value if state["max"] is None else max(state["max"], value)
        ctx.set_state(state)
    ctx.set_result(state)


@bp.orchestrator
def aggregate_readings(ctx: Any) -> Any:
    sensor = EntityId("aggregator", ctx.get_input()["sensor"])
    for value in ctx.get_input()["readings"]:
        ctx.signal_entity(sensor, "record", value)
    summary = yield ctx.call_entity(sensor, "get")
    total = yield ctx.call_entity(EntityId("counter", "readings"), "add", summary["count"])
    return {"summary": summary, "counted": total}
