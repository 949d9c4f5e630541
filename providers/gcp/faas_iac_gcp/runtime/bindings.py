"""The GCP :class:`~faas_iac.runtime.types.Bindings`: Pub/Sub for queues, topics, streams and
buses, Cloud Storage for buckets, Firestore for tables, secret environment variables (Secret
Manager references the platform resolves) for secrets. Each Google client library is imported
when its first binding is used, and listed in the artifact's ``requirements.txt`` only when a
function binds to that kind.

Where resources are comes from ``FAAS_IAC_RESOURCES`` (written by the planner): ``"queue:x"``
→ the topic's path, ``"bucket:x"`` → the bucket's name, ``"table:x"`` →
``{"database", "collection", "key"}``, ``"secret:x"`` → the environment variable holding it.
The clients are parameters, so a test can pass its own.
"""

from __future__ import annotations

import json
import os
import uuid
import zlib
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any


class GcpBindings:
    def __init__(
        self,
        resources: Mapping[str, Any],
        env: Mapping[str, str] | None = None,
        publisher: Any = None,
        storage: Any = None,
        firestore: Any = None,
    ) -> None:
        self.resources = dict(resources)
        self.env = os.environ if env is None else env
        self._publisher = publisher
        self._storage = storage
        self._firestore: dict[str, Any] = {"": firestore} if firestore is not None else {}

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> GcpBindings:
        return cls(json.loads(env.get("FAAS_IAC_RESOURCES", "{}")), env)

    def _where(self, kind: str, name: str) -> Any:
        try:
            return self.resources[f"{kind}:{name}"]
        except KeyError:
            raise LookupError(f"{kind} {name!r} is not bound to this function") from None

    # -- Pub/Sub ---------------------------------------------------------------------------------
    @property
    def publisher(self) -> Any:
        if self._publisher is None:
            import google.cloud.pubsub_v1 as pubsub_v1

            options = pubsub_v1.types.PublisherOptions(enable_message_ordering=True)
            self._publisher = pubsub_v1.PublisherClient(publisher_options=options)
        return self._publisher

    def _publish(
        self, topic: str, body: bytes, attributes: Mapping[str, str], key: str = ""
    ) -> str:
        future = self.publisher.publish(topic, body, ordering_key=key, **dict(attributes))
        return str(future.result())

    def send(self, queue: str, body: bytes, attributes: Mapping[str, str]) -> str:
        return self._publish(self._where("queue", queue), body, attributes)

    def publish(self, topic: str, body: bytes, attributes: Mapping[str, str]) -> str:
        return self._publish(self._where("topic", topic), body, attributes)

    def stream_put(self, stream: str, data: bytes, partition_key: str) -> str:
        where = self._where("stream", stream)
        part = zlib.crc32(partition_key.encode()) % int(where.get("partitions", 1))
        attrs = {"partition_key": partition_key, "partition": str(part)}
        return self._publish(where["topic"], data, attrs, key=partition_key)

    def emit(self, bus: str, source: str, type: str, detail: Any) -> str:
        event_id = uuid.uuid4().hex
        now = datetime.now(UTC).isoformat().replace("+00:00", "Z")
        body = {"id": event_id, "source": source, "type": type, "detail": detail, "time": now}
        data = json.dumps(body, separators=(",", ":"), default=str).encode()
        self._publish(self._where("bus", bus), data, {"source": source, "type": type})
        return event_id

    # -- Cloud Storage ---------------------------------------------------------------------------
    def _bucket(self, name: str) -> Any:
        if self._storage is None:
            import google.cloud.storage as storage

            self._storage = storage.Client()
        return self._storage.bucket(self._where("bucket", name))

    def put_object(self, bucket: str, key: str, data: bytes, content_type: str) -> None:
        blob = self._bucket(bucket).blob(key)
        blob.upload_from_string(data, content_type=content_type or "application/octet-stream")

    def get_object(self, bucket: str, key: str) -> bytes | None:
        blob = self._bucket(bucket).get_blob(key)
        return None if blob is None else bytes(blob.download_as_bytes())

    def delete_object(self, bucket: str, key: str) -> None:
        blob = self._bucket(bucket).get_blob(key)
        if blob is not None:
            blob.delete()

    def list_objects(self, bucket: str, prefix: str) -> list[str]:
        return sorted(b.name for b in self._bucket(bucket).list_blobs(prefix=prefix))

    # -- Firestore -------------------------------------------------------------------------------
    def _document(self, table: str, key: Mapping[str, Any]) -> Any:
        where = self._where("table", table)
        database = where["database"]
        client = self._firestore.get(database) or self._firestore.get("")
        if client is None:
            import google.cloud.firestore as firestore

            client = self._firestore[database] = firestore.Client(database=database)
        doc_id = str(key[where.get("key", "id")])
        if where.get("sort_key"):
            doc_id = f"{doc_id}#{key[where['sort_key']]}"
        return client.collection(where["collection"]).document(doc_id)

    def table_get(self, table: str, key: Mapping[str, Any]) -> dict[str, Any] | None:
        snapshot = self._document(table, key).get()
        return dict(snapshot.to_dict()) if snapshot.exists else None

    def table_put(self, table: str, item: Mapping[str, Any]) -> None:
        self._document(table, item).set(dict(item))

    def table_delete(self, table: str, key: Mapping[str, Any]) -> None:
        self._document(table, key).delete()

    # -- secrets -----------------------------------------------------------------------------------
    def secret(self, name: str) -> str:
        """The value Cloud Functions put in the secret's environment variable (a Secret Manager
        reference the platform resolved; the plan never held it)."""
        variable = self._where("secret", name)
        value = self.env.get(variable)
        if value is None:
            raise LookupError(f"secret {name!r}: environment variable {variable} is not set")
        return value
