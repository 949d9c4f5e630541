"""A small shop: an HTTP API, a nightly report, an order queue and an order orchestration."""

from __future__ import annotations

from typing import Any

from faas_iac import App, Bucket, Context, HttpRequest, HttpResponse, Message, Table, TimerInfo

app = App("shop", memory=256, timeout=30)
app.declare(Table("orders", key="id"), Bucket("reports"))


@app.http("/orders", methods=["POST"], writes=["table:orders", "queue:orders"])
def place_order(req: HttpRequest, ctx: Context) -> HttpResponse | dict[str, Any]:
    order = req.json()
    if not isinstance(order, dict) or not isinstance(order.get("id"), str):
        return HttpResponse.json({"error": 'give {"id": "...", "items": [...]}'}, status=422)
    ctx.table("orders").put({**order, "status": "placed"})  # GET /orders/{id} reads it back
    ctx.send("orders", order)  # take_order fulfils it
    return {"accepted": order["id"]}


@app.http("/orders/{id}", methods=["GET"], reads=["table:orders"])
def get_order(req: HttpRequest, ctx: Context) -> dict[str, Any] | None:
    return ctx.table("orders").get({"id": req.route_params["id"]})


@app.queue("orders", batch_size=10, max_deliveries=5, dead_letter=True, durable_client=True)
def take_order(msg: Message, ctx: Context) -> None:
    ctx.durable.start_new("fulfil_order", None, msg.json())


@app.schedule("0 0 2 * * *", tz="Europe/Paris", reads=["table:orders"], writes=["bucket:reports"])
def nightly_report(timer: TimerInfo, ctx: Context) -> None:
    ctx.bucket("reports").put(f"{timer.scheduled_time:%Y-%m-%d}.txt", "orders report\n")


@app.orchestrator
def fulfil_order(ctx: Any) -> Any:
    order = ctx.get_input()
    reserved = yield ctx.call_activity("reserve_stock", order)
    charged = yield ctx.call_activity("charge_card", order)
    return {"order": order.get("id"), "reserved": reserved, "charged": charged}


@app.activity
def reserve_stock(order: dict[str, Any]) -> bool:
    return bool(order.get("items"))


@app.activity(writes=["table:orders"])
def charge_card(order: dict[str, Any]) -> str:
    return f"charged {order.get('total', 0)}"
