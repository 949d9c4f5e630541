"""A Firestore gRPC service on 127.0.0.1 for google-cloud-firestore's emulator seam
(``FIRESTORE_EMULATOR_HOST``): ``BatchGetDocuments``, ``Commit``, ``BeginTransaction`` and
``Rollback``, answered with the library's own message types, documents in memory.

Transactions are optimistic, as Firestore's are to a client: a commit whose transaction read a
document that another commit changed since is answered ``ABORTED`` (the library then runs the
transaction again), so concurrent operations on one document serialise. Every request is kept
for the tests to assert on; ``contended`` makes the next commits of a transaction lose a race.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent import futures
from contextlib import contextmanager
from typing import Any

import grpc
from google.cloud.firestore_v1.types import document, firestore
from google.protobuf import empty_pb2, timestamp_pb2

SERVICE = "google.firestore.v1.Firestore"


def txn(n: int) -> bytes:
    """The id of the ``n``-th transaction begun."""
    return f"txn-{n}".encode()


class FakeFirestore:
    """Documents by full name; every request kept."""

    def __init__(self) -> None:
        self.documents: dict[str, document.Document] = {}
        self.commits: list[firestore.CommitRequest] = []
        self.gets: list[firestore.BatchGetDocumentsRequest] = []
        self.begun: list[firestore.BeginTransactionRequest] = []
        self.rolled_back: list[bytes] = []
        #: how many of the next commits of a transaction lose a race (answered ABORTED)
        self.contended = 0
        self._versions: dict[str, int] = {}  # document name → commits that changed it
        self._read: dict[bytes, dict[str, int]] = {}  # transaction → versions it read
        self._lock = threading.Lock()

    @staticmethod
    def _now() -> timestamp_pb2.Timestamp:
        stamp = timestamp_pb2.Timestamp()
        stamp.GetCurrentTime()
        return stamp

    def batch_get(
        self, request: firestore.BatchGetDocumentsRequest, _: Any
    ) -> Iterator[firestore.BatchGetDocumentsResponse]:
        with self._lock:
            self.gets.append(request)
            answers = []
            for name in request.documents:
                if request.transaction:
                    seen = self._read.setdefault(request.transaction, {})
                    seen[name] = self._versions.get(name, 0)
                found = self.documents.get(name)
                if found is None:
                    answers.append(
                        firestore.BatchGetDocumentsResponse(missing=name, read_time=self._now())
                    )
                else:
                    answers.append(
                        firestore.BatchGetDocumentsResponse(found=found, read_time=self._now())
                    )
        yield from answers

    def begin(
        self, request: firestore.BeginTransactionRequest, _: Any
    ) -> firestore.BeginTransactionResponse:
        with self._lock:
            self.begun.append(request)
            return firestore.BeginTransactionResponse(transaction=txn(len(self.begun) - 1))

    def rollback(self, request: firestore.RollbackRequest, _: Any) -> empty_pb2.Empty:
        with self._lock:
            self.rolled_back.append(request.transaction)
            self._read.pop(request.transaction, None)
        return empty_pb2.Empty()

    def commit(self, request: firestore.CommitRequest, context: Any) -> firestore.CommitResponse:
        with self._lock:
            self.commits.append(request)
            if request.transaction:
                seen = self._read.pop(request.transaction, {})
                changed = any(self._versions.get(n, 0) != v for n, v in seen.items())
                if changed or self.contended:
                    self.contended = max(0, self.contended - 1)
                    context.abort(grpc.StatusCode.ABORTED, "too much contention on these documents")
            now = self._now()
            results = []
            for write in request.writes:
                name = write.delete or write.update.name
                self._versions[name] = self._versions.get(name, 0) + 1
                if write.delete:
                    self.documents.pop(write.delete, None)
                else:
                    self.documents[name] = document.Document(
                        name=name, fields=write.update.fields, create_time=now, update_time=now
                    )
                results.append({"update_time": now})
            return firestore.CommitResponse(write_results=results, commit_time=now)

    @contextmanager
    def serving(self) -> Iterator[str]:
        """Serve on 127.0.0.1; yields ``host:port`` for ``FIRESTORE_EMULATOR_HOST``."""
        methods = {
            "BatchGetDocuments": grpc.unary_stream_rpc_method_handler(
                self.batch_get,
                request_deserializer=firestore.BatchGetDocumentsRequest.deserialize,
                response_serializer=firestore.BatchGetDocumentsResponse.serialize,
            ),
            "Commit": grpc.unary_unary_rpc_method_handler(
                self.commit,
                request_deserializer=firestore.CommitRequest.deserialize,
                response_serializer=firestore.CommitResponse.serialize,
            ),
            "BeginTransaction": grpc.unary_unary_rpc_method_handler(
                self.begin,
                request_deserializer=firestore.BeginTransactionRequest.deserialize,
                response_serializer=firestore.BeginTransactionResponse.serialize,
            ),
            "Rollback": grpc.unary_unary_rpc_method_handler(
                self.rollback,
                request_deserializer=firestore.RollbackRequest.deserialize,
                response_serializer=empty_pb2.Empty.SerializeToString,
            ),
        }
        server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
        server.add_generic_rpc_handlers([grpc.method_handlers_generic_handler(SERVICE, methods)])
        port = server.add_insecure_port("127.0.0.1:0")
        server.start()
        try:
            yield f"127.0.0.1:{port}"
        finally:
            server.stop(None)
