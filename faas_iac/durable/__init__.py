"""Durable orchestrations, activities and entities, run locally by an event-sourced engine.

The API is azure-functions-durable's (generator orchestrators; same method names and
parameters). The pieces, from the user's code down to the disk:

* ``context`` / ``tasks`` / ``entities``: what user code sees (the orchestration context,
  tasks, ``task_all`` / ``task_any``, retries, the entity context). They only build tasks.
* ``orchestration``: one instance in memory: applies history events, resumes the generator,
  schedules what it yields, checks replay against history (nondeterminism).
* ``engine``: one thread owning every cached instance; each turn applies all waiting
  messages and commits them in one transaction (group commit), then answers callers,
  dispatches activities (``activities``) and arms timers.
* ``store``: SQLite (WAL): instances, one row per history event, entity states.
* ``client`` / ``management`` / ``host``: the client API (in-process and over HTTP), the
  Azure-compatible HTTP management API, and the ``DurableHost`` the local host runs.
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
