"""The ``azure`` provider object registered under the ``faas_iac.providers`` entry point."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from faas_iac.model import AppModel
from faas_iac.plan.model import Plan
from faas_iac.plan.providers import (
    EVERYTHING,
    AppStatus,
    BuildContext,
    Capabilities,
    DeployOptions,
    LogLine,
)

from .plan import planner
from .plan.options import KNOWN

if TYPE_CHECKING:
    from faas_iac.plan.pipeline import Compiled


class AzureProvider:
    name = "azure"
    capabilities = Capabilities(
        plans=EVERYTHING,
        deploys=("pulumi", "eject", "status"),
        tested=("Pulumi mocks", "azure-functions metadata", "azure-functions-durable replay"),
        options=KNOWN,
    )

    def plan(self, app: AppModel, build: BuildContext) -> Plan:
        return planner.plan(app, build)

    def emit(self, compiled: Compiled, out: Path) -> list[str]:
        from .emit import emit

        return emit(compiled.model, compiled.plan, compiled.root, out)

    def pulumi_deploy(self, compiled: Compiled, build_dir: Path) -> dict[str, Any]:
        from .pulumi_emit import deploy

        return deploy(compiled, build_dir)

    def eject(self, compiled: Compiled) -> dict[str, str | bytes]:
        from .eject import eject

        return eject(compiled)

    def logs(
        self, compiled: Compiled, function: str | None, start_ms: int, options: DeployOptions
    ) -> list[LogLine]:
        from .logs import logs

        return logs(compiled, function, start_ms, options)

    def status(self, compiled: Compiled, client: Any = None) -> AppStatus:
        from .status import status

        return status(compiled, client)


provider = AzureProvider()
