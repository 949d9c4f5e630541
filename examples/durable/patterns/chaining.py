"""Function chaining (the Azure sample "Hello sequence"), plus the async HTTP API starter:
POST /api/start/{name} starts any orchestrator and answers 202 with the status links."""

from __future__ import annotations

from typing import Any

from faas_iac import Blueprint, Context, HttpRequest, HttpResponse

bp = Blueprint("chaining")


@bp.http("/start/{name}", methods=["POST"], durable_client=True)
def http_start(req: HttpRequest, ctx: Context) -> HttpResponse:
    body = req.json() if req.body else None
    instance_id = ctx.durable.start_new(req.route_params["name"], None, body)
    response: HttpResponse = ctx.durable.create_check_status_response(req, instance_id)
    return response


@bp.orchestrator
def hello_sequence(ctx: Any) -> Any:
    first = yield ctx.call_activity("say_hello", "Tokyo")
    second = yield ctx.call_activity("say_hello", "Seattle")
    third = yield ctx.call_activity("say_hello", "London")
    return [first, second, third]


@bp.activity
def say_hello(city: str) -> str:
    return f"Hello {city}!"
