"""``faas-iac status --provider azure`` through azure-core's transport seam: the real
azure-mgmt-web client and pipeline, with responses built from azure-mgmt-web's own models."""

from __future__ import annotations

import json
from typing import Any

import pytest
from azure.core.credentials import AccessToken
from azure.core.pipeline.transport import HttpTransport
from azure.core.rest import HttpRequest
from azure.core.rest._http_response_impl import HttpResponseImpl
from azure.core.utils import CaseInsensitiveDict
from azure.mgmt.web import WebSiteManagementClient, models
from faas_iac_azure.status import durable_client, status, target

from faas_iac.cli.status import render
from faas_iac.errors import FaasError

from .support import EXAMPLES, compiled

SECRET_SETTING = "super-secret-value-1"
DURABLE_KEY = "durable-system-key-2"


class _Response(HttpResponseImpl):
    def __init__(self, request: HttpRequest, status_code: int, body: Any) -> None:
        super().__init__(
            request=request,
            internal_response=None,
            status_code=status_code,
            headers=CaseInsensitiveDict({"content-type": "application/json"}),
            reason="OK" if status_code < 400 else "Not Found",
            content_type="application/json",
            block_size=4096,
            stream_download_generator=None,
        )
        self._content = json.dumps(body).encode()
        self._is_closed = True
        self._is_stream_consumed = True


class FakeArm(HttpTransport):
    """Answers the four management calls from azure-mgmt-web models; records requests."""

    def __init__(self, site: str, deployed: bool = True) -> None:
        self.site = site
        self.deployed = deployed
        self.requests: list[tuple[str, str]] = []

    def __enter__(self) -> FakeArm:
        return self

    def __exit__(self, *args: Any) -> None:
        return None

    def open(self) -> None:
        return None

    def close(self) -> None:
        return None

    def send(self, request: HttpRequest, **kwargs: Any) -> _Response:  # type: ignore[override]
        path = request.url.split("?")[0]
        self.requests.append((request.method, path))
        if not self.deployed:
            error = {"error": {"code": "ResourceNotFound", "message": "not found"}}
            return _Response(request, 404, error)
        base = f"/sites/{self.site}"
        if path.endswith(base):
            body: Any = models.Site(
                location="westeurope",
                state="Running",
                default_host_name=f"{self.site}.azurewebsites.net",
            ).as_dict()
        elif path.endswith(f"{base}/functions"):
            envelopes = [
                models.FunctionEnvelope(
                    name=f"{self.site}/place_order",
                    is_disabled=False,
                    config={"bindings": [{"type": "httpTrigger"}]},
                ),
                models.FunctionEnvelope(
                    name=f"{self.site}/fulfil_order",
                    is_disabled=True,
                    config={"bindings": [{"type": "orchestrationTrigger"}]},
                ),
            ]
            body = {"value": [e.as_dict() for e in envelopes]}
        elif path.endswith(f"{base}/config/appsettings/list"):
            body = models.StringDictionary(
                properties={
                    "AzureWebJobsStorage__accountName": "acct",
                    "API_TOKEN": SECRET_SETTING,
                }
            ).as_dict()
        elif path.endswith(f"{base}/host/default/listkeys"):
            body = models.HostKeys(
                master_key="master-3",
                function_keys={"default": "f-4"},
                system_keys={"durabletask_extension": DURABLE_KEY},
            ).as_dict()
        else:
            raise AssertionError(f"unexpected request {request.method} {path}")
        return _Response(request, 200, body)


class Credential:
    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        return AccessToken("token", 4_102_444_800)


def _client(transport: FakeArm) -> WebSiteManagementClient:
    return WebSiteManagementClient(Credential(), "sub-1", transport=transport)  # type: ignore[arg-type]


@pytest.fixture
def shop() -> Any:
    return compiled(EXAMPLES / "shop" / "app.py")


def test_status_reads_the_deployed_app(shop: Any) -> None:
    group, name = target(shop)
    fake = FakeArm(name)
    result = status(shop, _client(fake))
    assert result.state == "Running"
    assert result.url == f"https://{name}.azurewebsites.net/api"
    assert [(f.name, f.trigger, f.state) for f in result.functions] == [
        ("fulfil_order", "orchestrationTrigger", "disabled"),
        ("place_order", "httpTrigger", "enabled"),
    ]
    assert result.settings == ("API_TOKEN", "AzureWebJobsStorage__accountName")
    assert result.details["durable management key"] == "present"
    assert result.details["resource group"] == group
    assert all(f"/subscriptions/sub-1/resourceGroups/{group}/" in p for _, p in fake.requests)


def test_status_never_shows_values(shop: Any) -> None:
    _, name = target(shop)
    text = render(status(shop, _client(FakeArm(name))))
    for secret in (SECRET_SETTING, DURABLE_KEY, "master-3", "f-4", "acct"):
        assert secret not in text
    assert "API_TOKEN" in text and "values hidden" in text


def test_status_of_an_app_not_deployed_is_a_coded_error(shop: Any) -> None:
    _, name = target(shop)
    with pytest.raises(FaasError) as info:
        status(shop, _client(FakeArm(name, deployed=False)))
    assert info.value.codes == ["FIAC411"]


def test_durable_client_uses_the_extension_system_key(shop: Any) -> None:
    _, name = target(shop)
    client = durable_client(shop, _client(FakeArm(name)))
    assert client.base_url == f"https://{name}.azurewebsites.net"
    assert client.key == DURABLE_KEY
    assert client.hub == "shophub"
