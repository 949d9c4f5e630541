"""The portable runtime types every handler sees, on every target. Standard library only.

Handlers are plain functions (sync or async) taking one of these and a :class:`Context`:

    def get_order(req: HttpRequest, ctx: Context) -> HttpResponse | dict | str | None
    def on_message(msg: Message, ctx: Context) -> None          # queue, topic, stream
    def on_event(event: CloudEvent, ctx: Context) -> None       # storage, table change, bus
    def tick(timer: TimerInfo, ctx: Context) -> None            # schedule

Each target's adapter turns its native events into these and the results back. They are
defined in small modules, so a cold start loads only what its trigger needs: :mod:`.http`
(requests, responses, their parsing rules), :mod:`.messages` (messages, CloudEvents, timer
ticks), :mod:`.context` (the invocation context), :mod:`.clients` (its bucket and table
clients) and :mod:`.bindings` (the protocol each target implements); this module gathers them
all.
"""

from __future__ import annotations

from .bindings import Bindings
from .clients import BucketClient, TableClient
from .context import DURABLE_CLIENT_METHODS, BindingDenied, Context
from .http import (
    BadRequestBody,
    HttpRequest,
    HttpResponse,
    NotAResponse,
    decode_path,
    join_headers,
    parse_query,
    query_pairs,
    to_response,
)
from .messages import CloudEvent, Message, TimerInfo

__all__ = [
    "DURABLE_CLIENT_METHODS",
    "BadRequestBody",
    "BindingDenied",
    "Bindings",
    "BucketClient",
    "CloudEvent",
    "Context",
    "HttpRequest",
    "HttpResponse",
    "Message",
    "NotAResponse",
    "TableClient",
    "TimerInfo",
    "decode_path",
    "join_headers",
    "parse_query",
    "query_pairs",
    "to_response",
]
