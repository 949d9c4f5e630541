"""Portable schedules in Azure Functions' timer dialect: six-field NCRONTAB, seconds first.

The time zone is not part of the expression: Azure reads it from the ``WEBSITE_TIME_ZONE`` app
setting (one zone for the whole app), which Linux Consumption and Flex Consumption plans do
not honour. The planner decides; this module only renders the expression.
"""

from __future__ import annotations

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
