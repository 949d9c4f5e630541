"""The Pulumi stack in stacks/azure and the ejected program, both run under Pulumi mocks:
each creates exactly the plan's resources, with the same inputs as ``faas_iac.pulumi.deploy``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from faas_iac.pulumi import eject
from tests.pulumi_programs import inputs_but_source, run_program

from .support import EXAMPLES, ROOT, compiled
from .test_pulumi_mocks import Recorder

STACK = ROOT / "stacks" / "azure" / "__main__.py"


def _run(program: Path, config: dict[str, str]) -> Recorder:
    rec = Recorder()
    run_program(program, rec, "faas-iac-azure", config)
    return rec


def _inputs(rec: Recorder) -> dict[str, tuple[str, dict[str, Any]]]:
    return inputs_but_source(rec.resources)


def test_stack_deploys_the_plan_of_the_configured_app() -> None:
    app = EXAMPLES / "durable" / "app.py"
    rec = _run(STACK, {"faas-iac-azure:app": str(app), "faas-iac-azure:options": ""})
    plan = compiled(app).plan
    assert {n: t for n, (t, _) in rec.resources.items()} == {r.name: r.type for r in plan.resources}
    assert rec.resources["plan"][1]["sku"] == {"name": "FC1", "tier": "FlexConsumption"}


def test_stack_passes_compile_options() -> None:
    app = EXAMPLES / "shop" / "app.py"
    rec = _run(STACK, {"faas-iac-azure:app": str(app), "faas-iac-azure:options": "plan=premium"})
    assert rec.resources["plan"][1]["sku"]["tier"] == "ElasticPremium"


def test_ejected_program_creates_the_same_resources(tmp_path: Path) -> None:
    app = EXAMPLES / "shop" / "app.py"
    files = eject(str(app), "azure", tmp_path, plan="premium")
    assert {"__main__.py", "Pulumi.yaml", "azure-app/function_app.py"} <= set(files)
    text = (tmp_path / "__main__.py").read_text()
    assert "faas_iac" not in text.replace("faas-iac", "")
    ejected = _run(tmp_path / "__main__.py", {})
    stacked = _run(
        STACK, {"faas-iac-azure:app": str(app), "faas-iac-azure:options": "plan=premium"}
    )
    assert _inputs(ejected) == _inputs(stacked)
