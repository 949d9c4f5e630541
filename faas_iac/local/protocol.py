"""uvicorn's httptools protocol, writing each response's head and first body part as one write,
with a limit on request-head size and a deadline for a head to arrive.

uvicorn writes the status line and headers when the app sends ``http.response.start`` and the
body when it sends ``http.response.body``: two ``send`` system calls and two TCP segments per
response, which at tens of thousands of requests per second is a third of the host's time.
Here the head is held until the first body message (or the end of the request) and written
with it. Everything else — parsing, validation of the headers, keep-alive, pipelining, flow
control, graceful shutdown — is uvicorn's own code.

Neither uvicorn's httptools protocol nor llhttp limits the size of a request head (a 64 MiB
header was read whole) or the time a head may take (200 connections sending a byte now and
then stayed open for ever). Here a head over ``max_head`` bytes is answered 431 and the
connection closed; and :func:`close_slow_heads`, called by the server about twice a second,
answers 408 and closes each connection whose head has been arriving for more than
``head_timeout`` seconds. A connection is timed from its opening, and again from the end of each
response, until the next head is complete, so a slow handler never counts against its client.
The per-request cost is a few attribute writes and one clock read: no timer per request, and
a head's exact size is added up only when more than ``max_head`` bytes arrived with it.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol, RequestResponseCycle


class _Held:
    """Stands in for the transport while uvicorn writes a response head: keeps the bytes."""

    __slots__ = ("chunks", "real")

    def __init__(self, real: asyncio.Transport) -> None:
        self.real = real
        self.chunks: list[bytes] = []

    def write(self, data: bytes) -> None:
        self.chunks.append(data)

    def flush(self) -> None:
        if self.chunks and not self.real.is_closing():
            data = self.chunks[0] if len(self.chunks) == 1 else b"".join(self.chunks)
            self.chunks.clear()
            self.real.write(data)

    def close(self) -> None:
        self.flush()
        self.real.close()

    def is_closing(self) -> bool:
        return self.real.is_closing()


class _CoalescingCycle(RequestResponseCycle):
    """One request of uvicorn's: from the head until the first body part, its transport is a
    :class:`_Held` (so a close in between, by uvicorn or the app, still sends the head)."""

    _held: _Held | None = None

    def _release(self) -> None:
        held, self._held = self._held, None
        if held is not None:
            self.transport = held.real
            held.flush()

    async def send(self, message: Any) -> None:
        if self._held is None:
            if self.response_started or message["type"] != "http.response.start":
                await super().send(message)
                return
            self._held = _Held(self.transport)
            self.transport = self._held  # type: ignore[assignment]
        try:
            await super().send(message)
        except BaseException:
            self._release()
            raise
        if message["type"] != "http.response.start":
            self._release()

    async def run_asgi(self, app: Any) -> None:
        try:
            await super().run_asgi(app)
        finally:
            self._release()  # a head the app never followed with a body still goes out


#: Kestrel's (the Azure Functions host's) default for all request headers together.
MAX_HEAD = 32 * 1024
HEAD_TIMEOUT = 5.0


class _HeadTooLarge(Exception):
    """Raised from a parser callback to stop parsing a head over ``max_head`` bytes."""


def _refusal(status: int, reason: str, error: str) -> bytes:
    body = json.dumps({"error": error}).encode()
    head = f"HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\n"
    head += f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
    return head.encode() + body


class CoalescingProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with :class:`_CoalescingCycle` requests, a head-size limit
    and a head deadline (see the module's docstring); :func:`protocol` sets the limits."""

    max_head = MAX_HEAD
    head_timeout = HEAD_TIMEOUT
    #: Bytes read since the request head began (never fewer than the head; a head pipelined
    #: behind a body in the same read is counted from the next read, so it may pass the limit
    #: by one read before it is refused); None while a request body is being read.
    _head_bytes: int | None = 0
    #: When this connection began waiting for its next head (loop time); None while a head
    #: is complete and its request not yet answered.
    head_since: float | None = None
    _oversized = False

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.head_since = self.loop.time()

    def data_received(self, data: bytes) -> None:
        if self._head_bytes is not None:
            self._head_bytes += len(data)
        super().data_received(data)
        if self._head_bytes is not None and self._head_bytes > self.max_head:
            self._oversized = True
            self.send_400_response("")

    def _head_size(self) -> int:
        return len(self.url) + sum(len(n) + len(v) + 4 for n, v in self.headers)

    def on_headers_complete(self) -> None:
        self.head_since = None
        seen = self._head_bytes or 0  # bytes read since the head began: never fewer than it
        if seen > self.max_head and self._head_size() > self.max_head:
            self._oversized = True
            raise _HeadTooLarge()  # the parser stops; uvicorn answers 400, made 431 below
        self._head_bytes = None
        super().on_headers_complete()
        cycle = self.cycle
        if type(cycle) is RequestResponseCycle:  # its task has not run yet: ``send`` is ours
            cycle.__class__ = _CoalescingCycle

    def send_400_response(self, msg: str) -> None:
        if self._oversized:
            self._refuse(431, "Request Header Fields Too Large",
                         f"the request head is larger than {self.max_head} bytes")  # fmt: skip
            return
        super().send_400_response(msg)

    def on_message_complete(self) -> None:
        self._head_bytes = 0
        super().on_message_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self.head_since = self.loop.time()

    def head_overdue(self, now: float) -> bool:
        """True when this connection has waited longer than ``head_timeout`` for a head and
        no request of it is being answered."""
        since = self.head_since
        if since is None or now - since <= self.head_timeout:
            return False
        cycle = self.cycle
        return (cycle is None or cycle.response_complete) and not self.pipeline

    def _refuse(self, status: int, reason: str, error: str) -> None:
        transport = self.transport
        if transport is None or transport.is_closing():
            return
        cycle = self.cycle
        if cycle is None or cycle.response_complete:  # no response of ours is half-written
            transport.write(_refusal(status, reason, error))
        self._head_bytes = self.head_since = None
        transport.close()

    def refuse_slow_head(self) -> None:
        self._refuse(408, "Request Timeout",
                     f"the request head did not arrive within {self.head_timeout:g} s")  # fmt: skip


def protocol(
    max_head: int = MAX_HEAD, head_timeout: float = HEAD_TIMEOUT
) -> type[CoalescingProtocol]:
    """The protocol class uvicorn is given, with these limits."""

    class HostProtocol(CoalescingProtocol):
        pass

    HostProtocol.max_head = max_head
    HostProtocol.head_timeout = head_timeout
    return HostProtocol


def close_slow_heads(connections: Iterable[object], now: float) -> int:
    """Answer 408 and close every connection whose head is overdue; how many were closed."""
    slow = [c for c in connections if isinstance(c, CoalescingProtocol) and c.head_overdue(now)]
    for connection in slow:
        connection.refuse_slow_head()
    return len(slow)
