"""The test kit's HTTP client: an ``httpx.Client`` whose requests go, in this process, through
the host's own ASGI app (routes, keys, body limits, the durable management API), like Starlette's
``TestClient``.

httpx's ``ASGITransport`` carries each request to the app on the environment's event loop; while
the request is in flight the environment keeps running (the engine, queued deliveries) and moves
its virtual clock when everything else waits for it, so a handler that waits for an
orchestration (``wait_for_completion_or_create_check_status_response``) sees it finish. Once
the answer is there, what the request set off runs on at that instant (an orchestration started
by the handler runs until it waits for time or an event), so what a test does next is not a race.

Keys are handled: the client sends the master key (``x-functions-key``) unless told to send
another (``key=``) or none (``key=None``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

import httpx

BASE_URL = "http://testserver"
#: ``key=`` default: the host's master key (opens every function and the management API).
MASTER: Any = object()


class KitTransport(httpx.BaseTransport):
    """Runs each request on ``loop`` through ``app``; ``drive(future)`` is called while it is
    in flight (the environment settles until the answer is there)."""

    def __init__(
        self,
        app: Any,
        loop: asyncio.AbstractEventLoop,
        drive: Callable[[Future[httpx.Response]], None],
    ) -> None:
        self._asgi = httpx.ASGITransport(app=app, client=("127.0.0.1", 50000))
        self._loop = loop
        self._drive = drive

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        future = asyncio.run_coroutine_threadsafe(self._send(request), self._loop)
        self._drive(future)
        return future.result()

    async def _send(self, request: httpx.Request) -> httpx.Response:
        response = await self._asgi.handle_async_request(request)
        body = await response.aread()
        return httpx.Response(response.status_code, headers=response.headers, content=body)


def client(
    app: Any,
    loop: asyncio.AbstractEventLoop,
    drive: Callable[[Future[httpx.Response]], None],
    key: str | None,
) -> httpx.Client:
    headers = {"x-functions-key": key} if key else {}
    return httpx.Client(
        transport=KitTransport(app, loop, drive),
        base_url=BASE_URL,
        headers=headers,
        follow_redirects=False,
    )
