"""`.faas/secrets.env` is read with python-dotenv's rules and re-read when it changes: a new
or changed secret works in a running `faas-iac dev` without a restart, and is redacted from
its logs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from faas_iac.local.keys import Secrets
from tests.local.hostproc import ROOT, HostProcess, wait_for

APP = ROOT / "tests" / "local" / "apps" / "hostile" / "app.py"

DOTENV = """\
# local secrets (this line is a comment)
export api-token="s3cr3t # not a comment"
db-password='single quoted'   # a comment after a value
plain = spaced value
escaped="line\\nbreak"
"""


def test_the_env_file_follows_dotenv_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "secrets.env").write_text(DOTENV)
    monkeypatch.setenv("FAAS_SECRET_ONLY_ENV", "from-env")
    monkeypatch.setenv("FAAS_SECRET_PLAIN", "loses-to-the-file")
    seen: list[str] = []
    names = ["api-token", "db-password", "plain", "escaped", "only-env", "unset"]
    secrets = Secrets(tmp_path, names, on_read=seen.extend)
    assert secrets.snapshot() == {
        "api-token": "s3cr3t # not a comment",
        "db-password": "single quoted",
        "plain": "spaced value",
        "escaped": "line\nbreak",
        "only-env": "from-env",
    }
    assert set(seen) == set(secrets.snapshot().values())
    assert secrets.get("undeclared") is None


def test_a_changed_file_is_read_again(tmp_path: Path) -> None:
    secrets = Secrets(tmp_path, ["api-token"])
    assert secrets.get("api-token") is None
    (tmp_path / "secrets.env").write_text("api-token=one\n")
    assert secrets.get("api-token") == "one"
    (tmp_path / "secrets.env").write_text("api-token=two-longer\n")
    assert secrets.get("api-token") == "two-longer"
    (tmp_path / "secrets.env").unlink()
    assert secrets.get("api-token") is None


@pytest.fixture()
def host(tmp_path: Path) -> Iterator[HostProcess]:
    with HostProcess(APP, tmp_path / "state", "--no-reload") as h:
        yield h


def test_a_new_secret_works_without_a_restart_and_is_never_logged(host: HostProcess) -> None:
    def token() -> httpx.Response:
        with host.client() as c:
            return c.get("/api/token", params={"code": host.master})

    missing = token()
    assert missing.status_code == 500
    (host.state / "secrets.env").write_text('export api-token="first value # kept"\n')
    assert token().json() == {"token": "first value # kept"}
    (host.state / "secrets.env").write_text("api-token='second value'\n")
    assert token().json() == {"token": "second value"}
    wait_for(lambda: "using ***" in host.log())
    assert "second value" not in host.log() and "first value" not in host.log()
