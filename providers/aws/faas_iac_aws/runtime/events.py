"""AWS event shapes → the portable types, and portable results → AWS responses. Pure,
standard library only. Each converter takes one event (or record) exactly as Lambda delivers
it. HTTP events are :mod:`.http` (re-exported here), so an HTTP function's cold start does not
load the others."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from faas_iac.runtime.messages import CloudEvent, Message, TimerInfo

from .http import http_request, http_response

if TYPE_CHECKING:
    from datetime import datetime
    from decimal import Decimal

__all__ = [
    "bus_event",
    "ddb_item",
    "ddb_number",
    "dynamodb_event",
    "exact_number",
    "http_request",
    "http_response",
    "kinesis_message",
    "s3_event",
    "sns_message",
    "sqs_message",
    "timer",
]


def _time(value: Any) -> datetime | None:
    """Epoch seconds or milliseconds, or ISO-8601 text, as an aware datetime."""
    from datetime import UTC, datetime  # not on the HTTP path: imported when first needed

    if value is None or value == "":
        return None
    if isinstance(value, int | float) or (isinstance(value, str) and value.isdigit()):
        number = float(value)
        return datetime.fromtimestamp(number / 1000 if number > 1e11 else number, UTC)
    text = str(value).replace("Z", "+00:00")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _attribute(value: Mapping[str, Any]) -> str:
    """An SQS message attribute as text: String and Number as sent, Binary as the base64 text
    the event carries (the portable rule: attributes are text, binary ones base64)."""
    for key in ("stringValue", "StringValue", "binaryValue", "BinaryValue"):
        if value.get(key) is not None:
            return str(value[key])
    return ""


def sqs_message(record: Mapping[str, Any]) -> Message:
    attrs = record.get("attributes", {})
    user = {k: _attribute(v) for k, v in (record.get("messageAttributes") or {}).items()}
    return Message(
        id=record["messageId"],
        body=str(record.get("body", "")).encode(),
        attributes=user,
        delivery_count=int(attrs.get("ApproximateReceiveCount", 1)),
        source=record.get("eventSourceARN", ""),
        partition_key=attrs.get("MessageGroupId"),
        sequence=attrs.get("SequenceNumber"),
        enqueued_at=_time(attrs.get("SentTimestamp")),
    )


def sns_message(record: Mapping[str, Any]) -> Message:
    sns = record["Sns"]
    return Message(
        id=sns["MessageId"],
        body=str(sns.get("Message", "")).encode(),
        attributes={
            k: str(v.get("Value", "")) for k, v in (sns.get("MessageAttributes") or {}).items()
        },
        source=sns.get("TopicArn", ""),
        enqueued_at=_time(sns.get("Timestamp")),
    )


def kinesis_message(record: Mapping[str, Any]) -> Message:
    kin = record["kinesis"]
    return Message(
        id=kin["sequenceNumber"],
        body=base64.b64decode(kin.get("data", "")),
        source=record.get("eventSourceARN", ""),
        partition_key=kin.get("partitionKey"),
        sequence=kin["sequenceNumber"],
        enqueued_at=_time(kin.get("approximateArrivalTimestamp")),
    )


def s3_event(record: Mapping[str, Any]) -> CloudEvent:
    s3 = record["s3"]
    name = str(record.get("eventName", ""))
    kind = "object.deleted" if name.startswith("ObjectRemoved") else "object.created"
    from urllib.parse import unquote_plus  # (only S3 events need it)

    key = unquote_plus(s3["object"]["key"])
    bucket = s3["bucket"]["name"]
    return CloudEvent(
        id=s3["object"].get("sequencer")
        or record.get("responseElements", {}).get("x-amz-request-id", key),
        source=s3["bucket"].get("arn", f"arn:aws:s3:::{bucket}"),
        type=kind,
        subject=key,
        data={
            "bucket": bucket,
            "key": key,
            "size": s3["object"].get("size"),
            "etag": s3["object"].get("eTag"),
        },
        time=_time(record.get("eventTime")),
    )


def exact_number(value: Decimal) -> int | float | Decimal:
    """A DynamoDB number, never changed: an ``int`` when integral (any size), else a ``float``
    when the float prints back as the same decimal (what JSON gives on the other targets),
    else the ``Decimal`` itself (more digits than a float holds)."""
    if value == value.to_integral_value():
        return int(value)
    near = float(value)
    return near if _decimal(repr(near)) == value else value


def ddb_number(text: str) -> int | float | Decimal:
    """A DynamoDB ``N`` (decimal text, up to 38 digits) by :func:`exact_number`; equal to what
    boto3's ``TypeDeserializer`` gives, without its import."""
    if text.isascii() and (text.isdigit() or (text[:1] == "-" and text[1:].isdigit())):
        return int(text)
    return exact_number(_decimal(text))


def _decimal(text: str) -> Decimal:
    from decimal import Decimal  # only non-integral numbers need it

    return Decimal(text)


def _ddb(value: Mapping[str, Any]) -> Any:
    """One DynamoDB-JSON attribute value as a plain Python value."""
    ((tag, inner),) = value.items()
    if tag == "N":
        return ddb_number(inner)
    if tag in ("S", "BOOL"):
        return inner
    if tag == "NULL":
        return None
    if tag == "B":
        return base64.b64decode(inner)
    if tag in ("SS", "BS"):
        return [base64.b64decode(v) if tag == "BS" else v for v in inner]
    if tag == "NS":
        return [_ddb({"N": v}) for v in inner]
    if tag == "L":
        return [_ddb(v) for v in inner]
    if tag == "M":
        return {k: _ddb(v) for k, v in inner.items()}
    raise ValueError(f"unknown DynamoDB type {tag!r}")


def ddb_item(image: Mapping[str, Any] | None) -> dict[str, Any] | None:
    return None if image is None else {k: _ddb(v) for k, v in image.items()}


_CHANGE = {"INSERT": "record.inserted", "MODIFY": "record.modified", "REMOVE": "record.removed"}


def dynamodb_event(record: Mapping[str, Any]) -> CloudEvent:
    ddb = record["dynamodb"]
    keys = ddb_item(ddb.get("Keys")) or {}
    return CloudEvent(
        id=record.get("eventID", ddb.get("SequenceNumber", "")),
        source=record.get("eventSourceARN", ""),
        type=_CHANGE[record["eventName"]],
        subject=json.dumps(keys, sort_keys=True, default=str),
        data={
            "keys": keys,
            "new": ddb_item(ddb.get("NewImage")),
            "old": ddb_item(ddb.get("OldImage")),
        },
        time=_time(ddb.get("ApproximateCreationDateTime")),
    )


def bus_event(event: Mapping[str, Any]) -> CloudEvent:
    return CloudEvent(
        id=event["id"],
        source=event.get("source", ""),
        type=event.get("detail-type", ""),
        data=event.get("detail"),
        time=_time(event.get("time")),
    )


def timer(event: Mapping[str, Any]) -> TimerInfo:
    """EventBridge Scheduler's input (``scheduled_time``) or a scheduled rule's event (``time``)."""
    from datetime import UTC, datetime

    when = _time(event.get("scheduled_time") or event.get("time")) or datetime.now(UTC)
    return TimerInfo(scheduled_time=when, past_due=False)
