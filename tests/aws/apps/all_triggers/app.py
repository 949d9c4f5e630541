"""Every AWS trigger and binding kind in one app (the planner's and emitters' widest input)."""

from __future__ import annotations

from typing import Any

from faas_iac import (
    App,
    Bucket,
    CloudEvent,
    Context,
    EventBus,
    HttpRequest,
    Message,
    Secret,
    Table,
    TimerInfo,
    Topic,
)

app = App("allt", memory=256, timeout=30)
app.declare(
    Table("orders", key="id", change_stream=True),
    Bucket("reports", versioning=True),
    Topic("news"),
    Secret("api-key"),
    EventBus("audit"),
)


@app.http(
    "/orders",
    methods=["POST"],
    writes=["queue:orders", "topic:news", "bus:audit", "stream:clicks"],
    auth="anonymous",
    secrets={"API_KEY": "api-key"},
    tracing=True,
)
def place(req: HttpRequest, ctx: Context) -> dict[str, Any]:
    order = req.json()
    ctx.send("orders", order)
    ctx.publish("news", order, kind="big")
    # (moto cannot deliver a rule match to a Lambda target: emit a type no rule matches)
    ctx.emit("order.audited", order, source="shop", bus="audit")
    ctx.put_record("clicks", order, partition_key=str(order.get("id")))
    return {"ok": True}


@app.http(
    "/files/{*rest}",
    methods=["GET", "DELETE"],
    reads=["bucket:reports"],
    auth="jwt",
    jwt={"issuer": "https://issuer.example", "audience": ["shop"]},
)
def files(req: HttpRequest, ctx: Context) -> bytes | None:
    return ctx.bucket("reports").get(req.route_params["rest"])


@app.http("/admin", methods=["GET"], auth="iam", reserved_concurrency=5)
def admin(req: HttpRequest, ctx: Context) -> str:
    return "ok"


@app.queue("orders", batch_size=10, dead_letter=True, writes=["table:orders"])
def take(msg: Message, ctx: Context) -> None:
    ctx.table("orders").put(msg.json())


@app.schedule("0 0 2 * * *", tz="Europe/Paris", writes=["bucket:reports"])
def nightly(timer: TimerInfo, ctx: Context) -> None:
    ctx.bucket("reports").put(f"{timer.scheduled_time:%Y-%m-%d}.txt", "report\n")


@app.schedule(every="5 minutes")
def every_five(timer: TimerInfo, ctx: Context) -> None:
    return None


@app.topic("news", filter={"kind": "big"})
def on_news(msg: Message, ctx: Context) -> None:
    return None


@app.storage("reports", prefix="in/", events=["created", "deleted"])
def on_file(event: CloudEvent, ctx: Context) -> None:
    return None


@app.table_changes("orders")
def on_change(event: CloudEvent, ctx: Context) -> None:
    return None


@app.stream("clicks", starting_position="earliest")
def on_click(msg: Message, ctx: Context) -> None:
    return None


@app.event(pattern={"source": "shop", "type": "order.placed"}, bus="audit")
def on_event(event: CloudEvent, ctx: Context) -> None:
    return None
