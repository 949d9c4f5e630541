"""The real azure-functions-durable client (``DurableOrchestrationClient``, over HTTP with
aiohttp) drives our management API: its routes, status codes and payloads are the ones the
Durable Functions extension serves. The server is the durable host's ``management_app`` under
uvicorn on 127.0.0.1 (the Azure client sends no key, so this test's key check admits all)."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import azure.durable_functions as df
import pytest
import uvicorn

from tests.durable.harness import build
from tests.durable.test_patterns import _code
from tests.local.hostproc import ROOT

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


class _Served:
    """The management app, with the durable host started and stopped by ASGI lifespan."""

    def __init__(self, state: Path) -> None:
        _, self.host = build(str(ROOT / "examples" / "durable" / "app.py"), state,
                             check_key=lambda headers, query: True)  # fmt: skip

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await self.host.start()
                    await send({"type": "lifespan.startup.complete"})
                else:
                    await self.host.stop()
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        await self.host.management_app(scope, receive, send)


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))  # bound here, so the port is ours from the start
    port = sock.getsockname()[1]
    app = _Served(tmp_path_factory.mktemp("azure-client") / "state")
    server = uvicorn.Server(uvicorn.Config(app, lifespan="on", log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}/runtime/webhooks/durabletask/"
    server.should_exit = True
    thread.join(10)
    sock.close()


def azure_client(base_url: str) -> df.DurableOrchestrationClient:
    return df.DurableOrchestrationClient(json.dumps({
        "taskHubName": "durablepatterns", "creationUrls": {}, "managementUrls": {},
        "rpcBaseUrl": base_url,
    }))  # fmt: skip


async def _until_done(client: df.DurableOrchestrationClient, iid: str) -> Any:
    for _ in range(200):
        status = await client.get_status(iid)
        if status.runtime_status.value in ("Completed", "Failed", "Terminated"):
            return status
        await asyncio.sleep(0.05)
    raise AssertionError(f"{iid} did not finish")


def test_azure_client_runs_orchestrations(base_url: str) -> None:
    async def scenario() -> None:
        client = azure_client(base_url)
        iid = await client.start_new("hello_sequence", None, None)
        done = await _until_done(client, iid)
        assert done.runtime_status == df.OrchestrationRuntimeStatus.Completed
        assert done.output == ["Hello Tokyo!", "Hello Seattle!", "Hello London!"]
        assert done.name == "hello_sequence" and done.instance_id == iid

        phone = await client.start_new("verify_phone", "az-phone", {"phone": "+7"})
        await client.raise_event(phone, "SmsChallengeResponse", _code("+7"))
        verified = await _until_done(client, phone)
        assert verified.output == {"verified": True, "attempts": 1}
        history = await client.get_status(phone, show_history=True, show_history_output=True)
        assert history.historyEvents[0]["EventType"] == "ExecutionStarted"

        doomed = await client.start_new("verify_phone", None, {"phone": "+8"})
        await client.suspend(doomed, "wait")
        assert (await client.get_status(doomed)).runtime_status.value == "Suspended"
        await client.resume(doomed, "go")
        await client.terminate(doomed, "no longer needed")
        ended = await _until_done(client, doomed)
        assert ended.runtime_status == df.OrchestrationRuntimeStatus.Terminated
        assert ended.output == "no longer needed"

        completed = await client.get_status_by(
            runtime_status=[df.OrchestrationRuntimeStatus.Completed]
        )
        assert {s.instance_id for s in completed} >= {iid, phone}
        purged = await client.purge_instance_history(iid)
        assert purged.instances_deleted == 1
        assert (await client.get_status(iid)).runtime_status is None  # 404: no such instance

        counter = df.EntityId("counter", "azure")
        await client.signal_entity(counter, "add", 5)
        await client.signal_entity(counter, "add", 2)
        state = await client.read_entity_state(counter)
        assert state.entity_exists and state.entity_state == 7

    asyncio.run(scenario())
