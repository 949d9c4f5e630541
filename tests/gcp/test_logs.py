"""``faas-iac logs -p gcp`` through google-cloud-logging's own HTTP transport: the real
``google.cloud.logging.Client`` posts ``entries:list`` to a server on 127.0.0.1 that answers
with Cloud Logging's JSON (``LogEntry``: ``textPayload`` / ``jsonPayload``, ``resource``),
parsed by the library into its entry types."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from click.testing import CliRunner
from faas_iac_gcp import logs as gcp_logs
from google.auth.credentials import AnonymousCredentials
from google.cloud import logging

from faas_iac.cli import cli
from faas_iac.cli.logs import render
from faas_iac.errors import FaasError
from faas_iac.plan import DeployOptions
from tests.gcp.support import ROOT, compiled

SHOP = ROOT / "examples" / "shop" / "app.py"
START_MS = 1_795_000_000_000  # 2026-11-18T11:06:40Z


def entry(service: str, when: str, **payload: Any) -> dict[str, Any]:
    return {
        "logName": "projects/proj-1/logs/run.googleapis.com%2Fstdout",
        "timestamp": when,
        "resource": {"type": "cloud_run_revision", "labels": {"service_name": service}},
        **payload,
    }


ENTRIES = [
    entry("shop-place-order", "2026-11-18T11:07:00.250Z", textPayload="order o-1 placed"),
    entry(
        "shop-get-order",
        "2026-11-18T11:07:01.500Z",
        jsonPayload={"message": "order o-1 read", "severity": "INFO"},
    ),
]


@contextmanager
def cloud_logging(status: int = 200) -> Iterator[tuple[logging.Client, list[dict[str, Any]]]]:
    asked: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            """Quiet: the test reads the requests it records."""

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            asked.append({"path": self.path.partition("?")[0], **body})
            reply: dict[str, Any] = {"entries": ENTRIES}
            if status != 200:
                reply = {"error": {"code": status, "message": "denied", "status": "DENIED"}}
            data = json.dumps(reply).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    client = logging.Client(  # type: ignore[no-untyped-call]
        project="proj-1",
        credentials=AnonymousCredentials(),  # type: ignore[no-untyped-call]
        _use_grpc=False,
        client_options={"api_endpoint": f"http://127.0.0.1:{server.server_address[1]}"},
    )
    try:
        yield client, asked
    finally:
        server.shutdown()
        server.server_close()


def test_lines_of_the_apps_functions_from_cloud_logging(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOOGLE_CLOUD_PROJECT", "proj-1")
    with cloud_logging() as (client, asked):
        lines = gcp_logs.logs(compiled(SHOP), None, START_MS, DeployOptions(session=client))
    assert [render(line) for line in lines] == [
        "2026-11-18T11:07:00.250Z place_order order o-1 placed",
        "2026-11-18T11:07:01.500Z get_order INFO order o-1 read",
    ]
    assert lines[0].time_ms == START_MS + 20_250
    (request,) = asked
    assert request["path"] == "/v2/entries:list" and request["resourceNames"] == ["projects/proj-1"]
    assert 'resource.labels.service_name=("shop-charge-card" OR ' in request["filter"]
    assert 'timestamp>="2026-11-18T11:06:40Z"' in request["filter"]


def test_cli_prints_one_function_and_refusals_are_coded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GOOGLE_CLOUD_PROJECT", "proj-1")
    with cloud_logging() as (client, asked):
        monkeypatch.setattr(gcp_logs, "logging_client", lambda o: o.session or client)
        shown = CliRunner().invoke(cli, ["logs", str(SHOP), "get_order", "-p", "gcp"])
    assert shown.exit_code == 0, shown.output
    # (this server answers every entry; the lines of other functions are left out)
    assert shown.output == "2026-11-18T11:07:01.500Z get_order INFO order o-1 read\n"
    assert 'service_name=("shop-get-order"))' in asked[0]["filter"]
    with cloud_logging(status=403) as (client, _), pytest.raises(FaasError) as refused:
        gcp_logs.logs(compiled(SHOP), "get_order", START_MS, DeployOptions(session=client))
    assert refused.value.diagnostics[0].code == "FIAC211"
