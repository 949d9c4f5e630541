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
from concurrent import futures
from typing import Any

import grpc
import pytest
from faas_iac_gcp.runtime import documents, entities
from faas_iac_gcp.runtime.bindings import GcpBindings
from gcp_storage_emulator.server import create_server
from google.cloud import storage
from google.cloud.firestore_v1.types import document, firestore
from google.protobuf import empty_pb2, timestamp_pb2

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


class FakeFirestore:
    """Documents by full name, served over the Firestore gRPC API; every request kept."""

    def __init__(self) -> None:
        self.documents: dict[str, document.Document] = {}
        self.commits: list[firestore.CommitRequest] = []
        self.gets: list[firestore.BatchGetDocumentsRequest] = []
        self.begun: list[firestore.BeginTransactionRequest] = []
        self.rolled_back: list[bytes] = []
        #: how many of the next commits of a transaction lose a race (answered ABORTED)
        self.contended = 0

    @staticmethod
    def _now() -> timestamp_pb2.Timestamp:
        stamp = timestamp_pb2.Timestamp()
        stamp.GetCurrentTime()
        return stamp

    def batch_get(
        self, request: firestore.BatchGetDocumentsRequest, _: Any
    ) -> Iterator[firestore.BatchGetDocumentsResponse]:
        self.gets.append(request)
        for name in request.documents:
            found = self.documents.get(name)
            if found is None:
                yield firestore.BatchGetDocumentsResponse(missing=name, read_time=self._now())
            else:
                yield firestore.BatchGetDocumentsResponse(found=found, read_time=self._now())

    def begin(
        self, request: firestore.BeginTransactionRequest, _: Any
    ) -> firestore.BeginTransactionResponse:
        self.begun.append(request)
        return firestore.BeginTransactionResponse(transaction=_txn(len(self.begun) - 1))

    def rollback(self, request: firestore.RollbackRequest, _: Any) -> empty_pb2.Empty:
        self.rolled_back.append(request.transaction)
        return empty_pb2.Empty()

    def commit(self, request: firestore.CommitRequest, context: Any) -> firestore.CommitResponse:
        self.commits.append(request)
        if request.transaction and self.contended:
            self.contended -= 1
            context.abort(grpc.StatusCode.ABORTED, "too much contention on these documents")
        now = self._now()
        results = []
        for write in request.writes:
            if write.delete:
                self.documents.pop(write.delete, None)
            else:
                doc = document.Document(
                    name=write.update.name,
                    fields=write.update.fields,
                    create_time=now,
                    update_time=now,
                )
                self.documents[write.update.name] = doc
            results.append({"update_time": now})
        return firestore.CommitResponse(write_results=results, commit_time=now)


def _txn(n: int) -> bytes:
    return f"txn-{n}".encode()


@pytest.fixture
def fake_firestore(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeFirestore]:
    fake = FakeFirestore()
    methods = {
        "BatchGetDocuments": grpc.unary_stream_rpc_method_handler(
            fake.batch_get,
            request_deserializer=firestore.BatchGetDocumentsRequest.deserialize,
            response_serializer=firestore.BatchGetDocumentsResponse.serialize,
        ),
        "Commit": grpc.unary_unary_rpc_method_handler(
            fake.commit,
            request_deserializer=firestore.CommitRequest.deserialize,
            response_serializer=firestore.CommitResponse.serialize,
        ),
        "BeginTransaction": grpc.unary_unary_rpc_method_handler(
            fake.begin,
            request_deserializer=firestore.BeginTransactionRequest.deserialize,
            response_serializer=firestore.BeginTransactionResponse.serialize,
        ),
        "Rollback": grpc.unary_unary_rpc_method_handler(
            fake.rollback,
            request_deserializer=firestore.RollbackRequest.deserialize,
            response_serializer=empty_pb2.Empty.SerializeToString,
        ),
    }
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    server.add_generic_rpc_handlers(
        [grpc.method_handlers_generic_handler("google.firestore.v1.Firestore", methods)]
    )
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", f"127.0.0.1:{port}")
    monkeypatch.setenv("GOOGLE_CLOUD_PROJECT", PROJECT)
    try:
        yield fake
    finally:
        server.stop(None)


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
    assert retried == _txn(1)
    assert operate(-1)[0] == 500
    name = f"projects/{PROJECT}/databases/gcpbind-db/documents/gcpbind-entities/counter@k1"
    state = dict(fake_firestore.documents[name].fields)["state"].string_value
    assert json.loads(state) == 7  # the state as the engine's codec writes it
    committed = [c for c in fake_firestore.commits if c.transaction]
    assert len(committed) == 4  # 5, the lost race and its retry, the failed operation
    reads = [g for g in fake_firestore.gets if g.transaction]
    assert len(reads) == len(fake_firestore.begun) == 4  # every attempt read in its transaction
