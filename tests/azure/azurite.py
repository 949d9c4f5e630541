"""Azurite (npm ``azurite``, installed by ``make test``'s ``npm install``): Azure Blob, Queue
and Table storage on 127.0.0.1, on ephemeral ports, in memory, no telemetry. The account is
made up per run (``AZURITE_ACCOUNTS``) with a random key, so no key is written anywhere."""

from __future__ import annotations

import base64
import os
import re
import secrets
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AZURITE = ROOT / "node_modules" / ".bin" / "azurite"
LISTENING = re.compile(r"Azurite (Blob|Queue|Table) service is successfully listening at (\S+)")


@dataclass(frozen=True)
class Azurite:
    account: str
    key: str
    blob: str  # service URLs, path-style: http://127.0.0.1:PORT/ACCOUNT
    queue: str
    table: str


@contextmanager
def azurite(workdir: Path, timeout: float = 30.0) -> Iterator[Azurite]:
    """Start Azurite, yield its endpoints once all three services listen, stop it."""
    if not AZURITE.exists():
        raise RuntimeError("azurite is not installed: run `make install` (npm install)")
    account, key = "faastest", base64.b64encode(secrets.token_bytes(32)).decode()
    env = {**os.environ, "AZURITE_ACCOUNTS": f"{account}:{key}"}
    args = [str(AZURITE), "--disableTelemetry", "--inMemoryPersistence", "--silent"]
    args += ["--extentMemoryLimit", "64", "--skipApiVersionCheck"]
    for service in ("blob", "queue", "table"):
        args += [f"--{service}Host", "127.0.0.1", f"--{service}Port", "0"]
    workdir.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(
        args, cwd=workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        urls: dict[str, str] = {}
        deadline = time.monotonic() + timeout
        assert proc.stdout is not None
        while len(urls) < 3:
            line = proc.stdout.readline()
            if not line or time.monotonic() > deadline:
                raise RuntimeError(f"azurite did not start (exit {proc.poll()}): {line!r}")
            found = LISTENING.search(line)
            if found:
                urls[found.group(1).lower()] = f"{found.group(2)}/{account}"
        yield Azurite(account, key, urls["blob"], urls["queue"], urls["table"])
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
