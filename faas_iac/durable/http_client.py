"""The durable client over the HTTP management API of a running host (admin key needed):
for scripts, the CLI and tests, anywhere outside the host."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime
from typing import Any

from ..errors import CODES, FaasError
from ..local.paths import segment
from . import codec, errors
from .client_base import Action, ClientBase
from .entity_id import EntityId
from .links import PREFIX, EntityRecord, EntityStateResponse
from .status import DurableOrchestrationStatus, OrchestrationRuntimeStatus


def _filters(
    created_time_from: datetime | None,
    created_time_to: datetime | None,
    runtime_status: list[OrchestrationRuntimeStatus] | None,
    instance_id_prefix: str | None,
) -> dict[str, str]:
    """Instance filters as the management API's query parameters."""
    query: dict[str, str] = {}
    if runtime_status:
        query["runtimeStatus"] = ",".join(s.value for s in runtime_status)
    if created_time_from is not None:
        query["createdTimeFrom"] = created_time_from.isoformat()
    if created_time_to is not None:
        query["createdTimeTo"] = created_time_to.isoformat()
    if instance_id_prefix:
        query["instanceIdPrefix"] = instance_id_prefix
    return query


class HttpDurableClient(ClientBase):
    """The same client over the HTTP management API of a running host (admin key needed)."""

    def __init__(
        self, base_url: str = "http://127.0.0.1:7071", key: str = "", hub: str = "faas"
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.key = key
        self.hub = hub

    def _code(self, instance_id: str) -> str:
        return self.key

    def _request(
        self, method: str, path: str, body: Any = None, query: dict[str, str] | None = None
    ) -> tuple[int, Any, dict[str, str]]:
        params = dict(query or {})
        url = f"{self.base_url}{PREFIX}{path}"
        if params:
            url += "?" + urllib.parse.urlencode(params)
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(url, data=data, method=method)
        req.add_header("x-functions-key", self.key)
        req.add_header("content-type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return resp.status, _json(resp.read()), dict(resp.headers)
        except urllib.error.HTTPError as exc:
            return exc.code, _json(exc.read()), dict(exc.headers)
        except OSError as exc:
            raise errors.unreachable(self.base_url, str(exc)) from None

    @staticmethod
    def _raise(status: int, body: Any, instance_id: str) -> None:
        """The host's coded error as it sent it (what, why, fix), else one by status."""
        if status < 400:
            return
        if isinstance(body, dict) and str(body.get("code")) in CODES:
            raise FaasError.one(
                str(body["code"]), str(body.get("message", "")), fix=str(body.get("fix", ""))
            )
        if status == 404:
            raise errors.not_found(instance_id)
        message = body.get("message") if isinstance(body, dict) else body
        raise RuntimeError(f"the durable host answered {status}: {message}")

    def _start(self, name: str, instance_id: str | None, data: Any, version: str | None) -> str:
        path = f"/orchestrators/{urllib.parse.quote(name)}"
        if instance_id:
            path += f"/{urllib.parse.quote(instance_id, safe='')}"
        status, body, _ = self._request("POST", path, codec.plain(codec.dumps(data)))
        # The host's own FIAC870 names the orchestrators it knows: _raise passes it on.
        if status == 400 and isinstance(body, dict) and str(body.get("code")) not in CODES:
            raise errors.unknown_orchestrator(name, [])
        self._raise(status, body, instance_id or "")
        return str(body["id"])

    def _status(
        self, instance_id: str, history: bool, history_output: bool, show_input: bool
    ) -> DurableOrchestrationStatus | None:
        if not instance_id:
            return None
        query = {
            "showHistory": str(history).lower(),
            "showHistoryOutput": str(history_output).lower(),
            "showInput": str(show_input).lower(),
        }
        status, body, _ = self._request("GET", _inst(instance_id), query=query)
        if status == 404:
            return None
        return DurableOrchestrationStatus.from_json(body)

    def _query(
        self,
        created_from: datetime | None,
        created_to: datetime | None,
        statuses: list[OrchestrationRuntimeStatus] | None,
        id_prefix: str | None,
    ) -> list[DurableOrchestrationStatus]:
        query = _filters(created_from, created_to, statuses, id_prefix)
        status, body, _ = self._request("GET", "/instances", query=query)
        self._raise(status, body, "")
        return [DurableOrchestrationStatus.from_json(item) for item in body]

    def _raise_event(self, instance_id: str, name: str, data: Any) -> None:
        path = f"{_inst(instance_id)}/raiseEvent/{urllib.parse.quote(name)}"
        status, body, _ = self._request("POST", path, codec.plain(codec.dumps(data)))
        self._raise(status, body, instance_id)

    def _control(self, action: Action, instance_id: str, reason: str | None) -> None:
        status, body, _ = self._request(
            "POST", f"{_inst(instance_id)}/{action}", query={"reason": reason or ""}
        )
        self._raise(status, body, instance_id)

    def _restart(self, instance_id: str, new_id: bool) -> str:
        query = {"restartWithNewInstanceId": str(new_id).lower()}
        status, body, _ = self._request("POST", f"{_inst(instance_id)}/restart", query=query)
        self._raise(status, body, instance_id)
        return str(body["id"])

    def _purge(self, instance_id: str) -> int:
        if not instance_id:
            return 0
        status, body, _ = self._request("DELETE", _inst(instance_id))
        if status == 404:
            return 0
        self._raise(status, body, instance_id)
        return int(body.get("instancesDeleted", 0))

    def _purge_by(
        self,
        created_from: datetime | None,
        created_to: datetime | None,
        statuses: list[OrchestrationRuntimeStatus] | None,
    ) -> int:
        query = _filters(created_from, created_to, statuses, None)
        status, body, _ = self._request("DELETE", "/instances", query=query)
        self._raise(status, body, "")
        return int(body.get("instancesDeleted", 0))

    def _signal(self, entity: EntityId, operation: str, data: Any) -> None:
        status, body, _ = self._request(
            "POST", _entity(entity), codec.plain(codec.dumps(data)), {"op": operation}
        )
        self._raise(status, body, str(entity))

    def _entity_state(self, entity: EntityId) -> EntityStateResponse:
        status, body, _ = self._request("GET", _entity(entity))
        if status == 404:
            return EntityStateResponse(False)
        return EntityStateResponse(True, body)

    def _entities(
        self,
        name: str | None,
        changed_from: datetime | None,
        changed_to: datetime | None,
        fetch_state: bool,
        top: int | None,
    ) -> list[EntityRecord]:
        query = {"fetchState": str(fetch_state).lower()}
        if changed_from is not None:
            query["lastOperationTimeFrom"] = changed_from.isoformat()
        if changed_to is not None:
            query["lastOperationTimeTo"] = changed_to.isoformat()
        if top is not None:
            query["top"] = str(top)
        path = "/entities" + (f"/{urllib.parse.quote(name)}" if name else "")
        status, body, _ = self._request("GET", path, query=query)
        self._raise(status, body, "")
        return [
            EntityRecord(
                EntityId(item["entityId"]["name"], item["entityId"]["key"]),
                datetime.fromisoformat(item["lastOperationTime"].replace("Z", "+00:00")),
                item.get("state"),
            )
            for item in body
        ]


def _entity(entity: EntityId) -> str:
    return f"/entities/{urllib.parse.quote(entity.name)}/{urllib.parse.quote(entity.key)}"


def _inst(instance_id: str) -> str:
    """The path of one instance; an empty id names none (``instances/`` is the collection)."""
    if not instance_id:
        raise errors.not_found(instance_id)
    return f"/instances/{segment(instance_id)}"


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw or b"null")
    except ValueError:
        return raw.decode("utf-8", "replace")
