"""``ctx.durable`` on Azure: the portable client API over azure-functions-durable's own
``DurableOrchestrationClient``, built from a durableClient binding as the host passes it, with
the SDK's HTTP seam (``_post_async_request`` / ``_get_async_request``) answering."""

from __future__ import annotations

import asyncio
import json
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

import azure.durable_functions as df
import httpx
import pytest
from faas_iac_azure.runtime.durable import DurableClient

from faas_iac.durable import EntityId, OrchestrationRuntimeStatus

BASE = "https://shop.azurewebsites.net/runtime/webhooks/durabletask"
QUERY = "taskHub=shophub&connection=Storage&code=SYSKEY"
RPC = "http://127.0.0.1:17071/durabletask/"


def binding() -> str:
    inst = f"{BASE}/instances/INSTANCEID"
    return json.dumps(
        {
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
        }
    )


STATUS = {
    "name": "fulfil_order",
    "instanceId": "abc",
    "runtimeStatus": "Completed",
    "input": {"a": 1},
    "output": {"ok": True},
    "customStatus": {"step": 2},
    "createdTime": "2026-01-01T00:00:00Z",
    "lastUpdatedTime": "2026-01-01T00:00:05Z",
}


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
    assert (status.output, status.input_, status.custom_status) == (
        {"ok": True},
        {"a": 1},
        {"step": 2},
    )
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
    assert (
        resp.headers["Location"] == links["statusQueryGetUri"] == (f"{BASE}/instances/abc?{QUERY}")
    )
    assert links["id"] == "abc"
    done = client.wait_for_completion_or_create_check_status_response(None, "abc")
    assert done.status == 200 and json.loads(done.body_bytes)["output"] == {"ok": True}


# -- the same client against an Azure-compatible management API: the local engine's ---------


class LocalDurableApi:
    """The durable example on the local engine behind its Azure-compatible HTTP management
    API (ASGI, on its own loop thread); the Azure SDK client's HTTP seam is routed to it."""

    def __init__(self, tmp: Path) -> None:
        from faas_iac.api import load
        from faas_iac.durable.host import DurableHost

        from .test_durable_replay import DURABLE, _resolve

        model, _ = load(str(DURABLE))
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.host = DurableHost(model, _resolve, tmp, check_key=lambda headers, query: True)
        asyncio.run_coroutine_threadsafe(self.host.start(), self.loop).result(30)

    async def _request(self, method: str, url: str, body: Any) -> list[Any]:
        transport = httpx.ASGITransport(app=self.host.management_app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
            split = urllib.parse.urlsplit(url)
            resp = await http.request(
                method, split.path + (f"?{split.query}" if split.query else ""), content=body
            )
        return [resp.status_code, resp.json() if resp.content else None]

    def route(self, method: str) -> Any:
        async def call(url: str, data: Any = None, *args: Any, **kwargs: Any) -> list[Any]:
            body = data.encode() if isinstance(data, str) else data
            fut = asyncio.run_coroutine_threadsafe(self._request(method, url, body), self.loop)
            return await asyncio.wrap_future(fut)

        return call

    def client(self) -> DurableClient:
        native = df.DurableOrchestrationClient(
            binding().replace(RPC, "http://127.0.0.1:7071/runtime/webhooks/durabletask/")
        )
        native._post_async_request = self.route("POST")
        native._get_async_request = self.route("GET")
        native._delete_async_request = self.route("DELETE")
        return DurableClient(native)

    def close(self) -> None:
        asyncio.run_coroutine_threadsafe(self.host.stop(), self.loop).result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


@pytest.fixture
def local_api(tmp_path: Path) -> Any:
    api = LocalDurableApi(tmp_path)
    yield api
    api.close()


def test_azure_sdk_client_drives_the_local_engine(local_api: LocalDurableApi) -> None:
    client = local_api.client()
    iid = client.start_new("hello_sequence")
    done = client.wait_for_completion(iid, timeout=20, interval=0.05)
    assert done is not None and done.runtime_status is OrchestrationRuntimeStatus.Completed
    assert done.output == ["Hello Tokyo!", "Hello Seattle!", "Hello London!"]
    waiting = client.start_new("report_progress", "progress-1")
    for _ in range(200):
        status = client.get_status(waiting)
        if status is not None and status.custom_status == {
            "stage": "waiting for approval",
            "percent": 50,
        }:
            break
        time.sleep(0.05)
    client.raise_event(waiting, "Approval", True)
    final = client.wait_for_completion(waiting, timeout=20, interval=0.05)
    assert final is not None and final.output == {"approved": True}
    client.signal_entity(EntityId("counter", "c-1"), "add", 5)
    for _ in range(200):
        state = client.read_entity_state(EntityId("counter", "c-1"))
        if state.entity_exists:
            break
        time.sleep(0.05)
    assert (state.entity_exists, state.entity_state) == (True, 5)
    assert client.purge_instance_history(iid).instances_deleted == 1
    assert client.get_status(iid) is None


def test_queue_function_with_durable_client_end_to_end(tmp_path: Path) -> None:
    """The shop's take_order as the worker runs it: an async function (durable client
    middleware of azure-functions-durable) given a ServiceBusMessage and the client binding
    JSON; the handler's synchronous ctx.durable.start_new crosses to the worker's loop."""
    from azure.functions.servicebus import ServiceBusMessage

    from .support import EXAMPLES, generated_app

    started: list[tuple[str, Any]] = []

    async def post(url: str, data: Any = None, *args: Any, **kwargs: Any) -> list[Any]:
        started.append((url, json.loads(data)))
        return [202, {"id": "new-1"}]

    with generated_app(EXAMPLES / "shop" / "app.py", tmp_path) as app:
        fn = next(f for f in app.indexed if f.get_function_name() == "take_order")
        original = df.DurableOrchestrationClient.__init__

        def with_fake_http(self: Any, *args: Any, **kwargs: Any) -> None:
            original(self, *args, **kwargs)
            self._post_async_request = post

        msg = ServiceBusMessage(
            body=b'{"id": "o-1", "items": [1]}',
            message_id="m-1",
            application_properties={},
            user_properties={},
        )
        df.DurableOrchestrationClient.__init__ = with_fake_http  # type: ignore[method-assign]
        try:
            asyncio.run(fn.get_user_function()(msg=msg, client=binding(), context=None))
        finally:
            df.DurableOrchestrationClient.__init__ = original  # type: ignore[method-assign]
    assert started == [(f"{RPC}orchestrators/fulfil_order", {"id": "o-1", "items": [1]})]
