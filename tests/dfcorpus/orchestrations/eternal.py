"""Eternal orchestrations: continue_as_new instead of an ever-growing loop."""

from datetime import timedelta

import azure.durable_functions as df

from faas_iac import Blueprint

bp = Blueprint("eternal")


@bp.orchestrator
def periodic_cleanup(context: df.DurableOrchestrationContext):
    state = context.get_input() or {"round": 0, "removed": 0}
    removed = yield context.call_activity("cleanup_expired", state["round"])
    state["removed"] += removed
    state["round"] += 1
    if state["round"] >= 3:
        return state
    yield context.create_timer(context.current_utc_datetime + timedelta(minutes=20))
    context.continue_as_new(state)


@bp.orchestrator
def queue_drainer(context: df.DurableOrchestrationContext):
    work = context.get_input()
    batch, rest = work["pending"][:2], work["pending"][2:]
    results = yield context.task_all([context.call_activity("handle_message", m) for m in batch])
    done = work.get("done", []) + results
    if rest:
        context.continue_as_new({"pending": rest, "done": done})
        return None
    return {"done": done, "total": len(done)}


@bp.orchestrator
def counter_with_status(context: df.DurableOrchestrationContext):
    counter = context.get_input()
    value = yield context.call_activity("increment", counter["value"])
    context.set_custom_status({"generation": counter["generation"], "value": value})
    if value < counter["target"]:
        context.continue_as_new(
            {**counter, "value": value, "generation": counter["generation"] + 1}
        )
        return None
    return value


@bp.activity
def cleanup_expired(round_number: int) -> int:
    return (round_number + 1) * 3


@bp.activity
def handle_message(message: str) -> str:
    return message[::-1]


@bp.activity
def increment(value: int) -> int:
    return value + 5
