"""Purge filters that select nothing purgeable purge nothing; status names are read
case-insensitively (a bad one is a coded error); `durable start --wait` fails with the
orchestration. Against the real host (examples/durable) and its CLI."""

from __future__ import annotations

import httpx

from faas_iac.durable import HttpDurableClient, OrchestrationRuntimeStatus
from tests.durable.test_cli import cli
from tests.local.hostproc import HostProcess

PREFIX = "/runtime/webhooks/durabletask"


def _finished(client: HttpDurableClient, iid: str) -> str:
    client.start_new("hello_sequence", iid)
    status = client.wait_for_completion(iid, 20)
    assert status is not None
    return status.runtime_status.value


def test_purge_by_an_unfinished_status_purges_nothing(
    host: HostProcess, client: HttpDurableClient
) -> None:
    assert _finished(client, "keep-1") == "Completed"
    purged = cli(host, "purge", "-s", "Running")
    assert purged.returncode == 0, purged.stderr
    assert purged.stdout.strip() == "instances deleted: 0"
    with httpx.Client(base_url=host.url, headers={"x-functions-key": host.master}) as c:
        r = c.delete(f"{PREFIX}/instances", params={"runtimeStatus": "Running,Pending"})
    assert (r.status_code, r.json()) == (200, {"instancesDeleted": 0})
    by = client.purge_instance_history_by(runtime_status=[OrchestrationRuntimeStatus.Suspended])
    assert by.instances_deleted == 0
    kept = client.get_status("keep-1")
    assert kept is not None and kept.runtime_status.value == "Completed"


def test_purging_a_running_instance_says_it_is_running(
    host: HostProcess, client: HttpDurableClient
) -> None:
    client.start_new("verify_phone", "wait-purge", {"phone": "+7", "timeout_s": 60})
    done = cli(host, "purge", "wait-purge")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "FIAC876" in done.stderr and "it is Running" in done.stderr, done.stderr
    assert "finished" not in done.stderr
    client.terminate("wait-purge", "test over")


def test_status_names_are_case_insensitive_and_a_bad_one_is_coded(
    host: HostProcess, client: HttpDurableClient
) -> None:
    assert _finished(client, "case-1") == "Completed"
    listed = cli(host, "status", "-s", "completed")
    assert listed.returncode == 0, listed.stderr
    assert "case-1" in listed.stdout
    bad = cli(host, "status", "-s", "runing")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert "FIAC875" in bad.stderr and "Running" in bad.stderr
    bad_purge = cli(host, "purge", "-s", "done")
    assert bad_purge.returncode == 2 and "FIAC875" in bad_purge.stderr
    with httpx.Client(base_url=host.url, headers={"x-functions-key": host.master}) as c:
        r = c.get(f"{PREFIX}/instances", params={"runtimeStatus": "COMPLETED"})
        assert r.status_code == 200 and "case-1" in {i["instanceId"] for i in r.json()}
        r = c.delete(f"{PREFIX}/instances", params={"runtimeStatus": "nope"})
        assert r.status_code == 400 and r.json()["code"] == "FIAC875"
    assert client.get_status("case-1") is not None


def test_start_wait_exits_non_zero_when_the_orchestration_fails(host: HostProcess) -> None:
    failing = '{"id": "wait-fail", "attempts": 1, "fail_times": 5}'
    done = cli(host, "start", "flaky_call", "--input", failing, "--wait", "20")
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert '"runtimeStatus": "Failed"' in done.stdout
    ok = cli(host, "start", "hello_sequence", "--wait", "20")
    assert ok.returncode == 0 and '"runtimeStatus": "Completed"' in ok.stdout
