"""continue_as_new (an "eternal" orchestration) and custom status (progress reporting)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from faas_iac import Blueprint

bp = Blueprint("eternal")


@bp.orchestrator
def periodic_cleanup(ctx: Any) -> Any:
    state = ctx.get_input()
    yield ctx.call_activity("cleanup", state["round"])
    if state["round"] + 1 < state["rounds"]:
        yield ctx.create_timer(ctx.current_utc_datetime + timedelta(milliseconds=50))
        ctx.continue_as_new({**state, "round": state["round"] + 1})
        return None
    return {"rounds": state["rounds"]}


@bp.activity
def cleanup(round_: int) -> int:
    return round_


@bp.orchestrator
def report_progress(ctx: Any) -> Any:
    ctx.set_custom_status({"stage": "started", "percent": 0})
    yield ctx.call_activity("cleanup", 0)
    ctx.set_custom_status({"stage": "waiting for approval", "percent": 50})
    approval = yield ctx.wait_for_external_event("Approval")
    ctx.set_custom_status({"stage": "done", "percent": 100})
    return {"approved": approval}
