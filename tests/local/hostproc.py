"""Start the real `faas-iac dev` host in a subprocess on a free 127.0.0.1 port."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A 127.0.0.1 port free now, for a server that cannot bind port 0 and say which port it
    got (moto_server, functions-framework). Between this probe and the server's bind another
    process could take the port; pytest-xdist workers (``PYTEST_XDIST_WORKER`` ``gwN`` of
    ``PYTEST_XDIST_WORKER_COUNT``) each keep to a share of the ports, so two workers never probe
    the same one. Shares are by ``port // 2``: Linux gives ``bind(("", 0))`` odd ports first."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    share = int(worker.removeprefix("gw"))
    shares = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    for _ in range(1000):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = int(s.getsockname()[1])
        if port // 2 % shares == share:
            return port
    raise AssertionError(f"no free port in worker {worker}'s share after 1000 tries")


def wait_for(
    check: Callable[[], Any],
    timeout: float = 10.0,
    every: float = 0.05,
    why: Callable[[], str] = lambda: "",
) -> Any:
    """``check()`` once it is true; on timeout an error with its last value and ``why()`` (a
    host's log, say)."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(every)
    raise AssertionError(f"condition not met within {timeout} s (last: {last!r}) {why()}")


class HostProcess:
    """`faas-iac dev APP` in a subprocess; stdout and stderr go to files in the state folder."""

    def __init__(self, app: Path, state: Path, *extra: str, env: dict[str, str] | None = None):
        self.app, self.state, self.extra = app, state, extra
        self.env = {**os.environ, **(env or {})}
        #: the host binds a free port itself (``--port 0``: no window for another process, e.g.
        #: another pytest-xdist worker, to take it first) and names it in its ``host.json``
        self.port = 0
        self.url = ""
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path = state.parent / f"{state.name}-host.log"
        self.out_path = state.parent / f"{state.name}-host.out"

    def start(self, timeout: float = 20.0) -> HostProcess:
        self.state.mkdir(parents=True, exist_ok=True)
        (self.state / "host.json").unlink(missing_ok=True)
        cmd = [
            sys.executable,
            "-m",
            "faas_iac",
            "dev",
            str(self.app),
            "--port",
            "0",
            "--state-dir",
            str(self.state),
            *self.extra,
        ]
        with self.log_path.open("ab") as err, self.out_path.open("ab") as out:
            self.proc = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=ROOT, env=self.env)
        wait_for(self._ready, timeout)
        return self

    def _ready(self) -> bool:
        assert self.proc is not None
        if self.proc.poll() is not None:
            raise AssertionError(f"host exited with {self.proc.returncode}:\n{self.log()}")
        try:
            url = str(json.loads((self.state / "host.json").read_text())["url"])
        except (OSError, ValueError):  # not there yet, or being written
            return False
        self.url, self.port = url, int(url.rsplit(":", 1)[1])
        return True

    @property
    def keys(self) -> dict[str, Any]:
        return dict(json.loads((self.state / "keys.json").read_text()))

    @property
    def master(self) -> str:
        return str(self.keys["master"])

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=15)

    def admin(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        with self.client() as c:
            return c.request(
                method, "/admin" + path, headers={"x-functions-key": self.master}, **kwargs
            )

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        """``faas-iac ARGS --state-dir STATE`` in a subprocess, against this host."""
        return subprocess.run(
            [sys.executable, "-m", "faas_iac", *args, "--state-dir", str(self.state)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=60,
        )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def log_lines(self) -> list[dict[str, Any]]:
        lines = []
        for line in self.log().splitlines():
            try:
                lines.append(json.loads(line))
            except ValueError:
                lines.append({"raw": line})
        return lines

    def stop(self, sig: int = signal.SIGINT, timeout: float = 20.0) -> int:
        if self.proc is None:
            return 0
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        code = self.proc.wait(timeout)
        self.proc = None
        return code

    def kill(self) -> None:
        self.stop(signal.SIGKILL)

    def __enter__(self) -> HostProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def raw_request(
    port: int, method: str, target: bytes, body: bytes = b"", key: str | None = None
) -> tuple[int, bytes]:
    """One request written exactly as given (no client normalises its path) on a fresh
    connection; the status and the whole reply."""
    head = [method.encode() + b" " + target + b" HTTP/1.1", b"host: x", b"connection: close",
            b"content-length: " + str(len(body)).encode()]  # fmt: skip
    if key is not None:
        head.append(b"x-functions-key: " + key.encode())
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(b"\r\n".join(head) + b"\r\n\r\n" + body)
        chunks = []
        while chunk := s.recv(65536):
            chunks.append(chunk)
    reply = b"".join(chunks)
    assert reply.startswith(b"HTTP/1.1 "), (target, reply[:200])
    return int(reply.split(b" ", 2)[1]), reply
