"""Walks over the step IR: every step, what a step reads, and a step rebuilt with each of its
expressions mapped."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import assert_never

from .exprs import Expr, Var
from .steps import (
    Assign,
    Break,
    Call,
    Continue,
    ContinueAsNew,
    FanOut,
    ForEach,
    If,
    Parallel,
    Race,
    Raise,
    Reraise,
    Return,
    SetStatus,
    Step,
    Task,
    Timer,
    Try,
    WaitEvent,
    While,
    Workflow,
)


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
