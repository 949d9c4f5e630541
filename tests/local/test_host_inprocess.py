"""The host built in-process: keys and secrets in the state folder, and an app with durable
functions served without the durable engine (through the host's engine seam)."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path

import pytest

from faas_iac.local.host import Host
from faas_iac.local.keys import load_keys, load_secrets
from tests.local.hostproc import ROOT


def test_keys_are_private_kept_and_extended(tmp_path: Path) -> None:
    first = load_keys(tmp_path, ["a"])
    assert (tmp_path / "keys.json").stat().st_mode & 0o777 == 0o600
    second = load_keys(tmp_path, ["a", "b"])
    assert second.master == first.master and second.functions["a"] == first.functions["a"]
    data = json.loads((tmp_path / "keys.json").read_text())
    assert set(data) == {"master", "functions"} and set(data["functions"]) == {"a", "b"}
    assert second.allows("a", first.functions["a"]) and second.allows("b", second.master)
    assert not second.allows("b", first.functions["a"]) and not second.allows("a", None)


def test_secrets_from_the_env_file_win_over_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "secrets.env").write_text("# local secrets\napi-token = from-file\n")
    monkeypatch.setenv("FAAS_SECRET_API_TOKEN", "from-env")
    monkeypatch.setenv("FAAS_SECRET_DB_PASSWORD", "pw-env")
    found = load_secrets(tmp_path, ["api-token", "db-password", "unset"])
    assert found == {"api-token": "from-file", "db-password": "pw-env"}


def test_durable_functions_without_an_engine_log_one_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    host = Host(str(ROOT / "examples" / "shop" / "app.py"), tmp_path, durable_host=lambda: None)

    async def run() -> None:
        runtime = await host.start()
        try:
            assert runtime.durable is None and host.app.served.durable is None
            assert host.app.served.router.match("/orders", "POST").target is not None
            assert {c.fn.name for c in runtime.consumers} == {"take_order", "nightly_report"}
        finally:
            await host.stop()

    with caplog.at_level(logging.WARNING, logger="faas_iac.host"):
        asyncio.run(run())
    warnings = [r for r in caplog.records if "durable engine" in r.getMessage()]
    assert len(warnings) == 1 and "serving everything else" in warnings[0].getMessage()
