"""The files the GCP provider writes next to ``plan.json``: ``workflows/<name>.yaml`` for every
orchestrator, rendered by :mod:`.workflows` from the IR the translate stage made (the planner
has already refused what cannot be written)."""

from __future__ import annotations

from pathlib import Path

from faas_iac.errors import FaasError
from faas_iac.model import AppModel
from faas_iac.translate import Translation

from .plan.orchestrations import definitions


def emit(app: AppModel, translation: Translation, out: Path) -> list[str]:
    """Write ``workflows/<name>.yaml`` for every orchestrator."""
    texts, problems = definitions(app, translation)
    if problems:  # the planner raised these already; only a plan made elsewhere gets here
        raise FaasError(problems)
    written = []
    for name, text in texts.items():
        path = out / "workflows" / f"{name}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(f"workflows/{name}.yaml")
    return written
