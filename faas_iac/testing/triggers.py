"""Events into the app under test, each run to completion: a queue message, a topic message, a
bucket event, a table change, a stream record, a bus event.

Each helper writes through the host's own bindings (so filters, fan-out, partitions and change
events are the host's), then lets the environment settle until every subscriber's channel is
empty: each delivery was handled, or retried (after its backoff, in virtual time) until it
succeeded or was dead-lettered. It returns the subscriber invocations that made it happen,
every attempt included, so a test can assert on results, errors and attempts; what those set
going at the same instant (a write that triggers another function) runs too.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

from ..local.bindings import LocalBindings, queue_channel
from ..local.host import Host, Runtime
from ..local.workers import Consumer
from .recording import Invocation

#: The trigger field naming the resource a subscriber listens to.
_SOURCE = {
    "queue": "queue",
    "topic": "topic",
    "storage": "bucket",
    "table": "table",
    "stream": "stream",
    "event": "bus",
}


def _bytes(body: Any) -> bytes:
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode()
    return json.dumps(body, separators=(",", ":"), default=str).encode()


class Triggers:
    """The trigger helpers of :class:`faas_iac.testing.TestEnv` (which provides the rest)."""

    host: Host
    runtime: Runtime
    consumers: list[Consumer]
    _records: dict[str, list[Invocation]]
    _drains: dict[tuple[int, int | None], Future[int]]

    if TYPE_CHECKING:  # provided by TestEnv (declared here for the type checker only)

        def _settle(
            self, done: Callable[[], bool], horizon: float | None, watch: Sequence[Future[Any]] = ()
        ) -> bool: ...

    @property
    def bindings(self) -> LocalBindings:
        """The app's resources as its functions see them (``env.bindings.table_get(...)``,
        ``get_object``, ``list_objects``...)."""
        return self.runtime.bindings

    # -- the helpers ---------------------------------------------------------------------------
    def send(self, queue: str, body: Any, **attributes: str) -> list[Invocation]:
        """Send a message to ``queue`` and run its consumer to completion."""
        return self._through("queue", queue, lambda b: b.send(queue, _bytes(body), attributes))

    def publish(self, topic: str, body: Any, **attributes: str) -> list[Invocation]:
        """Publish to ``topic``; every subscriber whose filter matches runs to completion."""
        return self._through("topic", topic, lambda b: b.publish(topic, _bytes(body), attributes))

    def put_object(
        self, bucket: str, key: str, data: Any, content_type: str = "application/octet-stream"
    ) -> list[Invocation]:
        """Write an object; the bucket's ``created`` subscribers run to completion."""
        return self._through(
            "storage", bucket, lambda b: b.put_object(bucket, key, _bytes(data), content_type)
        )

    def delete_object(self, bucket: str, key: str) -> list[Invocation]:
        return self._through("storage", bucket, lambda b: b.delete_object(bucket, key))

    def table_put(self, table: str, item: Mapping[str, Any]) -> list[Invocation]:
        """Write an item; the table's change subscribers run to completion."""
        return self._through("table", table, lambda b: b.table_put(table, item))

    def table_delete(self, table: str, key: Mapping[str, Any]) -> list[Invocation]:
        return self._through("table", table, lambda b: b.table_delete(table, key))

    def put_record(self, stream: str, data: Any, partition_key: str = "") -> list[Invocation]:
        """Put a record on ``stream``; its consumers run to completion, in partition order."""
        return self._through(
            "stream", stream, lambda b: b.stream_put(stream, _bytes(data), partition_key)
        )

    def emit(self, source: str, type: str, detail: Any, bus: str = "default") -> list[Invocation]:
        """Put an event on ``bus``; the rules it matches run to completion."""
        return self._through("event", bus, lambda b: b.emit(bus, source, type, detail))

    def messages(self, queue: str) -> list[dict[str, Any]]:
        """The messages waiting in ``queue`` (a dead-letter queue too): ``id``, ``body``,
        ``attributes``, ``deliveries``."""
        return self.host.store.peek(queue_channel(queue), 1000)

    def dead_letters(self, function: str) -> list[dict[str, Any]]:
        """Deliveries to ``function`` that used their last attempt (for a queue that names
        a dead-letter queue, read that queue with :meth:`messages`)."""
        for consumer in self.consumers:
            if consumer.fn.name == function:
                return self.host.store.peek(consumer.dead, 1000)
        return []

    # -- running them ------------------------------------------------------------------------
    def _subscribers(self, kind: str, name: str) -> list[Consumer]:
        field = _SOURCE[kind]
        return [
            c
            for c in self.consumers
            if c.fn.trigger.type == kind and getattr(c.fn.trigger, field, None) == name
        ]

    def _through(
        self, kind: str, name: str, write: Callable[[LocalBindings], Any]
    ) -> list[Invocation]:
        subscribers = self._subscribers(kind, name)
        before = {c.fn.name: len(self._records.get(c.fn.name, [])) for c in subscribers}
        write(self.runtime.bindings)
        channels = {c.channel for c in subscribers}

        def drained() -> bool:
            return not self._drains and all(self.host.store.count(ch) == 0 for ch in channels)

        self._settle(drained, None)
        self._settle(lambda: False, self.host.clock.now())  # and what they set going, now
        return [
            call
            for c in subscribers
            for call in self._records.get(c.fn.name, [])[before[c.fn.name] :]
        ]
