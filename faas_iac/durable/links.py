"""What both durable clients share: management links (with per-instance codes), the
check-status responses built from them, and the small result types."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
import urllib.parse
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..local.keys import same_secret
from ..runtime.types import HttpRequest, HttpResponse
from . import codec
from .dual import dual
from .entity_id import EntityId
from .status import DurableOrchestrationStatus, OrchestrationRuntimeStatus

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


@dataclass(frozen=True)
class EntityRecord:
    """One entity in a listing: its id, when an operation last changed it and, when asked for,
    its state (the management API's ``entityId``, ``lastOperationTime`` and ``state``)."""

    entity_id: EntityId
    last_operation_time: datetime
    state: Any = None

    def to_json(self, with_state: bool) -> dict[str, Any]:
        out: dict[str, Any] = {
            "entityId": {"name": self.entity_id.name, "key": self.entity_id.key},
            "lastOperationTime": self.last_operation_time.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        }
        if with_state:
            out["state"] = self.state
        return out


class Signer:
    """Per-instance codes for management links: a link opens that one instance, not all."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def code(self, instance_id: str) -> str:
        mac = hmac.new(self._secret, instance_id.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac[:24]).decode()

    def check(self, instance_id: str, code: str) -> bool:
        return same_secret(code, self.code(instance_id))


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


class ClientBase(ABC):
    """What both clients share: the check-status responses built from management links."""

    base_url: str
    hub: str

    @abstractmethod
    def _code(self, instance_id: str) -> str:
        """The code that opens this one instance's management links."""

    @abstractmethod
    def get_status(
        self,
        instance_id: str,
        show_history: bool = False,
        show_history_output: bool = False,
        show_input: bool = False,
    ) -> DurableOrchestrationStatus | None:
        """The instance's status, or None if there is no such instance."""

    def create_http_management_payload(self, instance_id: str) -> dict[str, str]:
        return management_links(self.base_url, instance_id, self._code(instance_id), self.hub)

    def get_client_response_links(
        self, request: HttpRequest | None, instance_id: str
    ) -> dict[str, str]:
        """The management links of one instance, on the host the request came to."""
        return management_links(
            base_url_of(request, self.base_url), instance_id, self._code(instance_id), self.hub
        )

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

    @dual
    def wait_for_completion_or_create_check_status_response(
        self,
        request: HttpRequest | None,
        instance_id: str,
        timeout_in_milliseconds: int = 10000,
        retry_interval_in_milliseconds: int = 1000,
    ) -> HttpResponse:
        """200 with the output once Completed, 200 with the status once Terminated, 500 with
        it once Failed; after ``timeout_in_milliseconds`` still running, the 202 of
        :meth:`create_check_status_response` (Azure's answers)."""
        if retry_interval_in_milliseconds > timeout_in_milliseconds:
            raise ValueError(
                f"Total timeout {timeout_in_milliseconds} (ms) should be bigger than retry "
                f"timeout {retry_interval_in_milliseconds} (ms)"
            )
        status = self._wait(instance_id, timeout_in_milliseconds / 1000)
        if status is not None and status.runtime_status.value in TERMINAL:
            if status.runtime_status is OrchestrationRuntimeStatus.Completed:
                return HttpResponse.json(codec.plain(codec.dumps(status.output)), 200)
            code = 500 if status.runtime_status is OrchestrationRuntimeStatus.Failed else 200
            return HttpResponse.json(status.to_json(), code)
        return self.create_check_status_response(request, instance_id)

    @dual
    def wait_for_completion(
        self, instance_id: str, timeout: float | None = None
    ) -> DurableOrchestrationStatus | None:
        """The status once Completed, Failed or Terminated, or after ``timeout`` s."""
        return self._wait(instance_id, timeout)

    def _wait(self, instance_id: str, timeout: float | None) -> DurableOrchestrationStatus | None:
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
