"""What the Azure provider refuses, with a stable code, a location and a fix; never silently."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from faas_iac.api import load
from faas_iac.cli import cli
from faas_iac.errors import CODES, FaasError
from faas_iac.plan import compile_app

HEAD = """
from faas_iac import App, Context, HttpRequest, Message, TimerInfo, Topic
app = App("bad")
"""


def _compile(tmp_path: Path, body: str, **options: str) -> FaasError:
    path = tmp_path / "app.py"
    path.write_text(HEAD + textwrap.dedent(body))
    model, root = load(str(path))
    with pytest.raises(FaasError) as info:
        compile_app(model, root, "azure", options)
    return info.value


CASES = {
    "FIAC402": (
        """
        @app.schedule("0 2 * * *", tz="Europe/Paris")
        def a(timer: TimerInfo, ctx: Context) -> None: ...
        @app.schedule("0 3 * * *", tz="America/New_York")
        def b(timer: TimerInfo, ctx: Context) -> None: ...
        """,
        {"plan": "premium"},
        "one time zone",
    ),
    "FIAC403": (
        """
        @app.queue("jobs", visibility_timeout=900, timeout=900)
        def slow(msg: Message, ctx: Context) -> None: ...
        """,
        {"plan": "consumption"},
        "plan=flex",
    ),
    "FIAC404": (
        """
        @app.http("/me", auth="iam")
        def me(req: HttpRequest, ctx: Context) -> None: ...
        """,
        {},
        "auth='function'",
    ),
    "FIAC405": (
        """
        app.declare(Topic("news"))
        @app.topic("news", filter={"nested": {"a": 1}})
        def on(msg: Message, ctx: Context) -> None: ...
        """,
        {},
        "attr",
    ),
    "FIAC406": (
        """
        @app.http("/a", env={"MODE": "x"})
        def a(req: HttpRequest, ctx: Context) -> None: ...
        @app.http("/b", env={"MODE": "y"})
        def b(req: HttpRequest, ctx: Context) -> None: ...
        """,
        {},
        "different names",
    ),
    "FIAC201": (
        """
        @app.schedule(every="7 minutes")
        def tick(timer: TimerInfo, ctx: Context) -> None: ...
        """,
        {},
        "every 5 minutes",
    ),
    "FIAC413": (
        """
        @app.http("/r", name="faas_iac_retry")
        def r(req: HttpRequest, ctx: Context) -> None: ...
        """,
        {},
        "rename",
    ),
    "FIAC400": (
        """
        @app.http("/a")
        def a(req: HttpRequest, ctx: Context) -> None: ...
        """,
        {"plan": "dedicated"},
        "flex",
    ),
}


@pytest.mark.parametrize("code", sorted(CASES))
def test_refusal_is_coded_located_and_fixable(code: str, tmp_path: Path) -> None:
    body, options, fix = CASES[code]
    error = _compile(tmp_path, body, **options)
    assert error.codes == [code]
    diag = error.diagnostics[0]
    assert code in CODES
    assert fix in diag.fix
    if code not in ("FIAC400",):
        assert diag.location.startswith("app.py:") or diag.path.startswith("functions.")


def test_cli_prints_the_refusal_without_a_traceback(tmp_path: Path) -> None:
    """Premium has one WEBSITE_TIME_ZONE; Flex keeps each schedule's zone itself."""
    body, _, _ = CASES["FIAC402"]
    path = tmp_path / "app.py"
    path.write_text(HEAD + textwrap.dedent(body))
    result = CliRunner().invoke(cli, ["plan", str(path), "-p", "azure", "-O", "plan=premium"])
    assert result.exit_code == 2
    assert "FIAC402" in result.output and "Traceback" not in result.output
    ok = CliRunner().invoke(cli, ["plan", str(path), "-p", "azure"])
    assert ok.exit_code == 0, ok.output
    assert "azure-native:web:WebApp" in ok.output


def test_status_needs_a_status_provider_and_a_subscription(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "app.py"
    path.write_text(HEAD + "@app.http('/a')\ndef a(req: HttpRequest, ctx: Context) -> None: ...\n")
    local = CliRunner().invoke(cli, ["status", str(path), "-p", "local"])
    assert local.exit_code == 2 and "FIAC205" in local.output
    monkeypatch.delenv("AZURE_SUBSCRIPTION_ID", raising=False)
    azure = CliRunner().invoke(cli, ["status", str(path), "-p", "azure"])
    assert azure.exit_code == 2 and "FIAC410" in azure.output
