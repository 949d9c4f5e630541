"""``faas-iac status --provider gcp`` through google-cloud-functions' own REST transport: the
real ``FunctionServiceClient`` talks HTTP to a server on 127.0.0.1 that answers with messages
built from the library's own types (``functions_v2.Function``...), printed by the library."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from faas_iac_gcp.status import status
from google.auth.credentials import AnonymousCredentials
from google.cloud import functions_v2
from google.cloud.functions_v2.services.function_service.transports import (
    FunctionServiceRestTransport,
)

from faas_iac.cli.status import render
from faas_iac.errors import FaasError
from tests.gcp.support import ROOT, compiled

SHOP = ROOT / "examples" / "shop" / "app.py"
SECRET_VALUE = "super-secret-value-1"
WHERE = "projects/proj-1/locations/us-central1"


def function(name: str, state: Any, app: str = "shop", **service: Any) -> functions_v2.Function:
    return functions_v2.Function(
        name=f"{WHERE}/functions/{name}",
        state=state,
        labels={"faas-iac-app": app},
        service_config=functions_v2.ServiceConfig(**service),
    )


@contextmanager
def api(status_code: int, body: str) -> Iterator[tuple[functions_v2.FunctionServiceClient, list]]:
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            """Quiet: the test reads the requests it records."""

        def do_GET(self) -> None:
            seen.append(self.path)
            data = body.encode()
            self.send_response(status_code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    transport = FunctionServiceRestTransport(
        host=f"127.0.0.1:{server.server_address[1]}",
        url_scheme="http",
        credentials=AnonymousCredentials(),  # type: ignore[no-untyped-call]
    )
    try:
        yield functions_v2.FunctionServiceClient(transport=transport), seen
    finally:
        server.shutdown()
        server.server_close()


def test_status_reads_functions_urls_and_setting_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOOGLE_CLOUD_PROJECT", "proj-1")
    active = functions_v2.Function.State.ACTIVE
    listed = functions_v2.ListFunctionsResponse(
        functions=[
            function(
                "shop-place-order",
                active,
                uri="https://shop-place-order-abc.a.run.app",
                environment_variables={"FAAS_IAC_RESOURCES": SECRET_VALUE},
                secret_environment_variables=[
                    functions_v2.SecretEnvVar(key="API_TOKEN", secret="t", version="latest")
                ],
            ),
            function("shop-get-order", functions_v2.Function.State.FAILED),
            function("shop-take-order", active),
            function("other-app-fn", active, app="other"),  # not this app's
        ]
    )
    with api(200, functions_v2.ListFunctionsResponse.to_json(listed)) as (client, seen):
        got = status(compiled(SHOP), client)
    assert [path.partition("?")[0] for path in seen] == [f"/v2/{WHERE}/functions"]
    assert got.state == "incomplete"
    assert {f.name: (f.trigger, f.state) for f in got.functions} == {
        "place_order": ("http", "active"),
        "get_order": ("http", "failed"),
        "take_order": ("queue", "active"),
        "nightly_report": ("schedule", "missing"),
        "reserve_stock": ("activity", "missing"),
        "charge_card": ("activity", "missing"),
    }
    assert got.settings == ("API_TOKEN", "FAAS_IAC_RESOURCES")
    assert got.details["url place_order"] == "https://shop-place-order-abc.a.run.app"
    shown = render(got) + json.dumps(got.details)
    assert SECRET_VALUE not in shown and "values hidden" in shown


def test_a_refused_call_is_a_coded_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOOGLE_CLOUD_PROJECT", "proj-1")
    denied = {"error": {"code": 403, "message": "Permission denied", "status": "PERMISSION_DENIED"}}
    with api(403, json.dumps(denied)) as (client, _), pytest.raises(FaasError) as info:
        status(compiled(SHOP), client)
    assert info.value.codes == ["FIAC508"]
    assert "Permission denied" in info.value.render()


def test_no_project_is_a_coded_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GOOGLE_CLOUD_PROJECT", raising=False)
    monkeypatch.delenv("CLOUDSDK_CORE_PROJECT", raising=False)
    with pytest.raises(FaasError) as info:
        status(compiled(SHOP), object())
    assert info.value.codes == ["FIAC508"]
