"""Retries: Azure's RetryOptions (module constant, local variables, inline, keywords or
positional), on activities and sub-orchestrations, and a hand-written retry loop."""

from datetime import timedelta

import azure.durable_functions as df

from faas_iac import Blueprint

bp = Blueprint("retries")

DEFAULT_RETRY = df.RetryOptions(first_retry_interval_in_milliseconds=5000, max_number_of_attempts=3)

_ATTEMPTS: dict = {}


def reset_state() -> None:
    """Forget the attempts counted so far (the corpus test calls it before every run)."""
    _ATTEMPTS.clear()


def _attempt(key: str) -> int:
    _ATTEMPTS[key] = _ATTEMPTS.get(key, 0) + 1
    return _ATTEMPTS[key]


@bp.orchestrator
def flaky_download(context: df.DurableOrchestrationContext):
    request = context.get_input()
    content = yield context.call_activity_with_retry("download_file", DEFAULT_RETRY, request)
    return {"bytes": len(content), "content": content}


@bp.orchestrator
def retry_from_locals(context: df.DurableOrchestrationContext):
    first_retry_interval_in_milliseconds = 5000
    max_number_of_attempts = 3
    retry_options = df.RetryOptions(first_retry_interval_in_milliseconds, max_number_of_attempts)
    result = yield context.call_activity_with_retry(
        "sync_inventory", retry_options, context.get_input()
    )
    return result


@bp.orchestrator
def inline_retry_gives_up(context: df.DurableOrchestrationContext):
    job = context.get_input()
    try:
        result = yield context.call_activity_with_retry(
            "sync_inventory", df.RetryOptions(2000, 2), job
        )
    except Exception as e:
        return {"synced": False, "error": str(e)}
    return {"synced": True, "result": result}


@bp.orchestrator
def sub_orchestration_with_retry(context: df.DurableOrchestrationContext):
    batch = context.get_input()
    retry = df.RetryOptions(first_retry_interval_in_milliseconds=10000, max_number_of_attempts=4)
    report = yield context.call_sub_orchestrator_with_retry("import_batch", retry, batch)
    return {"report": report}


@bp.orchestrator
def import_batch(context: df.DurableOrchestrationContext):
    batch = context.get_input()
    rows = yield context.call_activity("import_rows", batch)
    return f"imported {rows} rows of {batch['name']}"


@bp.orchestrator
def manual_retry_loop(context: df.DurableOrchestrationContext):
    request = context.get_input()
    max_attempts = 3
    for attempt in range(1, max_attempts + 1):
        try:
            result = yield context.call_activity("sync_inventory", request)
            return {"result": result, "attempts": attempt}
        except Exception:
            if attempt == max_attempts:
                raise
            yield context.create_timer(
                context.current_utc_datetime + timedelta(minutes=attempt * 10)
            )
    return None


@bp.activity
def download_file(request: dict) -> str:
    seen = _attempt(f"download:{request['url']}")
    if seen <= request["fail_times"]:
        raise ConnectionError(f"attempt {seen}: connection reset")
    return f"<contents of {request['url']}>"


@bp.activity
def sync_inventory(job: dict) -> str:
    seen = _attempt(f"sync:{job['store']}")
    if seen <= job["fail_times"]:
        raise TimeoutError(f"inventory service timed out (attempt {seen})")
    return f"{job['store']} synced on attempt {seen}"


@bp.activity
def import_rows(batch: dict) -> int:
    seen = _attempt(f"import:{batch['name']}")
    if seen <= batch["fail_times"]:
        raise RuntimeError(f"deadlock on {batch['name']}, attempt {seen}")
    return len(batch["rows"])
