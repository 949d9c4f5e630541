"""The terminal log of ``faas-iac dev`` read as a person reads it: an HTTP call, a queue
message that fails until it is dead-lettered, and a failed orchestration are each one readable
line (Core Tools' ``Executing`` / ``Executed`` lines), with no JSON; ``--functions`` keeps only
the lines of the functions named."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from tests.local.hostproc import ROOT, HostProcess, wait_for

APP = ROOT / "examples" / "approvals" / "app.py"
ID = r"[0-9a-f]{32}"


def test_an_http_call_a_dead_letter_and_a_failed_orchestration_are_readable_lines(
    tmp_path: Path,
) -> None:
    host = HostProcess(APP, tmp_path / "state", "--no-reload", "--log-format", "readable")
    with host:
        key = host.keys["functions"]["request_approval"]
        httpx.post(f"{host.url}/api/requests?code={key}", json={"request": "pen"})
        host.admin("POST", "/queues/jobs", json={"body": {"id": "j9", "needs_fix": True}})
        with host.client() as c:
            c.post(
                "/runtime/webhooks/durabletask/orchestrators/breaks",
                json="x",
                headers={"x-functions-key": host.master},
            )
        wait_for(lambda: "dead-lettered" in host.log(), timeout=20)
        wait_for(lambda: "orchestration breaks (" in host.log(), timeout=20)
    text = host.log()
    assert not any(line.startswith("{") for line in text.splitlines()), text
    stamp = r"^\[\d\d:\d\d:\d\d\.\d{3}\] "
    assert re.search(
        stamp + rf"Executing 'request_approval' \(http POST /api/requests, Id={ID}\)$", text, re.M
    )
    assert re.search(
        stamp + rf"Executed 'request_approval' \(Succeeded, Id={ID}, Duration=[\d.]+ms\)$",
        text,
        re.M,
    )
    assert re.search(
        stamp + rf"Executed 'run_job' \(Failed, Id={ID}, Duration=[\d.]+ms\): RuntimeError: "
        rf"job j9 needs a fix first; delivery 1/5 of {ID}, will retry$",
        text,
        re.M,
    )
    assert re.search(
        stamp + rf"Executed 'run_job' \(Failed, Id={ID}, Duration=[\d.]+ms\): RuntimeError: "
        rf"job j9 needs a fix first; delivery 5/5 of {ID}, dead-lettered to queue:jobs-dlq$",
        text,
        re.M,
    )
    assert re.search(
        stamp + rf"activity fails failed for {ID} after [\d.]+ ms: ValueError: cannot process 'x'$",
        text,
        re.M,
    )
    assert re.search(
        stamp + rf"orchestration breaks \({ID}\) failed after [\d.]+ ms: \w+: ", text, re.M
    )


def test_functions_option_keeps_the_lines_of_those_functions(tmp_path: Path) -> None:
    host = HostProcess(
        APP, tmp_path / "state", "--no-reload", "--log-format", "readable", "--functions", "run_job"
    )
    with host:
        key = host.keys["functions"]["request_approval"]
        httpx.post(f"{host.url}/api/requests?code={key}", json={"request": "pen"})
        host.admin("POST", "/queues/jobs", json={"body": {"id": "j1"}})
        wait_for(lambda: "Executed 'run_job' (Succeeded" in host.log(), timeout=20)
    text = host.log()
    assert "request_approval" not in text and "ran job j1" in text


def test_piped_logs_are_json_lines_with_the_same_facts(tmp_path: Path) -> None:
    with HostProcess(APP, tmp_path / "state", "--no-reload") as host:
        key = host.keys["functions"]["request_approval"]
        r = httpx.post(f"{host.url}/api/requests?code={key}", json={"request": "pen"})
        invocation = r.headers["x-invocation-id"]
        ended = wait_for(
            lambda: [x for x in host.log_lines() if x.get("event") == "function.completed"]
        )
    assert ended[0]["invocation_id"] == invocation and ended[0]["function"] == "request_approval"
    assert ended[0]["outcome"] == "Succeeded" and ended[0]["status"] == 200
    assert ended[0]["duration_ms"] > 0


def test_dev_warns_about_a_secret_in_env(tmp_path: Path) -> None:
    app = tmp_path / "app.py"
    app.write_text(
        "from faas_iac import App\n"
        "app = App('leaky')\n"
        "@app.http('/x', env={'DB_PASSWORD': 'hunter2hunter2'})\n"
        "def x(req, ctx):\n"
        "    return {}\n"
    )
    with HostProcess(app, tmp_path / "state", "--no-reload", "--log-format", "readable") as host:
        pass
    text = host.log()
    assert "warning FIAC134" in text and "DB_PASSWORD" in text and "hunter2" not in text
