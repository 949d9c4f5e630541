"""Durable Functions glue: user orchestrators run natively on Azure's
``DurableOrchestrationContext``; this module only bridges what the portable API adds.

* ``faas_iac.RetryOptions`` with a fixed interval becomes Azure's own ``RetryOptions`` (same
  meaning: the first try counts as an attempt). With backoff (coefficient > 1), a maximum
  interval or a retry timeout, which Durable Functions for Python cannot express, the call
  becomes a sub-orchestration of :data:`RETRY_ORCHESTRATOR`: a retry loop that waits with
  durable timers, so the policy is kept exactly, never dropped.
* The portable durable client (``ctx.durable``) wraps Azure's async
  ``DurableOrchestrationClient`` with the synchronous API handlers use everywhere.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Coroutine, Generator
from datetime import datetime, timedelta
from typing import Any, TypeVar

import azure.durable_functions as df

from faas_iac.durable.client import EntityStateResponse, PurgeHistoryResult
from faas_iac.durable.entity_id import EntityId
from faas_iac.durable.status import DurableOrchestrationStatus, OrchestrationRuntimeStatus
from faas_iac.durable.tasks import TaskFailedError
from faas_iac.runtime.durable import RetryOptions
from faas_iac.runtime.types import HttpRequest, HttpResponse

RETRY_ORCHESTRATOR = "faas_iac_retry"
T = TypeVar("T")


def native_retry(options: RetryOptions) -> df.RetryOptions | None:
    """Azure's RetryOptions when it means the same, else None (the loop is needed)."""
    fixed = options.backoff_coefficient == 1.0 and options.retry_timeout_in_milliseconds is None
    capped = options.max_retry_interval_in_milliseconds
    if fixed and (capped is None or capped >= options.first_retry_interval_in_milliseconds):
        return df.RetryOptions(
            options.first_retry_interval_in_milliseconds, options.max_number_of_attempts
        )
    return None


_TYPED = re.compile(
    r"^(?:Exception: )?([A-Za-z_][\w.]*(?:Error|Exception|Exit|Warning)): (.*)$", re.S
)
_LABELLED = re.compile(r"^((?:Activity|Orchestrator|Entity) function '[^']*' failed): ?(.*)$", re.S)


def parse_failure(error: BaseException) -> TaskFailedError:
    """The exception azure-functions-durable raises for a failed task
    (``"{Reason} \\n {Details}"``) as the portable ``TaskFailedError``, recovering the original
    error type and message from the host's text (Details may hold the worker's JSON)."""
    if isinstance(error, TaskFailedError):
        return error
    reason, _, details = str(error).partition(" \n ")
    label, text = "", reason
    labelled = _LABELLED.match(reason)
    if labelled:
        label, text = labelled.group(1), labelled.group(2)
    try:
        payload = json.loads(details) if details.strip().startswith("{") else {}
    except ValueError:
        payload = {}
    if isinstance(payload, dict) and isinstance(payload.get("Message"), str):
        text = payload["Message"]
    typed = _TYPED.match(text.strip().splitlines()[0] if text.strip() else "")
    error_type, message = (typed.group(1), typed.group(2)) if typed else ("Exception", text)
    shown = f"{label}: {error_type}: {message}" if label else f"{error_type}: {message}"
    return TaskFailedError(shown, error_type, message)


#: Set on the task of a ``task_all`` of no tasks: Azure resolves it to None, every other target
#: (the local engine, Step Functions, Workflows) to ``[]``; ``bridge`` gives the user ``[]``.
EMPTY_ALL = "_faas_iac_empty_all"


def bridge(user: Generator[Any, Any, Any]) -> Generator[Any, Any, Any]:
    """Run the user's generator under Azure's executor, turning each failed task's exception
    into ``TaskFailedError`` (type and message kept) before it reaches the user's code, and a
    ``task_all`` of no tasks into ``[]`` as on every other target."""
    value: Any = None
    error: BaseException | None = None
    while True:
        try:
            task = user.send(value) if error is None else user.throw(error)
        except StopIteration as stop:
            return stop.value
        except Exception as exc:
            # azure-functions-durable reports an orchestrator's failure as str(exception),
            # dropping its type; keep ``Type: message``, as every other target reports it.
            raise Exception(f"{type(exc).__name__}: {exc}") from exc
        value, error = None, None
        try:
            value = yield task
        except Exception as exc:
            error = parse_failure(exc)
        if value is None and getattr(task, EMPTY_ALL, False):
            value = []


def _native_entity(entity: Any) -> Any:
    if isinstance(entity, EntityId):
        return df.EntityId(entity.name, entity.key)
    return entity


class OrchestrationContext:
    """Azure's context as the user's orchestrator sees it: every attribute is Azure's, except
    the two ``*_with_retry`` calls, which also accept ``faas_iac.RetryOptions``."""

    def __init__(self, native: df.DurableOrchestrationContext) -> None:
        self._native = native

    def __getattr__(self, name: str) -> Any:
        return getattr(self._native, name)

    def _retry(self, kind: str, name: str, retry: Any, input_: Any, instance_id: str | None) -> Any:
        loop_input = {
            "kind": kind,
            "name": name,
            "input": input_,
            "retry": retry._asdict(),
            "instance_id": instance_id,
        }
        return self._native.call_sub_orchestrator(RETRY_ORCHESTRATOR, loop_input)

    def task_all(self, activities: Any) -> Any:
        tasks = list(activities)
        task = self._native.task_all(tasks)
        if not tasks:
            setattr(task, EMPTY_ALL, True)
        return task

    def call_entity(self, entity_id: Any, operation_name: str, operation_input: Any = None) -> Any:
        return self._native.call_entity(_native_entity(entity_id), operation_name, operation_input)

    def signal_entity(
        self, entity_id: Any, operation_name: str, operation_input: Any = None
    ) -> Any:
        return self._native.signal_entity(
            _native_entity(entity_id), operation_name, operation_input
        )

    def call_activity_with_retry(self, name: str, retry_options: Any, input_: Any = None) -> Any:
        if isinstance(retry_options, RetryOptions):
            native = native_retry(retry_options)
            if native is None:
                return self._retry("activity", name, retry_options, input_, None)
            retry_options = native
        return self._native.call_activity_with_retry(name, retry_options, input_)

    def call_sub_orchestrator_with_retry(
        self, name: str, retry_options: Any, input_: Any = None, instance_id: str | None = None
    ) -> Any:
        if isinstance(retry_options, RetryOptions):
            native = native_retry(retry_options)
            if native is None:
                return self._retry("orchestrator", name, retry_options, input_, instance_id)
            retry_options = native
        return self._native.call_sub_orchestrator_with_retry(
            name, retry_options, input_, instance_id
        )


def retry_loop(context: df.DurableOrchestrationContext) -> Generator[Any, Any, Any]:
    """The documented equivalent of a backoff retry: try, wait ``delay_ms(n)`` on a durable
    timer, try again, up to ``max_number_of_attempts`` tries or the retry timeout; then fail
    with the last error."""
    spec = context.get_input()
    policy = RetryOptions(**spec["retry"])
    started = context.current_utc_datetime
    attempt = 1
    while True:
        try:
            if spec["kind"] == "activity":
                result = yield context.call_activity(spec["name"], spec["input"])
            else:
                result = yield context.call_sub_orchestrator(
                    spec["name"], spec["input"], spec.get("instance_id")
                )
            return result
        except Exception as raw:
            error = parse_failure(raw)
            if attempt >= policy.max_number_of_attempts:
                raise _last(error) from None
            wake = context.current_utc_datetime + timedelta(milliseconds=policy.delay_ms(attempt))
            limit = policy.retry_timeout_in_milliseconds
            if limit is not None and wake - started > timedelta(milliseconds=limit):
                raise _last(error) from None
            yield context.create_timer(wake)
            attempt += 1


def _last(error: TaskFailedError) -> Exception:
    """The last failure, as text the parent's ``parse_failure`` reads back (type: message)."""
    return Exception(f"{error.error_type}: {error.error_message}")


_TERMINAL = ("Completed", "Failed", "Terminated")


def _status(native: Any) -> DurableOrchestrationStatus | None:
    """Azure's status object as the portable ``DurableOrchestrationStatus``."""
    if native is None or getattr(native, "runtime_status", None) is None:
        return None
    runtime = native.runtime_status
    return DurableOrchestrationStatus(
        name=native.name or "",
        instance_id=native.instance_id or "",
        created_time=native.created_time,
        last_updated_time=native.last_updated_time,
        input_=native.input_,
        output=native.output,
        runtime_status=OrchestrationRuntimeStatus(getattr(runtime, "value", runtime)),
        custom_status=native.custom_status,
        history=native.history,
    )


class DurableClient:
    """The portable durable client (``ctx.durable``, the API of ``faas_iac.durable``'s local
    client) over Azure's async ``DurableOrchestrationClient``: each call runs the coroutine on
    the worker's loop (the handler runs in a thread) or, outside one, on a new loop."""

    def __init__(
        self, native: df.DurableOrchestrationClient, loop: asyncio.AbstractEventLoop | None = None
    ) -> None:
        self._native = native
        self._loop = loop

    def _run(self, coro: Coroutine[Any, Any, T]) -> T:
        if self._loop is not None and self._loop.is_running():
            return asyncio.run_coroutine_threadsafe(coro, self._loop).result()
        return asyncio.run(coro)

    def start_new(
        self,
        orchestration_function_name: str,
        instance_id: str | None = None,
        client_input: Any = None,
    ) -> str:
        return str(
            self._run(
                self._native.start_new(orchestration_function_name, instance_id, client_input)
            )
        )

    def get_status(
        self,
        instance_id: str,
        show_history: bool = False,
        show_history_output: bool = False,
        show_input: bool = True,
    ) -> DurableOrchestrationStatus | None:
        try:
            native = self._run(
                self._native.get_status(instance_id, show_history, show_history_output, show_input)
            )
        except TypeError:  # the SDK cannot parse the empty body of a 404: no such instance
            return None
        return _status(native)

    def get_status_all(self) -> list[DurableOrchestrationStatus]:
        found = [_status(s) for s in self._run(self._native.get_status_all())]
        return [s for s in found if s is not None]

    def get_status_by(
        self,
        created_time_from: datetime | None = None,
        created_time_to: datetime | None = None,
        runtime_status: list[OrchestrationRuntimeStatus] | None = None,
    ) -> list[DurableOrchestrationStatus]:
        wanted = [df.OrchestrationRuntimeStatus(s.value) for s in runtime_status or []]
        found = [
            _status(s)
            for s in self._run(
                self._native.get_status_by(created_time_from, created_time_to, wanted or None)
            )
        ]
        return [s for s in found if s is not None]

    def raise_event(self, instance_id: str, event_name: str, event_data: Any = None) -> None:
        self._run(self._native.raise_event(instance_id, event_name, event_data))

    def terminate(self, instance_id: str, reason: str | None = None) -> None:
        self._run(self._native.terminate(instance_id, reason or ""))

    def suspend(self, instance_id: str, reason: str | None = None) -> None:
        self._run(self._native.suspend(instance_id, reason or ""))

    def resume(self, instance_id: str, reason: str | None = None) -> None:
        self._run(self._native.resume(instance_id, reason or ""))

    def purge_instance_history(self, instance_id: str) -> PurgeHistoryResult:
        result = self._run(self._native.purge_instance_history(instance_id))
        return PurgeHistoryResult(int(result.instances_deleted))

    purge = purge_instance_history

    def wait_for_completion(
        self, instance_id: str, timeout: float | None = None, interval: float = 1.0
    ) -> DurableOrchestrationStatus | None:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            status = self.get_status(instance_id)
            if status is None or status.runtime_status.value in _TERMINAL:
                return status
            if deadline is not None and time.monotonic() >= deadline:
                return status
            time.sleep(interval)

    def signal_entity(
        self, entityId: EntityId, operation_name: str, operation_input: Any = None
    ) -> None:
        self._run(
            self._native.signal_entity(_native_entity(entityId), operation_name, operation_input)
        )

    def read_entity_state(self, entityId: EntityId) -> EntityStateResponse:
        state = self._run(self._native.read_entity_state(_native_entity(entityId)))
        return EntityStateResponse(bool(state.entity_exists), state.entity_state)

    def create_http_management_payload(self, instance_id: str) -> dict[str, str]:
        return dict(self._native.create_http_management_payload(instance_id))

    def create_check_status_response(
        self, request: HttpRequest | None, instance_id: str
    ) -> HttpResponse:
        """202 Accepted, ``Location`` = the status URL, body = Azure's management links."""
        links = self.create_http_management_payload(instance_id)
        return HttpResponse.json(
            links, 202, {"Location": links["statusQueryGetUri"], "Retry-After": "10"}
        )

    def wait_for_completion_or_create_check_status_response(
        self,
        request: HttpRequest | None,
        instance_id: str,
        timeout_in_milliseconds: int = 10000,
        retry_interval_in_milliseconds: int = 1000,
    ) -> HttpResponse:
        status = self.wait_for_completion(
            instance_id, timeout_in_milliseconds / 1000, retry_interval_in_milliseconds / 1000
        )
        if status is not None and status.runtime_status.value in _TERMINAL:
            code = 500 if status.runtime_status is OrchestrationRuntimeStatus.Failed else 200
            return HttpResponse.json(status.to_json(), code)
        return self.create_check_status_response(request, instance_id)
