"""The test kit's clock: it jumps to the next instant something is due, never past it, never
before it; at one instant a timer falls due before an event raised for that instant, and the
real azure-functions-durable SDK, replaying the history the engine wrote, decides every race
the same way. Schedules (time zones, DST nights) and queue retries and visibility timeouts run
on the same clock."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import islice, pairwise
from pathlib import Path
from zoneinfo import ZoneInfo

import azure.durable_functions as df
import pytest
from cronsim import CronSim

from faas_iac.durable.orchestration import Orchestration
from faas_iac.errors import FaasError
from faas_iac.testing import TestEnv
from tests.durable.azure_history import context_json

APP = str(Path(__file__).parent / "apps" / "kit_app.py")
START = datetime(2026, 3, 28, 12, tzinfo=ZoneInfo("Europe/Paris"))
HOUR = timedelta(hours=1)


@pytest.fixture
def env() -> Iterator[TestEnv]:
    with TestEnv(APP, start=START) as kit:
        yield kit


def azure_decides(env: TestEnv, iid: str) -> object:
    """What the real SDK returns replaying the history our engine recorded for ``iid``."""
    assert env.engine is not None
    history = env.engine.store.history(iid)
    fn = env.engine.registry.orchestrators["deadline_race"]
    context = df.DurableOrchestrationContext.from_json(context_json(iid, history))
    state = json.loads(df.Orchestrator(fn).handle(context))
    assert state["isDone"], state
    return state["output"]


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize(
    ("raised_after", "answered", "ended_after"),
    [
        (HOUR - timedelta(milliseconds=1), True, HOUR - timedelta(milliseconds=1)),
        (HOUR, False, HOUR),  # the deadline has passed at the instant the answer comes
        (None, False, HOUR),  # nothing comes: the timer fires at the deadline, not before
    ],
)
def test_a_timer_fires_at_its_instant_and_events_race_it_as_on_azure(
    env: TestEnv, raised_after: timedelta | None, answered: bool, ended_after: timedelta
) -> None:
    iid = env.start("deadline_race")
    if raised_after is not None:
        env.raise_event(iid, "Answer", "yes", at=raised_after)

    status = env.wait(iid)

    expected = {"answered": answered, "at": (START + ended_after).astimezone(UTC).isoformat()}
    assert status.output == expected
    assert env.now == START + ended_after
    fired = [e for e in env.history(iid) if e["EventType"] == "TimerFired"]
    if not answered:
        assert fired[0]["Timestamp"] == fired[0]["FireAt"].replace("+00:00", ".000000Z")
    assert azure_decides(env, iid) == expected


def test_the_engine_replays_a_tie_in_the_order_of_its_history_as_azure_does() -> None:
    """An event recorded before the timer at the same instant wins, on replay too."""
    started = START.timestamp()
    fire = (START + HOUR).astimezone(UTC).isoformat()
    history = [
        {"type": "ExecutionStarted", "name": "deadline_race", "input": None, "ts": started},
        {"type": "TimerCreated", "id": 0, "name": "", "fire_at": fire, "ts": started},
        {"type": "EventRaised", "name": "Answer", "input": '"yes"', "ts": started + 3600},
        {"type": "TimerFired", "id": 0, "ts": started + 3600},
    ]
    from tests.testing.apps.kit_app import deadline_race

    ours = Orchestration("i1", "deadline_race", deadline_race, now=started)
    ours.replay(history)
    theirs = df.Orchestrator(deadline_race).handle(
        df.DurableOrchestrationContext.from_json(context_json("i1", history))
    )
    assert ours.status == "Completed"
    assert json.loads(ours.output_json or "") == json.loads(theirs)["output"]
    assert json.loads(theirs)["output"]["answered"] is True


def test_the_nightly_report_runs_at_2am_paris_time_across_both_dst_nights() -> None:
    with TestEnv(APP, start=datetime(2026, 3, 27, 12, tzinfo=ZoneInfo("Europe/Paris"))) as kit:
        kit.advance(timedelta(days=4))
        spring = [i.at for i in kit.invocations("nightly_report")]
    with TestEnv(APP, start=datetime(2026, 10, 23, 12, tzinfo=ZoneInfo("Europe/Paris"))) as kit:
        kit.advance(timedelta(days=4))
        autumn = [i.at for i in kit.invocations("nightly_report")]
        scheduled = [i.result for i in kit.invocations("nightly_report")]

    paris = ZoneInfo("Europe/Paris")
    judge = [
        *islice(CronSim("0 2 * * *", datetime(2026, 3, 27, 12, tzinfo=paris)), 4),
        *islice(CronSim("0 2 * * *", datetime(2026, 10, 23, 12, tzinfo=paris)), 4),
    ]
    assert spring + autumn == [moment.astimezone(UTC) for moment in judge]
    # 29 March: 02:00 does not exist in Paris, the report runs at 03:00 (01:00 UTC)
    assert spring[1] == datetime(2026, 3, 29, 1, tzinfo=UTC)
    # 25 October: 02:00 happens twice in Paris, the report runs once, at the first
    assert [m for m in autumn if m.day == 25] == [datetime(2026, 10, 25, 0, tzinfo=UTC)]
    assert scheduled == [m.astimezone(UTC).isoformat() for m in judge[4:]]


def test_queue_retries_wait_their_backoff_in_virtual_time(env: TestEnv) -> None:
    runs = env.send("jobs", {"id": "j1", "fail_times": 2})

    assert [(r.payload.delivery_count, r.ok) for r in runs] == [(1, False), (2, False), (3, True)]
    assert runs[-1].result == "took j1"
    gaps = [b.at - a.at for a, b in pairwise(runs)]
    assert gaps == [timedelta(seconds=0.1), timedelta(seconds=0.2)]


def test_a_message_failing_every_delivery_is_dead_lettered(env: TestEnv) -> None:
    runs = env.send("jobs", {"id": "j2", "fail_times": 9})

    assert [r.ok for r in runs] == [False, False, False]
    dead = env.dead_letters("take_job")
    assert [json.loads(d["body"])["id"] for d in dead] == ["j2"]
    assert env.messages("jobs") == []


def test_a_claimed_message_comes_back_after_its_visibility_timeout(env: TestEnv) -> None:
    env.bindings.send("jobs", b'{"id": "j3"}', {})
    taken = env.host.store.claim("queue:jobs", 1, visibility=30)  # a consumer that dies
    assert len(taken) == 1

    env.advance(timedelta(seconds=29))
    assert env.invocations("take_job") == []
    env.advance(timedelta(seconds=1))
    runs = env.invocations("take_job")
    assert [(r.result, r.payload.delivery_count) for r in runs] == [("took j3", 2)]
    assert runs[0].at == START + timedelta(seconds=30)


def test_an_http_function_waiting_for_an_orchestration_sees_it_finish(env: TestEnv) -> None:
    done = env.http.post("/api/jobs/5")
    assert (done.status_code, done.json()) == (200, {"done after minutes": 5})
    assert env.now == START + timedelta(minutes=5)

    late = env.http.post("/api/jobs/60")  # the handler waits 10 minutes, then answers 202
    assert late.status_code == 202
    assert env.now == START + timedelta(minutes=15)
    status = env.wait(late.json()["id"])
    assert status.output == {"done after minutes": 60}
    assert env.now == START + timedelta(minutes=65)


def test_run_says_what_an_unfinished_instance_waits_for(env: TestEnv) -> None:
    with pytest.raises(FaasError) as info:
        env.run("deadline_race", timeout=timedelta(minutes=30))
    diag = info.value.diagnostics[0]
    assert diag.code == "FIAC882"
    assert "waits for event(s) 'Answer'" in diag.message


def test_mocking_an_activity_the_app_lacks_is_a_coded_error(env: TestEnv) -> None:
    with pytest.raises(FaasError) as info:
        env.mock_activity("charge", lambda x: x)
    assert info.value.diagnostics[0].code == "FIAC881"
    assert "finish" in info.value.diagnostics[0].message
