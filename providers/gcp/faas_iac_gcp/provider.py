"""The ``gcp`` provider object registered under the ``faas_iac.providers`` entry point."""

from __future__ import annotations

from pathlib import Path

from faas_iac.model import AppModel
from faas_iac.plan.model import Plan
from faas_iac.plan.providers import BuildContext

from .plan import plan as make_plan


class GcpProvider:
    name = "gcp"

    def plan(self, app: AppModel, build: BuildContext) -> Plan:
        return make_plan(app, build)

    def emit(self, app: AppModel, plan: Plan, root: Path, out: Path) -> list[str]:
        from .emit import emit

        return emit(app, root, out)


provider = GcpProvider()
