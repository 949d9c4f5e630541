"""One function per trigger type, chained so one HTTP call runs them all under `faas-iac dev`:

POST /api/items → table "items" → its change stream → bucket "files" → storage trigger →
event bus → stream "clicks" → topic "news" → queue "jobs". A schedule ticks every minute beside
them (examples/local_only ticks every second, which only the local host and Azure can do).
Every handler notes what it saw in table "seen" (GET /api/seen/{key} reads it back). The app
compiles for every target: queue "jobs" waits at least as long as its function may run, and
dead-letters after 5 deliveries (Pub/Sub's least).
"""

from __future__ import annotations

from typing import Any

from faas_iac import (
    App,
    Bucket,
    CloudEvent,
    Context,
    HttpRequest,
    HttpResponse,
    Message,
    Secret,
    Stream,
    Table,
    TimerInfo,
    Topic,
)

app = App("triggers", timeout=10)
app.declare(
    Table("items", key="id"),
    Table("seen", key="id"),
    Bucket("files"),
    Stream("clicks", partitions=2),
    Topic("news"),
    Secret("api-token"),
)

SEEN = "table:seen"


def note(ctx: Context, key: str, **data: Any) -> None:
    ctx.table("seen").put({"id": key, **data})


@app.http("/items", methods=["POST"], writes=["table:items"])
def add_item(req: HttpRequest, ctx: Context) -> HttpResponse:
    item = req.json()
    if not isinstance(item, dict) or not isinstance(item.get("id"), str):
        return HttpResponse.json({"error": 'give {"id": "..."}'}, status=422)
    ctx.table("items").put(item)
    return HttpResponse.json({"stored": item["id"]}, status=201)


# faas-iac: ignore[FIAC701] a public greeting on purpose: it reads and writes nothing
@app.http("/hello/{name}", methods=["GET"], auth="anonymous")
def hello(req: HttpRequest, ctx: Context) -> dict[str, Any]:
    return {"hello": req.route_params["name"], "lang": req.query.get("lang", "en")}


@app.http("/seen/{*key}", methods=["GET"], reads=[SEEN])
def seen(req: HttpRequest, ctx: Context) -> HttpResponse:
    item = ctx.table("seen").get({"id": req.route_params["key"]})
    return HttpResponse.json(item) if item else HttpResponse.json({"missing": True}, status=404)


@app.http("/token", methods=["GET"], secrets={"API_TOKEN": "api-token"})
def token(req: HttpRequest, ctx: Context) -> dict[str, int]:
    value = ctx.secret("api-token")
    ctx.logger.info(f"using token {value}")  # the host's log redacts it
    return {"length": len(value)}


@app.table_changes("items", batch_size=10, writes=[SEEN, "bucket:files"])
def on_item(event: CloudEvent, ctx: Context) -> None:
    new = event.data["new"]
    key = event.data["keys"]["id"]
    note(ctx, f"table:{key}", change=event.type)
    if new is not None:
        ctx.bucket("files").put(f"items/{key}.json", str(new), content_type="application/json")


@app.storage(
    "files",
    events=["created", "deleted"],
    prefix="items/",
    suffix=".json",
    writes=[SEEN, "bus:default"],
)
def on_file(event: CloudEvent, ctx: Context) -> None:
    note(ctx, f"storage:{event.subject}:{event.type}")
    if event.type == "object.created":
        ctx.emit("file.stored", {"key": event.subject, "size": event.data["size"]}, source="files")


STORED = {"source": ["files"], "type": ["file.stored"], "detail": {"size": [{"numeric": [">", 0]}]}}


@app.event(STORED, writes=[SEEN, "stream:clicks"])
def on_stored(event: CloudEvent, ctx: Context) -> None:
    key = event.data["key"]
    note(ctx, f"event:{key}", type=event.type)
    ctx.put_record("clicks", {"key": key}, partition_key=key)


@app.stream("clicks", batch_size=10, writes=[SEEN, "topic:news"])
def on_click(record: Message, ctx: Context) -> None:
    key = record.json()["key"]
    note(ctx, f"stream:{key}", partition=record.attributes["partition"], seq=record.sequence)
    ctx.publish("news", {"key": key}, kind="item")


@app.topic("news", filter={"kind": ["item"]}, writes=[SEEN, "queue:jobs"])
def on_news(msg: Message, ctx: Context) -> None:
    key = msg.json()["key"]
    note(ctx, f"topic:{key}")
    ctx.send("jobs", {"key": key})


@app.queue(
    "jobs", batch_size=5, max_deliveries=5, visibility_timeout=10, dead_letter=True, writes=[SEEN]
)
def on_job(msg: Message, ctx: Context) -> None:
    body = msg.json()
    if body.get("fail"):
        raise RuntimeError(f"job {body['key']} fails on purpose")
    note(ctx, f"queue:{body['key']}", deliveries=msg.delivery_count)


@app.schedule("0 * * * * *", max_instances=1, reads=[SEEN], writes=[SEEN])
def tick(timer: TimerInfo, ctx: Context) -> None:
    key = f"tick:{timer.scheduled_time:%Y-%m-%dT%H:%M:%S}"
    before = ctx.table("seen").get({"id": key})
    note(ctx, key, count=(before or {}).get("count", 0) + 1, past_due=timer.past_due)
