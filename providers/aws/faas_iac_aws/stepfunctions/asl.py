"""The IR of one orchestrator → an Amazon States Language definition (JSONata mode).

One pass over the structured IR. Pure assignments never become states: they fold into the
``Assign`` of the state before them (with that state's own assignments substituted, since all
of a state's ``Assign`` expressions see the variables as they were before it), or, at the start
of the machine, into the first state. A ``return`` right after a task becomes that task's
``Output`` + ``End``. So the machine has the states a careful hand-written one has.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

from faas_iac.translate import ir
from faas_iac.translate.kinds import infer

from .jsonata import jsonata, template, var_name
from .names import Names

LAMBDA = "arn:aws:states:::lambda:invoke"
LAMBDA_TOKEN = "arn:aws:states:::lambda:invoke.waitForTaskToken"
START_SYNC = "arn:aws:states:::states:startExecution.sync:2"
START = "arn:aws:states:::states:startExecution"
PUT_ITEM = "arn:aws:states:::dynamodb:putItem"


def child_name(unique: str = "") -> str:
    """A child execution's name: the parent's (cut to 50), ``unique`` and the entry time."""
    middle = f' & {unique} & "-"' if unique else ""
    return (
        '{% $substring($states.context.Execution.Name, 0, 50) & "-"'
        + middle
        + ' & $replace($states.context.State.EnteredTime, /[^0-9]/, "") %}'
    )


#: continue_as_new keeps the instance: ``<instance>~<generation>``, so a client finds the chain.
NEXT_GENERATION = (
    '{% ($p := $split($states.context.Execution.Name, "~"); $p[0] & "~" & '
    "$string(($count($p) > 1 ? $number($p[1]) : 0) + 1)) %}"
)
#: Inline Map runs at most this many iterations at once; beyond it, Distributed mode.
INLINE_MAP_LIMIT = 40


@dataclass
class Exit:
    """A dangling transition: ``holder[key]`` gets the next state's name; ``assign`` (if the
    holder can assign) collects the folded assignments, as IR, rendered at the end."""

    holder: dict[str, Any]
    key: str = "Next"
    assign: dict[str, ir.Expr] | None = None
    state: dict[str, Any] | None = None  # the state itself, when a return can fold into it


@dataclass
class _Handler:
    exits: list[Exit] = field(default_factory=list)
    error_var: str = ""


@dataclass
class _Loop:
    """The transitions a loop body leaves by ``break`` and by ``continue``."""

    breaks: list[Exit] = field(default_factory=list)
    continues: list[Exit] = field(default_factory=list)


class Builder:
    def __init__(self, wf: ir.Workflow, names: Names) -> None:
        self.wf = wf
        self.names = names
        self.states: dict[str, dict[str, Any]] = {}
        self.assigns: list[tuple[dict[str, Any], dict[str, ir.Expr]]] = []
        self.start: str | None = None
        self.pending: dict[str, ir.Expr] = {ir.INPUT: ir.Native("$states.input")}
        self.handlers: list[_Handler] = []
        self.loops: list[_Loop] = []
        self.counter = 0
        self.taken: set[str] = set()
        self.env = infer(wf)
        #: Variables the states' own fields read (Assign blocks are added by liveness).
        self.reads: set[str] = set()
        #: After :meth:`finish`: every variable some kept expression reads.
        self.live: set[str] = set()

    # -- plumbing -----------------------------------------------------------------------------
    def _name(self, base: str) -> str:
        """A state name unique in the whole machine (branches and Map processors included)."""
        name = base[:80]
        n = 1
        while name in self.taken:
            n += 1
            name = f"{base[:76]} {n}"
        self.taken.add(name)
        return name

    def _assign_of(self, holder: dict[str, Any]) -> dict[str, ir.Expr]:
        block: dict[str, ir.Expr] = {}
        self.assigns.append((holder, block))
        return block

    def new_state(
        self, base: str, body: dict[str, Any], exits: list[Exit], inputs: tuple[str, ...] = ()
    ) -> tuple[str, dict[str, ir.Expr]]:
        """Add a state fed by ``exits``; returns its name and its Assign block (which starts
        with the pending assignments when this is the first state)."""
        name = self._name(base)
        state = dict(body)
        self.states[name] = state
        block = self._assign_of(state)
        if self.start is None:
            self.start = name
            block.update(self.pending)
            self.pending = {}
        for ex in exits:
            ex.holder[ex.key] = name
        return name, block

    def sub(self, e: ir.Expr) -> ir.Expr:
        """An expression as seen by the state being built (pending values substituted)."""
        return ir.substitute(e, self.pending) if self.start is None else e

    def seen(self, e: ir.Expr) -> ir.Expr:
        """``e``, recorded as read by a state's field (for variable liveness)."""
        self.reads |= ir.free_vars(e)
        return e

    def tpl(self, e: ir.Expr) -> object:
        """A state field holding ``e`` as the state being built sees it."""
        return self.field(self.sub(e))

    def field(self, e: ir.Expr) -> object:
        """A state field holding ``e`` (a constant as itself, else ``{% ... %}``)."""
        return template(self.seen(e), self.env)

    def text(self, e: ir.Expr) -> str:
        """The JSONata source of ``e``, for a field that wraps it in more text."""
        return jsonata(self.seen(e), self.env)

    def assign(self, var: str, value: ir.Expr, exits: list[Exit]) -> list[Exit]:
        if self.start is None and not exits:
            self.pending[var] = ir.substitute(value, self.pending)
            return exits
        if any(ex.assign is None for ex in exits):
            exits = self.materialize(exits)
        for ex in exits:
            assert ex.assign is not None
            ex.assign[var] = ir.substitute(value, ex.assign)
        return exits

    def materialize(self, exits: list[Exit]) -> list[Exit]:
        """A Pass state where assignments cannot fold (a Choice default, the very start)."""
        name, block = self.new_state("Assign", {"Type": "Pass"}, exits)
        state = self.states[name]
        return [Exit(state, "Next", block, None)]

    def catchers(self, state: dict[str, Any]) -> None:
        if not self.handlers:
            return
        handler = self.handlers[-1]
        catcher: dict[str, Any] = {"ErrorEquals": ["States.ALL"]}
        state.setdefault("Catch", []).append(catcher)
        block = self._assign_of(catcher)
        if handler.error_var:
            block[handler.error_var] = ir.Native("$states.errorOutput", "dict")
        handler.exits.append(Exit(catcher, "Next", block))

    # -- steps --------------------------------------------------------------------------------
    def block(self, steps: tuple[ir.Step, ...], exits: list[Exit]) -> list[Exit]:
        for step in steps:
            exits = self.step(step, exits)
        return exits

    def step(self, step: ir.Step, exits: list[Exit]) -> list[Exit]:
        """One step after ``exits``; the exits after it (control flow: :mod:`.flow`)."""
        raise NotImplementedError

    def _call_state(
        self, call: ir.Call, payload: object, unique: str = ""
    ) -> tuple[dict[str, Any], ir.Native]:
        """A Task calling an activity or starting a child execution; ``unique`` (JSONata text)
        keeps child names apart when several start in the same millisecond."""
        if call.kind == "activity":
            body: dict[str, Any] = {
                "Type": "Task",
                "Resource": LAMBDA,
                "Arguments": {"FunctionName": self.names.function(call.name), "Payload": payload},
            }
            result = ir.Native("$states.result.Payload")
        else:
            body = {
                "Type": "Task",
                "Resource": START_SYNC,
                "Arguments": {
                    "StateMachineArn": self.names.state_machine(call.name),
                    "Input": payload,
                    "Name": child_name(unique),
                },
            }
            result = ir.Native("$states.result.Output")
        if call.retry is not None:
            body["Retry"] = [retrier(call.retry)]
        return body, result

    def _Task(self, step: ir.Task, exits: list[Exit]) -> list[Exit]:
        body, result = self._call_state(step.call, self.tpl(step.call.input))
        name, block = self.new_state(_title(step.call.name), body, exits)
        state = self.states[name]
        self.catchers(state)
        if step.target:
            block[step.target] = result
        return [Exit(state, "Next", block, state)]

    def _FanOut(self, step: ir.FanOut, exits: list[Exit]) -> list[Exit]:
        children = step.call.kind == "orchestrator"  # each child needs its own name
        item = ir.Native("$states.input.item" if children else "$states.input")
        payload = self.field(ir.substitute(step.call.input, {step.var: item}))
        unique = "$string($states.input.index)" if children else ""
        inner, result = self._call_state(step.call, payload, unique)
        inner["Output"] = "{% " + result.text + " %}"
        inner["End"] = True
        task = self._name(_title(step.call.name))
        body = {
            "Type": "Map",
            "Items": self.tpl(step.source),
            "MaxConcurrency": INLINE_MAP_LIMIT,
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "INLINE"},
                "StartAt": task,
                "States": {task: inner},
            },
        }
        if children:
            body["ItemSelector"] = {
                "item": "{% $states.context.Map.Item.Value %}",
                "index": "{% $states.context.Map.Item.Index %}",
            }
        name, block = self.new_state(f"Each {task}", body, exits)
        state = self.states[name]
        self.catchers(state)
        if step.target:
            block[step.target] = ir.Native("$states.result", "list")
        return [Exit(state, "Next", block, state)]

    def _Parallel(self, step: ir.Parallel, exits: list[Exit]) -> list[Exit]:
        branches = []
        for i, call in enumerate(step.calls):
            inner, result = self._call_state(call, self.tpl(call.input), f'"b{i}"')
            inner["Output"] = "{% " + result.text + " %}"
            inner["End"] = True
            task = self._name(_title(call.name))
            branches.append({"StartAt": task, "States": {task: inner}})
        body = {"Type": "Parallel", "Branches": branches}
        title = " and ".join(_title(c.name) for c in step.calls)
        name, block = self.new_state(title, body, exits)
        state = self.states[name]
        self.catchers(state)
        if step.target:
            block[step.target] = ir.Native("$states.result", "list")
        return [Exit(state, "Next", block, state)]

    def _Timer(self, step: ir.Timer, exits: list[Exit]) -> list[Exit]:
        seconds = self.sub(step.seconds)
        body: dict[str, Any] = {"Type": "Wait"}
        if isinstance(seconds, ir.Const):
            body["Seconds"] = seconds.value
        else:  # a computed duration, as a time stamp (Seconds takes only numbers in the schema)
            body["Timestamp"] = (
                "{% $fromMillis($toMillis($states.context.State.EnteredTime) + "
                f"({self.text(seconds)}) * 1000) %}}"
            )
        name, block = self.new_state("Wait", body, exits)
        state = self.states[name]
        return [Exit(state, "Next", block, state)]

    def _WaitEvent(self, step: ir.WaitEvent, exits: list[Exit]) -> list[Exit]:
        key = '{% $states.context.Execution.Name & "#' + step.event + '" %}'
        body: dict[str, Any] = {
            "Type": "Task",
            "Resource": LAMBDA_TOKEN,
            "Arguments": {
                "FunctionName": self.names.token_registrar,
                "Payload": {
                    "table": self.names.registry_table,
                    "key": key,
                    "token": "{% $states.context.Task.Token %}",
                },
            },
        }
        if step.timeout_seconds is not None:
            seconds = self.sub(step.timeout_seconds)
            body["TimeoutSeconds"] = (
                seconds.value
                if isinstance(seconds, ir.Const)
                else "{% " + self.text(seconds) + " %}"
            )
        name, block = self.new_state(f"Wait for {step.event}", body, exits)
        state = self.states[name]
        if step.target:
            block[step.target] = ir.Native("$states.result")
        result = [Exit(state, "Next", block, state)]
        if step.timeout_seconds is not None:
            if step.winner:
                block[step.winner] = ir.Const(step.event_tag)
            catcher: dict[str, Any] = {"ErrorEquals": ["States.Timeout"]}
            state["Catch"] = [catcher]
            timeout = self._assign_of(catcher)
            if step.target:
                timeout[step.target] = ir.Const(None)
            if step.winner:
                timeout[step.winner] = ir.Const(step.timer_tag)
            result.append(Exit(catcher, "Next", timeout))
        self.catchers(state)
        return result

    def _SetStatus(self, step: ir.SetStatus, exits: list[Exit]) -> list[Exit]:
        body = {
            "Type": "Task",
            "Resource": PUT_ITEM,
            "Arguments": {
                "TableName": self.names.registry_table,
                "Item": {
                    "pk": {"S": '{% $states.context.Execution.Name & "#status" %}'},
                    "status": {"S": "{% " + json_text(self.text(self.sub(step.value))) + " %}"},
                },
            },
        }
        name, block = self.new_state("Set status", body, exits)
        state = self.states[name]
        self.catchers(state)
        return [Exit(state, "Next", block, None)]

    def _Return(self, step: ir.Return, exits: list[Exit]) -> list[Exit]:
        if len(exits) == 1 and exits[0].state is not None and exits[0].assign is not None:
            state = exits[0].state
            state.pop("Next", None)
            state["End"] = True
            state["Output"] = output(self.field(ir.substitute(step.value, exits[0].assign)))
            exits[0].assign.clear()  # nothing reads variables after the end
            return []
        self.new_state("Done", {"Type": "Succeed", "Output": output(self.tpl(step.value))}, exits)
        return []

    def _Raise(self, step: ir.Raise, exits: list[Exit]) -> list[Exit]:
        if self.handlers:
            handler = self.handlers[-1]
            error = ir.DictLit(
                (("Error", ir.Const(step.error)), ("Cause", ir.Builtin("str", (step.message,))))
            )
            for ex in self.assign(handler.error_var, error, exits):
                handler.exits.append(ex)
            return []
        cause = self.sub(ir.Builtin("str", (step.message,)))
        self.new_state(
            f"Fail {step.error}",
            {"Type": "Fail", "Error": step.error, "Cause": self.field(cause)},
            exits,
        )
        return []

    def _Reraise(self, step: ir.Reraise, exits: list[Exit]) -> list[Exit]:
        if self.handlers:
            handler = self.handlers[-1]
            for ex in self.assign(handler.error_var, ir.Var(step.error_var), exits):
                handler.exits.append(ex)
            return []
        err = ir.Var(step.error_var)
        self.new_state(
            "Fail",
            {
                "Type": "Fail",
                "Error": self.field(ir.Index(err, ir.Const("Error"))),
                "Cause": self.field(ir.Index(err, ir.Const("Cause"))),
            },
            exits,
        )
        return []

    def _ContinueAsNew(self, step: ir.ContinueAsNew, exits: list[Exit]) -> list[Exit]:
        body = {
            "Type": "Task",
            "Resource": START,
            "Arguments": {
                "StateMachineArn": "{% $states.context.StateMachine.Id %}",
                "Input": self.tpl(step.input),
                "Name": NEXT_GENERATION,
            },
            "Output": "{% $states.result.ExecutionArn %}",
            "End": True,
        }
        self.new_state("Continue as new", body, exits)
        return []

    # -- output -------------------------------------------------------------------------------
    def finish(self) -> dict[str, Any]:
        live = set(self.reads)
        while True:  # a variable is live if a state's field or a live assignment reads it
            reads = {
                v
                for _, block in self.assigns
                for k, value in block.items()
                if k in live
                for v in ir.free_vars(value)
            }
            if reads <= live:
                break
            live |= reads
        self.live = live
        for holder, block in self.assigns:
            kept = {var_name(k): template(v, self.env) for k, v in block.items() if k in live}
            if kept:
                holder["Assign"] = kept
        return {
            "Comment": f"Translated by faas-iac from {self.wf.location(self.wf.line)} "
            f"({self.wf.name}).",
            "QueryLanguage": "JSONata",
            "StartAt": self.start,
            "States": self.states,
        }


def output(value: object) -> object:
    """An ``Output`` field: a constant string as a JSONata expression (asl-validator refuses a
    plain string there, it is not a JSONata template)."""
    if isinstance(value, str) and not value.startswith("{%"):
        return "{% " + json.dumps(value) + " %}"
    return value


def json_text(value: str) -> str:
    """JSONata for the JSON text of ``value`` (JSONata source): ``$string`` leaves a string
    unquoted, so the value is encoded inside an object and cut out of it."""
    return f'($__json := $string({{"v": {value}}}); $substring($__json, 5, $length($__json) - 6))'


def retrier(retry: ir.Retry) -> dict[str, Any]:
    """``RetryOptions`` → a Retrier: MaxAttempts counts retries, not the first try."""
    out: dict[str, Any] = {
        "ErrorEquals": ["States.ALL"],
        "IntervalSeconds": max(1, math.ceil(retry.first_interval_ms / 1000)),
        "MaxAttempts": retry.max_attempts - 1,
        "BackoffRate": retry.backoff_coefficient,
    }
    if retry.max_interval_ms is not None:
        out["MaxDelaySeconds"] = max(1, math.ceil(retry.max_interval_ms / 1000))
    return out


def _title(name: str) -> str:
    return " ".join(w.capitalize() for w in name.replace("-", "_").split("_") if w) or name
