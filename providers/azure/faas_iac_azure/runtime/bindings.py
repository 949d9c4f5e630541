"""The ``Bindings`` seam on Azure: output bindings through the Azure SDKs with the app's
managed identity (``AZURE_CLIENT_ID``). Each SDK is imported on first use, so a function pays
only for what it touches; endpoints come from the identity-based connection settings the
planner writes (``FAAS_DATA__queueServiceUri``, ``FAAS_SERVICEBUS__fullyQualifiedNamespace``...).
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from collections.abc import Mapping
from functools import cached_property
from typing import Any


class AzureBindings:
    """``credential`` is the app's managed identity unless one is given (a test against an
    emulator passes the emulator's account key)."""

    def __init__(self, env: Mapping[str, str] | None = None, credential: Any = None) -> None:
        self.env = dict(os.environ if env is None else env)
        self.routing: dict[str, str] = json.loads(self.env.get("FAAS_IAC_ROUTING", "{}"))
        self._warned: set[str] = set()
        if credential is not None:
            self.credential = credential

    @cached_property
    def credential(self) -> Any:
        from azure.identity import ManagedIdentityCredential

        return ManagedIdentityCredential(client_id=self.env.get("AZURE_CLIENT_ID"))

    def _setting(self, name: str) -> str:
        value = self.env.get(name)
        if not value:
            raise RuntimeError(f"app setting {name} is missing: redeploy the app with faas-iac")
        return value

    # queues and topics ---------------------------------------------------------------------
    def send(self, queue: str, body: bytes, attributes: Mapping[str, str]) -> str:
        if self.routing.get(f"queue:{queue}") == "servicebus":
            return self._servicebus(queue, body, attributes, topic=False)
        from azure.storage.queue import BinaryBase64EncodePolicy, QueueClient

        if attributes and queue not in self._warned:
            self._warned.add(queue)
            logging.getLogger("faas_iac.azure").warning(
                "Storage queue %r carries no attributes; %s dropped (compile with "
                "-O queues=servicebus to keep them)",
                queue,
                sorted(attributes),
            )
        # Base64, as host.json's queues.messageEncoding says, so any bytes arrive unchanged
        # (as text, a control character is refused or silently lost by the service).
        client = QueueClient(
            self._setting("FAAS_DATA__queueServiceUri"),
            queue,
            credential=self.credential,
            message_encode_policy=BinaryBase64EncodePolicy(),
        )
        sent = client.send_message(body)
        return str(sent.id)

    def _servicebus(
        self, entity: str, body: bytes, attributes: Mapping[str, str], topic: bool
    ) -> str:
        from azure.servicebus import ServiceBusClient, ServiceBusMessage

        message_id = str(uuid.uuid4())
        host = self._setting("FAAS_SERVICEBUS__fullyQualifiedNamespace")
        with ServiceBusClient(host, self.credential) as client:
            sender = client.get_topic_sender(entity) if topic else client.get_queue_sender(entity)
            with sender:
                sender.send_messages(
                    ServiceBusMessage(
                        body, application_properties=dict(attributes), message_id=message_id
                    )
                )
        return message_id

    def publish(self, topic: str, body: bytes, attributes: Mapping[str, str]) -> str:
        return self._servicebus(topic, body, attributes, topic=True)

    # blobs ---------------------------------------------------------------------------------
    def _container(self, bucket: str) -> Any:
        from azure.storage.blob import ContainerClient

        return ContainerClient(
            self._setting("FAAS_DATA__blobServiceUri"), bucket, credential=self.credential
        )

    def put_object(self, bucket: str, key: str, data: bytes, content_type: str) -> None:
        from azure.storage.blob import ContentSettings

        settings = ContentSettings(content_type=content_type) if content_type else None
        self._container(bucket).upload_blob(key, data, overwrite=True, content_settings=settings)

    def get_object(self, bucket: str, key: str) -> bytes | None:
        from azure.core.exceptions import ResourceNotFoundError

        try:
            return bytes(self._container(bucket).download_blob(key).readall())
        except ResourceNotFoundError:
            return None

    def delete_object(self, bucket: str, key: str) -> None:
        from azure.core.exceptions import ResourceNotFoundError

        try:
            self._container(bucket).delete_blob(key)
        except ResourceNotFoundError:
            return

    def list_objects(self, bucket: str, prefix: str) -> list[str]:
        return sorted(b.name for b in self._container(bucket).list_blobs(name_starts_with=prefix))

    # tables (Cosmos DB) --------------------------------------------------------------------
    def _table(self, table: str) -> Any:
        from azure.cosmos import CosmosClient

        client = CosmosClient(self._setting("FAAS_COSMOS__accountEndpoint"), self.credential)
        return client.get_database_client("app").get_container_client(table)

    def table_get(self, table: str, key: Mapping[str, Any]) -> dict[str, Any] | None:
        from azure.cosmos.exceptions import CosmosResourceNotFoundError

        ((name, value),) = key.items()
        try:
            item = self._table(table).read_item(str(value), partition_key=value)
        except CosmosResourceNotFoundError:
            return None
        doc = {k: v for k, v in item.items() if not k.startswith("_")}
        if name != "id":
            doc.pop("id", None)
        return doc

    def table_put(self, table: str, item: Mapping[str, Any]) -> None:
        doc = dict(item)
        doc.setdefault("id", str(next(iter(item.values()))))
        self._table(table).upsert_item(doc)

    def table_delete(self, table: str, key: Mapping[str, Any]) -> None:
        from azure.cosmos.exceptions import CosmosResourceNotFoundError

        ((_, value),) = key.items()
        try:
            self._table(table).delete_item(str(value), partition_key=value)
        except CosmosResourceNotFoundError:
            return

    # events, streams, secrets --------------------------------------------------------------
    def emit(self, bus: str, source: str, type: str, detail: Any) -> str:
        from azure.eventgrid import EventGridEvent, EventGridPublisherClient

        endpoint = self._setting(f"FAAS_BUS_{bus.upper().replace('-', '_')}")
        event = EventGridEvent(subject=source, event_type=type, data=detail, data_version="1")
        EventGridPublisherClient(endpoint, self.credential).send(event)
        return str(event.id)

    def stream_put(self, stream: str, data: bytes, partition_key: str) -> str:
        from azure.eventhub import EventData, EventHubProducerClient

        host = self._setting("FAAS_EVENTHUBS__fullyQualifiedNamespace")
        with EventHubProducerClient(host, stream, self.credential) as producer:
            batch = producer.create_batch(partition_key=partition_key)
            batch.add(EventData(data))
            producer.send_batch(batch)
        return f"{partition_key}:{uuid.uuid4()}"

    def secret(self, name: str) -> str:
        from azure.keyvault.secrets import SecretClient

        client = SecretClient(self._setting("FAAS_KEYVAULT_URI"), self.credential)
        return str(client.get_secret(name).value)
