"""Every orchestrator as GCP Workflows YAML, from the translate stage's IR, with every refusal:
the translator's, and the Workflows limits (``check_ir``, ``check_size``). The planner counts
the refusals; the emitter writes the texts. Pure."""

from __future__ import annotations

from faas_iac.errors import Diagnostic
from faas_iac.model import AppModel
from faas_iac.translate import Translation
from faas_iac.translate.limits import WORKFLOWS, check_ir, check_size

from ..workflows import default_names, to_yaml

REGION = "us-central1"
PROJECT = "${project}"


def definitions(app: AppModel, translation: Translation) -> tuple[dict[str, str], list[Diagnostic]]:
    """``(orchestrator name → YAML text, refusals)``; texts only when nothing is refused."""
    if translation.refusals:
        return {}, list(translation.refusals)
    workflows = translation.workflows
    names = default_names(
        app.name, [f.name for f in app.by_kind("activity")], region=REGION, project=PROJECT
    )
    texts = {name: to_yaml(wf, names, workflows) for name, wf in sorted(workflows.items())}
    problems = [
        d
        for name, wf in sorted(workflows.items())
        for d in [*check_ir(wf, WORKFLOWS), *check_size(wf, texts[name], WORKFLOWS)]
        if d.severity == "error"
    ]
    return ({} if problems else texts), problems
