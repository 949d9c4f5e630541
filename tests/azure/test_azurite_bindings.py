"""The generated Azure app's Storage bindings against Azurite: its functions, called as the
Python worker calls them, send to a real queue and put, get, list and delete real blobs. The
identity-based settings (``FAAS_DATA__queueServiceUri``...) point at Azurite and the managed
identity is replaced by Azurite's account key, for the test only.

A queue message goes the whole way: ``submit`` sends it, Azurite holds it, it is received
with the SDK and handed to ``work`` as the host hands a queue trigger its message (decoded as
host.json's ``messageEncoding`` says), and ``work`` stores it in a blob. Containers and queues
are created first, as the plan's resources would be.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import azure.functions as func
import pytest
from azure.core.credentials import AzureNamedKeyCredential
from azure.functions.queue import QueueMessage
from azure.storage.blob import BlobServiceClient
from azure.storage.queue import BinaryBase64DecodePolicy, QueueClient
from faas_iac_azure.runtime.bindings import AzureBindings

from .azurite import Azurite, azurite
from .support import generated_app

APP = Path(__file__).parent / "storage_app" / "app.py"


@pytest.fixture(scope="module")
def storage(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Azurite]:
    with azurite(tmp_path_factory.mktemp("azurite")) as emulator:
        yield emulator


@pytest.fixture
def app(storage: Azurite, tmp_path: Path) -> Iterator[Any]:
    credential = AzureNamedKeyCredential(storage.account, storage.key)
    BlobServiceClient(storage.blob, credential=credential).create_container("uploads")
    QueueClient(storage.queue, "jobs", credential=credential).create_queue()
    env = {"FAAS_DATA__queueServiceUri": storage.queue, "FAAS_DATA__blobServiceUri": storage.blob}
    with generated_app(APP, tmp_path) as function_app:
        host = json.loads((tmp_path / "azure-app" / "host.json").read_text())
        function_app.encoding = host["extensions"]["queues"]["messageEncoding"]
        function_app._rt._bindings = AzureBindings(env, credential=credential)
        function_app.credential = credential
        yield function_app
    BlobServiceClient(storage.blob, credential=credential).delete_container("uploads")
    QueueClient(storage.queue, "jobs", credential=credential).delete_queue()


def call(app: Any, name: str, native: Any) -> Any:
    fn = next(f for f in app.indexed if f.get_function_name() == name)
    return fn.get_user_function()(native, None)


def http(method: str, path: str, body: bytes = b"", **headers: str) -> func.HttpRequest:
    route = {"key": path.removeprefix("/files/")} if path.startswith("/files/") else {}
    url = "https://store.azurewebsites.net/api" + path
    return func.HttpRequest(method, url, headers=headers, route_params=route, body=body)


def delivered(app: Any, storage: Azurite) -> QueueMessage:
    """The next message on ``jobs`` as the Functions host hands it to a queue trigger: the
    message text, base64-decoded when host.json's ``messageEncoding`` is ``base64``."""
    decode = {"base64": BinaryBase64DecodePolicy(), "none": None}[app.encoding]
    queue = QueueClient(
        storage.queue, "jobs", credential=app.credential, message_decode_policy=decode
    )
    (received,) = list(queue.receive_messages(max_messages=32))
    queue.delete_message(received)
    content = received.content
    return QueueMessage(
        id=received.id,
        body=content if isinstance(content, bytes) else str(content).encode(),
        dequeue_count=received.dequeue_count,
        insertion_time=received.inserted_on,
    )


@pytest.mark.parametrize(
    "body",
    [
        '{"order": "o-1", "note": "café <&> \\u2713"}'.encode(),
        b"\x89PNG\r\n\x1a\n\x00\xff",  # not UTF-8
        b"ctl \x01 \x08",  # UTF-8, but not XML text: lost on the way when sent as text
        b"nul \x00",  # refused by the service when sent as text
        b"",
    ],
    ids=["json", "binary", "control", "nul", "empty"],
)
def test_queue_send_reaches_the_trigger_and_the_blob_is_stored(
    app: Any, storage: Azurite, body: bytes
) -> None:
    sent = call(app, "submit", http("POST", "/jobs", body))
    assert sent.status_code == 200
    message = delivered(app, storage)
    assert json.loads(sent.get_body()) == {"id": message.id}
    assert message.get_body() == body
    assert call(app, "work", message) is None
    stored = call(app, "files", http("GET", f"/files/jobs/{message.id}.bin"))
    assert (stored.status_code, stored.get_body()) == (200, body)
    blob = BlobServiceClient(storage.blob, credential=app.credential).get_blob_client(
        "uploads", f"jobs/{message.id}.bin"
    )
    assert blob.get_blob_properties().content_settings.content_type == "application/octet-stream"


@pytest.mark.parametrize(
    "key", ["report.txt", "a b/é €.csv", "deep/er/x%41y+z.bin", "q?x=1#frag", "trailing/"]
)
def test_blob_put_get_list_delete(app: Any, storage: Azurite, key: str) -> None:
    data = b"\x89PNG\x00\xff" + key.encode()
    put = call(app, "files", http("PUT", f"/files/{key}", data, **{"content-type": "image/png"}))
    assert put.status_code == 201
    got = call(app, "files", http("GET", f"/files/{key}"))
    assert (got.status_code, got.get_body()) == (200, data)
    listed = call(app, "files", http("GET", "/files/_list"))
    assert json.loads(listed.get_body()) == [key]
    blob = BlobServiceClient(storage.blob, credential=app.credential).get_blob_client(
        "uploads", key
    )
    assert blob.download_blob().readall() == data
    assert blob.get_blob_properties().content_settings.content_type == "image/png"
    assert call(app, "files", http("DELETE", f"/files/{key}")).status_code == 204
    assert call(app, "files", http("GET", f"/files/{key}")).status_code == 404
    assert call(app, "files", http("DELETE", f"/files/{key}")).status_code == 204  # idempotent


def test_list_by_prefix_and_many_pages(app: Any) -> None:
    keys = [f"logs/{i:04d}.txt" for i in range(30)] + ["other/x.txt"]
    for key in keys:
        call(app, "files", http("PUT", f"/files/{key}", b"x"))
    bindings = app._rt._bindings
    assert bindings.list_objects("uploads", "logs/") == keys[:30]
    assert bindings.list_objects("uploads", "") == sorted(keys)


def test_attributes_on_a_storage_queue_are_reported_not_silently_dropped(
    app: Any, storage: Azurite, caplog: pytest.LogCaptureFixture
) -> None:
    call(app, "submit", http("POST", "/jobs?kind=urgent", b"{}"))
    message = delivered(app, storage)
    assert message.get_body() == b"{}"
    (record,) = [r for r in caplog.records if r.name == "faas_iac.azure"]
    assert "carries no attributes" in record.getMessage() and "kind" in record.getMessage()
