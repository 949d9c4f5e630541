"""GCP's deliveries as the portable types of ``faas_iac.runtime.types``. Pure and standard
library only: the callers (:mod:`.entry`) take the values out of Flask requests and CloudEvents.

* HTTP: the raw path is matched against the function's route here (a Cloud Function has one
  URL, so no gateway did it): each ``{param}`` decoded once, ``{*rest}`` the rest of the path;
* Pub/Sub push (queues, topics, streams): the push body ``{"message": ..., "subscription": ...,
  "deliveryAttempt": n}``; an empty message has no ``data`` and no ``attributes`` at all, and
  ``deliveryAttempt`` is there only when the subscription has a dead-letter policy;
* Cloud Storage (Eventarc): the object's name from the event data, never ``ce-subject`` (which
  is percent-encoded when not ASCII); ``size`` and ``generation`` arrive as text;
* Firestore (Eventarc): the JSON form of ``DocumentEventData`` (the protobuf form is turned
  into it by :mod:`.firestore`); a ``written`` event says which change it was only by which of
  ``value`` / ``oldValue`` is present; integers arrive as text;
* Cloud Scheduler (HTTP target): ``X-CloudScheduler-ScheduleTime`` in RFC 3339 UTC.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from faas_iac.runtime.types import (
    CloudEvent,
    HttpRequest,
    Message,
    TimerInfo,
    decode_path,
    join_headers,
    parse_query,
)

STORAGE_TYPES = {
    "google.cloud.storage.object.v1.finalized": "object.created",
    "google.cloud.storage.object.v1.deleted": "object.deleted",
}
FIRESTORE_WRITTEN = "google.cloud.firestore.document.v1.written"


def parse_time(text: Any) -> datetime | None:
    """An RFC 3339 time (``Z`` or an offset, any fraction of a second), or ``None``."""
    if not isinstance(text, str) or not text:
        return None
    head, dot, rest = text.replace("Z", "+00:00").partition(".")
    if dot:  # Python before 3.11's parser takes at most 6 digits of a fraction
        digits = len(rest) - len(rest.lstrip("0123456789"))
        head = f"{head}.{rest[:digits][:6].ljust(6, '0')}{rest[digits:]}"
    try:
        parsed = datetime.fromisoformat(head)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


# -- HTTP ------------------------------------------------------------------------------------


def match_route(route: str, raw_path: str) -> dict[str, str] | None:
    """The route parameters when the raw (percent-encoded) path matches ``route``, else None."""
    want = [s for s in route.strip("/").split("/") if s]
    got = [s for s in raw_path.strip("/").split("/") if s]
    params: dict[str, str] = {}
    for i, seg in enumerate(want):
        if seg.startswith("{*"):
            params[seg[2:-1]] = decode_path("/".join(got[i:]))
            return params
        if i >= len(got):
            return None
        if seg.startswith("{"):
            params[seg[1:-1]] = decode_path(got[i])
        elif decode_path(got[i]) != seg:
            return None
    return params if len(got) == len(want) else None


def http_request(
    method: str,
    raw_path: str,
    raw_query: str,
    headers: Iterable[tuple[str, str]],
    body: bytes,
    route: str,
) -> HttpRequest | None:
    """The portable request, or ``None`` when the path is not the function's route."""
    params = match_route(route, raw_path)
    if params is None:
        return None
    query, lists = parse_query(raw_query)
    return HttpRequest(
        method=method.upper(),
        path=decode_path(raw_path) or "/",
        headers=join_headers(headers),
        query=query,
        route_params=params,
        body=body,
        query_lists=lists,
    )


# -- Pub/Sub -----------------------------------------------------------------------------------


def pubsub_message(envelope: Mapping[str, Any], source: str = "") -> Message:
    """A push body (or a ``messagePublished`` CloudEvent's data) as a portable message."""
    msg = envelope.get("message") or {}
    data = msg.get("data")
    attempt = envelope.get("deliveryAttempt")
    ordering = msg.get("orderingKey") or msg.get("ordering_key")
    message_id = str(msg.get("messageId") or msg.get("message_id") or "")
    return Message(
        id=message_id,
        body=base64.b64decode(data) if data else b"",
        attributes={str(k): str(v) for k, v in (msg.get("attributes") or {}).items()},
        delivery_count=int(attempt) if attempt else 1,
        source=source or str(envelope.get("subscription") or ""),
        partition_key=ordering or None,
        sequence=message_id if ordering else None,
        enqueued_at=parse_time(msg.get("publishTime") or msg.get("publish_time")),
    )


def bus_event(message: Message) -> tuple[CloudEvent, dict[str, Any]]:
    """An event published on a bus topic (``{"id", "source", "type", "detail", "time"}`` as
    JSON), and the envelope the bus pattern is matched against."""
    body = message.json() if message.body else {}
    if not isinstance(body, dict):
        body = {"detail": body}
    event = CloudEvent(
        id=str(body.get("id") or message.id),
        source=str(body.get("source", "")),
        type=str(body.get("type", "")),
        data=body.get("detail"),
        time=parse_time(body.get("time")) or message.enqueued_at,
    )
    return event, {"source": event.source, "type": event.type, "detail": event.data}


# -- Cloud Storage -----------------------------------------------------------------------------


def storage_event(attrs: Mapping[str, Any], data: Mapping[str, Any]) -> CloudEvent | None:
    """An object event, or ``None`` for a type the portable model has no name for."""
    kind = STORAGE_TYPES.get(str(attrs.get("type", "")))
    if kind is None:
        return None
    name = str(data.get("name", ""))
    size = data.get("size")
    return CloudEvent(
        id=str(attrs.get("id", "")),
        source=str(attrs.get("source", "")),
        type=kind,
        subject=name,
        data={
            "bucket": data.get("bucket"),
            "key": name,
            "size": int(size) if size not in (None, "") else None,
            "etag": data.get("etag"),
            "content_type": data.get("contentType"),
        },
        time=parse_time(attrs.get("time")),
    )


# -- Firestore ---------------------------------------------------------------------------------


def firestore_value(value: Mapping[str, Any]) -> Any:
    """One Firestore ``Value`` in its JSON form as a plain Python value (integers are text in
    JSON; they become ``int`` of any size, doubles ``float``)."""
    for tag, inner in value.items():
        if tag == "nullValue":
            return None
        if tag == "integerValue":
            return int(inner)
        if tag == "doubleValue":
            return float(inner)
        if tag in ("booleanValue", "stringValue", "timestampValue", "referenceValue"):
            return inner
        if tag == "bytesValue":
            return base64.b64decode(inner)
        if tag == "geoPointValue":
            return {
                "latitude": inner.get("latitude", 0.0),
                "longitude": inner.get("longitude", 0.0),
            }
        if tag == "arrayValue":
            return [firestore_value(v) for v in inner.get("values", [])]
        if tag == "mapValue":
            return firestore_fields(inner.get("fields"))
    return None


def firestore_fields(fields: Mapping[str, Any] | None) -> dict[str, Any]:
    return {k: firestore_value(v) for k, v in (fields or {}).items()}


def _document_id(name: str) -> str:
    return name.rsplit("/", 1)[-1]


def firestore_event(
    attrs: Mapping[str, Any], data: Mapping[str, Any], table: str, key: str
) -> CloudEvent:
    """A document change as ``record.inserted`` / ``modified`` / ``removed``, with the
    portable ``{"keys", "new", "old"}`` data (``keys`` from the document id)."""
    new_doc, old_doc = data.get("value"), data.get("oldValue")
    kind = (
        "record.removed" if not new_doc else "record.inserted" if not old_doc else "record.modified"
    )
    doc = new_doc or old_doc or {}
    new = firestore_fields(new_doc.get("fields")) if new_doc else None
    old = firestore_fields(old_doc.get("fields")) if old_doc else None
    doc_id = _document_id(str(doc.get("name") or attrs.get("document") or ""))
    keys = {key: (new or old or {}).get(key, doc_id)}
    return CloudEvent(
        id=str(attrs.get("id", "")),
        source=table,
        type=kind,
        subject=doc_id,
        data={"keys": keys, "new": new, "old": old},
        time=parse_time(attrs.get("time")),
    )


# -- Cloud Scheduler ---------------------------------------------------------------------------


def timer(headers: Mapping[str, str], now: datetime | None = None) -> TimerInfo:
    """Cloud Scheduler's schedule time (``x-cloudscheduler-scheduletime``), else now."""
    when = parse_time(headers.get("x-cloudscheduler-scheduletime"))
    return TimerInfo(scheduled_time=when or (now or datetime.now(UTC)).replace(microsecond=0))
