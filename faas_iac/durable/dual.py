"""Client methods usable both ways: awaited in an ``async def`` handler, as
azure-functions-durable's coroutines are (``instance_id = await client.start_new(...)``), and
called plainly from a ``def`` handler, as the portable API always allowed.

A method marked :func:`dual` looks at the calling thread: when it runs an event loop (the
caller is a coroutine), it returns an awaitable that runs the blocking call in a worker thread,
so the loop never stalls; otherwise it runs the call and returns its result. In an ``async
def`` handler the result must therefore be awaited (an un-awaited call does nothing, and Python
warns that a coroutine was never awaited).
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


def in_loop() -> bool:
    """Whether the calling thread is running an event loop (the caller is a coroutine)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def dual(method: Callable[P, T]) -> Callable[P, T]:
    """``method`` (blocking), awaitable when called from a coroutine (typed as its plain
    result: that is what a ``def`` caller gets)."""

    @functools.wraps(method)
    def call(*args: P.args, **kwargs: P.kwargs) -> Any:
        if in_loop():
            return asyncio.to_thread(method, *args, **kwargs)
        return method(*args, **kwargs)

    call.__faas_dual__ = True  # type: ignore[attr-defined]
    return call
