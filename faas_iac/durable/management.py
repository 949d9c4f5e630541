"""The HTTP management API, compatible with Azure Durable Functions' (an ASGI app).

Routes under ``/runtime/webhooks/durabletask``:

* ``POST orchestrators/{name}[/{instanceId}]`` (body = input) → 202 + management links
* ``GET instances`` (``runtimeStatus``, ``createdTimeFrom``, ``createdTimeTo``, ``top``,
  ``instanceIdPrefix``) → the statuses
* ``GET instances/{id}`` (``showHistory``, ``showHistoryOutput``, ``showInput``) → 200 when
  Completed, 202 + ``Location`` while Pending/Running/Suspended, 400 when Failed/Terminated
* ``POST instances/{id}/raiseEvent/{event}``, ``.../terminate``, ``.../suspend``,
  ``.../resume``, ``.../rewind`` (``reason``) → 202; 404 unknown; 410 already finished (for
  rewind: not Failed)
* ``POST instances/{id}/restart`` (``restartWithNewInstanceId``, default true) → 202 + the
  management links of the instance started
* ``DELETE instances/{id}`` → 200 ``{"instancesDeleted": 1}`` (purge); ``DELETE instances``
  with ``runtimeStatus`` / ``createdTimeFrom`` / ``createdTimeTo`` / ``instanceIdPrefix`` (at
  least one) purges the finished instances that match
* ``POST entities/{name}/{key}?op=`` (body = input) → 202; ``GET entities/{name}/{key}``
* ``GET entities`` and ``GET entities/{name}`` (``fetchState``, ``lastOperationTimeFrom``,
  ``lastOperationTimeTo``, ``top``) → the entities that exist, as ``entityId``,
  ``lastOperationTime`` and (with ``fetchState=true``) ``state``

A body that is a JSON string holding JSON text (what azure-functions-durable's client sends)
is read as the value inside.

Every route needs the admin key (``?code=`` or ``x-functions-key``); the routes of one
instance also take that instance's own code, as given in its management links.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from ..errors import FaasError
from ..local.asgi import (
    DEFAULT_MAX_BODY,
    Receive,
    Scope,
    Send,
    body_or_answer,
    headers_of,
    query_of,
    send_json,
)
from ..local.paths import split_raw
from ..runtime.types import HttpRequest
from . import codec, errors
from .client import PREFIX, DurableClient, Signer, base_url_of, management_links
from .engine import Engine
from .entity_id import EntityId
from .messages import ControlAction
from .status import DurableOrchestrationStatus, history_events, parse_statuses

KeyCheck = Callable[[Mapping[str, str], Mapping[str, str]], bool]
#: the management API's instance action → the engine's control message
CONTROL: dict[str, ControlAction] = {
    "terminate": "Terminate",
    "suspend": "Suspend",
    "resume": "Resume",
}
_HTTP_OF_CODE = {
    "FIAC870": 400,
    "FIAC871": 409,
    "FIAC872": 404,
    "FIAC873": 410,
    "FIAC875": 400,
    "FIAC876": 409,
    "FIAC877": 400,
    "FIAC880": 410,
}
_STATUS_HTTP = {"Completed": 200, "Failed": 400, "Terminated": 400}
_PREFIX_PARTS = PREFIX.strip("/").split("/")
_PURGE_FILTERS = ("runtimeStatus", "createdTimeFrom", "createdTimeTo", "instanceIdPrefix")


class ManagementApp:
    def __init__(
        self,
        engine: Engine,
        client: DurableClient,
        signer: Signer,
        check_key: KeyCheck,
        max_body: int = DEFAULT_MAX_BODY,
    ) -> None:
        self._engine = engine
        self._client = client
        self._signer = signer
        self._check_key = check_key
        self._max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        headers = headers_of(scope)
        query = query_of(scope)
        try:
            parts = split_raw(scope.get("raw_path") or scope["path"].encode())
        except UnicodeDecodeError:
            await send_json(send, 404, {"message": "the path is not UTF-8 text"})
            return
        parts = parts[len(_PREFIX_PARTS) :]
        if parts == ["instances", ""]:  # azure-functions-durable's URL for the collection
            parts = ["instances"]
        instance_id = parts[1] if len(parts) >= 2 and parts[0] == "instances" else None
        if not self._authorised(headers, query, instance_id):
            await send_json(
                send, 401, {"message": "a valid admin key (?code= or x-functions-key) is needed"}
            )
            return
        body = await body_or_answer(headers, receive, send, self._max_body)
        if body is None:
            return
        try:
            status, payload, extra = await self._route(scope["method"], parts, headers, query, body)
        except FaasError as exc:
            diag = exc.diagnostics[0]
            status = _HTTP_OF_CODE.get(diag.code, 400)
            payload, extra = {"code": diag.code, "message": diag.message, "fix": diag.fix}, {}
        except ValueError as exc:  # a bad query value (top=, createdTimeFrom=...)
            status, payload, extra = 400, {"message": f"bad request: {exc}"}, {}
        data = b"" if payload is None else json.dumps(payload).encode()
        head = [(b"content-type", b"application/json")]
        head += [(k.lower().encode(), v.encode()) for k, v in extra.items()]
        await send({"type": "http.response.start", "status": status, "headers": head})
        await send({"type": "http.response.body", "body": data})

    def _authorised(
        self, headers: Mapping[str, str], query: Mapping[str, str], instance_id: str | None
    ) -> bool:
        if self._check_key(headers, query):
            return True
        code = query.get("code") or headers.get("x-functions-key") or ""
        return bool(instance_id and code and self._signer.check(instance_id, code))

    async def _route(
        self,
        method: str,
        parts: list[str],
        headers: dict[str, str],
        query: dict[str, str],
        body: bytes,
    ) -> tuple[int, Any, dict[str, str]]:
        instance_id = parts[1] if len(parts) >= 2 and parts[0] == "instances" else None
        try:
            data = _unwrap(json.loads(body)) if body.strip() else None
        except (ValueError, RecursionError) as exc:
            reason = "nested too deep" if isinstance(exc, RecursionError) else exc
            return 400, {"message": f"the request body is not JSON: {reason}"}, {}
        base = base_url_of_headers(headers, self._client.base_url)
        if parts[:1] == ["orchestrators"] and len(parts) in (2, 3) and method == "POST":
            fut = self._engine.start_new(
                parts[1], parts[2] if len(parts) == 3 else None, codec.dumps(data)
            )
            iid = await asyncio.wrap_future(fut)
            links = management_links(base, iid, self._signer.code(iid), self._client.hub)
            return 202, links, {"Location": links["statusQueryGetUri"]}
        if parts == ["instances"] and method == "GET":
            return 200, self._list(query), {}
        if parts == ["instances"] and method == "DELETE":
            return 200, {"instancesDeleted": await self._purge_many(query)}, {}
        if instance_id is not None and len(parts) == 2:
            if method == "GET":
                return self._status(instance_id, query, base)
            if method == "DELETE":
                deleted = await asyncio.wrap_future(self._engine.purge(instance_id))
                return (200, {"instancesDeleted": deleted}, {}) if deleted else (404, None, {})
        if instance_id is not None and method == "POST" and len(parts) >= 3:
            action = parts[2]
            if action == "raiseEvent" and len(parts) == 4:
                fut = self._engine.raise_event(instance_id, parts[3], codec.dumps(data))
            elif action in ("terminate", "suspend", "resume") and len(parts) == 3:
                fut = self._engine.control(CONTROL[action], instance_id, query.get("reason"))
            elif action == "rewind" and len(parts) == 3:
                fut = self._engine.rewind(instance_id, query.get("reason"))
            elif action == "restart" and len(parts) == 3:
                fresh = _flag(query.get("restartWithNewInstanceId"), True)
                iid = await asyncio.to_thread(self._client.restart, instance_id, fresh)
                links = management_links(base, iid, self._signer.code(iid), self._client.hub)
                return 202, links, {"Location": links["statusQueryGetUri"]}
            else:
                return 404, {"message": f"no route {'/'.join(parts)}"}, {}
            await asyncio.wrap_future(fut)
            return 202, None, {}
        if parts[:1] == ["entities"] and len(parts) in (1, 2) and method == "GET":
            found = await asyncio.to_thread(
                self._entities, parts[1] if len(parts) == 2 else None, query
            )
            return 200, found, {}
        if parts[:1] == ["entities"] and len(parts) == 3:
            entity = EntityId(parts[1], parts[2])
            if method == "POST":
                fut = self._engine.signal(str(entity), query.get("op", ""), codec.dumps(data))
                await asyncio.wrap_future(fut)
                return 202, None, {}
            if method == "GET":
                state, exists = self._engine.store.entity(str(entity))
                return (200, codec.plain(state), {}) if exists else (404, None, {})
        return 404, {"message": f"no route {method} {'/'.join(parts)}"}, {}

    def _status(
        self, instance_id: str, query: dict[str, str], base: str
    ) -> tuple[int, Any, dict[str, str]]:
        row = self._engine.store.instance(instance_id)
        if row is None:
            return 404, None, {}
        history = None
        if _flag(query.get("showHistory")):
            events = self._engine.store.history(instance_id)
            history = history_events(events, _flag(query.get("showHistoryOutput")))
        payload = DurableOrchestrationStatus.from_row(row, history, typed=False).to_json()
        if not _flag(query.get("showInput"), True):
            payload["input"] = None
        code = _STATUS_HTTP.get(row.status, 202)
        extra: dict[str, str] = {}
        if code == 202:
            extra["Location"] = management_links(
                base, instance_id, self._signer.code(instance_id), self._client.hub
            )["statusQueryGetUri"]
            extra["Retry-After"] = "1"
        return code, payload, extra

    async def _purge_many(self, query: dict[str, str]) -> int:
        """Purge every finished instance that matches the filters (DELETE instances). At least
        one filter is needed, as on Azure: a request that names nothing purges nothing."""
        if not any(query.get(f) for f in _PURGE_FILTERS):
            raise errors.unfiltered_purge(_PURGE_FILTERS)
        wanted = _statuses(query)
        rows = self._engine.store.purgeable(
            wanted or None,
            _time(query.get("createdTimeFrom")),
            _time(query.get("createdTimeTo")),
            query.get("instanceIdPrefix", ""),
        )
        futures = [asyncio.wrap_future(self._engine.purge(r.id)) for r in rows]
        return sum(await asyncio.gather(*futures))

    def _entities(self, name: str | None, query: dict[str, str]) -> list[dict[str, Any]]:
        fetch = _flag(query.get("fetchState"))
        top = query.get("top")
        found = self._client.list_entities(
            name,
            _moment(query.get("lastOperationTimeFrom")),
            _moment(query.get("lastOperationTimeTo")),
            fetch,
            int(top) if top else None,
        )
        return [record.to_json(fetch) for record in found]

    def _list(self, query: dict[str, str]) -> list[dict[str, Any]]:
        rows = self._engine.store.query(
            _statuses(query),
            _time(query.get("createdTimeFrom")),
            _time(query.get("createdTimeTo")),
            query.get("instanceIdPrefix", ""),
            int(query.get("top", "1000")),
        )
        return [DurableOrchestrationStatus.from_row(r, typed=False).to_json() for r in rows]


def _statuses(query: Mapping[str, str]) -> list[str]:
    """``runtimeStatus`` (comma-separated, any case) as stored names; [] when absent."""
    given = query.get("runtimeStatus")
    return [s.value for s in parse_statuses([given])] if given else []


def base_url_of_headers(headers: Mapping[str, str], default: str) -> str:
    """The host's base URL as the caller reached it (``host`` header), for Location links."""
    return base_url_of(HttpRequest("GET", "/", headers=dict(headers)), default)


def _unwrap(data: Any) -> Any:
    """azure-functions-durable's client posts inputs JSON-encoded twice (a JSON string holding
    the JSON text); such a body is read as the value inside, as the extension does."""
    if isinstance(data, str):
        try:
            return json.loads(data)
        except ValueError:
            return data
    return data


def _flag(value: str | None, default: bool = False) -> bool:
    return default if value is None else value.lower() in ("1", "true", "yes")


def _moment(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _time(value: str | None) -> float | None:
    moment = _moment(value)
    return None if moment is None else moment.timestamp()
