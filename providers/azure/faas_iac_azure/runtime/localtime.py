"""Schedules in a time zone on plans that fire timers on UTC only (Linux Consumption and Flex
Consumption ignore ``WEBSITE_TIME_ZONE``). The planner gives the timer a UTC schedule that fires
at every instant the local schedule can fall on, under each UTC offset the zone uses
(:func:`faas_iac_azure.plan.schedule.utc_fields`); here, at each firing, the adapter finds the
UTC instant the timer was scheduled for and runs the handler only when that instant's local
wall time is one the app asked for. As Debian's cron (and cronsim) do: a wall time skipped by a
change to summer time fires at the change; one that occurs twice fires once, the first time.
Standard library.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

Fields = tuple[tuple[int, ...], ...]


def _matches(fields: Fields, when: datetime) -> bool:
    """Whether ``when`` is a fire instant of the six cron fields (0 = Sunday). A portable cron
    restricts at most one of the day fields (both restricted is refused everywhere)."""
    sec, minute, hour, dom, month, dow = fields
    return (
        when.second in sec
        and when.minute in minute
        and when.hour in hour
        and when.day in dom
        and when.month in month
        and (when.weekday() + 1) % 7 in dow
    )


def scheduled(utc: Fields, now: datetime) -> datetime | None:
    """The latest instant at or before ``now`` (UTC) the UTC schedule fires at, within a day."""
    start = now.astimezone(UTC).replace(second=0, microsecond=0)
    for back in range(0, 24 * 60 + 1):
        minute = start - timedelta(minutes=back)
        if not _matches((tuple(range(60)), *utc[1:]), minute):
            continue
        for second in sorted(utc[0], reverse=True):
            at = minute + timedelta(seconds=second)
            if at <= now:
                return at
    return None


def _skipped(local: Fields, zone: ZoneInfo, at: datetime) -> bool:
    """Whether ``at`` is a change to summer time and the local schedule has a fire in the wall
    times it skipped."""
    before = (at - timedelta(seconds=1)).astimezone(zone).utcoffset()
    after = at.astimezone(zone).utcoffset()
    if before is None or after is None or after <= before:
        return False
    wall = at.astimezone(zone).replace(tzinfo=None)
    gap = int((after - before).total_seconds())
    start = wall - timedelta(seconds=gap)
    return any(_matches(local, start + timedelta(seconds=s)) for s in range(gap))


def local_fire(local: Fields, tz: str, utc: Fields, now: datetime) -> datetime | None:
    """The instant the timer fired for, when its wall time in ``tz`` is a fire of the local
    schedule (its first occurrence), or the change to summer time that skipped one; ``None``:
    this firing is not one the app asked for."""
    at = scheduled(utc, now)
    if at is None:
        return None
    zone = ZoneInfo(tz)
    wall = at.astimezone(zone)
    if wall.fold == 0 and _matches(local, wall):
        return at
    return at if _skipped(local, zone, at) else None
