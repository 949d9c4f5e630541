"""Random keys, names and paths (``..``, ``%2e``, NUL, unicode, very long ones, file/folder
clashes) thrown by hypothesis at the admin API, the durable management API and the CLI of one
real `faas-iac dev`: never a 500, never a traceback, never a change outside the named bucket,
table or instance."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, unquote

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.local.hostproc import ROOT, HostProcess, raw_request, wait_for

APP = ROOT / "tests" / "local" / "apps" / "hostile" / "app.py"
DURABLE = "/runtime/webhooks/durabletask"
SENTINEL = "sentinel-done"
NASTY = ["..", ".", "%2e", "%2E%2e", "%2f", "%2F", "%00", "\x00", "/", "//", "\\", "é", "ключ",
         "😀", "x", "x/y", "y", "y/z", "a" * 300, "%", "%zz", "?", "#", " ", "\n", "~", "%25",
         "keep.txt", "../other/keep.txt", SENTINEL, "null", "[1]", '{"id": {}}']  # fmt: skip
piece = st.one_of(st.sampled_from(NASTY), st.text(max_size=6))
text = st.one_of(st.sampled_from(NASTY), st.lists(piece, max_size=5).map("".join))
FUZZ = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostProcess]:
    state = tmp_path_factory.mktemp("fuzz") / "state"
    with HostProcess(APP, state, "--no-reload", "--max-body", "64KiB") as h:
        assert h.admin("PUT", "/buckets/other/keep.txt", content=b"keep").status_code == 200
        assert h.admin("PUT", "/tables/calls", json={"id": "keep", "n": 1}).status_code == 200
        with h.client() as c:
            key = {"x-functions-key": h.master}
            url = f"{DURABLE}/instances/{SENTINEL}"
            assert c.post(f"{DURABLE}/orchestrators/hello/{SENTINEL}", headers=key).is_success
            wait_for(lambda: c.get(url, headers=key).status_code == 200)
        yield h


def target(value: str, encode: bool) -> bytes:
    """``value`` as request-target bytes: percent-encoded except ``/ . %`` (so ``..`` and
    ``%2e`` arrive as written), or as raw UTF-8 with only what breaks a request line encoded."""
    if encode:
        return quote(value, safe="/.%~").encode()
    return quote(value, safe="/.%~" + "".join(c for c in value if ord(c) > 127)).encode()


def state_outside(host: HostProcess) -> dict[str, Any]:
    """Everything a request to bucket ``reports`` or table ``items`` must not change."""
    files = {
        p.relative_to(host.state).as_posix(): p.read_bytes()
        for p in (host.state / "buckets").rglob("*")
        if p.is_file() and p.relative_to(host.state / "buckets").parts[0] != "reports"
    }
    with host.client() as c:
        c.headers["x-functions-key"] = host.master
        keep = c.get("/admin/tables/calls", params={"key": '{"id": "keep"}'}).json()
        sentinel = c.get(f"{DURABLE}/instances/{SENTINEL}")
    top = sorted(p.name for p in host.state.iterdir() if not p.name.endswith(("-wal", "-shm")))
    return {
        "files": files,
        "calls": keep,
        "sentinel": sentinel.status_code,
        "top": top,
        "keys": (host.state / "keys.json").read_text(),
        "beside": sorted(p.name for p in host.state.parent.iterdir()),
    }


def reports(host: HostProcess) -> list[str]:
    root = host.state / "buckets" / "reports"
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def before(host: HostProcess) -> dict[str, Any]:
    return state_outside(host)


def send(host: HostProcess, method: str, path: bytes, body: bytes = b"", key: bool = True) -> int:
    status, _ = raw_request(host.port, method, path, body, host.master if key else None)
    assert status < 500, (method, path, status)
    return status


@FUZZ
@given(key=text, encode=st.booleans(), method=st.sampled_from(["PUT", "DELETE", "GET"]))
@example(key="../other/keep.txt", encode=True, method="PUT")
@example(key="%2e%2e/other/keep.txt", encode=True, method="DELETE")
@example(key="x/y", encode=True, method="PUT")
def test_bucket_keys(host: HostProcess, before: dict[str, Any], key: str, encode: bool,
                     method: str) -> None:  # fmt: skip
    had = reports(host)
    status = send(host, method, b"/admin/buckets/reports/" + target(key, encode), b"v")
    now = reports(host)
    if method == "PUT" and status == 200:
        added = set(now) - set(had)
        assert len(added) <= 1 and set(had) <= set(now)
        for k in added:  # the one object written, under the bucket named, then removed
            assert (host.state / "buckets" / "reports" / k).read_bytes() == b"v"
            assert host.admin("DELETE", "/buckets/reports/" + quote(k)).status_code == 200
    elif method != "DELETE":
        assert now == had
    assert not list((host.state / "tmp").glob("*"))
    assert state_outside(host) == before


@FUZZ
@given(
    name=text,
    encode=st.booleans(),
    kind=st.sampled_from(["buckets", "queues", "tables", "topics", "dead", "streams"]),
)
@example(name="null", encode=True, kind="tables")
@example(name="..", encode=True, kind="buckets")
def test_resource_names(host: HostProcess, before: dict[str, Any], name: str, encode: bool,
                        kind: str) -> None:  # fmt: skip
    path = f"/admin/{kind}/".encode() + target(name, encode)
    for method in ("GET", "POST", "PUT", "DELETE"):
        send(host, method, path + (b"/k" if kind == "buckets" and method != "GET" else b""),
             b'{"body": 1}')  # fmt: skip
    send(host, "PUT", b"/admin/tables/items", json.dumps({"id": name}).encode())
    send(host, "GET", b"/admin/tables/items?key=" + quote(name).encode())
    send(host, "GET", b"/admin/tables/items?key=" + quote(json.dumps({"id": name})).encode())
    assert state_outside(host) == before


@FUZZ
@given(iid=text, encode=st.booleans(), query=text)
@example(iid="", encode=True, query="Running")
def test_management_paths(host: HostProcess, before: dict[str, Any], iid: str, encode: bool,
                          query: str) -> None:  # fmt: skip
    named = unquote(iid) == SENTINEL or iid == SENTINEL
    inst = f"{DURABLE}/instances/".encode() + target(iid, encode)
    send(host, "GET", inst)
    for action in (b"/terminate", b"/suspend", b"/resume", b"/raiseEvent/" + target(query, encode)):
        send(host, "POST", inst + action, b"1")
    if not named:
        send(host, "DELETE", inst)
    q = quote(query, safe="").encode()
    send(host, "GET", f"{DURABLE}/instances?".encode() + b"runtimeStatus=" + q + b"&top=" + q)
    send(host, "GET", f"{DURABLE}/instances?".encode() + b"createdTimeFrom=" + q)
    send(host, "DELETE", f"{DURABLE}/instances?instanceIdPrefix=fuzz-&runtimeStatus=".encode() + q)
    send(host, "POST", f"{DURABLE}/orchestrators/".encode() + target(iid, encode), b"1")
    send(host, "GET", inst, key=False)
    send(host, "GET", f"{DURABLE}/entities/".encode() + target(iid, encode) + b"/k")
    assert state_outside(host) == before


CLI_TEXT = text.filter(lambda s: "\x00" not in s)


@settings(FUZZ, max_examples=10)
@given(key=CLI_TEXT, name=CLI_TEXT)
@example(key="../../../runtime/webhooks/durabletask/instances", name="../buckets/other")
@example(key="a/../../other/keep.txt", name="%2e%2e")
def test_cli(host: HostProcess, before: dict[str, Any], key: str, name: str) -> None:
    """The CLI in-process (click's runner) against the real host."""
    from faas_iac.cli import cli

    app, state = str(APP), str(host.state)
    had = reports(host)
    for args in (
        ["bucket", "put", app, "reports", key, "--data", "v"],
        ["bucket", "delete", app, "reports", key],
        ["bucket", "put", app, name, "k", "--data", "v"],
        ["table", "get", app, "items", key],
        ["send", app, name, "--data", "1"],
        ["durable", "status", key],
        ["durable", "purge", key],
    ):
        done = CliRunner().invoke(cli, [*args, "--state-dir", state])
        assert done.exit_code in (0, 2), (args, done.exit_code, done.output)
        assert done.exception is None or isinstance(done.exception, SystemExit), args
    assert reports(host) == had  # each put was deleted again (or refused)
    assert state_outside(host) == before
