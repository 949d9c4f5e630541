"""The same trivial JSON function for Google's functions-framework (the peer)."""

from __future__ import annotations

from typing import Any


def hello(request: Any) -> dict[str, str]:
    return {"hello": "world"}


async def hello_async(request: Any) -> dict[str, str]:
    """The same, as a coroutine: what functions-framework's ``--asgi`` mode awaits directly
    (a plain function runs in its thread pool)."""
    return {"hello": "world"}
