"""What the test kit records: every call of a function the app runs (its handlers, its activities,
and the fakes a test puts in place of activities), with the virtual instant it was made at.

A recorded function is wrapped with ``functools.wraps``, so the host and the engine see the
signature of the function inside (how many arguments it takes, whether it is ``async``, the
pydantic model its input is annotated with) and call it exactly as they would call it.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


@dataclass
class Invocation:
    """One call: the function, the (virtual) time it started, what it was given (an HTTP
    request, a message, an activity's input...), and its result or the error it raised."""

    function: str
    at: datetime
    payload: Any
    result: Any = None
    error: BaseException | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass
class ActivityMock:
    """The fake that ``env.mock_activity(name, fn)`` put in place, and its calls."""

    name: str
    fn: Callable[..., Any]
    invocations: list[Invocation] = field(default_factory=list)

    @property
    def calls(self) -> list[Any]:
        """The inputs the fake was called with, in order."""
        return [i.payload for i in self.invocations]

    @property
    def call_count(self) -> int:
        return len(self.invocations)


def recording(
    name: str, fn: Callable[..., Any], sink: list[Invocation], now: Callable[[], float]
) -> Callable[..., Any]:
    """``fn``, recording each call into ``sink`` (the first argument is the payload)."""

    def start(args: tuple[Any, ...]) -> Invocation:
        call = Invocation(name, datetime.fromtimestamp(now(), UTC), args[0] if args else None)
        sink.append(call)
        return call

    if inspect.iscoroutinefunction(fn):

        @functools.wraps(fn)
        async def run_async(*args: Any) -> Any:
            call = start(args)
            try:
                call.result = await fn(*args)
            except Exception as exc:
                call.error = exc
                raise
            return call.result

        return run_async

    @functools.wraps(fn)
    def run(*args: Any) -> Any:
        call = start(args)
        try:
            call.result = fn(*args)
        except Exception as exc:
            call.error = exc
            raise
        return call.result

    return run
