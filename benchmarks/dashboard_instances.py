"""The dashboard's instance list with 10,000 orchestrations in the store (target: the first
page answers in under 100 ms).

Fills a state folder's durable store with N finished instances (three orchestrators, three end
statuses, created over 30 days, each with its history), starts the real ``faas-iac dev
examples/approvals/app.py`` on it and times, over HTTP with the master key, the first page
(50, newest first) of ``/_faas/api/instances``: unfiltered and with each filter the page offers
(name, status, id prefix, created window), then the page after it by cursor. Side by side, the
same first page from the durable HTTP management API (``GET .../instances?top=50``, the Azure
Durable Functions shape the page could have used), in the same run on the same store.

    python benchmarks/dashboard_instances.py [--instances 10000] [--repeat 30]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from faas_iac.durable.store import Batch, Store

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "examples" / "approvals" / "app.py"
NAMES = ("approval", "breaks", "wait_forever")
ENDS = ("Completed", "Failed", "Terminated")
TARGET_MS = 100.0
DAY = 86_400.0


def fill(state: Path, count: int, now: float) -> str:
    """``count`` finished instances in the host's durable store; returns one instance id."""
    batch = Batch()
    one = ""
    for n in range(count):
        iid = hashlib.sha256(b"%d" % n).hexdigest()[:32]
        one = one or iid
        name, status = NAMES[n % 3], ENDS[n % 5 % 3]
        created = now - DAY * 30 * (n / count)
        data = json.dumps({"request": f"item {n}", "amount": n})
        error = json.dumps({"type": "ValueError", "message": "no"}) if status == "Failed" else None
        batch.instances.append(
            (iid, name, status, data, data, None, created, created + 1, None, None, 0, error)
        )
        batch.history.append((iid, 0, json.dumps({"type": "ExecutionStarted", "ts": created})))
        batch.history.append((iid, 1, json.dumps({"type": f"Execution{status}", "ts": created})))
    with Store(state / "durable.sqlite3") as store:
        store.commit(batch)
    return one


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def timed(client: httpx.Client, path: str, repeat: int) -> tuple[float, float, dict[str, object]]:
    """p50 and max milliseconds of ``repeat`` GETs of ``path`` (after one warm-up)."""
    body = client.get(path).raise_for_status().json()
    runs = []
    for _ in range(repeat):
        began = time.perf_counter()
        client.get(path).raise_for_status()
        runs.append((time.perf_counter() - began) * 1000)
    return statistics.median(runs), max(runs), body


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instances", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        state = Path(tmp) / "state"
        now = time.time()
        began = time.perf_counter()
        one = fill(state, args.instances, now)
        print(f"store: {args.instances} instances in {time.perf_counter() - began:.1f} s")
        port = free_port()
        cmd = [sys.executable, "-m", "faas_iac", "dev", str(APP), "--port", str(port)]
        cmd += ["--state-dir", str(state), "--no-reload", "--log-level", "warning"]
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, cwd=ROOT)
        try:
            deadline = time.monotonic() + 60
            while not (state / "host.json").exists():
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("faas-iac dev did not start")
                time.sleep(0.05)
            master = json.loads((state / "keys.json").read_text())["master"]
            url = f"http://127.0.0.1:{port}"
            return report(url, master, one, now, args.repeat)
        finally:
            proc.send_signal(signal.SIGINT)
            proc.wait(30)


def report(url: str, master: str, one: str, now: float, repeat: int) -> int:
    week_ago = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now - 7 * DAY))
    pages = {
        "first page": "/_faas/api/instances",
        "name=approval": "/_faas/api/instances?name=approval",
        "status=Failed": "/_faas/api/instances?status=Failed",
        f"prefix={one[:3]}": f"/_faas/api/instances?prefix={one[:3]}",
        "created last 7 days": f"/_faas/api/instances?from={week_ago}",
    }
    worst = 0.0
    headers = {"x-functions-key": master}
    with httpx.Client(base_url=url, headers=headers, timeout=30) as client:
        print(f"{'dashboard /_faas/api/instances':<44} {'p50 ms':>8} {'max ms':>8}  rows/total")
        for label, path in pages.items():
            p50, top, body = timed(client, path, repeat)
            worst = max(worst, p50)
            rows = body["instances"]
            assert isinstance(rows, list)
            print(f"  {label:<42} {p50:8.2f} {top:8.2f}  {len(rows)}/{body['total']}")
            if label == "first page":
                cursor = body["next"]
        p50, top, body = timed(client, f"/_faas/api/instances?cursor={cursor}", repeat)
        worst = max(worst, p50)
        rows = body["instances"]
        assert isinstance(rows, list)
        print(f"  {'second page (cursor)':<42} {p50:8.2f} {top:8.2f}  {len(rows)}")
        peer = "/runtime/webhooks/durabletask/instances?top=50"
        p50_peer, top_peer, listed = timed(client, peer, repeat)
        print(f"{'durable management API, top=50 (peer)':<44} {p50_peer:8.2f} {top_peer:8.2f}")
        first = timed(client, pages["first page"], repeat)[0]
        print(f"first page: {first:.2f} ms, {first / p50_peer:.2f}x the management API's")
    verdict = "ok" if worst < TARGET_MS else "TOO SLOW"
    print(f"slowest p50 {worst:.2f} ms (target < {TARGET_MS:.0f} ms): {verdict}")
    assert isinstance(listed, list) and len(listed) == 50
    return 0 if worst < TARGET_MS else 1


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
