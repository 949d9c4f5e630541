"""Human interaction (the Azure sample "SMS phone verification"): send a code, then race the
reply event against a timeout, allowing three tries."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from faas_iac import Blueprint

bp = Blueprint("human")


@bp.orchestrator
def verify_phone(ctx: Any) -> Any:
    request = ctx.get_input()
    code = yield ctx.call_activity("send_challenge", request["phone"])
    deadline = ctx.current_utc_datetime + timedelta(seconds=request.get("timeout_s", 60))
    timeout = ctx.create_timer(deadline)
    for attempt in range(3):
        reply = ctx.wait_for_external_event("SmsChallengeResponse")
        winner = yield ctx.task_any([reply, timeout])
        if winner == timeout:
            return {"verified": False, "reason": "timeout", "attempts": attempt}
        if reply.result == code:
            timeout.cancel()
            return {"verified": True, "attempts": attempt + 1}
    timeout.cancel()
    return {"verified": False, "reason": "wrong code", "attempts": 3}


@bp.activity
def send_challenge(phone: str) -> int:
    return sum(ord(c) for c in phone) % 9000 + 1000
