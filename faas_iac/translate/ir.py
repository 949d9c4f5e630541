"""The provider-neutral IR of one orchestration: typed expressions and a tree of steps.

Pure data (frozen dataclasses). :mod:`.analyze` builds it from the orchestrator's source; the
emitters in the provider packages read it (the ASL emitter for Step Functions, the YAML emitter
for Workflows). Control flow is structured (sequence, choice, loop, try), so every target's
graph follows from it without guessing; :mod:`.graph` draws it.
"""

from __future__ import annotations

import builtins
import dataclasses
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, assert_never

# -- expressions ------------------------------------------------------------------------------

BinOpKind = Literal["+", "-", "*", "/", "//", "%", "**"]
CompareKind = Literal["==", "!=", "<", "<=", ">", ">=", "in", "not in", "is", "is not"]
BuiltinKind = Literal[
    "len",
    "str",
    "int",
    "float",
    "bool",
    "abs",
    "min",
    "max",
    "sum",
    "keys",
    "values",
    "get",
    "upper",
    "lower",
    "strip",
    "round",
    "range",
    "any",
    "all",
    "sorted",
    "reversed",
    "list",
    "startswith",
    "endswith",
    "replace",
    "split",
    "join",
    # the orchestration's own values
    "now",  # ctx.current_utc_datetime, as seconds since the epoch (a timedelta is seconds)
    "instance_id",
    "parent_instance_id",
    "uuid",  # ctx.new_uuid(): a new UUID per call, fixed for the execution
    # collections
    "items",
    "enumerate",  # (items, start)
    "zip",
    "dict",  # a copy of a dict, or the dict of a list of [key, value] pairs
    "distinct",  # a set's items, each once, in first-seen order (only where order is unseen)
    "set_item",  # (container, key, value): a copy with container[key] = value
    "without",  # (dict, key): a copy without the key
    "slice",  # (value, start, stop, step), each bound None when absent
    "insert",  # (list, index, value): a copy with the value inserted
    "index",
    "count",
    "isinstance",  # (value, Const([kinds])): str, int, float, bool, list, dict, NoneType
    "min_by",  # (items, Lambda): the first smallest by key
    "max_by",
    "sorted_by",  # (items, Lambda, reverse)
    # text
    "title",
    "capitalize",
    "zfill",
    "lstrip",
    "rstrip",
    "format",  # (value, Const(spec)): format(value, spec)
    "error_text",  # (error value): str(e) of a caught error
]


@dataclass(frozen=True)
class Const:
    value: Any  # a JSON value: None, bool, int, float, str, list, dict of JSON values


@dataclass(frozen=True)
class Var:
    name: str


@dataclass(frozen=True)
class Index:
    """``value[key]``: a list index (int) or a dict key (str)."""

    value: Expr
    key: Expr


@dataclass(frozen=True)
class BinOp:
    op: BinOpKind
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Compare:
    op: CompareKind
    left: Expr
    right: Expr


@dataclass(frozen=True)
class BoolOp:
    op: Literal["and", "or"]
    values: tuple[Expr, ...]


@dataclass(frozen=True)
class Not:
    value: Expr


@dataclass(frozen=True)
class Neg:
    value: Expr


@dataclass(frozen=True)
class IfExp:
    test: Expr
    then: Expr
    orelse: Expr


@dataclass(frozen=True)
class Builtin:
    """A pure builtin or method: ``len(x)``, ``str(x)``, ``d.get(k, default)``, ``s.upper()``."""

    name: BuiltinKind
    args: tuple[Expr, ...]


@dataclass(frozen=True)
class ListLit:
    items: tuple[Expr, ...]


@dataclass(frozen=True)
class DictLit:
    items: tuple[tuple[str, Expr], ...]


@dataclass(frozen=True)
class DictOf:
    """``{key: value}`` with a key computed at run time."""

    key: Expr
    value: Expr


@dataclass(frozen=True)
class Merge:
    """``{**a, "k": v, **b}``: the dicts merged left to right (a later key replaces the value
    and keeps the position of the first, as Python's dict does)."""

    parts: tuple[Expr, ...]


@dataclass(frozen=True)
class Concat:
    """An f-string: the parts are joined as text (non-strings through ``str``)."""

    parts: tuple[Expr, ...]


@dataclass(frozen=True)
class Comprehension:
    """``[element for var in source if cond]``."""

    element: Expr
    var: str
    source: Expr
    cond: Expr | None = None


@dataclass(frozen=True)
class Lambda:
    """``lambda var: body`` (a key function of ``sorted`` / ``min`` / ``max``)."""

    var: str
    body: Expr


@dataclass(frozen=True)
class Native:
    """A target-language expression made by an emitter (never by the analyzer), e.g. the
    result of the state being built. Its ``kind`` is the static type when known."""

    text: str
    kind: str | None = None


Expr = (
    Const
    | Var
    | Index
    | BinOp
    | Compare
    | BoolOp
    | Not
    | Neg
    | IfExp
    | Builtin
    | ListLit
    | DictLit
    | DictOf
    | Merge
    | Concat
    | Comprehension
    | Lambda
    | Native
)

#: The variable that holds the orchestration input (``ctx.get_input()``).
INPUT = "input"

# -- steps ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Retry:
    """``RetryOptions``: attempts include the first try; intervals in milliseconds."""

    max_attempts: int
    first_interval_ms: int
    backoff_coefficient: float = 1.0
    max_interval_ms: int | None = None


@dataclass(frozen=True)
class Call:
    """An activity (``kind="activity"``) or sub-orchestration call: its name, input and retry."""

    kind: Literal["activity", "orchestrator"]
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

    def location(self, line: int) -> str:
        return f"{self.file}:{line}" if self.file else f"line {line}"


def walk(steps: tuple[Step, ...]) -> list[Step]:
    """Every step, depth first, in source order."""
    found: list[Step] = []
    for step in steps:
        found.append(step)
        for body in bodies(step):
            found += walk(body)
    return found


def bodies(step: Step) -> tuple[tuple[Step, ...], ...]:
    """The step lists a step contains, in source order."""
    match step:
        case If(_, body, orelse):
            return (body, orelse)
        case While(_, body) | ForEach(_, _, body):
            return (body,)
        case Try(body, handler):
            return (body, handler)
        case (
            Assign()
            | Task()
            | FanOut()
            | Parallel()
            | Timer()
            | WaitEvent()
            | Race()
            | SetStatus()
            | Return()
            | Raise()
            | Reraise()
            | ContinueAsNew()
            | Break()
            | Continue()
        ):
            return ()
        case _:
            assert_never(step)


def map_children(expr: Expr, fn: Callable[[Expr], Expr]) -> Expr:
    """``expr`` with ``fn`` applied to each of its direct sub-expressions (the one child walk
    of the expression IR; :func:`children`, :func:`free_vars`, :func:`substitute` and
    :func:`transform` are built on it)."""
    match expr:
        case Const() | Var() | Native():
            return expr
        case Index(value, key):
            return Index(fn(value), fn(key))
        case BinOp(op, left, right):
            return BinOp(op, fn(left), fn(right))
        case Compare(op, left, right):
            return Compare(op, fn(left), fn(right))
        case BoolOp(op, values):
            return BoolOp(op, tuple(fn(v) for v in values))
        case Not(value):
            return Not(fn(value))
        case Neg(value):
            return Neg(fn(value))
        case IfExp(test, then, orelse):
            return IfExp(fn(test), fn(then), fn(orelse))
        case Builtin(name, args):
            return Builtin(name, tuple(fn(a) for a in args))
        case ListLit(items):
            return ListLit(tuple(fn(i) for i in items))
        case DictLit(items):
            return DictLit(tuple((k, fn(v)) for k, v in items))
        case DictOf(key, value):
            return DictOf(fn(key), fn(value))
        case Merge(parts):
            return Merge(tuple(fn(p) for p in parts))
        case Concat(parts):
            return Concat(tuple(fn(p) for p in parts))
        case Comprehension(element, var, source, cond):
            return Comprehension(fn(element), var, fn(source), None if cond is None else fn(cond))
        case Lambda(var, body):
            return Lambda(var, fn(body))
        case _:
            assert_never(expr)


def children(expr: Expr) -> list[Expr]:
    """The direct sub-expressions of ``expr``, in field order."""
    found: list[Expr] = []

    def keep(child: Expr) -> Expr:
        found.append(child)
        return child

    map_children(expr, keep)
    return found


def substitute(expr: Expr, env: dict[str, Expr]) -> Expr:
    """``expr`` with each free variable named in ``env`` replaced by its value."""
    if not env:
        return expr
    match expr:
        case Var(name):
            return env.get(name, expr)
        case Comprehension(element, var, source, cond):
            inner = {k: v for k, v in env.items() if k != var}
            return Comprehension(
                substitute(element, inner),
                var,
                substitute(source, env),
                None if cond is None else substitute(cond, inner),
            )
        case Lambda(var, body):
            return Lambda(var, substitute(body, {k: v for k, v in env.items() if k != var}))
    return map_children(expr, lambda child: substitute(child, env))


def free_vars(expr: Expr) -> set[str]:
    """The variables an expression reads."""
    match expr:
        case Var(name):
            return {name}
        case Comprehension(element, var, source, cond):
            inner = free_vars(element) | (free_vars(cond) if cond is not None else set())
            return (inner - {var}) | free_vars(source)
        case Lambda(var, body):
            return free_vars(body) - {var}
    found: set[str] = set()
    for child in children(expr):
        found |= free_vars(child)
    return found


_UNKNOWN = object()


def fold(expr: Expr) -> Any:
    """The value of an expression made only of constants (Python's meaning), or ``UNKNOWN``."""
    match expr:
        case Const(value):
            return value
        case ListLit(items):
            values = [fold(i) for i in items]
            return _UNKNOWN if any(v is _UNKNOWN for v in values) else values
        case Not(value):
            v = fold(value)
            return _UNKNOWN if v is _UNKNOWN else not v
        case BinOp(op, left, right) if op in ("+", "-", "*"):
            lv, rv = fold(left), fold(right)
            numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (lv, rv))
            if not numbers:
                return _UNKNOWN
            return lv + rv if op == "+" else lv - rv if op == "-" else lv * rv
        case BoolOp(op, values):
            folded = [fold(v) for v in values]
            result: Any = _UNKNOWN
            for v in folded:
                if v is _UNKNOWN:
                    return _UNKNOWN
                result = v
                if (op == "and" and not v) or (op == "or" and v):
                    return v
            return result
        case Compare(op, left, right):
            lv, rv = fold(left), fold(right)
            if lv is _UNKNOWN or rv is _UNKNOWN:
                return _UNKNOWN
            ops: dict[str, Callable[[Any, Any], bool]] = {
                "==": operator.eq,
                "!=": operator.ne,
                "<": operator.lt,
                "<=": operator.le,
                ">": operator.gt,
                ">=": operator.ge,
                "is": operator.is_,
                "is not": operator.is_not,
            }
            if op not in ops or (
                type(lv) is not type(rv)
                and not (isinstance(lv, int | float) and isinstance(rv, int | float))
            ):
                return _UNKNOWN
            try:
                return ops[op](lv, rv)
            except TypeError:
                return _UNKNOWN
    return _UNKNOWN


UNKNOWN = _UNKNOWN


def transform(expr: Expr, fn: Callable[[Expr], Expr | None]) -> Expr:
    """``expr`` rebuilt bottom-up, each node replaced by ``fn(node)`` when that is not None."""
    rebuilt = map_children(expr, lambda child: transform(child, fn))
    return fn(rebuilt) or rebuilt


def reads(step: Step) -> list[Expr]:
    """The expressions a step reads itself (not those of the steps it contains)."""
    match step:
        case Assign(_, value) | SetStatus(value) | Return(value):
            return [value]
        case Task(call):
            return call_reads(call)
        case FanOut(call, _, source):
            return [*call_reads(call), source]
        case Parallel(calls):
            return [e for c in calls for e in call_reads(c)]
        case Timer(seconds, _, until):
            return [seconds] if until is None else [seconds, until]
        case WaitEvent(_, _, timeout):
            return [timeout] if timeout is not None else []
        case Race(arms):
            return [a.seconds for a in arms if a.seconds is not None]
        case If(test) | While(test):
            return [test]
        case ForEach(_, source):
            return [source]
        case Raise(_, message):
            return [message]
        case Reraise(error_var):
            return [Var(error_var)]
        case ContinueAsNew(value):
            return [value]
        case Try() | Break() | Continue():
            return []
        case _:
            assert_never(step)


def call_reads(call: Call) -> list[Expr]:
    """The expressions of a call: its input, and its name or instance id when computed."""
    return [e for e in (call.input, call.name_expr, call.instance) if e is not None]


def jumps(steps: tuple[Step, ...]) -> bool:
    """Whether a ``break`` or ``continue`` is among ``steps`` (nested loops included)."""
    return any(isinstance(s, Break | Continue) for s in walk(steps))


def ends(steps: tuple[Step, ...]) -> bool:
    """Whether every path through ``steps`` ends the orchestration (return, raise,
    continue_as_new)."""
    if not steps:
        return False
    last = steps[-1]
    if isinstance(last, Return | Raise | Reraise | ContinueAsNew):
        return True
    if isinstance(last, If):
        return ends(last.body) and ends(last.orelse)
    if isinstance(last, Try):
        return ends(last.body) and ends(last.handler)
    return False


def map_steps(wf: Workflow, fn: Callable[[Expr], Expr]) -> Workflow:
    """``wf`` with ``fn`` applied to every expression of every step."""
    return dataclasses.replace(wf, steps=tuple(map_step(s, fn) for s in wf.steps))


def map_call(call: Call, fn: Callable[[Expr], Expr]) -> Call:
    return Call(
        call.kind,
        call.name,
        fn(call.input),
        call.retry,
        None if call.name_expr is None else fn(call.name_expr),
        None if call.instance is None else fn(call.instance),
    )


def map_step(step: Step, fn: Callable[[Expr], Expr]) -> Step:
    """``step`` (and the steps it holds) with ``fn`` applied to each expression."""

    def block(steps: tuple[Step, ...]) -> tuple[Step, ...]:
        return tuple(map_step(s, fn) for s in steps)

    match step:
        case Assign(target, value, line):
            return Assign(target, fn(value), line)
        case Task(call, target, line):
            return Task(map_call(call, fn), target, line)
        case FanOut(call, var, source, target, line):
            return FanOut(map_call(call, fn), var, fn(source), target, line)
        case Parallel(calls, target, line):
            return Parallel(tuple(map_call(c, fn) for c in calls), target, line)
        case Timer(seconds, line, until):
            return Timer(fn(seconds), line, None if until is None else fn(until))
        case WaitEvent():
            timeout = step.timeout_seconds
            return WaitEvent(
                step.event,
                step.target,
                None if timeout is None else fn(timeout),
                step.winner,
                step.event_tag,
                step.timer_tag,
                step.line,
            )
        case Race(arms, winner, line):
            return Race(
                tuple(
                    dataclasses.replace(a, seconds=None if a.seconds is None else fn(a.seconds))
                    for a in arms
                ),
                winner,
                line,
            )
        case SetStatus(value, line):
            return SetStatus(fn(value), line)
        case If(test, body, orelse, line):
            return If(fn(test), block(body), block(orelse), line)
        case While(test, body, line):
            return While(fn(test), block(body), line)
        case ForEach(var, source, body, line):
            return ForEach(var, fn(source), block(body), line)
        case Try(body, handler, error_var, line, catches):
            return Try(block(body), block(handler), error_var, line, catches)
        case Return(value, line):
            return Return(fn(value), line)
        case Raise(error, message, line):
            return Raise(error, fn(message), line)
        case ContinueAsNew(value, line):
            return ContinueAsNew(fn(value), line)
        case Reraise() | Break() | Continue():
            return step
        case _:
            assert_never(step)
