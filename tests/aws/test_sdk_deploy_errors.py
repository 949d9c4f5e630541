"""`faas-iac deploy --engine sdk` on a machine set up as a new user's often is (no region, no
credentials, a missing profile, an endpoint that does not answer): a coded error saying what
to set, never a botocore traceback, and no state file written."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

from faas_iac.cli import cli

APP = (
    "from faas_iac import App\n\napp = App('first')\n\n\n"
    "@app.http('/hello', auth='anonymous')\ndef hello(req, ctx):\n    return 'hi'\n"
)


@pytest.fixture
def bare_machine(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No AWS configuration at all: no environment, no config or credentials file, no
    instance metadata."""
    for key in (
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
    ):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    app = tmp_path / "first" / "app.py"
    app.parent.mkdir()
    app.write_text(APP)
    return app


def deploy(app: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        cli, ["deploy", str(app), "-p", "aws", "-y", "--state", str(app.parent / "s.json"), *args]
    )
    assert not (app.parent / "s.json").exists()
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"traceback: {result.exception!r}\n{result.output}")
    return result.exit_code, result.output


def test_no_region_is_a_coded_error(bare_machine: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "x")
    code, output = deploy(bare_machine)
    assert code == 2
    assert "error FIAC307: no AWS region is set" in output
    assert "--region" in output and "AWS_REGION" in output


def test_no_credentials_is_a_coded_error(bare_machine: Path) -> None:
    code, output = deploy(bare_machine, "--region", "eu-west-1")
    assert code == 2
    assert "error FIAC308: no AWS credentials found" in output
    assert "AWS_ACCESS_KEY_ID" in output and "aws configure" in output


def test_a_missing_profile_is_a_coded_error(
    bare_machine: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_PROFILE", "nope")
    code, output = deploy(bare_machine, "--region", "eu-west-1")
    assert code == 2
    assert "error FIAC308: AWS profile 'nope' is not configured" in output


def test_an_endpoint_that_does_not_answer_is_a_coded_error(
    bare_machine: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "x")
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    code, output = deploy(bare_machine, "--endpoint-url", f"http://127.0.0.1:{port}")
    assert code == 2
    assert f"error FIAC309: cannot reach AWS at http://127.0.0.1:{port}" in output
