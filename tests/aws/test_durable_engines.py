"""Which AWS engine runs each orchestrator when engines would call each other, and the coded
errors of the Lambda durable path: a sub-orchestrator that asks for Step Functions under a
durable caller (FIAC312, at the call's line), and a missing durable SDK (FIAC311, naming the
package to install). Every IAM statement of tests/aws/apps/durable_engines is judged by
tests/aws/test_pulumi.py."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from faas_iac.api import load
from faas_iac.cli import cli
from faas_iac.errors import FaasError
from faas_iac.plan import compile_app

ROOT = Path(__file__).resolve().parents[2]
APP = Path(__file__).resolve().parent / "apps" / "durable_engines" / "app.py"
SHOWN = "tests/aws/apps/durable_engines/app.py"


def _line(text: str, source: str) -> int:
    return next(n for n, line in enumerate(source.splitlines(), 1) if text in line)


def _refusal(path: Path) -> FaasError:
    model, root = load(str(path))
    with pytest.raises(FaasError) as caught:
        compile_app(model, root, "aws")
    return caught.value


def test_a_durable_callers_sub_orchestrators_follow_it() -> None:
    model, root = load(str(APP))
    plan = compile_app(model, root, "aws").plan
    source = APP.read_text()
    middle, leaf = _line('"middle"', source), _line('"leaf"', source)
    assert plan.notes == (
        "orchestrator 'alone' runs on Step Functions: the translator accepts it (no compute "
        "billed while it waits)",
        f"orchestrator 'leaf' runs on Lambda durable functions: 'middle' calls it "
        f"({SHOWN}:{leaf}) and runs on Lambda durable functions",
        "orchestrator 'machine' runs on Lambda durable functions: it calls 'leaf', which runs "
        "on Lambda durable functions",
        f"orchestrator 'middle' runs on Lambda durable functions: 'planner' calls it "
        f"({SHOWN}:{middle}) and runs on Lambda durable functions",
        "orchestrator 'planner' runs on Lambda durable functions: aws_engine=\"lambda_durable\"",
    )
    machines = {
        r.properties["name"]
        for r in plan.resources
        if r.type == "aws:sfn/stateMachine:StateMachine"
    }
    durable = {r.properties["name"] for r in plan.resources if "durable_config" in r.properties}
    assert machines == {"engines-alone"}
    assert durable == {f"engines-{n}" for n in ("leaf", "machine", "middle", "planner")}


def test_a_sub_orchestrator_asking_for_step_functions_is_refused_at_the_call(
    tmp_path: Path,
) -> None:
    source = APP.read_text().replace(
        "@app.orchestrator\ndef leaf", '@app.orchestrator(aws_engine="step_functions")\ndef leaf'
    )
    (tmp_path / "app.py").write_text(source)
    error = _refusal(tmp_path / "app.py")
    assert error.codes == ["FIAC312"]
    (d,) = error.diagnostics
    call = (
        _line('sub_orchestrator("leaf"', source.split("def middle")[1])
        + _line("def middle", source)
        - 1
    )
    assert d.location == f"{tmp_path / 'app.py'}:{call}"
    assert d.path == "functions.leaf.trigger.aws_engine"
    assert "'middle' runs on Lambda durable functions and calls 'leaf'" in d.message
    assert "drop aws_engine=\"step_functions\" from 'leaf'" in d.fix


def test_a_missing_durable_sdk_is_a_coded_error_naming_the_package(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "aws_durable_execution_sdk_python", None)  # not importable
    error = _refusal(APP)
    assert error.codes == ["FIAC311"]
    (d,) = error.diagnostics
    assert d.location == f"app.py:{_line('def leaf', APP.read_text()) - 1}"  # first by name
    assert "aws-durable-execution-sdk-python" in d.message
    assert "pip install 'aws-durable-execution-sdk-python>=3,<4'" in d.fix
    result = CliRunner().invoke(cli, ["plan", str(APP), "-p", "aws"])
    assert result.exit_code != 0
    assert "FIAC311" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("name", ["app.py", "azure_sample.py"])
def test_examples_durable_has_no_refused_orchestrator_and_says_each_engine(name: str) -> None:
    model, root = load(str(ROOT / "examples" / "durable" / name))
    plan = compile_app(model, root, "aws").plan  # no FaasError: nothing refused
    orchestrators = sorted(fn.name for fn in model.functions if fn.kind == "orchestrator")
    said = {
        note.split("'")[1]: note.split(" runs on ")[1].split(":")[0]
        for note in plan.notes
        if note.startswith("orchestrator ") and " runs on " in note
    }
    assert sorted(said) == orchestrators
    assert set(said.values()) <= {"Step Functions", "Lambda durable functions"}


def test_the_refused_corpus_is_still_refused_by_step_functions() -> None:
    """tests/aws/apps/refused_by_sfn is what test_lambda_durable runs as the orchestrators Step
    Functions refuses: when the translator learns one of them, give that case another
    construct it refuses."""
    model, root = load(str(APP.parent.parent / "refused_by_sfn" / "app.py"))
    notes = compile_app(model, root, "aws").plan.notes
    orchestrators = sorted(fn.name for fn in model.functions if fn.kind == "orchestrator")
    refused = sorted(
        n.split("'")[1]
        for n in notes
        if "runs on Lambda durable functions: Step Functions cannot" in n
    )
    assert refused == orchestrators
