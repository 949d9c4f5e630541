"""Property tests: each target's rendering of a portable schedule fires at the same instants.

The reference is the portable model (croniter over the canonical form). Each rendering is
evaluated by a parser that did not produce it and that the product does not use: cronsim for
GCP's unix-cron (and for the user's original text), pyawscron for AWS's ``cron()``, the
``crontab`` package (seconds-first seven-field form) for Azure's six-field NCRONTAB.
Days of the month run to 31 wherever the judge can evaluate them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import islice
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from cronsim import CronSim
from crontab import CronTab
from faas_iac_aws.plan.schedule import render as render_aws
from faas_iac_azure.plan.schedule import render as render_azure
from faas_iac_gcp.plan.schedule import render as render_gcp
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from pyawscron import AWSCron

from faas_iac.errors import FaasError, NotExpressible
from faas_iac.schedule import PortableSchedule, parse_schedule

N = 12


def field(lo: int, hi: int) -> st.SearchStrategy[str]:
    value = st.integers(lo, hi)
    return st.one_of(
        st.just("*"),
        st.integers(2, max(2, (hi - lo) // 2)).map(lambda k: f"*/{k}"),
        value.map(str),
        st.tuples(value, value).map(lambda ab: f"{min(ab)}-{max(ab)}"),
        st.lists(value, min_size=2, max_size=4, unique=True).map(
            lambda xs: ",".join(map(str, sorted(xs)))
        ),
    )


@st.composite
def unix_crons(draw: st.DrawFn) -> str:
    """Five-field crons that restrict at most one day field (the portable subset)."""
    minute, hour = draw(field(0, 59)), draw(field(0, 23))
    month = draw(st.one_of(st.just("*"), field(1, 12)))
    if draw(st.booleans()):
        dom, dow = draw(field(1, 31)), "*"
    else:
        dom, dow = "*", draw(field(0, 6))
    return f"{minute} {hour} {dom} {month} {dow}"


starts = st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2032, 12, 31)).map(
    lambda d: d.replace(tzinfo=UTC, microsecond=0)
)


#: The ends of months, drawn rarely by the strategies, so always tried: the 31st, a range to it,
#: the last two days in months of both lengths, and February 29th (leap years only).
MONTH_ENDS = ["0 0 31 * *", "30 6 29-31 * *", "0 12 30,31 1-6 *", "5 4 29 2 *"]
MONTH_END_START = datetime(2027, 1, 15, 12, tzinfo=UTC)


def month_ends(test: Any) -> Any:
    for cron in MONTH_ENDS:
        test = example(cron, MONTH_END_START)(test)
    return test


def reference(schedule: PortableSchedule, start: datetime) -> list[datetime]:
    return [d.astimezone(UTC) for d in islice(schedule.iter_fires(start), N)]


def portable(cron: str) -> PortableSchedule:
    """The model of ``cron``; a day-of-month set no month in ``cron`` has (``31 4``) never
    fires and is refused (FIAC111), which tests/corpus covers: such draws are skipped."""
    try:
        return parse_schedule(cron, None)
    except FaasError as err:
        assume(err.codes != ["FIAC111"])
        raise


def ncrontab_fires(expression: str, start: datetime, n: int) -> list[datetime]:
    """Azure's six-field NCRONTAB (seconds first) evaluated by the ``crontab`` package, whose
    seven-field form is seconds first and a year last."""
    table, out, moment = CronTab(f"{expression} *"), [], start
    for _ in range(n):
        moment += timedelta(seconds=round(table.next(moment, default_utc=True)))
        out.append(moment)
    return out


@settings(max_examples=150, deadline=None)
@given(unix_crons(), starts)
@month_ends
def test_model_means_what_unix_cron_means(cron: str, start: datetime) -> None:
    schedule = portable(cron)
    assert reference(schedule, start) == list(islice(CronSim(cron, start), N))


@settings(max_examples=150, deadline=None)
@given(unix_crons(), starts)
@month_ends
def test_gcp_rendering_fires_at_the_same_instants(cron: str, start: datetime) -> None:
    schedule = portable(cron)
    expression, tz = render_gcp(schedule)
    assert tz == "UTC"
    assert list(islice(CronSim(expression, start), N)) == reference(schedule, start)


@settings(max_examples=150, deadline=None)
@given(unix_crons(), starts)
def test_aws_rendering_fires_at_the_same_instants(cron: str, start: datetime) -> None:
    schedule = portable(cron)
    assert schedule.fields is not None
    # pyawscron (the judge) crashes on day-of-month sets reaching 29-31 ("day is out of range
    # for month"); those cases are checked by the GCP and Azure properties instead.
    assume(max(schedule.fields[3]) <= 28)
    expression, _ = render_aws(schedule)
    assert expression.startswith("cron(") and expression.endswith(")")
    inner = expression[5:-1]
    fields = inner.split()
    assert len(fields) == 6 and "?" in (fields[2], fields[4])
    assert AWSCron.get_next_n_schedule(N, start, inner) == reference(schedule, start)


@settings(max_examples=150, deadline=None)
@given(field(0, 59), unix_crons(), starts)
@example("0", MONTH_ENDS[0], MONTH_END_START)
@example("*/20", MONTH_ENDS[1], MONTH_END_START)
@example("59", MONTH_ENDS[2], MONTH_END_START)
@example("0", MONTH_ENDS[3], MONTH_END_START)
def test_azure_rendering_fires_at_the_same_instants(
    second: str, cron: str, start: datetime
) -> None:
    schedule = portable(f"{second} {cron}")
    expression = render_azure(schedule)
    assert len(expression.split()) == 6
    assert ncrontab_fires(expression, start, N) == reference(schedule, start)


@pytest.mark.parametrize(
    ("every", "aws", "gcp", "azure"),
    [
        ("5 minutes", "cron(0/5 * * * ? *)", "*/5 * * * *", "0 */5 * * * *"),
        ("2 hours", "cron(0 0/2 * * ? *)", "0 */2 * * *", "0 0 */2 * * *"),
        ("1 day", "cron(0 0 * * ? *)", "0 0 * * *", "0 0 0 * * *"),
        ("7 minutes", "rate(7 minutes)", None, None),
        ("1 minute", "cron(* * * * ? *)", "* * * * *", "0 * * * * *"),
    ],
)
def test_rates_render_as_clock_aligned_crons_where_every_target_can(
    every: str, aws: str, gcp: str | None, azure: str | None
) -> None:
    schedule = parse_schedule(None, every)
    assert render_aws(schedule)[0] == aws
    if gcp is None:
        with pytest.raises(NotExpressible) as info:
            render_gcp(schedule)
        assert info.value.codes == ["FIAC201"]
    else:
        assert render_gcp(schedule)[0] == gcp
    if azure is None:
        with pytest.raises(NotExpressible):
            render_azure(schedule)
    else:
        assert render_azure(schedule) == azure


def test_seconds_are_refused_where_the_target_has_no_seconds_field() -> None:
    schedule = parse_schedule("*/10 * * * * *", None)
    assert render_azure(schedule) == "*/10 * * * * *"
    for render in (render_aws, render_gcp):
        with pytest.raises(NotExpressible) as info:
            render(schedule)
        assert "seconds" in info.value.diagnostics[0].message
    with pytest.raises(NotExpressible):
        render_aws(parse_schedule(None, "30 seconds"))


def test_time_zone_and_daylight_saving_agree_with_an_independent_evaluator() -> None:
    schedule = parse_schedule("0 30 2 * * *", None, tz="Europe/Paris")
    expression, tz = render_gcp(schedule)
    assert (expression, tz) == ("30 2 * * *", "Europe/Paris")
    # 29 March 2026: Paris skips 02:00-03:00; both evaluators fire once that day, at 03:00.
    start = datetime(2026, 3, 27, 12, tzinfo=ZoneInfo("Europe/Paris"))
    ours = list(islice(schedule.iter_fires(start), 4))
    assert ours == list(islice(CronSim(expression, start), 4))
    assert [f.astimezone(UTC).hour for f in ours] == [1, 1, 0, 0]
    assert [f.day for f in ours] == [28, 29, 30, 31]


#: Examples from the Azure Functions timer trigger's documentation (its NCRONTAB table), each
#: with the first two instants after Friday 2027-01-01 00:00 UTC, worked out by hand: a judge
#: that is no library at all.
AZURE_DOC_TABLE = [
    ("*/5 * * * *", "0 */5 * * * *", ["2027-01-01T00:05", "2027-01-01T00:10"]),
    ("0 * * * *", "0 0 * * * *", ["2027-01-01T01:00", "2027-01-01T02:00"]),
    ("0 */2 * * *", "0 0 */2 * * *", ["2027-01-01T02:00", "2027-01-01T04:00"]),
    ("0 9-17 * * *", "0 0 9-17 * * *", ["2027-01-01T09:00", "2027-01-01T10:00"]),
    ("30 9 * * *", "0 30 9 * * *", ["2027-01-01T09:30", "2027-01-02T09:30"]),
    ("30 9 * * 1-5", "0 30 9 * * 1-5", ["2027-01-01T09:30", "2027-01-04T09:30"]),
    ("30 9 * 1 1", "0 30 9 * 1 1", ["2027-01-04T09:30", "2027-01-11T09:30"]),
]


@pytest.mark.parametrize(("cron", "documented", "instants"), AZURE_DOC_TABLE)
def test_azure_rendering_matches_the_documented_ncrontab_table(
    cron: str, documented: str, instants: list[str]
) -> None:
    schedule = parse_schedule(cron, None)
    start = datetime(2027, 1, 1, tzinfo=UTC)
    known = [datetime.fromisoformat(i).replace(tzinfo=UTC) for i in instants]
    assert render_azure(schedule) == documented
    assert ncrontab_fires(documented, start, 2) == known
    assert reference(schedule, start)[:2] == known
