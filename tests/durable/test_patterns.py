"""Every Durable Functions pattern of examples/durable, run through the real local host
(`faas-iac dev` in a subprocess), driven over the Azure-compatible HTTP management API."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from faas_iac.durable import EntityId, HttpDurableClient, OrchestrationRuntimeStatus
from faas_iac.errors import FaasError
from tests.local.hostproc import HostProcess, wait_for

WEBHOOK = "/runtime/webhooks/durabletask"


def run(client: HttpDurableClient, name: str, data: Any = None, timeout: float = 20) -> Any:
    instance = client.start_new(name, None, data)
    status = client.wait_for_completion(instance, timeout)
    assert status is not None
    assert status.runtime_status is OrchestrationRuntimeStatus.Completed, status
    return status.output


def test_async_http_api_chaining(host: HostProcess) -> None:
    with host.client() as http:
        started = http.post("/api/start/hello_sequence", headers={"x-functions-key": host.master})
        assert started.status_code == 202
        links = started.json()
        assert started.headers["location"] == links["statusQueryGetUri"]
        assert set(links) >= {
            "id",
            "statusQueryGetUri",
            "sendEventPostUri",
            "terminatePostUri",
            "purgeHistoryDeleteUri",
            "suspendPostUri",
            "resumePostUri",
        }

        def poll() -> httpx.Response | None:
            resp = http.get(links["statusQueryGetUri"])  # the link's own code, no admin key
            assert resp.status_code in (200, 202)
            return resp if resp.status_code == 200 else None

        done = wait_for(poll, 10)
    body = done.json()
    assert body["runtimeStatus"] == "Completed"
    assert body["output"] == ["Hello Tokyo!", "Hello Seattle!", "Hello London!"]
    assert body["instanceId"] == links["id"]


def test_link_code_opens_only_its_instance(host: HostProcess, client: HttpDurableClient) -> None:
    other = client.start_new("hello_sequence")
    with host.client() as http:
        links = http.post(
            "/api/start/hello_sequence", headers={"x-functions-key": host.master}
        ).json()
        code = links["statusQueryGetUri"].split("code=")[1]
        assert http.get(f"{WEBHOOK}/instances/{other}", params={"code": code}).status_code == 401
        assert http.get(f"{WEBHOOK}/instances", params={"code": code}).status_code == 401
        assert http.get(f"{WEBHOOK}/instances/{other}").status_code == 401


def test_fan_out_fan_in_of_1000_activities(client: HttpDurableClient) -> None:
    output = run(client, "backup_site", 1000, timeout=60)
    assert output == {
        "files": 1000,
        "bytes": sum(len(f"file-{n:04d}.txt") + n for n in range(1000)),
    }


def test_monitor_loop_with_timers(client: HttpDurableClient) -> None:
    output = run(client, "job_monitor", {"id": "job-1", "every_ms": 100, "done_after": 4})
    assert output == {"job": "job-1", "status": "done", "checks": 4}
    expired = run(
        client, "job_monitor", {"id": "job-2", "every_ms": 100, "done_after": 99, "expiry_s": 0.35}
    )
    assert expired["status"] == "expired" and 1 <= expired["checks"] <= 5  # timers may be late


def _code(phone: str) -> int:
    return sum(ord(c) for c in phone) % 9000 + 1000


def test_human_interaction_approved_in_time(client: HttpDurableClient) -> None:
    instance = client.start_new("verify_phone", None, {"phone": "+15550100", "timeout_s": 30})
    client.raise_event(instance, "SmsChallengeResponse", 1)  # a wrong code first
    client.raise_event(instance, "SmsChallengeResponse", _code("+15550100"))
    status = client.wait_for_completion(instance, 10)
    assert status is not None and status.output == {"verified": True, "attempts": 2}


def test_human_interaction_times_out(client: HttpDurableClient) -> None:
    instance = client.start_new("verify_phone", None, {"phone": "+15550101", "timeout_s": 0.5})
    status = client.wait_for_completion(instance, 20)
    assert status is not None
    assert status.output == {"verified": False, "reason": "timeout", "attempts": 0}
    # What ended it is the timer, fired no earlier than it was set for, 0.5 s after the
    # challenge was sent (ordering on the host's own history, not a stopwatch here).
    history = client.get_status(instance, show_history=True).history  # type: ignore[union-attr]
    kinds = [e["EventType"] for e in history]
    assert (
        kinds.index("TimerCreated") < kinds.index("TimerFired") < kinds.index("ExecutionCompleted")
    )
    sent = next(e for e in history if e["EventType"] == "TaskCompleted")
    created = next(e for e in history if e["EventType"] == "TimerCreated")
    fired = next(e for e in history if e["EventType"] == "TimerFired")
    at = datetime.fromisoformat(created["FireAt"])
    set_for = at - datetime.fromisoformat(sent["Timestamp"].replace("Z", "+00:00"))
    assert abs(set_for - timedelta(seconds=0.5)) < timedelta(milliseconds=1)
    assert datetime.fromisoformat(fired["Timestamp"].replace("Z", "+00:00")) >= at
    assert "EventRaised" not in kinds


def test_counter_entity_under_concurrent_signals(client: HttpDurableClient) -> None:
    counter = EntityId("counter", "concurrent")
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda n: client.signal_entity(counter, "add", 1), range(200)))
    assert client.read_entity_state(counter).entity_state == 200
    client.signal_entity(counter, "delete")
    assert client.read_entity_state(counter).entity_exists is False


def test_aggregator_entity(client: HttpDurableClient) -> None:
    output = run(client, "aggregate_readings", {"sensor": "s-1", "readings": [3, 9.5, 1]})
    assert output["summary"] == {"count": 3, "sum": 13.5, "max": 9.5}
    state = client.read_entity_state(EntityId("aggregator", "s-1")).entity_state
    assert state == {"count": 3, "sum": 13.5, "max": 9.5}


def test_sub_orchestrations(client: HttpDurableClient) -> None:
    instance = client.start_new("provision_devices", None, ["d1", "d2", "d3"])
    status = client.wait_for_completion(instance, 10)
    assert status is not None
    assert status.output == [
        {"device": d, "key": f"key-{d}", "parent": instance} for d in ("d1", "d2", "d3")
    ]
    child = client.get_status(f"{instance}:0000")
    assert child is not None and child.runtime_status is OrchestrationRuntimeStatus.Completed


def test_saga_compensates_in_reverse_order(client: HttpDurableClient) -> None:
    output = run(client, "book_trip", {"unavailable": ["car"]})
    assert output == {
        "booked": False,
        "error": "ValueError",
        "message": "no car available",
        "compensated": ["cancelled hotel", "cancelled flight"],
    }
    assert run(client, "book_trip", {}) == {"booked": True, "steps": ["flight", "hotel", "car"]}


def test_retry_with_backoff(client: HttpDurableClient) -> None:
    output = run(client, "flaky_call", {"id": "r-1", "fail_times": 2, "first_ms": 100})
    assert output["result"] == "ok after 3 attempts"
    assert output["waited_s"] >= 0.3  # 100 ms, then 200 ms (coefficient 2)
    instance = client.start_new(
        "flaky_call", None, {"id": "r-2", "fail_times": 9, "first_ms": 20, "attempts": 3}
    )
    failed = client.wait_for_completion(instance, 10)
    assert failed is not None and failed.runtime_status is OrchestrationRuntimeStatus.Failed
    assert "ConnectionError: attempt 3 failed" in failed.output


def test_continue_as_new_keeps_only_the_last_history(client: HttpDurableClient) -> None:
    instance = client.start_new("periodic_cleanup", None, {"round": 0, "rounds": 3})
    status = client.wait_for_completion(instance, 10)
    assert status is not None and status.output == {"rounds": 3}
    history = client.get_status(instance, show_history=True, show_history_output=True)
    assert history is not None and history.history is not None
    assert history.history[0]["EventType"] == "ExecutionStarted"
    assert history.history[0]["Input"] == {"round": 2, "rounds": 3}


def test_custom_status(host: HostProcess, client: HttpDurableClient) -> None:
    instance = client.start_new("report_progress")
    wait_for(
        lambda: (
            (s := client.get_status(instance))
            and s.custom_status
            and s.custom_status["percent"] == 50
        )
    )
    with host.client() as http:  # while it runs: 202 with Location (the status URL)
        running = http.get(
            f"{WEBHOOK}/instances/{instance}", headers={"x-functions-key": host.master}
        )
        assert running.status_code == 202
        assert running.json()["runtimeStatus"] == "Running"
        assert f"/instances/{instance}?" in running.headers["location"]
    client.raise_event(instance, "Approval", True)
    status = client.wait_for_completion(instance, 10)
    assert status is not None and status.output == {"approved": True}
    assert status.custom_status == {"stage": "done", "percent": 100}


def test_terminate_suspend_resume(client: HttpDurableClient) -> None:
    instance = client.start_new("verify_phone", None, {"phone": "+1", "timeout_s": 60})
    client.suspend(instance, "lunch")
    wait_for(lambda: client.get_status(instance).runtime_status.value == "Suspended")
    client.raise_event(instance, "SmsChallengeResponse", _code("+1"))
    time.sleep(0.2)
    assert client.get_status(instance).runtime_status is OrchestrationRuntimeStatus.Suspended
    client.resume(instance, "back")
    status = client.wait_for_completion(instance, 10)
    assert status is not None and status.output == {"verified": True, "attempts": 1}

    doomed = client.start_new("verify_phone", None, {"phone": "+2", "timeout_s": 60})
    client.terminate(doomed, "not needed")
    status = client.wait_for_completion(doomed, 10)
    assert status is not None and status.runtime_status is OrchestrationRuntimeStatus.Terminated
    assert status.output == "not needed"
    with pytest.raises(FaasError) as err:
        client.raise_event(doomed, "SmsChallengeResponse", 1)
    assert err.value.codes == ["FIAC873"]


def test_singleton_purge_and_errors(host: HostProcess, client: HttpDurableClient) -> None:
    client.start_new("verify_phone", "the-one", {"phone": "+3", "timeout_s": 60})
    with pytest.raises(FaasError) as err:
        client.start_new("verify_phone", "the-one", {"phone": "+3"})
    assert err.value.codes == ["FIAC871"]
    client.terminate("the-one", "done")
    client.wait_for_completion("the-one", 10)
    assert client.purge_instance_history("the-one").instances_deleted == 1
    assert client.get_status("the-one") is None
    with pytest.raises(FaasError) as err:
        client.start_new("no_such_orchestrator")
    assert err.value.codes == ["FIAC870"]
    with host.client() as http:
        missing = http.get(f"{WEBHOOK}/instances/nope", headers={"x-functions-key": host.master})
        assert missing.status_code == 404
        listed = http.get(
            f"{WEBHOOK}/instances",
            params={"runtimeStatus": "Completed"},
            headers={"x-functions-key": host.master},
        )
        assert listed.status_code == 200
        assert listed.json() and {i["runtimeStatus"] for i in listed.json()} == {"Completed"}
        for name in ("purge-a", "purge-b"):
            client.start_new("verify_phone", name, {"phone": "+4"})
            client.terminate(name, "bye")
        purged = http.delete(
            f"{WEBHOOK}/instances",
            headers={"x-functions-key": host.master},
            params={"instanceIdPrefix": "purge-", "runtimeStatus": "Terminated"},
        )
        assert purged.status_code == 200 and purged.json() == {"instancesDeleted": 2}
        assert client.get_status("purge-a") is None
    since = datetime.now(UTC) - timedelta(minutes=5)
    completed = client.get_status_by(since, None, [OrchestrationRuntimeStatus.Completed])
    assert completed and all(s.runtime_status.value == "Completed" for s in completed)
    assert not client.get_status_by(datetime.now(UTC) + timedelta(minutes=1))
