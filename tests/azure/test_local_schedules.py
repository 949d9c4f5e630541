"""Schedules in a time zone on Flex / Consumption plans, whose timers fire on UTC only: the
generated timer fires on UTC at every instant the local schedule can fall on, and the adapter
keeps the firings whose local wall time the app asked for. Judged by cronsim (an independent
cron evaluator, with Debian cron's rules: a wall time skipped by the change to summer time
fires at the change, one that occurs twice fires once) over whole years of DST changes.

The UTC timer is the generated app's own expression; each of its firings is handed, at its
instant plus a start-up delay, to the generated function through the adapter (its clock under
the test's control)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from azure.functions.timer import TimerRequest
from cronsim import CronSim
from faas_iac_azure.plan.schedule import utc_fields
from faas_iac_azure.runtime.localtime import local_fire

from faas_iac.schedule import PortableSchedule, parse_schedule

from .support import EXAMPLES, generated_app

START, END = datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)
CASES = [
    ("0 2 * * *", "Europe/Paris"),  # the hour skipped in March, repeated in October
    ("30 2 * * *", "Europe/Paris"),
    ("30 1 * * 0", "America/New_York"),  # Sundays: the days US clocks change
    ("0 0 1 * *", "Pacific/Auckland"),  # a restricted day across the date line
    ("15 */6 * * *", "Asia/Kolkata"),  # +5:30, no DST
    ("0,30 2 * * *", "Australia/Lord_Howe"),  # a 30-minute DST change
]


def fires(expr: str, tz: str, start: datetime, end: datetime) -> list[datetime]:
    """cronsim's fire instants of a five-field cron in ``tz``, as UTC."""
    found = []
    for at in CronSim(expr, start.astimezone(ZoneInfo(tz))):
        if at >= end:
            return found
        found.append(at.astimezone(UTC))
    return found


@pytest.mark.parametrize(("expr", "tz"), CASES, ids=[f"{e} {z}" for e, z in CASES])
def test_utc_timer_and_filter_fire_when_the_local_schedule_does(expr: str, tz: str) -> None:
    local = parse_schedule(expr, None, tz)
    assert local.fields is not None
    utc = utc_fields(local)
    utc_expr = PortableSchedule(utc, None, "UTC")
    five = " ".join(utc_expr.field_text(i) for i in range(1, 6))
    kept = [
        local_fire(local.fields, tz, utc, at + timedelta(seconds=7))
        for at in fires(five, "UTC", START, END)
    ]
    assert [k for k in kept if k is not None] == fires(expr, tz, START, END)


def test_generated_app_keeps_paris_time_on_flex(tmp_path: Path) -> None:
    """examples/shop's nightly report (02:00 Europe/Paris) on the default Flex plan."""
    with generated_app(EXAMPLES / "shop" / "app.py", tmp_path) as app:
        fn = next(f for f in app.indexed if f.get_function_name() == "nightly_report")
        schedule = re.search(r"schedule='([^']+)'", Path(app.__file__).read_text())
        assert schedule is not None and schedule.group(1) == "0 0 0-1 * * *"
        seen: list[Any] = []
        app._rt.handler("nightly_report").fn = lambda timer, ctx: seen.append(timer)
        for utc in ("2026-01-15T00:00:03", "2026-01-15T01:00:03", "2026-07-15T00:00:03"):
            app._rt.clock = lambda utc=utc: datetime.fromisoformat(utc).replace(tzinfo=UTC)
            fn.get_user_function()(TimerRequest(past_due=False), None)
    # 02:00 in Paris is 01:00 UTC in winter and 00:00 UTC in summer; the others are dropped
    assert [t.scheduled_time.isoformat() for t in seen] == [
        "2026-01-15T01:00:00+00:00",
        "2026-07-15T00:00:00+00:00",
    ]
