"""The README's example end to end (HTTP → queue → durable orchestration), reload on source
change, and `faas-iac invoke`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.local.hostproc import ROOT, HostProcess, wait_for

SHOP = ROOT / "examples" / "shop" / "app.py"
TRIGGERS = ROOT / "examples" / "triggers" / "app.py"
#: The host writes ``.pyc`` files, as on a developer's machine (some CI images forbid them).
WRITES_PYC = {"PYTHONDONTWRITEBYTECODE": ""}


def test_shop_order_runs_its_orchestration(tmp_path: Path) -> None:
    with HostProcess(SHOP, tmp_path / "state", "--no-reload") as host, host.client() as c:
        key = host.keys["functions"]["place_order"]
        order = {"id": "o-1", "items": ["book"], "total": 12}
        r = c.post("/api/orders", json=order, headers={"x-functions-key": key})
        assert r.status_code == 200 and r.json() == {"accepted": "o-1"}

        def completed() -> list[dict[str, Any]]:
            r = c.get("/runtime/webhooks/durabletask/instances", params={"code": host.master})
            return [i for i in r.json() if i["runtimeStatus"] == "Completed"]

        done = wait_for(completed, timeout=15)
        assert done[0]["name"] == "fulfil_order"
        assert done[0]["output"] == {"order": "o-1", "reserved": True, "charged": "charged 12"}
        denied = c.get("/runtime/webhooks/durabletask/instances", params={"code": key})
        assert denied.status_code == 401
    out = host.out_path.read_text()
    assert host.master in out and key in out  # keys are printed at start
    assert oct((host.state / "keys.json").stat().st_mode & 0o777) == "0o600"


def test_reload_on_source_change_keeps_serving(tmp_path: Path) -> None:
    app_dir = tmp_path / "app"
    app_dir.mkdir()
    src = (
        "from faas_iac import App\n"
        "app = App('live', http_auth='anonymous')\n"
        "@app.http('/v', methods=['GET'])\n"
        "def v(req, ctx):\n"
        "    return {'version': VERSION}\n"
    )
    (app_dir / "app.py").write_text(src.replace("VERSION", "1"))
    with HostProcess(app_dir / "app.py", tmp_path / "state", env=WRITES_PYC) as host, \
            host.client() as c:  # fmt: skip
        assert c.get("/api/v").json() == {"version": 1}
        (app_dir / "app.py").write_text(src.replace("VERSION", "2"))
        statuses: list[int] = []

        def reloaded() -> bool:
            r = c.get("/api/v")
            statuses.append(r.status_code)
            return bool(r.json() == {"version": 2})

        wait_for(reloaded, timeout=10, every=0.01, why=host.log)
        assert set(statuses) == {200}  # no request failed while the app reloaded
        (app_dir / "app.py").write_text(src.replace("VERSION", "2") + "def broken(:\n")
        wait_for(lambda: "reload failed" in host.log(), timeout=10, why=host.log)
        assert c.get("/api/v").json() == {"version": 2}  # the previous version still serves
        (app_dir / "app.py").write_text(src.replace("VERSION", "3"))
        wait_for(lambda: c.get("/api/v").json() == {"version": 3}, timeout=10, why=host.log)
    failed = [ln for ln in host.log_lines() if "reload failed" in ln.get("msg", "")]
    assert failed[0]["code"] == "FIAC001" and "app.py:6" in failed[0]["msg"]


def test_a_save_of_the_same_size_within_the_second_reloads(tmp_path: Path) -> None:
    """Python checks a ``.pyc`` against its source's size and modification time in whole
    seconds: a save that keeps both (one digit edited within the second) must still reload,
    the app file and a module it imports. The times are set back by hand: the case is sure."""
    app_dir = tmp_path / "app"
    app_dir.mkdir()
    helper = app_dir / "helper.py"
    helper.write_text("HELPER = 1\n")
    src = (
        "from faas_iac import App\n"
        "from helper import HELPER\n"
        "app = App('same', http_auth='anonymous')\n"
        "@app.http('/v', methods=['GET'])\n"
        "def v(req, ctx):\n"
        "    return {'app': APP, 'helper': HELPER}\n"
    )
    app_py = app_dir / "app.py"
    app_py.write_text(src.replace("APP", "1"))
    with HostProcess(app_py, tmp_path / "state", env=WRITES_PYC) as host, host.client() as c:
        assert c.get("/api/v").json() == {"app": 1, "helper": 1}
        assert list(app_dir.glob("__pycache__/helper.*.pyc"))  # the case: a .pyc to mistake
        steps = [(app_py, src.replace("APP", "2"), {"app": 2, "helper": 1}),
                 (helper, "HELPER = 2\n", {"app": 2, "helper": 2})]  # fmt: skip
        for path, text, want in steps:
            before = path.stat()
            path.write_text(text)
            os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
            wait_for(lambda want=want: c.get("/api/v").json() == want, timeout=10, why=host.log)


def _cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "faas_iac", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=60,
    )


def test_invoke_calls_one_function_against_the_state_folder(tmp_path: Path) -> None:
    state = str(tmp_path / "state")
    r = _cli("invoke", str(TRIGGERS), "hello", "--state-dir", state)
    assert r.returncode == 2 and "FIAC815" in r.stderr and "--path" in r.stderr
    r = _cli("invoke", str(TRIGGERS), "hello", "--path", "/hello/ada?lang=fr", "--state-dir", state)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith('200 application/json\n{"hello":"ada","lang":"fr"}')
    r = _cli(
        "invoke",
        str(TRIGGERS),
        "on_job",
        "--data",
        '{"key": "f", "fail": true}',
        "--state-dir",
        state,
    )
    assert r.returncode == 2 and "FIAC809" in r.stderr and "app.py:" in r.stderr
    assert "Traceback" not in r.stderr
    r = _cli("invoke", str(TRIGGERS), "add_item", "--data", '{"id": "x9"}', "--state-dir", state)
    assert r.returncode == 0 and '{"stored":"x9"}' in r.stdout
    r = _cli("invoke", str(TRIGGERS), "on_job", "--data", '{"key": "k"}', "--state-dir", state)
    assert r.returncode == 0, r.stderr
    # both writes landed in the state folder a host would serve
    with HostProcess(TRIGGERS, tmp_path / "state", "--no-reload") as host:
        item = host.admin("GET", "/tables/seen", params={"key": '{"id": "queue:k"}'}).json()
        assert item["item"]["deliveries"] == 1
        key = {"key": '{"id": "table:x9"}'}
        wait_for(lambda: host.admin("GET", "/tables/seen", params=key).json()["item"])
    r = _cli("invoke", str(TRIGGERS), "nope", "--state-dir", state)
    assert r.returncode == 2 and "FIAC814" in r.stderr and "Traceback" not in r.stderr


def test_commands_without_a_host_say_how_to_start_one(tmp_path: Path) -> None:
    r = _cli("send", str(TRIGGERS), "jobs", "--data", "{}", "--state-dir", str(tmp_path))
    assert r.returncode == 2 and "FIAC811" in r.stderr and "faas-iac dev" in r.stderr


def test_a_second_host_on_the_same_state_folder_is_refused(tmp_path: Path) -> None:
    app = tmp_path / "app.py"
    shutil.copy(ROOT / "benchmarks" / "hello" / "app.py", app)
    with HostProcess(app, tmp_path / "state", "--no-reload"):
        r = _cli("dev", str(app), "--state-dir", str(tmp_path / "state"), "--port", "0")
        assert r.returncode == 2 and "FIAC810" in r.stderr


def test_a_taken_port_is_a_clear_error(tmp_path: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        r = _cli("dev", str(TRIGGERS), "--state-dir", str(tmp_path), "--port", port)
    assert r.returncode == 2 and "FIAC816" in r.stderr and "--port" in r.stderr
    assert "Traceback" not in r.stderr


def test_invoke_of_a_durable_client_uses_the_running_host(tmp_path: Path) -> None:
    state = tmp_path / "state"
    data = '{"id": "o-9", "items": [1], "total": 3}'
    r = _cli("invoke", str(SHOP), "take_order", "--data", data, "--state-dir", str(state))
    assert r.returncode == 2 and "FIAC811" in r.stderr
    with HostProcess(SHOP, state, "--no-reload") as host, host.client() as c:
        r = _cli("invoke", str(SHOP), "take_order", "--data", data, "--state-dir", str(state))
        assert r.returncode == 0, r.stderr

        def outputs() -> list[Any]:
            r = c.get("/runtime/webhooks/durabletask/instances", params={"code": host.master})
            return [i["output"] for i in r.json() if i["runtimeStatus"] == "Completed"]

        assert wait_for(outputs) == [{"order": "o-9", "reserved": True, "charged": "charged 3"}]
