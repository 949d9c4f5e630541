"""Control flow of the ASL builder: Choice states (decided at compile time where the incoming
transitions already tell), loops (body first when the first test is known to pass; a
collecting loop as a one-at-a-time Map or one JSONata ``$map``), and try/except as Catch."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, assert_never

from faas_iac.translate import ir
from faas_iac.translate.refusals import refuse

from .asl import Builder, Exit, _Handler, _Loop
from .json_numbers import exact_json
from .jsonata import Renderer
from .names import Names
from .optimize import thread_choices, vars_in


class FlowBuilder(Builder):
    def step(self, step: ir.Step, exits: list[Exit]) -> list[Exit]:
        match step:
            case ir.Assign():
                return self.assign(step.target, step.value, exits)
            case ir.Task():
                return self._Task(step, exits)
            case ir.FanOut():
                return self._FanOut(step, exits)
            case ir.Parallel():
                return self._Parallel(step, exits)
            case ir.Timer():
                return self._Timer(step, exits)
            case ir.WaitEvent():
                return self._WaitEvent(step, exits)
            case ir.Race():
                return self._Race(step, exits)
            case ir.SetStatus():
                return self._SetStatus(step, exits)
            case ir.If():
                return self._If(step, exits)
            case ir.While():
                return self._While(step, exits)
            case ir.ForEach():
                return self._ForEach(step, exits)
            case ir.Try():
                return self._Try(step, exits)
            case ir.Break():
                self.loops[-1].breaks += exits
                return []
            case ir.Continue():
                self.loops[-1].continues += exits
                return []
            case ir.Return():
                return self._Return(step, exits)
            case ir.Raise():
                return self._Raise(step, exits)
            case ir.Reraise():
                return self._Reraise(step, exits)
            case ir.ContinueAsNew():
                return self._ContinueAsNew(step, exits)
            case _:
                assert_never(step)

    def _choice(
        self,
        test: ir.Expr,
        exits: list[Exit],
        title: str,
    ) -> tuple[str, Exit, Exit]:
        if self.start is None and len(self.pending) > 1:
            exits = self.materialize(exits)
        condition = "{% " + Renderer(self.env).truthy(self.seen(self.sub(test))) + " %}"
        rule: dict[str, Any] = {"Condition": condition}
        name, _ = self.new_state(title, {"Type": "Choice", "Choices": [rule]}, exits)
        state = self.states[name]
        return name, Exit(rule, "Next", self._assign_of(rule)), Exit(state, "Default")

    def _split(self, test: ir.Expr, exits: list[Exit]) -> tuple[list[Exit], list[Exit], list[Exit]]:
        """Exits where ``test`` is known true, known false (from the constants they assign),
        and the rest."""
        yes: list[Exit] = []
        no: list[Exit] = []
        unknown: list[Exit] = []
        for ex in exits:
            value = ir.fold(ir.substitute(test, ex.assign or {}))
            (unknown if value is ir.UNKNOWN else yes if value else no).append(ex)
        return yes, no, unknown

    def _If(self, step: ir.If, exits: list[Exit]) -> list[Exit]:
        if self.start is None:
            value = ir.fold(self.sub(step.test))
            if value is not ir.UNKNOWN:  # decided at compile time: no Choice state
                return self.block(step.body if value else step.orelse, exits)
            _, yes, no = self._choice(step.test, exits, f"If line {step.line}")
            into_body, into_else = [yes], [no]
        else:
            into_body, into_else, unknown = self._split(step.test, exits)
            if unknown:
                _, yes, no = self._choice(step.test, unknown, f"If line {step.line}")
                into_body.append(yes)
                into_else.append(no)
        done = self.block(step.body, into_body) if into_body else []
        if step.orelse:
            done += self.block(step.orelse, into_else) if into_else else []
        else:
            done += into_else
        return done

    def _loop_body(self, body: tuple[ir.Step, ...], exits: list[Exit]) -> tuple[list[Exit], _Loop]:
        """The exits at the end of a loop body (those of ``continue`` included), and the loop's
        ``break`` exits."""
        loop = _Loop()
        self.loops.append(loop)
        try:
            done = self.block(body, exits)
        finally:
            self.loops.pop()
        return done + loop.continues, loop

    def _enter(self, body: tuple[ir.Step, ...], exits: list[Exit]) -> tuple[list[Exit], str | None]:
        """Exits into a loop body that runs again, and the state to jump back to (None: the
        body's first state). Assignments at the body's start get a Pass state of their own, so
        jumping back runs them again (and never the assignments made before the loop)."""
        if self.start is None:  # the body runs again: it cannot take the initial values
            exits = self.materialize(exits)
        if body and isinstance(body[0], ir.Assign):
            name, block = self.new_state("Loop", {"Type": "Pass"}, exits)
            return [Exit(self.states[name], "Next", block, None)], name
        return exits, None

    def _While(self, step: ir.While, exits: list[Exit]) -> list[Exit]:
        if ir.fold(step.test) is True and ir.jumps(step.body):  # while True: ... break
            exits, entry = self._enter(step.body, exits)
            before = set(self.states)
            body, loop = self._loop_body(step.body, exits)
            created = [n for n in self.states if n not in before]
            if entry is None and not created:
                raise refuse(
                    "FIAC613",
                    "`while True` whose body has no durable step and no run-time decision",
                    "compute the value without a loop, or in an activity",
                    self.wf.file,
                    step.line,
                )
            for ex in body:
                ex.holder[ex.key] = entry or created[0]
            return loop.breaks
        if ir.jumps(step.body):
            entering = False
        elif self.start is None:
            entering = ir.fold(self.sub(step.test)) is True
        else:
            yes, _, _ = self._split(step.test, exits)
            entering = bool(exits) and len(yes) == len(exits)
        if entering:  # the first test is known to pass: enter the body, test at its end
            exits, entry = self._enter(step.body, exits)
            before = set(self.states)
            body = self.block(step.body, exits)
            created = [n for n in self.states if n not in before]
            if entry or created:
                _, again, out = self._choice(step.test, body, f"While line {step.line}")
                again.holder[again.key] = entry or created[0]
                return [out]
            exits = body
        if self.start is None:
            exits = self.materialize(exits)
        head, yes_rule, no = self._choice(step.test, exits, f"While line {step.line}")
        body, loop = self._loop_body(step.body, [yes_rule])
        for ex in body:
            ex.holder[ex.key] = head
        return [no, *loop.breaks]

    def _ForEach(self, step: ir.ForEach, exits: list[Exit]) -> list[Exit]:
        as_map = self._collecting_map(step, exits)
        if as_map is not None:
            return as_map
        self.counter += 1
        items, index = f"__items{self.counter}", f"__i{self.counter}"
        self.env[items], self.env[index] = "list", "num"
        exits = self.assign(items, self.iterable(step.source), exits)
        exits = self.assign(index, ir.Const(0), exits)
        if self.start is None:
            exits = self.materialize(exits)
        test = ir.Compare("<", ir.Var(index), ir.Builtin("len", (ir.Var(items),)))
        head, yes, no = self._choice(test, exits, f"For line {step.line}")
        assert yes.assign is not None
        yes.assign[step.var] = ir.Index(ir.Var(items), ir.Var(index))
        body, loop = self._loop_body(step.body, [yes])
        body = self.assign(index, ir.BinOp("+", ir.Var(index), ir.Const(1)), body)
        for ex in body:
            ex.holder[ex.key] = head
        return [no, *loop.breaks]

    def _collecting_map(self, step: ir.ForEach, exits: list[Exit]) -> list[Exit] | None:
        """``acc = []; for x in xs: ...; acc = acc + [value]`` (the body reading ``acc`` only
        as ``len(acc)``, keeping nothing else for later) is a Map run one item at a time: its
        result is ``acc`` and ``len(acc)`` is the item's index. No Choice state per item.
        Not inside ``try``: when an item fails, the handler sees ``acc`` as the items before
        it left it, which a Map's result cannot give."""
        body = step.body
        if self.handlers:
            return None
        last = body[-1] if body else None
        if not (
            isinstance(last, ir.Assign)
            and isinstance(last.value, ir.BinOp)
            and last.value.op == "+"
            and last.value.left == ir.Var(last.target)
            and isinstance(last.value.right, ir.ListLit)
            and len(last.value.right.items) == 1
        ):
            return None
        acc, element = last.target, last.value.right.items[0]
        allowed = ir.Assign | ir.Task | ir.SetStatus | ir.Timer
        if not all(isinstance(s, allowed) for s in body):
            return None
        starts = (
            [ir.fold(self.sub(ir.Var(acc)))]
            if self.start is None
            else [ir.fold(ir.substitute(ir.Var(acc), ex.assign or {})) for ex in exits]
        )
        if (not exits and self.start is not None) or any(v != [] for v in starts):
            return None
        index = ir.Var("__index")
        if len(body) == 1 and acc not in ir.free_vars(element):  # pure: one JSONata $map
            return self.assign(acc, ir.Comprehension(element, step.var, step.source), exits)

        def no_acc(e: ir.Expr) -> ir.Expr | None:
            return index if e == ir.Builtin("len", (ir.Var(acc),)) else None

        inner_steps: list[ir.Step] = []
        for s in body[:-1]:
            if isinstance(s, ir.Assign):
                inner_steps.append(ir.Assign(s.target, ir.transform(s.value, no_acc), s.line))
            elif isinstance(s, ir.Task):
                call = s.call
                inner_steps.append(
                    ir.Task(
                        ir.Call(call.kind, call.name, ir.transform(call.input, no_acc), call.retry),
                        s.target,
                        s.line,
                    )
                )
            elif isinstance(s, ir.SetStatus):
                inner_steps.append(ir.SetStatus(ir.transform(s.value, no_acc), s.line))
            else:
                assert isinstance(s, ir.Timer)
                inner_steps.append(ir.Timer(ir.transform(s.seconds, no_acc), s.line))
        inner_steps.append(ir.Return(ir.transform(element, no_acc), last.line))
        kept = {
            t
            for s in body[:-1]
            for t in ([s.target] if isinstance(s, ir.Assign | ir.Task) and s.target else [])
        }
        readers = [e for s in ir.walk(self.wf.steps) if s not in body for e in ir.reads(s)]
        uses = {v for e in readers for v in ir.free_vars(e)}
        if any(ir.Var(acc) in vars_in(s) for s in inner_steps) or kept & uses:
            return None
        outer = {v.name for s in inner_steps for v in vars_in(s)} - {step.var, "__index"}
        if self.start is None and outer & set(self.pending):
            # The processor reads variables still pending: assign them in a state before it.
            exits = self.materialize(exits)
        inner = FlowBuilder(self.wf, self.names)
        inner.wrapped = self.wrapped
        inner.env = self.env
        inner.taken = self.taken
        inner.pending = {
            step.var: ir.Native("$states.input.item"),
            "__index": ir.Native("$states.input.index", "num"),
        }
        inner.block(tuple(inner_steps), [])
        processor = inner.finish()
        self.reads |= inner.live  # the processor reads the outer variables as they are
        processor.pop("Comment", None)
        processor.pop("QueryLanguage", None)
        processor["ProcessorConfig"] = {"Mode": "INLINE"}
        body_state = {
            "Type": "Map",
            "Items": self.tpl(self.iterable(step.source)),
            "MaxConcurrency": 1,
            "ItemSelector": {
                "item": "{% $states.context.Map.Item.Value %}",
                "index": "{% $states.context.Map.Item.Index %}",
            },
            "ItemProcessor": {"ProcessorConfig": processor.pop("ProcessorConfig"), **processor},
        }
        name, block = self.new_state(f"For line {step.line}", body_state, exits)
        state = self.states[name]
        self.catchers(state)
        block[acc] = ir.Native("$states.result", "list")
        return [Exit(state, "Next", block, state)]

    def _Try(self, step: ir.Try, exits: list[Exit]) -> list[Exit]:
        self.counter += 1
        handler = _Handler(
            error_var=step.error_var or f"__error{self.counter}", catches=step.catches
        )
        self.handlers.append(handler)
        try:
            done = self.block(step.body, exits)
        finally:
            self.handlers.pop()
        if handler.exits:
            done += self.block(step.handler, handler.exits)
        return done


def to_asl(
    workflow: ir.Workflow, names: Names, orchestrators: Mapping[str, ir.Workflow] | None = None
) -> dict[str, Any]:
    """The ASL definition (a JSON-ready dict) of one translated orchestrator; ``orchestrators``
    (the app's others) says which sub-orchestrations read their parent's instance id."""
    builder = FlowBuilder(exact_json(workflow), names, orchestrators)
    builder.block(builder.wf.steps, [])
    if builder.start is None:  # an orchestrator with no step at all
        builder.new_state("Done", {"Type": "Succeed", "Output": None}, [])
    definition = builder.finish()
    thread_choices(definition)
    return definition
