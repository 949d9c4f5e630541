"""``faas-iac logs -p aws``: CloudWatch Logs of the app's Lambdas (each log group the plan
names, ``/aws/lambda/<function>``), read with ``FilterLogEvents``; a log group not created yet
has no lines. ``faas-iac status -p aws``: each function's state from ``GetFunction``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from faas_iac.plan.providers import (
    AppStatus,
    DeployOptions,
    FunctionState,
    LogLine,
    one_function,
)

from . import types as T
from .deploy.session import _region, _session

if TYPE_CHECKING:
    from faas_iac.plan import Compiled


def log_groups(compiled: Compiled, function: str | None) -> dict[str, str]:
    """Function name → its log group, for every function (or ``function`` alone)."""
    groups = {
        res.name.removeprefix("log-"): str(res.properties["name"])
        for res in compiled.plan.of_type(T.LOG_GROUP)
        if res.name.startswith("log-")
    }
    return one_function(compiled.plan.app, groups, function, "with a log group on aws")


def client(options: DeployOptions, service: str) -> Any:
    session = options.session or _session(options)
    region = _region(session, options.endpoint_url)
    return session.client(service, endpoint_url=options.endpoint_url, region_name=region)


def logs(
    compiled: Compiled, function: str | None, start_ms: int, options: DeployOptions
) -> list[LogLine]:
    cw = client(options, "logs")
    lines: list[LogLine] = []
    for name, group in log_groups(compiled, function).items():
        pages = cw.get_paginator("filter_log_events").paginate(
            logGroupName=group, startTime=start_ms
        )
        try:
            for page in pages:
                lines += [
                    LogLine(int(e["timestamp"]), name, str(e["message"]))
                    for e in page.get("events", [])
                ]
        except cw.exceptions.ResourceNotFoundException:
            continue
    return sorted(lines, key=lambda line: (line.time_ms, line.function))


def status(compiled: Compiled, options: DeployOptions) -> AppStatus:
    lam = client(options, "lambda")
    functions = []
    url = ""
    for res in compiled.plan.of_type(T.LAMBDA):
        name = str(res.properties["name"])
        try:
            config = lam.get_function(FunctionName=name)["Configuration"]
            state = str(config.get("State") or "Active")
        except lam.exceptions.ResourceNotFoundException:
            state = "not deployed"
        functions.append(
            FunctionState(res.name.removeprefix("fn-"), _trigger(compiled, res.name), state)
        )
    deployed = [f for f in functions if f.state != "not deployed"]
    for api in compiled.plan.of_type(T.HTTP_API):
        url = _api_url(options, str(api.properties["name"]))
    overall = (
        "deployed"
        if len(deployed) == len(functions)
        else ("partly deployed" if deployed else "not deployed")
    )
    return AppStatus(compiled.plan.app, "aws", overall, url, tuple(functions))


def _trigger(compiled: Compiled, logical: str) -> str:
    name = logical.removeprefix("fn-")
    for fn in compiled.model.functions:
        if fn.name == name:
            return fn.trigger.type
    return ""


def _api_url(options: DeployOptions, name: str) -> str:
    api = client(options, "apigatewayv2")
    for item in api.get_apis().get("Items", []):
        if item.get("Name") == name:
            return str(item.get("ApiEndpoint", ""))
    return ""
