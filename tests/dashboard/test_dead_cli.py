"""``faas-iac dead list|show|redrive|purge`` against a running host."""

from __future__ import annotations

import json
from pathlib import Path

from tests.local.hostproc import ROOT, HostProcess, wait_for

APP = str(ROOT / "examples" / "approvals" / "app.py")


def test_list_show_redrive_and_purge(tmp_path: Path) -> None:
    with HostProcess(Path(APP), tmp_path / "state", "--no-reload") as host:
        for job in ("a", "b"):
            host.admin("POST", "/queues/jobs", json={"body": {"id": job, "needs_fix": True}})
        wait_for(lambda: len(host.admin("GET", "/dead/jobs").json()["messages"]) == 2, 20)
        listed = host.cli("dead", "list", APP)
        assert listed.returncode == 0 and "jobs: 2 dead (queue:jobs-dlq; read by run_job)" in (
            listed.stdout
        )
        one = host.cli("dead", "list", APP, "jobs")
        ids = [line.split()[0] for line in one.stdout.splitlines()[:-1]]
        assert len(ids) == 2 and one.stdout.endswith("2 dead letters in jobs\n")
        shown = json.loads(host.cli("dead", "show", APP, "jobs", ids[0]).stdout)
        assert shown["deliveries"] == 5 and json.loads(shown["body"])["needs_fix"] is True
        host.admin("PUT", "/tables/fixes", json={"id": json.loads(shown["body"])["id"]})
        moved = host.cli("dead", "redrive", APP, "jobs", ids[0])
        assert moved.stdout == "redrove 1 messages to queue:jobs\n", moved
        wait_for(lambda: "ran job" in host.log(), 20)
        assert host.cli("dead", "purge", APP, "jobs", "--yes").stdout == "purged 1 messages\n"
        assert host.admin("GET", "/dead/jobs").json()["messages"] == []
        missing = host.cli("dead", "show", APP, "jobs", ids[0])
        assert missing.returncode == 2 and "FIAC813" in missing.stderr
        unknown = host.cli("dead", "list", APP, "nope")
        assert unknown.returncode == 2 and "FIAC818" in unknown.stderr and "jobs" in unknown.stderr
