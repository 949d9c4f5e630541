"""The GCP planner, one direction: model (+ the translate stage's IR) → plan records
(``pulumi_gcp`` type tokens, snake_case input names, references in the one vocabulary of
:mod:`faas_iac.plan.refs`; ``${gcp:project}`` and ``${gcp:project_number}`` are the deploy's
context). Pure: no cloud calls, no files, no Pulumi.

* the app's source zip in a bucket of its own; per function a service account, the Cloud
  Function gen2, an alert on logged errors, its trigger's delivery (:mod:`.functions`);
* the app's resources and one grant per binding on the bound resource (:mod:`.resources`);
* the app's log routing: a log bucket per retention asked for, a sink of its functions' logs;
* per orchestrator a Workflow and its account (:mod:`.durable`).

Every refusal (GCP's limits, the translator's, the Workflows limits') is collected and raised
as one :class:`NotExpressible`.
"""

from __future__ import annotations

from typing import Any

from faas_iac.errors import NotExpressible
from faas_iac.model import AppModel, Function
from faas_iac.plan.model import Plan, PlanResource, ordered
from faas_iac.plan.providers import BuildContext
from faas_iac.plan.refs import ref, sub

from .. import types as T
from . import limits
from .durable import (
    CALLBACKS,
    callbacks_function,
    needs_callbacks,
    plan_durable,
    workflow_artifact,
)
from .functions import member, plan_function, source_resources
from .names import delivery, function_name
from .orchestrations import definitions
from .resources import database, database_grant, plan_resource


def _log_routing(app: AppModel, functions: list[Function]) -> list[PlanResource]:
    """Cloud Logging keeps logs by bucket, not by function: one bucket per retention asked
    for, and a sink sending those functions' logs to it."""
    by_days: dict[int, list[str]] = {}
    for fn in functions:
        days = fn.monitoring.log_retention_days
        by_days.setdefault(days, []).append(function_name(app.name, fn.name))
    out = []
    for days, services in sorted(by_days.items()):
        bucket = f"logs-{days}d"
        names = " OR ".join(f'"{s}"' for s in sorted(services))
        out += [
            PlanResource(
                type=T.LOG_BUCKET,
                name=bucket,
                properties={
                    "bucket_id": function_name(app.name, f"logs-{days}d"),
                    "location": "global",
                    "retention_days": days,
                    "project": sub("${gcp:project}"),
                },
            ),
            PlanResource(
                type=T.LOG_SINK,
                name=f"sink-{days}d",
                properties={
                    "name": function_name(app.name, f"logs-{days}d"),
                    "destination": sub("logging.googleapis.com/${" + bucket + ".id}"),
                    "filter": (
                        'resource.type="cloud_run_revision" AND '
                        f"resource.labels.service_name=({names})"
                    ),
                    "unique_writer_identity": True,
                },
            ),
        ]
    return out


def plan(app: AppModel, build: BuildContext) -> Plan:
    """The plan, or one :class:`NotExpressible` listing every refusal."""
    problems = limits.problems(app)
    orchestrators = app.by_kind("orchestrator")
    texts: dict[str, str] = {}
    if orchestrators:
        texts, refused = definitions(app, build.translation)
        problems += refused
    if problems:
        raise NotExpressible(problems)
    workflows = build.translation.workflows if orchestrators else {}
    functions = [fn for fn in app.functions if delivery(fn) != "none"]
    if needs_callbacks(workflows):
        functions.append(callbacks_function(app))
    resources = source_resources(app, build.code)
    for res in app.resources:
        resources += plan_resource(app, res)
    durable_state = (
        orchestrators or app.by_kind("entity") or any(f.durable_client for f in functions)
    )
    if durable_state or any(r.kind == "table" for r in app.resources):
        resources.append(database(app))
    for fn in functions:
        resources += plan_function(app, fn, build.code)
    if needs_callbacks(workflows):
        registry = member(f"sa-{CALLBACKS}")
        resources.append(database_grant(f"registry-{CALLBACKS}", registry, "the callback registry"))
    resources += plan_durable(app, workflows, texts)
    resources += _log_routing(app, functions)
    outputs: dict[str, Any] = {}
    for fn in functions:
        if fn.trigger.type == "http" and fn.name != CALLBACKS:
            outputs[f"url:{fn.name}"] = ref(f"fn-{fn.name}", "url")
    for name in sorted(workflows):
        outputs[f"workflow:{name}"] = ref(f"workflow-{name}", "id")
    return Plan(
        provider="gcp",
        app=app.name,
        resources=ordered(resources),
        artifacts=(build.code, *(workflow_artifact(n, texts[n]) for n in sorted(workflows))),
        outputs=outputs,
    )
