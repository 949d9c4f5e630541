"""Retry boundaries: each policy allows three attempts; the activity fails a given number of
times per key, so a run succeeds on the last allowed attempt or fails when it needed one more.
Written with ``faas_iac.RetryOptions`` (fixed interval, and backoff) and with Azure's own
``azure.durable_functions.RetryOptions``, on activities and on a sub-orchestration."""

from __future__ import annotations

from typing import Any

import azure.durable_functions as df

from faas_iac import App, RetryOptions

app = App("retries")

FIXED = RetryOptions(1000, 3)
BACKOFF = RetryOptions(1000, 3, backoff_coefficient=2.0, max_retry_interval_in_milliseconds=2000)
AZURE = df.RetryOptions(1000, 3)
_CALLS: dict[str, int] = {}


def reset_state() -> None:
    """Forget the attempts counted so far (the execution tests call it before every run)."""
    _CALLS.clear()


@app.orchestrator
def retry_fixed(ctx: Any) -> Any:
    result = yield ctx.call_activity_with_retry("flaky", FIXED, ctx.get_input())
    return {"result": result}


@app.orchestrator
def retry_backoff(ctx: Any) -> Any:
    result = yield ctx.call_activity_with_retry("flaky", BACKOFF, ctx.get_input())
    return {"result": result}


@app.orchestrator
def retry_azure(ctx: Any) -> Any:
    result = yield ctx.call_activity_with_retry("flaky", AZURE, ctx.get_input())
    return {"result": result}


@app.orchestrator
def retry_azure_keywords(ctx: Any) -> Any:
    policy = df.RetryOptions(first_retry_interval_in_milliseconds=1000, max_number_of_attempts=3)
    result = yield ctx.call_activity_with_retry("flaky", policy, ctx.get_input())
    return {"result": result}


@app.orchestrator
def retry_child(ctx: Any) -> Any:
    child = yield ctx.call_sub_orchestrator_with_retry("flaky_child", AZURE, ctx.get_input())
    return {"child": child}


@app.orchestrator
def flaky_child(ctx: Any) -> Any:
    result = yield ctx.call_activity("flaky", ctx.get_input())
    return result


@app.activity
def flaky(job: dict[str, Any]) -> str:
    """Fails ``job["fail"]`` times per job id, then succeeds."""
    seen = _CALLS[job["id"]] = _CALLS.get(job["id"], 0) + 1
    if seen <= job["fail"]:
        raise ConnectionError(f"attempt {seen} failed")
    return f"ok after {seen}"
