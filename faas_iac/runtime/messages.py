"""Messages (queue, topic, stream), CloudEvents (storage, table changes, buses) and timer
ticks, alike on every target. Standard library only, off ``typing`` (:mod:`._records`)."""

from __future__ import annotations

from ._records import EMPTY, NamedTuple, loads

TYPE_CHECKING = False  # ``typing.TYPE_CHECKING`` without importing typing (mypy reads it so)
if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import datetime
    from typing import Any


class Message(NamedTuple):
    """A queue, topic or stream message. ``delivery_count`` starts at 1. ``attributes`` are
    text on every target: a binary attribute (SQS, SNS, Service Bus) is its base64 text."""

    id: str
    body: bytes
    attributes: Mapping[str, str] = EMPTY
    delivery_count: int = 1
    source: str = ""
    partition_key: str | None = None
    sequence: str | None = None
    enqueued_at: datetime | None = None

    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return loads(self.body)


class CloudEvent(NamedTuple):
    """A CloudEvents-style envelope for storage, table-change and event-bus events.

    ``type`` is ``object.created`` / ``object.deleted`` (storage, ``subject`` is the key),
    ``record.inserted`` / ``record.modified`` / ``record.removed`` (table changes), or the
    event's own type on a bus. An adapter decodes a table change's numbers without rounding:
    ``int`` when integral, ``float`` when it prints back as the same decimal, else
    ``decimal.Decimal`` (DynamoDB's 38 digits; Cosmos DB itself stores doubles)."""

    id: str
    source: str
    type: str
    data: Any = None
    subject: str | None = None
    time: datetime | None = None


class TimerInfo(NamedTuple):
    scheduled_time: datetime
    past_due: bool = False
    last_fire: datetime | None = None
