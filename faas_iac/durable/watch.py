"""Keeping one orchestrator from freezing the engine.

Orchestrator code runs on the engine's thread, between two yields, so a step that blocks (a
``time.sleep`` or blocking I/O written by mistake) would stall every other instance. The watch
records which instance's code the engine thread is running and since when; a watchdog thread
looks every tenth of a second. A step that has run longer than ``limit`` seconds loses the
engine: under one lock, the watchdog names a fresh thread the engine's owner and starts it; that
thread fails the stuck instance (coded FIAC878) and carries on with the turn where the old one
stopped. When the old thread finally returns from the user's code, :meth:`Watch.leave` finds it
is no longer the owner and raises :class:`Superseded`, which ends that thread without it
touching the engine again (a thread cannot be killed; one stuck forever is abandoned).

A stall of the whole process (a machine short of CPU or memory) holds up the watchdog too: the
time it wakes late by is not counted against the step.

The price on every step is a clock read and an uncontended lock.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

#: How long one orchestrator step may run before its instance is failed (seconds).
DEFAULT_LIMIT_S = 2.0


class Superseded(BaseException):
    """Raised in an engine thread that lost the engine while it ran user code (BaseException:
    no ``except Exception`` on the way out may swallow it)."""


class Watch:
    def __init__(
        self, limit: float, spawn: Callable[[Any], threading.Thread], period: float = 0.1
    ) -> None:
        self.limit = limit
        self.owner: threading.Thread | None = None
        self.enabled = False
        self._spawn = spawn
        self._period = min(period, max(limit / 4, 0.01))
        self._current: tuple[Any, float] | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- the engine thread, around each piece of user code -------------------------------------
    def enter(self, target: Any) -> None:
        self._current = (target, time.monotonic())

    def leave(self) -> None:
        """The user's code returned: carry on, unless this thread lost the engine meanwhile."""
        with self._lock:
            if self.owner is not threading.current_thread():
                raise Superseded
            self._current = None

    # -- the watchdog --------------------------------------------------------------------------
    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="durable-watch", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(1.0)
            self._thread = None

    def _run(self) -> None:
        last = time.monotonic()
        while not self._stop.wait(self._period):
            now = time.monotonic()
            self.excuse(now - last - self._period)
            last = now
            self.check()

    def excuse(self, late: float) -> None:
        """The watchdog woke ``late`` seconds after it should have: the whole process was held
        up (a machine short of CPU or memory), not the step; that time does not count against
        the step (a blocked step does not hold up this thread)."""
        if late <= self._period:
            return
        with self._lock:
            if self._current is not None:
                target, since = self._current
                self._current = (target, since + late)

    def check(self) -> bool:
        """Hand the engine to a new thread if the current step has run too long."""
        with self._lock:
            current = self._current
            if not self.enabled or current is None:
                return False
            target, since = current
            if time.monotonic() - since <= self.limit:
                return False
            self._current = None
            thread = self._spawn(target)
            self.owner = thread
        thread.start()
        return True
