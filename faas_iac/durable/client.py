"""Durable clients: the in-process one the host binds into functions (``ctx.durable``), and
(:mod:`faas_iac.durable.http_client`) one over the HTTP management API for use from anywhere
else (scripts, the CLI, tests).

Both have the method names and parameters of azure-functions-durable's
``DurableOrchestrationClient`` (``start_new``, ``get_status``, ``raise_event``, ``rewind``,
``restart``...). Its coroutines are awaited in an ``async def`` handler; the same methods are
called plainly from a ``def`` handler (:mod:`.dual`).
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from . import codec, errors
from .dual import dual
from .entity_id import EntityId
from .http_client import HttpDurableClient
from .links import (
    PREFIX,
    ClientBase,
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


class DurableClient(ClientBase):
    """The client inside the host, talking to the engine directly (thread-safe)."""

    def __init__(self, engine: Engine, signer: Signer, base_url: str, hub: str) -> None:
        self._engine = engine
        self._signer = signer
        self.base_url = base_url
        self.hub = hub

    @property
    def task_hub_name(self) -> str:
        return self.hub

    def _code(self, instance_id: str) -> str:
        return self._signer.code(instance_id)

    @dual
    def start_new(
        self,
        orchestration_function_name: str,
        instance_id: str | None = None,
        client_input: Any = None,
        version: str | None = None,
    ) -> str:
        """Start an instance; an ``instance_id`` that is still running is refused (FIAC871)."""
        fut = self._engine.start_new(
            orchestration_function_name, instance_id, codec.dumps(client_input), version
        )
        return str(fut.result())

    @dual
    def get_status(
        self,
        instance_id: str,
        show_history: bool = False,
        show_history_output: bool = False,
        show_input: bool = False,
    ) -> DurableOrchestrationStatus | None:
        row = self._engine.store.instance(instance_id)
        if row is None:
            return None
        history = None
        if show_history:
            history = history_events(self._engine.store.history(instance_id), show_history_output)
        status = DurableOrchestrationStatus.from_row(row, history)
        return status if show_input else dataclasses.replace(status, input_=None)

    @dual
    def get_status_all(self) -> list[DurableOrchestrationStatus]:
        return self._query(None, None, None, None)

    @dual
    def get_status_by(
        self,
        created_time_from: datetime | None = None,
        created_time_to: datetime | None = None,
        runtime_status: list[OrchestrationRuntimeStatus] | None = None,
        instance_id_prefix: str | None = None,
    ) -> list[DurableOrchestrationStatus]:
        """The instances created in that span, with those statuses, ids with that prefix."""
        return self._query(created_time_from, created_time_to, runtime_status, instance_id_prefix)

    def _query(
        self,
        created_time_from: datetime | None,
        created_time_to: datetime | None,
        runtime_status: list[OrchestrationRuntimeStatus] | None,
        instance_id_prefix: str | None,
    ) -> list[DurableOrchestrationStatus]:
        rows = self._engine.store.query(
            [s.value for s in runtime_status or []],
            created_time_from.timestamp() if created_time_from else None,
            created_time_to.timestamp() if created_time_to else None,
            instance_id_prefix or "",
            1_000_000,
        )
        return [DurableOrchestrationStatus.from_row(r) for r in rows]

    @dual
    def raise_event(
        self,
        instance_id: str,
        event_name: str,
        event_data: Any = None,
        task_hub_name: str | None = None,
        connection_name: str | None = None,
    ) -> None:
        self._engine.raise_event(instance_id, event_name, codec.dumps(event_data)).result()

    @dual
    def terminate(self, instance_id: str, reason: str | None = None) -> None:
        self._engine.control("Terminate", instance_id, reason).result()

    @dual
    def suspend(self, instance_id: str, reason: str | None = None) -> None:
        self._engine.control("Suspend", instance_id, reason).result()

    @dual
    def resume(self, instance_id: str, reason: str | None = None) -> None:
        self._engine.control("Resume", instance_id, reason).result()

    @dual
    def rewind(
        self,
        instance_id: str,
        reason: str | None = None,
        task_hub_name: str | None = None,
        connection_name: str | None = None,
    ) -> None:
        """Run a Failed instance on from its first failure (:mod:`.rewind`); any other
        status is refused (FIAC880)."""
        self._engine.rewind(instance_id, reason).result()

    @dual
    def restart(self, instance_id: str, restart_with_new_instance_id: bool = True) -> str:
        """Start the instance's orchestrator again with its input: under a new id (returned),
        or under the same one once it has finished."""
        row = self._engine.store.instance(instance_id)
        if row is None:
            raise errors.not_found(instance_id)
        new_id = uuid.uuid4().hex if restart_with_new_instance_id else instance_id
        return str(self._engine.start_new(row.name, new_id, row.input).result())

    @dual
    def purge_instance_history(self, instance_id: str) -> PurgeHistoryResult:
        return PurgeHistoryResult(int(self._engine.purge(instance_id).result()))

    purge = purge_instance_history

    @dual
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

    @dual
    def wait_for_completion(
        self, instance_id: str, timeout: float | None = None
    ) -> DurableOrchestrationStatus | None:
        """Block until the instance is Completed, Failed or Terminated, or ``timeout`` seconds
        of the engine's clock have passed (under the test kit, virtual seconds)."""
        return self._wait(instance_id, timeout)

    def _wait(self, instance_id: str, timeout: float | None) -> DurableOrchestrationStatus | None:
        deadline = None if timeout is None else self._engine.clock.now() + timeout
        self._engine.wait(instance_id, deadline).result()
        return self.get_status(instance_id, show_input=True)

    @dual
    def signal_entity(
        self,
        entityId: EntityId,
        operation_name: str,
        operation_input: Any = None,
        task_hub_name: str | None = None,
        connection_name: str | None = None,
    ) -> None:
        self._engine.signal(str(entityId), operation_name, codec.dumps(operation_input)).result()

    @dual
    def read_entity_state(
        self,
        entityId: EntityId,
        task_hub_name: str | None = None,
        connection_name: str | None = None,
    ) -> EntityStateResponse:
        state, exists = self._engine.store.entity(str(entityId))
        return EntityStateResponse(exists, codec.loads(state) if exists else None)

    @dual
    def list_entities(
        self,
        entity_name: str | None = None,
        last_operation_time_from: datetime | None = None,
        last_operation_time_to: datetime | None = None,
        fetch_state: bool = False,
        top: int | None = None,
    ) -> list[EntityRecord]:
        """The entities that exist (of one name, or all), last changed in that span."""
        rows = self._engine.store.entities(
            entity_name,
            last_operation_time_from.timestamp() if last_operation_time_from else None,
            last_operation_time_to.timestamp() if last_operation_time_to else None,
            top,
        )
        return [
            EntityRecord(
                EntityId(name, key),
                datetime.fromtimestamp(updated, UTC),
                codec.loads(state) if fetch_state else None,
            )
            for name, key, state, updated in rows
        ]
