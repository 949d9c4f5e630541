"""The translator's user-facing ends: ``faas-iac graph`` and ``faas-iac compile --provider gcp``."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import yaml
from click.testing import CliRunner
from workflows_emulator.main import WORKFLOW_SCHEMA

from faas_iac.cli import cli
from faas_iac.plan import Plan
from tests.translate.targets import APPS

APP = str(APPS["patterns"])


def test_graph_draws_every_step_in_mermaid_and_dot() -> None:
    runner = CliRunner()
    mermaid = runner.invoke(cli, ["graph", APP, "--workflow", "saga"])
    assert mermaid.exit_code == 0, mermaid.output
    lines = mermaid.output.splitlines()
    assert lines[0] == "flowchart TD"
    for label in ("activity book_hotel", "activity book_flight", "activity cancel_hotel"):
        assert any(label in line for line in lines)
    assert any("-->|error|" in line for line in lines)
    dot = runner.invoke(cli, ["graph", APP, "-w", "approval", "--format", "dot"])
    assert dot.exit_code == 0
    assert dot.output.startswith('digraph "approval" {') and "timeout" in dot.output


def test_graph_of_an_unknown_or_refused_orchestrator_is_a_coded_error(tmp_path: Path) -> None:
    runner = CliRunner()
    unknown = runner.invoke(cli, ["graph", APP, "--workflow", "nope"])
    assert unknown.exit_code == 2 and "FIAC611" in unknown.output
    io_app = str(Path(APP).parent / "io_app.py")
    refused = runner.invoke(cli, ["graph", io_app, "-w", "reads_a_file"])
    assert refused.exit_code == 2 and "FIAC604" in refused.output
    assert "Traceback" not in refused.output


def test_compile_for_gcp_writes_one_valid_workflow_per_orchestrator(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = CliRunner().invoke(cli, ["compile", APP, "--provider", "gcp", "--out", str(out)])
    assert done.exit_code == 0, done.output
    plan = Plan.model_validate_json((out / "plan.json").read_text())
    workflows = plan.of_type("gcp:workflows/workflow:Workflow")
    assert len(workflows) == 15
    for res in workflows:
        path = out / "workflows" / f"{res.name.removeprefix('workflow-')}.yaml"
        assert res.artifact is not None
        assert plan.artifacts[[a.name for a in plan.artifacts].index(res.artifact)].path == (
            path.relative_to(out).as_posix()
        )
        jsonschema.validate(yaml.safe_load(path.read_text()), WORKFLOW_SCHEMA)
        # it depends on its account and the functions it calls (orchestrators are no functions)
        assert "fn-chaining" not in res.depends_on
        assert all(d.startswith(("fn-", "sa-wf-")) for d in res.depends_on), res.depends_on
    again = tmp_path / "again"
    CliRunner().invoke(cli, ["compile", APP, "--provider", "gcp", "--out", str(again)])
    for path in sorted((out / "workflows").iterdir()):
        assert (again / "workflows" / path.name).read_bytes() == path.read_bytes()
