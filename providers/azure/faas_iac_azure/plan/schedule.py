"""Portable schedules in Azure Functions' timer dialect: six-field NCRONTAB, seconds first.

The time zone is not part of the expression: Azure reads it from the ``WEBSITE_TIME_ZONE`` app
setting (one zone for the whole app), which Linux Consumption and Flex Consumption plans do
not honour. The planner decides; this module only renders the expression.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from faas_iac.errors import NotExpressible
from faas_iac.schedule import PortableSchedule


def render(schedule: PortableSchedule, where: str = "") -> str:
    """The NCRONTAB expression, or :class:`NotExpressible` for a rate with no cron form."""
    if schedule.fields is None:
        assert schedule.rate is not None
        n, unit = schedule.rate.unit
        raise NotExpressible.one(
            "FIAC201",
            f"Azure timer triggers on serverless plans take only NCRONTAB, and every {n} "
            f"{unit}(s) does not line up with clock boundaries",
            fix="pick an interval that divides a minute, hour or day (e.g. every 5 minutes, "
            "every 2 hours), or a cron",
            location=where,
        )
    return schedule.cron6


def _offset(zone: Any, at: datetime) -> int:
    offset = at.astimezone(zone).utcoffset()
    assert offset is not None
    return int(offset.total_seconds())


@cache
def zone_changes(tz: str) -> tuple[set[int], set[tuple[int, int]]]:
    """Every UTC offset (minutes) ``tz`` takes in 2020-2040, and the UTC (hour, minute) of each
    change to a larger offset (where wall times are skipped): sampled every 12 hours, each
    change found to the second by bisection."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(tz)
    offsets, forward = set(), set()
    previous = datetime(2020, 1, 1, tzinfo=UTC)
    for hours in range(12, 21 * 366 * 24, 12):
        at = datetime(2020, 1, 1, tzinfo=UTC) + timedelta(hours=hours)
        before, after = _offset(zone, previous), _offset(zone, at)
        offsets.add(before // 60)
        if after > before:
            lo, hi = previous, at
            while hi - lo > timedelta(seconds=1):
                mid = lo + (hi - lo) / 2
                lo, hi = (mid, hi) if _offset(zone, mid) == before else (lo, mid)
            forward.add((hi.hour, hi.minute))
        previous = at
    return offsets, forward


def utc_fields(schedule: PortableSchedule) -> tuple[tuple[int, ...], ...]:
    """The six fields of a UTC schedule firing at every instant ``schedule`` (in its zone) can
    fall on, under each offset of the zone: the local minutes and hours shifted by each offset;
    when a shift crosses midnight and the days are restricted, every day (the adapter keeps only
    the firings whose local wall time the app asked for, :mod:`..runtime.localtime`)."""
    assert schedule.fields is not None
    sec, minutes, hours, dom, month, dow = schedule.fields
    offsets, forward = zone_changes(schedule.tz)
    shifted: set[tuple[int, int]] = set(forward)  # a skipped wall time fires at the change
    crosses = bool(forward)
    for offset in offsets:
        for h in hours:
            for m in minutes:
                total = h * 60 + m - offset
                crosses = crosses or not 0 <= total < 24 * 60
                shifted.add(divmod(total % (24 * 60), 60))
    days_restricted = not (schedule.is_any(3) and schedule.is_any(4) and schedule.is_any(5))
    if crosses and days_restricted:
        dom, month, dow = tuple(range(1, 32)), tuple(range(1, 13)), tuple(range(7))
    return (
        sec,
        tuple(sorted({m for _, m in shifted})),
        tuple(sorted({h for h, _ in shifted})),
        dom,
        month,
        dow,
    )
