"""A durable entity on AWS: a counter per key, signalled by an HTTP function."""

from __future__ import annotations

from typing import Any

from faas_iac import App, Context, HttpRequest

app = App("ents")


@app.entity
def counter(ctx: Any) -> None:
    value = ctx.get_state(lambda: 0)
    if ctx.operation_name == "add":
        value += ctx.get_input()
    elif ctx.operation_name == "reset":
        value = 0
    ctx.set_state(value)
    ctx.set_result(value)


@app.http("/count/{key}", methods=["POST"], durable_client=True, auth="anonymous")
def bump(req: HttpRequest, ctx: Context) -> dict[str, Any]:
    ctx.durable.signal_entity("counter", req.route_params["key"], "add", req.json()["by"])
    return {"signalled": req.route_params["key"]}
