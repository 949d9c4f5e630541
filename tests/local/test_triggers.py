"""Every trigger of examples/triggers end to end on the real host, driven over real HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.local.hostproc import ROOT, HostProcess, wait_for

APP = ROOT / "examples" / "triggers" / "app.py"
LOCAL_ONLY = ROOT / "examples" / "local_only" / "app.py"
TOKEN = "s3cr3t-token-value"


@pytest.fixture(scope="module")
def host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostProcess]:
    state = tmp_path_factory.mktemp("triggers") / "state"
    with HostProcess(APP, state, "--no-reload", env={"FAAS_SECRET_API_TOKEN": TOKEN}) as h:
        yield h


def seen(host: HostProcess, key: str) -> dict[str, Any] | None:
    with host.client() as c:
        r = c.get(f"/api/seen/{key}", headers={"x-functions-key": host.keys["functions"]["seen"]})
    return r.json() if r.status_code == 200 else None


def test_http_routes_params_query_and_keys(host: HostProcess) -> None:
    with host.client() as c:
        r = c.get("/api/hello/ada", params={"lang": "fr"})
        assert r.status_code == 200
        assert r.json() == {"hello": "ada", "lang": "fr"}
        assert r.headers["content-type"] == "application/json"
        assert len(r.headers["x-invocation-id"]) == 32
        assert c.post("/api/items", json={"id": "k"}).status_code == 401
        own = host.keys["functions"]["add_item"]
        other = host.keys["functions"]["seen"]
        assert c.post("/api/items", json={"id": "k1"}, params={"code": other}).status_code == 401
        assert c.post("/api/items", json={"id": "k1"}, params={"code": own}).status_code == 201
        r = c.post("/api/items", json={"id": "k2"}, headers={"x-functions-key": host.master})
        assert r.status_code == 201 and r.json() == {"stored": "k2"}
        assert c.get("/api/items").status_code == 405
        assert c.get("/api/nothing/here").status_code == 404
        assert c.get("/elsewhere").status_code == 404


def test_one_post_runs_the_whole_chain(host: HostProcess) -> None:
    with host.client() as c:
        r = c.post("/api/items", json={"id": "chain", "n": 1}, params={"code": host.master})
    assert r.status_code == 201
    key = "items/chain.json"
    assert wait_for(lambda: seen(host, "table:chain"))["change"] == "record.inserted"
    wait_for(lambda: seen(host, f"storage:{key}:object.created"))
    assert wait_for(lambda: seen(host, f"event:{key}"))["type"] == "file.stored"
    assert wait_for(lambda: seen(host, f"stream:{key}"))["partition"] in ("0", "1")
    wait_for(lambda: seen(host, f"topic:{key}"))
    assert wait_for(lambda: seen(host, f"queue:{key}"))["deliveries"] == 1
    listed = host.admin("GET", "/buckets/files", params={"prefix": "items/"}).json()["keys"]
    assert "items/chain.json" in listed


def test_table_changes_modify_and_remove(host: HostProcess) -> None:
    assert host.admin("PUT", "/tables/items", json={"id": "t1", "v": 1}).status_code == 200
    wait_for(lambda: seen(host, "table:t1"))
    host.admin("PUT", "/tables/items", json={"id": "t1", "v": 2})
    wait_for(lambda: (seen(host, "table:t1") or {}).get("change") == "record.modified")
    got = host.admin("GET", "/tables/items", params={"key": '{"id": "t1"}'}).json()
    assert got == {"item": {"id": "t1", "v": 2}}
    host.admin("DELETE", "/tables/items", json={"id": "t1"})
    wait_for(lambda: (seen(host, "table:t1") or {}).get("change") == "record.removed")
    wait_for(lambda: seen(host, "storage:items/t1.json:object.created"))


def test_bucket_put_and_delete_through_the_cli(host: HostProcess) -> None:
    cli = host.cli
    put = cli("bucket", "put", str(APP), "files", "items/cli.json", "--data", '{"x": 1}')
    assert put.returncode == 0, put.stderr
    wait_for(lambda: seen(host, "storage:items/cli.json:object.created"))
    wait_for(lambda: seen(host, "event:items/cli.json"))
    # suffix filter: a .txt object fires nothing
    cli("bucket", "put", str(APP), "files", "items/skip.txt", "--data", "x")
    assert cli("bucket", "delete", str(APP), "files", "items/cli.json").returncode == 0
    wait_for(lambda: seen(host, "storage:items/cli.json:object.deleted"))
    assert seen(host, "storage:items/skip.txt:object.created") is None
    assert (host.state / "buckets" / "files" / "items" / "skip.txt").read_text() == "x"
    bad = cli("send", str(APP), "nosuch", "--data", "1")
    assert bad.returncode == 2 and "FIAC" in bad.stderr and "Traceback" not in bad.stderr


def test_bus_patterns_and_topic_filters(host: HostProcess) -> None:
    ok = {"source": "files", "type": "file.stored", "detail": {"key": "bus/a", "size": 5}}
    assert host.admin("POST", "/buses/default", json=ok).status_code == 200
    no = {"source": "files", "type": "file.stored", "detail": {"key": "bus/b", "size": 0}}
    host.admin("POST", "/buses/default", json=no)
    wait_for(lambda: seen(host, "event:bus/a"))
    for key, kind in (("t-ok", "item"), ("t-no", "ad")):
        message = {"body": {"key": key}, "attributes": {"kind": kind}}
        host.admin("POST", "/topics/news", json=message)
    wait_for(lambda: seen(host, "queue:t-ok"))
    wait_for(lambda: seen(host, "queue:bus/a"))
    assert seen(host, "event:bus/b") is None
    assert seen(host, "topic:t-no") is None


def test_stream_records_keep_partition_order(host: HostProcess) -> None:
    records = [{"data": {"key": f"s{i}"}, "partition_key": f"p{i % 3}"} for i in range(12)]
    assert host.admin("POST", "/streams/clicks", json={"records": records}).status_code == 200
    got = [wait_for(lambda i=i: seen(host, f"stream:s{i}")) for i in range(12)]
    by_part: dict[str, list[int]] = {}
    for i, item in enumerate(got):
        by_part.setdefault(f"p{i % 3}", []).append(int(item["seq"]))
    for seqs in by_part.values():
        assert seqs == sorted(seqs)
    parts = {item["partition"] for item in got}
    assert parts <= {"0", "1"}


def test_queue_retries_then_dead_letters(host: HostProcess) -> None:
    bad = {"body": {"key": "poison", "fail": True}, "attributes": {"why": "test"}}
    assert host.admin("POST", "/queues/jobs", json=bad).status_code == 200

    def dead() -> list[dict[str, Any]]:
        return list(host.admin("GET", "/queues/jobs-dlq").json()["messages"])

    msg = wait_for(dead)[0]
    assert msg["deliveries"] == 5 and msg["attributes"] == {"why": "test"}
    lines = host.log_lines()
    errors = [ln for ln in lines if ln.get("function") == "on_job" and ln.get("level") == "error"]
    assert len(errors) == 5 and all(ln["invocation_id"] for ln in errors)
    assert "dead-lettered to queue:jobs-dlq" in errors[-1]["msg"]
    assert host.admin("GET", "/queues/jobs").json()["count"] == 0


def test_per_second_schedule_fires_every_second(tmp_path: Path) -> None:
    with HostProcess(LOCAL_ONLY, tmp_path / "state", "--no-reload") as host:
        _fires_every_second(host)


def _fires_every_second(host: HostProcess) -> None:
    def ticks() -> list[datetime]:
        now = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
        found = []
        for back in range(1, 6):
            t = now - timedelta(seconds=back)
            if seen(host, f"tick:{t:%Y-%m-%dT%H:%M:%S}"):
                found.append(t)
        return found

    assert len(wait_for(lambda: len(ticks()) >= 3 and ticks(), timeout=8)) >= 3


def test_secrets_are_served_and_never_logged(host: HostProcess) -> None:
    with host.client() as c:
        r = c.get("/api/token", params={"code": host.master})
    assert r.json() == {"length": len(TOKEN)}
    wait_for(lambda: "using token ***" in host.log())
    assert TOKEN not in host.log()


def test_the_cli_injects_every_kind_of_event(host: HostProcess) -> None:
    def cli(*args: str) -> dict[str, Any]:
        done = host.cli(*args)
        assert done.returncode == 0, done.stderr
        return dict(json.loads(done.stdout))

    app = str(APP)
    cli("publish", app, "news", "--data", '{"key": "cli-topic"}', "-a", "kind=item")
    wait_for(lambda: seen(host, "queue:cli-topic"))
    detail = '{"key": "cli-bus", "size": 1}'
    cli("emit", app, "file.stored", "--source", "files", "--detail", detail)
    wait_for(lambda: seen(host, "event:cli-bus"))
    cli("put-record", app, "clicks", "--data", '{"key": "cli-stream"}', "--key", "p")
    wait_for(lambda: seen(host, "stream:cli-stream"))
    cli("send", app, "jobs", "--data", '{"key": "cli-queue"}')
    wait_for(lambda: seen(host, "queue:cli-queue"))
    cli("table", "put", app, "items", '{"id": "cli-row", "v": 1}')
    got = cli("table", "get", app, "items", '{"id": "cli-row"}')
    assert got["item"] == {"id": "cli-row", "v": 1}
    wait_for(lambda: seen(host, "storage:items/cli-row.json:object.created"))
    cli("table", "delete", app, "items", '{"id": "cli-row"}')
    wait_for(lambda: (seen(host, "table:cli-row") or {}).get("change") == "record.removed")
