"""``ctx.durable`` on Azure: the portable client API over azure-functions-durable's own
``DurableOrchestrationClient``, built from a durableClient binding as the host passes it, with
the SDK's HTTP seam (``_post_async_request`` / ``_get_async_request``) answering."""

from __future__ import annotations

import json
from typing import Any

import azure.durable_functions as df
import pytest
from faas_iac_azure.shim.durable import DurableClient

from faas_iac.durable import EntityId, OrchestrationRuntimeStatus

BASE = "https://shop.azurewebsites.net/runtime/webhooks/durabletask"
QUERY = "taskHub=shophub&connection=Storage&code=SYSKEY"
RPC = "http://127.0.0.1:17071/durabletask/"


def binding() -> str:
    inst = f"{BASE}/instances/INSTANCEID"
    return json.dumps({
        "taskHubName": "shophub",
        "creationUrls": {
            "createNewInstancePostUri": f"{BASE}/orchestrators/{{functionName}}"
                                        f"[/{{instanceId}}]?{QUERY}",
            "createAndWaitOnNewInstancePostUri": f"{BASE}/orchestrators/{{functionName}}"
                                                 f"[/{{instanceId}}]?timeout={{timeoutInSeconds}}"
                                                 f"&{QUERY}",
        },
        "managementUrls": {
            "id": "INSTANCEID",
            "statusQueryGetUri": f"{inst}?{QUERY}",
            "sendEventPostUri": f"{inst}/raiseEvent/{{eventName}}?{QUERY}",
            "terminatePostUri": f"{inst}/terminate?reason={{text}}&{QUERY}",
            "rewindPostUri": f"{inst}/rewind?reason={{text}}&{QUERY}",
            "purgeHistoryDeleteUri": f"{inst}?{QUERY}",
            "restartPostUri": f"{inst}/restart?{QUERY}",
            "suspendPostUri": f"{inst}/suspend?reason={{text}}&{QUERY}",
            "resumePostUri": f"{inst}/resume?reason={{text}}&{QUERY}",
        },
        "baseUrl": BASE,
        "requiredQueryStringParameters": QUERY,
        "rpcBaseUrl": RPC,
    })


STATUS = {"name": "fulfil_order", "instanceId": "abc", "runtimeStatus": "Completed",
          "input": {"a": 1}, "output": {"ok": True}, "customStatus": {"step": 2},
          "createdTime": "2026-01-01T00:00:00Z", "lastUpdatedTime": "2026-01-01T00:00:05Z"}


@pytest.fixture
def wired() -> tuple[DurableClient, list[tuple[str, str, Any]]]:
    native = df.DurableOrchestrationClient(binding())
    calls: list[tuple[str, str, Any]] = []

    async def post(url: str, data: Any = None, *args: Any, **kwargs: Any) -> list[Any]:
        calls.append(("POST", url, data))
        if "/entities/" in url:
            return [202, None]
        if "/raiseEvent/" in url or "/terminate" in url or "/suspend" in url:
            return [202, None]
        return [202, {"id": "abc"}]

    async def get(url: str, *args: Any, **kwargs: Any) -> list[Any]:
        calls.append(("GET", url, None))
        if "/entities/" in url:
            return [200, {"count": 3}]
        return [200, STATUS]

    native._post_async_request = post
    native._get_async_request = get
    return DurableClient(native), calls


def test_start_and_status(wired: tuple[DurableClient, list[Any]]) -> None:
    client, calls = wired
    assert client.start_new("fulfil_order", None, {"a": 1}) == "abc"
    status = client.get_status("abc")
    assert status is not None
    assert status.runtime_status is OrchestrationRuntimeStatus.Completed
    assert (status.output, status.input_, status.custom_status) == ({"ok": True}, {"a": 1},
                                                                     {"step": 2})
    assert calls[0] == ("POST", f"{RPC}orchestrators/fulfil_order", '{"a": 1}')
    assert calls[1][1].startswith(f"{RPC}instances/abc")


def test_events_control_and_entities(wired: tuple[DurableClient, list[Any]]) -> None:
    client, calls = wired
    client.raise_event("abc", "approve", True)
    client.terminate("abc", "stop")
    client.suspend("abc")
    client.signal_entity(EntityId("counter", "c1"), "add", 2)
    state = client.read_entity_state(EntityId("counter", "c1"))
    assert (state.entity_exists, state.entity_state) == (True, {"count": 3})
    urls = [u for _, u, _ in calls]
    assert any("/raiseEvent/approve" in u for u in urls)
    assert any("/terminate" in u and "stop" in u for u in urls)
    assert any("entities/counter/c1" in u and "op=add" in u for u in urls)


def test_check_status_response_uses_azures_links(wired: tuple[DurableClient, list[Any]]) -> None:
    client, _ = wired
    resp = client.create_check_status_response(None, "abc")
    links = json.loads(resp.body_bytes)
    assert resp.status == 202
    assert resp.headers["Location"] == links["statusQueryGetUri"] == (
        f"{BASE}/instances/abc?{QUERY}")
    assert links["id"] == "abc"
    done = client.wait_for_completion_or_create_check_status_response(None, "abc")
    assert done.status == 200 and json.loads(done.body_bytes)["output"] == {"ok": True}
