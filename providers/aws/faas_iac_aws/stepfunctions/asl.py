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
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from faas_iac.translate import ir
from faas_iac.translate.kinds import expr_kind, infer

from . import context, errors
from .jsonata import jsonata, template, var_name
from .names import Names

LAMBDA = "arn:aws:states:::lambda:invoke"
LAMBDA_TOKEN = "arn:aws:states:::lambda:invoke.waitForTaskToken"
START_SYNC = "arn:aws:states:::states:startExecution.sync:2"
START = "arn:aws:states:::states:startExecution"
PUT_ITEM = "arn:aws:states:::dynamodb:putItem"


def child_name(unique: str = "", retried: bool = False) -> str:
    """JSONata for a child execution's name: the parent's (cut to 50), ``unique``, the entry
    time, and the attempt when the call is retried (each attempt is a new execution)."""
    middle = f' & {unique} & "-"' if unique else ""
    attempt = ' & "-" & $string($states.context.State.RetryCount)' if retried else ""
    return (
        '$substring($states.context.Execution.Name, 0, 50) & "-"'
        + middle
        + ' & $replace($states.context.State.EnteredTime, /[^0-9]/, "")'
        + attempt
    )


#: continue_as_new starts the next generation under a new name (the client follows the chain
#: from each execution's output, the ARN of the next one).
NEXT_GENERATION = (
    '{% $substring($states.context.Execution.Name, 0, 50) & "-" & '
    '$replace($states.context.State.EnteredTime, /[^0-9]/, "") %}'
)
#: The error a race's branch ends with when its task comes first (followed by its index).
RACE_ERROR = "FaasIac.First"
#: Inline Map runs at most this many iterations at once; beyond it, Distributed mode.
INLINE_MAP_LIMIT = 40


def whole_second(millis: str) -> str:
    """JSONata for the time stamp of the instant ``millis`` (milliseconds since the epoch),
    rounded up to a whole second: a Wait state drops a time stamp's milliseconds, which would
    end a durable timer up to a second before it is due (a timer fires at or after its time)."""
    return f"$fromMillis($ceil(({millis}) / 1000) * 1000)"


@dataclass
class Exit:
    """A dangling transition: ``holder[key]`` gets the next state's name; ``assign`` (if the
    holder can assign) collects the folded assignments, as IR, rendered at the end."""

    holder: dict[str, Any]
    key: str = "Next"
    assign: dict[str, ir.Expr] | None = None
    state: dict[str, Any] | None = None  # the state itself, when a return can fold into it

    @property
    def timed(self) -> bool:
        """Whether time passed in the state this transition leaves: its ``Assign`` sees the
        state's entry time as ``EnteredTime``, not the time it ends."""
        kind = self.holder.get("Type")
        return "ErrorEquals" in self.holder or kind in ("Task", "Map", "Parallel", "Wait")


@dataclass
class _Handler:
    exits: list[Exit] = field(default_factory=list)
    error_var: str = ""
    catches: tuple[str, ...] = (ir.EVERY,)

    def takes_tasks(self) -> bool:
        return ir.EVERY in self.catches or ir.TASK_FAILED in self.catches


@dataclass
class _Loop:
    """The transitions a loop body leaves by ``break`` and by ``continue``."""

    breaks: list[Exit] = field(default_factory=list)
    continues: list[Exit] = field(default_factory=list)


class Builder:
    def __init__(
        self,
        wf: ir.Workflow,
        names: Names,
        orchestrators: Mapping[str, ir.Workflow] | None = None,
    ) -> None:
        first, values = context.own_values(wf)
        self.values = values
        self.wrapped = context.wrapped_children(wf, orchestrators)
        self.instance = context.instance_text(wf)
        wf = context.rewrite(wf, values)
        self.wf = wf
        self.names = names
        self.states: dict[str, dict[str, Any]] = {}
        self.assigns: list[tuple[dict[str, Any], dict[str, ir.Expr]]] = []
        self.start: str | None = None
        self.pending: dict[str, ir.Expr] = dict(first)
        #: the first state's own assignments (a Catch on it assigns them too)
        self.initial: dict[str, ir.Expr] = {}
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
            self.initial = dict(self.pending)
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
            if not _reads_fresh(value, self.pending) and not _uses(value, "uuid"):
                self.pending[var] = ir.substitute(value, self.pending)
                return exits
            exits = self.materialize(exits)
        now = _uses(value, "now")
        if any(
            ex.assign is None or (now and ex.timed) or _reads_fresh(value, ex.assign)
            for ex in exits
        ):
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

    def catchers(self, state: dict[str, Any], call: ir.Call | None = None) -> None:
        """The state's Catch: to the innermost ``except`` that takes task failures, with the
        caught error as a value; with none, a failed child execution fails this one with the
        child's own error."""
        handler = next((h for h in reversed(self.handlers) if h.takes_tasks()), None)
        if handler is None:
            if call is not None and call.kind == "orchestrator":
                self._fail_as_child(state, call)
            return
        catcher: dict[str, Any] = {"ErrorEquals": ["States.ALL"]}
        state.setdefault("Catch", []).append(catcher)
        block = self._assign_of(catcher)
        self.on_catch(state, block)
        if handler.error_var:
            value = errors.caught(call.kind if call else None, call.name if call else "")
            block[handler.error_var] = value
        handler.exits.append(Exit(catcher, "Next", block))

    def on_catch(self, state: dict[str, Any], block: dict[str, ir.Expr]) -> None:
        """A Catch of the first state assigns what that state's own Assign would have (the
        orchestration input among them): its Assign does not run when it fails."""
        if self.start is not None and self.states.get(self.start) is state:
            block.update(self.initial)

    def _fail_as_child(self, state: dict[str, Any], call: ir.Call) -> None:
        catcher: dict[str, Any] = {"ErrorEquals": ["States.ALL"]}
        state.setdefault("Catch", []).append(catcher)
        block = self._assign_of(catcher)
        block["__failure"] = errors.caught(call.kind, call.name)
        self.new_state(
            f"Fail {_title(call.name)}",
            {"Type": "Fail", "Error": errors.FAIL_ERROR, "Cause": "{% $__failure.message %}"},
            [Exit(catcher, "Next", block)],
        )
        self.reads.add("__failure")

    # -- steps --------------------------------------------------------------------------------
    def block(self, steps: tuple[ir.Step, ...], exits: list[Exit]) -> list[Exit]:
        for step in steps:
            exits = self.step(step, exits)
        return exits

    def step(self, step: ir.Step, exits: list[Exit]) -> list[Exit]:
        """One step after ``exits``; the exits after it (control flow: :mod:`.flow`)."""
        raise NotImplementedError

    def _call_state(
        self, call: ir.Call, sub: Callable[[ir.Expr], ir.Expr], unique: str = ""
    ) -> tuple[dict[str, Any], ir.Native]:
        """A Task calling an activity or starting a child execution; ``sub`` gives an
        expression as this state sees it; ``unique`` (JSONata text) keeps child names apart
        when several start in the same millisecond."""
        payload = self._child_input(sub(call.input))
        if call.kind in ("activity", "entity"):  # an entity's function runs the operation
            function: object = (
                "{% " + self._lookup(call, self.names.function, sub) + " %}"
                if call.name_expr is not None
                else self.names.function(call.name)
            )
            body: dict[str, Any] = {
                "Type": "Task",
                "Resource": LAMBDA,
                "Arguments": {"FunctionName": function, "Payload": payload},
            }
            result = ir.Native("$states.result.Payload")
        else:
            machine: object = (
                "{% " + self._lookup(call, self.names.state_machine, sub) + " %}"
                if call.name_expr is not None
                else self.names.state_machine(call.name)
            )
            name = (
                self.text(sub(call.instance))
                if call.instance is not None
                else child_name(unique, call.retry is not None)
            )
            if call.name in self.wrapped:
                parent = self._instance()
                payload = (
                    "{% {"
                    + f'"{context.WRAPPER}": {{"instance": {name}, "parent": {parent}}}, '
                    + f'"input": {self.text(sub(call.input))}'
                    + "} %}"
                )
            body = {
                "Type": "Task",
                "Resource": START_SYNC,
                "Arguments": {
                    "StateMachineArn": machine,
                    "Input": payload,
                    "Name": "{% " + name + " %}",
                },
            }
            result = ir.Native("$states.result.Output")
        if call.retry is not None:
            body["Retry"] = [retrier(call.retry)]
        return body, result

    def _child_input(self, e: ir.Expr) -> object:
        """A Lambda's ``Payload`` or a child execution's ``Input``: Step Functions sends a
        string that is JSON text as that JSON (any other value it encodes itself), so a string
        is sent JSON-encoded (``'{"a": 1}'`` reaches the activity as that text, not a dict)."""
        kind = expr_kind(e, self.env)
        if kind not in ("str", None):
            return self.field(e)
        text = self.text(e)
        encoded = "($s := $string([$v]); $substring($s, 1, $length($s) - 2))"
        if kind == "str":
            return "{% ($v := " + text + "; " + encoded + ") %}"
        return "{% ($v := " + text + '; $type($v) = "string" ? ' + encoded + " : $v) %}"

    def _lookup(
        self, call: ir.Call, arn: Callable[[str], str], sub: Callable[[ir.Expr], ir.Expr]
    ) -> str:
        """JSONata for the ARN of a call whose name is computed: a table of the candidates."""
        assert call.name_expr is not None
        table = json.dumps({n: arn(n) for n in call.name.split(",")})
        return f"$lookup({table}, {self.text(sub(call.name_expr))})"

    def _Task(self, step: ir.Task, exits: list[Exit]) -> list[Exit]:
        body, result = self._call_state(step.call, self.sub)
        name, block = self.new_state(_title(step.call.name), body, exits)
        state = self.states[name]
        self.catchers(state, step.call)
        if step.target:
            block[step.target] = result
        return [Exit(state, "Next", block, state)]

    def _FanOut(self, step: ir.FanOut, exits: list[Exit]) -> list[Exit]:
        children = step.call.kind == "orchestrator"  # each child needs its own name
        item = ir.Native("$states.input.item" if children else "$states.input")
        unique = "$string($states.input.index)" if children else ""
        inner, result = self._call_state(
            step.call, lambda e: ir.substitute(e, {step.var: item}), unique
        )
        inner["Output"] = "{% " + result.text + " %}"
        inner["End"] = True
        task = self._name(_title(step.call.name))
        body = {
            "Type": "Map",
            "Items": self.tpl(self.iterable(step.source)),
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
        self.catchers(state, step.call)
        if step.target:
            block[step.target] = ir.Native("$states.result", "list")
        return [Exit(state, "Next", block, state)]

    def _Parallel(self, step: ir.Parallel, exits: list[Exit]) -> list[Exit]:
        branches = []
        for i, call in enumerate(step.calls):
            inner, result = self._call_state(call, self.sub, f'"b{i}"')
            inner["Output"] = "{% " + result.text + " %}"
            inner["End"] = True
            task = self._name(_title(call.name))
            states = {task: inner}
            same = len({(c.kind, c.name) for c in step.calls}) == 1
            if not same and any(h.takes_tasks() for h in self.handlers):
                states.update(self._labelled_failure(inner, call))  # which call failed
            branches.append({"StartAt": task, "States": states})
        body = {"Type": "Parallel", "Branches": branches}
        title = " and ".join(_title(c.name) for c in step.calls)
        name, block = self.new_state(title, body, exits)
        state = self.states[name]
        one = step.calls[0] if len({(c.kind, c.name) for c in step.calls}) == 1 else None
        self.catchers(state, one)
        if step.target:
            block[step.target] = ir.Native("$states.result", "list")
        return [Exit(state, "Next", block, state)]

    def _labelled_failure(self, inner: dict[str, Any], call: ir.Call) -> dict[str, Any]:
        """A Parallel branch's failure, passed on as the caught-error value (in its Cause),
        since the Parallel's Catch cannot tell which branch failed."""
        fail = self._name(f"Failed {_title(call.name)}")
        catcher: dict[str, Any] = {
            "ErrorEquals": ["States.ALL"],
            "Assign": {"__failure": "{% " + errors.caught(call.kind, call.name).text + " %}"},
            "Next": fail,
        }
        inner["Catch"] = [catcher]
        return {
            fail: {
                "Type": "Fail",
                "Error": errors.FAIL_ERROR,
                "Cause": "{% $string($__failure) %}",
            }
        }

    def _Timer(self, step: ir.Timer, exits: list[Exit]) -> list[Exit]:
        body: dict[str, Any] = {"Type": "Wait"}
        if step.until is not None:  # at an instant (seconds since the epoch)
            at = self.text(self.sub(step.until))
            body["Timestamp"] = "{% " + whole_second("$round((" + at + ") * 1000)") + " %}"
        else:
            body = self._wait(self.sub(step.seconds))
        name, block = self.new_state("Wait", body, exits)
        state = self.states[name]
        return [Exit(state, "Next", block, state)]

    def _event_task(self, event: str) -> dict[str, Any]:
        """A Task that waits for ``event``: its token goes to the registry."""
        key = "{% " + self._instance() + ' & "#' + event + '" %}'
        return {
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

    def _WaitEvent(self, step: ir.WaitEvent, exits: list[Exit]) -> list[Exit]:
        timeout = None if step.timeout_seconds is None else self.sub(step.timeout_seconds)
        if timeout is not None and not isinstance(timeout, ir.Const):
            # a computed timeout: TimeoutSeconds takes a number only (cfn-lint's schema)
            arms = (
                ir.Arm(step.event_tag, event=step.event, target=step.target),
                ir.Arm(step.timer_tag, seconds=timeout),
            )
            return self._Race(ir.Race(arms, step.winner, step.line), exits)
        body = self._event_task(step.event)
        if isinstance(timeout, ir.Const):  # a whole number of seconds, at least 1
            body["TimeoutSeconds"] = max(1, math.ceil(timeout.value))
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
            timeout_block = self._assign_of(catcher)
            self.on_catch(state, timeout_block)
            if step.target:
                timeout_block[step.target] = ir.Const(None)
            if step.winner:
                timeout_block[step.winner] = ir.Const(step.timer_tag)
            result.append(Exit(catcher, "Next", timeout_block))
        self.catchers(state)
        return result

    def _Race(self, step: ir.Race, exits: list[Exit]) -> list[Exit]:
        """The first of several tasks: a Parallel state whose every branch ends in a Fail
        naming it (an event's payload in the Cause); the first failure stops the others and
        its Catch says who won."""
        branches = []
        for i, arm in enumerate(step.arms):
            won = self._name(f"{_title(arm.tag)} first")
            if arm.event is not None:
                first = self._name(f"Wait for {arm.event}")
                task = {**self._event_task(arm.event), "Next": won}
                fail = {
                    "Type": "Fail",
                    "Error": f"{RACE_ERROR}{i}",
                    "Cause": '{% $string({"v": $states.input}) %}',
                }
                branches.append({"StartAt": first, "States": {first: task, won: fail}})
            else:
                assert arm.seconds is not None
                first = self._name("Timer")
                wait = {**self._wait(self.sub(arm.seconds)), "Next": won}
                fail = {"Type": "Fail", "Error": f"{RACE_ERROR}{i}"}
                branches.append({"StartAt": first, "States": {first: wait, won: fail}})
        title = "First of " + ", ".join(a.event or "timer" for a in step.arms)
        name, _ = self.new_state(title, {"Type": "Parallel", "Branches": branches}, exits)
        state = self.states[name]
        state["End"] = True  # never taken: every branch fails
        result: list[Exit] = []
        for i, arm in enumerate(step.arms):
            catcher: dict[str, Any] = {"ErrorEquals": [f"{RACE_ERROR}{i}"]}
            state.setdefault("Catch", []).append(catcher)
            block = self._assign_of(catcher)
            self.on_catch(state, block)
            for other in step.arms:
                if other.target:
                    block[other.target] = ir.Const(None)
            if arm.target:
                block[arm.target] = ir.Native("$parse($states.errorOutput.Cause).v")
            if step.winner:
                block[step.winner] = ir.Const(arm.tag)
            result.append(Exit(catcher, "Next", block))
        self.catchers(state)
        return result

    def _wait(self, seconds: ir.Expr) -> dict[str, Any]:
        """A Wait state's fields for a duration (a whole constant, else a time stamp)."""
        if isinstance(seconds, ir.Const) and float(seconds.value).is_integer():
            return {"Type": "Wait", "Seconds": int(seconds.value)}
        return {
            "Type": "Wait",
            "Timestamp": "{% "
            + whole_second(
                "$toMillis($states.context.State.EnteredTime) + "
                f"$round(({self.text(seconds)}) * 1000)"
            )
            + " %}",
        }

    def iterable(self, e: ir.Expr) -> ir.Expr:
        """What Python iterates over in ``e``, as a list (a dict's keys, a string's
        characters)."""
        return e if expr_kind(e, self.env) == "list" else ir.Builtin("list", (e,))

    def _instance(self) -> str:
        """JSONata for the instance id (the registry's keys), recorded as read."""
        if self.instance.startswith("$"):
            self.reads.add(self.instance[1:])
        return self.instance

    def _SetStatus(self, step: ir.SetStatus, exits: list[Exit]) -> list[Exit]:
        body = {
            "Type": "Task",
            "Resource": PUT_ITEM,
            "Arguments": {
                "TableName": self.names.registry_table,
                "Item": {
                    "pk": {"S": "{% " + self._instance() + ' & "#status" %}'},
                    "status": {"S": "{% " + json_text(self.text(self.sub(step.value))) + " %}"},
                },
            },
        }
        name, block = self.new_state("Set status", body, exits)
        state = self.states[name]
        self.catchers(state)
        return [Exit(state, "Next", block, None)]

    def _Return(self, step: ir.Return, exits: list[Exit]) -> list[Exit]:
        if (
            len(exits) == 1
            and exits[0].state is not None
            and exits[0].assign is not None
            and not (exits[0].timed and _uses(step.value, "now"))
        ):
            state = exits[0].state
            state.pop("Next", None)
            state["End"] = True
            state["Output"] = output(self.field(ir.substitute(step.value, exits[0].assign)))
            exits[0].assign.clear()  # nothing reads variables after the end
            return []
        if any(ex.timed for ex in exits) and _uses(step.value, "now"):
            exits = self.materialize(exits)
        self.new_state("Done", {"Type": "Succeed", "Output": output(self.tpl(step.value))}, exits)
        return []

    def _Raise(self, step: ir.Raise, exits: list[Exit]) -> list[Exit]:
        handler = next(
            (h for h in reversed(self.handlers) if ir.catches_raise(h.catches, step.error)), None
        )
        if handler is not None:
            error = errors.raised(step.error, step.message)
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
        handler = next((h for h in reversed(self.handlers) if ir.EVERY in h.catches), None)
        if handler is not None:
            for ex in self.assign(handler.error_var, ir.Var(step.error_var), exits):
                handler.exits.append(ex)
            return []
        err = ir.Var(step.error_var)
        self.new_state(
            "Fail",
            {
                "Type": "Fail",
                "Error": self.field(ir.Index(err, ir.Const("type"))),
                "Cause": self.field(ir.Index(err, ir.Const("message"))),
            },
            exits,
        )
        return []

    def _ContinueAsNew(self, step: ir.ContinueAsNew, exits: list[Exit]) -> list[Exit]:
        parent = self.text(self.sub(self.values["parent_instance_id"]))
        wrapped = (
            "{% {"
            + f'"{context.WRAPPER}": {{"instance": {self._instance()}, "parent": {parent}}}, '
            + f'"input": {self.text(self.sub(step.input))}'
            + "} %}"
        )
        body = {
            "Type": "Task",
            "Resource": START,
            "Arguments": {
                "StateMachineArn": "{% $states.context.StateMachine.Id %}",
                "Input": wrapped,
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


def _uses(e: ir.Expr, builtin: str) -> bool:
    """Whether ``e`` calls the builtin (``now``: its value depends on when it is evaluated;
    ``uuid``: a new value each time)."""
    if isinstance(e, ir.Builtin) and e.name == builtin:
        return True
    return any(_uses(c, builtin) for c in ir.children(e))


def _reads_fresh(value: ir.Expr, assigned: Mapping[str, ir.Expr]) -> bool:
    """Whether ``value`` reads a variable assigned a fresh UUID in the same block (folding
    would copy the call, giving another UUID)."""
    return any(v in assigned and _uses(assigned[v], "uuid") for v in ir.free_vars(value))


def _title(name: str) -> str:
    return " ".join(w.capitalize() for w in name.replace("-", "_").split("_") if w) or name
