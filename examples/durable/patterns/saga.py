"""Saga with compensation: book a trip; when a booking fails, undo the earlier ones in reverse
order, keeping the failure's type and message."""

from __future__ import annotations

from typing import Any

from faas_iac import Blueprint
from faas_iac.durable import TaskFailedError

bp = Blueprint("saga")


@bp.orchestrator
def book_trip(ctx: Any) -> Any:
    trip = ctx.get_input()
    done: list[str] = []
    try:
        for step in ("flight", "hotel", "car"):
            yield ctx.call_activity("book", {"what": step, "trip": trip})
            done.append(step)
    except TaskFailedError as failure:
        undone = []
        for step in reversed(done):
            undone.append((yield ctx.call_activity("cancel", step)))
        return {
            "booked": False,
            "error": failure.error_type,
            "message": failure.error_message,
            "compensated": undone,
        }
    return {"booked": True, "steps": done}


@bp.activity
def book(request: dict[str, Any]) -> str:
    if request["what"] in request["trip"].get("unavailable", []):
        raise ValueError(f"no {request['what']} available")
    return f"booked {request['what']}"


@bp.activity
def cancel(what: str) -> str:
    return f"cancelled {what}"
