"""`faas-iac durable ...` against the real host (examples/durable), in a subprocess each."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.local.hostproc import ROOT, HostProcess, free_port


def cli(host: HostProcess, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "faas_iac", "durable", *args, "--state-dir", str(host.state)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


def test_cli_lifecycle(host: HostProcess) -> None:
    started = cli(
        host,
        "start",
        "verify_phone",
        "--input",
        '{"phone": "+9", "timeout_s": 60}',
        "--id",
        "cli-1",
    )
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == "cli-1"
    status = json.loads(cli(host, "status", "cli-1").stdout)
    assert status["runtimeStatus"] in ("Pending", "Running")
    code = sum(ord(c) for c in "+9") % 9000 + 1000
    assert (
        cli(host, "raise-event", "cli-1", "SmsChallengeResponse", "--data", str(code)).returncode
        == 0
    )
    done = json.loads(cli(host, "start", "hello_sequence", "--wait", "10").stdout)
    assert done["output"] == ["Hello Tokyo!", "Hello Seattle!", "Hello London!"]
    events = json.loads(cli(host, "history", "cli-1").stdout)
    assert [e["EventType"] for e in events][:2] == ["ExecutionStarted", "TaskScheduled"]
    assert events[-1]["EventType"] == "ExecutionCompleted"
    assert cli(host, "purge", "cli-1").stdout.strip() == "instances deleted: 1"
    missing = cli(host, "status", "cli-1")
    assert missing.returncode == 2 and "FIAC872" in missing.stderr
    cli(host, "start", "verify_phone", "--input", '{"phone": "+8"}', "--id", "cli-2")
    assert cli(host, "terminate", "cli-2", "--reason", "stop").returncode == 0
    again = cli(host, "terminate", "cli-2")
    assert again.returncode == 2 and "FIAC873" in again.stderr
    purged = cli(host, "purge", "-s", "Terminated")
    assert purged.returncode == 0 and purged.stdout.startswith("instances deleted: ")
    assert int(purged.stdout.split(": ")[1]) >= 1
    unknown = cli(host, "start", "nope")
    assert unknown.returncode == 2 and "FIAC870" in unknown.stderr


def test_cli_without_a_host_says_so(tmp_path: Path) -> None:
    (tmp_path / "keys.json").write_text('{"master": "k", "functions": {}}')
    done = subprocess.run(
        [sys.executable, "-m", "faas_iac", "durable", "status", "x", "--state-dir",
         str(tmp_path), "--url", f"http://127.0.0.1:{free_port()}"],
        capture_output=True, text=True, cwd=ROOT, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2
    assert "FIAC874" in done.stderr and "Traceback" not in done.stderr
    no_key = subprocess.run(
        [sys.executable, "-m", "faas_iac", "durable", "status", "--state-dir",
         str(tmp_path / "none")],
        capture_output=True, text=True, cwd=ROOT, timeout=60,
    )  # fmt: skip
    assert no_key.returncode == 2 and "--key" in no_key.stderr


def test_starting_an_unknown_orchestrator_names_the_known_ones(host: HostProcess) -> None:
    unknown = cli(host, "start", "hello_sequense")
    assert unknown.returncode == 2 and "FIAC870" in unknown.stderr
    assert "hello_sequence" in unknown.stderr and "known: none" not in unknown.stderr
