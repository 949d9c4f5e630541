"""HTTP throughput of `faas-iac dev` against Google's functions-framework, in the same run.

Every server serves the same trivial JSON function (benchmarks/hello/), written once as a plain
function and once as a coroutine, on 127.0.0.1, driven by the same load generator: wrk when it
is installed, else a Python keep-alive client. The peer runs in both of its modes: its default
(Flask under gunicorn) and ``--asgi`` (Starlette under uvicorn, which awaits a coroutine
directly). Prints req/s, p50/p99 latency and each server's time from process start to first
200, then the ratio of ours to each peer row of the same handler shape; the headline divides
our best row by the strongest peer row.

    python benchmarks/http_serving.py [--duration 10] [--connections 32]
    python benchmarks/http_serving.py --startups 10    # start-up only
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: ``--pin``: each server on CPU 0 and the load generator on CPU 1 (both servers alike).
PIN_SERVER: list[str] = []
PIN_CLIENT: list[str] = []
BIN = Path(sys.executable).parent


@dataclass
class Result:
    name: str
    startup_s: float
    rps: float
    p50_ms: float
    p99_ms: float


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def first_200(port: int, path: str, proc: subprocess.Popen[bytes], started: float) -> float:
    while time.perf_counter() - started < 30:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}")
        try:  # a raw request: no client library's start-up in the timing
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
                if s.recv(64).startswith(b"HTTP/1.1 200"):
                    return time.perf_counter() - started
        except OSError:
            pass  # not listening yet: poll again
        time.sleep(0.002)
    raise SystemExit("server did not answer within 30 s")


def wrk(url: str, duration: int, connections: int) -> tuple[float, float, float]:
    out = subprocess.run(
        [*PIN_CLIENT, "wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def ms(label: str) -> float:
        m = re.search(rf"{label}\s+([\d.]+)(us|ms|s)\b", out)
        assert m, out
        return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    return rps, ms("50%"), ms("99%")


async def _client(host: str, port: int, path: str, until: float, lat: list[float]) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    request = f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()
    while time.perf_counter() < until:
        t = time.perf_counter()
        writer.write(request)
        head = await reader.readuntil(b"\r\n\r\n")
        m = re.search(rb"(?i)content-length:\s*(\d+)", head)
        await reader.readexactly(int(m.group(1)) if m else 0)
        lat.append(time.perf_counter() - t)
    writer.close()


def python_load(url: str, duration: int, connections: int) -> tuple[float, float, float]:
    m = re.match(r"http://([^:/]+):(\d+)(/.*)", url)
    assert m
    lat: list[float] = []

    async def main() -> None:
        until = time.perf_counter() + duration
        await asyncio.gather(
            *(
                _client(m.group(1), int(m.group(2)), m.group(3), until, lat)
                for _ in range(connections)
            )
        )

    asyncio.run(main())
    q = statistics.quantiles(lat, n=100)
    return len(lat) / duration, q[49] * 1000, q[98] * 1000


@dataclass
class Server:
    name: str
    cmd: list[str]
    port: int
    path: str
    proc: subprocess.Popen[bytes] | None = None
    startup_s: float = 0.0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.path}"

    def start(self) -> None:
        started = time.perf_counter()
        self.proc = subprocess.Popen(
            [*PIN_SERVER, *self.cmd],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=HERE.parent,
            start_new_session=True,  # its own process group: the workers it forks stop with it
        )
        self.startup_s = first_200(self.port, self.path, self.proc, started)

    def stop(self) -> None:
        if self.proc is None:
            return
        group = os.getpgid(self.proc.pid)
        os.killpg(group, signal.SIGINT)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(15)
        with contextlib.suppress(ProcessLookupError):  # the group may be gone already
            os.killpg(group, signal.SIGKILL)
        self.proc.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--python-client", action="store_true", help="do not use wrk")
    parser.add_argument(
        "--pin",
        action="store_true",
        help="servers on CPU 0, load generator on CPU 1 (needs taskset)",
    )
    parser.add_argument(
        "--startups",
        type=int,
        default=0,
        help="only time process start to first 200, N alternating starts of each server",
    )
    args = parser.parse_args()
    if args.pin and shutil.which("taskset"):
        PIN_SERVER[:] = ["taskset", "-c", "0"]
        PIN_CLIENT[:] = ["taskset", "-c", "1"]
    if args.startups:
        startups(args.startups)
        return
    load = wrk if shutil.which("wrk") and not args.python_client else python_load
    with tempfile.TemporaryDirectory() as state:
        port = free_port()
        dev = [str(BIN / "faas-iac"), "dev", str(HERE / "hello" / "app.py"), "--port", str(port)]
        dev += ["--state-dir", state, "--log-level", "warning"]
        ours = [
            Server("faas-iac dev (def)", dev, port, "/api/hello"),
            Server("faas-iac dev (async def)", dev, port, "/api/hello_async"),
        ]
        peers = [
            peer("functions-framework (def)", "hello", []),
            peer("ff --asgi (def)", "hello", ["--asgi"]),
            peer("ff --asgi (async def)", "hello_async", ["--asgi"]),
        ]
        servers = [*ours, *peers]
        runs: dict[str, list[tuple[float, float, float]]] = {s.name: [] for s in servers}
        try:
            for server in servers:
                if server is ours[1]:  # one host serves both of our routes
                    server.startup_s = ours[0].startup_s
                else:
                    server.start()
                load(server.url, 1, args.connections)  # warm-up
            # Rounds alternate between the servers, so a neighbour's load on this shared
            # machine falls on all alike; the median round of each is reported.
            for _ in range(args.rounds):
                for server in servers:
                    runs[server.name].append(load(server.url, args.duration, args.connections))
        finally:
            for server in (ours[0], *peers):
                server.stop()
    results = {}
    for server in servers:
        rps, p50, p99 = sorted(runs[server.name])[len(runs[server.name]) // 2]
        results[server.name] = Result(server.name, server.startup_s, rps, p50, p99)
    tool = "wrk" if load is wrk else "python client"
    print(
        f"load: {tool}, {args.connections} connections, {args.rounds} alternating rounds of "
        f"{args.duration} s per server (median shown), {os.cpu_count()} cores shared by the "
        f"servers and the client{' (pinned: servers CPU 0, client CPU 1)' if PIN_SERVER else ''}"
    )
    print(f"{'server':<28}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'start→200 s':>14}  rounds")
    for r in results.values():
        each = ", ".join(f"{x[0]:.0f}" for x in runs[r.name])
        print(
            f"{r.name:<28}{r.rps:>10.0f}{r.p50_ms:>10.2f}{r.p99_ms:>10.2f}"
            f"{r.startup_s:>14.3f}  {each}"
        )
    for mine in ours:
        shape = "(" + mine.name.split("(")[1]
        for other in peers:
            if other.name.endswith(shape):
                ratio = results[mine.name].rps / results[other.name].rps
                print(f"ratio {mine.name} / {other.name}: {ratio:.2f}x")
    best_ours = max((results[s.name] for s in ours), key=lambda r: r.rps)
    strongest = max((results[s.name] for s in peers), key=lambda r: r.rps)
    print(
        f"headline (our best / strongest peer): {best_ours.name} / {strongest.name} = "
        f"{best_ours.rps / strongest.rps:.2f}x"
    )


def startups(n: int) -> None:
    """Start each server ``n`` times, alternating (a neighbour's load falls on all alike), and
    print the minimum and median time from process start to the first 200."""
    times: dict[str, list[float]] = {}
    for _ in range(n):
        with tempfile.TemporaryDirectory() as state:
            port = free_port()
            dev = [str(BIN / "faas-iac"), "dev", str(HERE / "hello" / "app.py")]
            dev += ["--port", str(port), "--state-dir", state, "--log-level", "warning"]
            servers = [
                Server("faas-iac dev", dev, port, "/api/hello"),
                peer("functions-framework", "hello", []),
                peer("ff --asgi", "hello", ["--asgi"]),
            ]
            for server in servers:
                try:
                    server.start()
                finally:
                    server.stop()
                times.setdefault(server.name, []).append(server.startup_s)
    print(f"start→first 200, {n} alternating starts each, {os.cpu_count()} cores")
    print(f"{'server':<24}{'min s':>8}{'median s':>10}")
    for name, each in times.items():
        print(f"{name:<24}{min(each):>8.3f}{statistics.median(each):>10.3f}")
    ours = min(times["faas-iac dev"])
    for name in ("functions-framework", "ff --asgi"):
        ratio = ours / min(times[name])
        print(f"ratio faas-iac dev / {name} (min): {ratio:.2f}x (below 1: faas-iac starts faster)")


def peer(name: str, target: str, mode: list[str]) -> Server:
    port = free_port()
    cmd = [str(BIN / "functions-framework"), "--target", target, *mode]
    cmd += ["--source", str(HERE / "hello" / "main.py"), "--host", "127.0.0.1", "--port", str(port)]
    return Server(name, cmd, port, "/")


if __name__ == "__main__":
    main()
