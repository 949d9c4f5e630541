"""AWS event shapes → the portable types, and portable results → AWS responses. Pure,
standard library only. Each converter takes one event (or record) exactly as Lambda delivers
it."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from faas_iac.runtime.types import (
    CloudEvent,
    HttpRequest,
    HttpResponse,
    Message,
    TimerInfo,
    decode_path,
    join_headers,
    parse_query,
    query_pairs,
)

if TYPE_CHECKING:
    from datetime import datetime
    from decimal import Decimal

_TEXT_TYPES = ("text/", "application/json", "application/xml", "application/javascript")


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


def _body(event: Mapping[str, Any]) -> bytes:
    raw = event.get("body") or ""
    if event.get("isBase64Encoded"):
        return base64.b64decode(raw)
    return raw.encode() if isinstance(raw, str) else bytes(raw)


def _params(values: Mapping[str, Any] | None, decode: bool) -> dict[str, str]:
    # API Gateway names a greedy parameter {rest+} "rest" (HTTP API) or "rest+" (REST API).
    return {
        k.rstrip("+"): decode_path(str(v)) if decode else str(v) for k, v in (values or {}).items()
    }


def _multi_headers(event: Mapping[str, Any]) -> dict[str, str]:
    """REST API (payload 1.0) headers: ``multiValueHeaders`` keeps every value of a repeated
    header (``headers`` only the last), joined by the portable rule."""
    multi = event.get("multiValueHeaders")
    if not multi:
        return join_headers((k, str(v)) for k, v in (event.get("headers") or {}).items())
    return join_headers((k, str(v)) for k, values in multi.items() for v in values or ())


def _query(event: Mapping[str, Any]) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """Every value of each key: from ``rawQueryString`` (payload 2.0, as sent) or
    ``multiValueQueryStringParameters`` (1.0); ``queryStringParameters`` joins repeated values
    with "," (2.0) or keeps the last (1.0), so it is read only when neither is there."""
    if "rawQueryString" in event:
        return parse_query(event["rawQueryString"])
    multi = event.get("multiValueQueryStringParameters")
    if multi:
        return query_pairs((k, str(v)) for k, values in multi.items() for v in values or ())
    return {k: str(v) for k, v in (event.get("queryStringParameters") or {}).items()}, {}


def http_request(event: Mapping[str, Any]) -> HttpRequest:
    """API Gateway HTTP API (payload 2.0 or 1.0), Function URL (2.0) or REST API event, by the
    portable rules of :class:`HttpRequest`.

    Where the path arrives decoded differs by service: an HTTP API hands it (``rawPath``,
    ``path``, path parameters) already percent-decoded; a REST API (no ``version`` field) and a
    Function URL hand it as the client sent it, so it is decoded here, once."""
    context = event.get("requestContext") or {}
    if event.get("version") == "2.0":
        headers = {k.lower(): str(v) for k, v in (event.get("headers") or {}).items()}
        if event.get("cookies"):
            headers["cookie"] = "; ".join(event["cookies"])
        http = context.get("http", {})
        method, path = http.get("method", "GET"), event.get("rawPath") or http.get("path", "/")
        encoded = ".lambda-url." in str(context.get("domainName", ""))
    else:
        headers = _multi_headers(event)
        method, path = event.get("httpMethod", "GET"), event.get("path", "/")
        encoded = "version" not in event  # a REST API; HTTP APIs say "version": "1.0"
    query, lists = _query(event)
    return HttpRequest(
        method=method.upper(),
        path=decode_path(path) if encoded else path,
        headers=headers,
        query=query,
        route_params=_params(event.get("pathParameters"), encoded),
        body=_body(event),
        query_lists=lists,
    )


def http_response(response: HttpResponse) -> dict[str, Any]:
    """The proxy-integration response (the same shape for payload 1.0 and 2.0)."""
    body = response.body_bytes
    headers = {k.lower(): v for k, v in response.headers.items()}
    headers.setdefault("content-type", response.content_type)
    textual = headers["content-type"].startswith(_TEXT_TYPES)
    if textual:
        try:
            return {
                "statusCode": response.status,
                "headers": headers,
                "body": body.decode("utf-8"),
                "isBase64Encoded": False,
            }
        except UnicodeDecodeError:
            pass  # not text: sent base64-encoded below
    return {
        "statusCode": response.status,
        "headers": headers,
        "body": base64.b64encode(body).decode(),
        "isBase64Encoded": True,
    }


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
