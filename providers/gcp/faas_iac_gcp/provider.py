"""The ``gcp`` provider object registered under the ``faas_iac.providers`` entry point."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from faas_iac.model import AppModel
from faas_iac.plan.model import Plan
from faas_iac.plan.providers import BuildContext, Capabilities

from .plan import plan as make_plan

if TYPE_CHECKING:
    from faas_iac.plan.pipeline import Compiled


class GcpProvider:
    name = "gcp"
    # Minimal today: the planner refuses the other triggers and entities (FIAC500), and
    # nothing deploys a GCP plan yet. Update this record as the provider grows.
    capabilities = Capabilities(
        plans=("http", "schedule", "orchestrator", "activity"),
        deploys=(),
        tested=("workflows-emulator", "Workflows JSON Schema"),
    )

    def plan(self, app: AppModel, build: BuildContext) -> Plan:
        return make_plan(app, build)

    def emit(self, compiled: Compiled, out: Path) -> list[str]:
        from .emit import emit

        return emit(compiled.model, compiled.translation, out)


provider = GcpProvider()
