"""Approvals: what the dashboard (``faas-iac dev``, then the ``/_faas/`` URL it prints) is
made to watch. An HTTP function starts an approval, an orchestration waits for a person's
decision (an external event), a queue whose bad messages end as dead letters, an orchestration
that fails, one that waits forever, and a counter entity.

    faas-iac dev examples/approvals/app.py
    faas-iac durable start approval --input '{"request": "laptop", "amount": 1200}'
    faas-iac durable raise-event ID Approval --data '{"approved": true, "by": "ana"}'
    faas-iac send examples/approvals/app.py jobs --data '{"id": "j1", "needs_fix": true}'
    faas-iac dead list examples/approvals/app.py jobs      # after two failed deliveries
    faas-iac table put examples/approvals/app.py fixes '{"id": "j1"}'
    faas-iac dead redrive examples/approvals/app.py jobs   # now it runs
"""

from __future__ import annotations

import zlib
from typing import Any

from faas_iac import App, Context, HttpRequest, Message, Table

app = App("approvals")
app.declare(Table("fixes", key="id"))


@app.http("/requests", methods=["POST"], durable_client=True)
def request_approval(req: HttpRequest, ctx: Context) -> dict[str, Any]:
    instance_id = ctx.durable.start_new("approval", None, req.json())
    return {"instanceId": instance_id}


@app.orchestrator
def approval(ctx: Any) -> Any:
    request = ctx.get_input()
    ticket = yield ctx.call_activity("file_request", request)
    ctx.set_custom_status({"ticket": ticket, "waiting_for": "Approval"})
    decision = yield ctx.wait_for_external_event("Approval")
    if decision.get("approved"):
        yield ctx.call_activity("notify", {"ticket": ticket, "approved": True})
    ctx.set_custom_status({"ticket": ticket, "decided": True})
    return {"ticket": ticket, "decision": decision}


@app.orchestrator
def wait_forever(ctx: Any) -> Any:
    return (yield ctx.wait_for_external_event("NeverSent"))


@app.orchestrator
def breaks(ctx: Any) -> Any:
    return (yield ctx.call_activity("fails", ctx.get_input()))


@app.activity
def file_request(request: dict[str, Any]) -> str:
    return f"REQ-{zlib.crc32(repr(request).encode()) % 10000:04d}"


@app.activity
def notify(decision: dict[str, Any]) -> bool:
    return True


@app.activity
def fails(value: Any) -> None:
    raise ValueError(f"cannot process {value!r}")


@app.entity
def counter(ctx: Any) -> None:
    ctx.set_state((ctx.get_state(lambda: 0) or 0) + (ctx.get_input() or 1))


@app.queue("jobs", batch_size=5, max_deliveries=5, dead_letter=True, reads=["table:fixes"])
def run_job(msg: Message, ctx: Context) -> None:
    """A job that needs a fix fails (five times, then it is a dead letter) until its fix is in the
    table ``fixes``; then a redrive runs it."""
    job = msg.json()
    if job.get("needs_fix") and ctx.table("fixes").get({"id": job["id"]}) is None:
        raise RuntimeError(f"job {job['id']} needs a fix first")
    ctx.logger.info(f"ran job {job['id']}")
