"""Every trigger and binding kind the Azure provider maps, for plan, role and golden tests."""

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
    Queue,
    Secret,
    Stream,
    Table,
    TimerInfo,
    Topic,
)

app = App("everything", memory=1024, timeout=120)
app.declare(
    Queue("jobs"),
    Topic("news"),
    Table("users", key="uid", change_stream=True),
    Secret("api-key"),
    EventBus("default"),
    Stream("clicks", partitions=4),
    Bucket("processed"),
)


@app.http(
    "/jobs",
    methods=["POST"],
    auth="anonymous",
    writes=["queue:jobs"],
    min_instances=1,
    concurrency=16,
    max_instances=50,
)
def add_job(req: HttpRequest, ctx: Context) -> dict[str, Any]:
    return {"id": ctx.send("jobs", req.json())}


@app.queue("jobs", batch_size=4, reads=["table:users"], writes=["topic:news"])
def run_job(msg: Message, ctx: Context) -> None:
    ctx.publish("news", msg.body, kind="job")


@app.topic("news", filter={"kind": ["job", "alert"], "region": "eu"}, writes=["stream:clicks"])
def on_news(msg: Message, ctx: Context) -> None:
    ctx.put_record("clicks", msg.body, partition_key="news")


@app.storage(
    "uploads",
    events=["created", "deleted"],
    prefix="in/",
    suffix=".csv",
    writes=["bucket:processed"],
    secrets={"API_KEY": "api-key"},
)
def on_upload(event: CloudEvent, ctx: Context) -> None:
    ctx.bucket("processed").put(event.subject or "x", b"done")


@app.table_changes("users", starting_position="earliest", writes=["bus:default"])
def on_user(event: CloudEvent, ctx: Context) -> None:
    ctx.emit("user.changed", event.data)


@app.stream("clicks", batch_size=50, reads=["secret:api-key"])
def on_click(msg: Message, ctx: Context) -> None:
    ctx.secret("api-key")


@app.event({"type": ["user.changed"], "source": ["app"], "detail": {"plan": ["pro"]}})
def on_pro_user(event: CloudEvent, ctx: Context) -> None:
    ctx.logger.info("pro user %s", event.id)


@app.schedule(every="5 minutes", env={"MODE": "sweep"})
def sweep(timer: TimerInfo, ctx: Context) -> None:
    ctx.logger.info("sweep at %s", timer.scheduled_time)
