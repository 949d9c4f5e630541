"""``faas-iac logs -p azure`` through azure-core's transport seam: the real azure-monitor-query
``LogsQueryClient`` and pipeline post the KQL query to Log Analytics' query API and parse the
answer (its tables/columns/rows JSON) into its own result types."""

from __future__ import annotations

import json
from typing import Any

import pytest
from azure.core.pipeline.transport import HttpTransport
from azure.core.rest import HttpRequest
from azure.monitor.query import LogsQueryClient
from click.testing import CliRunner
from faas_iac_azure import logs as azure_logs

from faas_iac.cli import cli
from faas_iac.cli.logs import render
from faas_iac.errors import FaasError
from faas_iac.plan import DeployOptions

from .support import EXAMPLES, compiled
from .test_status import Credential, _Response

SHOP = EXAMPLES / "shop" / "app.py"
START_MS = 1_795_000_000_000  # 2026-11-18T11:06:40Z
COLUMNS = [
    {"name": "TimeGenerated", "type": "datetime"},
    {"name": "OperationName", "type": "string"},
    {"name": "Message", "type": "string"},
    {"name": "SeverityLevel", "type": "int"},
]
ROWS = [
    ["2026-11-18T11:07:00.25Z", "place_order", "order o-1 placed", 1],
    ["2026-11-18T11:07:01.5Z", "take_order", "card declined", 3],
]


class LogAnalytics(HttpTransport):
    """Answers the query API from Log Analytics' documented response shape; records queries."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.asked: list[tuple[str, dict[str, Any]]] = []

    def __enter__(self) -> LogAnalytics:
        return self

    def __exit__(self, *args: Any) -> None:
        return None

    def open(self) -> None:
        return None

    def close(self) -> None:
        return None

    def send(self, request: HttpRequest, **kwargs: Any) -> _Response:  # type: ignore[override]
        self.asked.append((request.url, json.loads(request.content)))
        if self.status != 200:
            error = {"error": {"code": "InsufficientAccessError", "message": "denied"}}
            return _Response(request, self.status, error)
        table = {"name": "PrimaryResult", "columns": COLUMNS, "rows": ROWS}
        return _Response(request, 200, {"tables": [table]})


def client(transport: LogAnalytics) -> LogsQueryClient:
    return LogsQueryClient(Credential(), transport=transport)  # type: ignore[arg-type]


def test_traces_of_the_apps_functions_from_log_analytics(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AZURE_SUBSCRIPTION_ID", "sub-1")
    shop = compiled(SHOP)
    fake = LogAnalytics()
    lines = azure_logs.logs(shop, None, START_MS, DeployOptions(session=client(fake)))
    assert [render(line) for line in lines] == [
        "2026-11-18T11:07:00.250Z place_order INFO order o-1 placed",
        "2026-11-18T11:07:01.500Z take_order ERROR card declined",
    ]
    ((url, body),) = fake.asked
    group = shop.plan.resource("rg").properties["resource_group_name"]
    assert url.startswith(
        f"https://api.loganalytics.io/v1/subscriptions/sub-1/resourceGroups/{group}"
        "/providers/Microsoft.OperationalInsights/workspaces/shop-logs/query"
    )
    app_name = shop.plan.resource("app").properties["name"]
    assert f'AppRoleName == "{app_name}"' in body["query"]
    assert 'OperationName in ("place_order", "get_order",' in body["query"]
    assert "TimeGenerated >= datetime(2026-11-18T11:06:40Z)" in body["query"]
    assert body["timespan"].startswith("2026-11-18T11:06:40")


def test_cli_prints_one_function_and_refusals_are_coded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AZURE_SUBSCRIPTION_ID", "sub-1")
    fake = LogAnalytics()
    monkeypatch.setattr(azure_logs, "logs_client", lambda o: o.session or client(fake))
    shown = CliRunner().invoke(cli, ["logs", str(SHOP), "take_order", "-p", "azure"])
    assert shown.exit_code == 0, shown.output
    assert shown.output.splitlines()[-1].endswith("Z take_order ERROR card declined")
    assert 'OperationName in ("take_order")' in fake.asked[0][1]["query"]
    denied = DeployOptions(session=client(LogAnalytics(status=403)))
    with pytest.raises(FaasError) as refused:
        azure_logs.logs(compiled(SHOP), "take_order", START_MS, denied)
    assert refused.value.diagnostics[0].code == "FIAC211"
