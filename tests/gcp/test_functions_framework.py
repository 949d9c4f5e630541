"""The generated ``main.py`` under the real functions-framework: each delivery GCP makes, in
the shape GCP sends it, reaches the user's handler as the portable type, and the answer is what
the sender expects.

Payloads are built with google-events' own message types (printed with protobuf's
``json_format``, so only set fields appear and int64s are text, as GCP sends them) or are the
documented samples (the Pub/Sub push body, Cloud Scheduler's headers), checked by parsing them
with google-events. CloudEvents go in binary mode (``ce-*`` headers) and structured mode
(``application/cloudevents+json``); Firestore events as ``application/protobuf``, Eventarc's
default. Most cases run in-process on functions-framework's own Flask app (``create_app``);
the push-retry case runs it as a server on 127.0.0.1.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import functions_framework
import httpx
import pytest
from google.events.cloud.firestore_v1.types import Document, DocumentEventData, MapValue, Value
from google.events.cloud.pubsub_v1.types import MessagePublishedData
from google.events.cloud.storage_v1.types import StorageObjectData
from google.protobuf import json_format

from tests.gcp import ff

APP = Path(__file__).parent / "apps" / "events" / "gcp_events.py"
PUBLISH_TIME = "2026-03-29T01:05:00.749123456Z"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return ff.write_app(APP, tmp_path_factory.mktemp("gcp-events"))


@pytest.fixture
def seen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "seen.jsonl"
    monkeypatch.setenv("SEEN_FILE", str(path))
    yield path


def records(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines()]


def client(folder: Path, target: str) -> Any:
    return functions_framework.create_app(target, str(folder / "main.py")).test_client()


def push_body(
    data: bytes | None, attributes: dict[str, str] | None, **extra: Any
) -> dict[str, Any]:
    """The documented push body: ``messageId`` / ``publishTime`` twice (camel and snake case);
    an empty message has neither ``data`` nor ``attributes``."""
    message: dict[str, Any] = {
        "messageId": "2070443601311540",
        "message_id": "2070443601311540",
        "publishTime": PUBLISH_TIME,
        "publish_time": PUBLISH_TIME,
    }
    if data is not None:
        message["data"] = base64.b64encode(data).decode()
    if attributes:
        message["attributes"] = attributes
    body = {
        "message": {**message, **extra.pop("message", {})},
        "subscription": "projects/p/subscriptions/gcpevents-on-job",
        **extra,
    }
    # the library's own type reads it (unknown snake-case twins ignored)
    MessagePublishedData.from_json(json.dumps(body), ignore_unknown_fields=True)
    return body


# -- Pub/Sub push: queues, topics, streams ---------------------------------------------------


def test_queue_message_reaches_the_handler_and_is_acked(folder: Path, seen: Path) -> None:
    body = push_body(b'{"id": 7}', {"kind": "order"}, deliveryAttempt=2)
    response = client(folder, "fn_on_job").post("/", json=body)
    assert response.status_code == 204
    assert records(seen) == [
        {
            "kind": "queue",
            "id": "2070443601311540",
            "body": '{"id": 7}',
            "attributes": {"kind": "order"},
            "delivery_count": 2,
            "partition_key": None,
            "enqueued_at": "2026-03-29T01:05:00.749123+00:00",
        }
    ]


def test_an_empty_message_has_no_data_and_no_attributes(folder: Path, seen: Path) -> None:
    response = client(folder, "fn_on_news").post("/", json=push_body(None, None))
    assert response.status_code == 204
    [got] = records(seen)
    assert (got["body"], got["attributes"], got["delivery_count"]) == ("", {}, 1)


def test_stream_record_keeps_its_ordering_key(folder: Path, seen: Path) -> None:
    body = push_body(b"click", {"partition": "0"}, message={"orderingKey": "user-1"})
    assert client(folder, "fn_on_click").post("/", json=body).status_code == 204
    [got] = records(seen)
    assert (got["partition_key"], got["body"]) == ("user-1", "click")


def test_failing_handler_nacks_so_pubsub_redelivers(folder: Path, seen: Path) -> None:
    """Over 127.0.0.1: a handler error is a 5xx (Pub/Sub's nack: redeliver with backoff, then
    dead-letter after max_delivery_attempts); the next attempt, counted, succeeds or not by
    the handler alone; nothing of the error reaches the response but the message id."""
    with ff.serve(folder, "fn_on_job", {"SEEN_FILE": str(seen)}) as url:
        failing = push_body(b'{"fail": true}', None, deliveryAttempt=1)
        first = httpx.post(url, json=failing)
        again = httpx.post(url, json={**failing, "deliveryAttempt": 2})
        fine = httpx.post(url, json=push_body(b"{}", None, deliveryAttempt=3))
    assert [first.status_code, again.status_code, fine.status_code] == [500, 500, 204]
    assert "fails on purpose" not in first.text and "2070443601311540" in first.text
    assert [r["delivery_count"] for r in records(seen)] == [1, 2, 3]
    assert "fails on purpose" in ff.log_of(folder, "fn_on_job")  # logged, with the trace


def test_a_body_that_is_not_a_push_is_acked_not_retried_forever(folder: Path, seen: Path) -> None:
    response = client(folder, "fn_on_job").post("/", data=b"junk")
    assert response.status_code == 204
    assert records(seen) == []


# -- Eventarc CloudEvents --------------------------------------------------------------------


def storage_data(name: str) -> dict[str, Any]:
    obj = StorageObjectData(
        name=name,
        bucket="gcpevents-files",
        size=1234,
        generation=1712345678901234,
        etag="CNLz7c6E",
        content_type="application/json",
        metageneration=1,
    )
    return dict(json_format.MessageToDict(StorageObjectData.pb(obj)))


def binary_headers(ce_type: str, source: str, subject: str, content_type: str) -> dict[str, str]:
    return {
        "ce-specversion": "1.0",
        "ce-id": "evt-1",
        "ce-type": ce_type,
        "ce-source": source,
        "ce-subject": subject,
        "ce-time": "2026-03-29T01:05:00.123Z",
        "content-type": content_type,
    }


STORAGE_SOURCE = "//storage.googleapis.com/projects/_/buckets/gcpevents-files"


def test_storage_object_in_binary_mode(folder: Path, seen: Path) -> None:
    name = "in/café.json"  # ce-subject is percent-encoded; the name comes from the data
    data = storage_data(name)
    assert data["size"] == "1234"  # int64 as text, as GCP sends it
    headers = binary_headers(
        "google.cloud.storage.object.v1.finalized",
        STORAGE_SOURCE,
        "objects/in/caf%C3%A9.json",
        "application/json",
    )
    response = client(folder, "fn_on_file").post("/", data=json.dumps(data), headers=headers)
    assert response.status_code == 200
    assert records(seen) == [
        {
            "kind": "storage",
            "id": "evt-1",
            "type": "object.created",
            "subject": name,
            "data": {
                "bucket": "gcpevents-files",
                "key": name,
                "size": 1234,
                "etag": "CNLz7c6E",
                "content_type": "application/json",
            },
        }
    ]


def test_storage_delete_in_structured_mode_and_filters(folder: Path, seen: Path) -> None:
    def structured(name: str, kind: str) -> dict[str, Any]:
        return {
            "specversion": "1.0",
            "id": f"evt-{name}",
            "type": f"google.cloud.storage.object.v1.{kind}",
            "source": STORAGE_SOURCE,
            "subject": f"objects/{name}",
            "time": "2026-03-29T01:05:00Z",
            "datacontenttype": "application/json",
            "data": storage_data(name),
        }

    app = client(folder, "fn_on_file")
    for name, kind in [
        ("in/a.json", "deleted"),
        ("out/b.json", "finalized"),  # prefix filtered out by the adapter
        ("in/c.txt", "finalized"),  # suffix filtered out
        ("in/d.json", "archived"),  # a type the portable model does not name
    ]:
        response = app.post(
            "/",
            data=json.dumps(structured(name, kind)),
            headers={"content-type": "application/cloudevents+json"},
        )
        assert response.status_code == 200
    assert [(r["type"], r["subject"]) for r in records(seen)] == [("object.deleted", "in/a.json")]


def firestore_doc(fields: dict[str, Value]) -> Document:
    return Document(name="projects/p/databases/gcpevents-data/documents/items/a1", fields=fields)


@pytest.mark.parametrize(
    ("old", "new", "kind"),
    [
        (False, True, "record.inserted"),
        (True, True, "record.modified"),
        (True, False, "record.removed"),
    ],
)
def test_firestore_change_as_protobuf(
    folder: Path, seen: Path, old: bool, new: bool, kind: str
) -> None:
    before = firestore_doc({"id": Value(string_value="a1"), "n": Value(integer_value=1)})
    after = firestore_doc(
        {
            "id": Value(string_value="a1"),
            "n": Value(integer_value=2**62 + 1),  # more digits than a float holds
            "price": Value(double_value=9.5),
            "tags": Value(map_value=MapValue(fields={"x": Value(boolean_value=True)})),
            "none": Value(null_value=0),
        }
    )
    change = DocumentEventData(value=after if new else None, old_value=before if old else None)
    headers = binary_headers(
        "google.cloud.firestore.document.v1.written",
        "//firestore.googleapis.com/projects/p/databases/gcpevents-data",
        "documents/items/a1",
        "application/protobuf",
    )
    response = client(folder, "fn_on_item").post(
        "/", data=DocumentEventData.serialize(change), headers=headers
    )
    assert response.status_code == 200
    [got] = records(seen)
    expected_new = {"id": "a1", "n": 2**62 + 1, "price": 9.5, "tags": {"x": True}, "none": None}
    assert got == {
        "kind": "table",
        "id": "evt-1",
        "type": kind,
        "subject": "a1",
        "data": {
            "keys": {"id": "a1"},
            "new": expected_new if new else None,
            "old": {"id": "a1", "n": 1} if old else None,
        },
    }


def bus_event(detail: dict[str, Any], source: str = "shop") -> dict[str, Any]:
    event = {"id": "e-1", "source": source, "type": "order.placed", "detail": detail}
    published = MessagePublishedData(
        message={
            "data": json.dumps(event).encode(),
            "attributes": {"source": source, "type": "order.placed"},
            "message_id": "99",
            "publish_time": "2026-03-29T01:05:00Z",
        },
        subscription="projects/p/subscriptions/eventarc-bus",
    )
    return dict(json_format.MessageToDict(MessagePublishedData.pb(published)))


def test_bus_event_matching_the_pattern_reaches_the_handler(folder: Path, seen: Path) -> None:
    app = client(folder, "fn_on_big_order")
    headers = binary_headers(
        "google.cloud.pubsub.topic.v1.messagePublished",
        "//pubsub.googleapis.com/projects/p/topics/gcpevents-bus-default",
        "",
        "application/json",
    )
    del headers["ce-subject"]
    for detail, source in [({"total": 50}, "shop"), ({"total": 5}, "shop"), ({"total": 50}, "x")]:
        response = app.post("/", data=json.dumps(bus_event(detail, source)), headers=headers)
        assert response.status_code == 200
    assert records(seen) == [
        {"kind": "bus", "id": "e-1", "type": "order.placed", "subject": None, "data": {"total": 50}}
    ]


# -- Cloud Scheduler and activities ------------------------------------------------------------


def test_scheduler_call_gives_the_schedule_time(folder: Path, seen: Path) -> None:
    headers = {
        "X-CloudScheduler": "true",
        "X-CloudScheduler-JobName": "gcpevents-tick",
        "X-CloudScheduler-ScheduleTime": "2026-03-29T01:05:00Z",
        "Content-Type": "application/octet-stream",  # a body with no configured type
    }
    response = client(folder, "fn_tick").post("/", data=b"", headers=headers)
    assert response.status_code == 204
    assert records(seen) == [
        {"kind": "schedule", "scheduled_time": "2026-03-29T01:05:00+00:00", "past_due": False}
    ]


def test_activity_answers_a_workflow_call(folder: Path) -> None:
    app = client(folder, "fn_double")
    ok = app.post("/", json={"input": 21})
    failed = app.post("/", json={"input": -1})
    assert (ok.status_code, ok.get_json()) == (200, 42)
    assert (failed.status_code, failed.get_json()) == (
        500,
        {"error": "ValueError", "message": "negative"},
    )
