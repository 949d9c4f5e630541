"""Monitor (the Azure sample "Weather monitor"): poll a condition on a durable timer until it
holds or the monitor expires."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from faas_iac import Blueprint

bp = Blueprint("monitor")
_CHECKS: dict[str, int] = {}


@bp.orchestrator
def job_monitor(ctx: Any) -> Any:
    job = ctx.get_input()
    expiry = ctx.current_utc_datetime + timedelta(seconds=job.get("expiry_s", 30))
    checks = 0
    while ctx.current_utc_datetime < expiry:
        checks += 1
        status = yield ctx.call_activity("check_job", job)
        if status == "done":
            yield ctx.call_activity("send_alert", f"job {job['id']} done")
            return {"job": job["id"], "status": "done", "checks": checks}
        next_check = ctx.current_utc_datetime + timedelta(milliseconds=job.get("every_ms", 200))
        yield ctx.create_timer(next_check)
    return {"job": job["id"], "status": "expired", "checks": checks}


@bp.activity
def check_job(job: dict[str, Any]) -> str:
    seen = _CHECKS[job["id"]] = _CHECKS.get(job["id"], 0) + 1
    return "done" if seen >= job.get("done_after", 3) else "running"


@bp.activity
def send_alert(message: str) -> str:
    return message
