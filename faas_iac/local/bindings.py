"""The local implementation of the :class:`faas_iac.runtime.Bindings` seam.

Writes go to SQLite (queues, tables, streams), a folder (buckets) or straight to subscriber
channels (topics, buses). Every write that something subscribes to becomes a durable delivery
in that subscriber's channel, in the same transaction as the write where there is one.
"""

from __future__ import annotations

import json
import os
import time
import uuid
import zlib
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from ..errors import FaasError
from ..model import AppModel, Function, StorageTrigger
from ..runtime.patterns import matches, storage_matches
from .paths import check_key
from .store import Enqueue, Store

Notify = Callable[[str], None]


class SecretSource(Protocol):
    """Where secret values come from: :class:`faas_iac.local.keys.Secrets`, or a mapping."""

    def get(self, name: str, /) -> str | None: ...


#: The trigger field that names the resource a subscriber listens to.
_SOURCE_FIELD = {
    "topic": "topic",
    "storage": "bucket",
    "table": "table",
    "stream": "stream",
    "event": "bus",
}


def queue_channel(name: str) -> str:
    return f"queue:{name}"


def fn_channel(name: str) -> str:
    return f"fn:{name}"


def event_body(
    source: str,
    type_: str,
    data: Any,
    subject: str | None = None,
    id_: str | None = None,
    when: float | None = None,
) -> bytes:
    """A CloudEvent as stored in a delivery (decoded by the worker into ``CloudEvent``)."""
    moment = datetime.now(UTC) if when is None else datetime.fromtimestamp(when, UTC)
    return json.dumps(
        {
            "id": id_ or uuid.uuid4().hex,
            "source": source,
            "type": type_,
            "subject": subject,
            "time": moment.isoformat(),
            "data": data,
        },
        default=str,
    ).encode()


def _wants(fn: Function, attributes: Mapping[str, str]) -> bool:
    wanted = getattr(fn.trigger, "filter", None)
    return not wanted or matches(wanted, attributes)


class LocalBindings:
    """Resources of one app in one state folder. Thread-safe (handlers run in threads)."""

    def __init__(
        self,
        model: AppModel,
        store: Store,
        state: Path,
        secrets: SecretSource,
        notify: Notify = lambda channel: None,
    ) -> None:
        self.model, self.store, self.state = model, store, state
        self.secrets = secrets
        self.notify = notify
        self._subs: dict[str, list[Function]] = {}
        for fn in model.functions:
            t = fn.trigger
            field = _SOURCE_FIELD.get(t.type)
            if field is not None and fn.handler.python:  # nothing runs the others locally
                self._subs.setdefault(f"{t.type}:{getattr(t, field)}", []).append(fn)

    def _commit(self, items: list[Enqueue]) -> list[str]:
        ids = self.store.enqueue(items)
        for channel in {i.channel for i in items}:
            self.notify(channel)
        return ids

    # -- queues and topics ----------------------------------------------------------------------
    def send(self, queue: str, body: bytes, attributes: Mapping[str, str]) -> str:
        self._known("queue", queue)
        return self._commit([Enqueue(queue_channel(queue), body, attributes)])[0]

    def send_many(self, queue: str, bodies: Sequence[tuple[bytes, Mapping[str, str]]]) -> list[str]:
        self._known("queue", queue)
        return self._commit([Enqueue(queue_channel(queue), b, a) for b, a in bodies])

    def publish(self, topic: str, body: bytes, attributes: Mapping[str, str]) -> str:
        self._known("topic", topic)
        msg_id = uuid.uuid4().hex
        items = [
            Enqueue(fn_channel(fn.name), body, attributes, id=msg_id)
            for fn in self._subs.get(f"topic:{topic}", [])
            if _wants(fn, attributes)
        ]
        self._commit(items)
        return msg_id

    # -- buckets --------------------------------------------------------------------------------
    def _bucket_root(self, bucket: str) -> Path:
        self._known("bucket", bucket)
        return self.state / "buckets" / bucket

    def _object_path(self, bucket: str, key: str) -> Path:
        return self._bucket_root(bucket).joinpath(*check_key(key).split("/"))

    def _object_event(self, bucket: str, key: str, event: str, data: dict[str, Any]) -> None:
        body = event_body(
            f"bucket/{bucket}", f"object.{event}", data, subject=key, when=self.store.clock.now()
        )
        items = [
            Enqueue(fn_channel(fn.name), body, {})
            for fn in self._subs.get(f"storage:{bucket}", [])
            if isinstance(trigger := fn.trigger, StorageTrigger)
            and storage_matches(trigger.events, trigger.prefix, trigger.suffix, event, key)
        ]
        self._commit(items)

    def put_object(self, bucket: str, key: str, data: bytes, content_type: str) -> None:
        """Write the object whole or not at all: the bytes go to a temporary file outside
        every bucket, renamed into place; a key that is both an object and a folder of others
        (``x`` and ``x/y``) is refused, as S3 would keep both but one folder cannot."""
        root = self._bucket_root(bucket)
        path = self._object_path(bucket, key)
        _refuse_clash(bucket, key, root, path)
        spool = self.state / "tmp"
        spool.mkdir(parents=True, exist_ok=True)
        tmp = spool / f"{uuid.uuid4().hex}.tmp"
        try:
            tmp.write_bytes(data)
            path.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, path)
        except (FileExistsError, NotADirectoryError, IsADirectoryError):
            raise _clash(bucket, key, "a concurrent write made it one") from None
        finally:
            tmp.unlink(missing_ok=True)
        info = {"bucket": bucket, "key": key, "size": len(data), "content_type": content_type}
        self._object_event(bucket, key, "created", info)

    def get_object(self, bucket: str, key: str) -> bytes | None:
        path = self._object_path(bucket, key)
        return path.read_bytes() if path.is_file() else None

    def delete_object(self, bucket: str, key: str) -> None:
        root = self._bucket_root(bucket)
        path = self._object_path(bucket, key)
        if path.is_file():
            path.unlink()
            for parent in path.parents:  # folders exist only while they hold an object
                if parent == root:
                    break
                try:
                    parent.rmdir()
                except OSError:
                    break
            self._object_event(bucket, key, "deleted", {"bucket": bucket, "key": key})

    def list_objects(self, bucket: str, prefix: str) -> list[str]:
        base = self._bucket_root(bucket)
        if not base.is_dir():
            return []
        keys = (p.relative_to(base).as_posix() for p in base.rglob("*") if p.is_file())
        return sorted(k for k in keys if k.startswith(prefix))

    # -- tables ---------------------------------------------------------------------------------
    def _key(self, table: str, key: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        res = self._known("table", table)
        names = [res.key] + ([res.sort_key] if res.sort_key else [])
        missing = [n for n in names if n not in key]
        if missing:
            raise FaasError.one(
                "FIAC805",
                f"table {table!r} item has no {', '.join(missing)}",
                fix=f"give the key field(s) {', '.join(names)}",
            )
        values = {n: key[n] for n in names}
        odd = [
            n
            for n, v in values.items()
            if isinstance(v, bool) or not isinstance(v, str | int | float)
        ]
        if odd:
            raise FaasError.one(
                "FIAC805",
                f"table {table!r} key field {odd[0]!r} is {type(values[odd[0]]).__name__}",
                fix="a key field holds a string or a number",
            )
        return json.dumps([values[n] for n in names], default=str), values

    def _change(self, table: str, key: Mapping[str, Any], new: Mapping[str, Any] | None) -> None:
        text, keys = self._key(table, key)
        subs = self._subs.get(f"table:{table}", [])

        def events(old: dict[str, Any] | None) -> list[Enqueue]:
            kind = "removed" if new is None else ("inserted" if old is None else "modified")
            data = {"keys": keys, "new": dict(new) if new is not None else None, "old": old}
            body = event_body(
                f"table/{table}", f"record.{kind}", data, subject=text, when=self.store.clock.now()
            )
            return [Enqueue(fn_channel(fn.name), body, {}) for fn in subs]

        self.store.kv_change(table, text, new, events)
        for fn in subs:
            self.notify(fn_channel(fn.name))

    def table_get(self, table: str, key: Mapping[str, Any]) -> dict[str, Any] | None:
        return self.store.kv_get(table, self._key(table, key)[0])

    def table_put(self, table: str, item: Mapping[str, Any]) -> None:
        self._change(table, item, item)

    def table_delete(self, table: str, key: Mapping[str, Any]) -> None:
        self._change(table, key, None)

    # -- event bus and streams ------------------------------------------------------------------
    def emit(self, bus: str, source: str, type: str, detail: Any) -> str:
        self._known("bus", bus)
        event_id = uuid.uuid4().hex
        envelope = {"source": source, "type": type, "detail": detail}
        body = event_body(source, type, detail, id_=event_id, when=self.store.clock.now())
        items = [
            Enqueue(fn_channel(fn.name), body, {})
            for fn in self._subs.get(f"event:{bus}", [])
            if matches(fn.trigger.pattern, envelope)  # type: ignore[union-attr]
        ]
        self._commit(items)
        return event_id

    def stream_put(self, stream: str, data: bytes, partition_key: str) -> str:
        res = self._known("stream", stream)
        part = zlib.crc32(partition_key.encode()) % res.partitions
        record_id = f"{time.time_ns():020d}-{uuid.uuid4().hex[:8]}"
        attrs = {"partition_key": partition_key, "partition": str(part)}
        items = [
            Enqueue(fn_channel(fn.name), data, attrs, part=part, id=record_id)
            for fn in self._subs.get(f"stream:{stream}", [])
        ]
        self._commit(items)
        return record_id

    def secret(self, name: str) -> str:
        value = self.secrets.get(name)
        if value is None:
            from .keys import env_name

            raise FaasError.one(
                "FIAC803",
                f"secret {name!r} is not set",
                fix=f"add '{name}=...' to the state folder's secrets.env, or set {env_name(name)}",
            )
        return value

    def _known(self, kind: str, name: str) -> Any:
        try:
            return self.model.resource(kind, name)
        except KeyError:
            raise FaasError.one(
                "FIAC806",
                f"{kind} {name!r} is not declared in app {self.model.name!r}",
                fix=f"declare it: app.declare({kind.capitalize()}({name!r}))",
            ) from None


def _clash(bucket: str, key: str, why: str) -> FaasError:
    return FaasError.one(
        "FIAC817",
        f"object key {key[:200]!r} in bucket {bucket!r} clashes with another key: {why}",
        fix="a key cannot be both an object and a folder of objects ('x' and 'x/y'): "
        "delete the other one first, or choose another key",
    )


def _refuse_clash(bucket: str, key: str, root: Path, path: Path) -> None:
    if path.is_dir():
        raise _clash(bucket, key, f"objects exist under '{key}/'")
    for parent in path.parents:
        if parent == root:
            return
        if parent.exists() and not parent.is_dir():
            raise _clash(bucket, key, f"'{parent.relative_to(root).as_posix()}' is an object")
