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
from dataclasses import asdict
from datetime import timedelta
from typing import Any, TypeVar

import azure.durable_functions as df

from faas_iac.durable.entity_id import EntityId
from faas_iac.durable.tasks import TaskFailedError
from faas_iac.runtime.durable import RetryOptions

RETRY_ORCHESTRATOR = "faas_iac_retry"
T = TypeVar("T")


def native_retry(options: RetryOptions) -> df.RetryOptions | None:
    """Azure's RetryOptions when it means the same, else None (the loop is needed)."""
    fixed = options.backoff_coefficient == 1.0 and options.retry_timeout_in_milliseconds is None
    capped = options.max_retry_interval_in_milliseconds
    if fixed and (capped is None or capped >= options.first_retry_interval_in_milliseconds):
        return df.RetryOptions(options.first_retry_interval_in_milliseconds,
                               options.max_number_of_attempts)
    return None


_TYPED = re.compile(r"^(?:Exception: )?([A-Za-z_][\w.]*(?:Error|Exception|Exit|Warning)): (.*)$",
                    re.S)
_LABELLED = re.compile(r"^((?:Activity|Orchestrator|Entity) function '[^']*' failed): ?(.*)$",
                       re.S)


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


def bridge(user: Generator[Any, Any, Any]) -> Generator[Any, Any, Any]:
    """Run the user's generator under Azure's executor, turning each failed task's exception
    into ``TaskFailedError`` (type and message kept) before it reaches the user's code."""
    value: Any = None
    error: BaseException | None = None
    while True:
        try:
            task = user.send(value) if error is None else user.throw(error)
        except StopIteration as stop:
            return stop.value
        value, error = None, None
        try:
            value = yield task
        except Exception as exc:
            error = parse_failure(exc)


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

    def _retry(self, kind: str, name: str, retry: Any, input_: Any,
               instance_id: str | None) -> Any:
        loop_input = {"kind": kind, "name": name, "input": input_, "retry": asdict(retry),
                      "instance_id": instance_id}
        return self._native.call_sub_orchestrator(RETRY_ORCHESTRATOR, loop_input)

    def call_entity(self, entity_id: Any, operation_name: str, operation_input: Any = None) -> Any:
        return self._native.call_entity(_native_entity(entity_id), operation_name,
                                        operation_input)

    def signal_entity(self, entity_id: Any, operation_name: str,
                      operation_input: Any = None) -> Any:
        return self._native.signal_entity(_native_entity(entity_id), operation_name,
                                          operation_input)

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
        return self._native.call_sub_orchestrator_with_retry(name, retry_options, input_,
                                                             instance_id)


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
                result = yield context.call_sub_orchestrator(spec["name"], spec["input"],
                                                             spec.get("instance_id"))
            return result
        except Exception as raw:
            error = parse_failure(raw)
            if attempt >= policy.max_number_of_attempts:
                raise _last(error) from None
            wake = context.current_utc_datetime + timedelta(
                milliseconds=policy.delay_ms(attempt))
            limit = policy.retry_timeout_in_milliseconds
            if limit is not None and wake - started > timedelta(milliseconds=limit):
                raise _last(error) from None
            yield context.create_timer(wake)
            attempt += 1


def _last(error: TaskFailedError) -> Exception:
    """The last failure, as text the parent's ``parse_failure`` reads back (type: message)."""
    return Exception(f"{error.error_type}: {error.error_message}")


class DurableClient:
    """The portable durable client over Azure's ``DurableOrchestrationClient`` (async): each
    method runs the coroutine on the worker's loop (from a handler thread) or a new loop."""

    def __init__(self, native: df.DurableOrchestrationClient,
                 loop: asyncio.AbstractEventLoop | None = None) -> None:
        self._native = native
        self._loop = loop

    def _run(self, coro: Coroutine[Any, Any, T]) -> T:
        if self._loop is not None and self._loop.is_running():
            return asyncio.run_coroutine_threadsafe(coro, self._loop).result()
        return asyncio.run(coro)

    def start_new(self, name: str, instance_id: str | None = None, input_: Any = None) -> str:
        return str(self._run(self._native.start_new(name, instance_id, input_)))

    def get_status(self, instance_id: str) -> dict[str, Any]:
        status = self._run(self._native.get_status(instance_id))
        return dict(status.to_json())

    def raise_event(self, instance_id: str, event_name: str, data: Any = None) -> None:
        self._run(self._native.raise_event(instance_id, event_name, data))

    def terminate(self, instance_id: str, reason: str = "") -> None:
        self._run(self._native.terminate(instance_id, reason))

    def suspend(self, instance_id: str, reason: str = "") -> None:
        self._run(self._native.suspend(instance_id, reason))

    def resume(self, instance_id: str, reason: str = "") -> None:
        self._run(self._native.resume(instance_id, reason))

    def purge(self, instance_id: str) -> int:
        result = self._run(self._native.purge_instance_history(instance_id))
        return int(result.instances_deleted)

    def wait_for_completion(self, instance_id: str, timeout: float = 60.0,
                            interval: float = 1.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            status = self.get_status(instance_id)
            if status.get("runtimeStatus") in ("Completed", "Failed", "Terminated"):
                return status
            if time.monotonic() >= deadline:
                raise TimeoutError(f"instance {instance_id} still {status.get('runtimeStatus')}")
            time.sleep(interval)
