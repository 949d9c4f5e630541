"""``faas-iac logs -p azure``: what the app's functions wrote, from the app's Log Analytics
workspace (Application Insights' ``AppTraces`` table) through azure-monitor-query (the one
I/O boundary of this module).

The workspace and the Function App are the plan's (``logs``, ``app``); a trace's
``OperationName`` is the function that wrote it. The subscription comes from
``AZURE_SUBSCRIPTION_ID`` as for ``status``; credentials are ``DefaultAzureCredential``'s.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from faas_iac.errors import FaasError
from faas_iac.plan.providers import DeployOptions, LogLine, one_function

from .status import subscription_id, target

if TYPE_CHECKING:
    from faas_iac.plan.pipeline import Compiled

#: Application Insights' severity levels, as ``faas-iac logs`` prints them.
LEVELS = {0: "DEBUG", 1: "INFO", 2: "WARNING", 3: "ERROR", 4: "CRITICAL"}


def functions(compiled: Compiled, function: str | None) -> list[str]:
    names = {fn.name: fn.name for fn in compiled.model.functions}
    return list(one_function(compiled.plan.app, names, function, "on azure"))


def workspace_id(compiled: Compiled) -> str:
    subscription = subscription_id()
    group, _ = target(compiled)
    workspace = compiled.plan.resource("logs").properties["workspace_name"]
    return (
        f"/subscriptions/{subscription}/resourceGroups/{group}"
        f"/providers/Microsoft.OperationalInsights/workspaces/{workspace}"
    )


def query(app_name: str, names: list[str], start_ms: int) -> str:
    """KQL: the traces of these functions of the app since ``start_ms``, oldest first."""
    since = datetime.fromtimestamp(start_ms / 1000, UTC).isoformat().replace("+00:00", "Z")
    listed = ", ".join(json.dumps(n) for n in names)
    return (
        f"AppTraces | where AppRoleName == {json.dumps(app_name)} "
        f"and OperationName in ({listed}) and TimeGenerated >= datetime({since}) "
        "| project TimeGenerated, OperationName, Message, SeverityLevel "
        "| order by TimeGenerated asc"
    )


def logs_client(options: DeployOptions) -> Any:
    """``options.session`` when a caller built the client (tests), else one signed in with
    ``DefaultAzureCredential``."""
    if options.session is not None:
        return options.session
    try:
        from azure.identity import DefaultAzureCredential
        from azure.monitor.query import LogsQueryClient
    except ImportError:
        raise FaasError.one(
            "FIAC211",
            "azure-monitor-query is not installed, so faas-iac cannot read the logs",
            fix="pip install -e 'providers/azure[logs]'",
        ) from None
    return LogsQueryClient(DefaultAzureCredential())


def logs(
    compiled: Compiled, function: str | None, start_ms: int, options: DeployOptions
) -> list[LogLine]:
    from azure.core.exceptions import HttpResponseError

    names = functions(compiled, function)
    _, app_name = target(compiled)
    start = datetime.fromtimestamp(start_ms / 1000, UTC)
    try:
        result = logs_client(options).query_resource(
            workspace_id(compiled),
            query(app_name, names, start_ms),
            timespan=(start, datetime.now(UTC)),
        )
    except HttpResponseError as exc:
        raise FaasError.one(
            "FIAC211",
            f"Log Analytics refused the query of the app's traces: {exc.message}",
            fix="check AZURE_SUBSCRIPTION_ID and that the credentials may read the workspace "
            "(Log Analytics Reader)",
        ) from None
    tables = getattr(result, "tables", None) or getattr(result, "partial_data", None) or []
    lines = []
    for table in tables:
        for row in table.rows:
            when, name, message, level = row[0], row[1], row[2], row[3]
            text = json.dumps({"level": LEVELS.get(int(level or 1), "INFO"), "message": message})
            lines.append(LogLine(int(when.timestamp() * 1000), str(name), text))
    return sorted(lines, key=lambda line: (line.time_ms, line.function))
