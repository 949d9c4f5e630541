"""The ``aws`` provider: the planner, the files it emits next to ``plan.json``, the Pulumi
emitter, the ejected program and the SDK apply engine, behind the protocols of
``faas_iac.plan.providers``. Heavy imports (pulumi, boto3) happen only in the method that
needs them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from faas_iac.model import AppModel
from faas_iac.plan import BuildContext, Capabilities, DeployOptions, DeployReport, Plan
from faas_iac.plan.diff import Deployed
from faas_iac.plan.providers import EVERYTHING, AppStatus, LogLine

from .plan import plan as make_plan

if TYPE_CHECKING:
    from faas_iac.plan import Compiled


class AwsProvider:
    name = "aws"
    capabilities = Capabilities(
        plans=EVERYTHING,
        deploys=("pulumi", "sdk", "eject", "status"),
        tested=(
            "moto_server",
            "moto Step Functions executor",
            "Pulumi mocks",
            "cfn-lint",
            "asl-validator",
            "SAM events",
        ),
    )

    def plan(self, app: AppModel, build: BuildContext) -> Plan:
        return make_plan(app, build)

    def python_runtimes(self, app: AppModel) -> set[str]:
        """The runtimes of the Lambdas that run the code zip (for its bytecode): the functions'
        own, and that of Lambda durable functions when there are orchestrators (which engine
        runs each is decided later, by the plan)."""
        from .plan.lambda_durable import DURABLE_RUNTIME

        found = {f.runtime for f in app.functions if f.handler.python and f.kind != "orchestrator"}
        return found | ({DURABLE_RUNTIME} if app.by_kind("orchestrator") else set())

    def emit(self, compiled: Compiled, out: Path) -> list[str]:
        from .emit import emit

        return emit(compiled.plan, out)

    def pulumi_deploy(self, compiled: Compiled, build_dir: Path) -> dict[str, Any]:
        from .pulumi_emit import deploy

        return deploy(compiled, build_dir)

    def eject(self, compiled: Compiled) -> dict[str, str | bytes]:
        from .eject import eject

        return eject(compiled)

    def deploy(self, compiled: Compiled, options: DeployOptions) -> DeployReport:
        from .deploy.engine import deploy

        return deploy(compiled, options)

    def logs(
        self, compiled: Compiled, function: str | None, start_ms: int, options: DeployOptions
    ) -> list[LogLine]:
        from .logs import logs

        return logs(compiled, function, start_ms, options)

    def status(self, compiled: Compiled, client: Any = None) -> AppStatus:
        """``client``: the :class:`DeployOptions` saying where the cloud is (None: the SDK's
        configuration)."""
        from .logs import status

        return status(compiled, client if isinstance(client, DeployOptions) else DeployOptions())

    def deployed(self, compiled: Compiled, options: DeployOptions) -> dict[str, Deployed]:
        from .deploy.engine import deployed

        return deployed(compiled, options)

    def destroy(self, compiled: Compiled, options: DeployOptions) -> DeployReport:
        from .deploy.engine import destroy

        return destroy(compiled, options)


provider = AwsProvider()
