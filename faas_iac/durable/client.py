"""Durable clients: the in-process one the host binds into functions (``ctx.durable``), and
one over the HTTP management API for use from anywhere else (scripts, the CLI, tests).

Both have the method names of azure-functions-durable's ``DurableOrchestrationClient``
(``start_new``, ``get_status``, ``raise_event``, ``terminate``...), called synchronously.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..runtime.types import HttpRequest, HttpResponse
from . import codec, errors
from .entity_id import EntityId
from .status import DurableOrchestrationStatus, OrchestrationRuntimeStatus, history_events

if TYPE_CHECKING:
    from .engine import Engine

PREFIX = "/runtime/webhooks/durabletask"
# ``version``, ``task_hub_name`` and ``connection_name`` are accepted as azure-functions-durable
# accepts them (same signatures); a local host has one task hub and one version.
TERMINAL = ("Completed", "Failed", "Terminated")


@dataclass(frozen=True)
class PurgeHistoryResult:
    instances_deleted: int


@dataclass(frozen=True)
class EntityStateResponse:
    entity_exists: bool
    entity_state: Any = None


class Signer:
    """Per-instance codes for management links: a link opens that one instance, not all."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def code(self, instance_id: str) -> str:
        mac = hmac.new(self._secret, instance_id.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac[:24]).decode()

    def check(self, instance_id: str, code: str) -> bool:
        return hmac.compare_digest(self.code(instance_id), code)


def management_links(base_url: str, instance_id: str, code: str, hub: str) -> dict[str, str]:
    """The payload of ``create_check_status_response``, with Azure's keys."""
    base = f"{base_url.rstrip('/')}{PREFIX}/instances/{urllib.parse.quote(instance_id, safe='')}"
    query = f"taskHub={hub}&connection=Storage&code={urllib.parse.quote(code, safe='')}"
    return {
        "id": instance_id,
        "statusQueryGetUri": f"{base}?{query}",
        "sendEventPostUri": f"{base}/raiseEvent/{{eventName}}?{query}",
        "terminatePostUri": f"{base}/terminate?reason={{text}}&{query}",
        "rewindPostUri": f"{base}/rewind?reason={{text}}&{query}",
        "purgeHistoryDeleteUri": f"{base}?{query}",
        "restartPostUri": f"{base}/restart?{query}",
        "suspendPostUri": f"{base}/suspend?reason={{text}}&{query}",
        "resumePostUri": f"{base}/resume?reason={{text}}&{query}",
    }


def base_url_of(request: HttpRequest | None, default: str) -> str:
    if request is None:
        return default
    host = request.header("host")
    if not host:
        return default
    scheme = request.header("x-forwarded-proto") or "http"
    return f"{scheme}://{host}"


class _Responses:
    """What both clients share: the check-status responses built from management links."""

    base_url: str
    hub: str

    def _code(self, instance_id: str) -> str:
        raise NotImplementedError  # pragma: no cover - both subclasses define it

    def get_status(
        self,
        instance_id: str,
        show_history: bool = False,
        show_history_output: bool = False,
        show_input: bool = True,
    ) -> DurableOrchestrationStatus | None:
        raise NotImplementedError  # pragma: no cover - both subclasses define it

    def create_http_management_payload(self, instance_id: str) -> dict[str, str]:
        return management_links(self.base_url, instance_id, self._code(instance_id), self.hub)

    def create_check_status_response(
        self, request: HttpRequest | None, instance_id: str
    ) -> HttpResponse:
        """202 Accepted, ``Location`` = the status URL, body = the management links."""
        links = management_links(
            base_url_of(request, self.base_url), instance_id, self._code(instance_id), self.hub
        )
        return HttpResponse.json(
            links, 202, {"Location": links["statusQueryGetUri"], "Retry-After": "1"}
        )

    def wait_for_completion_or_create_check_status_response(
        self,
        request: HttpRequest | None,
        instance_id: str,
        timeout_in_milliseconds: int = 10000,
        retry_interval_in_milliseconds: int = 1000,
    ) -> HttpResponse:
        status = self.wait_for_completion(instance_id, timeout_in_milliseconds / 1000)
        if status is not None and status.runtime_status.value in TERMINAL:
            if status.runtime_status is OrchestrationRuntimeStatus.Completed:
                return HttpResponse.json(codec.plain(codec.dumps(status.output)), 200)
            code = 500 if status.runtime_status is OrchestrationRuntimeStatus.Failed else 200
            return HttpResponse.json(status.to_json(), code)
        return self.create_check_status_response(request, instance_id)

    def wait_for_completion(
        self, instance_id: str, timeout: float | None = None
    ) -> DurableOrchestrationStatus | None:
        deadline = None if timeout is None else time.monotonic() + timeout
        delay = 0.01
        while True:
            status = self.get_status(instance_id)
            if status is None or status.runtime_status.value in TERMINAL:
                return status
            if deadline is not None and time.monotonic() >= deadline:
                return status
            time.sleep(delay)
            delay = min(delay * 2, 0.25)


class DurableClient(_Responses):
    """The client inside the host, talking to the engine directly (thread-safe)."""

    def __init__(self, engine: Engine, signer: Signer, base_url: str, hub: str) -> None:
        self._engine = engine
        self._signer = signer
        self.base_url = base_url
        self.hub = hub

    def _code(self, instance_id: str) -> str:
        return self._signer.code(instance_id)

    def start_new(
        self,
        orchestration_function_name: str,
        instance_id: str | None = None,
        client_input: Any = None,
        version: str | None = None,
    ) -> str:
        """Start an instance; an ``instance_id`` that is still running is refused (FIAC871)."""
        fut = self._engine.start_new(
            orchestration_function_name, instance_id, codec.dumps(client_input)
        )
        return str(fut.result())

    def get_status(
        self,
        instance_id: str,
        show_history: bool = False,
        show_history_output: bool = False,
        show_input: bool = True,
    ) -> DurableOrchestrationStatus | None:
        row = self._engine.store.instance(instance_id)
        if row is None:
            return None
        history = None
        if show_history:
            history = history_events(self._engine.store.history(instance_id), show_history_output)
        return DurableOrchestrationStatus.from_row(row, history)

    def get_status_all(self) -> list[DurableOrchestrationStatus]:
        return self.get_status_by()

    def get_status_by(
        self,
        created_time_from: datetime | None = None,
        created_time_to: datetime | None = None,
        runtime_status: list[OrchestrationRuntimeStatus] | None = None,
        instance_id_prefix: str | None = None,
    ) -> list[DurableOrchestrationStatus]:
        rows = self._engine.store.query(
            [s.value for s in runtime_status or []],
            created_time_from.timestamp() if created_time_from else None,
            created_time_to.timestamp() if created_time_to else None,
            instance_id_prefix or "",
        )
        return [DurableOrchestrationStatus.from_row(r) for r in rows]

    def raise_event(
        self,
        instance_id: str,
        event_name: str,
        event_data: Any = None,
        task_hub_name: str | None = None,
        connection_name: str | None = None,
    ) -> None:
        self._engine.post("event", instance_id, event_name, codec.dumps(event_data)).result()

    def terminate(self, instance_id: str, reason: str | None = None) -> None:
        self._engine.post("control", "Terminate", instance_id, reason).result()

    def suspend(self, instance_id: str, reason: str | None = None) -> None:
        self._engine.post("control", "Suspend", instance_id, reason).result()

    def resume(self, instance_id: str, reason: str | None = None) -> None:
        self._engine.post("control", "Resume", instance_id, reason).result()

    def purge_instance_history(self, instance_id: str) -> PurgeHistoryResult:
        return PurgeHistoryResult(int(self._engine.post("purge", instance_id).result()))

    purge = purge_instance_history

    def purge_instance_history_by(
        self,
        created_time_from: datetime | None = None,
        created_time_to: datetime | None = None,
        runtime_status: list[OrchestrationRuntimeStatus] | None = None,
    ) -> PurgeHistoryResult:
        """Purge every finished instance matching the filters."""
        finished = [s for s in TERMINAL if not runtime_status or
                    OrchestrationRuntimeStatus(s) in runtime_status]  # fmt: skip
        rows = self._engine.store.query(
            finished,
            created_time_from.timestamp() if created_time_from else None,
            created_time_to.timestamp() if created_time_to else None,
            limit=1_000_000,
        )
        futures = [self._engine.post("purge", row.id) for row in rows]
        return PurgeHistoryResult(sum(int(f.result()) for f in futures))

    def wait_for_completion(
        self, instance_id: str, timeout: float | None = None
    ) -> DurableOrchestrationStatus | None:
        """Block until the instance is Completed, Failed or Terminated (or ``timeout`` s)."""
        fut = self._engine.post("wait", instance_id)
        with contextlib.suppress(TimeoutError):
            fut.result(timeout)
        return self.get_status(instance_id)

    def signal_entity(
        self,
        entityId: EntityId,
        operation_name: str,
        operation_input: Any = None,
        task_hub_name: str | None = None,
        connection_name: str | None = None,
    ) -> None:
        self._engine.post(
            "signal", str(entityId), operation_name, codec.dumps(operation_input), None
        ).result()

    def read_entity_state(
        self,
        entityId: EntityId,
        task_hub_name: str | None = None,
        connection_name: str | None = None,
    ) -> EntityStateResponse:
        state, exists = self._engine.store.entity(str(entityId))
        return EntityStateResponse(exists, codec.loads(state) if exists else None)


class HttpDurableClient(_Responses):
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
        if status == 404:
            raise errors.not_found(instance_id)
        if status == 410:
            raise errors.not_running(instance_id, "finished", "change")
        if status == 409:
            raise errors.already_running(instance_id, "running")
        if status >= 400:
            message = body.get("message") if isinstance(body, dict) else body
            raise RuntimeError(f"the durable host answered {status}: {message}")

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
        if status == 400 and isinstance(body, dict):
            raise errors.unknown_orchestrator(orchestration_function_name, [])
        self._raise(status, body, instance_id or "")
        return str(body["id"])

    def get_status(
        self,
        instance_id: str,
        show_history: bool = False,
        show_history_output: bool = False,
        show_input: bool = True,
    ) -> DurableOrchestrationStatus | None:
        query = {
            "showHistory": str(show_history).lower(),
            "showHistoryOutput": str(show_history_output).lower(),
            "showInput": str(show_input).lower(),
        }
        status, body, _ = self._request("GET", _inst(instance_id), query=query)
        if status == 404:
            return None
        return DurableOrchestrationStatus.from_json(body)

    def get_status_all(self) -> list[DurableOrchestrationStatus]:
        return self.get_status_by()

    def get_status_by(
        self,
        created_time_from: datetime | None = None,
        created_time_to: datetime | None = None,
        runtime_status: list[OrchestrationRuntimeStatus] | None = None,
        instance_id_prefix: str | None = None,
    ) -> list[DurableOrchestrationStatus]:
        query: dict[str, str] = {}
        if runtime_status:
            query["runtimeStatus"] = ",".join(s.value for s in runtime_status)
        if created_time_from is not None:
            query["createdTimeFrom"] = created_time_from.isoformat()
        if created_time_to is not None:
            query["createdTimeTo"] = created_time_to.isoformat()
        if instance_id_prefix:
            query["instanceIdPrefix"] = instance_id_prefix
        status, body, _ = self._request("GET", "/instances", query=query)
        self._raise(status, body, "")
        return [DurableOrchestrationStatus.from_json(item) for item in body]

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

    def terminate(self, instance_id: str, reason: str | None = None) -> None:
        self._control("terminate", instance_id, reason)

    def suspend(self, instance_id: str, reason: str | None = None) -> None:
        self._control("suspend", instance_id, reason)

    def resume(self, instance_id: str, reason: str | None = None) -> None:
        self._control("resume", instance_id, reason)

    def purge_instance_history(self, instance_id: str) -> PurgeHistoryResult:
        status, body, _ = self._request("DELETE", _inst(instance_id))
        if status == 404:
            return PurgeHistoryResult(0)
        self._raise(status, body, instance_id)
        return PurgeHistoryResult(int(body.get("instancesDeleted", 0)))

    purge = purge_instance_history

    def purge_instance_history_by(
        self,
        created_time_from: datetime | None = None,
        created_time_to: datetime | None = None,
        runtime_status: list[OrchestrationRuntimeStatus] | None = None,
    ) -> PurgeHistoryResult:
        """Purge every finished instance matching the filters."""
        query: dict[str, str] = {}
        if runtime_status:
            query["runtimeStatus"] = ",".join(s.value for s in runtime_status)
        if created_time_from is not None:
            query["createdTimeFrom"] = created_time_from.isoformat()
        if created_time_to is not None:
            query["createdTimeTo"] = created_time_to.isoformat()
        status, body, _ = self._request("DELETE", "/instances", query=query)
        self._raise(status, body, "")
        return PurgeHistoryResult(int(body.get("instancesDeleted", 0)))

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
    return f"/instances/{urllib.parse.quote(instance_id, safe='')}"


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw or b"null")
    except ValueError:
        return raw.decode("utf-8", "replace")
