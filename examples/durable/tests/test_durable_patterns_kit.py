"""Testing the durable patterns of examples/durable/app.py with the test kit, as a user of
faas-iac writes such tests: the ``faas_env`` fixture runs the app in this process on the real
durable engine, and its clock skips time, so a month-long timeout takes milliseconds."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from faas_iac.durable import OrchestrationRuntimeStatus
from faas_iac.testing import TestEnv

DAY = 86_400


def test_a_phone_verification_times_out_after_30_days(faas_env: TestEnv) -> None:
    began = faas_env.now
    status = faas_env.run("verify_phone", {"phone": "+33 6 12", "timeout_s": 30 * DAY})

    assert status.runtime_status is OrchestrationRuntimeStatus.Completed
    assert status.output == {"verified": False, "reason": "timeout", "attempts": 0}
    assert faas_env.now - began == timedelta(days=30)  # to the second, not a moment more


def test_the_right_code_on_day_29_verifies_the_phone(faas_env: TestEnv) -> None:
    code = faas_env.mock_activity("send_challenge", lambda phone: 4242)
    iid = faas_env.start("verify_phone", {"phone": "+33 6 12", "timeout_s": 30 * DAY})
    faas_env.raise_event(iid, "SmsChallengeResponse", 1111, at=timedelta(days=2))
    faas_env.raise_event(iid, "SmsChallengeResponse", 4242, at=timedelta(days=29))

    status = faas_env.wait(iid)

    assert status.output == {"verified": True, "attempts": 2}
    assert code.calls == ["+33 6 12"]
    raised = [e for e in faas_env.history(iid) if e["EventType"] == "EventRaised"]
    assert [e["Input"] for e in raised] == [1111, 4242]


def test_a_monitor_gives_up_when_it_expires(faas_env: TestEnv) -> None:
    polls = faas_env.mock_activity("check_job", lambda job: "running")
    began = faas_env.now

    status = faas_env.run("job_monitor", {"id": "nightly", "every_ms": 15 * 60_000,
                                          "expiry_s": 2 * DAY})  # fmt: skip

    assert status.output == {"job": "nightly", "status": "expired", "checks": 4 * 48}
    assert polls.call_count == 4 * 48
    assert faas_env.now - began == timedelta(days=2)


def test_a_monitor_stops_once_the_job_is_done(faas_env: TestEnv) -> None:
    answers = iter(["running"] * 99 + ["done"])
    faas_env.mock_activity("check_job", lambda job: next(answers))
    alert = faas_env.mock_activity("send_alert", lambda message: message)

    status = faas_env.run("job_monitor", {"id": "j7", "every_ms": 15 * 60_000,
                                          "expiry_s": 2 * DAY})  # fmt: skip

    assert status.output == {"job": "j7", "status": "done", "checks": 100}
    assert alert.calls == ["job j7 done"]
    assert alert.invocations[0].at - status.created_time == timedelta(minutes=15 * 99)


def test_an_eternal_orchestration_continues_as_new_a_thousand_times(faas_env: TestEnv) -> None:
    status = faas_env.run("periodic_cleanup", {"round": 0, "rounds": 1000})

    assert status.output == {"rounds": 1000}
    assert [i.payload for i in faas_env.invocations("cleanup")] == list(range(1000))
    # the history is the last execution's only
    kinds = [e["EventType"] for e in faas_env.history(status.instance_id)]
    assert kinds == ["ExecutionStarted", "TaskScheduled", "TaskCompleted", "ExecutionCompleted"]


def test_a_failed_booking_is_compensated_in_reverse_order(faas_env: TestEnv) -> None:
    status = faas_env.run("book_trip", {"unavailable": ["car"]})

    assert status.output == {
        "booked": False,
        "error": "ValueError",
        "message": "no car available",
        "compensated": ["cancelled hotel", "cancelled flight"],
    }


def test_the_http_starter_answers_202_and_its_status_link_the_result(faas_env: TestEnv) -> None:
    started = faas_env.http.post("/api/start/hello_sequence")
    assert started.status_code == 202

    # the links carry the instance's own code: an anonymous client may follow them
    anonymous = faas_env.http_client(key=None)
    status = anonymous.get(started.json()["statusQueryGetUri"])
    assert status.status_code == 200
    assert status.json()["output"] == ["Hello Tokyo!", "Hello Seattle!", "Hello London!"]
    assert anonymous.post("/api/start/hello_sequence").status_code == 401


def test_entities_count_what_orchestrations_signal(faas_env: TestEnv) -> None:
    status = faas_env.run("aggregate_readings", {"sensor": "s1", "readings": [3, 1, 4]})

    assert status.output["summary"] == {"count": 3, "sum": 8.0, "max": 4.0}
    counter = faas_env.client.read_entity_state(_entity("counter", "readings"))
    assert (counter.entity_exists, counter.entity_state) == (True, 3)


def _entity(name: str, key: str) -> Any:
    from faas_iac.durable import EntityId

    return EntityId(name, key)
