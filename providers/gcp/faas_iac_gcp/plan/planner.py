"""The GCP planner (minimal): Cloud Functions gen2 and one Workflow per orchestrator.

Pure: no cloud calls, no files, no Pulumi imports. HTTP, schedule, durable activity and
orchestrator functions are planned; other triggers raise FIAC500 naming the trigger (they
belong to the full GCP provider).
"""

from __future__ import annotations

from typing import Any

from faas_iac.errors import Diagnostic, NotExpressible
from faas_iac.model import AppModel, Function
from faas_iac.plan.model import Plan, PlanResource, ordered
from faas_iac.plan.providers import BuildContext
from faas_iac.plan.refs import ref, sub
from faas_iac.schedule import parse_schedule

from .. import types as T
from . import schedule as gcp_schedule
from .orchestrations import REGION, definitions
from .secrets import secret_access, secret_env, secret_resources

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
    return PlanResource(type=type_, name=name, properties=props, depends_on=deps, artifact=artifact)


def _function(
    app: AppModel, fn: Function, build: BuildContext, problems: list[Diagnostic]
) -> list[PlanResource]:
    sa = f"sa-{fn.name}"
    if fn.runtime not in RUNTIMES:
        problems.append(
            Diagnostic(
                "FIAC500",
                f"runtime {fn.runtime} is not offered by Cloud Functions gen2",
                f"pick one of {', '.join(RUNTIMES)}",
                fn.source,
            )
        )
        return []
    out = [_res(T.SERVICE_ACCOUNT, sa, {"accountId": f"{app.name}-{fn.name}"[:30]})]
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
            "serviceAccountEmail": ref(sa, "email"),
        },
    }
    if fn.env:
        props["serviceConfig"]["environmentVariables"] = dict(sorted(fn.env.items()))
    if fn.secrets:
        props["serviceConfig"]["secretEnvironmentVariables"] = secret_env(fn)
        out += secret_access(fn, sa)
    out.append(_res(T.FUNCTION, f"fn-{fn.name}", props, artifact=build.code.name))
    trigger = fn.trigger
    if trigger.type == "http" and trigger.auth == "anonymous":
        out.append(
            _res(
                T.FUNCTION_IAM_MEMBER,
                f"invoker-{fn.name}",
                {"role": "roles/run.invoker", "member": "allUsers"},
                (f"fn-{fn.name}",),
            )
        )
    elif trigger.type == "schedule":
        try:
            cron, tz = gcp_schedule.render(
                parse_schedule(trigger.cron, None if trigger.cron else trigger.every, trigger.tz),
                fn.source,
            )
        except NotExpressible as exc:
            problems += exc.diagnostics
            return out
        out.append(
            _res(
                T.SCHEDULER_JOB,
                f"schedule-{fn.name}",
                {
                    "schedule": cron,
                    "timeZone": tz,
                    "httpTarget": {
                        "uri": ref(f"fn-{fn.name}", "url"),
                        "httpMethod": "POST",
                        "oidcToken": {"serviceAccountEmail": ref(sa, "email")},
                    },
                },
            )
        )
    elif trigger.type not in ("http", "orchestration", "activity"):
        problems.append(
            Diagnostic(
                "FIAC500",
                f"the minimal gcp provider does not plan {trigger.type} triggers yet",
                "compile for local, aws or azure, or keep this app's GCP part to HTTP, "
                "schedules and orchestrations",
                fn.source,
            )
        )
    return out


def plan(app: AppModel, build: BuildContext) -> Plan:
    """The plan, or one :class:`NotExpressible` listing every refusal (the translator's and
    the Workflows limits' among them)."""
    resources: list[PlanResource] = []
    problems: list[Diagnostic] = []
    for fn in app.functions:
        if fn.kind == "entity":
            problems.append(
                Diagnostic(
                    "FIAC500",
                    f"entity {fn.name!r}: durable entities are not translated for GCP",
                    "run entities on local or azure",
                    fn.source,
                )
            )
            continue
        resources += _function(app, fn, build, problems)
    problems += definitions(app, build.translation)[1]
    if problems:
        raise NotExpressible(problems)
    resources += secret_resources(app)
    orchestrators = app.by_kind("orchestrator")
    if orchestrators:
        resources.append(
            _res(
                T.FIRESTORE_DATABASE,
                "durable-state",
                {"name": "(default)", "locationId": "nam5", "type": "FIRESTORE_NATIVE"},
            )
        )
    for fn in orchestrators:
        sa = f"sa-wf-{fn.name}"
        activities = [f"fn-{a.name}" for a in app.by_kind("activity")]
        resources.append(
            _res(T.SERVICE_ACCOUNT, sa, {"accountId": f"{app.name}-wf-{fn.name}"[:30]})
        )
        resources.append(
            _res(
                T.WORKFLOW,
                f"workflow-{fn.name}",
                {
                    "name": f"{app.name}-{fn.name}",
                    "region": REGION,
                    "sourceContents": f"workflows/{fn.name}.yaml",
                    "serviceAccount": ref(sa, "email"),
                },
                (*activities, "durable-state"),
            )
        )
        for act in activities:
            resources.append(
                _res(
                    T.FUNCTION_IAM_MEMBER,
                    f"invoke-{act}-by-{fn.name}",
                    {"role": "roles/run.invoker", "member": sub(f"serviceAccount:${{{sa}.email}}")},
                    (act,),
                )
            )
    return Plan(provider="gcp", app=app.name, resources=ordered(resources), artifacts=(build.code,))
