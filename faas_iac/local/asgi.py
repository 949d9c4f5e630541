"""The raw ASGI app of the local host: ``/api`` functions, ``/admin`` and durable management.

No framework: a request is matched against the route table, its key checked, its body read
(up to the size limit), and the handler called through its :class:`Invoker`. Every failure
becomes a JSON error body with the invocation id and a log line with the details; no stack
trace ever reaches the client.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from ..errors import FaasError
from ..model import Function
from ..runtime.types import (
    BadRequestBody,
    BindingDenied,
    HttpRequest,
    NotAResponse,
    join_headers,
    parse_query,
    to_response,
)
from .invoker import HandlerTimeout, Invoker, new_invocation_id
from .keys import Keys
from .routes import Router

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

log = logging.getLogger("faas_iac.host")
DURABLE_PREFIX = "/runtime/webhooks/durabletask"
DEFAULT_MAX_BODY = 4 * 1024 * 1024
_JSON = (b"content-type", b"application/json")
#: What ``to_response`` does to a dict or list (``json.dumps`` with these options), without
#: building an encoder and an ``HttpResponse`` per request.
_ENCODE = json.JSONEncoder(separators=(",", ":"), default=str).encode


class BodyTooLarge(Exception):
    """The request body is over the host's ``--max-body`` limit (answered with 413)."""


class ClientGone(Exception):
    """The client went away before its whole body arrived: nothing is answered or handled."""


@dataclass(frozen=True)
class HttpRoute:
    """An HTTP function; ``invoker`` is None for one in another language (answered 501)."""

    fn: Function
    invoker: Invoker | None
    anonymous: bool


@dataclass
class Served:
    """What the ASGI app serves right now (swapped as a whole on reload)."""

    router: Router[HttpRoute]
    admin: ASGIApp | None = None
    durable: ASGIApp | None = None


async def send_json(send: Send, status: int, data: Any, headers: list[Any] | None = None) -> None:
    body = json.dumps(data, default=str).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [_JSON, (b"content-length", str(len(body)).encode()), *(headers or [])],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def read_body(receive: Receive, limit: int) -> bytes:
    """The whole body, at most ``limit`` bytes held at any time (BodyTooLarge past it);
    ClientGone when the client disconnects first: a cut-off body is never handed on."""
    buffer = bytearray()
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientGone()
        chunk = message.get("body", b"")
        if len(buffer) + len(chunk) > limit:
            raise BodyTooLarge()
        if not buffer and not message.get("more_body"):
            return bytes(chunk)  # the common case: one message, no copy
        buffer += chunk
        if not message.get("more_body"):
            return bytes(buffer)


async def body_or_answer(
    headers: Mapping[str, str], receive: Receive, send: Send, limit: int
) -> bytes | None:
    """The request's whole body; or None once it is answered (413 over ``limit``, announced
    or sent; 400 for a bad content-length) or the client is gone. Read only after the
    caller checked the key, so an unauthenticated body is never read."""
    length = headers.get("content-length")
    try:
        if length is None and "transfer-encoding" not in headers:
            return b""  # HTTP/1.1: no length and no chunks is no body; nothing to await
        if int(length or 0) > limit:
            raise BodyTooLarge()
        return await read_body(receive, limit)
    except BodyTooLarge:
        await send_json(send, 413, {"error": f"the body is larger than {limit} bytes"})
    except ValueError:
        await send_json(send, 400, {"error": "invalid content-length"})
    except ClientGone:
        log.info("the client disconnected before its whole body arrived; not handled")
    return None


def headers_of(scope: Scope) -> dict[str, str]:
    """The request headers (ASGI gives the names in lower case); a repeated header is joined
    as on every target (``join_headers``)."""
    raw = scope["headers"]
    headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in raw}
    if len(headers) == len(raw):
        return headers
    return join_headers((k.decode("latin-1"), v.decode("latin-1")) for k, v in raw)


def query_of(scope: Scope) -> dict[str, str]:
    raw = scope.get("query_string", b"")
    return dict(parse_qsl(raw.decode("latin-1"), keep_blank_values=True)) if raw else {}


class HostApp:
    """The ASGI callable; ``served`` and ``keys`` are replaced by the host on reload."""

    def __init__(self, served: Served, keys: Keys, max_body: int = DEFAULT_MAX_BODY) -> None:
        self.served, self.keys, self.max_body = served, keys, max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        path: str = scope["path"]
        if path.startswith("/api/") or path == "/api":
            await self.api(scope, receive, send, path[4:] or "/")
        elif path.startswith("/admin/") and self.served.admin is not None:
            await self.served.admin(scope, receive, send)
        elif path.startswith(DURABLE_PREFIX):
            if self.served.durable is None:
                await send_json(send, 404, {"error": "this app has no durable engine running"})
            else:
                await self.served.durable(scope, receive, send)
        else:
            await send_json(send, 404, {"error": f"no route {path}; functions are under /api"})

    async def api(self, scope: Scope, receive: Receive, send: Send, path: str) -> None:
        method: str = scope["method"]
        found = self.served.router.match(path, method)
        if found.target is None:
            if found.allowed:
                allow = ", ".join(sorted(found.allowed)).encode()
                await send_json(
                    send, 405, {"error": f"{method} is not allowed on {path}"}, [(b"allow", allow)]
                )
            else:
                await send_json(send, 404, {"error": f"no function serves /api{path}"})
            return
        route = found.target
        fn = route.fn
        headers = headers_of(scope)
        query, query_lists = parse_query(scope.get("query_string", b"").decode("latin-1"))
        if not route.anonymous and not self.keys.allows(
            fn.name, headers.get("x-functions-key") or query.get("code")
        ):
            await send_json(
                send,
                401,
                {
                    "error": "a function key is required: pass ?code=KEY "
                    "or the x-functions-key header"
                },
            )
            return
        body = await body_or_answer(headers, receive, send, self.max_body)
        if body is None:
            return
        if route.invoker is None:
            await send_json(
                send,
                501,
                {
                    "error": f"{fn.name} is written for {fn.runtime}, which "
                    "runs only on the cloud targets, not locally"
                },
            )
            return
        # ``path`` is the ASGI server's, already percent-decoded as UTF-8.
        request = HttpRequest(method, path, headers, query, found.params or {}, body, query_lists)
        await self.invoke(route.invoker, request, send)

    async def invoke(self, invoker: Invoker, request: HttpRequest, send: Send) -> None:
        invocation = new_invocation_id()
        inv_header = (b"x-invocation-id", invocation.encode())
        try:
            result = await invoker.call(request, invocation)
            if type(result) is dict or type(result) is list:  # the common case, made short
                status, body, headers = 200, _ENCODE(result).encode(), [_JSON]
            else:
                response = to_response(result)
                status = response.status
                if not isinstance(status, int) or not 100 <= status <= 599:
                    raise NotAResponse(f"an HTTP handler returned status {status!r}")
                body = response.body_bytes
                headers = [
                    (k.lower().encode("latin-1"), str(v).encode("latin-1"))
                    for k, v in response.headers.items()
                    if k.lower() != "content-length"
                ]
                if not any(k == b"content-type" for k, _ in headers):
                    headers.append((b"content-type", response.content_type.encode("latin-1")))
        except Exception as exc:
            status, message, code = _failure(exc, invoker)
            extra = {
                "function": invoker.fn.name,
                "invocation_id": invocation,
                "code": code,
                "status": status,
            }
            log.log(
                logging.WARNING if status < 500 else logging.ERROR,
                f"{invoker.fn.name}: {type(exc).__name__}: {exc}",
                extra=extra,
                exc_info=status == 500 and code == "FIAC809",
            )
            await send_json(
                send, status, {"error": message, "invocation_id": invocation}, [inv_header]
            )
            return
        headers += [(b"content-length", str(len(body)).encode()), inv_header]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        if request.method == "HEAD":
            body = b""
        await send({"type": "http.response.body", "body": body})


def _failure(exc: Exception, invoker: Invoker) -> tuple[int, str, str]:
    if isinstance(exc, BadRequestBody):
        return 400, f"the request body is not valid JSON: {exc}", "FIAC812"
    if isinstance(exc, HandlerTimeout):
        return 504, f"the function did not answer within {invoker.timeout:g} s", "FIAC808"
    if isinstance(exc, NotAResponse):
        return 500, "the function returned a value that is not a response", "FIAC807"
    if isinstance(exc, UnicodeEncodeError):
        return 500, "the function returned a header that is not latin-1 text", "FIAC807"
    if isinstance(exc, FaasError):
        return 500, "the function's resources are not set up; see the host log", exc.codes[0]
    if isinstance(exc, BindingDenied):
        return 500, "the function used a resource it did not declare", "FIAC806"
    return 500, "the function failed; see the host log for this invocation id", "FIAC809"


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
