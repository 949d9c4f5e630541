"""The orchestration context: the API an orchestrator generator uses, named as in
azure-functions-durable (``call_activity``, ``task_all``, ``create_timer``...).

It only builds tasks and records requests; :class:`faas_iac.durable.orchestration.Orchestration`
schedules them, matches them against history and drives the generator.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from ..runtime.durable import RetryOptions
from . import codec
from .entity_id import EntityId
from .tasks import (
    AtomicTask,
    HttpTask,
    RetryableTask,
    TaskBase,
    TimerTask,
    WhenAllTask,
    WhenAnyTask,
)

if TYPE_CHECKING:
    from .history import HistoryEvent
    from .orchestration import Orchestration

#: azure-functions-durable's namespace for ``new_uuid`` (a name-based UUID of a name-based UUID)
_UUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_OID, "9e952958-5e33-4daf-827f-2fa12937b875")
#: azure-functions-durable's ``DATETIME_STRING_FORMAT``
_STAMP = "%Y-%m-%dT%H:%M:%S.%fZ"
#: The built-in activity that runs ``call_http`` requests (the name Durable Functions uses).
HTTP_ACTIVITY = "BuiltIn::HttpActivity"
#: What a function or task name is given as: the name, or the decorated function itself.
Target = str | Callable[..., Any]


class FunctionContext(SimpleNamespace):
    """``ctx.function_context``: attributes of the function invocation not used by the
    orchestration (here ``function_name`` and ``instance_id``)."""


_NO_INPUT: Any = object()
#: The largest custom status, in bytes of JSON (Azure Durable Functions' limit).
CUSTOM_STATUS_LIMIT = 16 * 1024


def _typed(task: AtomicTask, expected_type: type | None) -> AtomicTask:
    task.expected_type = expected_type
    return task


def _activity(name: str, input_: Any, expected_type: type | None) -> AtomicTask:
    return _typed(AtomicTask("activity", name, {"input": codec.dumps(input_)}), expected_type)


def _sub(
    name: str,
    input_: Any,
    instance_id: str | None,
    expected_type: type | None,
    version: str | None = None,
) -> AtomicTask:
    payload: dict[str, Any] = {"input": codec.dumps(input_), "instance": instance_id}
    if version is not None:
        payload["version"] = version
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

    @current_utc_datetime.setter
    def current_utc_datetime(self, value: datetime) -> None:
        self._run.now = value

    @property
    def version(self) -> str | None:
        """The version given to ``start_new`` / ``call_sub_orchestrator`` (``None`` if none)."""
        return self._run.version

    @property
    def function_context(self) -> FunctionContext:
        return FunctionContext(function_name=self._run.name, instance_id=self.instance_id)

    @property
    def histories(self) -> list[HistoryEvent]:
        """This execution's history so far, as Azure's ``HistoryEvent`` objects."""
        from .history import histories  # local: the shipped Lambda core has no history

        return histories(self._run.history, len(self._run.history) if self.is_replaying else 0)

    @classmethod
    def from_json(cls, json_string: str) -> DurableOrchestrationContext:
        """Azure builds a context from its host's JSON payload; the local engine has no such
        payload (its contexts come from the engine)."""
        raise _lacking("DurableOrchestrationContext.from_json", "local")

    def get_input(self, expected_type: type | None = None) -> Any:
        """The input; a pydantic ``expected_type`` validates a plain dict into that model."""
        return codec.coerce(codec.loads(self._run.input_json), expected_type)

    def new_uuid(self) -> str:
        """A UUID that is the same on every replay: azure-functions-durable's (name-based, from
        the instance id, the current time and a counter), so equal inputs give equal UUIDs."""
        stamp = self.current_utc_datetime.strftime(_STAMP)
        name = f"{self.instance_id}_{stamp}_{self._uuid_counter}"
        self._uuid_counter += 1
        return str(uuid.uuid5(_UUID_NAMESPACE, name))

    def new_guid(self) -> uuid.UUID:
        """A replay-safe ``uuid.UUID``, computed as azure-functions-durable's ``new_guid``."""
        name = f"{self.instance_id}_{self.current_utc_datetime}_{self._uuid_counter}"
        self._uuid_counter += 1
        return uuid.uuid5(uuid.NAMESPACE_URL, name)

    def _name(self, target: Target, kind: str) -> str:
        """A function name as given, or the name a decorated function was registered under."""
        if isinstance(target, str):
            return target
        names = self._run.names
        if names is None:
            return str(getattr(target, "__name__", target))
        return names(target, kind)

    # -- tasks ---------------------------------------------------------------------------------
    # ``expected_type`` (a pydantic model) validates a plain result into that model; ``version``
    # is accepted for azure-functions-durable compatibility and has no effect locally.
    def call_activity(
        self, name: Target, input_: Any = None, expected_type: type | None = None
    ) -> TaskBase:
        """Run activity ``name`` (its name, or the decorated function itself) with ``input_``."""
        return _activity(self._name(name, "activity"), input_, expected_type)

    def call_activity_with_retry(
        self,
        name: Target,
        retry_options: RetryOptions,
        input_: Any = None,
        expected_type: type | None = None,
    ) -> TaskBase:
        """``retry_options``: faas_iac's ``RetryOptions`` or azure-functions-durable's."""
        activity = self._name(name, "activity")
        return self._retry(lambda: _activity(activity, input_, expected_type), retry_options)

    def call_sub_orchestrator(
        self,
        name: Target,
        input_: Any = None,
        instance_id: str | None = None,
        version: str | None = None,
        expected_type: type | None = None,
    ) -> TaskBase:
        return _sub(self._name(name, "orchestrator"), input_, instance_id, expected_type, version)

    def call_sub_orchestrator_with_retry(
        self,
        name: Target,
        retry_options: RetryOptions,
        input_: Any = None,
        instance_id: str | None = None,
        version: str | None = None,
        expected_type: type | None = None,
    ) -> TaskBase:
        child = self._name(name, "orchestrator")
        return self._retry(
            lambda: _sub(child, input_, instance_id, expected_type, version), retry_options
        )

    def _retry(self, make: Any, options: Any) -> TaskBase:
        """Azure's ``RetryOptions`` has the first two fields only: the others keep their
        defaults (a fixed interval), as on Azure."""
        return RetryableTask(
            self,
            make,
            options.first_retry_interval_in_milliseconds,
            options.max_number_of_attempts,
            getattr(options, "backoff_coefficient", 1.0),
            getattr(options, "max_retry_interval_in_milliseconds", None),
            getattr(options, "retry_timeout_in_milliseconds", None),
        )

    def call_http(
        self,
        method: str,
        uri: str,
        content: str | None = None,
        headers: dict[str, str] | None = None,
        token_source: Any = None,
        is_raw_str: bool = False,
    ) -> TaskBase:
        """A durable HTTP request, run as the built-in activity; a 202 answer with a
        ``Location`` is polled (GET, after ``Retry-After`` seconds on a durable timer, 30 s if
        none) until it answers otherwise. The result is ``{"statusCode", "headers",
        "content"}``, as on Azure."""
        if is_raw_str and not isinstance(content, str):
            raise TypeError(
                "Invalid use of 'is_raw_str' parameter: 'is_raw_str' is set to 'True' but "
                "'content' is not an instance of type 'str'. Either set 'is_raw_str' to 'False', "
                "or ensure your 'content' is of type 'str'."
            )
        if token_source is not None:
            raise _lacking("call_http(token_source=...) (managed identity tokens)", "local")
        body = content if is_raw_str or content is None else json.dumps(content)
        request = {"method": method, "uri": uri, "content": body, "headers": dict(headers or {})}
        return HttpTask(self, lambda req: _activity(HTTP_ACTIVITY, req, None), request)

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
    ) -> TaskBase:
        """Send an operation to an entity without waiting for it (fire and forget); the task
        returned is never awaited (as on Azure)."""
        task = AtomicTask(
            "signal",
            str(entityId),
            {"op": operationName, "input": codec.dumps(operationInput)},
        )
        self._schedule(task)
        return task

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


def _lacking(member: str, target: str) -> Exception:
    """The coded error for a member this target lacks (imported here, off the cold path)."""
    from .errors import lacking

    return lacking(member, target)
