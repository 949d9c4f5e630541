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
from .dual import dual
from .entity_id import EntityId
from .links import PREFIX, ClientBase, EntityRecord, EntityStateResponse, PurgeHistoryResult
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

    @dual
    def start_new(
        self,
        orchestration_function_name: str,
        instance_id: str | None = None,
        client_input: Any = None,
        version: str | None = None,
    ) -> str:
        path = f"/orchestrators/{urllib.parse.quote(orchestration_function_name)}"
        if instance_id:
            path += f"/{urllib.parse.quote(instance_id, safe='')}"
        status, body, _ = self._request("POST", path, codec.plain(codec.dumps(client_input)))
        # The host's own FIAC870 names the orchestrators it knows: _raise passes it on.
        if status == 400 and isinstance(body, dict) and str(body.get("code")) not in CODES:
            raise errors.unknown_orchestrator(orchestration_function_name, [])
        self._raise(status, body, instance_id or "")
        return str(body["id"])

    @dual
    def get_status(
        self,
        instance_id: str,
        show_history: bool = False,
        show_history_output: bool = False,
        show_input: bool = False,
    ) -> DurableOrchestrationStatus | None:
        query = {
            "showHistory": str(show_history).lower(),
            "showHistoryOutput": str(show_history_output).lower(),
            "showInput": str(show_input).lower(),
        }
        if not instance_id:
            return None
        status, body, _ = self._request("GET", _inst(instance_id), query=query)
        if status == 404:
            return None
        return DurableOrchestrationStatus.from_json(body)

    @dual
    def get_status_all(self) -> list[DurableOrchestrationStatus]:
        return self.get_status_by()

    @dual
    def get_status_by(
        self,
        created_time_from: datetime | None = None,
        created_time_to: datetime | None = None,
        runtime_status: list[OrchestrationRuntimeStatus] | None = None,
        instance_id_prefix: str | None = None,
    ) -> list[DurableOrchestrationStatus]:
        query = _filters(created_time_from, created_time_to, runtime_status, instance_id_prefix)
        status, body, _ = self._request("GET", "/instances", query=query)
        self._raise(status, body, "")
        return [DurableOrchestrationStatus.from_json(item) for item in body]

    @dual
    def raise_event(
        self,
        instance_id: str,
        event_name: str,
        event_data: Any = None,
        task_hub_name: str | None = None,
        connection_name: str | None = None,
    ) -> None:
        path = f"{_inst(instance_id)}/raiseEvent/{urllib.parse.quote(event_name)}"
        status, body, _ = self._request("POST", path, codec.plain(codec.dumps(event_data)))
        self._raise(status, body, instance_id)

    def _control(self, action: str, instance_id: str, reason: str | None) -> None:
        status, body, _ = self._request(
            "POST", f"{_inst(instance_id)}/{action}", query={"reason": reason or ""}
        )
        self._raise(status, body, instance_id)

    @dual
    def rewind(
        self,
        instance_id: str,
        reason: str | None = None,
        task_hub_name: str | None = None,
        connection_name: str | None = None,
    ) -> None:
        self._control("rewind", instance_id, reason)

    @dual
    def restart(self, instance_id: str, restart_with_new_instance_id: bool = True) -> str:
        query = {"restartWithNewInstanceId": str(restart_with_new_instance_id).lower()}
        status, body, _ = self._request("POST", f"{_inst(instance_id)}/restart", query=query)
        self._raise(status, body, instance_id)
        return str(body["id"])

    @dual
    def list_entities(
        self,
        entity_name: str | None = None,
        last_operation_time_from: datetime | None = None,
        last_operation_time_to: datetime | None = None,
        fetch_state: bool = False,
        top: int | None = None,
    ) -> list[EntityRecord]:
        query = {"fetchState": str(fetch_state).lower()}
        if last_operation_time_from is not None:
            query["lastOperationTimeFrom"] = last_operation_time_from.isoformat()
        if last_operation_time_to is not None:
            query["lastOperationTimeTo"] = last_operation_time_to.isoformat()
        if top is not None:
            query["top"] = str(top)
        path = "/entities" + (f"/{urllib.parse.quote(entity_name)}" if entity_name else "")
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

    @dual
    def terminate(self, instance_id: str, reason: str | None = None) -> None:
        self._control("terminate", instance_id, reason)

    @dual
    def suspend(self, instance_id: str, reason: str | None = None) -> None:
        self._control("suspend", instance_id, reason)

    @dual
    def resume(self, instance_id: str, reason: str | None = None) -> None:
        self._control("resume", instance_id, reason)

    @dual
    def purge_instance_history(self, instance_id: str) -> PurgeHistoryResult:
        if not instance_id:
            return PurgeHistoryResult(0)
        status, body, _ = self._request("DELETE", _inst(instance_id))
        if status == 404:
            return PurgeHistoryResult(0)
        self._raise(status, body, instance_id)
        return PurgeHistoryResult(int(body.get("instancesDeleted", 0)))

    purge = purge_instance_history

    @dual
    def purge_instance_history_by(
        self,
        created_time_from: datetime | None = None,
        created_time_to: datetime | None = None,
        runtime_status: list[OrchestrationRuntimeStatus] | None = None,
    ) -> PurgeHistoryResult:
        """Purge every finished instance matching the filters."""
        query = _filters(created_time_from, created_time_to, runtime_status, None)
        status, body, _ = self._request("DELETE", "/instances", query=query)
        self._raise(status, body, "")
        return PurgeHistoryResult(int(body.get("instancesDeleted", 0)))

    @dual
    def signal_entity(
        self,
        entityId: EntityId,
        operation_name: str,
        operation_input: Any = None,
        task_hub_name: str | None = None,
        connection_name: str | None = None,
    ) -> None:
        path = f"/entities/{urllib.parse.quote(entityId.name)}/{urllib.parse.quote(entityId.key)}"
        status, body, _ = self._request(
            "POST", path, codec.plain(codec.dumps(operation_input)), {"op": operation_name}
        )
        self._raise(status, body, str(entityId))

    @dual
    def read_entity_state(
        self,
        entityId: EntityId,
        task_hub_name: str | None = None,
        connection_name: str | None = None,
    ) -> EntityStateResponse:
        path = f"/entities/{urllib.parse.quote(entityId.name)}/{urllib.parse.quote(entityId.key)}"
        status, body, _ = self._request("GET", path)
        if status == 404:
            return EntityStateResponse(False)
        return EntityStateResponse(True, body)


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
