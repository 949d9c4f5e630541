"""A binding of every kind and access, env and secrets, public and private HTTP functions, and
an orchestrator that waits for an event, sets a custom status and continues as new: what the
GCP IAM, env and durable tests read."""

from __future__ import annotations

from typing import Any

from faas_iac import App, Bucket, CloudEvent, Context, HttpRequest, Queue, Secret, Table, Topic

app = App("gcpbind", timeout=30)
app.declare(
    Queue("work"),
    Topic("news"),
    Bucket("files"),
    Table("items", key="id"),
    Secret("api-token"),
)


@app.http(
    "/send",
    methods=["POST"],
    writes=["queue:work", "topic:news", "bus:default"],
    env={"GREETING": "hello", "MODE": "test"},
    secrets={"API_TOKEN": "api-token"},
)
def send(req: HttpRequest, ctx: Context) -> dict[str, Any]:
    ctx.send("work", req.body)
    return {"token": len(ctx.secret("api-token"))}


@app.http("/public/{name}", auth="anonymous", reads=["bucket:files", "table:items"])
def public(req: HttpRequest, ctx: Context) -> str:
    return req.route_params["name"]


@app.http(
    "/private", auth="iam", writes=["bucket:files", "table:items"], reads=["secret:api-token"]
)
def private(req: HttpRequest, ctx: Context) -> str:
    return "ok"


@app.orchestrator
def approve(ctx: Any) -> Any:
    request = ctx.get_input()
    ctx.set_custom_status({"stage": "waiting"})
    decision = yield ctx.wait_for_external_event("decision")
    checked = yield ctx.call_activity("check", decision)
    if request.get("again"):
        ctx.continue_as_new({"again": False})
        return None
    return {"request": request, "checked": checked}


@app.activity
def check(decision: Any) -> bool:
    return bool(decision)


@app.activity
def unused(value: Any) -> Any:
    return value


@app.event({"source": ["shop"]})
def on_event(event: CloudEvent) -> None:
    return None


@app.orchestrator
def decide(ctx: Any) -> Any:
    request = ctx.get_input()
    decision = yield ctx.wait_for_external_event("decision")
    checked = yield ctx.call_activity("check", decision)
    return {"who": request["who"], "decision": decision, "checked": checked}
