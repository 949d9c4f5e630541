"""The orchestration context: the API an orchestrator generator uses, named as in
azure-functions-durable (``call_activity``, ``task_all``, ``create_timer``...).

It only builds tasks and records requests; :class:`faas_iac.durable.orchestration.Orchestration`
schedules them, matches them against history and drives the generator.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from ..runtime.durable import RetryOptions
from . import codec
from .entity_id import EntityId
from .tasks import AtomicTask, RetryableTask, TaskBase, TimerTask, WhenAllTask, WhenAnyTask

if TYPE_CHECKING:
    from .orchestration import Orchestration

_UUID_NAMESPACE = uuid.UUID("9e952958-5e33-4daf-827f-2fa12937b875")
_NO_INPUT: Any = object()
#: The largest custom status, in bytes of JSON (Azure Durable Functions' limit).
CUSTOM_STATUS_LIMIT = 16 * 1024


def _typed(task: AtomicTask, expected_type: type | None) -> AtomicTask:
    task.expected_type = expected_type
    return task


def _activity(name: str, input_: Any, expected_type: type | None) -> AtomicTask:
    return _typed(AtomicTask("activity", name, {"input": codec.dumps(input_)}), expected_type)


def _sub(name: str, input_: Any, instance_id: str | None, expected_type: type | None) -> AtomicTask:
    payload = {"input": codec.dumps(input_), "instance": instance_id}
    return _typed(AtomicTask("suborchestration", name, payload), expected_type)


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class DurableOrchestrationContext:
    """What an orchestrator receives. Everything it returns is deterministic under replay."""

    def __init__(self, run: Orchestration) -> None:
        self._run = run
        self._uuid_counter = 0
        self._custom_status: Any = None
        self._new_input: Any = _NO_INPUT

    # -- identity and input ------------------------------------------------------------------
    @property
    def instance_id(self) -> str:
        return self._run.instance_id

    @property
    def parent_instance_id(self) -> str | None:
        return self._run.parent

    @property
    def function_name(self) -> str:
        return self._run.name

    @property
    def is_replaying(self) -> bool:
        """True while the orchestrator re-runs code whose results come from history."""
        return self._run.replaying

    @property
    def current_utc_datetime(self) -> datetime:
        """The time of the event being processed: the same on every replay."""
        return self._run.now

    def get_input(self, expected_type: type | None = None) -> Any:
        """The input; a pydantic ``expected_type`` validates a plain dict into that model."""
        return codec.coerce(codec.loads(self._run.input_json), expected_type)

    def new_uuid(self) -> str:
        """A UUID that is the same on every replay (name-based, from instance id and time)."""
        name = f"{self.instance_id}_{self.current_utc_datetime.isoformat()}_{self._uuid_counter}"
        self._uuid_counter += 1
        return str(uuid.uuid5(_UUID_NAMESPACE, name))

    # -- tasks ---------------------------------------------------------------------------------
    # ``expected_type`` (a pydantic model) validates a plain result into that model; ``version``
    # is accepted for azure-functions-durable compatibility and has no effect locally.
    def call_activity(
        self, name: str, input_: Any = None, expected_type: type | None = None
    ) -> TaskBase:
        return _activity(name, input_, expected_type)

    def call_activity_with_retry(
        self,
        name: str,
        retry_options: RetryOptions,
        input_: Any = None,
        expected_type: type | None = None,
    ) -> TaskBase:
        return self._retry(lambda: _activity(name, input_, expected_type), retry_options)

    def call_sub_orchestrator(
        self,
        name: str,
        input_: Any = None,
        instance_id: str | None = None,
        version: str | None = None,
        expected_type: type | None = None,
    ) -> TaskBase:
        return _sub(name, input_, instance_id, expected_type)

    def call_sub_orchestrator_with_retry(
        self,
        name: str,
        retry_options: RetryOptions,
        input_: Any = None,
        instance_id: str | None = None,
        version: str | None = None,
        expected_type: type | None = None,
    ) -> TaskBase:
        return self._retry(lambda: _sub(name, input_, instance_id, expected_type), retry_options)

    def _retry(self, make: Any, options: RetryOptions) -> TaskBase:
        # ``azure.durable_functions.RetryOptions`` has only the first two fields (a fixed
        # interval); the others default as in ``faas_iac.RetryOptions``.
        return RetryableTask(
            self,
            make,
            options.first_retry_interval_in_milliseconds,
            options.max_number_of_attempts,
            getattr(options, "backoff_coefficient", 1.0),
            getattr(options, "max_retry_interval_in_milliseconds", None),
            getattr(options, "retry_timeout_in_milliseconds", None),
        )

    def task_all(self, activities: list[TaskBase]) -> TaskBase:
        """A task that completes with every result, in order (or the first failure)."""
        return WhenAllTask(list(activities))

    def task_any(self, activities: list[TaskBase]) -> TaskBase:
        """A task that completes with the first of ``activities`` to complete (the task)."""
        return WhenAnyTask(list(activities))

    def create_timer(self, fire_at: datetime) -> TimerTask:
        """A durable timer that fires at ``fire_at`` (naive means UTC); survives restarts."""
        return TimerTask(_utc(fire_at).isoformat())

    def _timer_after_ms(self, ms: int) -> TimerTask:
        return TimerTask((self.current_utc_datetime + timedelta(milliseconds=ms)).isoformat())

    def wait_for_external_event(self, name: str, expected_type: type | None = None) -> TaskBase:
        """A task completed by ``raise_event(instance_id, name, data)``, with ``data``."""
        return _typed(AtomicTask("event", name, {}), expected_type)

    def call_entity(
        self,
        entityId: EntityId,
        operationName: str,
        operationInput: Any = None,
        expected_type: type | None = None,
    ) -> TaskBase:
        """Call an operation on an entity and get its result (operations run one at a time)."""
        payload = {"op": operationName, "input": codec.dumps(operationInput)}
        return _typed(AtomicTask("entity", str(entityId), payload), expected_type)

    def signal_entity(
        self, entityId: EntityId, operationName: str, operationInput: Any = None
    ) -> None:
        """Send an operation to an entity without waiting for it (fire and forget)."""
        task = AtomicTask(
            "signal",
            str(entityId),
            {"op": operationName, "input": codec.dumps(operationInput)},
        )
        self._schedule(task)

    # -- status and lifetime ---------------------------------------------------------------
    def set_custom_status(self, status: Any) -> None:
        """A JSON value shown as ``customStatus`` in the instance's status."""
        text = codec.dumps(status)
        if len(text.encode()) > CUSTOM_STATUS_LIMIT:
            raise ValueError(
                f"custom status is {len(text.encode())} bytes; the limit is 16 KB (as on Azure "
                "Durable Functions): keep a summary in it and the details elsewhere"
            )
        self._custom_status = status
        self._run.custom_status_json = text

    @property
    def custom_status(self) -> Any:
        return self._custom_status

    def continue_as_new(self, input_: Any) -> None:
        """Restart this instance with a new input and an empty history once the orchestrator
        returns (an eternal orchestration without an ever-growing history)."""
        self._new_input = input_

    @property
    def will_continue_as_new(self) -> bool:
        return self._new_input is not _NO_INPUT

    def _schedule(self, task: AtomicTask) -> None:
        self._run.schedule(task)
