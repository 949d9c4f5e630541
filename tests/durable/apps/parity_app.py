"""Orchestrators that use each member of azure-functions-durable's API the way Azure code does,
for tests/durable/test_parity.py."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import azure.durable_functions as df

from faas_iac import App
from faas_iac.durable import TaskFailedError

app = App("parity")
_ATTEMPTS: dict[str, int] = {}


@app.activity
def shout(text: str) -> str:
    return text.upper()


@app.activity
def flaky(request: dict[str, Any]) -> str:
    seen = _ATTEMPTS[request["key"]] = _ATTEMPTS.get(request["key"], 0) + 1
    if seen <= request["fail_times"]:
        raise ConnectionError(f"attempt {seen} failed")
    return f"ok after {seen}"


@app.orchestrator
def by_function(ctx: Any) -> Any:
    loud = yield ctx.call_activity(shout, "quiet")
    child_said = yield ctx.call_sub_orchestrator(child, "hi", version="2.0")
    return {"loud": loud, "child": child_said, "version": ctx.version}


@app.orchestrator
def child(ctx: Any) -> Any:
    yield ctx.create_timer(ctx.current_utc_datetime)
    return {"input": ctx.get_input(), "version": ctx.version, "parent": ctx.parent_instance_id}


@app.orchestrator
def azure_retry(ctx: Any) -> Any:
    request = ctx.get_input()
    options = df.RetryOptions(5000, request["attempts"])
    return (yield ctx.call_activity_with_retry(flaky, options, request))


@app.orchestrator
def azure_retry_child(ctx: Any) -> Any:
    request = ctx.get_input()
    options = df.RetryOptions(1000, request["attempts"])
    return (yield ctx.call_sub_orchestrator_with_retry(flaky_child, options, request))


@app.orchestrator
def flaky_child(ctx: Any) -> Any:
    return (yield ctx.call_activity("flaky", ctx.get_input()))


@app.orchestrator
def identities(ctx: Any) -> Any:
    first = [ctx.new_uuid(), ctx.new_uuid(), str(ctx.new_guid())]
    yield ctx.create_timer(ctx.current_utc_datetime + timedelta(minutes=5))
    return {"first": first, "later": ctx.new_uuid(), "id": ctx.instance_id}


@app.orchestrator
def looks_around(ctx: Any) -> Any:
    loud = yield ctx.call_activity("shout", "a")
    seen = [(event.event_type.name, event.Name) for event in ctx.histories]
    context = ctx.function_context
    moved = ctx.current_utc_datetime + timedelta(days=1)
    ctx.current_utc_datetime = moved
    return {
        "loud": loud,
        "seen": seen,
        "function": context.function_name,
        "moved": ctx.current_utc_datetime == moved,
    }


@app.orchestrator
def again(ctx: Any) -> Any:
    state = ctx.get_input()
    before = ctx.will_continue_as_new
    yield ctx.create_timer(ctx.current_utc_datetime)
    if state["n"] == 0:
        ctx.continue_as_new({"n": 1, "flags": []})
        ctx.continue_as_new({"n": 1, "flags": [before, ctx.will_continue_as_new]})
        return None
    return {"flags": state["flags"], "now": ctx.will_continue_as_new}


@app.orchestrator
def polled(ctx: Any) -> Any:
    url = ctx.get_input()
    response = yield ctx.call_http(
        "POST", url, content={"a": 1}, headers={"x-functions-key": "secret", "h": "v"}
    )
    return {"response": response, "at": ctx.current_utc_datetime.isoformat()}


@app.orchestrator
def approval(ctx: Any) -> Any:
    return (yield ctx.wait_for_external_event("Approved"))


@app.orchestrator
def fails_once(ctx: Any) -> Any:
    first = yield ctx.call_activity("shout", "before")
    second = yield ctx.call_activity("flaky", ctx.get_input())
    return [first, second]


@app.entity
def account(ctx: Any) -> None:
    op = ctx.operation_name
    if op == "deposit":
        ctx.set_state(ctx.get_state(lambda: 0) + ctx.get_input())
        ctx.set_result(ctx.get_state())
    elif op == "peek":
        ctx.set_result(ctx.get_state(lambda: -1))
    elif op == "touch":
        ctx.set_result(ctx.is_newly_constructed)
    elif op == "close":
        ctx.destruct_on_exit()
    elif op == "fail":
        raise ValueError(f"{ctx.entity_name}/{ctx.entity_key} refuses {ctx.get_input()}")


@app.orchestrator
def uses_account(ctx: Any) -> Any:
    entity = df.EntityId("account", "a1")
    total = yield ctx.call_entity(entity, "deposit", 5)
    try:
        yield ctx.call_entity(entity, "fail", "this")
    except TaskFailedError as error:
        return {"total": total, "error": [error.error_type, error.error_message, str(error)]}
    return {"total": total}
