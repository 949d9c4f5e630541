"""The AWS planner, one direction: model → plan records (``pulumi_aws`` type tokens, snake_case
input names, references as ``$sub``/``$json``). Pure: no cloud calls, no files, no Pulumi.

Per function: a role, its least-privilege policy, a log group, the Lambda (adapter layer +
code zip), an error alarm, provisioned concurrency when asked, and what its trigger needs.
Per orchestrator: a state machine (see :mod:`.durable`).
"""

from __future__ import annotations

import json
from typing import Any

from faas_iac.errors import Diagnostic, NotExpressible
from faas_iac.model import AppModel, Function
from faas_iac.plan import BuildContext, Plan, PlanResource, ordered
from faas_iac.plan.refs import as_json, ref
from faas_iac.schedule import parse_schedule

from .. import types as T
from .durable import DurableNames, durable_names, plan_durable
from .engines import choose
from .iam import function_policy, logical
from .lambda_durable import DURABLE_RUNTIME, plan_lambda_durable, sdk_artifact, sdk_problems
from .layer import (
    HANDLER,
    LAYER_ARTIFACT,
    LAYER_RUNTIMES,
    function_layers,
    layer_artifact,
    plan_deps,
)
from .resources import error_alarm, lambda_identity, physical, plan_resource, tags
from .schedule import render
from .triggers import API, bucket_notifications, fn_name, http_api, plan_trigger

MAX_TIMEOUT = 900
MAX_MEMORY = 10240
#: API Gateway HTTP APIs' integration timeout (a hard limit).
HTTP_API_TIMEOUT = 30
LAYER = "adapter-layer"
RUNTIMES = {
    "nodejs20": "nodejs20.x",
    "nodejs22": "nodejs22.x",
    "java21": "java21",
    "dotnet8": "dotnet8",
    "go1": "provided.al2023",
    "provided": "provided.al2023",
}
#: What the adapter needs to address each bound resource: (plan attribute or None = name).
ADDRESS = {"queue": "url", "topic": "arn", "secret": "arn"}


def _limits(app: AppModel) -> list[Diagnostic]:
    """Every Lambda limit the app exceeds, every schedule EventBridge cannot say."""
    problems = []
    for fn in app.functions:
        where = fn.source
        if fn.kind == "orchestrator":
            continue
        if fn.timeout > MAX_TIMEOUT:
            problems.append(
                Diagnostic(
                    "FIAC301",
                    f"Lambda allows at most {MAX_TIMEOUT} s; {fn.name!r} asks for {fn.timeout} s",
                    "lower timeout= to 900 or less, or split the work into a durable "
                    "orchestration of activities",
                    where,
                    f"functions.{fn.name}.timeout",
                )
            )
        elif fn.trigger.type == "http" and fn.timeout > HTTP_API_TIMEOUT:
            problems.append(
                Diagnostic(
                    "FIAC301",
                    f"API Gateway HTTP APIs end a request after {HTTP_API_TIMEOUT} s; HTTP "
                    f"function {fn.name!r} asks for {fn.timeout} s",
                    f"lower timeout= to {HTTP_API_TIMEOUT} or less; for longer work, start a "
                    "durable orchestration and answer with its status links",
                    where,
                    f"functions.{fn.name}.timeout",
                )
            )
        if fn.memory > MAX_MEMORY:
            problems.append(
                Diagnostic(
                    "FIAC301",
                    f"Lambda allows at most {MAX_MEMORY} MB; {fn.name!r} asks for {fn.memory} MB",
                    "lower memory= to 10240 or less",
                    where,
                    f"functions.{fn.name}.memory",
                )
            )
        t = fn.trigger
        if t.type == "queue":
            queue = app.resource("queue", t.queue)
            if queue.visibility_timeout < fn.timeout:
                problems.append(
                    Diagnostic(
                        "FIAC302",
                        f"queue {t.queue!r} hides a message for {queue.visibility_timeout} s but "
                        f"{fn.name!r} may run {fn.timeout} s: SQS would deliver it twice, and "
                        "AWS refuses the event source mapping",
                        f"give the queue visibility_timeout={fn.timeout} or more (or lower the "
                        "function's timeout)",
                        where,
                        f"functions.{fn.name}.trigger.visibility_timeout",
                    )
                )
        if t.type == "schedule":
            try:
                render(
                    parse_schedule(t.cron, None if t.cron else t.every, t.tz),
                    f"{fn.source} [functions.{fn.name}.trigger]",
                )
            except NotExpressible as exc:
                problems += exc.diagnostics
        if len(physical(app, fn.name)) > 64:
            problems.append(
                Diagnostic(
                    "FIAC303",
                    f"'{physical(app, fn.name)}' is longer than the 64 characters AWS allows for "
                    "a function or role name",
                    "shorten the app or function name",
                    where,
                    f"functions.{fn.name}.name",
                )
            )
    return problems


def _environment(app: AppModel, fn: Function, durable: DurableNames) -> dict[str, Any]:
    env: dict[str, Any] = dict(sorted(fn.env.items()))
    if not fn.handler.python:
        return env
    resources: dict[str, Any] = {}
    for b in fn.bindings:
        attr = ADDRESS.get(b.kind)
        if b.kind == "bus" and b.name == "default":
            resources[b.ref] = "default"
        elif attr is None:
            resources[b.ref] = physical(app, b.name)
        else:
            resources[b.ref] = ref(logical(b.kind, b.name), attr)
    env.update(
        {
            "FAAS_IAC_APP": app.name,
            "FAAS_IAC_FUNCTION": fn.name,
            "FAAS_IAC_HANDLER": f"{fn.handler.module}:{fn.handler.qualname}",
            "FAAS_IAC_TRIGGER": fn.trigger.type,
            "FAAS_IAC_BINDINGS": json.dumps(
                {b.ref: b.access for b in fn.bindings}, sort_keys=True, separators=(",", ":")
            ),
        }
    )
    if resources:
        env["FAAS_IAC_RESOURCES"] = as_json(resources)
    if fn.secrets:
        env["FAAS_IAC_SECRETS"] = as_json(
            {k: ref(logical("secret", v), "arn") for k, v in sorted(fn.secrets.items())}
        )
    if fn.durable_client or fn.kind == "entity":
        env["FAAS_IAC_DURABLE"] = as_json(durable.client_config())
    return env


def _function(app: AppModel, fn: Function, durable: DurableNames) -> list[PlanResource]:
    name = physical(app, fn.name)
    role, policy, log, lam = f"role-{fn.name}", f"policy-{fn.name}", f"log-{fn.name}", fn_name(fn)
    durable_access = durable.client_access() if fn.durable_client else None
    document = function_policy(fn, log, durable_access)
    if fn.kind == "entity":
        document["Statement"] += durable.entity_statements()
    out = lambda_identity(app, fn.name, document, fn.monitoring.log_retention_days, fn.tags)
    python = fn.handler.python
    props: dict[str, Any] = {
        "name": name,
        "role": ref(role, "arn"),
        "runtime": fn.runtime if python else RUNTIMES[fn.runtime],
        "handler": HANDLER if python else str(fn.handler.handler),
        "memory_size": fn.memory,
        "timeout": fn.timeout,
        "environment": {"variables": _environment(app, fn, durable)},
        "logging_config": {"log_format": "JSON", "log_group": f"/aws/lambda/{name}"},
        "tracing_config": {"mode": "Active" if fn.monitoring.tracing else "PassThrough"},
        "tags": tags(app, fn.tags),
    }
    if fn.description:
        props["description"] = fn.description
    if python:
        props["layers"] = function_layers(app, fn.runtime, LAYER)
    reserved = fn.scaling.reserved_concurrency or fn.scaling.max_instances
    if reserved is not None:
        props["reserved_concurrent_executions"] = reserved
    if fn.scaling.min_instances:
        props["publish"] = True
    deps = {role, policy, log}
    out.append(
        PlanResource(
            type=T.LAMBDA,
            name=lam,
            properties=props,
            depends_on=tuple(sorted(deps)),
            artifact="code",
        )
    )
    if fn.scaling.min_instances:
        out.append(
            PlanResource(
                type=T.PROVISIONED,
                name=f"provisioned-{fn.name}",
                properties={
                    "function_name": ref(lam, "name"),
                    "qualifier": ref(lam, "version"),
                    "provisioned_concurrent_executions": fn.scaling.min_instances,
                },
                depends_on=(lam,),
            )
        )
    if fn.monitoring.error_alert:
        out.append(error_alarm(app, fn.name, name, lam))
    return [*out, *plan_trigger(app, fn, policy)]


def plan(app: AppModel, build: BuildContext) -> Plan:
    """The plan, or one :class:`NotExpressible` listing every refusal (the translator's among
    them when the app has orchestrators)."""
    engines = choose(app, build.translation)
    machines, functions = engines.of("step_functions"), engines.of("lambda_durable")
    durable = durable_names(app, machines)
    durable = DurableNames(
        durable.app, durable.machines, durable.entities, durable_fns(app, functions)
    )
    problems = [*_limits(app), *engines.problems, *sdk_problems(app, functions)]
    if problems:
        raise NotExpressible(problems)
    layer = layer_artifact()
    resources: list[PlanResource] = [
        PlanResource(
            type=T.LAYER,
            name=LAYER,
            properties={
                "layer_name": f"{app.name}-faas-iac-adapter",
                "compatible_runtimes": list(LAYER_RUNTIMES),
                "description": "faas-iac Lambda adapter (standard library only)",
            },
            artifact=LAYER_ARTIFACT,
        )
    ]
    # the Python runtimes of the Lambdas (orchestrators run on Step Functions or as durable
    # functions on their own runtime)
    runtimes: set[str] = {
        f.runtime for f in app.functions if f.handler.python and f.kind != "orchestrator"
    }
    runtimes |= {DURABLE_RUNTIME} if functions else set()
    deps, bundles = plan_deps(app, runtimes)
    resources += deps
    for res in app.resources:
        resources += plan_resource(app, res)
    if any(fn.trigger.type == "http" for fn in app.functions):
        resources += http_api(app)
    for fn in app.functions:
        if fn.kind != "orchestrator":
            resources += _function(app, fn, durable)
    resources += bucket_notifications(app)
    resources += plan_durable(
        app, build.translation.workflows, durable, LAYER, registry=bool(functions)
    )
    calls = engines.calls
    resources += plan_lambda_durable(app, functions, LAYER, calls)
    outputs: dict[str, Any] = {}
    if any(r.name == API for r in resources):
        outputs["url"] = ref(API, "api_endpoint")
    for name in sorted(durable.machines):
        outputs[f"state_machine:{name}"] = ref(durable.machine_logical(name), "arn")
    artifacts = (build.code, layer, *((sdk_artifact(),) if functions else ()))
    return Plan(
        provider="aws",
        app=app.name,
        resources=ordered(resources),
        artifacts=artifacts,
        outputs=outputs,
        notes=(*engines.notes(), *(n for o, c in sorted(calls.items()) for n in c.notes(o))),
        bundles=tuple(bundles),
    )


def durable_fns(app: AppModel, names: list[str]) -> dict[str, str]:
    return {n: physical(app, n) for n in names}
