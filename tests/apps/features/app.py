"""One app that uses every row of the capability table, so the model is known to express it."""

from __future__ import annotations

from typing import Any

from faas_iac import App, Bucket, EventBus, Queue, Secret, Stream, Table, Topic

app = App(
    "features",
    runtime="python3.12",
    memory=512,
    timeout=60,
    env={"STAGE": "test"},
    tags={"team": "core"},
    log_retention_days=14,
    tracing=True,
    durable={"task_hub": "FeaturesHub", "max_concurrent_activities": 16, "durability": "normal"},
    requirements=["httpx>=0.27"],
)
app.declare(
    Queue("emails", fifo=True),
    Topic("audit"),
    Bucket("archive", versioning=True),
    Table("profiles", key="user", sort_key="ts"),
    Secret("stripe-key"),
    EventBus("billing"),
    Stream("clicks", partitions=4),
)


@app.http(
    "/users/{id}/files/{*path}",
    methods=["GET", "PUT"],
    auth="jwt",
    jwt={"issuer": "https://issuer.example", "audience": ["api"]},
    reads=["table:profiles", "bucket:archive"],
    writes=["bucket:archive"],
    secrets={"STRIPE_KEY": "stripe-key"},
    max_instances=20,
    min_instances=1,
    reserved_concurrency=50,
    concurrency=8,
    error_alert=True,
)
def files(req: Any, ctx: Any) -> None: ...


@app.http("/health", auth="anonymous")
def health(req: Any, ctx: Any) -> str:
    return "ok"


@app.http("/admin", auth="iam", methods=["*"])
def admin(req: Any, ctx: Any) -> None: ...


@app.schedule("0 30 9 * * MON-FRI", tz="America/New_York", writes=["queue:emails"])
def weekday(timer: Any, ctx: Any) -> None: ...


@app.schedule(every="7 minutes", run_on_startup=True)
def poll(timer: Any, ctx: Any) -> None: ...


@app.queue(
    "signups", batch_size=25, batch_window=5, visibility_timeout=120, max_deliveries=3,
    dead_letter="signups-poison", writes=["topic:audit"],
)  # fmt: skip
def signup(msg: Any, ctx: Any) -> None: ...


@app.topic("audit", filter={"severity": ["high", "critical"]})
def alert(msg: Any, ctx: Any) -> None: ...


@app.storage("uploads", events=["created", "deleted"], prefix="in/", suffix=".png")
def thumbnail(event: Any, ctx: Any) -> None: ...


@app.table_changes("orders", batch_size=50, starting_position="earliest")
def order_changed(event: Any, ctx: Any) -> None: ...


@app.stream("clicks", batch_size=500)
def clicks(msg: Any, ctx: Any) -> None: ...


@app.event({"source": ["billing"], "type": ["invoice.paid"]}, bus="billing", writes=["bus:billing"])
def paid(event: Any, ctx: Any) -> None: ...


@app.orchestrator
def onboarding(ctx: Any) -> Any:
    yield ctx.call_activity("welcome", ctx.get_input())


@app.activity(writes=["queue:emails"])
def welcome(user: Any) -> None: ...


@app.entity
def counter(ctx: Any) -> None: ...


app.external(
    "resize", runtime="nodejs20", handler="index.handler", code="js", trigger="queue",
    queue="images", memory=1024,
)  # fmt: skip
