"""Orchestrators on Lambda durable functions (:mod:`faas_iac_aws.lambda_durable`): per
orchestrator a published Lambda with a durable configuration (execution timeout, retention) and
its alias :data:`ALIAS` on the published version, its role (exactly the SDK's checkpoint actions
on its own executions, the functions it calls (:mod:`.calls`), the callback registry, the
entity table when it uses entities), its log group and error alarm; once per app the layer that
carries the durable SDK. Pure: nothing is called or written.

A durable orchestrator starts another through that alias: Lambda runs durable executions only
of a qualified function (a version or an alias; never the unqualified name, and AWS advises
against ``$LATEST``), and a name fixed in advance lets orchestrators call each other (or
themselves) without their functions referencing one another, which would make the plan a
cycle."""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from faas_iac.bytecode import runs_here
from faas_iac.errors import Diagnostic, NotExpressible
from faas_iac.model import AppModel, Function
from faas_iac.plan import Artifact, PlanResource, sha256
from faas_iac.plan.artifacts import layer_zip_of
from faas_iac.plan.refs import as_json, ref, sub

from .. import types as T
from .calls import Calls
from .durable import ENTITIES, REGISTRY
from .layer import function_layers
from .resources import error_alarm, lambda_identity, physical, tags

HANDLER = "faas_iac_aws.lambda_durable.entry.handler"
#: The first Python runtime whose Lambda image carries a boto3 that knows the durable
#: execution API the SDK calls.
DURABLE_RUNTIME = "python3.13"
SDK_LAYER, SDK_ARTIFACT = "durable-sdk-layer", "aws-durable-sdk"
#: The longest execution Lambda durable functions allow (one year), and the retention of a
#: finished execution's state and history.
EXECUTION_TIMEOUT_S, RETENTION_DAYS = 31_536_000, 30
#: The alias of every durable orchestrator's published version: what other orchestrators
#: invoke.
ALIAS = "live"
#: A durable function's own executions (every version): what the checkpoint API is granted on.
_FUNCTION = "arn:${aws:partition}:lambda:${aws:region}:${aws:account}:function:"
CHECKPOINT = ["lambda:CheckpointDurableExecution", "lambda:GetDurableExecutionState"]
#: What the portable client does with executions of a durable function.
CLIENT = [
    "lambda:DeleteDurableExecution",
    "lambda:GetDurableExecution",
    "lambda:ListDurableExecutionsByFunction",
    "lambda:SendDurableExecutionCallbackSuccess",
    "lambda:StopDurableExecution",
]


def executions_arn(physical_name: str) -> str:
    """Every durable execution of every version of a function (built from its name, so a
    role may name its own function's executions without depending on it)."""
    return f"{_FUNCTION}{physical_name}:*"


def alias_arn(physical_name: str) -> str:
    """The alias another orchestrator invokes (built from the name, as :func:`executions_arn`)."""
    return f"{_FUNCTION}{physical_name}:{ALIAS}"


def logical(orchestrator: str) -> str:
    return f"fn-{orchestrator}"


#: The package the durable layer carries, as the package index names it and as pyproject pins it.
SDK_PACKAGE, SDK_REQUIREMENT = (
    "aws-durable-execution-sdk-python",
    "aws-durable-execution-sdk-python>=3,<4",
)


def _sdk_root() -> Path | None:
    """The installed durable SDK's package folder, or ``None`` when it is not installed."""
    try:
        import aws_durable_execution_sdk_python as sdk
    except ImportError:
        return None
    return Path(sdk.__file__).resolve().parent


def missing_sdk(orchestrator: str = "", location: str = "") -> Diagnostic:
    """FIAC311: the layer of durable functions cannot be built without the SDK."""
    who = f"orchestrator {orchestrator!r} runs" if orchestrator else "orchestrators run"
    return Diagnostic(
        "FIAC311",
        f"{who} on Lambda durable functions, whose layer carries the {SDK_PACKAGE} package, "
        "which is not installed where faas-iac runs",
        f"pip install '{SDK_REQUIREMENT}' (faas-iac-aws depends on it: reinstall it), or set "
        'aws_engine="step_functions" on the orchestrator if the translator accepts it',
        location,
        f"functions.{orchestrator}.trigger.aws_engine" if orchestrator else "",
    )


def sdk_problems(app: AppModel, durable: list[str]) -> list[Diagnostic]:
    """FIAC311 at the first orchestrator of ``durable`` when the SDK is not installed."""
    if not durable or _sdk_root() is not None:
        return []
    first = app.function(durable[0])
    return [missing_sdk(first.name, str(first.source))]


@lru_cache(maxsize=1)
def sdk_layer_zip() -> bytes:
    """The layer of durable functions (``python/``): the installed
    ``aws_durable_execution_sdk_python`` package and the adapter (:mod:`faas_iac_aws.
    lambda_durable`). FIAC311 when the SDK is not installed."""
    root = _sdk_root()
    if root is None:
        raise NotExpressible([missing_sdk()])
    files = {
        f"python/aws_durable_execution_sdk_python/{p.relative_to(root).as_posix()}": p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }
    ours = Path(__file__).resolve().parents[1] / "lambda_durable"
    for path in sorted(ours.glob("*.py")):
        files[f"python/faas_iac_aws/lambda_durable/{path.name}"] = path.read_bytes()
    # built by the runtime's Python: no compiling at cold start
    return layer_zip_of(files, bytecode=runs_here([DURABLE_RUNTIME]))


def sdk_artifact() -> Artifact:
    data = sdk_layer_zip()
    digest = sha256(data)
    return Artifact(
        name=SDK_ARTIFACT,
        path=f"artifacts/aws-durable-sdk-{digest[:16]}.zip",
        sha256=digest,
        size=len(data),
    )


def _statement(sid: str, actions: Iterable[str], resources: list[Any]) -> dict[str, Any]:
    return {"Sid": sid, "Effect": "Allow", "Action": sorted(set(actions)), "Resource": resources}


def policy(
    app: AppModel, fn: Function, log: str, durable: list[str], calls: Calls
) -> dict[str, Any]:
    own = physical(app, fn.name)
    statements = [
        _statement(
            "WriteOwnLogs",
            ["logs:CreateLogStream", "logs:PutLogEvents"],
            [sub("${" + log + ".arn}:log-stream:*")],
        ),
        _statement("Checkpoints", CHECKPOINT, [sub(executions_arn(own))]),
    ]
    activities = calls.of("activity", [a.name for a in app.by_kind("activity")])
    targets = [ref(f"fn-{a}", "arn") for a in activities]
    targets += [sub(alias_arn(physical(app, o))) for o in calls.of("orchestrator", durable)]
    if targets:
        statements.append(_statement("InvokeItsCalls", ["lambda:InvokeFunction"], targets))
    statements.append(
        _statement(
            "CallbackRegistry", ["dynamodb:GetItem", "dynamodb:PutItem"], [ref(REGISTRY, "arn")]
        )
    )
    if app.by_kind("entity") and calls.entities:
        statements.append(
            _statement(
                "EntityState", ["dynamodb:GetItem", "dynamodb:PutItem"], [ref(ENTITIES, "arn")]
            )
        )
    if fn.monitoring.tracing:
        statements.append(
            _statement("Tracing", ["xray:PutTelemetryRecords", "xray:PutTraceSegments"], ["*"])
        )
    return {"Version": "2012-10-17", "Statement": statements}


def config(app: AppModel, fn: Function, durable: list[str]) -> dict[str, Any]:
    """``FAAS_IAC_DURABLE_FUNCTION``: what :class:`faas_iac_aws.lambda_durable.adapter.Config`
    reads."""
    return {
        "orchestrator": fn.name,
        "activities": {a.name: physical(app, a.name) for a in app.by_kind("activity")},
        # by alias (see the module docstring)
        "orchestrators": {o: f"{physical(app, o)}:{ALIAS}" for o in durable},
        "entities": {
            e.name.lower(): f"{e.handler.module}:{e.handler.qualname}"
            for e in app.by_kind("entity")
        },
    }


def plan_function(
    app: AppModel, fn: Function, durable: list[str], layers: tuple[str, str], calls: Calls
) -> list[PlanResource]:
    name = physical(app, fn.name)
    role, pol, log, lam = f"role-{fn.name}", f"policy-{fn.name}", f"log-{fn.name}", logical(fn.name)
    env = {
        "FAAS_IAC_APP": app.name,
        "FAAS_IAC_FUNCTION": fn.name,
        "FAAS_IAC_HANDLER": f"{fn.handler.module}:{fn.handler.qualname}",
        "FAAS_IAC_DURABLE_FUNCTION": as_json(config(app, fn, durable)),
        "FAAS_IAC_DURABLE": json.dumps(
            {
                "registry": f"{app.name}-durable",
                "entities": f"{app.name}-{ENTITIES}" if app.by_kind("entity") else "",
            },
            sort_keys=True,
            separators=(",", ":"),
        ),
    }
    document = policy(app, fn, log, durable, calls)
    out = [
        *lambda_identity(app, fn.name, document, fn.monitoring.log_retention_days, fn.tags),
        PlanResource(
            type=T.LAMBDA,
            name=lam,
            artifact="code",
            properties={
                "name": name,
                "role": ref(role, "arn"),
                "runtime": DURABLE_RUNTIME,
                "handler": HANDLER,
                "memory_size": fn.memory,
                "timeout": min(fn.timeout, 900),
                "durable_config": {
                    "execution_timeout": EXECUTION_TIMEOUT_S,
                    "retention_period": RETENTION_DAYS,
                },
                "publish": True,  # durable functions are invoked by a qualified ARN
                "layers": function_layers(app, DURABLE_RUNTIME, *layers),
                "environment": {"variables": env},
                "logging_config": {"log_format": "JSON", "log_group": f"/aws/lambda/{name}"},
                "tracing_config": {"mode": "Active" if fn.monitoring.tracing else "PassThrough"},
                "description": fn.description
                or f"faas-iac: orchestrator {fn.name} on Lambda durable functions",
                "tags": tags(app, fn.tags),
            },
            depends_on=(pol, log),
        ),
        PlanResource(
            type=T.ALIAS,
            name=f"alias-{fn.name}",
            properties={
                "name": ALIAS,
                "function_name": ref(lam, "name"),
                "function_version": ref(lam, "version"),
                "description": "the published version other orchestrators start",
            },
        ),
    ]
    if fn.monitoring.error_alert:
        out.append(error_alarm(app, fn.name, name, lam))
    return out


def plan_lambda_durable(
    app: AppModel, durable: list[str], adapter_layer: str, calls: dict[str, Calls]
) -> list[PlanResource]:
    """Every orchestrator in ``durable`` as a durable function, and the SDK's layer.
    ``calls``: what each of them calls (:attr:`.engines.Engines.calls`)."""
    if not durable:
        return []
    out = [
        PlanResource(
            type=T.LAYER,
            name=SDK_LAYER,
            properties={
                "layer_name": f"{app.name}-durable-sdk",
                "compatible_runtimes": ["python3.13"],
                "description": "aws-durable-execution-sdk-python, for faas-iac orchestrators",
            },
            artifact=SDK_ARTIFACT,
        )
    ]
    for name in durable:
        layers = (adapter_layer, SDK_LAYER)
        out += plan_function(app, app.function(name), durable, layers, calls[name])
    return out
