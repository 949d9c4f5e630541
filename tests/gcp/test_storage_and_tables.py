"""The GCP bucket and table bindings (resources in the shape ``plan/resources.py: address`` writes)
through Google's own client libraries, each against a
server on 127.0.0.1 reached through the library's emulator seam:

* Cloud Storage: google-cloud-storage (``STORAGE_EMULATOR_HOST``) against gcp-storage-emulator,
  an emulator of the Cloud Storage JSON API; what the binding wrote is read back by a separate
  client of the library.
* Firestore: google-cloud-firestore (``FIRESTORE_EMULATOR_HOST``) against a Firestore gRPC
  service answering ``BatchGetDocuments``, ``Commit``, ``BeginTransaction`` and ``Rollback``
  with the library's own message types (the requests the library sends are what the test
  asserts on): table items, and entity operations in the library's own transactions, a lost
  race (ABORTED) retried by it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from faas_iac_gcp.runtime import documents, entities
from faas_iac_gcp.runtime.bindings import GcpBindings
from gcp_storage_emulator.server import create_server
from google.cloud import storage

from tests.gcp.firestore_fake import FakeFirestore, txn

PROJECT = "demo-project"
RESOURCES = {
    "bucket:files": "gcpbind-files",
    "table:items": {"database": "gcpbind-db", "collection": "items", "key": "id"},
    "table:events": {
        "database": "gcpbind-db",
        "collection": "events",
        "key": "user",
        "sort_key": "at",
    },
}


@pytest.fixture
def gcs(monkeypatch: pytest.MonkeyPatch) -> Iterator[storage.Client]:
    server = create_server("127.0.0.1", 0, in_memory=True)
    server.start()
    port = server._api._httpd.server_address[1]  # the emulator's own server, on a free port
    monkeypatch.setenv("STORAGE_EMULATOR_HOST", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("GOOGLE_CLOUD_PROJECT", PROJECT)
    try:
        reader = storage.Client(project=PROJECT)
        reader.create_bucket(RESOURCES["bucket:files"])
        yield reader
    finally:
        server.stop()


def test_objects_are_written_read_listed_and_deleted(gcs: storage.Client) -> None:
    bindings = GcpBindings(RESOURCES)
    bindings.put_object("files", "reports/2026/a.json", b'{"n": 1}', "application/json")
    bindings.put_object("files", "reports/2026/b.txt", b"bee", "")
    bindings.put_object("files", "other.txt", b"x", "text/plain")

    blob = gcs.bucket("gcpbind-files").get_blob("reports/2026/a.json")
    assert blob is not None
    assert (blob.download_as_bytes(), blob.content_type) == (b'{"n": 1}', "application/json")
    plain = gcs.bucket("gcpbind-files").get_blob("reports/2026/b.txt")
    assert plain is not None and plain.content_type == "application/octet-stream"
    assert bindings.get_object("files", "reports/2026/b.txt") == b"bee"
    assert bindings.get_object("files", "missing.txt") is None
    assert bindings.list_objects("files", "reports/") == [
        "reports/2026/a.json",
        "reports/2026/b.txt",
    ]
    bindings.delete_object("files", "reports/2026/a.json")
    bindings.delete_object("files", "never-there.txt")  # deleting what is not there is no error
    assert sorted(b.name for b in gcs.list_blobs("gcpbind-files")) == [
        "other.txt",
        "reports/2026/b.txt",
    ]


@pytest.fixture
def fake_firestore(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeFirestore]:
    fake = FakeFirestore()
    with fake.serving() as host:
        monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", host)
        monkeypatch.setenv("GOOGLE_CLOUD_PROJECT", PROJECT)
        yield fake


def test_items_are_documents_of_the_apps_database(fake_firestore: FakeFirestore) -> None:
    bindings = GcpBindings(RESOURCES)
    item = {"id": "o1", "total": 12.5, "items": ["book", "pen"], "paid": True, "note": None}
    bindings.table_put("items", item)

    [commit] = fake_firestore.commits
    assert commit.database == f"projects/{PROJECT}/databases/gcpbind-db"
    [write] = commit.writes
    name = f"projects/{PROJECT}/databases/gcpbind-db/documents/items/o1"
    assert write.update.name == name
    assert write.update.fields["total"].double_value == 12.5
    assert [v.string_value for v in write.update.fields["items"].array_value.values] == [
        "book",
        "pen",
    ]
    assert bindings.table_get("items", {"id": "o1"}) == item
    assert fake_firestore.gets[-1].documents == [name]
    assert bindings.table_get("items", {"id": "nope"}) is None

    bindings.table_delete("items", {"id": "o1"})
    assert fake_firestore.commits[-1].writes[0].delete == name
    assert bindings.table_get("items", {"id": "o1"}) is None


def test_a_sort_key_is_part_of_the_document_id(fake_firestore: FakeFirestore) -> None:
    bindings = GcpBindings(RESOURCES)
    bindings.table_put("events", {"user": "u1", "at": 5, "kind": "click"})
    bindings.table_put("events", {"user": "u1", "at": 6, "kind": "view"})
    names = sorted(fake_firestore.documents)
    assert [n.rsplit("/", 1)[1] for n in names] == ["u1#5", "u1#6"]
    assert bindings.table_get("events", {"user": "u1", "at": 6}) == {
        "user": "u1",
        "at": 6,
        "kind": "view",
    }


def counter(ctx: Any) -> None:
    """An entity as users write it: add the input to the state, or fail on a negative one."""
    amount = ctx.get_input()
    if amount < 0:
        raise ValueError(f"cannot add {amount}")
    ctx.set_state((ctx.get_state(lambda: 0) or 0) + amount)
    ctx.set_result(ctx.get_state(lambda: 0))


def test_entity_operations_run_in_firestore_transactions(fake_firestore: FakeFirestore) -> None:
    """The entity runtime through google-cloud-firestore's own transactions: read and write in
    one transaction, retried by the library when it lost a race (the operation then applies
    once), and a failed operation leaves the state as it was."""
    client = documents.client("gcpbind-db")

    def transact(step: documents.Step[Any]) -> Any:
        return documents.transaction(client, "gcpbind-entities", step)

    def operate(amount: int) -> tuple[int, Any]:
        body = json.dumps({"key": "k1", "operation": "add", "input": amount}).encode()
        status, _, answer = entities.invoke(transact, counter, "Counter", body)
        return status, json.loads(answer)

    assert operate(5) == (200, {"result": 5})
    fake_firestore.contended = 1  # the next commit loses a race: the library runs it again
    assert operate(2) == (200, {"result": 7})
    # the second attempt asks to retry the first transaction (keeps its place in the queue)
    retried = fake_firestore.begun[2].options.read_write.retry_transaction
    assert retried == txn(1)
    assert operate(-1)[0] == 500
    name = f"projects/{PROJECT}/databases/gcpbind-db/documents/gcpbind-entities/counter@k1"
    state = dict(fake_firestore.documents[name].fields)["state"].string_value
    assert json.loads(state) == 7  # the state as the engine's codec writes it
    committed = [c for c in fake_firestore.commits if c.transaction]
    assert len(committed) == 4  # 5, the lost race and its retry, the failed operation
    reads = [g for g in fake_firestore.gets if g.transaction]
    assert len(reads) == len(fake_firestore.begun) == 4  # every attempt read in its transaction
