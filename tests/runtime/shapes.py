"""Handlers of every shape the one signature rule decides (``faas_iac.runtime.handlers``). Each
records what it was called with into ``SEEN``: the payload's type and whether a context came."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from faas_iac import Context

SEEN: list[tuple[str, ...]] = []


def _record(*args: Any) -> str:
    SEEN.append(tuple("ctx" if isinstance(a, Context) else type(a).__name__ for a in args))
    return "done"


def one(msg: Any) -> str:
    return _record(msg)


def two(msg: Any, ctx: Context) -> str:
    return _record(msg, ctx)


def defaulted(msg: Any, ctx: Context | None = None) -> str:
    return _record(msg, ctx)


def star(msg: Any, *rest: Any) -> str:
    return _record(msg, *rest)


def nothing() -> str:
    return _record()


async def async_one(msg: Any) -> str:
    return _record(msg)


async def async_two(msg: Any, ctx: Context) -> str:
    return _record(msg, ctx)


class OnMessage:
    """A callable object: judged by ``__call__`` without ``self``."""

    def __call__(self, msg: Any) -> str:
        return _record(msg)


class AsyncOnMessage:
    async def __call__(self, msg: Any, ctx: Context) -> str:
        return _record(msg, ctx)


callable_object = OnMessage()
async_callable_object = AsyncOnMessage()


def _logged(fn: Callable[..., str]) -> Callable[..., str]:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> str:
        return fn(*args, **kwargs)

    return wrapper


@_logged
def decorated(msg: Any) -> str:
    return _record(msg)


class Handlers:
    @staticmethod
    def static(msg: Any) -> str:
        return _record(msg)


#: handler name → what it receives: the payload, and a context when it takes one.
EXPECTED: dict[str, tuple[str, ...]] = {
    "one": ("P",),
    "two": ("P", "ctx"),
    "defaulted": ("P", "ctx"),
    "star": ("P", "ctx"),
    "nothing": (),
    "async_one": ("P",),
    "async_two": ("P", "ctx"),
    "callable_object": ("P",),
    "async_callable_object": ("P", "ctx"),
    "decorated": ("P",),
    "Handlers.static": ("P",),
}


def send_on(order: dict[str, Any], ctx: Context) -> str:
    """A durable activity that takes a context and uses its declared binding."""
    ctx.send("jobs", order)
    try:
        ctx.send("other", order)
    except PermissionError as exc:
        return str(exc)
    return "sent to an undeclared queue"
