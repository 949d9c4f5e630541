"""User functions the adapter tests dispatch to; each records what it was given."""

from __future__ import annotations

from typing import Any

from faas_iac import CloudEvent, Context, HttpRequest, HttpResponse, Message, TimerInfo

SEEN: list[Any] = []


def echo_http(req: HttpRequest, ctx: Context) -> HttpResponse:
    SEEN.append(req)
    return HttpResponse.json({"path": req.path, "params": dict(req.route_params)}, status=201)


def binary_http(req: HttpRequest, ctx: Context) -> bytes:
    return b"\x89PNG\x00\xff"


def failing_http(req: HttpRequest, ctx: Context) -> None:
    raise RuntimeError("secret detail that must not leak")


def on_message(msg: Message, ctx: Context) -> None:
    SEEN.append(msg)
    if msg.text() == "poison":
        raise ValueError("cannot take this one")


def on_event(event: CloudEvent, ctx: Context) -> None:
    SEEN.append(event)


def on_timer(timer: TimerInfo, ctx: Context) -> None:
    SEEN.append(timer)


def activity(order: dict[str, Any]) -> str:
    return f"reserved {order['id']}"


async def async_http(req: HttpRequest, ctx: Context) -> str:
    return "async ok"
