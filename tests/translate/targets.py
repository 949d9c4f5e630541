"""The apps the translator tests use, translated for both targets (golden-file inputs)."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from faas_iac_aws.stepfunctions import default_names as aws_names
from faas_iac_aws.stepfunctions import to_asl
from faas_iac_gcp.workflows import default_names as gcp_names
from faas_iac_gcp.workflows import to_yaml

from faas_iac.api import load
from faas_iac.errors import FaasError
from faas_iac.model import AppModel
from faas_iac.translate import ir, translate

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
GOLDEN = HERE / "golden"
#: The apps whose orchestrators have golden translations: (golden folder, app file).
APPS = {
    "patterns": REPO / "tests" / "translate" / "apps" / "durable_app.py",
    "examples": REPO / "examples" / "durable" / "app.py",
    "idioms": HERE / "apps" / "idioms_app.py",
}


@dataclass
class Loaded:
    model: AppModel
    root: Path
    workflows: dict[str, ir.Workflow]
    refused: dict[str, FaasError]

    def activities(self) -> dict[str, Any]:
        from faas_iac.translate import handler_of

        return {f.name: handler_of(f) for f in self.model.by_kind("activity")}


def load_app(path: Path) -> Loaded:
    model, root = load(str(path))
    workflows: dict[str, ir.Workflow] = {}
    refused: dict[str, FaasError] = {}
    for fn in model.by_kind("orchestrator"):
        try:
            workflows[fn.name] = translate(model, root, fn.name)
        except FaasError as exc:
            refused[fn.name] = exc
    return Loaded(model, root, workflows, refused)


def artifacts(app: Loaded) -> dict[str, str]:
    """Relative path → text of every golden artifact of one app."""
    acts = [f.name for f in app.model.by_kind("activity")]
    orchs = [f.name for f in app.model.by_kind("orchestrator")]
    entities = [f.name for f in app.model.by_kind("entity")]
    aws = aws_names(app.model.name, acts + entities, orchs)
    gcp = gcp_names(app.model.name, acts, entities=entities)
    out: dict[str, str] = {}
    for name, wf in sorted(app.workflows.items()):
        asl = json.dumps(to_asl(wf, aws, app.workflows), indent=2, sort_keys=False) + "\n"
        out[f"aws/{name}.asl.json"] = asl
        try:
            out[f"gcp/{name}.yaml"] = to_yaml(wf, gcp, app.workflows)
        except FaasError as exc:  # the refusal is part of the expected output
            out[f"gcp/{name}.refused.txt"] = exc.render() + "\n"
    for name, exc in sorted(app.refused.items()):
        out[f"refused/{name}.txt"] = exc.render() + "\n"
    return out


def main() -> None:
    """Regenerate every golden file: ``python -m tests.translate.regen``."""
    for folder, path in APPS.items():
        target = GOLDEN / folder
        for old in target.glob("*/*"):
            old.unlink()
        for rel, text in artifacts(load_app(path)).items():
            file = target / rel
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_text(text, encoding="utf-8")
            sys.stdout.write(f"wrote {file.relative_to(REPO)}\n")
