"""A real `faas-iac dev` host serving examples/durable/app.py, shared by the pattern tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from faas_iac.durable import HttpDurableClient
from tests.local.hostproc import ROOT, HostProcess

PATTERNS_APP = ROOT / "examples" / "durable" / "app.py"


@pytest.fixture(scope="module")
def host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostProcess]:
    state: Path = tmp_path_factory.mktemp("durable") / "state"
    with HostProcess(PATTERNS_APP, state) as proc:
        yield proc


@pytest.fixture(scope="module")
def client(host: HostProcess) -> HttpDurableClient:
    return HttpDurableClient(host.url, host.master)
