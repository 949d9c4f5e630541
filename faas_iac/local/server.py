"""``faas-iac dev``: the host behind uvicorn (httptools) on 127.0.0.1, with reload on change.

Ctrl-C (or SIGTERM) stops accepting requests, lets running handlers finish for a grace
period, requeues the deliveries still in flight, and closes the store.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import socket
import sys
import threading
from collections.abc import Generator
from pathlib import Path
from typing import TextIO

import uvicorn

from ..errors import FaasError
from .asgi import DEFAULT_MAX_BODY
from .clock import SYSTEM, ScaledClock
from .host import Host
from .protocol import HEAD_TIMEOUT, close_slow_heads, protocol

log = logging.getLogger("faas_iac.host")
HOST = "127.0.0.1"


class _Server(uvicorn.Server):
    """uvicorn, minus re-raising the signal after shutdown (the host still has to stop), plus
    closing connections whose request head is overdue (checked every half second)."""

    async def on_tick(self, counter: int) -> bool:
        if counter % 5 == 0:
            close_slow_heads(list(self.server_state.connections), asyncio.get_running_loop().time())
        return await super().on_tick(counter)

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        signals = (signal.SIGINT, signal.SIGTERM)
        original = {sig: signal.signal(sig, self.handle_exit) for sig in signals}
        try:
            yield
        finally:
            for sig, handler in original.items():
                signal.signal(sig, handler)


async def _watch(host: Host, root: Path) -> None:
    from watchfiles import PythonFilter, awatch

    async for changes in awatch(root, watch_filter=PythonFilter(), debounce=300):
        names = sorted({Path(p).name for _, p in changes})
        log.info(f"source changed ({', '.join(names)}), reloading")
        try:
            await host.reload()
        except Exception:  # keep watching: the next save may fix it
            log.exception("reload failed")


async def _announce(server: uvicorn.Server, host: Host, url: str, out: TextIO) -> None:
    while not server.started:
        await asyncio.sleep(0.005)
    host.write_info(url)
    host.banner(url, out)


def bind(port: int) -> socket.socket:
    """The listening socket on 127.0.0.1, bound before the app loads so a taken port fails
    fast with a clear error (port 0 picks a free one)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((HOST, port))
    except OSError as exc:
        sock.close()
        raise FaasError.one(
            "FIAC816",
            f"cannot listen on {HOST}:{port}: {exc.strerror}",
            fix="stop what uses that port, or pass another one: --port 7072 (0 picks a free one)",
        ) from None
    sock.set_inheritable(True)
    return sock


async def serve(
    target: str,
    state: Path,
    *,
    port: int = 7071,
    max_body: int = DEFAULT_MAX_BODY,
    header_timeout: float = HEAD_TIMEOUT,
    reload: bool = True,
    out: TextIO = sys.stdout,
    time_scale: float = 1.0,
) -> None:
    sock = bind(port)
    port = sock.getsockname()[1]
    url = f"http://{HOST}:{port}"
    clock = SYSTEM if time_scale == 1.0 else ScaledClock(time_scale)
    try:
        host = Host(target, state, url=url, max_body=max_body, clock=clock)
    except BaseException:
        sock.close()
        raise
    try:
        runtime = await host.start()
    except BaseException:
        await host.stop()
        sock.close()
        raise
    config = uvicorn.Config(
        host.app,
        host=HOST,
        port=port,
        http=protocol(head_timeout=header_timeout),
        loop="none",
        lifespan="off",
        log_config=None,
        access_log=False,
        server_header=False,
        proxy_headers=False,
        timeout_graceful_shutdown=10,
    )
    server = _Server(config)
    tasks = [asyncio.create_task(_announce(server, host, url, out))]
    if reload:
        tasks.append(asyncio.create_task(_watch(host, runtime.root)))
    try:
        await server.serve(sockets=[sock])
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await host.stop()
        log.info("stopped")


def run(target: str, state: Path, **options: object) -> None:
    """Run the host until Ctrl-C, on uvloop when it is installed."""
    try:
        import uvloop
    except ImportError:
        asyncio.run(serve(target, state, **options))  # type: ignore[arg-type]
        return
    uvloop.run(serve(target, state, **options))  # type: ignore[arg-type]
