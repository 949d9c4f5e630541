"""``faas-iac check`` as CI runs it: exit codes, the threshold, reports written to a file, the
configuration in pyproject.toml and inline suppressions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from faas_iac.cli import cli
from faas_iac.policy import config as policy_config
from tests.policy.helpers import check_app, write_app

ANONYMOUS = '@app.http("/hook", auth="anonymous")\ndef hook(req, ctx): ...\n'
SHORT = (
    'app.declare(Queue("jobs", visibility_timeout=10))\n\n\n'
    '@app.queue("jobs", timeout=60, dead_letter=True)\ndef job(msg, ctx): ...\n'
)


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["check", *args])
    return result.exit_code, result.output


def test_exit_codes(tmp_path: Path) -> None:
    clean = write_app(tmp_path, '@app.http("/ok")\ndef ok(req, ctx): ...\n')
    warned = write_app(tmp_path, ANONYMOUS)
    failing = write_app(tmp_path, SHORT)
    assert run(str(clean), "-p", "local")[0] == 0
    assert run(str(warned), "-p", "local")[0] == 0  # a warning, under the default threshold
    assert run(str(warned), "-p", "local", "--severity", "warning")[0] == 1
    code, out = run(str(failing), "-p", "local", "-p", "aws")
    assert code == 1 and "error FIAC743 [local, aws]" in out
    assert run(str(clean), "-p", "nowhere")[0] == 2
    assert run(str(tmp_path / "missing.py"))[0] == 2
    assert run(str(clean), "-O", "plan=premium")[0] == 2  # options name their target
    bad = write_app(tmp_path, '@app.http("/x", batch_size=3)\ndef x(req, ctx): ...\n')
    code, out = run(str(bad), "-p", "local")
    assert code == 2 and "FIAC101" in out  # an invalid app is a usage error, coded


def test_report_to_a_file_with_a_summary_on_stderr(tmp_path: Path) -> None:
    app = write_app(tmp_path, SHORT)
    out = tmp_path / "reports" / "check.sarif"
    result = CliRunner().invoke(
        cli, ["check", str(app), "-p", "local", "--format", "sarif", "-o", str(out)]
    )
    assert result.exit_code == 1
    assert json.loads(out.read_text())["runs"][0]["results"][0]["ruleId"] == "FIAC743"
    assert "FIAC743" in result.stderr


def write_config(folder: Path, text: str) -> None:
    (folder / "pyproject.toml").write_text(f"[tool.faas-iac.policy]\n{text}", encoding="utf-8")


def test_configuration_sets_severity_per_rule_and_per_path(tmp_path: Path) -> None:
    (tmp_path / "legacy").mkdir()
    app = write_app(tmp_path, ANONYMOUS)
    old = write_app(tmp_path / "legacy", ANONYMOUS)
    write_config(
        tmp_path,
        'providers = ["local"]\nseverity = { FIAC701 = "error" }\n\n'
        '[[tool.faas-iac.policy.overrides]]\npaths = ["legacy/**"]\ndisable = ["FIAC701"]\n',
    )
    code, out = run(str(app))
    assert code == 1 and "error FIAC701 [local]" in out
    assert run(str(old)) == (0, "no findings: app 'demo' on local\n")


@pytest.mark.parametrize(
    "text",
    [
        'disable = ["FIAC999"]',
        'severity = { FIAC701 = "fatal" }',
        "colour = true",
        '[[tool.faas-iac.policy.overrides]]\ndisable = ["FIAC701"]',
        'providers = ["aws", "heroku"]',
    ],
)
def test_a_configuration_mistake_is_a_usage_error(tmp_path: Path, text: str) -> None:
    write_config(tmp_path, text)
    code, out = run(str(write_app(tmp_path, ANONYMOUS)), "-p", "local")
    assert code == 2 and "FIAC792" in out and "pyproject.toml" in out


def test_suppressions_need_a_reason_and_must_suppress_something(tmp_path: Path) -> None:
    app = write_app(
        tmp_path,
        '@app.http("/a", auth="anonymous")  # faas-iac: ignore[FIAC701] signed webhook\n'
        "def a(req, ctx): ...\n\n\n"
        "# faas-iac: ignore[FIAC701] the payment provider calls it\n"
        '@app.http("/b", auth="anonymous")\ndef b(req, ctx): ...\n\n\n'
        '@app.http("/c", auth="anonymous")  # faas-iac: ignore[FIAC701]\ndef c(req, ctx): ...\n\n\n'
        '@app.http("/d")  # faas-iac: ignore[FIAC701] was public once\ndef d(req, ctx): ...\n\n\n'
        '@app.http("/e")  # faas-iac: ignore[FIAC799] no such rule\ndef e(req, ctx): ...\n\n\n'
        'NOTE = "# faas-iac: ignore[FIAC701] inside a string is no comment"\n',
    )
    report = check_app(app, ("local",))
    lines = app.read_text().splitlines()
    got = {(f.rule, lines[f.line - 1].split("(")[0].strip()) for f in report.findings}
    assert got == {
        ("FIAC701", "@app.http"),  # c: its suppression gives no reason, so it is not honoured
        ("FIAC790", "@app.http"),  # c's suppression
        ("FIAC790", "@app.http"),  # e's unknown rule
        ("FIAC791", "@app.http"),  # d's suppression suppresses nothing
    }
    by_rule = sorted((f.rule, f.line) for f in report.findings)
    line = {name: lines.index(next(x for x in lines if f'"/{name}"' in x)) + 1 for name in "acde"}
    assert by_rule == sorted(
        [
            ("FIAC701", line["c"]),
            ("FIAC790", line["c"]),
            ("FIAC790", line["e"]),
            ("FIAC791", line["d"]),
        ]
    )
    assert report.suppressed == 2


def test_config_is_found_above_the_app(tmp_path: Path) -> None:
    (tmp_path / "src" / "svc").mkdir(parents=True)
    write_config(tmp_path, 'disable = ["FIAC742"]')
    found = policy_config.load(tmp_path / "src" / "svc")
    assert found.level("FIAC742", None) == "off" and found.level("FIAC701", None) == "warning"
