"""A scaled clock for the execution tests: orchestration time runs ``SCALE`` times faster than
real time (an hour of timers passes in a second), on every target, never by really waiting.

Each target reads time and waits in its own places; each is pointed at one :class:`ScaledClock`
here, narrowly and restored afterwards:

* the local durable engine: its clock parameter, a :class:`WaitingClock` too (the engine's
  ``wait_seconds`` protocol): time moves only when the engine's wait for its next timer runs
  out, to exactly that timer, so time spent running activities never shows;
* moto's Step Functions executor (:func:`scaled_moto`, on a :class:`WaitingClock`): the
  ``Wait`` state (``Seconds`` and ``Timestamp``), a retrier's interval, a Task's
  ``TimeoutSeconds`` (the event-with-timeout race) and ``$states.context.State.EnteredTime``.
  moto really sleeps in each of them (scaled). Its time moves only while it waits, so the time
  moto spends running states (tens of milliseconds each on a loaded machine: minutes at this
  scale) never shows in ``EnteredTime``, as a Durable orchestrator's clock holds between yields.
* workflows-emulator (:func:`scaled_sys`): ``sys.sleep`` / ``sys.sleep_until`` / ``sys.now``
  and the backoff sleep of ``retry``; the emulator really sleeps in each of them.

The Azure replay host (``tests/azure/replay.py``) needs none: it jumps to each timer.
"""

from __future__ import annotations

import datetime as _dt
import threading
import time as _time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any

from moto.stepfunctions.parser.asl.component.common.error_name.failure_event import (
    FailureEventException,
)
from moto.stepfunctions.parser.asl.component.common.retry import retrier_decl
from moto.stepfunctions.parser.asl.component.state import state
from moto.stepfunctions.parser.asl.component.state.exec import execute_state
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
    state_task_service_callback as callback,
)
from moto.stepfunctions.parser.asl.component.state.wait.wait_function import (
    timestamp,
    wait_function,
)

from faas_iac.durable.clock import ScaledClock as EngineClock

#: Virtual seconds per real second: one orchestration hour per second.
SCALE = 3600.0

_monotonic = _time.monotonic
_real_sleep = _time.sleep


class ScaledClock(EngineClock):
    """Virtual epoch time that starts at the real time and runs ``scale`` times faster: the
    local engine's scaled clock, with what the other targets' patches need."""

    def __init__(self, scale: float = SCALE) -> None:
        super().__init__(scale)
        self.scale = scale

    def time(self) -> float:
        return self.now()

    def real(self, seconds: float) -> float:
        """How long ``seconds`` of virtual time last in real time."""
        return max(0.0, float(seconds)) / self.scale

    def sleep(self, seconds: float) -> None:
        _real_sleep(self.real(seconds))

    def utcnow(self) -> _dt.datetime:
        return _dt.datetime.fromtimestamp(self.time(), _dt.UTC)

    def datetime_module(self, read: Callable[[], float] | None = None) -> Any:
        """A stand-in for the ``datetime`` module whose ``datetime.now()`` is this clock's
        (naive = UTC, as the emulators here assume), or ``read()``'s."""
        read = read or self.time

        class ScaledDatetime(_dt.datetime):
            @classmethod
            def now(cls, tz: _dt.tzinfo | None = None) -> Any:
                now = _dt.datetime.fromtimestamp(read(), _dt.UTC)
                return now.astimezone(tz) if tz is not None else now.replace(tzinfo=None)

        return SimpleNamespace(
            datetime=ScaledDatetime,
            timezone=_dt.timezone,
            timedelta=_dt.timedelta,
            UTC=_dt.UTC,
        )

    def event_class(self) -> type[threading.Event]:
        """``threading.Event`` whose ``wait(timeout)`` takes virtual seconds."""
        clock = self

        class ScaledEvent(threading.Event):
            def wait(self, timeout: float | None = None) -> bool:
                return super().wait(None if timeout is None else clock.real(timeout))

        return ScaledEvent

    def time_module(self) -> Any:
        """A stand-in for the ``time`` module: virtual ``time()`` and ``sleep()``."""
        return SimpleNamespace(
            time=self.time, sleep=self.sleep, monotonic=_monotonic, perf_counter=_time.perf_counter
        )


class WaitingClock(ScaledClock):
    """A clock that moves only when a wait of the executor runs its full length, and then by
    exactly that length: between waits it stands still, whatever the machine's load.

    A wait lasts its length scaled down in real time. A wait something ends early (a task's
    timeout wait ended by the task's result or an awaited event's callback, an execution
    stopped) moves the clock by nothing: what ended it happened at once, as far as
    orchestration time goes. Waits in several threads at once (parallel branches) each move the
    clock to their own end when they end, never backwards. Entering a state takes a millisecond
    (:meth:`entered`): on Step Functions no two states enter at the same instant, and names of
    child executions are made of it. Time is kept in whole microseconds, so that waits add up
    exactly (0.1 s + 0.2 s is 0.3 s)."""

    def __init__(self, scale: float = SCALE) -> None:
        super().__init__(scale)
        self._us = int(super().now()) * 1_000_000  # a whole second: no fraction to round
        self._lock = threading.Lock()
        #: the local engine's wait for its next timer: (its end, the real instant it ends)
        self._pending: tuple[int, float] | None = None

    def now(self) -> float:
        with self._lock:
            if self._pending is not None and _monotonic() >= self._pending[1]:
                self._us = max(self._us, self._pending[0])
                self._pending = None
            return self._us / 1_000_000

    def wait_seconds(self, seconds: float) -> float:
        """The local engine's protocol: it waits for its next timer, ``seconds`` away, on its
        inbox. Once that wait has lasted its scaled length, the clock reads exactly the timer's
        time; a message that comes first (an activity's result, an event) leaves it where it
        is, and the engine's next wait for the same timer goes on from the same real start."""
        with self._lock:
            end = self._us + round(max(0.0, seconds) * 1_000_000)
            if self._pending is None or self._pending[0] != end:
                self._pending = (end, _monotonic() + self.real(seconds))
            return max(0.0, self._pending[1] - _monotonic())

    def entered(self) -> float:
        """The time a state is entered; the clock then moves one millisecond."""
        with self._lock:
            self._us += 1000
            return (self._us - 1000) / 1_000_000

    def wait(self, seconds: float, block: Callable[[float], bool] | None = None) -> bool:
        """Wait ``seconds`` of virtual time; ``block(real_seconds)`` waits for real and returns
        True when something ended the wait early (default: a sleep). Returns what it returned."""
        seconds = max(0.0, float(seconds))
        with self._lock:
            end = self._us + round(seconds * 1_000_000)
        if block is None:
            _real_sleep(self.real(seconds))
            ended = False
        else:
            ended = bool(block(self.real(seconds)))
        if not ended:
            with self._lock:
                self._us = max(self._us, end)
        return ended

    def sleep(self, seconds: float) -> None:
        self.wait(seconds)

    def event_class(self) -> type[threading.Event]:
        """``threading.Event`` whose ``wait(timeout)`` is a wait of this clock."""
        clock = self

        class WaitingEvent(threading.Event):
            def wait(self, timeout: float | None = None) -> bool:
                if timeout is None:
                    return super().wait()
                return clock.wait(timeout, super().wait)

        return WaitingEvent


@contextmanager
def patched(target: Any, **values: Any) -> Iterator[None]:
    """Set attributes of a module or class for the duration, then restore them."""
    saved = {name: getattr(target, name) for name in values}
    for name, value in values.items():
        setattr(target, name, value)
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(target, name, value)


@contextmanager
def scaled_moto(clock: WaitingClock) -> Iterator[None]:
    """moto's executor on ``clock``."""

    def wait_interval(self: Any, env: Any, wait_seconds: float) -> None:
        # moto waits on the execution's stop event for the whole interval, in real seconds
        if wait_seconds > 0:
            clock.wait(wait_seconds, env.program_state_event.wait)

    def timestamp_seconds(self: Any, env: Any) -> float:
        # moto drops a timestamp's fraction of a second and rounds the wait down to whole
        # seconds (``int(delta.total_seconds())``): a timer ends up to two seconds early. Step
        # Functions waits until the instant.
        self.string.eval(env=env)
        text: str = env.stack.pop()
        if self._from_timestamp_string(timestamp=text) is None:  # moto's own failure
            raise FailureEventException(self._create_failure_event(env, text))
        instant = _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        return (instant - clock.utcnow()).total_seconds()

    with (
        patched(wait_function.WaitFunction, _wait_interval=wait_interval),
        patched(timestamp.Timestamp, _get_wait_seconds=timestamp_seconds),
        patched(state, datetime=clock.datetime_module(clock.entered)),
        patched(retrier_decl, time=clock.time_module()),
        patched(execute_state, threading=SimpleNamespace(Event=clock.event_class())),
        # moto polls a `.sync` child execution every 0.5 s of real time; polling faster
        # changes no outcome, only how long a sub-orchestration takes to be noticed.
        patched(callback, _DELAY_SECONDS_SYNC_CONDITION_CHECK=0.01),
    ):
        yield


def scaled_sys(sys_module: Any, clock: ScaledClock) -> Any:
    """workflows-emulator's ``sys`` standard-library module, its time functions on ``clock``."""

    def sleep_until(time: str) -> None:
        # the argument is ``time`` in Workflows (the emulator's own function names it future)
        moment = _dt.datetime.fromisoformat(time.replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=_dt.UTC)
        clock.sleep((moment - clock.utcnow()).total_seconds())

    fields = {
        name: getattr(sys_module, name) for name in dir(sys_module) if not name.startswith("_")
    }
    fields.update(now=clock.time, sleep=clock.sleep, sleep_until=sleep_until)
    return SimpleNamespace(**fields)
