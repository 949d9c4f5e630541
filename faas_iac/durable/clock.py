"""The durable engine's clock: the one seam through which the engine reads time and waits for it.

The engine stamps every history event with ``clock.now()`` (so ``ctx.current_utc_datetime``
follows it), fires a timer when ``clock.now()`` reaches its fire time, and sleeps for
``clock.wait_seconds(until the next timer)``. :data:`SYSTEM` is the wall clock.
:class:`ScaledClock` runs ``factor`` times faster than the wall clock, so a one-hour timer
fires after 3.6 s of real time at ``factor=1000`` with the engine's threads running for real.
A virtual clock (time moved only by a test) implements the same protocol with
``wait_seconds`` returning ``None`` and calls :meth:`Engine.wake` after moving time.
"""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    def now(self) -> float:
        """Seconds since the epoch, as the engine records and compares them."""
        ...

    def wait_seconds(self, seconds: float) -> float | None:
        """How long to really wait for ``seconds`` of this clock to pass (``None``: until the
        engine is woken)."""
        ...


class SystemClock:
    """The wall clock."""

    def now(self) -> float:
        return time.time()

    def wait_seconds(self, seconds: float) -> float:
        return seconds


class ScaledClock:
    """Wall-clock time from ``start`` (default: now), running ``factor`` times faster."""

    def __init__(self, factor: float, start: float | None = None) -> None:
        if factor <= 0:
            raise ValueError("factor must be positive")
        self.factor = factor
        self._origin = time.time() if start is None else start
        self._real = time.monotonic()

    def now(self) -> float:
        return self._origin + (time.monotonic() - self._real) * self.factor

    def wait_seconds(self, seconds: float) -> float:
        return seconds / self.factor


SYSTEM: Clock = SystemClock()
