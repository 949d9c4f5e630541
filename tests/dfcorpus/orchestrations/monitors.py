"""Monitors: poll on durable timers until a condition holds or a deadline passes."""

from datetime import timedelta

import azure.durable_functions as df

from faas_iac import Blueprint

bp = Blueprint("monitors")


@bp.orchestrator
def job_status_monitor(context: df.DurableOrchestrationContext):
    job = context.get_input()
    expiry_time = context.current_utc_datetime + timedelta(hours=2)
    checks = 0
    while context.current_utc_datetime < expiry_time:
        checks += 1
        status = yield context.call_activity(
            "get_job_status",
            {"job_id": job["job_id"], "check": checks, "done_after": job["done_after"]},
        )
        if status == "Completed":
            yield context.call_activity("send_alert", f"job {job['job_id']} done")
            break
        context.set_custom_status(f"Job {job['job_id']} is {status.lower()} (check #{checks})")
        next_check = context.current_utc_datetime + timedelta(minutes=30)
        yield context.create_timer(next_check)
    return {"checks": checks, "done": status == "Completed"}


@bp.orchestrator
def stock_price_watch(context: df.DurableOrchestrationContext):
    request = context.get_input()
    threshold = request["threshold"]
    polls = 0
    price = None
    while polls < request.get("max_polls", 5):
        price = yield context.call_activity(
            "get_price", {"symbol": request["symbol"], "poll": polls}
        )
        polls += 1
        context.set_custom_status(
            {"symbol": request["symbol"], "last_price": price, "polls": polls}
        )
        if price >= threshold:
            yield context.call_activity("notify_trader", f"{request['symbol']} at {price:.2f}")
            return {"triggered": True, "price": price, "polls": polls}
        yield context.create_timer(context.current_utc_datetime + timedelta(minutes=15))
    return {"triggered": False, "price": price, "polls": polls}


@bp.orchestrator
def polling_with_backoff(context: df.DurableOrchestrationContext):
    request = context.get_input()
    wait_minutes = 5
    waits = []
    for attempt in range(1, request["max_attempts"] + 1):
        ready = yield context.call_activity(
            "is_export_ready", {"attempt": attempt, "ready_at": request["ready_at"]}
        )
        if ready:
            return {"ready": True, "attempt": attempt, "waits": waits}
        waits.append(wait_minutes)
        yield context.create_timer(context.current_utc_datetime + timedelta(minutes=wait_minutes))
        wait_minutes = min(wait_minutes * 2, 40)
    return {"ready": False, "attempt": request["max_attempts"], "waits": waits}


@bp.orchestrator
def hours_until_deadline(context: df.DurableOrchestrationContext):
    request = context.get_input()
    start = context.current_utc_datetime
    deadline = start + timedelta(hours=request["hours"])
    yield context.create_timer(start + timedelta(hours=1))
    yield context.call_activity("send_reminder", request["task"])
    now = context.current_utc_datetime
    remaining = deadline - now
    return {
        "remaining_hours": round(remaining.total_seconds() / 3600),
        "waited_an_hour": now - start >= timedelta(hours=1),
        "overdue": now > deadline,
    }


@bp.orchestrator
def sla_watchdog(context: df.DurableOrchestrationContext):
    sla = context.get_input() or {}
    deadline = context.current_utc_datetime + timedelta(hours=sla.get("hours", 24))
    deadline_timer = context.create_timer(deadline)
    updates = []
    while True:
        progress = context.wait_for_external_event("Progress")
        winner = yield context.task_any([progress, deadline_timer])
        if winner == deadline_timer:
            yield context.call_activity("escalate", {"updates": updates})
            return {"finished": False, "updates": updates}
        update = progress.result
        updates.append(update["percent"])
        if update["percent"] >= 100:
            deadline_timer.cancel()
            return {"finished": True, "updates": updates}


@bp.activity
def get_job_status(request: dict) -> str:
    return "Completed" if request["check"] >= request["done_after"] else "Running"


@bp.activity
def send_alert(message: str) -> str:
    return f"alert: {message}"


@bp.activity
def get_price(request: dict) -> float:
    return 90.0 + request["poll"] * 4.25


@bp.activity
def notify_trader(message: str) -> str:
    return message


@bp.activity
def is_export_ready(request: dict) -> bool:
    return request["attempt"] >= request["ready_at"]


@bp.activity
def send_reminder(task: str) -> str:
    return f"reminded about {task}"


@bp.activity
def escalate(report: dict) -> str:
    return f"escalated after {len(report['updates'])} updates"
