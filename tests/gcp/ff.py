"""The generated GCP source under the real functions-framework: write ``gcp-app/`` for an app
and serve one of its targets on a free 127.0.0.1 port in a subprocess (functions-framework
serves one function per process, as Cloud Functions does). ``PYTHONPATH`` is the generated
folder alone first, so the copied shim and adapter are what runs."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from faas_iac_gcp.emit import generated_files

from faas_iac.api import load
from faas_iac.plan import build_code_zip
from faas_iac.plan.sources import app_files
from tests.local.hostproc import free_port, wait_for


def write_app(app: Path, out: Path) -> Path:
    """``gcp-app/`` for ``app`` under ``out``; returns the folder."""
    model, root = load(str(app))
    folder = out / "gcp-app"
    for rel, data in generated_files(model, build_code_zip(app_files(model, root))).items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return folder


@contextmanager
def serve(folder: Path, target: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """``functions-framework --target TARGET`` in ``folder``; yields its base URL."""
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "functions_framework",
        "--target",
        target,
        "--source",
        str(folder / "main.py"),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    full_env = {**os.environ, "PYTHONPATH": str(folder), **(env or {})}
    log = folder / f"{target}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=folder, env=full_env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"

    def up() -> bool:
        if proc.poll() is not None:
            raise AssertionError(f"functions-framework exited:\n{log.read_text()}")
        return listening(port)

    try:
        wait_for(up, timeout=30)
        yield url
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def listening(port: int) -> bool:
    """Whether something accepts connections on 127.0.0.1:``port`` (a plain socket: no HTTP
    client's exception classes to depend on)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def log_of(folder: Path, target: str) -> str:
    return (folder / f"{target}.log").read_text()
