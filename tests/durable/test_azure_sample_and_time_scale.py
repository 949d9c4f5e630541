"""The Azure Durable Functions quickstart (examples/durable/azure_sample.py: an ``async def``
HTTP starter awaiting ``client.start_new``, then ``client.create_check_status_response``) runs
unchanged under ``faas-iac dev`` and under the test kit; ``--time-scale`` runs a host's timers
faster; the management API and the HTTP client rewind, restart and list entities."""

from __future__ import annotations

from pathlib import Path

import httpx

from faas_iac.durable import EntityId, HttpDurableClient, OrchestrationRuntimeStatus
from faas_iac.testing import TestEnv
from tests.local.hostproc import ROOT, HostProcess, wait_for

SAMPLE = ROOT / "examples" / "durable" / "azure_sample.py"
PATTERNS = ROOT / "examples" / "durable" / "app.py"
HELLO = ["Hello Seattle", "Hello Tokyo", "Hello London"]


def _follow(http: httpx.Client, started: httpx.Response) -> httpx.Response:
    assert started.status_code == 202, started.text
    assert started.headers["location"] == started.json()["statusQueryGetUri"]

    def done() -> httpx.Response | None:
        answer = http.get(started.headers["location"])
        return answer if answer.status_code == 200 else None

    return wait_for(done, 15)  # type: ignore[no-any-return]


def test_the_azure_quickstart_starter_runs_under_faas_iac_dev(tmp_path: Path) -> None:
    with HostProcess(SAMPLE, tmp_path / "state") as host, host.client() as http:
        started = http.post(
            "/api/orchestrators/hello_orchestrator", headers={"x-functions-key": host.master}
        )
        assert _follow(http, started).json()["output"] == HELLO


def test_the_azure_quickstart_starter_runs_under_the_test_kit() -> None:
    with TestEnv(str(SAMPLE)) as env:
        started = env.http.post("/api/orchestrators/hello_orchestrator")
        assert _follow(env.http, started).json()["output"] == HELLO
        assert env.http_client(key=None).post("/api/orchestrators/x").status_code == 401


def test_time_scale_runs_an_hour_long_timer_in_a_second_or_so(tmp_path: Path) -> None:
    with HostProcess(PATTERNS, tmp_path / "state", "--time-scale", "3600") as host:
        client = HttpDurableClient(host.url, host.master)
        iid = client.start_new("verify_phone", None, {"phone": "+1", "timeout_s": 3600})
        # at scale 1 this would take an hour: 60 s of real time is plenty at 3600x
        status = client.wait_for_completion(iid, 60)
        assert status is not None
        assert status.output == {"verified": False, "reason": "timeout", "attempts": 0}
        banner = host.out_path.read_text()
        assert "time runs 3600x faster" in banner


def test_rewind_restart_and_entity_listing_over_http(client: HttpDurableClient) -> None:
    request = {"id": "http-rewind", "fail_times": 3, "first_ms": 10, "attempts": 3}
    iid = client.start_new("flaky_call", None, request)
    failed = client.wait_for_completion(iid, 20)
    assert failed is not None and failed.runtime_status is OrchestrationRuntimeStatus.Failed

    client.rewind(iid, "the service is back")
    status = client.wait_for_completion(iid, 20)
    assert status is not None and status.output["result"] == "ok after 4 attempts"

    again = client.restart(iid)
    assert again != iid
    restarted = client.wait_for_completion(again, 20)
    assert restarted is not None and restarted.output["result"] == "ok after 5 attempts"

    client.signal_entity(EntityId("counter", "http-listed"), "add", 7)
    listed = wait_for(lambda: client.list_entities("counter", fetch_state=True), 10)
    assert ("http-listed", 7) in [(r.entity_id.key, r.state) for r in listed]
