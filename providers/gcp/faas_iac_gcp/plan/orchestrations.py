"""Every orchestrator as GCP Workflows YAML, from the translate stage's IR, with every refusal:
the translator's, and the Workflows limits (``check_ir``, ``check_size``). The planner counts
the refusals; the emitter writes the texts. Pure."""

from __future__ import annotations

from faas_iac.errors import Diagnostic
from faas_iac.model import AppModel
from faas_iac.translate import Translation
from faas_iac.translate.limits import WORKFLOWS, check_ir, check_size

from ..workflows import to_yaml
from .durable import names


def definitions(app: AppModel, translation: Translation) -> tuple[dict[str, str], list[Diagnostic]]:
    """``(orchestrator name → YAML text, refusals)``; texts only when nothing is refused."""
    if translation.refusals:
        return {}, list(translation.refusals)
    workflows = translation.workflows
    texts = {name: to_yaml(wf, names(app), workflows) for name, wf in sorted(workflows.items())}
    problems = [
        d
        for name, wf in sorted(workflows.items())
        for d in [*check_ir(wf, WORKFLOWS), *check_size(wf, texts[name], WORKFLOWS)]
        if d.severity == "error"
    ]
    return ({} if problems else texts), problems
