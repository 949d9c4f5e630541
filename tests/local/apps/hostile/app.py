"""An app for the hostile-input tests: two buckets and two tables (to prove a request never
changes the one it did not name), a queue, an upload function that records every body it is
called with, a secret, and a durable orchestrator (so the management API is served)."""

from __future__ import annotations

import time
from typing import Any

from faas_iac import App, Bucket, Context, HttpRequest, Queue, Secret, Table

app = App("hostile", http_auth="anonymous")
app.declare(
    Bucket("reports"),
    Bucket("other"),
    Table("items", key="id"),
    Table("calls", key="id"),
    Queue("jobs"),
    Secret("api-token"),
)


@app.http("/upload/{name}", methods=["POST"], writes=["table:calls"])
def upload(req: HttpRequest, ctx: Context) -> dict[str, Any]:
    name = req.route_params["name"]
    ctx.table("calls").put({"id": name, "size": len(req.body)})
    return {"stored": name, "size": len(req.body)}


@app.http("/echo", methods=["POST"])
def echo(req: HttpRequest, ctx: Context) -> dict[str, Any]:
    return {"type": type(req.json()).__name__}


@app.http("/ping", methods=["GET"])
def ping(req: HttpRequest, ctx: Context) -> dict[str, bool]:
    return {"ok": True}


@app.http("/sleep", methods=["GET"])
def sleep(req: HttpRequest, ctx: Context) -> dict[str, float]:
    seconds = min(float(req.query.get("s", "0")), 5.0)
    time.sleep(seconds)
    return {"slept": seconds}


@app.http("/token", methods=["GET"], auth="function", secrets={"API_TOKEN": "api-token"})
def token(req: HttpRequest, ctx: Context) -> dict[str, str]:
    value = ctx.secret("api-token")
    ctx.logger.info(f"using {value}")  # the host's log redacts it
    return {"token": value}


@app.orchestrator
def hello(ctx: Any) -> Any:
    return (yield ctx.call_activity("greet", ctx.get_input()))


@app.activity
def greet(name: Any) -> str:
    return f"hello {name}"
