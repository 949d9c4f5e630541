"""What both durable clients share: management links (with per-instance codes) and the small
result types (the clients' methods are in :mod:`.client_base`)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import urllib.parse
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..local.keys import same_secret
from ..runtime.types import HttpRequest
from .entity_id import EntityId

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
