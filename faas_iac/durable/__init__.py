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

Importing this package imports nothing of it: each name loads its module on first use. A
deployed function's code artifact carries only the standard-library core the cloud adapters
replay orchestrators with (:data:`faas_iac.plan.artifacts.SHIM_DURABLE`: codec, context,
tasks, orchestration, entity_id), so user code may import ``TaskFailedError``, ``EntityId``,
``RetryOptions``... there; a name of the local engine raises a clear ImportError.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..runtime.durable import RetryOptions

if TYPE_CHECKING:
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

#: public name → the module of this package defining it
_MODULES = {
    "DurableClient": "client",
    "EntityStateResponse": "client",
    "HttpDurableClient": "client",
    "PurgeHistoryResult": "client",
    "DurableOrchestrationContext": "context",
    "DurableEntityContext": "entities",
    "EntityId": "entity_id",
    "DurableOrchestrationStatus": "status",
    "OrchestrationRuntimeStatus": "status",
    "NonDeterminismError": "tasks",
    "TaskBase": "tasks",
    "TaskFailedError": "tasks",
    "TimerTask": "tasks",
}


def __getattr__(name: str) -> Any:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    try:
        found = import_module(f"{__name__}.{module}")
    except ModuleNotFoundError as exc:
        if exc.name != f"{__name__}.{module}":
            raise
        raise ImportError(
            f"{__name__}.{name} belongs to the local durable engine, which a deployed "
            "function's code does not carry; import it only where the app runs locally",
            name=__name__,
        ) from None
    value = getattr(found, name)
    globals()[name] = value
    return value
