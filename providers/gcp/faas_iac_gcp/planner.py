"""The ``gcp`` provider (minimal): Cloud Functions gen2 and one Workflow per orchestrator.

Pipeline: model → plan (pure records, here) → emit (``workflows/<name>.yaml`` for every
orchestrator, translated by :mod:`faas_iac.translate` and :mod:`.workflows`). HTTP, schedule,
durable activity and orchestrator functions are planned; other triggers raise FIAC500 naming
the trigger (they belong to the full GCP provider).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from faas_iac.errors import FaasError, NotExpressible
from faas_iac.model import AppModel, Function
from faas_iac.plan.model import Plan, PlanResource, ordered
from faas_iac.plan.providers import BuildContext, Capabilities
from faas_iac.schedule import parse_schedule
from faas_iac.translate import translate_all
from faas_iac.translate.limits import WORKFLOWS, check_ir, check_size

from . import schedule as gcp_schedule
from .workflows import default_names, to_yaml

REGION = "us-central1"
PROJECT = "${project}"
RUNTIMES = {
    "python3.11": "python311",
    "python3.12": "python312",
    "python3.13": "python313",
    "nodejs20": "nodejs20",
    "nodejs22": "nodejs22",
    "java21": "java21",
    "dotnet8": "dotnet8",
    "go1": "go122",
}


def _res(
    type_: str,
    name: str,
    props: dict[str, Any],
    deps: tuple[str, ...] = (),
    artifact: str | None = None,
) -> PlanResource:
    return PlanResource(
        type=f"gcp:{type_}", name=name, properties=props, depends_on=deps, artifact=artifact
    )


def _function(app: AppModel, fn: Function, build: BuildContext) -> list[PlanResource]:
    sa = f"sa-{fn.name}"
    if fn.runtime not in RUNTIMES:
        raise NotExpressible.one(
            "FIAC500",
            f"runtime {fn.runtime} is not offered by Cloud Functions gen2",
            fix=f"pick one of {', '.join(RUNTIMES)}",
            location=fn.source,
        )
    out = [_res("serviceaccount:Account", sa, {"accountId": f"{app.name}-{fn.name}"[:30]})]
    entry = fn.handler.qualname or fn.handler.handler or fn.name
    props: dict[str, Any] = {
        "name": f"{app.name}-{fn.name}",
        "location": REGION,
        "kind": fn.kind,
        "buildConfig": {"runtime": RUNTIMES[fn.runtime], "entryPoint": entry},
        "serviceConfig": {
            "availableMemory": f"{fn.memory}M",
            "timeoutSeconds": fn.timeout,
            "maxInstanceCount": fn.scaling.max_instances or 100,
            "minInstanceCount": fn.scaling.min_instances,
            "ingressSettings": "ALLOW_ALL" if fn.trigger.type == "http" else "ALLOW_INTERNAL_ONLY",
            "serviceAccountEmail": f"${{{sa}.email}}",
        },
    }
    out.append(_res("cloudfunctionsv2:Function", f"fn-{fn.name}", props, (sa,), build.code.name))
    trigger = fn.trigger
    if trigger.type == "http" and trigger.auth == "anonymous":
        out.append(
            _res(
                "cloudfunctionsv2:FunctionIamMember",
                f"invoker-{fn.name}",
                {"role": "roles/run.invoker", "member": "allUsers"},
                (f"fn-{fn.name}",),
            )
        )
    elif trigger.type == "schedule":
        cron, tz = gcp_schedule.render(
            parse_schedule(trigger.cron, trigger.every, trigger.tz), fn.source
        )
        out.append(
            _res(
                "cloudscheduler:Job",
                f"schedule-{fn.name}",
                {
                    "schedule": cron,
                    "timeZone": tz,
                    "httpTarget": {
                        "uri": f"${{fn-{fn.name}.url}}",
                        "httpMethod": "POST",
                        "oidcToken": {"serviceAccountEmail": f"${{{sa}.email}}"},
                    },
                },
                (f"fn-{fn.name}",),
            )
        )
    elif trigger.type not in ("http", "orchestration", "activity"):
        raise NotExpressible.one(
            "FIAC500",
            f"the minimal gcp provider does not plan {trigger.type} triggers yet",
            fix="compile for local, aws or "
            "azure, or keep this app's GCP part to HTTP, schedules and "
            "orchestrations",
            location=fn.source,
        )
    return out


def plan(app: AppModel, build: BuildContext) -> Plan:
    resources: list[PlanResource] = []
    for fn in app.functions:
        if fn.kind == "entity":
            raise NotExpressible.one(
                "FIAC500",
                f"entity {fn.name!r}: durable entities are not translated for GCP",
                fix="run entities on local or azure",
                location=fn.source,
            )
        resources += _function(app, fn, build)
    orchestrators = app.by_kind("orchestrator")
    if orchestrators:
        resources.append(
            _res(
                "firestore:Database",
                "durable-state",
                {"name": "(default)", "locationId": "nam5", "type": "FIRESTORE_NATIVE"},
            )
        )
    for fn in orchestrators:
        sa = f"sa-wf-{fn.name}"
        activities = [f"fn-{a.name}" for a in app.by_kind("activity")]
        resources.append(
            _res("serviceaccount:Account", sa, {"accountId": f"{app.name}-wf-{fn.name}"[:30]})
        )
        resources.append(
            _res(
                "workflows:Workflow",
                f"workflow-{fn.name}",
                {
                    "name": f"{app.name}-{fn.name}",
                    "region": REGION,
                    "sourceContents": f"workflows/{fn.name}.yaml",
                    "serviceAccount": f"${{{sa}.email}}",
                },
                (sa, *activities, "durable-state"),
            )
        )
        for act in activities:
            resources.append(
                _res(
                    "cloudfunctionsv2:FunctionIamMember",
                    f"invoke-{act}-by-{fn.name}",
                    {"role": "roles/run.invoker", "member": f"serviceAccount:${{{sa}.email}}"},
                    (act, sa),
                )
            )
    return Plan(provider="gcp", app=app.name, resources=ordered(resources), artifacts=(build.code,))


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
        return plan(app, build)

    def emit(self, app: AppModel, plan: Plan, root: Path, out: Path) -> list[str]:
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


provider = GcpProvider()
