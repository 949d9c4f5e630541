"""Durable orchestrations on AWS: one Step Functions state machine per orchestrator (ASL from
the translator, :mod:`faas_iac_aws.stepfunctions`), an execution role limited to what that
machine's states call, the registry table (task tokens of waiting external events, buffered
events, custom statuses: the schema is in :mod:`faas_iac_aws.stepfunctions.registry`), the
registrar Lambda that records task tokens, and the entity table. Pure: the translator reads
the orchestrator's source; nothing is called or written."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from faas_iac.model import AppModel
from faas_iac.plan import PlanResource
from faas_iac.plan.refs import as_json, ref, sub

from .. import types as T
from .iam import assume
from .resources import error_alarm, lambda_identity, physical, table_props, tags

if TYPE_CHECKING:  # the IR loads when an app has an orchestrator
    from faas_iac.translate import ir

REGISTRY, ENTITIES, REGISTRAR = "durable-registry", "durable-entities", "durable-tokens"
REGISTRAR_HANDLER = "faas_iac_aws.stepfunctions.registry.handler"
_TOKEN = re.compile(r"\$\{[A-Za-z0-9_.:-]+\}")
_ACCOUNT = "${aws:partition}:states:${aws:region}:${aws:account}"
LAMBDA_TASKS = ("arn:aws:states:::lambda:invoke", "arn:aws:states:::lambda:invoke.waitForTaskToken")
START_SYNC = "arn:aws:states:::states:startExecution.sync:2"
START = "arn:aws:states:::states:startExecution"
PUT_ITEM = "arn:aws:states:::dynamodb:putItem"
SYNC_RULE = (
    "arn:${aws:partition}:events:${aws:region}:${aws:account}:rule/"
    "StepFunctionsGetEventsForStepFunctionsExecutionRule"
)


def machine_arn(physical_name: str) -> str:
    """Built from names, not from the machine resource: machines may start themselves
    (``continue_as_new``) and clients' policies must not depend on the machines."""
    return f"arn:{_ACCOUNT}:stateMachine:{physical_name}"


def executions_arn(physical_name: str) -> str:
    return f"arn:{_ACCOUNT}:execution:{physical_name}:*"


@dataclass(frozen=True)
class DurableNames:
    app: str
    machines: dict[str, str] = field(default_factory=dict)  # orchestrator → physical name
    entities: tuple[str, ...] = ()
    #: orchestrators on Lambda durable functions → physical function name
    functions: dict[str, str] = field(default_factory=dict)

    @property
    def used(self) -> bool:
        return bool(self.machines or self.entities or self.functions)

    def machine_logical(self, orchestrator: str) -> str:
        return f"sm-{orchestrator}"

    def client_config(self) -> dict[str, Any]:
        """What the portable client reads at run time (``FAAS_IAC_DURABLE``)."""
        return {
            "machines": {o: sub(machine_arn(p)) for o, p in sorted(self.machines.items())},
            "registry": f"{self.app}-durable",
            "entities": f"{self.app}-{ENTITIES}" if self.entities else "",
            "entity_functions": {e: f"{self.app}-{e}" for e in self.entities},
            # by the alias other orchestrators start too, never a version's ARN
            "durable_functions": {o: ref(f"alias-{o}", "arn") for o in sorted(self.functions)},
        }

    def client_access(self) -> dict[str, Any]:
        from .lambda_durable import executions_arn as durable_executions

        return {
            "machines": [sub(machine_arn(p)) for _, p in sorted(self.machines.items())],
            "executions": [sub(executions_arn(p)) for _, p in sorted(self.machines.items())],
            "tables": [REGISTRY] if self.machines or self.functions else [],
            "entity_functions": [f"fn-{e}" for e in self.entities],
            "durable_functions": [ref(f"alias-{o}", "arn") for o in sorted(self.functions)],
            "durable_executions": [
                sub(durable_executions(p)) for _, p in sorted(self.functions.items())
            ],
        }

    def entity_statements(self) -> list[dict[str, Any]]:
        return [
            _statement(
                "EntityState", ["dynamodb:GetItem", "dynamodb:PutItem"], [ref(ENTITIES, "arn")]
            )
        ]


def durable_names(app: AppModel, machines: list[str] | None = None) -> DurableNames:
    """``machines``: the orchestrators that run as state machines (default: all of them)."""
    names = [f.name for f in app.by_kind("orchestrator")] if machines is None else machines
    return DurableNames(
        app=app.name,
        machines={name: physical(app, name) for name in names},
        entities=tuple(fn.name for fn in app.by_kind("entity")),
    )


def _statement(sid: str, actions: list[str], resources: list[Any]) -> dict[str, Any]:
    return {"Sid": sid, "Effect": "Allow", "Action": sorted(set(actions)), "Resource": resources}


def with_refs(value: Any) -> Any:
    """Strings holding ``${...}`` tokens become ``$sub`` references."""
    if isinstance(value, str):
        return sub(value) if _TOKEN.search(value) else value
    if isinstance(value, dict):
        return {k: with_refs(v) for k, v in value.items()}
    if isinstance(value, list):
        return [with_refs(v) for v in value]
    return value


def definitions(
    app: AppModel, workflows: Mapping[str, ir.Workflow], names: DurableNames
) -> dict[str, dict[str, Any]]:
    """Every orchestrator's ASL (from the translate stage's IR), with references to the plan's
    resources."""
    from ..stepfunctions import Names, to_asl

    asl_names = Names(
        functions={
            f.name: "${fn-" + f.name + ".arn}"
            for f in [*app.by_kind("activity"), *app.by_kind("entity")]
        },
        state_machines={o: machine_arn(p) for o, p in names.machines.items()},
        token_registrar="${fn-" + REGISTRAR + ".arn}",
        registry_table=f"{app.name}-durable",
    )
    return {
        name: with_refs(to_asl(wf, asl_names, workflows)) for name, wf in sorted(workflows.items())
    }


def _tasks(value: Any) -> list[dict[str, Any]]:
    """Every Task state of a definition, in Parallel branches and Map processors too."""
    found: list[dict[str, Any]] = []
    if isinstance(value, dict):
        if value.get("Type") == "Task":
            found.append(value)
        for item in value.values():
            found += _tasks(item)
    elif isinstance(value, list):
        for item in value:
            found += _tasks(item)
    return found


_FUNCTION = re.compile(r"\$\{fn-[A-Za-z0-9_.:-]+\.arn\}")
_MACHINE = re.compile(re.escape(f"arn:{_ACCOUNT}:stateMachine:") + r"[A-Za-z0-9_-]+")


def _candidates(value: Any, pattern: re.Pattern[str]) -> list[Any]:
    """The ARNs a Task may call: itself, or each one of the table a name computed at run time
    is looked up in (a JSONata ``$lookup`` over the candidates' ARNs)."""
    text = value.get("$sub") if isinstance(value, dict) else value
    found = sorted(set(pattern.findall(text))) if isinstance(text, str) else []
    if found and isinstance(text, str) and text.startswith("{%"):
        return [sub(arn) for arn in found]
    return [value]  # a machine starting itself: $states.context.StateMachine.Id


def execution_policy(asl: dict[str, Any], own: str) -> dict[str, Any]:
    """Exactly what this machine's Task states call."""
    functions: list[Any] = []
    machines: list[Any] = []
    sync = put = False
    for task in _tasks(asl):
        args = task.get("Arguments", {})
        if task["Resource"] in LAMBDA_TASKS:
            functions += _candidates(args["FunctionName"], _FUNCTION)
        elif task["Resource"] in (START, START_SYNC):
            for target in _candidates(args["StateMachineArn"], _MACHINE):
                machines.append(target if isinstance(target, dict) else None)
            sync = sync or task["Resource"] == START_SYNC
        elif task["Resource"] == PUT_ITEM:
            put = True
    statements = []
    unique = {repr(f): f for f in functions}
    if unique:
        statements.append(
            _statement(
                "InvokeActivities", ["lambda:InvokeFunction"], [unique[k] for k in sorted(unique)]
            )
        )
    if machines:
        # None: the machine starts itself ($states.context.StateMachine.Id, continue_as_new).
        names = sorted({m["$sub"] for m in machines if m is not None})
        if None in machines:
            names = sorted({*names, machine_arn(own)})
        statements.append(
            _statement("StartOrchestrations", ["states:StartExecution"], [sub(n) for n in names])
        )
    if sync:
        targets = sorted(
            {m["$sub"] for m in machines if m is not None}
            | ({machine_arn(own)} if None in machines else set())
        )
        statements.append(
            _statement(
                "FollowSubOrchestrations",
                ["states:DescribeExecution", "states:StopExecution"],
                [sub(t.replace(":stateMachine:", ":execution:") + ":*") for t in targets],
            )
        )
        statements.append(
            _statement(
                "SyncExecutionEvents",
                ["events:DescribeRule", "events:PutRule", "events:PutTargets"],
                [sub(SYNC_RULE)],
            )
        )
    if put:
        statements.append(
            _statement("WriteCustomStatus", ["dynamodb:PutItem"], [ref(REGISTRY, "arn")])
        )
    return {"Version": "2012-10-17", "Statement": statements}


def registrar_policy(app: AppModel, names: DurableNames, log: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            _statement(
                "WriteOwnLogs",
                ["logs:CreateLogStream", "logs:PutLogEvents"],
                [sub("${" + log + ".arn}:log-stream:*")],
            ),
            _statement(
                "TokenRegistry", ["dynamodb:DeleteItem", "dynamodb:PutItem"], [ref(REGISTRY, "arn")]
            ),
            _statement(
                "DeliverBufferedEvents",
                ["states:SendTaskSuccess"],
                [sub(machine_arn(p)) for _, p in sorted(names.machines.items())],
            ),
        ],
    }


def _registrar(app: AppModel, names: DurableNames, layer: str) -> list[PlanResource]:
    name = physical(app, REGISTRAR)
    role, log, policy = f"role-{REGISTRAR}", f"log-{REGISTRAR}", f"policy-{REGISTRAR}"
    return [
        *lambda_identity(app, REGISTRAR, registrar_policy(app, names, log), 30),
        PlanResource(
            type=T.LAMBDA,
            name=f"fn-{REGISTRAR}",
            artifact="code",
            properties={
                "name": name,
                "role": ref(role, "arn"),
                "runtime": "python3.12",
                "handler": REGISTRAR_HANDLER,
                "memory_size": 128,
                "timeout": 10,
                "layers": [ref(layer, "arn")],
                "environment": {"variables": {"FAAS_IAC_APP": app.name}},
                "logging_config": {"log_format": "JSON", "log_group": f"/aws/lambda/{name}"},
                "tracing_config": {"mode": "PassThrough"},
                "description": "faas-iac: records Step Functions task tokens of external events",
                "tags": tags(app),
            },
            depends_on=(policy, log),
        ),
        error_alarm(app, REGISTRAR, name, f"fn-{REGISTRAR}"),
    ]


def plan_durable(
    app: AppModel,
    workflows: Mapping[str, ir.Workflow],
    names: DurableNames,
    layer: str,
    registry: bool = False,
) -> list[PlanResource]:
    """``registry``: the table is needed even without machines (Lambda durable functions keep
    their callback registry and custom statuses there)."""
    out: list[PlanResource] = []
    if names.entities:
        out.append(
            PlanResource(
                type=T.TABLE,
                name=ENTITIES,
                properties=table_props(app, ENTITIES, "entity", None, False),
            )
        )
    if names.machines or registry:
        out.append(
            PlanResource(
                type=T.TABLE,
                name=REGISTRY,
                properties=table_props(app, "durable", "pk", None, False),
            )
        )
    if not names.machines:
        return out
    out += _registrar(app, names, layer)
    machines = {k: v for k, v in workflows.items() if k in names.machines}
    for orchestrator, asl in definitions(app, machines, names).items():
        own = names.machines[orchestrator]
        role, policy = f"sm-role-{orchestrator}", f"sm-policy-{orchestrator}"
        out.append(
            PlanResource(
                type=T.ROLE,
                name=role,
                properties={
                    "name": f"{own}-sfn"[:64],
                    "assume_role_policy": as_json(assume("states")),
                    "tags": tags(app),
                },
            )
        )
        out.append(
            PlanResource(
                type=T.ROLE_POLICY,
                name=policy,
                properties={
                    "name": "calls",
                    "role": ref(role, "id"),
                    "policy": as_json(execution_policy(asl, own)),
                },
            )
        )
        out.append(
            PlanResource(
                type=T.STATE_MACHINE,
                name=names.machine_logical(orchestrator),
                properties={
                    "name": own,
                    "role_arn": ref(role, "arn"),
                    "type": "STANDARD",
                    "definition": as_json(asl),
                    "tags": tags(app),
                },
                depends_on=(policy,),
            )
        )
    return out
