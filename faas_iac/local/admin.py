"""The local admin API (``/admin/...``, master key only): how ``faas-iac send``, ``publish``,
``emit``, ``put-record``, ``bucket`` and ``table`` inject events into a running host.

=======  ===========================================  ==========================================
method   path                                         body
=======  ===========================================  ==========================================
POST     /admin/queues/{name}                         ``{"messages": [{"body", "attributes"}]}``
GET      /admin/queues/{name}                         — (count and first messages)
POST     /admin/topics/{name}                         ``{"messages": [...]}``
POST     /admin/buses/{name}                          ``{"source", "type", "detail"}``
POST     /admin/streams/{name}                        ``{"records": [{"data", "partition_key"}]}``
PUT      /admin/buckets/{name}/{*key}                 the object's bytes
DELETE   /admin/buckets/{name}/{*key}                 —
GET      /admin/buckets/{name}?prefix=                — (the keys)
PUT      /admin/tables/{name}                         the item (JSON)
DELETE   /admin/tables/{name}                         the key (JSON)
GET      /admin/tables/{name}?key=JSON                —
GET      /admin/dead/{function}                       — (dead letters of a non-queue trigger)
=======  ===========================================  ==========================================

The master key is checked from the headers before any body byte is read; bodies are capped
at the host's ``--max-body``. Paths are split on the raw path and each segment decoded on its
own; names must be declared resources and keys plain relative keys (``faas_iac.local.paths``),
so no request reaches past the bucket, table or queue it names.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ..errors import FaasError
from ..model import AppModel
from .asgi import (
    DEFAULT_MAX_BODY,
    Receive,
    Scope,
    Send,
    body_or_answer,
    headers_of,
    query_of,
    send_json,
)
from .bindings import LocalBindings, queue_channel
from .keys import Keys
from .paths import split_raw
from .workers import channel_of

#: The status of each coded refusal that is not a plain 400.
_STATUS_OF_CODE = {"FIAC817": 409}
Handler = Callable[["AdminApi", dict[str, str], Any, bytes, dict[str, str]], Any]


def _bytes(value: Any) -> bytes:
    if isinstance(value, str):
        return value.encode()
    return json.dumps(value, separators=(",", ":")).encode()


def _messages(body: Any) -> list[tuple[bytes, dict[str, str]]]:
    items = body.get("messages", [body]) if isinstance(body, dict) else None
    if not isinstance(items, list) or not all(isinstance(m, dict) and "body" in m for m in items):
        raise ValueError('give {"body": ..., "attributes": {...}} or {"messages": [...]}')
    return [
        (_bytes(m["body"]), {str(k): str(v) for k, v in (m.get("attributes") or {}).items()})
        for m in items
    ]


def _send(api: AdminApi, p: dict[str, str], body: Any, raw: bytes, q: dict[str, str]) -> Any:
    return {"ids": api.bindings.send_many(p["name"], _messages(body))}


def _publish(api: AdminApi, p: dict[str, str], body: Any, raw: bytes, q: dict[str, str]) -> Any:
    return {"ids": [api.bindings.publish(p["name"], b, a) for b, a in _messages(body)]}


def _emit(api: AdminApi, p: dict[str, str], body: Any, raw: bytes, q: dict[str, str]) -> Any:
    if not isinstance(body, dict) or "type" not in body:
        raise ValueError('give {"source": ..., "type": ..., "detail": ...}')
    src = str(body.get("source", "app"))
    return {"id": api.bindings.emit(p["name"], src, str(body["type"]), body.get("detail"))}


def _records(api: AdminApi, p: dict[str, str], body: Any, raw: bytes, q: dict[str, str]) -> Any:
    items = body.get("records", [body]) if isinstance(body, dict) else None
    if not isinstance(items, list) or not all(isinstance(r, dict) and "data" in r for r in items):
        raise ValueError('give {"data": ..., "partition_key": "..."} or {"records": [...]}')
    return {
        "ids": [
            api.bindings.stream_put(p["name"], _bytes(r["data"]), str(r.get("partition_key", "")))
            for r in items
        ]
    }


def _queue_info(api: AdminApi, p: dict[str, str], body: Any, raw: bytes, q: dict[str, str]) -> Any:
    api.bindings._known("queue", p["name"])
    channel = queue_channel(p["name"])
    store = api.bindings.store
    return {
        "count": store.count(channel),
        "messages": store.peek(channel),
        "dead": store.peek(f"dead:{channel}"),
    }


def _dead(api: AdminApi, p: dict[str, str], body: Any, raw: bytes, q: dict[str, str]) -> Any:
    fn = api.model.function(p["name"])
    return {"messages": api.bindings.store.peek(f"dead:{channel_of(fn)}")}


def _put_object(api: AdminApi, p: dict[str, str], body: Any, raw: bytes, q: dict[str, str]) -> Any:
    api.bindings.put_object(p["name"], p["key"], raw, q.get("content-type", ""))
    return {"bucket": p["name"], "key": p["key"], "size": len(raw)}


def _del_object(api: AdminApi, p: dict[str, str], body: Any, raw: bytes, q: dict[str, str]) -> Any:
    api.bindings.delete_object(p["name"], p["key"])
    return {"deleted": p["key"]}


def _list(api: AdminApi, p: dict[str, str], body: Any, raw: bytes, q: dict[str, str]) -> Any:
    return {"keys": api.bindings.list_objects(p["name"], q.get("prefix", ""))}


def _table(api: AdminApi, p: dict[str, str], body: Any, raw: bytes, q: dict[str, str]) -> Any:
    if q.get("method") == "GET":
        key = json.loads(q.get("key", "{}"))
        if not isinstance(key, dict):
            raise ValueError('give ?key= as a JSON object: {"id": "..."}')
        return {"item": api.bindings.table_get(p["name"], key)}
    if not isinstance(body, dict):
        raise ValueError("give the item (or key) as a JSON object")
    if q.get("method") == "DELETE":
        api.bindings.table_delete(p["name"], body)
    else:
        api.bindings.table_put(p["name"], body)
    return {"ok": True}


#: (collection, method, whether an object key follows the name) → handler.
ROUTES: dict[tuple[str, str, bool], Handler] = {
    ("queues", "POST", False): _send,
    ("queues", "GET", False): _queue_info,
    ("topics", "POST", False): _publish,
    ("buses", "POST", False): _emit,
    ("streams", "POST", False): _records,
    ("buckets", "PUT", True): _put_object,
    ("buckets", "DELETE", True): _del_object,
    ("buckets", "GET", False): _list,
    ("tables", "GET", False): _table,
    ("tables", "PUT", False): _table,
    ("tables", "DELETE", False): _table,
    ("dead", "GET", False): _dead,
}


def _route(method: str, parts: list[str]) -> tuple[Handler, dict[str, str]] | None:
    """The handler and its parameters for ``/admin/<collection>/<name>[/<key>...]``."""
    if len(parts) < 3 or parts[0] != "admin":
        return None
    handler = ROUTES.get((parts[1], method, len(parts) > 3))
    if handler is None:
        return None
    params = {"name": parts[2]}
    if len(parts) > 3:
        params["key"] = "/".join(parts[3:])
    return handler, params


class AdminApi:
    def __init__(
        self,
        model: AppModel,
        bindings: LocalBindings,
        keys: Keys,
        max_body: int = DEFAULT_MAX_BODY,
    ) -> None:
        self.model, self.bindings, self.keys, self.max_body = model, bindings, keys, max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = headers_of(scope)
        query = query_of(scope)
        if not self.keys.is_master(headers.get("x-functions-key") or query.get("code")):
            await send_json(
                send,
                401,
                {"error": "the admin API needs the master key (keys.json in the state folder)"},
            )
            return
        method = scope["method"]
        try:
            found = _route(method, split_raw(scope.get("raw_path") or scope["path"].encode()))
        except UnicodeDecodeError:
            found = None
        if found is None:
            await send_json(send, 404, {"error": f"no admin route {method} {scope['path']!r}"})
            return
        handler, params = found
        raw = await body_or_answer(headers, receive, send, self.max_body)
        if raw is None:
            return
        try:
            body = json.loads(raw) if handler is not _put_object and raw else None
            query = {**query, "method": method, "content-type": headers.get("content-type", "")}
            result = handler(self, params, body, raw, query)
        except FaasError as exc:
            status = _STATUS_OF_CODE.get(exc.codes[0], 400)
            await send_json(send, status, {"error": exc.render(), "codes": exc.codes})
            return
        except (ValueError, KeyError, RecursionError) as exc:
            reason = "JSON nested too deep" if isinstance(exc, RecursionError) else exc
            await send_json(send, 400, {"error": f"bad admin request: {reason}"})
            return
        await send_json(send, 200, result)
