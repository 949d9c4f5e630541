"""Hostile input against a real `faas-iac dev`: keys and names that try to leave their bucket
or route, clashing object keys, malformed keys, bodies that are cut off, too large or nested
too deep. Every answer is a 4xx with a reason (never a 500), and nothing outside the named
bucket, table or instance changes."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.local.hostproc import ROOT, HostProcess, raw_request, wait_for

APP = ROOT / "tests" / "local" / "apps" / "hostile" / "app.py"
DURABLE = "/runtime/webhooks/durabletask"
MAX_BODY = 64 * 1024


@pytest.fixture(scope="module")
def host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostProcess]:
    state = tmp_path_factory.mktemp("hostile") / "state"
    with HostProcess(APP, state, "--no-reload", "--max-body", "64KiB") as h:
        yield h


def files_under(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def finished_instance(host: HostProcess, iid: str) -> None:
    with httpx.Client(base_url=host.url, headers={"x-functions-key": host.master}) as c:
        r = c.post(f"{DURABLE}/orchestrators/hello/{iid}", json="x")
        assert r.status_code == 202, r.text
        wait_for(lambda: c.get(f"{DURABLE}/instances/{iid}").status_code == 200)


def instance_exists(host: HostProcess, iid: str) -> bool:
    with httpx.Client(base_url=host.url, headers={"x-functions-key": host.master}) as c:
        return c.get(f"{DURABLE}/instances/{iid}").status_code != 404


def test_cli_keys_with_dot_dot_never_reach_another_route_or_bucket(host: HostProcess) -> None:
    finished_instance(host, "kept-by-cli")
    app = str(APP)
    escape = "../../../runtime/webhooks/durabletask/instances"
    deleted = host.cli("bucket", "delete", app, "reports", escape)
    assert deleted.returncode == 2 and "FIAC804" in deleted.stderr, deleted.stderr
    assert "Traceback" not in deleted.stderr
    assert instance_exists(host, "kept-by-cli")
    put = host.cli("bucket", "put", app, "reports", "a/../../other/x", "--data", "hi")
    assert put.returncode == 2 and "FIAC804" in put.stderr, put.stderr
    named = host.cli("send", app, "../buckets/reports", "--data", "1")
    assert named.returncode == 2 and "Traceback" not in named.stderr
    assert files_under(host.state / "buckets") == []
    ok = host.cli("bucket", "put", app, "reports", "dir/a b%2e.txt", "--data", "fine")
    assert ok.returncode == 0, ok.stderr
    assert files_under(host.state / "buckets") == ["reports/dir/a b%2e.txt"]
    host.admin("DELETE", "/buckets/reports/dir/a%20b%252e.txt")
    assert files_under(host.state / "buckets") == []


@pytest.mark.parametrize(
    "path",
    [
        "/buckets/reports/a/%2e%2e/%2e%2e/other/x",
        "/buckets/reports/%2E%2E/other/x",
        "/buckets/reports/a/%2e/b",
        "/buckets/reports/a//b",
        "/buckets/reports/a%00b",
        "/buckets/reports/a%5cb",
        "/buckets/%2e%2e/other/x",
        "/buckets/reports/" + "k" * 300,
        "/buckets/reports/" + "/".join(["d" * 200] * 8),
    ],
)
def test_the_server_refuses_keys_that_are_not_plain_relative_keys(
    host: HostProcess, path: str
) -> None:
    r = host.admin("PUT", path, content=b"data")
    assert r.status_code == 400, r.text
    assert r.json()["codes"] in (["FIAC804"], ["FIAC806"])
    assert files_under(host.state / "buckets") == []


def test_file_and_folder_clashes_are_409_and_leave_no_temp_files(host: HostProcess) -> None:
    assert host.admin("PUT", "/buckets/reports/x", content=b"1").status_code == 200
    r = host.admin("PUT", "/buckets/reports/x/y", content=b"2")
    assert r.status_code == 409 and r.json()["codes"] == ["FIAC817"], r.text
    assert host.admin("PUT", "/buckets/reports/y/z", content=b"3").status_code == 200
    r = host.admin("PUT", "/buckets/reports/y", content=b"4")
    assert r.status_code == 409 and r.json()["codes"] == ["FIAC817"], r.text
    assert files_under(host.state / "buckets") == ["reports/x", "reports/y/z"]
    assert files_under(host.state / "tmp") == []
    assert host.admin("GET", "/buckets/reports").json() == {"keys": ["x", "y/z"]}
    for key in ("x", "y/z"):
        assert host.admin("DELETE", f"/buckets/reports/{key}").status_code == 200
    assert host.admin("PUT", "/buckets/reports/y", content=b"5").status_code == 200
    host.admin("DELETE", "/buckets/reports/y")
    assert not list((host.state / "buckets").rglob("*.tmp"))


@pytest.mark.parametrize("key", ["null", "[1]", '"id"', "{", '{"id": {"a": 1}}'])
def test_table_keys_that_are_not_objects_are_400(host: HostProcess, key: str) -> None:
    r = host.admin("GET", "/tables/items", params={"key": key})
    assert r.status_code == 400, r.text


def test_non_ascii_keys_are_refused_with_401(host: HostProcess) -> None:
    bad = "clé-ключ".encode()
    with host.client() as c:
        for path in ("/admin/queues/jobs", f"{DURABLE}/instances", "/api/token"):
            r = c.get(path, headers={"x-functions-key": bad})
            assert r.status_code == 401, (path, r.status_code, r.text)
        r = c.get("/api/token", params={"code": "ключ"})
        assert r.status_code == 401


def test_json_nested_too_deep_is_400(host: HostProcess) -> None:
    nested = b"[" * 30_000 + b"]" * 30_000  # under the 64 KiB limit, far past Python's stack
    with host.client() as c:
        r = c.post("/api/echo", content=nested)
        assert r.status_code == 400 and "JSON" in r.json()["error"], r.text
        admin = {"x-functions-key": host.master}
        r = c.put("/admin/tables/items", content=nested, headers=admin)
        assert r.status_code == 400, r.text
        r = c.post(f"{DURABLE}/orchestrators/hello", content=nested, headers=admin)
        assert r.status_code == 400, r.text


def test_bodies_over_max_body_are_413_everywhere(host: HostProcess) -> None:
    big = b"x" * (MAX_BODY + 1)
    admin = {"x-functions-key": host.master}
    with host.client() as c:
        assert c.put("/admin/buckets/reports/big", content=big, headers=admin).status_code == 413
        r = c.post(f"{DURABLE}/orchestrators/hello", content=b'"' + big + b'"', headers=admin)
        assert r.status_code == 413

        def chunks() -> Iterator[bytes]:
            for _ in range(20):
                yield b"y" * (MAX_BODY // 10)

        r = c.put("/admin/buckets/reports/big", content=chunks(), headers=admin)
        assert r.status_code == 413
        r = c.post(f"{DURABLE}/orchestrators/hello", content=chunks(), headers=admin)
        assert r.status_code == 413
    assert files_under(host.state / "buckets") == []


@pytest.mark.parametrize("path", ["/admin/buckets/reports/huge", f"{DURABLE}/orchestrators/hello"])
def test_the_key_is_checked_before_any_body_is_read(host: HostProcess, path: str) -> None:
    """A 512 MiB body announced without a key gets 401 at once, before one body byte."""
    head = f"POST {path} HTTP/1.1\r\nhost: x\r\ncontent-length: {512 * 1024 * 1024}\r\n\r\n"
    with socket.create_connection(("127.0.0.1", host.port), timeout=5) as s:
        s.sendall(head.encode())
        reply = s.recv(1000)
    assert reply.startswith(b"HTTP/1.1 401"), reply


def _cut_upload(host: HostProcess, path: str, headers: str = "") -> None:
    body = b"z" * 5000
    head = f"{path} HTTP/1.1\r\nhost: x\r\ncontent-length: 10000\r\n{headers}\r\n"
    with socket.create_connection(("127.0.0.1", host.port), timeout=5) as s:
        s.sendall(head.encode() + body)
        time.sleep(0.2)  # the host has the first half; then the client goes away


def test_a_body_cut_off_by_a_disconnect_is_never_handled(host: HostProcess) -> None:
    _cut_upload(host, "POST /api/upload/cut")
    _cut_upload(host, "PUT /admin/buckets/reports/cut", f"x-functions-key: {host.master}\r\n")
    with host.client() as c:
        assert c.post("/api/upload/whole", content=b"w" * 10000).json()["size"] == 10000
    time.sleep(0.3)

    def item(key: str) -> Any:
        found = host.admin("GET", "/tables/calls", params={"key": json.dumps({"id": key})})
        return found.json()["item"]

    assert item("whole") == {"id": "whole", "size": 10000}
    assert item("cut") is None
    assert files_under(host.state / "buckets") == []


def test_a_purge_of_many_instances_needs_a_filter(host: HostProcess) -> None:
    """`DELETE .../instances/` (found by tests/local/test_hostile_fuzz.py; azure-functions-durable
    writes the collection with the trailing slash) purged every finished instance. Like Azure,
    a bulk purge now needs a filter."""
    finished_instance(host, "kept-by-slash")
    for path in (f"{DURABLE}/instances/", f"{DURABLE}/instances"):
        status, reply = raw_request(host.port, "DELETE", path.encode(), key=host.master)
        assert status == 400 and b"FIAC877" in reply, reply
    assert instance_exists(host, "kept-by-slash")
    status, reply = raw_request(
        host.port, "DELETE", f"{DURABLE}/instances/?instanceIdPrefix=kept-by-slash".encode(),
        key=host.master,
    )  # fmt: skip
    assert status == 200 and b'"instancesDeleted": 1' in reply, reply
    assert not instance_exists(host, "kept-by-slash")
