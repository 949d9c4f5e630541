"""Resources functions trigger on or bind to: queues, topics, buckets, tables, secrets, buses,
streams. Declared with ``app.declare(Queue(...))`` or implied by a trigger."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from .base import Frozen

Name = Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{0,62}$")]
#: An attribute name that keys a table's items.
KeyName = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]


class QueueResource(Frozen):
    kind: Literal["queue"] = "queue"
    name: Name
    visibility_timeout: Annotated[int, Field(ge=0, le=43200)] = 30
    max_deliveries: Annotated[int, Field(ge=1, le=1000)] = 5
    dead_letter: Name | None = None
    fifo: bool = False
    retention_hours: Annotated[int, Field(ge=1, le=336)] = 96


class TopicResource(Frozen):
    kind: Literal["topic"] = "topic"
    name: Name


class BucketResource(Frozen):
    kind: Literal["bucket"] = "bucket"
    name: Name
    versioning: bool = False


class TableResource(Frozen):
    kind: Literal["table"] = "table"
    name: Name
    key: KeyName = "id"
    sort_key: KeyName | None = None
    change_stream: bool = False


class SecretResource(Frozen):
    kind: Literal["secret"] = "secret"
    name: Name


class BusResource(Frozen):
    kind: Literal["bus"] = "bus"
    name: Name


class StreamResource(Frozen):
    kind: Literal["stream"] = "stream"
    name: Name
    partitions: Annotated[int, Field(ge=1, le=1024)] = 1
    retention_hours: Annotated[int, Field(ge=1, le=8760)] = 24


Resource = Annotated[
    QueueResource
    | TopicResource
    | BucketResource
    | TableResource
    | SecretResource
    | BusResource
    | StreamResource,
    Field(discriminator="kind"),
]

RESOURCE_TYPES: dict[str, type[Frozen]] = {
    "queue": QueueResource,
    "topic": TopicResource,
    "bucket": BucketResource,
    "table": TableResource,
    "secret": SecretResource,
    "bus": BusResource,
    "stream": StreamResource,
}


class Binding(Frozen):
    """A function's use of a resource: the source of its least-privilege permissions."""

    kind: Literal["queue", "topic", "bucket", "table", "secret", "bus", "stream"]
    name: Name
    access: Literal["read", "write", "readwrite"]

    @property
    def ref(self) -> str:
        return f"{self.kind}:{self.name}"
