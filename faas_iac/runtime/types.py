"""The portable runtime types every handler sees, on every target. Standard library only.

Handlers are plain functions (sync or async) taking one of these and a :class:`Context`:

    def get_order(req: HttpRequest, ctx: Context) -> HttpResponse | dict | str | None
    def on_message(msg: Message, ctx: Context) -> None          # queue, topic, stream
    def on_event(event: CloudEvent, ctx: Context) -> None       # storage, table change, bus
    def tick(timer: TimerInfo, ctx: Context) -> None            # schedule

Each target's adapter turns its native events into these and the results back.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

if TYPE_CHECKING:
    import logging
    from datetime import datetime

# Records are NamedTuples and the json / logging / datetime modules load on first use: a
# function's cold start pays only for what it touches (dataclasses alone import ``inspect``).
_EMPTY: Mapping[str, str] = MappingProxyType({})
_NO_LISTS: Mapping[str, tuple[str, ...]] = MappingProxyType({})


def _to_bytes(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode()
    import json

    return json.dumps(body, separators=(",", ":"), default=str).encode()


def _loads(data: bytes) -> Any:
    import json

    return json.loads(data or b"null")


def query_pairs(
    pairs: Iterable[tuple[str, str]],
) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """The portable query of decoded ``(key, value)`` pairs: the last value of each key, and
    every value of the keys given more than once."""
    pairs = list(pairs)
    last = dict(pairs)
    if len(last) == len(pairs):
        return last, {}
    lists: dict[str, list[str]] = {}
    for key, value in pairs:
        lists.setdefault(key, []).append(value)
    return last, {k: tuple(v) for k, v in lists.items() if len(v) > 1}


def parse_query(raw: str) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """A raw (percent-encoded) query string as ``(query, query_lists)``: what
    ``urllib.parse.parse_qsl(raw, keep_blank_values=True)`` gives (``+`` is a space)."""
    if not raw:
        return {}, {}
    pairs = []
    for part in raw.split("&"):
        if part:
            name, _, value = part.partition("=")
            pairs.append((_unquote(name.replace("+", " ")), _unquote(value.replace("+", " "))))
    return query_pairs(pairs)


_HEX = frozenset("0123456789abcdefABCDEF")


def _unquote(text: str) -> str:
    """``urllib.parse.unquote(text)`` (UTF-8, errors replaced). Written out for ASCII text, the
    form a request line has: importing ``urllib.parse`` (and ``ipaddress`` with it) would add
    about 2 ms to a Lambda cold start. Other text goes to urllib. Both are judged equal to
    urllib's in ``tests/adapters/test_percent_decoding.py``."""
    if "%" not in text:
        return text
    if not text.isascii():
        from urllib.parse import unquote

        return unquote(text)
    head, *parts = text.split("%")
    out = bytearray(head.encode())
    for part in parts:
        if len(part) >= 2 and part[0] in _HEX and part[1] in _HEX:
            out.append(int(part[:2], 16))
            out += part[2:].encode()
        else:
            out += b"%" + part.encode()
    return out.decode("utf-8", "replace")


def join_headers(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Header ``(name, value)`` pairs as one lower-case mapping: repeated headers joined with
    ``,`` (RFC 9110 5.3), ``cookie`` with ``; `` (RFC 6265 5.4, RFC 9113 8.2.3)."""
    joined: dict[str, str] = {}
    for name, value in pairs:
        key = name.lower()
        if key in joined:
            value = joined[key] + ("; " if key == "cookie" else ",") + value
        joined[key] = value
    return joined


def decode_path(path: str) -> str:
    """A percent-encoded URL path, decoded as UTF-8 (what ASGI servers put in ``path``)."""
    return _unquote(path)


class NotAResponse(TypeError):
    """An HTTP handler returned what no response can be made of: a server error, 500."""


class BadRequestBody(ValueError):
    """The request body is not what the handler asked for (not JSON): a client error, 400."""


class HttpRequest(NamedTuple):
    """An HTTP request, alike on every target (each adapter applies these rules):

    - ``path``: the path the function's route matched (no ``/api`` prefix, no stage),
      percent-decoded as UTF-8.
    - ``headers``: names in lower case; a header sent more than once is one value joined with
      ``,``, except ``cookie``, joined with ``; ``.
    - ``query``: the last value of each key; ``query_list(name)`` gives every value in order
      (``query_lists`` holds only the keys that came more than once).
    - ``route_params``: the ``{name}`` parts of the route, decoded.
    """

    method: str
    path: str
    headers: Mapping[str, str] = _EMPTY
    query: Mapping[str, str] = _EMPTY
    route_params: Mapping[str, str] = _EMPTY
    body: bytes = b""
    query_lists: Mapping[str, tuple[str, ...]] = _NO_LISTS

    def header(self, name: str, default: str | None = None) -> str | None:
        return self.headers.get(name.lower(), default)

    def query_list(self, name: str) -> list[str]:
        """Every value of query key ``name`` in the order sent (``[]`` if absent)."""
        values = self.query_lists.get(name)
        if values is not None:
            return list(values)
        last = self.query.get(name)
        return [] if last is None else [last]

    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """The body parsed as JSON; raises :class:`BadRequestBody` (a ``ValueError``) if it is
        not JSON, which the hosts answer with 400."""
        try:
            return _loads(self.body)
        except ValueError as exc:
            raise BadRequestBody(str(exc)) from None
        except RecursionError:  # a client's body nested past the parser's depth: not a bug
            raise BadRequestBody("nested too deep") from None


class HttpResponse(NamedTuple):
    """An HTTP response. ``body`` may be bytes, text, or any JSON-serialisable value."""

    body: Any = b""
    status: int = 200
    headers: Mapping[str, str] = _EMPTY

    @classmethod
    def json(
        cls, data: Any, status: int = 200, headers: Mapping[str, str] | None = None
    ) -> HttpResponse:
        return cls(_to_bytes(data), status, {"content-type": "application/json", **(headers or {})})

    @property
    def body_bytes(self) -> bytes:
        return _to_bytes(self.body)

    @property
    def content_type(self) -> str:
        for key, value in self.headers.items():
            if key.lower() == "content-type":
                return value
        if isinstance(self.body, bytes):
            return "application/octet-stream"
        if isinstance(self.body, str):
            return "text/plain; charset=utf-8"
        return "application/json"


def to_response(result: Any) -> HttpResponse:
    """What a handler returned, as a response: ``None`` → 204, text → text/plain, bytes →
    octet-stream, any other JSON value → application/json. Raises :class:`NotAResponse`
    otherwise."""
    if isinstance(result, HttpResponse):
        return result
    if result is None:
        return HttpResponse(b"", 204)
    if isinstance(result, str | bytes):
        return HttpResponse(result)
    if isinstance(result, dict | list | int | float | bool):
        return HttpResponse.json(result)
    raise NotAResponse(
        f"an HTTP handler returned {type(result).__name__}; return HttpResponse, dict, list, "
        "str, bytes or None"
    )


class Message(NamedTuple):
    """A queue, topic or stream message. ``delivery_count`` starts at 1. ``attributes`` are
    text on every target: a binary attribute (SQS, SNS, Service Bus) is its base64 text."""

    id: str
    body: bytes
    attributes: Mapping[str, str] = _EMPTY
    delivery_count: int = 1
    source: str = ""
    partition_key: str | None = None
    sequence: str | None = None
    enqueued_at: datetime | None = None

    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return _loads(self.body)


class CloudEvent(NamedTuple):
    """A CloudEvents-style envelope for storage, table-change and event-bus events.

    ``type`` is ``object.created`` / ``object.deleted`` (storage, ``subject`` is the key),
    ``record.inserted`` / ``record.modified`` / ``record.removed`` (table changes), or the
    event's own type on a bus. An adapter decodes a table change's numbers without rounding:
    ``int`` when integral, ``float`` when it prints back as the same decimal, else
    ``decimal.Decimal`` (DynamoDB's 38 digits; Cosmos DB itself stores doubles)."""

    id: str
    source: str
    type: str
    data: Any = None
    subject: str | None = None
    time: datetime | None = None


class TimerInfo(NamedTuple):
    scheduled_time: datetime
    past_due: bool = False
    last_fire: datetime | None = None


class Bindings(Protocol):
    """The seam to the resources a function binds to. Each target implements it; the local
    host with SQLite and folders, the clouds with their SDKs (imported only when used)."""

    def send(self, queue: str, body: bytes, attributes: Mapping[str, str]) -> str: ...
    def publish(self, topic: str, body: bytes, attributes: Mapping[str, str]) -> str: ...
    def put_object(self, bucket: str, key: str, data: bytes, content_type: str) -> None: ...
    def get_object(self, bucket: str, key: str) -> bytes | None: ...
    def delete_object(self, bucket: str, key: str) -> None: ...
    def list_objects(self, bucket: str, prefix: str) -> list[str]: ...
    def table_get(self, table: str, key: Mapping[str, Any]) -> dict[str, Any] | None: ...
    def table_put(self, table: str, item: Mapping[str, Any]) -> None: ...
    def table_delete(self, table: str, key: Mapping[str, Any]) -> None: ...
    def emit(self, bus: str, source: str, type: str, detail: Any) -> str: ...
    def stream_put(self, stream: str, data: bytes, partition_key: str) -> str: ...
    def secret(self, name: str) -> str: ...


class BindingDenied(PermissionError):
    """A function used a resource it did not declare (``reads=`` / ``writes=``)."""


class BucketClient(NamedTuple):
    ctx: Context
    name: str

    def put(self, key: str, data: bytes | str, content_type: str = "") -> None:
        self.ctx.check("bucket", self.name, "write")
        self.ctx.bindings.put_object(self.name, key, _to_bytes(data), content_type)

    def get(self, key: str) -> bytes | None:
        self.ctx.check("bucket", self.name, "read")
        return self.ctx.bindings.get_object(self.name, key)

    def delete(self, key: str) -> None:
        self.ctx.check("bucket", self.name, "write")
        self.ctx.bindings.delete_object(self.name, key)

    def list(self, prefix: str = "") -> list[str]:
        self.ctx.check("bucket", self.name, "read")
        return self.ctx.bindings.list_objects(self.name, prefix)


class TableClient(NamedTuple):
    ctx: Context
    name: str

    def get(self, key: Mapping[str, Any]) -> dict[str, Any] | None:
        self.ctx.check("table", self.name, "read")
        return self.ctx.bindings.table_get(self.name, key)

    def put(self, item: Mapping[str, Any]) -> None:
        self.ctx.check("table", self.name, "write")
        self.ctx.bindings.table_put(self.name, item)

    def delete(self, key: Mapping[str, Any]) -> None:
        self.ctx.check("table", self.name, "write")
        self.ctx.bindings.table_delete(self.name, key)


#: The durable client's methods a function with ``durable_client=True`` may also call on its
#: context, so an Azure Durable Functions HTTP starter runs unchanged: its second parameter,
#: the client there, is the context here (``await client.start_new(...)``).
DURABLE_CLIENT_METHODS = frozenset({
    "start_new", "get_status", "get_status_all", "get_status_by", "raise_event", "terminate",
    "suspend", "resume", "rewind", "restart", "purge_instance_history",
    "purge_instance_history_by", "signal_entity", "read_entity_state",
    "create_check_status_response", "create_http_management_payload",
    "get_client_response_links", "wait_for_completion_or_create_check_status_response",
})  # fmt: skip


class Context:
    """One invocation: its id, function, deadline, logger and output bindings.

    ``allowed`` maps ``"kind:name"`` to the access the function declared (``read``, ``write``
    or ``readwrite``); using anything else raises :class:`BindingDenied`, on every target.
    The durable client's methods (:data:`DURABLE_CLIENT_METHODS`) are answered by
    ``ctx.durable``."""

    __slots__ = (
        "_logger", "allowed", "bindings", "deadline", "durable", "function_name", "invocation_id",
    )  # fmt: skip

    def __init__(
        self,
        invocation_id: str,
        function_name: str,
        bindings: Bindings,
        allowed: Mapping[str, str] = _EMPTY,
        deadline: float = 0.0,
        logger: logging.Logger | logging.LoggerAdapter[logging.Logger] | None = None,
        durable: Any = None,
    ) -> None:
        self.invocation_id = invocation_id
        self.function_name = function_name
        self.bindings = bindings
        self.allowed = allowed
        self.deadline = deadline
        self._logger = logger
        self.durable = durable

    @property
    def logger(self) -> logging.Logger | logging.LoggerAdapter[logging.Logger]:
        """The invocation's logger (``logging`` loads when a handler first logs)."""
        if self._logger is None:
            import logging

            self._logger = logging.getLogger("faas_iac.function")
        return self._logger

    @logger.setter
    def logger(self, value: logging.Logger | logging.LoggerAdapter[logging.Logger]) -> None:
        self._logger = value

    def __repr__(self) -> str:
        return f"Context(invocation_id={self.invocation_id!r}, function={self.function_name!r})"

    def __getattr__(self, name: str) -> Any:
        if name not in DURABLE_CLIENT_METHODS:
            raise AttributeError(f"'Context' object has no attribute {name!r}")
        if self.durable is None:
            raise AttributeError(
                f"{self.function_name} has no durable client, so no {name}: declare "
                "durable_client=True on it"
            )
        return getattr(self.durable, name)

    def check(self, kind: str, name: str, access: str) -> None:
        granted = self.allowed.get(f"{kind}:{name}", "")
        if access not in granted:  # "read" in "readwrite" and "write" in "readwrite"
            raise BindingDenied(
                f"{self.function_name} may not {access} {kind} {name!r}: declare "
                f'{"writes" if access == "write" else "reads"}=["{kind}:{name}"] on it'
            )

    def remaining_ms(self) -> int:
        return max(0, int((self.deadline - time.time()) * 1000)) if self.deadline else 0

    def send(self, queue: str, body: Any, **attributes: str) -> str:
        self.check("queue", queue, "write")
        return self.bindings.send(queue, _to_bytes(body), attributes)

    def publish(self, topic: str, body: Any, **attributes: str) -> str:
        self.check("topic", topic, "write")
        return self.bindings.publish(topic, _to_bytes(body), attributes)

    def emit(self, type: str, detail: Any, *, source: str = "app", bus: str = "default") -> str:
        self.check("bus", bus, "write")
        return self.bindings.emit(bus, source, type, detail)

    def put_record(self, stream: str, data: Any, partition_key: str) -> str:
        self.check("stream", stream, "write")
        return self.bindings.stream_put(stream, _to_bytes(data), partition_key)

    def bucket(self, name: str) -> BucketClient:
        return BucketClient(self, name)

    def table(self, name: str) -> TableClient:
        return TableClient(self, name)

    def secret(self, name: str) -> str:
        """The secret's value; from now on it is masked in every log line of this process."""
        self.check("secret", name, "read")
        value = self.bindings.secret(name)
        from . import redact  # (imports logging: only once a secret is read)

        redact.add((value,))
        return value
