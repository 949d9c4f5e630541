"""The files the GCP provider writes next to ``plan.json``: ``workflows/<name>.yaml`` for every
orchestrator, translated by :mod:`faas_iac.translate` and :mod:`.workflows`."""

from __future__ import annotations

from pathlib import Path

from faas_iac.errors import FaasError
from faas_iac.model import AppModel
from faas_iac.translate import translate_all
from faas_iac.translate.limits import WORKFLOWS, check_ir, check_size

from .plan.planner import PROJECT, REGION
from .workflows import default_names, to_yaml


def emit(app: AppModel, root: Path, out: Path) -> list[str]:
    """Write ``workflows/<name>.yaml`` for every orchestrator (all refusals at once)."""
    workflows = translate_all(app, root)
    names = default_names(
        app.name, [f.name for f in app.by_kind("activity")], region=REGION, project=PROJECT
    )
    texts = {name: to_yaml(wf, names, workflows) for name, wf in sorted(workflows.items())}
    problems = [
        d
        for name, wf in workflows.items()
        for d in [*check_ir(wf, WORKFLOWS), *check_size(wf, texts[name], WORKFLOWS)]
        if d.severity == "error"
    ]
    if problems:
        raise FaasError(problems)
    written = []
    for name, text in texts.items():
        path = out / "workflows" / f"{name}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(f"workflows/{name}.yaml")
    return written
