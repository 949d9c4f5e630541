"""The step IR: a tree of structured steps (sequence, choice, loop, try) over expressions."""

from __future__ import annotations

import builtins
from dataclasses import dataclass, field
from typing import Literal

from .exprs import Expr


@dataclass(frozen=True)
class Retry:
    """``RetryOptions``: attempts include the first try; intervals in milliseconds."""

    max_attempts: int
    first_interval_ms: int
    backoff_coefficient: float = 1.0
    max_interval_ms: int | None = None


@dataclass(frozen=True)
class Call:
    """An activity (``kind="activity"``), sub-orchestration or entity operation call (its input
    is the operation, :mod:`faas_iac.translate.entities`): its name, input and retry."""

    kind: Literal["activity", "orchestrator", "entity"]
    name: str
    input: Expr
    retry: Retry | None = None
    #: the name computed at run time (``name`` then lists the candidates, comma-separated)
    name_expr: Expr | None = None
    #: a sub-orchestration's instance id given by the caller
    instance: Expr | None = None


@dataclass(frozen=True)
class Assign:
    target: str
    value: Expr
    line: int = 0


@dataclass(frozen=True)
class Task:
    """``target = yield call`` (target may be None)."""

    call: Call
    target: str | None
    line: int = 0


@dataclass(frozen=True)
class FanOut:
    """``yield ctx.task_all([call(x) for x in source])``: one call per element, results in order."""

    call: Call  # its input refers to ``var``
    var: str
    source: Expr
    target: str | None
    line: int = 0


@dataclass(frozen=True)
class Parallel:
    """``yield ctx.task_all([call_a, call_b, ...])``: a fixed set of branches, results in order."""

    calls: tuple[Call, ...]
    target: str | None
    line: int = 0


@dataclass(frozen=True)
class Timer:
    """``yield ctx.create_timer(ctx.current_utc_datetime + timedelta(...))``: ``seconds`` from
    now; or, with ``until``, at that instant (seconds since the epoch; ``seconds`` is then 0)."""

    seconds: Expr
    line: int = 0
    until: Expr | None = None


@dataclass(frozen=True)
class WaitEvent:
    """``yield ctx.wait_for_external_event(name)``, optionally raced against a timer.

    With ``timeout_seconds`` (a ``task_any`` of the event and a timer): ``winner`` is set to
    ``event_tag`` when the event came first, to ``timer_tag`` on timeout; ``target`` holds the
    event's payload (None on timeout)."""

    event: str
    target: str | None
    timeout_seconds: Expr | None = None
    winner: str | None = None
    event_tag: str = "event"
    timer_tag: str = "timer"
    line: int = 0


@dataclass(frozen=True)
class Arm:
    """One task of a ``task_any`` race: an external event (its payload kept in ``target``) or
    a timer firing ``seconds`` from the race's start."""

    tag: str
    event: str | None = None
    seconds: Expr | None = None
    target: str | None = None


@dataclass(frozen=True)
class Race:
    """``winner = yield ctx.task_any([...])`` over several events (and at most one timer):
    ``winner`` is set to the tag of the first task to complete."""

    arms: tuple[Arm, ...]
    winner: str | None
    line: int = 0


@dataclass(frozen=True)
class SetStatus:
    value: Expr
    line: int = 0


@dataclass(frozen=True)
class If:
    test: Expr
    body: tuple[Step, ...]
    orelse: tuple[Step, ...] = ()
    line: int = 0


@dataclass(frozen=True)
class While:
    test: Expr
    body: tuple[Step, ...]
    line: int = 0


@dataclass(frozen=True)
class ForEach:
    """A sequential ``for var in source:`` whose body yields."""

    var: str
    source: Expr
    body: tuple[Step, ...]
    line: int = 0


@dataclass(frozen=True)
class Break:
    """``break``: leave the innermost loop."""

    line: int = 0


@dataclass(frozen=True)
class Continue:
    """``continue``: go on with the innermost loop's next iteration."""

    line: int = 0


#: What an ``except`` catches: every error (``Exception``), task failures only
#: (``TaskFailedError``), or errors the orchestrator raises itself of these class names.
EVERY = "Exception"
TASK_FAILED = "TaskFailedError"


@dataclass(frozen=True)
class Try:
    """``try: body except Exception as error_var: handler``. A caught error is held as
    ``{"type", "message", "text"}`` (``text`` is ``str(error)``)."""

    body: tuple[Step, ...]
    handler: tuple[Step, ...]
    error_var: str | None = None
    line: int = 0
    catches: tuple[str, ...] = (EVERY,)


def catches_raise(catches: tuple[str, ...], error: str) -> bool:
    """Whether ``except <catches>`` catches ``raise error(...)`` (builtin error classes by
    their hierarchy, others by name)."""
    if EVERY in catches or error in catches:
        return True
    raised = getattr(builtins, error, None)
    return isinstance(raised, type) and any(
        isinstance(getattr(builtins, c, None), type) and issubclass(raised, getattr(builtins, c))
        for c in catches
    )


@dataclass(frozen=True)
class Return:
    value: Expr
    line: int = 0


@dataclass(frozen=True)
class Raise:
    """``raise SomeError(message)``: the execution fails with that error name and message."""

    error: str
    message: Expr
    line: int = 0


@dataclass(frozen=True)
class Reraise:
    """A bare ``raise`` in an ``except`` block: the caught error goes on up."""

    error_var: str
    line: int = 0


@dataclass(frozen=True)
class ContinueAsNew:
    input: Expr
    line: int = 0


Step = (
    Assign
    | Task
    | FanOut
    | Parallel
    | Timer
    | WaitEvent
    | Race
    | SetStatus
    | If
    | While
    | ForEach
    | Break
    | Continue
    | Try
    | Return
    | Raise
    | Reraise
    | ContinueAsNew
)


@dataclass(frozen=True)
class Workflow:
    """One orchestrator, translated: its name, steps, and where it was written."""

    name: str
    steps: tuple[Step, ...]
    file: str = ""
    line: int = 0
    activities: tuple[str, ...] = field(default=())
    orchestrators: tuple[str, ...] = field(default=())
    events: tuple[str, ...] = field(default=())
    uses_status: bool = False
    entities: tuple[str, ...] = field(default=())
    #: activities whose return annotation says their result holds no float (int, str, bool,
    #: None and containers of those), for targets whose numbers do not keep 1 and 1.0 apart
    exact_results: tuple[str, ...] = field(default=())

    def location(self, line: int) -> str:
        return f"{self.file}:{line}" if self.file else f"line {line}"
