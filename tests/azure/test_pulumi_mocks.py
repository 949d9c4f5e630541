"""Every example (and the Azure test apps) deployed under Pulumi mocks: the real
``pulumi_azure_native`` classes build the graph; we assert on the inputs they received.

Role expectations are derived here from the model with the role GUIDs Azure documents for its
built-in roles (written out below, independently of the provider's table)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pulumi
import pytest

from faas_iac.model import AppModel
from tests.pulumi_programs import deploy_under_mocks

from .support import ROOT, compiled, example_apps, example_id

APPS = [*example_apps(), *sorted((ROOT / "tests" / "azure" / "apps").glob("*/app.py"))]

#: From learn.microsoft.com "Azure built-in roles" (role name → id).
DOCUMENTED = {
    "Storage Blob Data Owner": "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
    "Storage Blob Data Contributor": "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
    "Storage Blob Data Reader": "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
    "Storage Queue Data Contributor": "974c5e8b-45b9-4653-ba55-5f855dd0fb88",
    "Storage Queue Data Message Processor": "8a0f0c08-91a1-4084-bc3d-661d67233fed",
    "Storage Queue Data Message Sender": "c6a89b2d-59bc-44d0-9896-0f6e12d7b80a",
    "Storage Table Data Contributor": "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
    "Azure Service Bus Data Receiver": "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0",
    "Azure Service Bus Data Sender": "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39",
    "Azure Event Hubs Data Receiver": "a638d3c7-ab3a-418d-83e6-5f17a39d4fde",
    "Azure Event Hubs Data Sender": "2b629674-e913-4c01-ae53-ef4638d8f975",
    "EventGrid Data Sender": "d5a91429-5739-47e2-a06b-3470a27159e7",
    "Key Vault Secrets User": "4633458b-17de-408a-b874-0445c86b69e6",
    "Monitoring Metrics Publisher": "3913510d-42f4-4e42-8a64-420c390055eb",
    "Cosmos DB Built-in Data Reader": "00000000-0000-0000-0000-000000000001",
    "Cosmos DB Built-in Data Contributor": "00000000-0000-0000-0000-000000000002",
}
#: Values that are credentials: account keys, SAS, shared access keys, passwords.
SECRET_VALUE = re.compile(
    r"AccountKey=|SharedAccessKey|SharedAccessSignature|[?&]sig=|Password=|pwd=", re.I
)
SECRET_NAME = re.compile(r"(ConnectionString|_CONNECTION_STRING|__connectionString|Key)$", re.I)
INSIGHTS = "APPLICATIONINSIGHTS_CONNECTION_STRING"


class Recorder(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        self.resources: dict[str, tuple[str, dict[str, Any]]] = {}

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        self.resources[args.name] = (args.typ, dict(args.inputs))
        outputs = {
            "name": args.inputs.get("name") or f"{args.name}-physical",
            "principalId": "principal-1",
            "clientId": "client-1",
            "location": "westeurope",
            "defaultHostName": "app.azurewebsites.net",
            "endpoint": f"https://{args.name}.westeurope-1.eventgrid.azure.net/api/events",
            # what Azure returns for a workspace-based component: an ingestion identifier,
            # useless without Entra auth once local auth is disabled
            "connectionString": "InstrumentationKey=00000000-0000-0000-0000-000000000000;"
            "IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/",
        }
        if "identity" in args.inputs:  # an output map where the input is a list of ids
            ids = args.inputs["identity"].get("userAssignedIdentities") or []
            outputs["identity"] = {
                "type": "UserAssigned",
                "userAssignedIdentities": {i: {} for i in ids},
            }
        return f"{args.name}_id", outputs

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict[str, Any]:
        return {"subscriptionId": "sub-1", "tenantId": "tenant-1", "clientId": "c", "objectId": "o"}


def _deploy(path: Path, **options: str) -> tuple[Recorder, AppModel, Any]:
    from faas_iac_azure.pulumi_emit import deploy

    rec = Recorder()
    c = compiled(path, **options)
    deploy_under_mocks(deploy, c, rec)
    return rec, c.model, c.plan


def _expected_roles(model: AppModel, plan: Any) -> set[tuple[str, str]]:
    """(role, scope resource) the app must get, derived from its triggers and bindings."""
    names = {r.name for r in plan.resources}
    durable = any(fn.kind != "function" or fn.durable_client for fn in model.functions)
    out = {("Storage Blob Data Owner", "storage"), ("Monitoring Metrics Publisher", "insights")}
    if durable:
        out |= {
            ("Storage Queue Data Contributor", "storage"),
            ("Storage Table Data Contributor", "storage"),
        }

    def queue(name: str) -> tuple[str, bool]:
        return (f"sbq-{name}", True) if f"sbq-{name}" in names else (f"queue-{name}", False)

    for fn in model.functions:
        for b in fn.bindings:
            acc = ["read", "write"] if b.access == "readwrite" else [b.access]
            for a in acc:
                if b.kind == "queue":
                    res, sb = queue(b.name)
                    role = (
                        (
                            "Azure Service Bus Data Sender"
                            if a == "write"
                            else "Azure Service Bus Data Receiver"
                        )
                        if sb
                        else (
                            "Storage Queue Data Message Sender"
                            if a == "write"
                            else "Storage Queue Data Reader"
                        )
                    )
                    out.add((role, res))
                elif b.kind == "topic":
                    out.add(("Azure Service Bus Data Sender", f"sbt-{b.name}"))
                elif b.kind == "bucket":
                    out.add(
                        (
                            "Storage Blob Data Contributor"
                            if a == "write"
                            else "Storage Blob Data Reader",
                            f"bucket-{b.name}",
                        )
                    )
                elif b.kind == "table":
                    out.add(
                        (
                            "Cosmos DB Built-in Data Contributor"
                            if a == "write"
                            else "Cosmos DB Built-in Data Reader",
                            f"table-{b.name}",
                        )
                    )
                elif b.kind == "secret":
                    out.add(("Key Vault Secrets User", "kv"))
                elif b.kind == "bus":
                    out.add(("EventGrid Data Sender", f"bus-{b.name}"))
                elif b.kind == "stream":
                    out.add(
                        (
                            "Azure Event Hubs Data Sender"
                            if a == "write"
                            else "Azure Event Hubs Data Receiver",
                            f"stream-{b.name}",
                        )
                    )
        t = fn.trigger
        if t.type == "queue":
            res, sb = queue(t.queue)
            out.add(
                (
                    "Azure Service Bus Data Receiver"
                    if sb
                    else "Storage Queue Data Message Processor",
                    res,
                )
            )
            if not sb:
                out.add(("Storage Queue Data Message Sender", f"queue-{t.queue}-poison"))
        elif t.type == "topic":
            out.add(("Azure Service Bus Data Receiver", f"sbs-{fn.name}"))
        elif t.type == "stream":
            out.add(("Azure Event Hubs Data Receiver", f"stream-{t.stream}"))
        elif t.type == "table":
            out.add(("Cosmos DB Built-in Data Reader", f"table-{t.table}"))
            out.add(("Cosmos DB Built-in Data Contributor", "table-leases"))
    return out


@pytest.mark.parametrize(
    "path", APPS, ids=[example_id(p) if "examples" in p.parts else p.parent.name for p in APPS]
)
def test_resources_settings_and_roles(path: Path) -> None:
    rec, model, plan = _deploy(path)
    # every plan resource, with its plan type, reached the real azure-native classes
    assert {n: t for n, (t, _) in rec.resources.items()} == {r.name: r.type for r in plan.resources}
    by_id = {f"{name}_id": name for name in rec.resources}
    # -- role assignments: exactly the expected (role, scope) pairs, by documented GUID
    documented = {v: k for k, v in DOCUMENTED.items()}
    got: set[tuple[str, str]] = set()
    for name, (typ, inputs) in rec.resources.items():
        if typ == "azure-native:authorization:RoleAssignment":
            guid = inputs["roleDefinitionId"].rsplit("/", 1)[1]
            assert inputs["roleDefinitionId"].startswith(
                "/subscriptions/sub-1/providers/Microsoft.Authorization/"
            ), name
            assert inputs["principalType"] == "ServicePrincipal"
            assert inputs["principalId"] == "principal-1"
            got.add((documented[guid], by_id[inputs["scope"]]))
        elif typ == "azure-native:cosmosdb:SqlResourceSqlRoleAssignment":
            account = "cosmos_id"
            guid = inputs["roleDefinitionId"].rsplit("/", 1)[1]
            assert inputs["roleDefinitionId"].startswith(f"{account}/sqlRoleDefinitions/")
            coll = inputs["scope"].removeprefix(f"{account}/dbs/app/colls/")
            container = next(
                n
                for n, (t, i) in rec.resources.items()
                if t.endswith("SqlResourceSqlContainer") and i["containerName"] == coll
            )
            got.add((documented[guid], container))
    assert got == _expected_roles(model, plan)
    # -- no keys, no connection strings: identity-based connections only
    app_typ, app = rec.resources["app"]
    assert app_typ == "azure-native:web:WebApp"
    assert app["identity"]["type"] == "UserAssigned"
    settings = {s["name"]: s["value"] for s in app["siteConfig"]["appSettings"]}
    for key, value in settings.items():
        assert not SECRET_VALUE.search(str(value)), key
        if key == INSIGHTS:
            # the ingestion identifier, with local (key) auth disabled on the component and
            # Entra ID auth through the identity
            assert rec.resources["insights"][1]["disableLocalAuth"] is True
            assert (
                settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]
                == "ClientId=client-1;Authorization=AAD"
            )
            continue
        if str(value).startswith("@Microsoft.KeyVault("):
            # a reference the platform resolves with the identity: no secret in the setting
            assert app["keyVaultReferenceIdentity"] == "identity_id"
            continue
        assert not SECRET_NAME.search(key), key
    assert "AzureWebJobsStorage" not in settings
    assert settings["AzureWebJobsStorage__credential"] == "managedidentity"
    assert settings["AzureWebJobsStorage__clientId"] == "client-1"
    for name, (typ, inputs) in rec.resources.items():
        if typ.endswith(":StorageAccount"):
            assert inputs["allowSharedKeyAccess"] is False, name
            assert inputs["allowBlobPublicAccess"] is False, name
        if typ.endswith(
            (":servicebus:Namespace", ":eventhub:Namespace", ":DatabaseAccount", ":eventgrid:Topic")
        ):
            assert inputs["disableLocalAuth"] is True, name
        if typ.endswith(":keyvault:Vault"):
            assert inputs["properties"]["enableRbacAuthorization"] is True
    # -- the code package is the generated app, uploaded where the platform reads it
    blob = rec.resources["app-code"][1]
    assert blob["containerName"] == "app-package"
    assert app["httpsOnly"] is True


def test_everything_scale_and_triggers_from_the_model() -> None:
    rec, _, _ = _deploy(ROOT / "tests/azure/apps/everything/app.py")
    app = rec.resources["app"][1]
    scale = app["functionAppConfig"]["scaleAndConcurrency"]
    assert scale["maximumInstanceCount"] == 50
    assert scale["instanceMemoryMB"] == 2048
    assert scale["alwaysReady"] == [{"name": "http", "instanceCount": 1}]
    assert scale["triggers"] == {"http": {"perInstanceConcurrency": 16}}
    assert app["functionAppConfig"]["runtime"] == {"name": "python", "version": "3.11"}
    settings = {s["name"]: s["value"] for s in app["siteConfig"]["appSettings"]}
    assert settings["API_KEY"] == (
        "@Microsoft.KeyVault(SecretUri=https://kv-physical.vault.azure.net/secrets/api-key/)"
    )
    assert settings["MODE"] == "sweep"
    assert "WEBSITE_TIME_ZONE" not in settings
    rule = rec.resources["sbr-on_news"][1]
    assert rule["sqlFilter"]["sqlExpression"] == "kind IN ('job', 'alert') AND region = 'eu'"
    upload = rec.resources["egs-on_upload"][1]
    assert upload["filter"]["includedEventTypes"] == [
        "Microsoft.Storage.BlobCreated",
        "Microsoft.Storage.BlobDeleted",
    ]
    assert (
        upload["filter"]["subjectBeginsWith"]
        == "/blobServices/default/containers/uploads/blobs/in/"
    )
    assert upload["destination"]["endpointType"] == "AzureFunction"
    assert upload["destination"]["resourceId"] == "app_id/functions/on_upload"
    pro = rec.resources["egs-on_pro_user"][1]["filter"]
    assert pro["includedEventTypes"] == ["user.changed"]
    assert {f["key"] for f in pro["advancedFilters"]} == {"Subject", "data.plan"}
    hub = rec.resources["stream-clicks"][1]
    assert hub["partitionCount"] == 4


def test_shop_premium_time_zone_and_service_bus_dead_letter() -> None:
    flex, _, _ = _deploy(ROOT / "examples/shop/app.py")
    flex_settings = flex.resources["app"][1]["siteConfig"]["appSettings"]
    assert "WEBSITE_TIME_ZONE" not in {s["name"] for s in flex_settings}  # the adapter keeps it
    rec, _, _ = _deploy(ROOT / "examples/shop/app.py", plan="premium")
    app = rec.resources["app"][1]
    settings = {s["name"]: s["value"] for s in app["siteConfig"]["appSettings"]}
    assert settings["WEBSITE_TIME_ZONE"] == "Europe/Paris"
    assert rec.resources["plan"][1]["sku"] == {"name": "EP1", "tier": "ElasticPremium"}
    assert app["siteConfig"]["linuxFxVersion"] == "Python|3.11"
    orders = rec.resources["sbq-orders"][1]
    assert orders["maxDeliveryCount"] == 5
    assert orders["forwardDeadLetteredMessagesTo"] == "orders-dlq"
