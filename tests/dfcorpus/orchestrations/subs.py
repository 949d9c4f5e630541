"""Sub-orchestrations: fanned out, in sequence, nested, and failing."""

import azure.durable_functions as df

from faas_iac import Blueprint

bp = Blueprint("subs")


@bp.orchestrator
def process_orders(context: df.DurableOrchestrationContext):
    orders = context.get_input()
    tasks = []
    for i, order in enumerate(orders):
        child_id = f"{context.instance_id}-order-{i}"
        tasks.append(context.call_sub_orchestrator("process_one_order", order, child_id))
    results = yield context.task_all(tasks)
    return {"shipped": [r["id"] for r in results if r["shipped"]], "count": len(results)}


@bp.orchestrator
def process_one_order(context: df.DurableOrchestrationContext):
    order = context.get_input()
    in_stock = yield context.call_activity("check_stock", order)
    if not in_stock:
        return {"id": order["id"], "shipped": False}
    yield context.call_activity("ship", order["id"])
    return {"id": order["id"], "shipped": True}


@bp.orchestrator
def region_rollout(context: df.DurableOrchestrationContext):
    plan = context.get_input()
    deployed = []
    for region in plan["regions"]:
        outcome = yield context.call_sub_orchestrator(
            "deploy_region", {"region": region, "version": plan["version"]}
        )
        if not outcome["healthy"]:
            return {"deployed": deployed, "halted_at": region}
        deployed.append(region)
    return {"deployed": deployed, "halted_at": None}


@bp.orchestrator
def deploy_region(context: df.DurableOrchestrationContext):
    target = context.get_input()
    yield context.call_activity("deploy", target)
    healthy = yield context.call_activity("health_check", target["region"])
    return {"region": target["region"], "healthy": healthy}


@bp.orchestrator
def nested_report(context: df.DurableOrchestrationContext):
    year = context.get_input()
    quarters = yield context.call_sub_orchestrator("yearly_totals", year)
    best_quarter, best_total = max(quarters.items(), key=lambda kv: kv[1])
    return {"year": year["year"], "best": best_quarter, "total": best_total}


@bp.orchestrator
def yearly_totals(context: df.DurableOrchestrationContext):
    year = context.get_input()
    totals = {}
    for quarter in ("Q1", "Q2", "Q3", "Q4"):
        totals[quarter] = yield context.call_sub_orchestrator(
            "quarter_total",
            {"year": year["year"], "quarter": quarter, "sales": year["sales"][quarter]},
        )
    return totals


@bp.orchestrator
def quarter_total(context: df.DurableOrchestrationContext):
    request = context.get_input()
    total = yield context.call_activity("sum_sales", request["sales"])
    return total


@bp.orchestrator
def child_failure_caught(context: df.DurableOrchestrationContext):
    request = context.get_input()
    try:
        result = yield context.call_sub_orchestrator("strict_child", request)
    except Exception as e:
        yield context.call_activity("log_failure", str(e))
        return {"ok": False, "reason": str(e)}
    return {"ok": True, "result": result}


@bp.orchestrator
def strict_child(context: df.DurableOrchestrationContext):
    request = context.get_input()
    if request["quantity"] <= 0:
        raise ValueError(f"quantity must be positive, got {request['quantity']}")
    confirmation = yield context.call_activity("ship", request["sku"])
    return confirmation


@bp.activity
def check_stock(order: dict) -> bool:
    return order["qty"] <= 5


@bp.activity
def ship(order_id: str) -> str:
    return f"shipped {order_id}"


@bp.activity
def deploy(target: dict) -> str:
    return f"{target['version']} deployed to {target['region']}"


@bp.activity
def health_check(region: str) -> bool:
    return not region.startswith("ap-")


@bp.activity
def sum_sales(sales: list) -> float:
    return round(sum(sales), 2)


@bp.activity
def log_failure(message: str) -> int:
    return len(message)
