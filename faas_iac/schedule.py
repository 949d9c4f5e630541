"""The portable schedule: one cron (or rate) that every target renders in its own dialect.

A portable cron has 5 fields (``min hour dom mon dow``) or 6 with seconds first (the Azure
order): numbers, ranges, lists, steps, ``*`` and month / weekday names. Its meaning is the
AND of the fields, where a field that covers its whole range means "any". Dialect features that
not every target has (``L``, ``W``, ``#``, ``?``) are refused, and so is a cron that restricts
both the day of month and the day of week (unix cron ORs them, AWS forbids it).

Parsing and next-fire times come from ``croniter``. Providers render :class:`PortableSchedule`
into their own dialects from the expanded field sets; none of them re-parses the user's text.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

#: (name, low, high) of the six canonical fields, seconds first.
FIELDS: tuple[tuple[str, int, int], ...] = (
    ("second", 0, 59),
    ("minute", 0, 59),
    ("hour", 0, 23),
    ("day-of-month", 1, 31),
    ("month", 1, 12),
    ("day-of-week", 0, 6),
)

_UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*(second|minute|hour|day)s?\s*$", re.IGNORECASE)
_NON_PORTABLE = re.compile(r"[LW#?]", re.IGNORECASE)
_NAMES = re.compile(
    r"JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC|SUN|MON|TUE|WED|THU|FRI|SAT", re.IGNORECASE
)


class ScheduleError(ValueError):
    """A schedule that cannot be used, with a stable code and a fix."""

    def __init__(self, code: str, message: str, fix: str) -> None:
        super().__init__(message)
        self.code, self.message, self.fix = code, message, fix


@dataclass(frozen=True)
class Rate:
    """A fixed interval, ``every`` seconds."""

    seconds: int

    @property
    def unit(self) -> tuple[int, str]:
        """The interval in the largest whole unit: ``(5, "minute")``."""
        for unit in ("day", "hour", "minute", "second"):
            size = _UNITS[unit]
            if self.seconds % size == 0:
                return self.seconds // size, unit
        raise AssertionError("unreachable")


@dataclass(frozen=True)
class PortableSchedule:
    """A validated schedule: the expanded cron fields (or a rate without a cron) and a zone.

    ``fields`` holds six sorted tuples (second, minute, hour, dom, month, dow with 0 = Sunday).
    A rate that lines up with clock boundaries (every 5 minutes, every 2 hours) also has its
    equivalent ``fields``, so every target fires it at the same instants; any other rate has
    ``fields = None`` and only targets with anchor-free rates can run it.
    """

    fields: tuple[tuple[int, ...], ...] | None
    rate: Rate | None
    tz: str

    def is_any(self, index: int) -> bool:
        """Whether field ``index`` covers its whole range ("*")."""
        assert self.fields is not None
        _, lo, hi = FIELDS[index]
        return self.fields[index] == tuple(range(lo, hi + 1))

    def field_text(self, index: int, *, star: str = "*", step_base: str = "*") -> str:
        """Field ``index`` in unix notation: ``*``, ``*/5``, or a list of ranges ``1-5,7``."""
        assert self.fields is not None
        _, lo, hi = FIELDS[index]
        return compress(self.fields[index], lo, hi, star=star, step_base=step_base)

    @property
    def cron6(self) -> str:
        """The canonical six-field cron (seconds first)."""
        return " ".join(self.field_text(i) for i in range(6))

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    def iter_fires(self, after: datetime) -> Iterator[datetime]:
        """The fire instants strictly after ``after`` (aware datetimes), in order."""
        if after.tzinfo is None:
            raise ValueError("after must be timezone-aware")
        if self.fields is None:
            assert self.rate is not None
            step = timedelta(seconds=self.rate.seconds)
            moment = after
            while True:
                moment = moment + step
                yield moment
        from croniter import croniter  # loaded when an app has a schedule

        zone = self.zone
        it = croniter(self.cron6, after.astimezone(zone), second_at_beginning=True)
        # A job at a set time of day runs once on the night clocks go back, at the first of
        # the two instants with that wall time (as EventBridge Scheduler and Debian cron do);
        # one whose minute or hour is a wildcard runs in both hours.
        at_set_time = not (self.field_text(1).startswith("*") or self.field_text(2).startswith("*"))
        while True:
            fire: datetime = it.get_next(datetime)
            if at_set_time and _repeated(fire.astimezone(zone)):
                continue
            yield fire


def _repeated(local: datetime) -> bool:
    """Whether ``local`` is the second of two instants with the same wall time (fall back)."""
    return local.fold == 1 and local.replace(fold=0).utcoffset() != local.utcoffset()


def compress(values: tuple[int, ...], lo: int, hi: int, *, star: str, step_base: str) -> str:
    """Write a sorted set of field values in the shortest unix notation (no step form when
    ``step_base`` is empty)."""
    full = tuple(range(lo, hi + 1))
    if values == full:
        return star
    if step_base and len(values) > 2 and values[0] == lo:
        step = values[1] - values[0]
        if values == tuple(range(lo, hi + 1, step)):
            return f"{step_base}/{step}"
    runs: list[str] = []
    start = prev = values[0]
    for v in (*values[1:], None):
        if v is not None and v == prev + 1:
            prev = v
            continue
        runs.append(str(start) if start == prev else f"{start}-{prev}")
        if v is not None:
            start = prev = v
    return ",".join(runs)


def parse_rate(text: str) -> Rate:
    m = _RATE.match(text)
    if not m or int(m.group(1)) <= 0:
        raise ScheduleError(
            "FIAC114",
            f"rate {text!r} is not understood",
            'write a positive whole number and a unit: every="5 minutes", "1 hour", "30 seconds"',
        )
    return Rate(int(m.group(1)) * _UNITS[m.group(2).lower()])


def _rate_fields(rate: Rate) -> tuple[tuple[int, ...], ...] | None:
    n, unit = rate.unit
    full = [tuple(range(lo, hi + 1)) for _, lo, hi in FIELDS]
    if unit == "second" and 60 % n == 0:
        return (tuple(range(0, 60, n)), *full[1:])
    if unit == "minute" and 60 % n == 0:
        return ((0,), tuple(range(0, 60, n)), *full[2:])
    if unit == "hour" and 24 % n == 0:
        return ((0,), (0,), tuple(range(0, 24, n)), *full[3:])
    if unit == "day" and n == 1:
        return ((0,), (0,), (0,), *full[3:])
    return None


_NAME_VALUES = {
    name: i
    for names in (
        ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"),
    )
    for i, name in enumerate(names, start=1)
} | {name: i for i, name in enumerate(("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"))}
_RANGE = re.compile(r"^(\w+)-(\w+)(/\d+)?$")


def _value(token: str) -> int | None:
    if token.isdigit():
        return int(token)
    return _NAME_VALUES.get(token.upper())


def _normalise(field: str, cron: str) -> str:
    """Rewrite ``a-a`` ranges as ``a`` (croniter reads them as ``*``) and refuse reversed,
    wrap-around ranges such as ``6-0``, which cron implementations read differently."""
    pieces = []
    for piece in field.split(","):
        m = _RANGE.match(piece)
        if m:
            low, high = _value(m.group(1)), _value(m.group(2))
            if low is not None and high is not None:
                if low == high:
                    piece = m.group(1)
                elif low > high:
                    raise ScheduleError(
                        "FIAC110",
                        f"cron {cron!r} has the reversed range {piece!r}, which targets read "
                        "differently",
                        "write ranges low-high, or a list (e.g. 0,6 for Sunday and Saturday)",
                    )
        pieces.append(piece)
    return ",".join(pieces)


#: Cron nicknames and the five fields they stand for.
NICKNAMES = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}


def _expand(cron: str) -> tuple[tuple[int, ...], ...]:
    parts = cron.split()
    if cron.strip().lower() in NICKNAMES:
        raise ScheduleError(
            "FIAC110",
            f"cron {cron!r} is a nickname that not every target understands",
            f"write its five fields: {NICKNAMES[cron.strip().lower()]!r}",
        )
    if len(parts) not in (5, 6):
        raise ScheduleError(
            "FIAC110",
            f"cron {cron!r} has {len(parts)} fields",
            "write 5 fields (min hour dom mon dow) or 6 with seconds first "
            '(sec min hour dom mon dow), e.g. "0 */5 * * * *"',
        )
    if _NON_PORTABLE.search(_NAMES.sub("", cron)):
        raise ScheduleError(
            "FIAC110",
            f"cron {cron!r} uses L, W, # or ?, which not every target understands",
            "use plain numbers, ranges (1-5), lists (1,15) and steps (*/5)",
        )
    from croniter import CroniterBadCronError, croniter

    six = [_normalise(f, cron) for f in (parts if len(parts) == 6 else ["0", *parts])]
    try:
        expanded, _ = croniter.expand(" ".join(six), second_at_beginning=True)
    except (CroniterBadCronError, ValueError) as exc:
        raise ScheduleError(
            "FIAC110",
            f"cron {cron!r} is invalid: {exc}",
            "check each field's range: sec 0-59, min 0-59, hour 0-23, dom 1-31, "
            "month 1-12 or JAN-DEC, dow 0-6 or SUN-SAT",
        ) from exc
    # croniter returns [min, hour, dom, month, dow, sec]; '*' stays a marker.
    order = [5, 0, 1, 2, 3, 4]
    result: list[tuple[int, ...]] = []
    for index, (_, lo, hi) in zip(order, FIELDS, strict=True):
        raw = expanded[index]
        if raw == ["*"]:
            result.append(tuple(range(lo, hi + 1)))
        else:
            values = {7 % 7 if v == 7 and hi == 6 else int(v) for v in raw}
            result.append(tuple(sorted(values)))
    return tuple(result)


def parse_schedule(cron: str | None, every: str | None, tz: str = "UTC") -> PortableSchedule:
    """Validate a schedule; raise :class:`ScheduleError` with a code and a fix if unusable."""
    for value, code, what, example in (
        (cron, "FIAC110", "cron", '"0 */5 * * *"'),
        (every, "FIAC114", "every", '"5 minutes"'),
        (tz, "FIAC112", "tz", '"Europe/Paris"'),
    ):
        if value is not None and not isinstance(value, str):
            raise ScheduleError(
                code,
                f"{what} is {type(value).__name__} ({value!r}), not text",
                f"write it as text, e.g. {what}={example}",
            )
    return _parse(cron, every, tz)


@functools.lru_cache(maxsize=4096)
def _parse(cron: str | None, every: str | None, tz: str) -> PortableSchedule:
    """The checks past the types, once per distinct schedule: a 1,000-function app repeats a
    few crons, and expanding one costs about a millisecond (each planner asks again). The
    result is frozen; a ScheduleError is not cached, so it is raised afresh each time."""
    if (cron is None) == (every is None):
        raise ScheduleError(
            "FIAC115",
            "a schedule needs exactly one of a cron expression or every=",
            'write @app.schedule("0 */5 * * * *") or @app.schedule(every="5 minutes")',
        )
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ScheduleError(
            "FIAC112",
            f"time zone {tz!r} is unknown",
            'use an IANA zone name such as "UTC", "Europe/Paris" or "America/New_York"',
        ) from exc
    if every is not None:
        rate = parse_rate(every)
        return PortableSchedule(_rate_fields(rate), rate, tz)
    assert cron is not None
    from croniter import CroniterBadDateError, croniter

    fields = _expand(cron)
    schedule = PortableSchedule(fields, None, tz)
    if not schedule.is_any(3) and not schedule.is_any(5):
        raise ScheduleError(
            "FIAC113",
            f"cron {cron!r} restricts both day-of-month and day-of-week; unix cron fires when "
            "either matches, AWS refuses it, so it cannot mean one thing everywhere",
            "restrict only one of the two day fields (use * for the other), or declare two "
            "schedules",
        )
    try:
        croniter(
            schedule.cron6,
            datetime(2000, 1, 1, tzinfo=UTC),
            second_at_beginning=True,
            max_years_between_matches=30,
        ).get_next(datetime)
    except CroniterBadDateError as exc:
        raise ScheduleError(
            "FIAC111",
            f"cron {cron!r} never fires (no such date in any year)",
            "check day-of-month against the month (there is no 30 February or 31 April)",
        ) from exc
    return schedule
