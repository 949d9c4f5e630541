"""What other threads post to the engine thread (and what the engine posts to itself): frozen
records, one class per kind, dispatched with ``match`` and ``assert_never`` in
:meth:`faas_iac.durable.engine.Engine._handle`. ``reply`` is the future the engine settles once
the turn that handled the message has committed (``None``: nobody waits)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, Literal

#: An activity result, entity reply or timer as the orchestration's history records it.
Event = dict[str, Any]
Reply = Future[Any] | None
ControlAction = Literal["Terminate", "Suspend", "Resume"]


@dataclass(frozen=True, slots=True)
class Start:
    """Start orchestration ``name`` as ``instance_id``. ``fresh``: the id was just made up, so
    no earlier instance can hold it; ``parent``/``parent_task``: a sub-orchestration's caller;
    ``version``: what the orchestrator reads as ``context.version``. Replies with the instance
    id."""

    instance_id: str
    name: str
    input_json: str | None
    fresh: bool = False
    parent: str | None = None
    parent_task: int | None = None
    version: str | None = None
    reply: Reply = None


@dataclass(frozen=True, slots=True)
class Deliver:
    """Record ``event`` in an instance's history (of execution ``generation`` only, if given)."""

    instance_id: str
    generation: int | None
    event: Event


@dataclass(frozen=True, slots=True)
class ActivityDone:
    """Activity ``activity`` of execution ``generation`` ended: ``event`` is its
    TaskCompleted or TaskFailed."""

    instance_id: str
    generation: int
    activity: str
    event: Event


@dataclass(frozen=True, slots=True)
class RaiseEvent:
    instance_id: str
    name: str
    input_json: str | None
    reply: Reply = None


@dataclass(frozen=True, slots=True)
class Control:
    action: ControlAction
    instance_id: str
    reason: str | None
    reply: Reply = None


@dataclass(frozen=True, slots=True)
class Purge:
    """Delete a finished instance's history; replies with how many were deleted (0 or 1)."""

    instance_id: str
    reply: Reply = None


@dataclass(frozen=True, slots=True)
class Wait:
    """Reply with the instance's status once it is Completed, Failed or Terminated, or at
    ``deadline`` (engine-clock seconds; ``None``: none), whichever comes first."""

    instance_id: str
    reply: Reply = None
    deadline: float | None = None


@dataclass(frozen=True, slots=True)
class Rewind:
    """Run a Failed instance on from its first failure (:mod:`.rewind`)."""

    instance_id: str
    reason: str | None
    reply: Reply = None


@dataclass(frozen=True, slots=True)
class Idle:
    """The engine has nothing to do (no message waiting, no activity running, no timer due):
    when its next live timer or wait deadline falls due (``None``: none), and how many callers
    are waiting for an instance to finish."""

    next_due: float | None
    waiters: int


@dataclass(frozen=True, slots=True)
class AwaitIdle:
    """Reply with an :class:`Idle` once the engine has nothing left to do until time moves.
    ``jump``: asked on the engine thread, when it is idle with a timer or deadline ahead,
    whether time may move there; a caller that answers True has moved the clock to
    ``next_due`` (a virtual clock), and the engine runs on instead of replying: time skips
    without a round trip to the caller."""

    reply: Reply = None
    jump: Callable[[Idle], bool] | None = None


@dataclass(frozen=True, slots=True)
class Call:
    """Run ``fn`` on the engine thread; reply with its result."""

    fn: Callable[[], Any]
    reply: Reply = None


@dataclass(frozen=True, slots=True)
class Signal:
    """Run ``operation`` on entity ``entity`` (``"@name@key"``); ``answer``: the orchestration
    task (instance, generation, task id) waiting for the result, if any."""

    entity: str
    operation: str
    input_json: str | None
    answer: tuple[str, int, int] | None = None
    reply: Reply = None


@dataclass(frozen=True, slots=True)
class Pump:
    """Slots were freed: launch the Pending instances they now admit."""


@dataclass(frozen=True, slots=True)
class Continue:
    """Start the next execution of an instance that called ``continue_as_new``."""

    instance_id: str
    generation: int


@dataclass(frozen=True, slots=True)
class Stop:
    """Finish this turn and end the engine thread."""


Message = (
    Start
    | Deliver
    | ActivityDone
    | RaiseEvent
    | Control
    | Purge
    | Wait
    | Rewind
    | AwaitIdle
    | Call
    | Signal
    | Pump
    | Continue
    | Stop
)


@dataclass(frozen=True, slots=True)
class Job:
    """An activity to run: the task ``task_id`` of execution ``generation`` of an instance."""

    instance_id: str
    generation: int
    task_id: int
    name: str
    input_json: str | None
