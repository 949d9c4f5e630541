"""Azure Functions objects ↔ the portable types of ``faas_iac.runtime.types``, both ways.

``to_*`` functions read what the Python worker passes (``func.HttpRequest``, queue and Service
Bus messages, blob streams, Event Grid and Event Hubs events, Cosmos documents, timer
requests); ``from_*`` functions build the Azure objects from portable values (the HTTP
response, and the inverse of each input for tests and local tooling).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import azure.functions as func

from faas_iac.runtime.types import (
    CloudEvent,
    HttpRequest,
    HttpResponse,
    Message,
    TimerInfo,
    decode_path,
    parse_query,
    to_response,
)

BLOB_EVENT_TYPES = {
    "Microsoft.Storage.BlobCreated": "object.created",
    "Microsoft.Storage.BlobDeleted": "object.deleted",
}
_BLOB_EVENT_NAMES = {v: k for k, v in BLOB_EVENT_TYPES.items()}


#: The generated host.json's ``extensions.http.routePrefix``: not part of a route's path.
ROUTE_PREFIX = "/api"


def _text(value: Any) -> str:
    """A message property as text: binary ones base64 (the portable rule for attributes)."""
    if isinstance(value, bytes | bytearray):
        import base64

        return base64.b64encode(value).decode("ascii")
    return str(value)


def _str_map(values: Mapping[str, Any] | None) -> dict[str, str]:
    return {str(k): _text(v) for k, v in (values or {}).items()}


# -- HTTP ------------------------------------------------------------------------------------


def to_http_request(req: func.HttpRequest) -> HttpRequest:
    """The Python worker's request by the portable rules of :class:`HttpRequest`. The host
    builds ``req.url`` from the escaped path and the raw query string, and joins a repeated
    query key's values with ``,`` in ``req.params``: the query is read from the URL, so every
    value is kept as sent (``req.params`` only when the URL carries no query)."""
    url = urlsplit(req.url)
    path = decode_path(url.path) or "/"
    if path == ROUTE_PREFIX or path.startswith(ROUTE_PREFIX + "/"):
        path = path[len(ROUTE_PREFIX) :] or "/"
    if url.query:
        query, lists = parse_query(url.query)
    else:
        query, lists = dict(req.params), {}
    return HttpRequest(
        method=req.method.upper(),
        path=path,
        headers={k.lower(): v for k, v in req.headers.items()},
        query=query,
        route_params=dict(req.route_params),
        body=req.get_body() or b"",
        query_lists=lists,
    )


def from_http_request(req: HttpRequest, base: str = "https://localhost") -> func.HttpRequest:
    """The request the host would hand the worker for ``req`` (the inverse of the above)."""
    from urllib.parse import quote, urlencode

    pairs = [(k, v) for k in req.query for v in req.query_list(k)]
    query = urlencode(pairs)
    url = base + ROUTE_PREFIX + quote(req.path) + (f"?{query}" if query else "")
    return func.HttpRequest(
        req.method,
        url,
        headers=dict(req.headers),
        params={k: ",".join(req.query_list(k)) for k in req.query},
        route_params=dict(req.route_params),
        body=req.body,
    )


def from_http_response(result: Any) -> func.HttpResponse:
    """What a handler returned (``HttpResponse``, dict, text, bytes, None) as Azure's response."""
    resp = to_response(result)
    headers = {k: v for k, v in resp.headers.items() if k.lower() != "content-type"}
    mimetype, _, charset = resp.content_type.partition("; charset=")
    return func.HttpResponse(
        resp.body_bytes,
        status_code=resp.status,
        headers=headers,
        mimetype=mimetype,
        charset=charset or "utf-8",
    )


def to_http_response(resp: func.HttpResponse) -> HttpResponse:
    headers = {k.lower(): v for k, v in resp.headers.items()}
    if resp.mimetype:
        charset = f"; charset={resp.charset}" if resp.mimetype.startswith("text/") else ""
        headers["content-type"] = resp.mimetype + charset
    return HttpResponse(resp.get_body(), resp.status_code, headers)


# -- messages --------------------------------------------------------------------------------


def to_queue_message(msg: func.QueueMessage, source: str = "") -> Message:
    return Message(
        id=msg.id or "",
        body=msg.get_body(),
        delivery_count=int(msg.dequeue_count or 1),
        source=source,
        enqueued_at=msg.insertion_time,
    )


def from_queue_message(msg: Message) -> func.QueueMessage:
    from azure.functions.queue import QueueMessage

    return QueueMessage(  # type: ignore[no-untyped-call]
        id=msg.id,
        body=msg.body,
        dequeue_count=msg.delivery_count,
        insertion_time=msg.enqueued_at,
    )


def to_servicebus_message(msg: func.ServiceBusMessage, source: str = "") -> Message:
    props = getattr(msg, "application_properties", None) or msg.user_properties or {}
    seq = getattr(msg, "sequence_number", None)
    return Message(
        id=str(msg.message_id or ""),
        body=msg.get_body(),
        attributes=_str_map(props),
        delivery_count=int(getattr(msg, "delivery_count", None) or 1),
        source=source,
        partition_key=msg.session_id or msg.partition_key,
        sequence=None if seq is None else str(seq),
        enqueued_at=getattr(msg, "enqueued_time_utc", None),
    )


def from_servicebus_message(msg: Message) -> func.ServiceBusMessage:
    from azure.functions.servicebus import ServiceBusMessage

    return ServiceBusMessage(
        body=msg.body,
        message_id=msg.id,
        application_properties=dict(msg.attributes),
        user_properties=dict(msg.attributes),
        delivery_count=msg.delivery_count,
        session_id=msg.partition_key,
        sequence_number=None if msg.sequence is None else int(msg.sequence),
        enqueued_time_utc=msg.enqueued_at,
    )


def to_eventhub_message(event: func.EventHubEvent, source: str = "") -> Message:
    seq = event.sequence_number
    meta = getattr(event, "metadata", None) or {}
    props = meta.get("Properties") if isinstance(meta, Mapping) else None
    return Message(
        id=f"{event.partition_key or ''}:{seq}",
        body=event.get_body(),
        attributes=_str_map(props if isinstance(props, Mapping) else None),
        source=source,
        partition_key=event.partition_key,
        sequence=None if seq is None else str(seq),
        enqueued_at=event.enqueued_time,
    )


def from_eventhub_message(msg: Message) -> func.EventHubEvent:
    return func.EventHubEvent(
        body=msg.body,
        partition_key=msg.partition_key,
        sequence_number=None if msg.sequence is None else int(msg.sequence),
        enqueued_time=msg.enqueued_at,
    )


# -- events ----------------------------------------------------------------------------------


def to_cloud_event(event: func.EventGridEvent) -> CloudEvent:
    """An Event Grid event: blob events become ``object.created`` / ``object.deleted`` with the
    object key as subject; other events keep their type, and ``source`` is their subject."""
    kind = BLOB_EVENT_TYPES.get(event.event_type)
    data = event.get_json()
    if kind is not None:
        _, _, key = event.subject.partition("/blobs/")
        return CloudEvent(
            id=event.id,
            source=event.topic,
            type=kind,
            data=data,
            subject=key,
            time=event.event_time,
        )
    return CloudEvent(
        id=event.id,
        source=event.subject,
        type=event.event_type,
        data=data,
        subject=event.subject,
        time=event.event_time,
    )


def from_cloud_event(
    event: CloudEvent, topic: str = "", container: str = ""
) -> func.EventGridEvent:
    if event.type in _BLOB_EVENT_NAMES:
        subject = f"/blobServices/default/containers/{container}/blobs/{event.subject or ''}"
        return func.EventGridEvent(
            id=event.id,
            data=event.data or {},
            topic=event.source or topic,
            subject=subject,
            event_type=_BLOB_EVENT_NAMES[event.type],
            event_time=event.time,
            data_version="1",
        )
    return func.EventGridEvent(
        id=event.id,
        data=event.data,
        topic=topic,
        subject=event.source,
        event_type=event.type,
        event_time=event.time,
        data_version="1",
    )


def to_blob_event(blob: func.InputStream) -> CloudEvent:
    """A blob stream (blob trigger) as ``object.created``: the data is the blob's bytes."""
    name = blob.name or ""
    _, _, key = name.partition("/")
    return CloudEvent(
        id=blob.uri or name,
        source=name.partition("/")[0],
        type="object.created",
        data=blob.read(),
        subject=key or name,
    )


def from_blob_event(event: CloudEvent) -> func.InputStream:
    from azure.functions.blob import InputStream

    data = event.data if isinstance(event.data, bytes) else json.dumps(event.data).encode()
    return InputStream(
        data=data, name=f"{event.source}/{event.subject}", uri=event.id, length=len(data)
    )


def to_record_events(docs: Iterable[func.Document], table: str) -> list[CloudEvent]:
    """Cosmos DB change-feed documents: one ``record.modified`` event each (the change feed
    does not tell inserts from updates, nor report deletes)."""
    events = []
    for doc in docs:
        data = doc.to_dict() if hasattr(doc, "to_dict") else dict(doc)
        user = {k: v for k, v in data.items() if not k.startswith("_")}
        ts = data.get("_ts")
        events.append(
            CloudEvent(
                id=f"{data.get('id', '')}@{data.get('_etag', ts)}",
                source=table,
                type="record.modified",
                data=user,
                subject=str(data.get("id", "")),
                time=datetime.fromtimestamp(ts, UTC) if isinstance(ts, int | float) else None,
            )
        )
    return events


def from_record_events(events: Iterable[CloudEvent]) -> func.DocumentList:
    return func.DocumentList([func.Document.from_dict(dict(e.data or {})) for e in events])


# -- timers ----------------------------------------------------------------------------------


def _iso(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def to_timer_info(timer: func.TimerRequest, now: datetime | None = None) -> TimerInfo:
    status = getattr(timer, "schedule_status", None) or {}
    fired = (now or datetime.now(UTC)).replace(microsecond=0)
    return TimerInfo(
        scheduled_time=fired, past_due=bool(timer.past_due), last_fire=_iso(status.get("Last"))
    )


def from_timer_info(info: TimerInfo) -> func.TimerRequest:
    from azure.functions.timer import TimerRequest

    last = info.last_fire.isoformat() if info.last_fire else None
    return TimerRequest(past_due=info.past_due, schedule_status={"Last": last} if last else {})
