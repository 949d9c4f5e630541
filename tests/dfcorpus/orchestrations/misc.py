"""Everyday Python inside orchestrators: custom status, the context's own values, clock
arithmetic, builtins, dict / list / str methods, JSON, and the logging users add."""

import json
import logging
from datetime import timedelta

import azure.durable_functions as df

from faas_iac import Blueprint

bp = Blueprint("misc")


@bp.orchestrator
def progress_reporting(context: df.DurableOrchestrationContext):
    steps = context.get_input()
    done = []
    for index, step in enumerate(steps, start=1):
        context.set_custom_status({"step": step, "progress": f"{index / len(steps):.0%}"})
        output = yield context.call_activity("run_step", step)
        done.append(output)
    context.set_custom_status("finished")
    return done


@bp.orchestrator
def replay_safe_logging(context: df.DurableOrchestrationContext):
    order = context.get_input()
    if not context.is_replaying:
        logging.info("Processing order %s", order["id"])
    result = yield context.call_activity("run_step", order["id"])
    if not context.is_replaying:
        logging.info("Order %s done", order["id"])
    return result


@bp.orchestrator
def idempotency_keys(context: df.DurableOrchestrationContext):
    payments = context.get_input()
    receipts = []
    for payment in payments:
        key = context.new_uuid()
        receipt = yield context.call_activity("pay_once", {"amount": payment, "key": key})
        receipts.append(receipt)
    return {"receipts": receipts, "distinct_keys": len({r["key"] for r in receipts})}


@bp.orchestrator
def instance_tagging(context: df.DurableOrchestrationContext):
    job = context.get_input()
    tag = f"{job['kind']}/{context.instance_id}"
    stored = yield context.call_activity("store_result", {"tag": tag, "value": job["value"]})
    return {"tag": tag, "stored": stored, "child": context.parent_instance_id is None}


@bp.orchestrator
def clock_arithmetic(context: df.DurableOrchestrationContext):
    start = context.current_utc_datetime
    yield context.call_activity("run_step", "warm-up")
    yield context.create_timer(start + timedelta(hours=1))
    elapsed = context.current_utc_datetime - start
    second_deadline = start + timedelta(hours=2)
    yield context.create_timer(second_deadline)
    total = context.current_utc_datetime - start
    return {
        "elapsed_hours": round(elapsed.total_seconds() / 3600),
        "total_hours": round(total / timedelta(hours=1)),
        "at_least_an_hour": elapsed >= timedelta(hours=1),
        "after_deadline": context.current_utc_datetime >= second_deadline,
    }


@bp.orchestrator
def normalize_input(context: df.DurableOrchestrationContext):
    data = context.get_input() or {}
    data.setdefault("region", "westeurope")
    tags = data.get("tags", [])
    if isinstance(tags, str):
        tags = [t.strip() for t in tags.split(",")]
    priority = sorted(data.get("tasks", []), key=lambda t: (t["priority"], t["name"]))
    names = [t["name"] for t in priority]
    registered = yield context.call_activity(
        "register_tasks", {"region": data["region"], "names": names, "tags": tags}
    )
    return {"order": names, "reversed": list(reversed(names)), "registered": registered}


@bp.orchestrator
def statistics(context: df.DurableOrchestrationContext):
    readings = yield context.call_activity("load_readings", context.get_input())
    values = [r["value"] for r in readings]
    average = sum(values) / len(values)
    spread = max(values) - min(values)
    buckets = {}
    for v in values:
        bucket = int(v // 10) * 10
        buckets[str(bucket)] = buckets.get(str(bucket), 0) + 1
    evens = len([v for v in values if int(v) % 2 == 0])
    return {
        "average": round(average, 2),
        "spread": abs(spread),
        "buckets": buckets,
        "evens": evens,
        "halves": [round(v / 2) for v in values],
    }


@bp.orchestrator
def json_payloads(context: df.DurableOrchestrationContext):
    raw = yield context.call_activity("fetch_config", context.get_input())
    config = json.loads(raw)
    enabled = [name for name, flag in config["features"].items() if flag]
    summary = json.dumps({"enabled": enabled}, sort_keys=True)
    yield context.call_activity("save_summary", summary)
    return {"enabled": enabled, "summary": summary}


@bp.orchestrator
def collection_methods(context: df.DurableOrchestrationContext):
    basket = context.get_input()
    items = list(basket["items"])
    items.extend(basket.get("extras", []))
    items.insert(0, "bag")
    first_extra = items.index(basket["extras"][0]) if basket.get("extras") else -1
    priced = yield context.call_activity("price_items", items)
    discounts = dict(basket.get("discounts", {}))
    discounts.update({"bag": 0.5})
    removed = discounts.pop("expired", None)
    total = sum(priced[i] * (1 - discounts.get(i, 0)) for i in items)
    return {
        "items": items,
        "apples": items.count("apple"),
        "first_extra": first_extra,
        "removed": removed,
        "labels": ", ".join(i.replace("_", " ").capitalize() for i in items),
        "total": f"{total:.2f}",
        "keys": sorted(discounts.keys()),
    }


@bp.activity
def run_step(step: str) -> str:
    return f"{step} ok"


@bp.activity
def pay_once(request: dict) -> dict:
    return {"paid": request["amount"], "key": request["key"]}


@bp.activity
def store_result(request: dict) -> str:
    return f"stored under {request['tag']}"


@bp.activity
def register_tasks(request: dict) -> int:
    return len(request["names"])


@bp.activity
def load_readings(sensor: str) -> list:
    return [{"sensor": sensor, "value": v} for v in (12.5, 17.0, 23.25, 8.0, 30.5)]


@bp.activity
def fetch_config(name: str) -> str:
    return json.dumps(
        {"name": name, "features": {"beta": True, "dark_mode": False, "export": True}}
    )


@bp.activity
def save_summary(summary: str) -> int:
    return len(summary)


@bp.activity
def price_items(items: list) -> dict:
    return {item: round(len(item) * 0.75, 2) for item in items}
