"""Finding a handler and calling it: the one rule every target follows (the local host, the
local durable engine, the AWS and Azure adapters, the translator's lookup). Standard library
only and cheap on a cold start: ``inspect`` and ``asyncio`` are imported only for the handlers
that need them, never for a plain function.

The signature rule, decided once per handler:

* no positional parameter: called with nothing (``def tick(): ...``);
* one: called with the payload (``def on_msg(msg)``);
* two or more, or ``*args``: called with the payload and the context (``def h(req, ctx)``,
  ``def h(event, *rest)``);
* a signature that cannot be read (a builtin): payload and context.

A callable object is judged by its ``__call__`` without ``self``, a decorated function by the
function it wraps (``functools.wraps``), as :func:`inspect.signature` does. An ``async def``
handler, or one that returns an awaitable, is awaited.
"""

from __future__ import annotations

import sys
import types

TYPE_CHECKING = False  # ``typing.TYPE_CHECKING`` without importing typing (mypy reads it so)
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

#: ``inspect.CO_VARARGS`` and ``inspect.CO_COROUTINE``, without importing ``inspect``.
_CO_VARARGS = 0x04
_CO_COROUTINE = 0x80


class UnresolvedHandler(LookupError):
    """A ``module:qualname`` reference that names nothing callable; the message says why."""


def resolve(ref: str, *, load: bool = True) -> Callable[..., Any]:
    """The callable a ``module:qualname`` reference names. With ``load=False`` the module must
    already be imported (the translator reads what the loader imported, never imports)."""
    module_name, _, qualname = ref.partition(":")
    if not module_name or not qualname:
        raise UnresolvedHandler(f"{ref!r} is not a module:qualname reference")
    target: Any = sys.modules.get(module_name)
    if target is not None and getattr(target.__spec__, "_initializing", False):
        target = None  # another thread is importing it: __import__ waits for it to finish
    if target is None:
        if not load:
            raise UnresolvedHandler(f"module {module_name!r} of {ref} is not loaded")
        try:
            __import__(module_name)  # as importlib.import_module, without importing importlib
            target = sys.modules[module_name]
        except ImportError as exc:
            raise UnresolvedHandler(f"{ref} cannot be imported: {exc}") from exc
    for part in qualname.split("."):
        try:
            target = getattr(target, part)
        except AttributeError as exc:
            raise UnresolvedHandler(f"{ref} cannot be found: {exc}") from exc
    if not callable(target):
        raise UnresolvedHandler(f"{ref} is not callable")
    return target  # type: ignore[no-any-return]


def _plain_shape(fn: Any) -> tuple[int, bool] | None:
    """(positional arity, async) of a plain function from its code object, else ``None``."""
    if not isinstance(fn, types.FunctionType) or hasattr(fn, "__wrapped__"):
        return None
    code = fn.__code__
    arity = 2 if code.co_flags & _CO_VARARGS else min(code.co_argcount, 2)
    return arity, bool(code.co_flags & _CO_COROUTINE)


def _inspected_shape(fn: Any) -> tuple[int, bool]:
    import inspect

    is_async = inspect.iscoroutinefunction(fn) or (
        not inspect.isroutine(fn)
        and not isinstance(fn, type)
        and inspect.iscoroutinefunction(type(fn).__call__)  # an object with async __call__
    )
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return 2, is_async
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    if any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in params):
        return 2, is_async
    return min(sum(1 for p in params if p.kind in kinds), 2), is_async


class Handler:
    """A user's handler with its signature decided once: ``arity`` is 0 (nothing), 1 (the
    payload) or 2 (payload and context); ``is_async`` says it is a coroutine function. A plain
    class (no dataclass machinery on the cold-start path)."""

    __slots__ = ("arity", "fn", "is_async")

    def __init__(self, fn: Callable[..., Any]) -> None:
        self.fn = fn
        self.arity, self.is_async = _plain_shape(fn) or _inspected_shape(fn)

    @property
    def takes_context(self) -> bool:
        return self.arity == 2

    def args(self, payload: Any, context: Callable[[], Any]) -> tuple[Any, ...]:
        """The arguments for one call; ``context`` is called only when the handler takes it."""
        if self.arity == 2:
            return (payload, context())
        return (payload,) if self.arity == 1 else ()

    def __call__(self, payload: Any, context: Callable[[], Any]) -> Any:
        """Call synchronously; an awaitable result is run to completion on a new loop."""
        return finish(self.fn(*self.args(payload, context)))


def finish(result: Any) -> Any:
    """``result``, awaited first when it is awaitable (``asyncio`` is imported only then)."""
    if hasattr(result, "__await__"):
        import asyncio

        return asyncio.run(_awaited(result))
    return result


async def _awaited(value: Any) -> Any:
    return await value
