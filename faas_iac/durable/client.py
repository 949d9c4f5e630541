"""Durable clients: the in-process one the host binds into functions (``ctx.durable``), and
(:mod:`faas_iac.durable.http_client`) one over the HTTP management API for use from anywhere
else (scripts, the CLI, tests).

Both have the method names and parameters of azure-functions-durable's
``DurableOrchestrationClient`` (``start_new``, ``get_status``, ``raise_event``...), called
synchronously.
"""

from __future__ import annotations

import contextlib
from datetime import datetime
from typing import TYPE_CHECKING, Any

from . import codec
from .entity_id import EntityId
from .http_client import HttpDurableClient
from .links import (
    PREFIX,
    ClientBase,
    EntityStateResponse,
    PurgeHistoryResult,
    Signer,
    base_url_of,
    management_links,
)
from .status import DurableOrchestrationStatus, OrchestrationRuntimeStatus, history_events

if TYPE_CHECKING:
    from .engine import Engine

__all__ = [
    "PREFIX",
    "DurableClient",
    "EntityStateResponse",
    "HttpDurableClient",
    "PurgeHistoryResult",
    "Signer",
    "base_url_of",
    "management_links",
]


class DurableClient(ClientBase):
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
        self._engine.raise_event(instance_id, event_name, codec.dumps(event_data)).result()

    def terminate(self, instance_id: str, reason: str | None = None) -> None:
        self._engine.control("Terminate", instance_id, reason).result()

    def suspend(self, instance_id: str, reason: str | None = None) -> None:
        self._engine.control("Suspend", instance_id, reason).result()

    def resume(self, instance_id: str, reason: str | None = None) -> None:
        self._engine.control("Resume", instance_id, reason).result()

    def purge_instance_history(self, instance_id: str) -> PurgeHistoryResult:
        return PurgeHistoryResult(int(self._engine.purge(instance_id).result()))

    purge = purge_instance_history

    def purge_instance_history_by(
        self,
        created_time_from: datetime | None = None,
        created_time_to: datetime | None = None,
        runtime_status: list[OrchestrationRuntimeStatus] | None = None,
    ) -> PurgeHistoryResult:
        """Purge every finished instance matching the filters."""
        rows = self._engine.store.purgeable(
            [s.value for s in runtime_status] if runtime_status else None,
            created_time_from.timestamp() if created_time_from else None,
            created_time_to.timestamp() if created_time_to else None,
        )
        futures = [self._engine.purge(row.id) for row in rows]
        return PurgeHistoryResult(sum(int(f.result()) for f in futures))

    def wait_for_completion(
        self, instance_id: str, timeout: float | None = None
    ) -> DurableOrchestrationStatus | None:
        """Block until the instance is Completed, Failed or Terminated (or ``timeout`` s)."""
        fut = self._engine.wait(instance_id)
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
        self._engine.signal(str(entityId), operation_name, codec.dumps(operation_input)).result()

    def read_entity_state(
        self,
        entityId: EntityId,
        task_hub_name: str | None = None,
        connection_name: str | None = None,
    ) -> EntityStateResponse:
        state, exists = self._engine.store.entity(str(entityId))
        return EntityStateResponse(exists, codec.loads(state) if exists else None)
