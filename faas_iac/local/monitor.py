"""What the dashboard shows of a running host: per-function counts, errors and latencies, and
the recent log lines (also streamed live to subscribers).

:meth:`Monitor.record` is called on every invocation's end (one lock, two deque appends: cheap
enough for the HTTP hot path); :class:`LogHub` is a logging handler that keeps the last lines,
already redacted, and feeds the durable engine's activity and orchestration ends into the same
counts. Time comes from ``clock`` so tests control the window.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

from .logs import line_of

#: Durations kept per function for p50/p95 (the window also bounds them in time).
RECENT = 2000
#: Invocations listed per function with their log lines.
LAST = 20
#: Log lines kept for the dashboard (older ones are dropped).
LINES = 5000
#: Ends the durable engine logs (testkit's journal) that count as invocations.
_DURABLE_ENDS = {
    "activity.completed": False,
    "activity.failed": True,
    "orchestration.completed": False,
    "orchestration.failed": True,
    "orchestration.terminated": False,
}


@dataclass
class Stats:
    count: int = 0
    errors: int = 0
    #: (time, seconds, failed) of recent ends.
    recent: deque[tuple[float, float, bool]] = field(default_factory=lambda: deque(maxlen=RECENT))
    #: (invocation id, time, seconds, failed) of the last ends, newest last.
    last: deque[tuple[str, float, float, bool]] = field(default_factory=lambda: deque(maxlen=LAST))


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile of sorted ``values`` (None when empty)."""
    if not values:
        return None
    return values[max(0, math.ceil(q * len(values)) - 1)]


Subscriber = tuple[asyncio.AbstractEventLoop, "asyncio.Queue[dict[str, Any] | None]"]


class Monitor:
    def __init__(self, clock: Callable[[], float] = time.time, window: float = 300.0) -> None:
        self.clock, self.window = clock, window
        self._stats: dict[str, Stats] = {}
        self._lines: deque[dict[str, Any]] = deque(maxlen=LINES)
        self._seq = 0
        self._lock = threading.Lock()
        self._subscribers: set[Subscriber] = set()

    # -- invocations ----------------------------------------------------------------------------
    def record(self, function: str, invocation_id: str, seconds: float, failed: bool) -> None:
        now = self.clock()
        with self._lock:
            stats = self._stats.get(function)
            if stats is None:
                stats = self._stats[function] = Stats()
            stats.count += 1
            stats.errors += failed
            stats.recent.append((now, seconds, failed))
            stats.last.append((invocation_id, now, seconds, failed))

    def summary(self, function: str) -> dict[str, Any]:
        """Counts since start; errors, p50 and p95 (ms) over the last ``window`` seconds."""
        since = self.clock() - self.window
        with self._lock:
            stats = self._stats.get(function) or Stats()
            recent = [(s, f) for t, s, f in stats.recent if t >= since]
            last = list(stats.last)
            count, errors = stats.count, stats.errors
        durations = sorted(s * 1000 for s, _ in recent)
        p50, p95 = percentile(durations, 0.5), percentile(durations, 0.95)
        return {
            "count": count,
            "errors": errors,
            "window_s": self.window,
            "window_count": len(recent),
            "window_errors": sum(f for _, f in recent),
            "p50_ms": None if p50 is None else round(p50, 3),
            "p95_ms": None if p95 is None else round(p95, 3),
            "last": [
                {"invocation_id": i, "ts": t, "duration_ms": round(s * 1000, 3), "failed": f}
                for i, t, s, f in reversed(last)
            ],
        }

    # -- log lines ------------------------------------------------------------------------------
    def add_line(self, line: dict[str, Any]) -> None:
        with self._lock:
            self._seq += 1
            line["seq"] = self._seq
            self._lines.append(line)
            subscribers = tuple(self._subscribers)
        for loop, queue in subscribers:
            with contextlib.suppress(RuntimeError):  # its loop is closed
                loop.call_soon_threadsafe(_offer, queue, line)
        ended = _DURABLE_ENDS.get(str(line.get("event")))
        if ended is not None and line.get("function"):
            seconds = float(line.get("duration_ms") or 0) / 1000
            ident = str(line.get("invocation_id") or line.get("instance_id") or "")
            self.record(str(line["function"]), ident, seconds, ended)

    def lines(
        self,
        after: int = 0,
        function: str = "",
        level: str = "",
        invocation: str = "",
        limit: int = 500,
    ) -> list[dict[str, Any]]:
        """The kept lines after ``after`` that pass the filters, oldest first, at most
        ``limit`` (the newest ones)."""
        with self._lock:
            found = [
                x
                for x in self._lines
                if x["seq"] > after and passes(x, function, level, invocation)
            ]
        return found[-limit:]

    async def follow(self) -> AsyncIterator[dict[str, Any]]:
        """Every line added from now on, until :meth:`close` (or the subscriber is too slow:
        then its stream ends and the page reconnects)."""
        queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue(maxsize=1000)
        me = (asyncio.get_running_loop(), queue)
        with self._lock:
            self._subscribers.add(me)
        try:
            while (line := await queue.get()) is not None:
                yield line
        finally:
            with self._lock:
                self._subscribers.discard(me)

    def close(self) -> None:
        """End every live stream (at shutdown, so the server is not kept waiting)."""
        with self._lock:
            subscribers = tuple(self._subscribers)
        for loop, queue in subscribers:
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(_end, queue)


_LEVELS = {"debug": 10, "info": 20, "warning": 30, "error": 40, "critical": 50}


def passes(line: dict[str, Any], function: str, level: str, invocation: str) -> bool:
    """Whether a line passes the dashboard's filters (empty filters pass everything)."""
    if function and line.get("function") != function:
        return False
    if level and _LEVELS.get(str(line.get("level")), 0) < _LEVELS.get(level, 0):
        return False
    return not invocation or invocation in (
        line.get("invocation_id") or "",
        line.get("instance_id") or "",
    )


def _offer(queue: asyncio.Queue[dict[str, Any] | None], line: dict[str, Any]) -> None:
    try:
        queue.put_nowait(line)
    except asyncio.QueueFull:  # a subscriber that cannot keep up is ended, not waited for
        _end(queue)


def _end(queue: asyncio.Queue[dict[str, Any] | None]) -> None:
    while True:
        try:
            queue.put_nowait(None)
            return
        except asyncio.QueueFull:
            queue.get_nowait()


class LogHub(logging.Handler):
    """Keeps every line the host logs (redacted, as the JSON formatter writes it) in the
    monitor."""

    def __init__(self, monitor: Monitor) -> None:
        super().__init__()
        self.monitor = monitor

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.monitor.add_line(line_of(record))
        except Exception:
            self.handleError(record)
