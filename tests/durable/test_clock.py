"""The engine reads and waits for time only through its clock: a scaled clock runs a day-long
timer in a blink with real threads, and a clock the test moves fires a timer only when moved."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from faas_iac.durable import codec
from faas_iac.durable.clock import Clock, ScaledClock, VirtualClock
from faas_iac.durable.engine import Engine, Registry
from faas_iac.durable.store import Store

START = datetime(2030, 1, 1, tzinfo=UTC)


def sleeper(ctx: Any) -> Any:
    began = ctx.current_utc_datetime
    yield ctx.create_timer(began + timedelta(days=1))
    ended = ctx.current_utc_datetime
    stamp = yield ctx.call_activity("stamp", None)
    return [began.isoformat(), ended.isoformat(), stamp]


def engine_with(clock: Clock, tmp_path: Path) -> Iterator[Engine]:
    registry = Registry(
        orchestrators={"sleeper": sleeper},
        activities={"stamp": lambda _: datetime.fromtimestamp(clock.now(), UTC).isoformat()},
    )
    engine = Engine(registry, Store(tmp_path / "d.sqlite3"), clock)
    engine.start()
    try:
        yield engine
    finally:
        engine.stop()


def outcome(engine: Engine, iid: str) -> tuple[str, Any]:
    status = engine.wait(iid).result(10)
    row = engine.store.instance(iid)
    assert row is not None
    return status, codec.loads(row.output)


def test_a_scaled_clock_runs_a_day_long_timer_at_once(tmp_path: Path) -> None:
    clock = ScaledClock(factor=86_400 * 20, start=START.timestamp())  # one day in 50 ms
    for engine in engine_with(clock, tmp_path):
        status, (began, ended, stamp) = outcome(
            engine, engine.start_new("sleeper", None, None).result()
        )
        assert status == "Completed"
        assert datetime.fromisoformat(began) >= START  # the clock the engine was given
        assert datetime.fromisoformat(ended) - datetime.fromisoformat(began) >= timedelta(days=1)
        assert datetime.fromisoformat(stamp) >= datetime.fromisoformat(ended)


def test_a_timer_fires_only_when_the_test_moves_the_clock(tmp_path: Path) -> None:
    clock = VirtualClock(START.timestamp())
    for engine in engine_with(clock, tmp_path):
        iid = engine.start_new("sleeper", None, None).result()
        waiting = engine.wait(iid)
        clock.advance(86_399)
        engine.wake()
        engine.call(lambda: None).result(10)  # a whole turn later, still waiting
        assert not waiting.done()
        clock.advance(1)
        engine.wake()
        status, (began, ended, stamp) = outcome(engine, iid)
        assert status == "Completed"
        assert (began, ended, stamp) == (
            START.isoformat(),
            (START + timedelta(days=1)).isoformat(),
            (START + timedelta(days=1)).isoformat(),
        )


def test_a_scaled_clock_needs_a_positive_factor() -> None:
    with pytest.raises(ValueError, match="positive"):
        ScaledClock(0)
