"""Tasks an orchestrator yields: atomic tasks, ``task_all`` / ``task_any`` and retries.

The names and semantics follow azure-functions-durable: a task has ``is_completed``,
``is_faulted`` and ``result``; ``task_all`` yields the list of results (or raises the first
failure); ``task_any`` yields the winning task itself; a timer can be ``cancel()``-ed.
A task is *scheduled* (gets its sequence id and its history event) when first yielded.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from . import codec

if TYPE_CHECKING:
    from .context import DurableOrchestrationContext


class TaskState(enum.Enum):
    RUNNING = "Running"
    SUCCEEDED = "Succeeded"
    FAILED = "Failed"


class TaskFailedError(Exception):
    """What ``yield`` raises in an orchestrator when an activity, sub-orchestration or entity
    operation failed. ``error_type`` and ``error_message`` are those of the original error."""

    def __init__(self, message: str, error_type: str = "Exception", error_message: str = ""):
        super().__init__(message)
        self.error_type = error_type
        self.error_message = error_message or message


class NonDeterminismError(Exception):
    """Replaying an orchestrator produced an action that does not match its history."""


class TaskBase:
    """The base of every task."""

    def __init__(self) -> None:
        self.id: int | None = None
        self.state = TaskState.RUNNING
        self.result: Any = None
        self.parent: TaskBase | None = None
        self._scheduled = False

    @property
    def is_completed(self) -> bool:
        """True once the task succeeded or failed."""
        return self.state is not TaskState.RUNNING

    @property
    def is_faulted(self) -> bool:
        return self.state is TaskState.FAILED

    def _complete(self, ok: bool, value: Any) -> None:
        if self.state is not TaskState.RUNNING:
            return
        self.state = TaskState.SUCCEEDED if ok else TaskState.FAILED
        self.result = value
        if self.parent is not None:
            self.parent._child_done(self)

    def _child_done(self, child: TaskBase) -> None:  # pragma: no cover - atomic tasks only
        raise TypeError(f"{type(self).__name__} has no children")

    def _leaves(self) -> list[AtomicTask]:
        return []


class AtomicTask(TaskBase):
    """One action: an activity call, a timer, a sub-orchestration, an entity call or signal,
    or an external event (which has no action of its own)."""

    def __init__(self, kind: str, name: str, payload: dict[str, Any]) -> None:
        super().__init__()
        self.kind = kind
        self.name = name
        self.payload = payload
        self.expected_type: type | None = None

    def _deliver(self, value: Any) -> None:
        """Succeed with a result read from history (validated into ``expected_type``)."""
        self._complete(True, codec.coerce(value, self.expected_type))

    def _leaves(self) -> list[AtomicTask]:
        return [] if self._scheduled else [self]


class TimerTask(AtomicTask):
    """A durable timer; ``cancel()`` it when the race it was in is decided."""

    def __init__(self, fire_at: str) -> None:
        super().__init__("timer", "", {"fire_at": fire_at})
        self.is_cancelled = False

    def cancel(self) -> None:
        if self.is_completed:
            raise ValueError("Cannot cancel a completed task.")
        self.is_cancelled = True


class CompoundTask(TaskBase):
    def __init__(self, children: list[TaskBase]) -> None:
        super().__init__()
        for child in children:
            if not isinstance(child, TaskBase):
                raise TypeError(
                    f"task_all / task_any take tasks; got {type(child).__name__}: pass the "
                    "results of ctx.call_activity(...) and the like, not their yielded values"
                )
            child.parent = self
        self.children = list(children)

    def _leaves(self) -> list[AtomicTask]:
        return [leaf for child in self.children for leaf in child._leaves()]


class WhenAllTask(CompoundTask):
    """Succeeds with every child's result, in order; fails with the first failure.

    Over no tasks at all it succeeds at once with ``[]``, as Step Functions' Map and Workflows'
    parallel for do (and as the translated targets must agree); azure-functions-durable
    yields ``None`` there (its issue #513), which its generated code has to allow for."""

    def __init__(self, children: list[TaskBase]) -> None:
        super().__init__(children)
        self._done = 0
        if not self.children:
            self._complete(True, [])
        else:
            for child in self.children:
                if child.is_completed:
                    self._child_done(child)

    def _child_done(self, child: TaskBase) -> None:
        if self.is_completed:
            return
        if child.state is TaskState.FAILED:
            self._complete(False, child.result)
            return
        self._done += 1
        if self._done == len(self.children):
            self._complete(True, [c.result for c in self.children])


class WhenAnyTask(CompoundTask):
    """Succeeds with the first child to complete (the task itself, as Azure returns it)."""

    def __init__(self, children: list[TaskBase]) -> None:
        super().__init__(children)
        if not self.children:
            raise ValueError("task_any needs at least one task")
        for child in self.children:
            if child.is_completed:
                self._child_done(child)
                break

    def _child_done(self, child: TaskBase) -> None:
        self._complete(True, child)


class RetryableTask(TaskBase):
    """An activity or sub-orchestration retried after failures, with a durable timer between
    attempts (delay = first interval * coefficient^(n-1), capped by the max interval)."""

    def __init__(
        self,
        ctx: DurableOrchestrationContext,
        make_attempt: Callable[[], AtomicTask],
        first_retry_interval_in_milliseconds: int,
        max_number_of_attempts: int,
        backoff_coefficient: float = 1.0,
        max_retry_interval_in_milliseconds: int | None = None,
        retry_timeout_in_milliseconds: int | None = None,
    ) -> None:
        super().__init__()
        self._ctx = ctx
        self._make = make_attempt
        self._first = first_retry_interval_in_milliseconds
        self._max_attempts = max_number_of_attempts
        self._coefficient = backoff_coefficient
        self._max_interval = max_retry_interval_in_milliseconds
        self._timeout = retry_timeout_in_milliseconds
        self.attempts = 1
        self._started_at = ctx.current_utc_datetime
        self._current: AtomicTask = make_attempt()
        self._current.parent = self

    def _leaves(self) -> list[AtomicTask]:
        return self._current._leaves()

    def _delay_ms(self) -> int:
        delay = self._first * self._coefficient ** (self.attempts - 1)
        if self._max_interval is not None:
            delay = min(delay, self._max_interval)
        return int(delay)

    def _child_done(self, child: TaskBase) -> None:
        if self.is_completed:
            return
        if isinstance(child, TimerTask):
            self.attempts += 1
            self._current = self._make()
            self._current.parent = self
            self._ctx._schedule(self._current)
            return
        if child.state is TaskState.SUCCEEDED:
            self._complete(True, child.result)
            return
        elapsed_ms = (self._ctx.current_utc_datetime - self._started_at).total_seconds() * 1000
        out_of_time = self._timeout is not None and elapsed_ms + self._delay_ms() > self._timeout
        if self.attempts >= self._max_attempts or out_of_time:
            self._complete(False, child.result)
            return
        timer = self._ctx._timer_after_ms(self._delay_ms())
        timer.parent = self
        self._ctx._schedule(timer)


#: Seconds between polls of a 202 answer that gives no ``Retry-After`` (Durable Functions'
#: ``httpSettings.defaultAsyncRequestSleepTimeMilliseconds``).
HTTP_POLL_DEFAULT_S = 30


class HttpTask(TaskBase):
    """``call_http``: the request as an activity; while the answer is 202 with a ``Location``,
    a durable timer (``Retry-After`` seconds, else 30 s) then a GET of that location, without
    the ``x-functions-key`` header (as the Durable Functions extension polls)."""

    def __init__(
        self,
        ctx: DurableOrchestrationContext,
        make: Callable[[dict[str, Any]], AtomicTask],
        request: dict[str, Any],
    ) -> None:
        super().__init__()
        self._ctx = ctx
        self._make = make
        self._request = request
        self._poll: dict[str, Any] | None = None
        self._current: AtomicTask = make(request)
        self._current.parent = self

    def _leaves(self) -> list[AtomicTask]:
        return self._current._leaves()

    def _child_done(self, child: TaskBase) -> None:
        if self.is_completed:
            return
        if isinstance(child, TimerTask):
            assert self._poll is not None
            self._current = self._make(self._poll)
            self._current.parent = self
            self._ctx._schedule(self._current)
            return
        response = child.result
        if child.state is TaskState.FAILED or not isinstance(response, dict):
            self._complete(child.state is not TaskState.FAILED, response)
            return
        headers = {str(k).lower(): v for k, v in (response.get("headers") or {}).items()}
        location = headers.get("location")
        if response.get("statusCode") != 202 or not location:
            self._complete(True, response)
            return
        after = str(headers.get("retry-after") or "").strip()
        seconds = int(after) if after.isdigit() else HTTP_POLL_DEFAULT_S
        kept = {k: v for k, v in self._request["headers"].items() if k.lower() != "x-functions-key"}
        self._poll = {"method": "GET", "uri": location, "content": None, "headers": kept}
        timer = self._ctx._timer_after_ms(seconds * 1000)
        timer.parent = self
        self._ctx._schedule(timer)
