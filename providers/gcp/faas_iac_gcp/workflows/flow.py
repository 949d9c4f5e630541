"""Control flow of the Workflows builder: step lists, switches, loops (body first with a jump
back when the first test is known to pass), try/except, and an event-vs-timer race folded with
the ``if`` on its winner; then whole definitions (main + subworkflows)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, assert_never

from faas_iac.translate import ir
from faas_iac.translate.refusals import refuse

from . import errors, jsontext, texts, waits
from .emit import (
    FUNCTIONS,
    LOOP_BOUND,
    RETRY_ALWAYS,
    Builder,
    Emitted,
    _Assign,
    _render,
    _targets,
    param_of,
    unwrap_carried,
)
from .expr import var_name
from .lower import lower
from .names import Names
from .races import race


class FlowBuilder(Builder):
    def block(self, steps: tuple[ir.Step, ...]) -> list[Emitted]:
        out: list[Emitted] = []
        jumps: list[dict[str, Any]] = []  # "next" fields that go to the step emitted next
        i = 0
        while i < len(steps):
            step = steps[i]
            self.line = step.line or self.line
            before = len(out)
            if (
                isinstance(step, ir.WaitEvent)
                and i + 1 < len(steps)
                and isinstance(steps[i + 1], ir.If)
            ):
                used = self._race(step, steps[i + 1], steps[i + 2 :], out)  # type: ignore[arg-type]
                if used:
                    i += 2 + used - 1
                    continue
            if isinstance(step, ir.While):
                self._while(step, out, jumps if i + 1 < len(steps) else None)
            else:
                self.step(step, out)
            if len(out) > before and jumps and not isinstance(step, ir.While):
                for holder in jumps:
                    holder["next"] = next(iter(out[before]))
                    self.jump_targets.add(holder["next"])
                jumps.clear()
            i += 1
        return out

    def step(self, step: ir.Step, out: list[Emitted]) -> None:
        match step:
            case ir.Assign():
                self._Assign(step, out)
            case ir.Task():
                self._Task(step, out)
            case ir.FanOut():
                self._FanOut(step, out)
            case ir.Parallel():
                self._Parallel(step, out)
            case ir.Timer():
                self._Timer(step, out)
            case ir.WaitEvent():
                self._WaitEvent(step, out)
            case ir.Race():
                race(self, step, out)
            case ir.SetStatus():
                self._SetStatus(step, out)
            case ir.If():
                self._If(step, out)
            case ir.While():
                self._While(step, out)
            case ir.ForEach():
                self._ForEach(step, out)
            case ir.Try():
                self._Try(step, out)
            case ir.Break():
                out.append({self.name("leave_loop"): {"next": "break"}})
            case ir.Continue():
                out.append({self.name("next_iteration"): {"next": "continue"}})
            case ir.Return():
                self._Return(step, out)
            case ir.Raise():
                self._Raise(step, out)
            case ir.Reraise():
                self._Reraise(step, out)
            case ir.ContinueAsNew():
                self._ContinueAsNew(step, out)
            case _:
                assert_never(step)

    def _race(
        self, step: ir.WaitEvent, branch: ir.If, rest: tuple[ir.Step, ...], out: list[Emitted]
    ) -> int:
        """``winner = yield task_any([event, timer])`` then ``if winner == event: ... else:
        ...`` (the timer side ending): the event side runs after the wait, the timer side in
        its ``except``; no winner variable, no switch on the way. Returns how many steps it
        used (1 + the steps after the ``if`` it took as the timer side), 0 if not this shape."""
        test = branch.test
        if (
            step.timeout_seconds is None
            or not step.winner
            or not isinstance(test, ir.Compare)
            or test.op != "=="
            or ir.Var(step.winner) not in (test.left, test.right)
        ):
            return 0
        tag = test.right if test.left == ir.Var(step.winner) else test.left
        if tag not in (ir.Const(step.event_tag), ir.Const(step.timer_tag)):
            return 0
        used = 1
        if tag == ir.Const(step.event_tag):
            on_event, on_timer = branch.body, branch.orelse
            if not on_timer and ir.ends(on_event):  # the code after the if is the timer side
                on_timer, used = rest, 1 + len(rest)
        else:
            on_event, on_timer = branch.orelse + rest, branch.body
            used = 1 + len(rest)
        everything = ir.walk(self.wf.steps)
        read = [
            v for s in everything if s is not branch for e in ir.reads(s) for v in ir.free_vars(e)
        ]
        if step.winner in read or not ir.ends(on_timer):
            return 0
        bound = [t for s in everything for t in _targets(s)]
        timer_reads = {v for s in ir.walk(on_timer) for e in ir.reads(s) for v in ir.free_vars(e)}
        target = step.target
        alias = bool(target) and bound.count(target or "") == 1 and target not in timer_reads
        cb = self._callback(step, out)
        ev = f"__ev_{step.event}"
        if target and alias:
            self.r.aliases[target] = f"{ev}.http_request.body"
        err = f"__err_{step.event}"
        timer: list[Emitted] = []
        if target and target in timer_reads:
            self.assign(timer, target, ir.Const(None))
        timer += self.block(on_timer)
        timed_out = '${"TimeoutError" in ' + err + ".tags}"
        only = next(iter(timer[0].values())) if len(timer) == 1 else {}
        if set(only) in ({"return"}, {"raise"}):
            handler = [
                {
                    self.name(f"timeout_{step.event}"): {
                        "switch": [{"condition": timed_out, **only}]
                    }
                },
                {self.name(f"error_{step.event}"): {"raise": "${" + err + "}"}},
            ]
        else:
            handler = [
                {
                    self.name(f"not_timeout_{step.event}"): {
                        "switch": [
                            {
                                "condition": '${not("TimeoutError" in ' + err + ".tags)}",
                                "raise": "${" + err + "}",
                            }
                        ]
                    }
                },
                *timer,
            ]
        wait = self.await_call(step, cb, ev)
        out.append(
            {
                self.name(f"wait_{step.event}"): {
                    "try": wait,
                    "except": {"as": err, "steps": handler},
                }
            }
        )
        if target and not alias:
            self.declared.add(target)
            self.assign(out, target, ir.Native(f"{ev}.http_request.body"))
        out.extend(self.block(on_event))
        return used

    def _predeclare(self, body: tuple[ir.Step, ...], out: list[Emitted]) -> None:
        """Variables first assigned inside a loop body must exist before it (Workflows keeps
        new variables of a ``for`` body local; Python does not)."""
        for step in ir.walk(body):
            for target in _targets(step):
                if target not in self.declared:
                    self.assign(out, target, ir.Const(None))

    def _If(self, step: ir.If, out: list[Emitted]) -> None:
        name = self.name(f"if_{step.line}")
        body, orelse = self.block(step.body), self.block(step.orelse)
        if not body and not orelse:  # a test has no effect of its own
            return
        test: ir.Expr = step.test if body else ir.Not(step.test)
        cases = [{"condition": self.cond(test), **self._case(body or orelse)}]
        if body and orelse:
            cases.append({"condition": True, **self._case(orelse)})
        out.append({name: {"switch": cases}})

    def _case(self, steps: list[Emitted]) -> dict[str, Any]:
        if len(steps) == 1:
            only = next(iter(steps[0].values()))
            if set(only) <= {"assign", "return", "raise", "next"} and len(only) == 1:
                return dict(only)
        return {"steps": steps}

    def _known(self, out: list[Emitted], e: ir.Expr) -> Any:
        """The value of ``e`` from the constants the step just before assigns, if known."""
        body = next(iter(out[-1].values())) if out else {}
        if isinstance(body.get("assign"), _Assign):
            for target, value in reversed(body["assign"].entries):
                e = ir.substitute(e, {target: value})
        return ir.fold(e)

    def _while(
        self, step: ir.While, out: list[Emitted], jumps: list[dict[str, Any]] | None
    ) -> None:
        """A loop whose first test is known to pass runs its body first and tests at the end
        (a jump back, no ``for`` step). When the body ends with ``if c: sleep``, one switch
        decides before the sleep (a sleep changes no variable): loop, leave, or sleep first."""
        if self._known(out, step.test) is not True or ir.jumps(step.body):
            self._While(step, out)
            return
        body = self.block(step.body)
        if not body:
            self._While(step, out)
            return
        entry = next(iter(body[0]))
        last = step.body[-1]
        if (
            jumps is not None
            and isinstance(last, ir.If)
            and not last.orelse
            and len(last.body) == 1
            and isinstance(last.body[0], ir.Timer)
        ):
            body.pop()  # the if: decided below, with the loop test
            sleep: list[Emitted] = []
            self._Timer(last.body[0], sleep)
            call = next(iter(sleep[0].values()))
            again = self.name(f"sleep_{step.line}")
            leave_after_sleep = self.name(f"sleep_then_leave_{step.line}")
            leave: dict[str, Any] = {"condition": self.cond(ir.Not(last.test))}
            decide = {
                self.name(f"while_{step.line}"): {
                    "switch": [
                        {
                            "condition": self.cond(
                                ir.BoolOp("and", (ir.Not(last.test), step.test))
                            ),
                            "next": entry,
                        },
                        leave,
                        {"condition": self.cond(ir.Not(step.test)), "next": leave_after_sleep},
                    ]
                }
            }
            jumps.append(leave)
            out += [*body, decide, {again: {**call, "next": entry}}, {leave_after_sleep: call}]
            self.jump_targets |= {entry, leave_after_sleep}
            return
        self.jump_targets.add(entry)
        test = {"condition": self.cond(step.test), "next": entry}
        out += [*body, {self.name(f"while_{step.line}"): {"switch": [test]}}]

    def _While(self, step: ir.While, out: list[Emitted]) -> None:
        self._predeclare(step.body, out)
        stop = {
            self.name(f"while_{step.line}"): {
                "switch": [
                    {"condition": "${not(" + self.cond(step.test)[2:-1] + ")}", "next": "break"}
                ]
            }
        }
        body = [stop, *self.block(step.body)]
        out.append(
            {
                self.name(f"loop_{step.line}"): {
                    "for": {"value": "__n", "range": [1, LOOP_BOUND], "steps": body}
                }
            }
        )

    def _ForEach(self, step: ir.ForEach, out: list[Emitted]) -> None:
        self._predeclare(step.body, out)
        self.declared.add(step.var)
        loop: dict[str, Any] = {"value": var_name(step.var)}
        source = step.source
        body_steps = step.body
        if isinstance(source, ir.Builtin) and source.name == "range" and len(source.args) == 3:
            source, first = self._stepped(source, step.var, out)
            loop["value"] = f"__k{self.counter}"
            body_steps = (first, *body_steps)
        if isinstance(source, ir.Builtin) and source.name == "range":  # range: both ends in
            start, stop = (ir.Const(0), source.args[0]) if len(source.args) == 1 else source.args
            last = ir.BinOp("-", stop, ir.Const(1))
            ends = [ir.fold(start), ir.fold(last)]
            if all(isinstance(v, int) for v in ends):
                loop["range"] = ends
            else:  # one expression for both ends (the form Workflows documents)
                loop["range"] = self.expr(ir.ListLit((start, last)))
        else:
            loop["in"] = self.val(source)
        loop["steps"] = self.block(body_steps)
        out.append({self.name(f"for_{step.line}"): {"for": loop}})

    def _stepped(
        self, source: ir.Builtin, var: str, out: list[Emitted]
    ) -> tuple[ir.Builtin, ir.Assign]:
        """``range(start, stop, step)``: a range over the count of values, and the assignment
        of each value from its position (the bounds and step held in variables first)."""
        self.counter += 1
        lo, hi, by = (ir.Var(f"__{n}{self.counter}") for n in ("start", "stop", "step"))
        for bound, value in zip((lo, hi, by), source.args, strict=True):
            self.assign(out, bound.name, value)
        one = ir.Const(1)
        up = ir.BinOp("//", ir.BinOp("-", ir.BinOp("+", ir.BinOp("-", hi, lo), by), one), by)
        down = ir.BinOp(
            "//",
            ir.BinOp("-", ir.BinOp("-", ir.BinOp("-", lo, hi), by), one),
            ir.Neg(by),
        )
        count = ir.IfExp(ir.Compare(">", by, ir.Const(0)), up, down)
        value = ir.BinOp("+", lo, ir.BinOp("*", ir.Var(f"__k{self.counter}"), by))
        counted = ir.Builtin("range", (ir.Builtin("max", (count, ir.Const(0))),))
        return counted, ir.Assign(var, value, self.line)

    def _Try(self, step: ir.Try, out: list[Emitted]) -> None:
        self.counter += 1
        err = var_name(step.error_var or f"__error{self.counter}")
        read = {v for s in ir.walk(step.handler) for e in ir.reads(s) for v in ir.free_vars(e)}
        takes = errors.takes(err, step.catches)
        rewrite = takes is not None or (step.error_var or "") in read
        self.rewrite_errors += rewrite
        try:
            body = self.block(step.body)
        finally:
            self.rewrite_errors -= rewrite
        handler = self.block(step.handler)
        if takes is not None:  # an error this except does not take goes on
            others = {"condition": "${not(" + takes + ")}", "raise": "${" + err + "}"}
            handler.insert(0, {self.name(f"not_caught_{step.line}"): {"switch": [others]}})
        only = next(iter(body[0].values())) if len(body) == 1 else {}
        tried = only if "call" in only else {"steps": body}  # one call: no nested step list
        out.append(
            {self.name(f"try_{step.line}"): {"try": tried, "except": {"as": err, "steps": handler}}}
        )


def _subworkflow(
    wf: ir.Workflow,
    names: Names,
    helpers: set[str],
    children: Mapping[str, ir.Workflow] | None,
    main: bool = True,
) -> dict[str, Any]:
    wf = lower(wf)
    b = FlowBuilder(wf, names, children)
    ids = () if main else b.as_child()
    param = param_of(wf)
    steps = wf.steps
    if param != ir.INPUT:  # the parameter takes the name; no step copies the input
        b.r.aliases[ir.INPUT] = var_name(param)
        b.declared.add(param)
        steps = steps[1:]
    body = b.block(steps)
    if b.functions:
        table = dict(sorted(b.functions.items()))
        body.insert(0, {b.name("functions"): {"assign": [{FUNCTIONS: table}]}})
    if b.carries:
        body.insert(0, unwrap_carried(var_name(param)))
    helpers |= b.helpers
    return {"params": [var_name(param), *ids], "steps": _render(body, b)}


def to_workflows(
    workflow: ir.Workflow, names: Names, orchestrators: Mapping[str, ir.Workflow] | None = None
) -> dict[str, Any]:
    """The Workflows definition of one orchestrator; ``orchestrators`` are the app's others
    (sub-orchestrations become subworkflows of this definition)."""
    helpers: set[str] = set()
    out: dict[str, Any] = {"main": _subworkflow(workflow, names, helpers, orchestrators)}
    todo = list(workflow.orchestrators)
    while todo:
        child = todo.pop(0)
        if child in out:
            continue
        if orchestrators is None or child not in orchestrators:
            raise refuse(
                "FIAC611",
                f"sub-orchestrator {child!r} has no translation to include as a subworkflow",
                "translate it too (it must itself be translatable)",
                workflow.file,
                workflow.line,
            )
        out[child] = _subworkflow(orchestrators[child], names, helpers, orchestrators, main=False)
        todo += orchestrators[child].orchestrators
    if errors.HELPER in helpers:
        out[errors.HELPER] = errors.helper()
    if texts.FORMAT in helpers:
        out[texts.FORMAT] = texts.format_helper()
    if texts.TITLE in helpers:
        out[texts.TITLE] = texts.title_helper()
    if jsontext.DUMPS in helpers:
        out[jsontext.DUMPS] = jsontext.dumps_helper()
        out[jsontext.TEXT] = jsontext.text_helper()
    if waits.HELPER in helpers:
        out[waits.HELPER] = waits.helper()
    if RETRY_ALWAYS in helpers:
        out[RETRY_ALWAYS] = {"params": ["e"], "steps": [{"retry_any_error": {"return": True}}]}
    return out
