"""Portable schedules in Cloud Scheduler's dialect: five-field unix-cron plus a time zone."""

from __future__ import annotations

from typing import Any

from faas_iac.errors import NotExpressible
from faas_iac.model import Function
from faas_iac.schedule import PortableSchedule, parse_schedule


def render(schedule: PortableSchedule, where: str = "") -> tuple[str, str]:
    """``(unix-cron, time zone)``, or :class:`NotExpressible`."""
    if schedule.fields is None:
        assert schedule.rate is not None
        n, unit = schedule.rate.unit
        raise NotExpressible.one(
            "FIAC201",
            f"Cloud Scheduler cannot fire every {n} {unit}(s) at fixed instants: it takes "
            "unix-cron, and this interval does not line up with clock boundaries",
            fix="pick an interval that divides an hour or a day, or a cron",
            location=where,
        )
    if schedule.fields[0] != (0,):
        raise NotExpressible.one(
            "FIAC201",
            f"Cloud Scheduler has no seconds field; this cron fires at seconds "
            f"{schedule.field_text(0)}",
            fix="put 0 in the seconds field (or use the 5-field form), or run this schedule on "
            "Azure or locally",
            location=where,
        )
    return " ".join(schedule.field_text(i) for i in range(1, 6)), schedule.tz


def rendered(fn: Function) -> tuple[str, str]:
    """A schedule function's ``(unix-cron, time zone)``, or :class:`NotExpressible`."""
    t: Any = fn.trigger
    schedule = parse_schedule(t.cron, None if t.cron else t.every, t.tz)
    return render(schedule, f"{fn.source} [functions.{fn.name}.trigger]")
