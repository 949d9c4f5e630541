"""Durable clients: the in-process one the host binds into functions (``ctx.durable``), and
(:mod:`faas_iac.durable.http_client`) one over the HTTP management API for use from anywhere
else (scripts, the CLI, tests).

Both have the method names and parameters of azure-functions-durable's
``DurableOrchestrationClient`` (:mod:`.client_base`, once for both): awaited in an ``async def``
handler, called plainly from a ``def`` handler (:mod:`.dual`). Each provides the primitives.
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from . import codec, errors
from .client_base import Action, ClientBase
from .entity_id import EntityId
from .http_client import HttpDurableClient
from .links import (
    PREFIX,
    EntityRecord,
    EntityStateResponse,
    PurgeHistoryResult,
    Signer,
    base_url_of,
    management_links,
)
from .status import DurableOrchestrationStatus, OrchestrationRuntimeStatus, history_events

if TYPE_CHECKING:
    from .engine import Engine
    from .messages import ControlAction

__all__ = [
    "PREFIX",
    "DurableClient",
    "EntityRecord",
    "EntityStateResponse",
    "HttpDurableClient",
    "PurgeHistoryResult",
    "Signer",
    "base_url_of",
    "management_links",
]


_VERBS: dict[str, ControlAction] = {
    "terminate": "Terminate",
    "suspend": "Suspend",
    "resume": "Resume",
}


class DurableClient(ClientBase):
    """The client inside the host, talking to the engine directly (thread-safe)."""

    def __init__(self, engine: Engine, signer: Signer, base_url: str, hub: str) -> None:
        self._engine = engine
        self._signer = signer
        self.base_url = base_url
        self.hub = hub

    def _code(self, instance_id: str) -> str:
        return self._signer.code(instance_id)

    def _start(self, name: str, instance_id: str | None, data: Any, version: str | None) -> str:
        return str(self._engine.start_new(name, instance_id, codec.dumps(data), version).result())

    def _status(
        self, instance_id: str, history: bool, history_output: bool, show_input: bool
    ) -> DurableOrchestrationStatus | None:
        row = self._engine.store.instance(instance_id)
        if row is None:
            return None
        events = None
        if history:
            events = history_events(self._engine.store.history(instance_id), history_output)
        status = DurableOrchestrationStatus.from_row(row, events)
        return status if show_input else dataclasses.replace(status, input_=None)

    def _query(
        self,
        created_from: datetime | None,
        created_to: datetime | None,
        statuses: list[OrchestrationRuntimeStatus] | None,
        id_prefix: str | None,
    ) -> list[DurableOrchestrationStatus]:
        rows = self._engine.store.query(
            [s.value for s in statuses or []],
            created_from.timestamp() if created_from else None,
            created_to.timestamp() if created_to else None,
            id_prefix or "",
            1_000_000,
        )
        return [DurableOrchestrationStatus.from_row(r) for r in rows]

    def _raise_event(self, instance_id: str, name: str, data: Any) -> None:
        self._engine.raise_event(instance_id, name, codec.dumps(data)).result()

    def _control(self, action: Action, instance_id: str, reason: str | None) -> None:
        """Rewind runs a Failed instance on from its first failure (:mod:`.rewind`)."""
        if action == "rewind":
            self._engine.rewind(instance_id, reason).result()
        else:
            self._engine.control(_VERBS[action], instance_id, reason).result()

    def _restart(self, instance_id: str, new_id: bool) -> str:
        row = self._engine.store.instance(instance_id)
        if row is None:
            raise errors.not_found(instance_id)
        iid = uuid.uuid4().hex if new_id else instance_id
        return str(self._engine.start_new(row.name, iid, row.input).result())

    def _purge(self, instance_id: str) -> int:
        return int(self._engine.purge(instance_id).result())

    def _purge_by(
        self,
        created_from: datetime | None,
        created_to: datetime | None,
        statuses: list[OrchestrationRuntimeStatus] | None,
    ) -> int:
        rows = self._engine.store.purgeable(
            [s.value for s in statuses] if statuses else None,
            created_from.timestamp() if created_from else None,
            created_to.timestamp() if created_to else None,
        )
        futures = [self._engine.purge(row.id) for row in rows]
        return sum(int(f.result()) for f in futures)

    def _wait(self, instance_id: str, timeout: float | None) -> DurableOrchestrationStatus | None:
        """Waits on the engine's clock (no polling)."""
        deadline = None if timeout is None else self._engine.clock.now() + timeout
        self._engine.wait(instance_id, deadline).result()
        return self.get_status(instance_id, show_input=True)

    def _signal(self, entity: EntityId, operation: str, data: Any) -> None:
        self._engine.signal(str(entity), operation, codec.dumps(data)).result()

    def _entity_state(self, entity: EntityId) -> EntityStateResponse:
        state, exists = self._engine.store.entity(str(entity))
        return EntityStateResponse(exists, codec.loads(state) if exists else None)

    def _entities(
        self,
        name: str | None,
        changed_from: datetime | None,
        changed_to: datetime | None,
        fetch_state: bool,
        top: int | None,
    ) -> list[EntityRecord]:
        rows = self._engine.store.entities(
            name,
            changed_from.timestamp() if changed_from else None,
            changed_to.timestamp() if changed_to else None,
            top,
        )
        return [
            EntityRecord(
                EntityId(entity, key),
                datetime.fromtimestamp(updated, UTC),
                codec.loads(state) if fetch_state else None,
            )
            for entity, key, state, updated in rows
        ]
