"""The Pulumi stack in stacks/gcp and the ejected program, both run under Pulumi mocks: each
creates exactly the plan's resources, with the same inputs as ``faas_iac.pulumi.deploy``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from faas_iac.pulumi import eject
from tests.gcp.support import ROOT, compiled
from tests.gcp.test_pulumi_mocks import BINDINGS, Recorder
from tests.pulumi_programs import inputs_but_source, run_program

STACK = ROOT / "stacks" / "gcp" / "__main__.py"
SHOP = ROOT / "examples" / "shop" / "app.py"


def _run(program: Path, config: dict[str, str]) -> Recorder:
    rec = Recorder()
    run_program(program, rec, "faas-iac-gcp", config)
    return rec


def _inputs(rec: Recorder) -> dict[str, tuple[str, dict[str, Any]]]:
    return inputs_but_source(rec.resources)


def test_stack_deploys_the_plan_of_the_configured_app() -> None:
    rec = _run(STACK, {"faas-iac-gcp:app": str(SHOP)})
    plan = compiled(SHOP).plan
    assert {n.removeprefix("shop-"): t for n, (t, _) in rec.resources.items()} == {
        r.name: r.type for r in plan.resources
    }
    source = rec.resources["shop-source-object"][1]
    assert source["name"].startswith("source-") and "source" in source


def test_ejected_program_creates_the_same_resources(tmp_path: Path) -> None:
    files = eject(str(BINDINGS), "gcp", tmp_path)
    assert {"__main__.py", "Pulumi.yaml", "gcp-app/main.py", "workflows/approve.yaml"} <= set(files)
    text = (tmp_path / "__main__.py").read_text()
    assert "faas_iac" not in text.replace("faas-iac", "")
    ejected = _run(tmp_path / "__main__.py", {})
    stacked = _run(STACK, {"faas-iac-gcp:app": str(BINDINGS)})
    assert _inputs(ejected) == _inputs(stacked)
