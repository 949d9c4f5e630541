"""Durable orchestrations, activities and entities, run locally by an event-sourced engine.

The orchestrator API is azure-functions-durable's (Python generators); see
:mod:`faas_iac.durable.context`. The engine, store and HTTP management API are described in
:mod:`faas_iac.durable.engine`, :mod:`faas_iac.durable.store` and
:mod:`faas_iac.durable.management`.
"""

from ..runtime.durable import RetryOptions
from .client import DurableClient, EntityStateResponse, HttpDurableClient, PurgeHistoryResult
from .context import DurableOrchestrationContext
from .entities import DurableEntityContext
from .entity_id import EntityId
from .status import DurableOrchestrationStatus, OrchestrationRuntimeStatus
from .tasks import NonDeterminismError, TaskBase, TaskFailedError, TimerTask

__all__ = [
    "DurableClient",
    "DurableEntityContext",
    "DurableOrchestrationContext",
    "DurableOrchestrationStatus",
    "EntityId",
    "EntityStateResponse",
    "HttpDurableClient",
    "NonDeterminismError",
    "OrchestrationRuntimeStatus",
    "PurgeHistoryResult",
    "RetryOptions",
    "TaskBase",
    "TaskFailedError",
    "TimerTask",
]
