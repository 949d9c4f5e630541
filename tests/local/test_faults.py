"""Bad input and faulty handlers: the right status, a log line with the invocation id, no
stack trace to the client, and a host that keeps serving."""

from __future__ import annotations

import concurrent.futures
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.local.hostproc import ROOT, HostProcess, wait_for

APP = ROOT / "tests" / "local" / "apps" / "faults" / "app.py"


@pytest.fixture(scope="module")
def host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostProcess]:
    state = tmp_path_factory.mktemp("faults") / "state"
    env = {"FAULTS_MARKS": str(state.parent / "marks.txt")}
    with HostProcess(APP, state, "--no-reload", "--max-body", "1KiB", env=env) as h:
        yield h


def marks(host: HostProcess) -> list[str]:
    path = host.state.parent / "marks.txt"
    return path.read_text().splitlines() if path.exists() else []


def logged(host: HostProcess, invocation_id: str) -> dict[str, Any]:
    def find() -> dict[str, Any] | None:
        for line in host.log_lines():
            if line.get("invocation_id") == invocation_id:
                return line
        return None

    return dict(wait_for(find))


def still_serving(host: HostProcess) -> None:
    with host.client() as c:
        assert c.post("/api/echo", json={"ok": 1}).json() == {"got": {"ok": 1}, "size": 8}


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/api/boom", 500, "FIAC809"),
        ("/api/wrong", 500, "FIAC807"),
        ("/api/undeclared", 500, "FIAC806"),
        ("/api/badstatus", 500, "FIAC807"),
    ],
)
def test_handler_errors(host: HostProcess, path: str, status: int, code: str) -> None:
    with host.client() as c:
        r = c.get(path)
    assert r.status_code == status
    body = r.json()
    assert set(body) == {"error", "invocation_id"}
    assert "Traceback" not in r.text and "secret internals" not in r.text
    line = logged(host, body["invocation_id"])
    assert line["code"] == code and line["status"] == status
    still_serving(host)


@pytest.mark.parametrize("path", ["/api/hang", "/api/ahang"])
def test_timeouts_answer_504_and_keep_serving(host: HostProcess, path: str) -> None:
    name = path.rsplit("/", 1)[1]
    with host.client() as c:
        r = c.get(path)
        seen = marks(host)  # at the instant the 504 arrived
    assert r.status_code == 504
    # The answer came while the handler ran (it sleeps 3 s, the timeout is 1 s): it had
    # started and not finished. No stopwatch: the order of events says it.
    assert seen.count(f"{name} started") == 1 and f"{name} finished" not in seen, seen
    assert logged(host, r.json()["invocation_id"])["code"] == "FIAC808"
    still_serving(host)


def test_bad_bodies(host: HostProcess) -> None:
    with host.client() as c:
        r = c.post("/api/echo", content=b"{not json", headers={"content-type": "application/json"})
        assert r.status_code == 400 and "not valid JSON" in r.json()["error"]
        assert logged(host, r.json()["invocation_id"])["code"] == "FIAC812"
        assert c.post("/api/echo", content=b"[" + b"1," * 600 + b"1]").status_code == 413

        def chunks() -> Iterator[bytes]:
            for _ in range(20):
                yield b"x" * 100

        assert c.post("/api/echo", content=chunks()).status_code == 413
    still_serving(host)


def test_malformed_http_is_refused_and_host_survives(host: HostProcess) -> None:
    import socket

    with socket.create_connection(("127.0.0.1", host.port)) as s:
        s.sendall(b"GARBAGE \x00\x01 HTTP/9\r\n\r\n")
        reply = s.recv(1000)
    assert reply.startswith(b"HTTP/1.1 400")
    still_serving(host)


def test_max_instances_bounds_concurrency(host: HostProcess) -> None:
    with host.client() as c, concurrent.futures.ThreadPoolExecutor(6) as pool:
        results = list(pool.map(lambda _: c.get("/api/slow").json()["max"], range(6)))
    assert max(results) == 2


def test_failing_queue_handler_dead_letters_without_losing_the_message(host: HostProcess) -> None:
    host.admin("POST", "/queues/work", json={"body": "job-1"})
    dead = wait_for(lambda: host.admin("GET", "/queues/work").json()["dead"])
    assert dead[0]["body"] == "job-1" and dead[0]["deliveries"] == 2
    lines = [ln for ln in host.log_lines() if ln.get("function") == "work" and ln.get("code")]
    assert [ln["delivery"] for ln in lines] == [1, 2]
    assert "Traceback" in lines[0]["error"]  # the trace is in the host log, not for clients
    assert len({ln["invocation_id"] for ln in lines}) == 2


def test_admin_needs_the_master_key(host: HostProcess) -> None:
    with host.client() as c:
        assert c.post("/admin/queues/work", json={"body": 1}).status_code == 401
        fn_key = host.keys["functions"]["work"]
        r = c.post("/admin/queues/work", json={"body": 1}, headers={"x-functions-key": fn_key})
        assert r.status_code == 401
    r = host.admin("POST", "/queues/nope", json={"body": 1})
    assert r.status_code == 400 and "FIAC806" in r.json()["codes"]
    assert host.admin("POST", "/queues/work", json={"nobody": 1}).status_code == 400


def test_a_queue_handler_past_its_timeout_is_retried_then_dead_lettered(host: HostProcess) -> None:
    host.admin("POST", "/queues/slowq", json={"body": "slow-1"})
    dead = wait_for(lambda: host.admin("GET", "/queues/slowq").json()["dead"], timeout=15)
    assert dead[0]["body"] == "slow-1" and dead[0]["deliveries"] == 2
    lines = [ln for ln in host.log_lines() if ln.get("function") == "slow_job"]
    assert [ln["code"] for ln in lines if ln.get("code")] == ["FIAC808", "FIAC808"]
    still_serving(host)


def test_a_function_in_another_language_answers_501(host: HostProcess) -> None:
    with host.client() as c:
        r = c.get("/api/node")
    assert r.status_code == 501 and "nodejs20" in r.json()["error"]
    assert "[node_hello: nodejs20 is not run locally]" in host.out_path.read_text()


def test_a_topic_fans_out_to_every_matching_subscriber(host: HostProcess) -> None:
    def hit(key: str) -> Any:
        found = host.admin("GET", "/tables/hits", params={"key": f'{{"id": "{key}"}}'})
        return found.json()["item"]

    ids = host.admin(
        "POST",
        "/topics/alerts",
        json={
            "messages": [
                {"body": "a", "attributes": {"level": "high"}},
                {"body": "b", "attributes": {"level": "low"}},
            ]
        },
    ).json()["ids"]
    first_a, second_a = wait_for(lambda: hit("first:a")), wait_for(lambda: hit("second:a"))
    assert first_a["message_id"] == second_a["message_id"] == ids[0]
    assert wait_for(lambda: hit("first:b"))["message_id"] == ids[1]
    time.sleep(0.3)
    assert hit("second:b") is None
