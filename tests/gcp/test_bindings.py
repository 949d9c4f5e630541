"""The GCP bindings through google-cloud-pubsub's own client: ``ctx.send`` / ``publish`` /
``emit`` / ``put_record`` in a function served by functions-framework from the generated
``gcp-app/`` reach a Pub/Sub Publisher API on 127.0.0.1 (gRPC, the library's emulator seam
``PUBSUB_EMULATOR_HOST``, answered with the library's message types): topic, data, attributes
and ordering key as sent; secrets come from the secret variable the platform fills."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent import futures
from pathlib import Path
from typing import Any

import functions_framework
import grpc
import pytest
from faas_iac_gcp.runtime.bindings import GcpBindings
from google.pubsub_v1 import types

from tests.gcp import ff
from tests.gcp.support import ROOT

BINDINGS = ROOT / "tests" / "gcp" / "apps" / "bindings" / "gcp_bindings.py"
TOPICS = {
    "queue:work": "projects/p/topics/gcpbind-work",
    "topic:news": "projects/p/topics/gcpbind-news",
    "bus:default": "projects/p/topics/gcpbind-bus-default",
}


@pytest.fixture
def publisher(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[types.PublishRequest]]:
    seen: list[types.PublishRequest] = []

    def publish(request: types.PublishRequest, _: Any) -> types.PublishResponse:
        seen.append(request)
        ids = [f"m{len(seen)}-{i}" for i in range(len(request.messages))]
        return types.PublishResponse(message_ids=ids)

    handler = grpc.unary_unary_rpc_method_handler(
        publish,
        request_deserializer=types.PublishRequest.deserialize,
        response_serializer=types.PublishResponse.serialize,
    )
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    server.add_generic_rpc_handlers(
        [grpc.method_handlers_generic_handler("google.pubsub.v1.Publisher", {"Publish": handler})]
    )
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    monkeypatch.setenv("PUBSUB_EMULATOR_HOST", f"127.0.0.1:{port}")
    try:
        yield seen
    finally:
        server.stop(None)


def test_a_function_sends_through_pubsub(
    publisher: list[types.PublishRequest], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = ff.write_app(BINDINGS, tmp_path)
    resources = {**TOPICS, "secret:api-token": "API_TOKEN"}
    monkeypatch.setenv("FAAS_IAC_RESOURCES", json.dumps(resources))
    monkeypatch.setenv("API_TOKEN", "tok-123")  # what Cloud Functions puts in the variable
    app = functions_framework.create_app("fn_send", str(folder / "main.py")).test_client()
    answer = app.post("/send", data=b'{"order": 7}')
    assert (answer.status_code, answer.get_json()) == (200, {"token": 7})
    [request] = publisher
    assert request.topic == TOPICS["queue:work"]
    [message] = request.messages
    assert (message.data, dict(message.attributes), message.ordering_key) == (
        b'{"order": 7}',
        {},
        "",
    )


def test_topics_buses_and_streams(publisher: list[types.PublishRequest]) -> None:
    bindings = GcpBindings(
        {**TOPICS, "stream:clicks": {"topic": "projects/p/topics/gcpbind-clicks", "partitions": 2}}
    )
    assert bindings.publish("news", b"hi", {"kind": "item"}) == "m1-0"
    event_id = bindings.emit("default", "shop", "order.placed", {"total": 5})
    bindings.stream_put("clicks", b"c", "user-1")
    by_topic = {r.topic: r.messages[0] for r in publisher}
    news = by_topic[TOPICS["topic:news"]]
    assert (news.data, dict(news.attributes)) == (b"hi", {"kind": "item"})
    bus = by_topic[TOPICS["bus:default"]]
    body = json.loads(bus.data)
    assert (body["id"], body["source"], body["type"], body["detail"]) == (
        event_id,
        "shop",
        "order.placed",
        {"total": 5},
    )
    assert dict(bus.attributes) == {"source": "shop", "type": "order.placed"}
    click = by_topic["projects/p/topics/gcpbind-clicks"]
    assert click.ordering_key == "user-1"
    assert dict(click.attributes) == {"partition_key": "user-1", "partition": "0"}


def test_a_resource_not_bound_is_refused() -> None:
    with pytest.raises(LookupError, match="not bound"):
        GcpBindings({}).send("work", b"x", {})
