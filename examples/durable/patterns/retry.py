"""Retry with exponential backoff: a flaky activity retried by RetryOptions."""

from __future__ import annotations

from typing import Any

from faas_iac import Blueprint, RetryOptions

bp = Blueprint("retry")
_ATTEMPTS: dict[str, int] = {}


@bp.orchestrator
def flaky_call(ctx: Any) -> Any:
    request = ctx.get_input()
    retry = RetryOptions(
        first_retry_interval_in_milliseconds=request.get("first_ms", 100),
        max_number_of_attempts=request.get("attempts", 4),
        backoff_coefficient=2.0,
        max_retry_interval_in_milliseconds=1000,
    )
    started = ctx.current_utc_datetime
    result = yield ctx.call_activity_with_retry("flaky", retry, request)
    waited = (ctx.current_utc_datetime - started).total_seconds()
    return {"result": result, "waited_s": waited}


@bp.activity
def flaky(request: dict[str, Any]) -> str:
    seen = _ATTEMPTS[request["id"]] = _ATTEMPTS.get(request["id"], 0) + 1
    if seen <= request.get("fail_times", 2):
        raise ConnectionError(f"attempt {seen} failed")
    return f"ok after {seen} attempts"
