"""A real ``moto_server`` subprocess on 127.0.0.1 and a free port, stopped by pid; moto's fake
credentials for the boto3 clients of this process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.local.hostproc import free_port


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
            # ours answering, not a server another process had on that port
            assert proc.poll() is None, f"moto_server exited with {proc.returncode}"
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


@contextmanager
def fake_credentials() -> Iterator[None]:
    """moto's fake credentials and region (values already set are kept), for boto3 clients and
    the subprocesses started meanwhile; the environment as it was afterwards, so the tests that
    run next in this process (an xdist worker's next file) do not depend on which ran before."""
    with pytest.MonkeyPatch.context() as env:
        for key, value in {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
        }.items():
            env.setenv(key, os.environ.get(key, value))
        yield
