"""Time for the local host and the durable engine: the one seam through which they read the
time and wait for it (durable timers, schedules, queue visibility and retry delays).

* :data:`SYSTEM` is the wall clock;
* :class:`ScaledClock` runs ``factor`` times faster than the wall clock (``faas-iac dev
  --time-scale N``): a one-hour timer fires after 3.6 s at ``factor=1000``, with every thread
  running for real;
* :class:`VirtualClock` moves only when told (the test kit, :mod:`faas_iac.testing`): waiting
  for it means waiting to be woken, so whoever moves it wakes the engine.

Handler timeouts and HTTP deadlines stay on the wall clock: they bound real work.
"""

from __future__ import annotations

import threading
import time
from typing import Protocol


class Clock(Protocol):
    def now(self) -> float:
        """Seconds since the epoch, as the host and the engine record and compare them."""
        ...

    def wait_seconds(self, seconds: float) -> float | None:
        """How long to really wait for ``seconds`` of this clock to pass (``None``: until
        woken, since only a caller moves this clock)."""
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


class VirtualClock:
    """Time that moves only when :meth:`set` or :meth:`advance` is called, never backwards.
    Thread-safe: the engine, the host's workers and the test read it from their threads."""

    def __init__(self, start: float) -> None:
        self._value = float(start)
        self._lock = threading.Lock()

    def now(self) -> float:
        with self._lock:
            return self._value

    def wait_seconds(self, seconds: float) -> None:
        return None

    def set(self, moment: float) -> None:
        """Move to ``moment`` (a moment already passed leaves the clock where it is)."""
        with self._lock:
            self._value = max(self._value, float(moment))

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("a clock does not go back: advance by zero or more seconds")
        with self._lock:
            self._value += seconds


SYSTEM: Clock = SystemClock()
