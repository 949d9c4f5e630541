"""A real ``moto_server`` subprocess on 127.0.0.1 and a free port, stopped by pid."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def moto_server() -> Iterator[str]:
    port = free_port()
    exe = Path(sys.executable).with_name("moto_server")
    proc = subprocess.Popen(
        [str(exe), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{url}/moto-api/", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        # No Docker here: Lambda invocations (rule targets, Step Functions tasks) use moto's
        # in-process Lambda, and Step Functions executions really run.
        config = {"lambda": {"use_docker": False}, "stepfunctions": {"execute_state_machine": True}}
        request = urllib.request.Request(
            f"{url}/moto-api/config",
            data=json.dumps(config).encode(),
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        urllib.request.urlopen(request, timeout=5)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
