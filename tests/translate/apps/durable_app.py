"""The durable patterns the translator must carry to every target, as one app.

Chaining, fan-out/fan-in (over a list and over a fixed set), monitor, human interaction with a
timeout, saga (compensation), retry with backoff, sub-orchestration, continue_as_new and custom
status. Activities are pure functions of their input, so every target gives the same outputs.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from faas_iac import App
from faas_iac.runtime.durable import RetryOptions

app = App("durable")

BACKOFF = RetryOptions(1000, 3, backoff_coefficient=2.0, max_retry_interval_in_milliseconds=4000)


@app.orchestrator
def chaining(ctx: Any) -> Any:
    order = ctx.get_input()
    priced = yield ctx.call_activity("price", order)
    taxed = yield ctx.call_activity("add_tax", priced)
    label = f"order {order['id']}: {taxed['total']}"
    return {"id": order["id"], "total": taxed["total"], "label": label}


@app.orchestrator
def fan_out_in(ctx: Any) -> Any:
    words = ctx.get_input()["words"]
    tasks = [ctx.call_activity("shout", w) for w in words]
    shouted = yield ctx.task_all(tasks)
    return {"count": len(shouted), "words": shouted}


@app.orchestrator
def azure_fan_out(ctx: Any) -> Any:
    """The fan-out of Azure's documentation: build a task list in a loop, then task_all."""
    batch = ctx.get_input()
    tasks = []
    for word in batch:
        tasks.append(ctx.call_activity("shout", word))
    outputs = yield ctx.task_all(tasks)
    sizes = []
    for i in range(len(outputs)):
        sizes.append(len(outputs[i]))
    return {"outputs": outputs, "sizes": sizes}


@app.orchestrator
def parallel_fixed(ctx: Any) -> Any:
    n = ctx.get_input()["n"]
    both = yield ctx.task_all([ctx.call_activity("square", n), ctx.call_activity("double", n)])
    return both[0] + both[1]


@app.orchestrator
def monitor(ctx: Any) -> Any:
    job = ctx.get_input()
    checks = 0
    done = False
    while not done and checks < 5:
        state = yield ctx.call_activity("check_job", {"check": checks, "done_at": job["done_at"]})
        checks = checks + 1
        done = state == "done"
        if not done:
            yield ctx.create_timer(ctx.current_utc_datetime + timedelta(seconds=job["every"]))
    return {"job": job["id"], "checks": checks, "done": done}


@app.orchestrator
def approval(ctx: Any) -> Any:
    request = ctx.get_input()
    yield ctx.call_activity("notify", request)
    timer = ctx.create_timer(ctx.current_utc_datetime + timedelta(hours=2))
    answer = ctx.wait_for_external_event("Approval")
    winner = yield ctx.task_any([answer, timer])
    if winner == answer:
        timer.cancel()
        return {"approved": answer.result["ok"], "by": answer.result["by"]}
    return {"approved": False, "by": "timeout"}


@app.orchestrator
def saga(ctx: Any) -> Any:
    trip = ctx.get_input()
    hotel = yield ctx.call_activity("book_hotel", trip)
    try:
        flight = yield ctx.call_activity("book_flight", trip)
    except Exception:
        yield ctx.call_activity("cancel_hotel", hotel)
        return {"status": "compensated", "hotel": hotel}
    return {"status": "booked", "hotel": hotel, "flight": flight}


@app.orchestrator
def retry_backoff(ctx: Any) -> Any:
    job = ctx.get_input()
    result = yield ctx.call_activity_with_retry("flaky", BACKOFF, job)
    return {"result": result}


@app.orchestrator
def parent(ctx: Any) -> Any:
    order = ctx.get_input()
    child = yield ctx.call_sub_orchestrator("chaining", order)
    return {"child": child, "ok": child["total"] > 0}


@app.orchestrator
def parents(ctx: Any) -> Any:
    """Sub-orchestrations fanned out over a list, and a fixed pair of them."""
    orders = ctx.get_input()
    each = yield ctx.task_all([ctx.call_sub_orchestrator("chaining", o) for o in orders])
    pair = yield ctx.task_all(
        [
            ctx.call_sub_orchestrator("chaining", orders[0]),
            ctx.call_sub_orchestrator("chaining", orders[-1]),
        ]
    )
    totals = []
    for child in each:
        totals.append(child["total"])
    return {"each": totals, "pair": [pair[0]["label"], pair[1]["label"]]}


@app.orchestrator
def counter(ctx: Any) -> Any:
    state = ctx.get_input()
    total = yield ctx.call_activity("double", state["value"])
    if state["round"] < 2:
        ctx.continue_as_new({"value": total, "round": state["round"] + 1})
        return None
    return {"value": total, "rounds": state["round"] + 1}


@app.orchestrator
def status(ctx: Any) -> Any:
    items = ctx.get_input()["items"]
    done = []
    for item in items:
        ctx.set_custom_status({"step": item, "done": len(done)})
        shouted = yield ctx.call_activity("shout", item)
        done = done + [shouted]  # noqa: RUF005 (the translator keeps + on lists)
    return done


@app.activity
def price(order: dict[str, Any]) -> dict[str, Any]:
    return {"id": order["id"], "total": sum(i["qty"] * i["price"] for i in order["items"])}


@app.activity
def add_tax(priced: dict[str, Any]) -> dict[str, Any]:
    return {"id": priced["id"], "total": round(priced["total"] * 1.2, 2)}


@app.activity
def shout(word: str) -> str:
    return word.upper() + "!"


@app.activity
def square(n: int) -> int:
    return n * n


@app.activity
def double(n: int) -> int:
    return n * 2


@app.activity
def check_job(arg: dict[str, Any]) -> str:
    return "done" if arg["check"] >= arg["done_at"] else "running"


@app.activity
def notify(request: dict[str, Any]) -> str:
    return f"asked {request['who']}"


@app.activity
def book_hotel(trip: dict[str, Any]) -> str:
    return f"hotel-{trip['city']}"


@app.activity
def book_flight(trip: dict[str, Any]) -> str:
    if trip.get("no_flights"):
        raise RuntimeError("no flights left")
    return f"flight-{trip['city']}"


@app.activity
def cancel_hotel(booking: str) -> str:
    return f"cancelled {booking}"


_FLAKY_CALLS: dict[str, int] = {}


def reset_state() -> None:
    """Forget the attempts counted so far (the execution tests call it before every run)."""
    _FLAKY_CALLS.clear()


@app.activity
def flaky(job: dict[str, Any]) -> str:
    """Fails ``job["fail"]`` times per job id, then succeeds (exercises the retry policy)."""
    seen = _FLAKY_CALLS.get(job["id"], 0)
    _FLAKY_CALLS[job["id"]] = seen + 1
    if seen < job["fail"]:
        raise RuntimeError(f"attempt {seen + 1} failed")
    return f"ok after {seen + 1}"


# -- failures: status and error text on every target ------------------------------------------


@app.orchestrator
def charge(ctx: Any) -> Any:
    """An activity that raises, not caught: the orchestration fails with its error."""
    order = ctx.get_input()
    receipt = yield ctx.call_activity("charge_card", order)
    return {"receipt": receipt}


@app.orchestrator
def validate(ctx: Any) -> Any:
    """The orchestrator itself raises."""
    order = ctx.get_input()
    checked = yield ctx.call_activity("shout", order["id"])
    if not order["items"]:
        raise ValueError("order has no items")
    return {"id": checked, "count": len(order["items"])}


@app.orchestrator
def charge_parent(ctx: Any) -> Any:
    """A sub-orchestration that fails, not caught: the parent fails with the same error."""
    receipt = yield ctx.call_sub_orchestrator("charge", ctx.get_input())
    return {"child": receipt}


@app.activity
def charge_card(order: dict[str, Any]) -> str:
    if order.get("declined"):
        raise ValueError(f"card declined for {order['id']}")
    return f"receipt-{order['id']}"
