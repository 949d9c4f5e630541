"""A scaled clock for the execution tests: orchestration time runs ``SCALE`` times faster than
real time (an hour of timers passes in a second), on every target, never by really waiting.

Each target reads time and waits in its own places; each is pointed at one :class:`ScaledClock`
here, narrowly and restored afterwards:

* the local durable engine: its clock parameter (the clock is the engine's own
  ``faas_iac.durable.clock.ScaledClock``, extended here for the other targets);
* moto's Step Functions executor (:func:`scaled_moto`): the ``Wait`` state (``Seconds`` and
  ``Timestamp``), a retrier's interval, a Task's ``TimeoutSeconds`` (the event-with-timeout
  race) and ``$states.context.State.EnteredTime``. moto really sleeps in each of them.
* workflows-emulator (:func:`scaled_sys`): ``sys.sleep`` / ``sys.sleep_until`` / ``sys.now``
  and the backoff sleep of ``retry``; the emulator really sleeps in each of them.

The Azure replay host (``tests/azure/replay.py``) needs none: it jumps to each timer.
"""

from __future__ import annotations

import datetime as _dt
import threading
import time as _time
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any

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

    def datetime_module(self) -> Any:
        """A stand-in for the ``datetime`` module whose ``datetime.now()`` is this clock's
        (naive = UTC, as the emulators here assume)."""
        clock = self

        class ScaledDatetime(_dt.datetime):
            @classmethod
            def now(cls, tz: _dt.tzinfo | None = None) -> Any:
                now = clock.utcnow()
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
def scaled_moto(clock: ScaledClock) -> Iterator[None]:
    def wait_interval(self: Any, env: Any, wait_seconds: int) -> None:
        # moto waits on the execution's stop event for the whole interval, in real seconds
        if wait_seconds > 0:
            env.program_state_event.wait(clock.real(wait_seconds))

    datetimes = clock.datetime_module()
    with (
        patched(wait_function.WaitFunction, _wait_interval=wait_interval),
        patched(timestamp, datetime=datetimes),
        patched(state, datetime=datetimes),
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
