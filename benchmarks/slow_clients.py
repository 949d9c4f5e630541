"""Normal requests while 200 clients never finish their headers and one sends a 64 MiB header:
`faas-iac dev` against Google's functions-framework, in the same run.

For each server: req/s and p50/p99 latency of a trivial function with no attack, then again
during the attack, how many of the slow connections the server closed, and how many bytes of
the huge header it took before refusing it. (tests/local/test_slow_clients.py asserts the
closing and the successes; the timing figures are here.)

    python benchmarks/slow_clients.py [--duration 5] [--connections 32]
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from http_serving import BIN, HERE, Server, free_port, python_load, wrk

SLOW = 200
HUGE = 64 * 1024 * 1024
HEADER_TIMEOUT_S = 2


class Attack:
    """200 connections sending a partial head (half of them a byte every 0.2 s) and one
    connection sending a 64 MiB header, until stopped."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.stop = threading.Event()
        self.slow: list[socket.socket] = []
        self.huge_sent = 0
        self.threads = [threading.Thread(target=self._dribble), threading.Thread(target=self._huge)]

    def __enter__(self) -> Attack:
        for _ in range(SLOW):
            s = socket.create_connection(("127.0.0.1", self.port))
            s.sendall(b"GET / HTTP/1.1\r\nhost: x\r\n")
            self.slow.append(s)
        for t in self.threads:
            t.start()
        return self

    def _dribble(self) -> None:
        while not self.stop.wait(0.2):
            for s in self.slow[::2]:
                with contextlib.suppress(OSError):
                    s.send(b"x")

    def _huge(self) -> None:
        with socket.create_connection(("127.0.0.1", self.port)) as s:
            s.sendall(b"GET / HTTP/1.1\r\nhost: x\r\nx-big: ")
            piece = b"a" * 65536
            try:
                while self.huge_sent < HUGE and not self.stop.is_set():
                    s.sendall(piece)
                    self.huge_sent += len(piece)
            except OSError:
                pass

    def closed_by_server(self) -> int:
        closed = 0
        for s in self.slow:
            s.setblocking(False)
            try:
                while s.recv(65536):
                    pass
                closed += 1  # b"": the server closed it
            except BlockingIOError:
                pass  # still open
            except OSError:
                closed += 1
        return closed

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(30)
        for s in self.slow:
            s.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds per measurement")
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    load = wrk if shutil.which("wrk") else python_load
    with tempfile.TemporaryDirectory() as state:
        port = free_port()
        ours = Server(
            "faas-iac dev",
            [str(BIN / "faas-iac"), "dev", str(HERE / "hello" / "app.py"), "--port", str(port),
             "--state-dir", state, "--log-level", "warning",
             "--header-timeout", str(HEADER_TIMEOUT_S)],
            port,
            "/api/hello",
        )  # fmt: skip
        port = free_port()
        peer = Server(
            "functions-framework",
            [str(BIN / "functions-framework"), "--target", "hello", "--source",
             str(HERE / "hello" / "main.py"), "--host", "127.0.0.1", "--port", str(port)],
            port,
            "/",
        )  # fmt: skip
        rows = []
        for server in (ours, peer):
            server.start()
            try:
                calm = load(server.url, args.duration, args.connections)
                with Attack(server.port) as attack:
                    time.sleep(0.5)
                    attacked = load(server.url, args.duration, args.connections)
                    time.sleep(max(0.0, HEADER_TIMEOUT_S + 1.0 - args.duration))
                    closed = attack.closed_by_server()
                rows.append((server.name, calm, attacked, closed, attack.huge_sent))
            finally:
                server.stop()
    print(f"load: {load.__name__}, {args.connections} connections, {args.duration} s each; "
          f"attack: {SLOW} slow heads + one 64 MiB header; faas-iac dev --header-timeout "
          f"{HEADER_TIMEOUT_S}")  # fmt: skip
    print(f"{'server':<22}{'calm req/s':>11}{'p99 ms':>8}{'attacked req/s':>16}{'p99 ms':>8}"
          f"{'slow closed':>13}{'huge header taken':>19}")  # fmt: skip
    for name, calm, attacked, closed, huge in rows:
        print(f"{name:<22}{calm[0]:>11.0f}{calm[2]:>8.2f}{attacked[0]:>16.0f}{attacked[2]:>8.2f}"
              f"{closed:>9}/{SLOW}{huge / 1024:>16.0f} KiB")  # fmt: skip


if __name__ == "__main__":
    main()
