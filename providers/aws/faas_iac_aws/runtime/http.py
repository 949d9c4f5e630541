"""API Gateway (HTTP API, REST API) and Function URL events → :class:`HttpRequest`, and
:class:`HttpResponse` → the proxy integration's response. Pure, standard library only, off
``typing``: the cold path of every HTTP function (the other event shapes are :mod:`.events`)."""

from __future__ import annotations

import base64

from faas_iac.runtime.http import (
    HttpRequest,
    HttpResponse,
    decode_path,
    join_headers,
    parse_query,
    query_pairs,
)

TYPE_CHECKING = False  # ``typing.TYPE_CHECKING`` without importing typing (mypy reads it so)
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

_TEXT_TYPES = ("text/", "application/json", "application/xml", "application/javascript")


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
