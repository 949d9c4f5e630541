"""A nondeterministic code change is detected when the real host replays an instance after a
restart: the instance fails, and the message names what history holds and what the code
now does."""

from __future__ import annotations

from pathlib import Path

from faas_iac.durable import HttpDurableClient, OrchestrationRuntimeStatus
from tests.local.hostproc import ROOT, HostProcess, wait_for

APP = ROOT / "tests" / "durable" / "apps" / "evolving_app.py"


def test_renamed_activity_fails_the_instance_naming_both(tmp_path: Path) -> None:
    state = tmp_path / "state"
    with HostProcess(APP, state, env={"EVOLVING_VARIANT": "a"}) as host:
        client = HttpDurableClient(host.url, host.master)
        kept = client.start_new("evolving", "kept", "book")
        changed = client.start_new("evolving", "changed", "book")
        wait_for(
            lambda: (
                client.get_status(changed).history is None
                and len(client.get_status(changed, show_history=True).history or []) >= 3
            )
        )
        client.raise_event(kept, "approve", True)
        assert client.wait_for_completion(kept, 10).runtime_status.value == "Completed"
    with HostProcess(APP, state, env={"EVOLVING_VARIANT": "b"}) as host:
        client = HttpDurableClient(host.url, host.master)
        status = client.wait_for_completion(changed, 10)
        assert status is not None
        assert status.runtime_status is OrchestrationRuntimeStatus.Failed
        assert "NonDeterminismError" in status.output
        assert "'reserve'" in status.output and "'reserve_v2'" in status.output
        finished = client.get_status(kept)
        assert finished is not None and finished.output == {
            "reserved": "reserved book",
            "approval": True,
        }
