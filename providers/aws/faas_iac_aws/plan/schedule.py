"""Portable schedules in EventBridge Scheduler's dialect: ``cron(m h dom mon dow y)`` or
``rate(n unit)``, plus ``ScheduleExpressionTimezone``.

AWS has no seconds field, numbers weekdays 1-7 from Sunday, and wants ``?`` in whichever day
field is not restricted. Rates that line up with clock boundaries are rendered as crons, so
they fire at the same instants as on the other targets; other rates stay ``rate()``.
"""

from __future__ import annotations

from faas_iac.errors import NotExpressible
from faas_iac.schedule import PortableSchedule, compress


def render(schedule: PortableSchedule, where: str = "") -> tuple[str, str]:
    """``(expression, time zone)`` for EventBridge Scheduler, or :class:`NotExpressible`."""
    if schedule.fields is None:
        assert schedule.rate is not None
        n, unit = schedule.rate.unit
        if unit == "second":
            raise NotExpressible.one(
                "FIAC201",
                f"AWS schedules cannot fire every {n} second(s): the smallest unit is a minute",
                fix='use every="1 minute" or more, or a cron with 0 in the seconds field',
                location=where,
            )
        return f"rate({n} {unit}{'s' if n > 1 else ''})", schedule.tz
    if schedule.fields[0] != (0,):
        raise NotExpressible.one(
            "FIAC201",
            f"AWS schedules have no seconds field; this cron fires at seconds "
            f"{schedule.field_text(0)}",
            fix="put 0 in the seconds field (or use the 5-field form), or run this schedule on "
            "Azure or locally",
            location=where,
        )
    minute = schedule.field_text(1, step_base="0")
    hour = schedule.field_text(2, step_base="0")
    dom = schedule.field_text(3, step_base="1")
    month = schedule.field_text(4, step_base="1")
    if schedule.is_any(5):
        dow = "?"
    else:
        dow = compress(tuple(d + 1 for d in schedule.fields[5]), 1, 7, star="*", step_base="")
        dom = "?"
    return f"cron({minute} {hour} {dom} {month} {dow} *)", schedule.tz
