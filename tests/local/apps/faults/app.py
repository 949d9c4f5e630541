"""Handlers that misbehave, for the local host's fault tests."""

from __future__ import annotations

import os
import threading
import time
from typing import Any

from faas_iac import App, Context, HttpRequest, HttpResponse, Message, Table

app = App("faults", http_auth="anonymous")
_lock = threading.Lock()
_running = {"now": 0, "max": 0}


@app.http("/boom", methods=["GET"])
def boom(req: HttpRequest, ctx: Context) -> dict[str, Any]:
    raise RuntimeError("secret internals: /home/me/app.py")


@app.http("/wrong", methods=["GET"])
def wrong(req: HttpRequest, ctx: Context) -> Any:
    return object()


def mark(what: str) -> None:
    """Append ``what`` to ``$FAULTS_MARKS`` (if set): the tests read when a handler ran."""
    path = os.environ.get("FAULTS_MARKS")
    if path:
        with open(path, "a") as out:
            out.write(what + "\n")


@app.http("/hang", methods=["GET"], timeout=1)
def hang(req: HttpRequest, ctx: Context) -> dict[str, Any]:
    mark("hang started")
    time.sleep(3)
    mark("hang finished")
    return {"late": True}


@app.http("/ahang", methods=["GET"], timeout=1)
async def ahang(req: HttpRequest, ctx: Context) -> dict[str, Any]:
    import asyncio

    mark("ahang started")
    await asyncio.sleep(3)
    mark("ahang finished")
    return {"late": True}


@app.http("/echo", methods=["POST"])
def echo(req: HttpRequest, ctx: Context) -> dict[str, Any]:
    return {"got": req.json(), "size": len(req.body)}


@app.http("/undeclared", methods=["GET"])
def undeclared(req: HttpRequest, ctx: Context) -> None:
    ctx.send("work", "x")


@app.http("/slow", methods=["GET"], max_instances=2)
def slow(req: HttpRequest, ctx: Context) -> dict[str, int]:
    with _lock:
        _running["now"] += 1
        _running["max"] = max(_running["max"], _running["now"])
    time.sleep(0.3)
    with _lock:
        _running["now"] -= 1
    return {"max": _running["max"]}


@app.queue("work", max_deliveries=2, visibility_timeout=5)
def work(msg: Message, ctx: Context) -> None:
    raise ValueError(f"cannot do {msg.text()} (pid {os.getpid()})")


@app.queue("slowq", max_deliveries=2, visibility_timeout=5, timeout=1)
def slow_job(msg: Message, ctx: Context) -> None:
    time.sleep(3)


app.external(
    "node_hello",
    runtime="nodejs20",
    handler="index.handler",
    code="node",
    trigger="http",
    route="/node",
    methods=["GET"],
)


@app.http("/badstatus", methods=["GET"])
def bad_status(req: HttpRequest, ctx: Context) -> HttpResponse:
    return HttpResponse(b"", status=1234)


app.declare(Table("hits", key="id"))


@app.topic("alerts", writes=["table:hits"])
def first_subscriber(msg: Message, ctx: Context) -> None:
    ctx.table("hits").put({"id": f"first:{msg.text()}", "message_id": msg.id})


@app.topic("alerts", filter={"level": ["high"]}, writes=["table:hits"])
def second_subscriber(msg: Message, ctx: Context) -> None:
    ctx.table("hits").put({"id": f"second:{msg.text()}", "message_id": msg.id})
