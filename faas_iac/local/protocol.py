"""uvicorn's httptools protocol, writing each response's head and first body part as one write.

uvicorn writes the status line and headers when the app sends ``http.response.start`` and the
body when it sends ``http.response.body``: two ``send`` system calls and two TCP segments per
response, which at tens of thousands of requests per second is a third of the host's time.
Here the head is held until the first body message (or the end of the request) and written
with it. Everything else — parsing, validation of the headers, keep-alive, pipelining, flow
control, graceful shutdown — is uvicorn's own code.
"""

from __future__ import annotations

import asyncio
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


class CoalescingProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with :class:`_CoalescingCycle` requests."""

    def on_headers_complete(self) -> None:
        super().on_headers_complete()
        cycle = self.cycle
        if type(cycle) is RequestResponseCycle:  # its task has not run yet: ``send`` is ours
            cycle.__class__ = _CoalescingCycle
