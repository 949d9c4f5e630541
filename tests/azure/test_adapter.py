"""The Azure adapter of the shim, both ways, with objects built by the azure-functions
package's own constructors; then whole invocations through a generated app."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import azure.functions as func
import pytest
from azure.functions.blob import InputStream
from azure.functions.queue import QueueMessage
from azure.functions.servicebus import ServiceBusMessage
from azure.functions.timer import TimerRequest
from faas_iac_azure.runtime import convert

from faas_iac.runtime.types import CloudEvent, HttpRequest, HttpResponse, Message, TimerInfo

from .support import EXAMPLES, generated_app

WHEN = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)


def test_http_request_both_ways() -> None:
    native = func.HttpRequest(
        "post",
        "https://shop.azurewebsites.net/api/orders/7?expand=items",
        headers={"Content-Type": "application/json", "X-Trace": "abc"},
        params={"expand": "items"},
        route_params={"id": "7"},
        body=b'{"qty": 2}',
    )
    portable = convert.to_http_request(native)
    assert portable == HttpRequest(
        method="POST",
        path="/orders/7",  # the route's path: the host's /api prefix is not part of it
        headers={"content-type": "application/json", "x-trace": "abc"},
        query={"expand": "items"},
        route_params={"id": "7"},
        body=b'{"qty": 2}',
    )
    back = convert.from_http_request(portable, "https://shop.azurewebsites.net")
    assert (back.method, back.url, back.get_json(), dict(back.route_params)) == (
        "POST",
        "https://shop.azurewebsites.net/api/orders/7?expand=items",
        {"qty": 2},
        {"id": "7"},
    )
    assert back.headers["x-trace"] == "abc"


@pytest.mark.parametrize(
    ("result", "status", "mimetype", "body"),
    [
        ({"ok": True}, 200, "application/json", b'{"ok":true}'),
        (None, 204, "application/octet-stream", b""),
        ("hi", 200, "text/plain", b"hi"),
        (HttpResponse(b"\x00", 201, {"x-id": "9"}), 201, "application/octet-stream", b"\x00"),
    ],
)
def test_http_response_both_ways(result: Any, status: int, mimetype: str, body: bytes) -> None:
    native = convert.from_http_response(result)
    assert isinstance(native, func.HttpResponse)
    assert (native.status_code, native.mimetype, native.get_body()) == (status, mimetype, body)
    back = convert.to_http_response(native)
    assert (back.status, back.body) == (status, body)
    assert back.content_type.startswith(mimetype)
    if isinstance(result, HttpResponse):
        assert native.headers["x-id"] == "9" and back.headers["x-id"] == "9"


def test_storage_queue_message_both_ways() -> None:
    native = QueueMessage(id="m-1", body=b'{"id": 3}', dequeue_count=2, insertion_time=WHEN)
    msg = convert.to_queue_message(native, "jobs")
    assert msg == Message(
        id="m-1", body=b'{"id": 3}', delivery_count=2, source="jobs", enqueued_at=WHEN
    )
    back = convert.from_queue_message(msg)
    assert (back.id, back.get_body(), back.dequeue_count, back.insertion_time) == (
        "m-1",
        b'{"id": 3}',
        2,
        WHEN,
    )


def test_service_bus_message_both_ways() -> None:
    native = ServiceBusMessage(
        body=b"hello",
        message_id="sb-1",
        application_properties={"kind": "job", "n": 2},
        user_properties={"kind": "job", "n": 2},
        delivery_count=3,
        session_id="s-1",
        sequence_number=42,
        enqueued_time_utc=WHEN,
    )
    msg = convert.to_servicebus_message(native, "orders")
    assert msg == Message(
        id="sb-1",
        body=b"hello",
        attributes={"kind": "job", "n": "2"},
        delivery_count=3,
        source="orders",
        partition_key="s-1",
        sequence="42",
        enqueued_at=WHEN,
    )
    back = convert.from_servicebus_message(msg)
    assert (
        back.message_id,
        back.get_body(),
        back.delivery_count,
        back.session_id,
        back.sequence_number,
        back.application_properties,
    ) == ("sb-1", b"hello", 3, "s-1", 42, {"kind": "job", "n": "2"})


def test_event_hub_event_both_ways() -> None:
    native = func.EventHubEvent(
        body=b"click", partition_key="p-1", sequence_number=7, enqueued_time=WHEN
    )
    msg = convert.to_eventhub_message(native, "clicks")
    assert (msg.body, msg.partition_key, msg.sequence, msg.enqueued_at, msg.source) == (
        b"click",
        "p-1",
        "7",
        WHEN,
        "clicks",
    )
    back = convert.from_eventhub_message(msg)
    assert (back.get_body(), back.partition_key, back.sequence_number) == (b"click", "p-1", 7)


def test_blob_event_grid_event_both_ways() -> None:
    native = func.EventGridEvent(
        id="e-1",
        data={"url": "https://acct.blob.core.windows.net/uploads/in/a.csv"},
        topic="/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/a",
        subject="/blobServices/default/containers/uploads/blobs/in/a.csv",
        event_type="Microsoft.Storage.BlobCreated",
        event_time=WHEN,
        data_version="1",
    )
    event = convert.to_cloud_event(native)
    assert (event.type, event.subject, event.time) == ("object.created", "in/a.csv", WHEN)
    back = convert.from_cloud_event(event, container="uploads")
    assert (back.event_type, back.subject, back.get_json()) == (
        native.event_type,
        native.subject,
        native.get_json(),
    )


def test_custom_event_grid_event_both_ways() -> None:
    native = func.EventGridEvent(
        id="e-2",
        data={"plan": "pro"},
        topic="t",
        subject="app",
        event_type="user.changed",
        event_time=WHEN,
        data_version="1",
    )
    event = convert.to_cloud_event(native)
    assert event == CloudEvent(
        id="e-2", source="app", type="user.changed", data={"plan": "pro"}, subject="app", time=WHEN
    )
    back = convert.from_cloud_event(event, topic="t")
    assert (back.id, back.subject, back.event_type, back.get_json()) == (
        "e-2",
        "app",
        "user.changed",
        {"plan": "pro"},
    )


def test_blob_input_stream_both_ways() -> None:
    native = InputStream(
        data=b"a,b\n",
        name="uploads/in/a.csv",
        uri="https://acct.blob.core.windows.net/uploads/in/a.csv",
        length=4,
    )
    event = convert.to_blob_event(native)
    assert (event.type, event.source, event.subject, event.data) == (
        "object.created",
        "uploads",
        "in/a.csv",
        b"a,b\n",
    )
    back = convert.from_blob_event(event)
    assert (back.name, back.read(), back.length) == ("uploads/in/a.csv", b"a,b\n", 4)


def test_cosmos_documents_both_ways() -> None:
    docs = func.DocumentList(
        [
            func.Document.from_dict(
                {"id": "u1", "uid": "u1", "plan": "pro", "_ts": 1767225600, "_etag": "e1"}
            ),
            func.Document.from_json(json.dumps({"id": "u2", "uid": "u2", "_ts": 1767225601})),
        ]
    )
    events = convert.to_record_events(docs, "users")
    assert [(e.type, e.subject, e.data, e.source) for e in events] == [
        ("record.modified", "u1", {"id": "u1", "uid": "u1", "plan": "pro"}, "users"),
        ("record.modified", "u2", {"id": "u2", "uid": "u2"}, "users"),
    ]
    assert events[0].time == datetime(2026, 1, 1, tzinfo=UTC)
    back = convert.from_record_events(events)
    assert [d.to_dict() for d in back] == [e.data for e in events]


def test_timer_request_both_ways() -> None:
    native = TimerRequest(past_due=True, schedule_status={"Last": "2026-03-04T02:00:00Z"})
    info = convert.to_timer_info(native, now=WHEN)
    assert info == TimerInfo(
        scheduled_time=WHEN, past_due=True, last_fire=datetime(2026, 3, 4, 2, tzinfo=UTC)
    )
    back = convert.from_timer_info(info)
    assert back.past_due is True and back.schedule_status == {"Last": "2026-03-04T02:00:00+00:00"}


# -- whole invocations through the generated shop app -----------------------------------------


class Recorded:
    """A Bindings fake: records sends, serves one table row."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, bytes]] = []

    def send(self, queue: str, body: bytes, attributes: Mapping[str, str]) -> str:
        self.sent.append((queue, body))
        return "id-1"

    def table_put(self, table: str, item: Mapping[str, Any]) -> None:
        self.sent.append((f"table:{table}", json.dumps(item, sort_keys=True).encode()))

    def table_get(self, table: str, key: Mapping[str, Any]) -> dict[str, Any] | None:
        return {"id": key["id"], "total": 12} if table == "orders" else None

    def put_object(self, bucket: str, key: str, data: bytes, content_type: str) -> None:
        self.sent.append((f"{bucket}/{key}", data))

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"unexpected binding call {name}")


@pytest.fixture
def shop(tmp_path: Path) -> Any:
    with generated_app(EXAMPLES / "shop" / "app.py", tmp_path) as function_app:
        function_app._rt._bindings = Recorded()
        yield function_app


def _fn(app: Any, name: str) -> Any:
    return next(f for f in app.indexed if f.get_function_name() == name).get_user_function()


def test_http_invocation_end_to_end(shop: Any) -> None:
    req = func.HttpRequest(
        "POST",
        "https://x/api/orders",
        headers={},
        params={},
        route_params={},
        body=b'{"id": "o-9", "items": [1]}',
    )
    resp = _fn(shop, "place_order")(req, None)
    assert isinstance(resp, func.HttpResponse)
    assert (resp.status_code, json.loads(resp.get_body())) == (200, {"accepted": "o-9"})
    assert shop._rt._bindings.sent == [
        ("table:orders", b'{"id": "o-9", "items": [1], "status": "placed"}'),
        ("orders", b'{"id":"o-9","items":[1]}'),
    ]
    get = func.HttpRequest(
        "GET",
        "https://x/api/orders/o-9",
        headers={},
        params={},
        route_params={"id": "o-9"},
        body=b"",
    )
    found = _fn(shop, "get_order")(get, None)
    assert json.loads(found.get_body()) == {"id": "o-9", "total": 12}


def test_activity_invocation(shop: Any) -> None:
    assert _fn(shop, "reserve_stock")({"items": [1]}) is True
    assert _fn(shop, "charge_card")({"total": 5}) == "charged 5"


def test_undeclared_binding_is_denied_on_azure_too(shop: Any) -> None:
    from faas_iac.runtime.types import BindingDenied

    ctx = shop._rt.context("get_order")
    with pytest.raises(BindingDenied):
        ctx.send("orders", b"x")


def test_timer_invocation(shop: Any) -> None:
    timer = TimerRequest(past_due=False, schedule_status={"Last": "2026-03-03T01:00:00Z"})
    assert _fn(shop, "nightly_report")(timer, None) is None
    ((key, data),) = shop._rt._bindings.sent
    assert key.startswith("reports/") and key.endswith(".txt") and data == b"orders report\n"
