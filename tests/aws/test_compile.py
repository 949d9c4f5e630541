"""``faas-iac compile APP --provider aws``: plan.json, the code and adapter zips, one ASL file
per orchestrator (checked by asl-validator and cfn-lint's Step Functions schema, rule E3601),
byte-identical output for the same source, and coded errors for what Lambda cannot run."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import cfnlint.api
import pytest
from click.testing import CliRunner

from faas_iac.cli import cli
from faas_iac.errors import CODES, NotExpressible
from faas_iac.plan import compile_app

ROOT = Path(__file__).resolve().parents[2]
APPS = ["examples/shop/app.py", "tests/translate/apps/durable_app.py"]


def compile_to(app: str, out: Path) -> dict[str, bytes]:
    result = CliRunner().invoke(
        cli, ["compile", str(ROOT / app), "--provider", "aws", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


@pytest.mark.parametrize("app", APPS)
def test_compile_writes_plan_zips_and_state_machines(app: str, tmp_path: Path) -> None:
    first = compile_to(app, tmp_path / "a")
    assert compile_to(app, tmp_path / "b") == first  # reproducible, byte for byte
    plan = json.loads(first["plan.json"])
    machines = [r for r in plan["resources"] if r["type"] == "aws:sfn/stateMachine:StateMachine"]
    files = sorted(name for name in first if name.startswith("statemachines/"))
    assert files == sorted(f"statemachines/{m['properties']['name']}.asl.json" for m in machines)
    assert any(n.startswith("artifacts/aws-adapter-") for n in first)
    template = {"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}}
    for i, name in enumerate(files):
        definition = json.loads(first[name])
        template["Resources"][f"Machine{i}"] = {
            "Type": "AWS::StepFunctions::StateMachine",
            "Properties": {
                "Definition": definition,
                "RoleArn": "arn:aws:iam::123456789012:role/sfn",
            },
        }
    if files:
        validator = ROOT / "node_modules" / ".bin" / "asl-validator"
        assert validator.exists(), "run npm install (asl-validator is in package.json)"
        args = [str(validator)]
        for name in files:
            args += ["--json-path", str(tmp_path / "a" / name)]
        checked = subprocess.run(args, capture_output=True, text=True, timeout=120)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        # Every finding counts, warnings included: none is accepted.
        assert cfnlint.api.lint(json.dumps(template)) == []


def test_lambda_limits_are_coded_errors(tmp_path: Path) -> None:
    source = (
        "from faas_iac import App\n"
        "app = App('lim')\n"
        "@app.http('/slow', timeout=1200, memory=20480)\n"
        "def slow(req, ctx):\n    return None\n"
        "@app.queue('jobs', visibility_timeout=10, timeout=60)\n"
        "def job(msg, ctx):\n    return None\n"
    )
    (tmp_path / "app.py").write_text(source)
    from faas_iac.api import load

    model, root = load(str(tmp_path / "app.py"))
    with pytest.raises(NotExpressible) as err:
        compile_app(model, root, "aws")
    codes = err.value.codes
    assert codes == ["FIAC301", "FIAC301", "FIAC302"]
    assert all(code in CODES for code in codes)
    text = err.value.render()
    assert "900" in text and "visibility_timeout=60" in text and "app.py" in text


def test_scaling_and_monitoring_options(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(
        "from faas_iac import App\n"
        "app = App('scale')\n"
        "@app.http('/hot', min_instances=2, max_instances=20, tracing=True,\n"
        "          log_retention_days=10, error_alert=False)\n"
        "def hot(req, ctx):\n    return None\n"
    )
    from faas_iac.api import load

    model, root = load(str(tmp_path / "app.py"))
    plan = compile_app(model, root, "aws").plan
    fn = plan.resource("fn-hot").properties
    assert fn["publish"] is True and fn["reserved_concurrent_executions"] == 20
    assert fn["tracing_config"] == {"mode": "Active"}
    provisioned = plan.resource("provisioned-hot").properties
    assert provisioned["provisioned_concurrent_executions"] == 2
    assert provisioned["qualifier"] == {"$sub": "${fn-hot.version}"}
    assert plan.resource("log-hot").properties["retention_in_days"] == 14  # next allowed value
    assert not [r for r in plan.resources if r.name == "alarm-hot"]
    route = plan.resource("route-hot-get").properties
    assert route["authorization_type"] == "AWS_IAM"  # auth="function" is never anonymous
