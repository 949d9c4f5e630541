"""The durable client's public surface, once for both clients: the method names and parameters
of azure-functions-durable's ``DurableOrchestrationClient`` (``start_new``, ``get_status``,
``raise_event``, ``rewind``, ``restart``...), each :func:`~.dual` (awaited in an ``async def``
handler, called plainly from a ``def`` one), the check-status responses built from management
links, and the wait for an end.

A client provides the primitives under them: :class:`~faas_iac.durable.client.DurableClient`
talks to the engine in its process, :class:`~faas_iac.durable.http_client.HttpDurableClient`
to a running host's HTTP management API.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from datetime import datetime
from typing import Any, Literal

from ..runtime.types import HttpRequest, HttpResponse
from . import codec
from .dual import dual
from .entity_id import EntityId
from .links import (
    TERMINAL,
    EntityRecord,
    EntityStateResponse,
    PurgeHistoryResult,
    base_url_of,
    management_links,
)
from .status import DurableOrchestrationStatus, OrchestrationRuntimeStatus

#: What :meth:`ClientBase._control` is asked to do to one instance.
Action = Literal["terminate", "suspend", "resume", "rewind"]


class ClientBase(ABC):
    """The public methods of both clients over the primitives each provides.

    ``version``, ``task_hub_name`` and ``connection_name`` are accepted as
    azure-functions-durable accepts them (same signatures); a local host has one task hub."""

    base_url: str
    hub: str

    # -- what each client provides ---------------------------------------------------------------
    @abstractmethod
    def _code(self, instance_id: str) -> str:
        """The code that opens this one instance's management links."""

    @abstractmethod
    def _start(self, name: str, instance_id: str | None, data: Any, version: str | None) -> str:
        """Start an instance of orchestrator ``name``; its id."""

    @abstractmethod
    def _status(
        self, instance_id: str, history: bool, history_output: bool, show_input: bool
    ) -> DurableOrchestrationStatus | None:
        """The instance's status, or None if there is no such instance."""

    @abstractmethod
    def _query(
        self,
        created_from: datetime | None,
        created_to: datetime | None,
        statuses: list[OrchestrationRuntimeStatus] | None,
        id_prefix: str | None,
    ) -> list[DurableOrchestrationStatus]:
        """The instances matching every filter given."""

    @abstractmethod
    def _raise_event(self, instance_id: str, name: str, data: Any) -> None: ...

    @abstractmethod
    def _control(self, action: Action, instance_id: str, reason: str | None) -> None: ...

    @abstractmethod
    def _restart(self, instance_id: str, new_id: bool) -> str: ...

    @abstractmethod
    def _purge(self, instance_id: str) -> int:
        """Delete one finished instance; how many were deleted (0 or 1)."""

    @abstractmethod
    def _purge_by(
        self,
        created_from: datetime | None,
        created_to: datetime | None,
        statuses: list[OrchestrationRuntimeStatus] | None,
    ) -> int: ...

    @abstractmethod
    def _signal(self, entity: EntityId, operation: str, data: Any) -> None: ...

    @abstractmethod
    def _entity_state(self, entity: EntityId) -> EntityStateResponse: ...

    @abstractmethod
    def _entities(
        self,
        name: str | None,
        changed_from: datetime | None,
        changed_to: datetime | None,
        fetch_state: bool,
        top: int | None,
    ) -> list[EntityRecord]: ...

    def _wait(self, instance_id: str, timeout: float | None) -> DurableOrchestrationStatus | None:
        """The status once Completed, Failed or Terminated, or after ``timeout`` s (polled; the
        in-process client waits on the engine's clock instead)."""
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

    # -- the public surface ----------------------------------------------------------------------
    @property
    def task_hub_name(self) -> str:
        return self.hub

    @dual
    def start_new(
        self,
        orchestration_function_name: str,
        instance_id: str | None = None,
        client_input: Any = None,
        version: str | None = None,
    ) -> str:
        """Start an instance; an ``instance_id`` that is still running is refused (FIAC871)."""
        return self._start(orchestration_function_name, instance_id, client_input, version)

    @dual
    def get_status(
        self,
        instance_id: str,
        show_history: bool = False,
        show_history_output: bool = False,
        show_input: bool = False,
    ) -> DurableOrchestrationStatus | None:
        """The instance's status, or None if there is no such instance."""
        return self._status(instance_id, show_history, show_history_output, show_input)

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

    @dual
    def raise_event(
        self,
        instance_id: str,
        event_name: str,
        event_data: Any = None,
        task_hub_name: str | None = None,
        connection_name: str | None = None,
    ) -> None:
        self._raise_event(instance_id, event_name, event_data)

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
    def rewind(
        self,
        instance_id: str,
        reason: str | None = None,
        task_hub_name: str | None = None,
        connection_name: str | None = None,
    ) -> None:
        """Run a Failed instance on from its first failure; any other status is refused
        (FIAC880)."""
        self._control("rewind", instance_id, reason)

    @dual
    def restart(self, instance_id: str, restart_with_new_instance_id: bool = True) -> str:
        """Start the instance's orchestrator again with its input: under a new id (returned),
        or under the same one once it has finished."""
        return self._restart(instance_id, restart_with_new_instance_id)

    @dual
    def purge_instance_history(self, instance_id: str) -> PurgeHistoryResult:
        return PurgeHistoryResult(self._purge(instance_id))

    purge = purge_instance_history

    @dual
    def purge_instance_history_by(
        self,
        created_time_from: datetime | None = None,
        created_time_to: datetime | None = None,
        runtime_status: list[OrchestrationRuntimeStatus] | None = None,
    ) -> PurgeHistoryResult:
        """Purge every finished instance matching the filters."""
        return PurgeHistoryResult(
            self._purge_by(created_time_from, created_time_to, runtime_status)
        )

    @dual
    def signal_entity(
        self,
        entityId: EntityId,
        operation_name: str,
        operation_input: Any = None,
        task_hub_name: str | None = None,
        connection_name: str | None = None,
    ) -> None:
        self._signal(entityId, operation_name, operation_input)

    @dual
    def read_entity_state(
        self,
        entityId: EntityId,
        task_hub_name: str | None = None,
        connection_name: str | None = None,
    ) -> EntityStateResponse:
        return self._entity_state(entityId)

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
        return self._entities(
            entity_name, last_operation_time_from, last_operation_time_to, fetch_state, top
        )

    @dual
    def wait_for_completion(
        self, instance_id: str, timeout: float | None = None
    ) -> DurableOrchestrationStatus | None:
        """The status once Completed, Failed or Terminated, or after ``timeout`` seconds (of
        the engine's clock in process: under the test kit, virtual seconds)."""
        return self._wait(instance_id, timeout)

    # -- management links ------------------------------------------------------------------------
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
        links = self.get_client_response_links(request, instance_id)
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
