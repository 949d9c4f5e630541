"""Every generated definition passes the third-party checkers: asl-validator (npm) and cfn-lint
(E3601, inside an AWS::StepFunctions::StateMachine) for ASL; workflows-emulator's schema for
Workflows YAML. Each checker is first shown to reject a broken definition."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml
from workflows_emulator.main import WORKFLOW_SCHEMA

from tests.translate.targets import GOLDEN, REPO

ASL = sorted(GOLDEN.glob("*/aws/*.asl.json"))
YAMLS = sorted(GOLDEN.glob("*/gcp/*.yaml"))
VALIDATOR = REPO / "node_modules" / ".bin" / "asl-validator"
BROKEN_ASL = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}}}


def _asl_validator(paths: list[Path]) -> subprocess.CompletedProcess[str]:
    assert VALIDATOR.exists(), "run npm install (asl-validator is in package.json)"
    args = [str(VALIDATOR)]
    for path in paths:
        args += ["--json-path", str(path)]
    return subprocess.run(args, capture_output=True, text=True, timeout=120)


def test_there_is_something_to_check() -> None:
    assert len(ASL) >= 14 and len(YAMLS) >= 11


def test_asl_validator_accepts_every_state_machine(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(BROKEN_ASL))
    assert _asl_validator([broken]).returncode != 0
    done = _asl_validator(ASL)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("is valid") == len(ASL)


def _template(definitions: dict[str, object]) -> dict[str, object]:
    resources = {}
    for i, (name, definition) in enumerate(sorted(definitions.items())):
        resources[f"Machine{i}"] = {
            "Type": "AWS::StepFunctions::StateMachine",
            "Properties": {
                "StateMachineName": name,
                "Definition": definition,
                "RoleArn": "arn:aws:iam::123456789012:role/sfn",
            },
        }
    return {"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources}


def _cfn_lint(template: dict[str, object], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "template.json"
    path.write_text(json.dumps(template))
    exe = str(Path(sys.executable).parent / "cfn-lint")
    return subprocess.run(
        [exe, "--format", "parseable", str(path)], capture_output=True, text=True, timeout=300
    )


def test_cfn_lint_accepts_every_state_machine(tmp_path: Path) -> None:
    bad = {"StartAt": "A", "States": {"A": {"Type": "Task"}}}
    rejected = _cfn_lint(_template({"bad": bad}), tmp_path)
    assert "E3601" in rejected.stdout
    definitions = {
        p.parent.parent.name + "-" + p.name.split(".")[0]: json.loads(p.read_text()) for p in ASL
    }
    done = _cfn_lint(_template(definitions), tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("path", YAMLS, ids=lambda p: f"{p.parent.parent.name}-{p.stem}")
def test_workflows_schema_accepts(path: Path) -> None:
    jsonschema.validate(yaml.safe_load(path.read_text()), WORKFLOW_SCHEMA)


def test_workflows_schema_rejects_a_broken_definition() -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"main": {"steps": [{"a": {"call": 3}}]}}, WORKFLOW_SCHEMA)
