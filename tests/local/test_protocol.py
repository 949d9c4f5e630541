"""The host's HTTP protocol (uvicorn's, with each head written together with the first body
part) judged by a real client, httpx, over a real socket: whole bodies, streamed bodies, HEAD,
keep-alive reuse, and a head that is never followed by a body."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import httpx
import uvicorn

from faas_iac.local.protocol import CoalescingProtocol


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    path = scope["path"]
    if path == "/stream":
        await send({"type": "http.response.start", "status": 200, "headers": []})
        for part in (b"one,", b"two,", b"three"):
            await send({"type": "http.response.body", "body": part, "more_body": True})
        await send({"type": "http.response.body", "body": b""})
        return
    if path == "/head-only":  # an app that forgets its body: the head still goes out
        await send({"type": "http.response.start", "status": 204, "headers": []})
        return
    body = b'{"hello":"world"}'
    await send(
        {
            "type": "http.response.start",
            "status": 201,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def test_coalescing_protocol_serves_like_uvicorn() -> None:
    async def run() -> None:
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        config = uvicorn.Config(
            app, http=CoalescingProtocol, lifespan="off", log_config=None, access_log=False
        )
        server = uvicorn.Server(config)
        task = asyncio.create_task(server.serve(sockets=[sock]))
        while not server.started:
            await asyncio.sleep(0.01)
        try:
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as c:
                for _ in range(3):  # the same kept-alive connection, request after request
                    r = await c.get("/json")
                    assert (r.status_code, r.json()) == (201, {"hello": "world"})
                    assert r.headers["content-length"] == "17"
                r = await c.get("/stream")
                assert (r.status_code, r.text) == (200, "one,two,three")
                assert r.headers["transfer-encoding"] == "chunked"
                r = await c.head("/json")
                assert (r.status_code, r.content) == (201, b"")
                assert r.headers["content-length"] == "17"
                r = await c.get("/head-only")
                assert (r.status_code, r.content) == (204, b"")
                assert (await c.get("/json")).status_code == 201
        finally:
            server.should_exit = True
            await task

    asyncio.run(run())
