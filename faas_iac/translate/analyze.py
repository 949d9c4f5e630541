"""Orchestrator source (AST) → :class:`~.ir.Workflow`, or a coded refusal.

Reads the generator's source; never runs it. A statement is translated only when its meaning
on every target is the meaning Python gives it; anything else is refused (FIAC6xx) with the
file:line, the construct and what to write instead.
"""

from __future__ import annotations

import ast
import contextlib
import inspect
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import ir
from .expr import ExprConverter
from .refusals import Refusal, refuse

_CALLS = {
    "call_activity": ("activity", False),
    "call_activity_with_retry": ("activity", True),
    "call_sub_orchestrator": ("orchestrator", False),
    "call_sub_orchestrator_with_retry": ("orchestrator", True),
}
_TIMEDELTA_SECONDS = {"weeks": 604800, "days": 86400, "hours": 3600, "minutes": 60, "seconds": 1,
                      "milliseconds": 0.001}
_ENTITY = {"call_entity", "signal_entity", "lock", "create_entity_proxy"}


@dataclass(frozen=True)
class _Pending:
    """A task created but not yet yielded: a call, a timer (seconds) or an event (its name)."""

    kind: str  # "call" | "timer" | "event"
    call: ir.Call | None = None
    seconds: ir.Expr | None = None
    event: str = ""


@dataclass
class _Scope:
    tasks: dict[str, _Pending] = field(default_factory=dict)
    task_lists: dict[str, ast.expr] = field(default_factory=dict)
    deadlines: dict[str, ir.Expr] = field(default_factory=dict)
    race_tags: dict[str, str] = field(default_factory=dict)  # task var → tag string
    race_results: dict[str, str] = field(default_factory=dict)  # event task var → payload var
    errors: set[str] = field(default_factory=set)
    counter: int = 0


class Analyzer:
    def __init__(self, fn: ast.FunctionDef, file: str, globals_: dict[str, Any],
                 activities: Iterable[str] | None, orchestrators: Iterable[str] | None) -> None:
        self.fn = fn
        self.file = file
        self.globals = globals_
        self.activities = set(activities) if activities is not None else None
        self.orchestrators = set(orchestrators) if orchestrators is not None else None
        if not fn.args.args:
            raise self.refuse(fn, "FIAC601", "the orchestrator takes no context argument",
                              "write def orchestrator(ctx): ...")
        self.ctx = fn.args.args[0].arg
        self.scope = _Scope()
        self.exprs = ExprConverter(file, self._resolve)
        self.used: dict[str, set[str]] = {"activity": set(), "orchestrator": set(),
                                          "event": set()}
        self.uses_status = False

    def refuse(self, node: ast.AST | int, code: str, what: str, fix: str) -> Refusal:
        return refuse(code, what, fix, self.file, node)

    # -- expressions --------------------------------------------------------------------------
    def _is_ctx(self, node: ast.expr) -> bool:
        return isinstance(node, ast.Name) and node.id == self.ctx

    def _resolve(self, node: ast.expr) -> ir.Expr | None:
        s = self.scope
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and self._is_ctx(node.func.value) and node.func.attr == "get_input":
            return ir.Var(ir.INPUT)
        if isinstance(node, ast.Attribute) and self._is_ctx(node.value):
            if node.attr == "is_replaying":
                return ir.Const(False)
            if node.attr == "current_utc_datetime":
                raise self.refuse(node, "FIAC609", "ctx.current_utc_datetime is translated only "
                                  "inside ctx.create_timer(ctx.current_utc_datetime + "
                                  "timedelta(...))",
                                  "keep times as durations (timedelta) and pass them to "
                                  "create_timer; compute dates in an activity")
            raise self.refuse(node, "FIAC601", f"`{ast.unparse(node)}` cannot be translated",
                              "use get_input, call_activity[_with_retry], call_sub_orchestrator, "
                              "task_all, create_timer, wait_for_external_event, set_custom_status "
                              "or continue_as_new")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and self._is_ctx(node.func.value):
            raise self.refuse(node, "FIAC605", f"`{ast.unparse(node)}` makes a durable task that "
                              "is used as a value",
                              "yield the task: x = yield ctx.call_activity(...)")
        if isinstance(node, ast.Name):
            if node.id == self.ctx:
                raise self.refuse(node, "FIAC612", "the context object is used as a value",
                                  "pass JSON values to activities, not ctx")
            if node.id in s.race_tags:
                return ir.Const(s.race_tags[node.id])
            if node.id in s.tasks or node.id in s.task_lists:
                raise self.refuse(node, "FIAC612", f"the task `{node.id}` is used as a value",
                                  "yield it (x = yield task) and use its result")
            if node.id in s.errors:
                raise self.refuse(node, "FIAC612", f"the caught error `{node.id}` is used as a "
                                  "value", "only re-raise it (a bare `raise`), or return a "
                                  "value of your own from the except block")
        if isinstance(node, ast.Attribute) and node.attr == "result" \
                and isinstance(node.value, ast.Name) and node.value.id in s.race_results:
            return ir.Var(s.race_results[node.value.id])
        if isinstance(node, ast.Yield | ast.YieldFrom | ast.Await):
            raise self.refuse(node, "FIAC605", "a yield inside an expression", "write the yield "
                              "as its own statement: x = yield task")
        if isinstance(node, ast.Lambda):
            raise self.refuse(node, "FIAC614", "a lambda in an orchestrator",
                              "write the function as an activity")
        return None

    def expr(self, node: ast.expr) -> ir.Expr:
        return self.exprs.convert(node)

    # -- tasks --------------------------------------------------------------------------------
    def _ctx_call(self, node: ast.expr) -> tuple[str, ast.Call] | None:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and self._is_ctx(node.func.value):
            return node.func.attr, node
        return None

    def _literal_name(self, node: ast.expr | None, kind: str) -> str:
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            raise self.refuse(node or self.fn, "FIAC607", f"the {kind} name is not a string "
                              "literal", f'name the {kind} with a literal: ctx.call_activity'
                              '("send_email", payload)')
        known = self.activities if kind == "activity" else self.orchestrators
        if known is not None and node.value not in known:
            listed = ", ".join(sorted(known)) or "none"
            raise self.refuse(node, "FIAC611", f"no {kind} named {node.value!r} in this app",
                              f"declare it with @app.{kind} or use one of: {listed}")
        self.used[kind].add(node.value)
        return node.value

    def _retry(self, node: ast.expr) -> ir.Retry:
        value: Any = None
        if isinstance(node, ast.Name) and node.id in self.globals:
            value = self.globals[node.id]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name | ast.Attribute):
            try:
                args = [ast.literal_eval(a) for a in node.args]
                kwargs = {k.arg: ast.literal_eval(k.value) for k in node.keywords if k.arg}
            except ValueError:
                args, kwargs = [], {}
            else:
                fname = node.func.id if isinstance(node.func, ast.Name) else node.func.attr
                cls = self.globals.get(fname)
                if cls is not None and fname == "RetryOptions":
                    try:
                        value = cls(*args, **kwargs)
                    except (TypeError, ValueError) as exc:
                        raise self.refuse(node, "FIAC608", f"invalid RetryOptions: {exc}",
                                          "give first_retry_interval_in_milliseconds > 0 and "
                                          "max_number_of_attempts >= 1") from None
        if value is None or not hasattr(value, "max_number_of_attempts"):
            raise self.refuse(node, "FIAC608", "the retry options are not known at compile time",
                              "pass RetryOptions(...) with literal arguments, or a module-level "
                              "RetryOptions constant")
        return ir.Retry(value.max_number_of_attempts, value.first_retry_interval_in_milliseconds,
                        float(value.backoff_coefficient), value.max_retry_interval_in_milliseconds)

    def _call(self, attr: str, node: ast.Call) -> ir.Call:
        kind, with_retry = _CALLS[attr]
        if node.keywords:
            raise self.refuse(node, "FIAC601", f"keyword arguments to ctx.{attr}",
                              "pass the name, [retry options,] and input positionally")
        args = list(node.args)
        name = self._literal_name(args[0] if args else None, kind)
        retry = self._retry(args[1]) if with_retry and len(args) > 1 else None
        if with_retry and retry is None:
            raise self.refuse(node, "FIAC608", f"ctx.{attr} without retry options",
                              "pass RetryOptions as the second argument")
        rest = args[2:] if with_retry else args[1:]
        value = self.expr(rest[0]) if rest else ir.Const(None)
        return ir.Call(kind, name, value, retry)  # type: ignore[arg-type]

    def _seconds(self, node: ast.expr) -> ir.Expr:
        """``ctx.current_utc_datetime + timedelta(...)`` (or a deadline variable) → seconds."""
        if isinstance(node, ast.Name) and node.id in self.scope.deadlines:
            return self.scope.deadlines[node.id]
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) \
                and isinstance(node.left, ast.Attribute) and self._is_ctx(node.left.value) \
                and node.left.attr == "current_utc_datetime" and isinstance(node.right, ast.Call):
            td = node.right
            fname = td.func.id if isinstance(td.func, ast.Name) else \
                td.func.attr if isinstance(td.func, ast.Attribute) else ""
            if fname == "timedelta" and not td.args:
                total: ir.Expr | None = None
                const = 0.0
                for kw in td.keywords:
                    if kw.arg not in _TIMEDELTA_SECONDS:
                        break
                    factor = _TIMEDELTA_SECONDS[kw.arg]
                    part = self.expr(kw.value)
                    if isinstance(part, ir.Const) and isinstance(part.value, int | float):
                        const += part.value * factor
                        continue
                    term = part if factor == 1 else ir.BinOp("*", part, ir.Const(factor))
                    total = term if total is None else ir.BinOp("+", total, term)
                else:
                    whole = int(const) if float(const).is_integer() else const
                    if total is None:
                        return ir.Const(whole)
                    return total if not const else ir.BinOp("+", total, ir.Const(whole))
        raise self.refuse(node, "FIAC609", f"the timer `{ast.unparse(node)}` is not "
                          "ctx.current_utc_datetime + timedelta(...)",
                          "write ctx.create_timer(ctx.current_utc_datetime + "
                          "timedelta(seconds=...)) with keyword arguments")

    def _pending(self, node: ast.expr) -> _Pending | None:
        """A task-making expression (not yielded), or None."""
        if isinstance(node, ast.Name) and node.id in self.scope.tasks:
            return self.scope.tasks[node.id]
        found = self._ctx_call(node)
        if found is None:
            return None
        attr, call = found
        if attr in _CALLS:
            return _Pending("call", call=self._call(attr, call))
        if attr == "create_timer":
            if len(call.args) != 1:
                raise self.refuse(call, "FIAC609", "create_timer takes one fire-at time",
                                  "ctx.create_timer(ctx.current_utc_datetime + timedelta(...))")
            return _Pending("timer", seconds=self._seconds(call.args[0]))
        if attr == "wait_for_external_event":
            if len(call.args) != 1 or not isinstance(call.args[0], ast.Constant) \
                    or not isinstance(call.args[0].value, str):
                raise self.refuse(call, "FIAC607", "the event name is not a string literal",
                                  'write ctx.wait_for_external_event("Approval")')
            self.used["event"].add(call.args[0].value)
            return _Pending("event", event=call.args[0].value)
        if attr in _ENTITY:
            raise self.refuse(call, "FIAC610", f"ctx.{attr}: durable entities are not translated "
                              "to Step Functions or Workflows", "run this orchestrator on the "
                              "local or azure target (native entities), or keep the state in a "
                              "table written by an activity")
        return None

    def _yield(self, value: ast.expr | None, target: str | None, line: int) -> list[ir.Step]:
        if value is None:
            raise self.refuse(line, "FIAC605", "a bare yield", "yield a durable task")
        pending = self._pending(value)
        if pending is not None:
            if isinstance(value, ast.Name):
                del self.scope.tasks[value.id]
            if pending.kind == "call":
                assert pending.call is not None
                return [ir.Task(pending.call, target, line)]
            if pending.kind == "timer":
                assert pending.seconds is not None
                if target is not None:
                    return [ir.Timer(pending.seconds, line),
                            ir.Assign(target, ir.Const(None), line)]
                return [ir.Timer(pending.seconds, line)]
            return [ir.WaitEvent(pending.event, target, line=line)]
        found = self._ctx_call(value)
        if found is not None and found[0] == "task_all":
            return [self._task_all(found[1], target, line)]
        if found is not None and found[0] == "task_any":
            return self._task_any(found[1], target, line)
        raise self.refuse(value, "FIAC605", f"`yield {ast.unparse(value)}` does not yield a "
                          "durable task", "yield ctx.call_activity(...), ctx.task_all([...]), "
                          "ctx.create_timer(...) or ctx.wait_for_external_event(...)")

    def _task_list(self, node: ast.Call) -> ast.expr:
        if len(node.args) != 1:
            raise self.refuse(node, "FIAC612", "task_all/task_any take one list of tasks",
                              "pass a list: ctx.task_all([ ... ])")
        arg = node.args[0]
        if isinstance(arg, ast.Name) and arg.id in self.scope.task_lists:
            return self.scope.task_lists.pop(arg.id)
        return arg

    def _task_all(self, node: ast.Call, target: str | None, line: int) -> ir.Step:
        arg = self._task_list(node)
        if isinstance(arg, ast.ListComp) and len(arg.generators) == 1 \
                and not arg.generators[0].ifs and isinstance(arg.generators[0].target, ast.Name):
            gen = arg.generators[0]
            assert isinstance(gen.target, ast.Name)
            var = gen.target.id
            found = self._ctx_call(arg.elt)
            if found is not None and found[0] in _CALLS:
                return ir.FanOut(self._call(*found), var, self.expr(gen.iter), target, line)
        if isinstance(arg, ast.List | ast.Tuple) and arg.elts:
            calls = []
            for elt in arg.elts:
                pending = self._pending(elt)
                if pending is None or pending.call is None:
                    break
                if isinstance(elt, ast.Name):
                    del self.scope.tasks[elt.id]
                calls.append(pending.call)
            else:
                return ir.Parallel(tuple(calls), target, line)
        raise self.refuse(arg, "FIAC612", "task_all takes a list of activity/sub-orchestrator "
                          "calls or one comprehension over a list",
                          "write ctx.task_all([ctx.call_activity(\"f\", x) for x in items]) or "
                          "ctx.task_all([ctx.call_activity(\"a\", x), "
                          "ctx.call_activity(\"b\", y)])")

    def _task_any(self, node: ast.Call, target: str | None, line: int) -> list[ir.Step]:
        arg = self._task_list(node)
        pendings: list[tuple[str, _Pending]] = []
        if isinstance(arg, ast.List | ast.Tuple):
            for elt in arg.elts:
                if isinstance(elt, ast.Name) and elt.id in self.scope.tasks:
                    pendings.append((elt.id, self.scope.tasks[elt.id]))
        kinds = sorted(p.kind for _, p in pendings)
        if len(pendings) != 2 or kinds != ["event", "timer"] or target is None:
            raise self.refuse(node, "FIAC606", "task_any translates only as a race of one "
                              "external event against one timer, both held in variables, with the "
                              "winner assigned", "write: winner = yield ctx.task_any([event_task, "
                              "timer_task]); a general race runs natively on the local and azure "
                              "targets")
        (ev_name, event), = [p for p in pendings if p[1].kind == "event"]
        (tm_name, timer), = [p for p in pendings if p[1].kind == "timer"]
        payload = f"{ev_name}_result"
        self.scope.race_tags[ev_name] = ev_name
        self.scope.race_tags[tm_name] = tm_name
        self.scope.race_results[ev_name] = payload
        del self.scope.tasks[ev_name], self.scope.tasks[tm_name]
        return [ir.WaitEvent(event.event, payload, timer.seconds, target, ev_name, tm_name, line)]

    # -- statements ---------------------------------------------------------------------------
    def block(self, body: list[ast.stmt]) -> tuple[ir.Step, ...]:
        steps: list[ir.Step] = []
        for stmt in body:
            if steps and isinstance(steps[-1], ir.ContinueAsNew | ir.Return | ir.Raise
                                    | ir.Reraise):
                if isinstance(steps[-1], ir.ContinueAsNew) and isinstance(stmt, ast.Return):
                    continue  # `return` right after continue_as_new: the new run answers
                raise self.refuse(stmt, "FIAC612", "this code can never run",
                                  "remove the code after return / raise / continue_as_new")
            steps += self.stmt(stmt)
        return tuple(steps)

    def stmt(self, node: ast.stmt) -> list[ir.Step]:
        handler: Callable[[Any], list[ir.Step]] | None = getattr(
            self, f"_{type(node).__name__}", None)
        if handler is None:
            first = ast.unparse(node).splitlines()[0]
            raise self.refuse(node, "FIAC601", f"the statement `{first}` cannot be translated",
                              "use assignments, if/while/for, try/except, "
                              "return and raise; move other code into an activity")
        return handler(node)

    def _target(self, node: ast.Assign | ast.AnnAssign) -> str:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if len(targets) != 1 or not isinstance(targets[0], ast.Name):
            raise self.refuse(node, "FIAC601", "only assignments to one plain name are "
                              "translated", "assign to one variable: x = ...")
        name = targets[0].id
        if name == ir.INPUT or name.startswith("_"):
            raise self.refuse(node, "FIAC601", f"the variable name {name!r} is reserved",
                              "rename it (not `input`, not starting with _)")
        return name

    def _AnnAssign(self, node: ast.AnnAssign) -> list[ir.Step]:
        if node.value is None:
            return []
        return self._assign(self._target(node), node.value, node)

    def _Assign(self, node: ast.Assign) -> list[ir.Step]:
        return self._assign(self._target(node), node.value, node)

    def _assign(self, name: str, value: ast.expr, node: ast.stmt) -> list[ir.Step]:
        s = self.scope
        for table in (s.tasks, s.task_lists, s.deadlines, s.race_tags, s.race_results):
            table.pop(name, None)
        if isinstance(value, ast.Yield):
            return self._yield(value.value, name, node.lineno)
        pending = self._pending(value)
        if pending is not None:
            s.tasks[name] = pending
            return []
        if isinstance(value, ast.ListComp | ast.List) and self._holds_tasks(value):
            s.task_lists[name] = value
            return []
        if isinstance(value, ast.BinOp) and isinstance(value.left, ast.Attribute) \
                and self._is_ctx(value.left.value) and value.left.attr == "current_utc_datetime":
            s.deadlines[name] = self._seconds(value)
            return []
        return [ir.Assign(name, self.expr(value), node.lineno)]

    def _holds_tasks(self, node: ast.ListComp | ast.List) -> bool:
        elts = [node.elt] if isinstance(node, ast.ListComp) else node.elts
        return any(self._ctx_call(e) is not None or (isinstance(e, ast.Name)
                   and e.id in self.scope.tasks) for e in elts)

    def _Expr(self, node: ast.Expr) -> list[ir.Step]:
        value = node.value
        if isinstance(value, ast.Yield):
            return self._yield(value.value, None, node.lineno)
        found = self._ctx_call(value)
        if found is not None:
            attr, call = found
            if attr == "set_custom_status" and len(call.args) == 1:
                self.uses_status = True
                return [ir.SetStatus(self.expr(call.args[0]), node.lineno)]
            if attr == "continue_as_new" and len(call.args) == 1:
                return [ir.ContinueAsNew(self.expr(call.args[0]), node.lineno)]
            self._pending(value)  # entity calls and the like refuse with their own code
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) \
                and value.func.attr == "cancel" and isinstance(value.func.value, ast.Name) \
                and value.func.value.id in self.scope.race_tags:
            return []  # the timer lost the race: nothing to cancel on the targets
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            return []  # a docstring
        self.expr(value)  # refuses I/O and the like with a specific code
        raise self.refuse(node, "FIAC601", f"the expression statement `{ast.unparse(value)}` has "
                          "no effect a target can reproduce", "remove it, or move it into an "
                          "activity")

    def _If(self, node: ast.If) -> list[ir.Step]:
        return [ir.If(self.expr(node.test), self.block(node.body), self.block(node.orelse),
                      node.lineno)]

    def _While(self, node: ast.While) -> list[ir.Step]:
        if node.orelse:
            raise self.refuse(node, "FIAC613", "while/else cannot be translated",
                              "move the else block after the loop")
        return [ir.While(self.expr(node.test), self.block(node.body), node.lineno)]

    def _For(self, node: ast.For) -> list[ir.Step]:
        if node.orelse or not isinstance(node.target, ast.Name):
            raise self.refuse(node, "FIAC613", "only `for name in list:` without else is "
                              "translated", "iterate one name over a list")
        return [ir.ForEach(node.target.id, self.expr(node.iter), self.block(node.body),
                           node.lineno)]

    def _Try(self, node: ast.Try) -> list[ir.Step]:
        if node.orelse or node.finalbody or len(node.handlers) != 1:
            raise self.refuse(node, "FIAC601", "only try with one `except Exception` block is "
                              "translated (no else/finally)", "write try: ... except Exception "
                              "as e: ...; put finally-code at the end of both blocks")
        handler = node.handlers[0]
        if handler.type is not None and not (isinstance(handler.type, ast.Name)
                                             and handler.type.id == "Exception"):
            raise self.refuse(handler, "FIAC601", f"`except {ast.unparse(handler.type)}`: "
                              "targets report activity errors by name only",
                              "catch Exception and branch on a value the activity returns")
        body = self.block(node.body)
        if handler.name:
            self.scope.errors.add(handler.name)
        try:
            caught = self.block(handler.body)
        finally:
            if handler.name:
                self.scope.errors.discard(handler.name)
        return [ir.Try(body, caught, handler.name, node.lineno)]

    def _Return(self, node: ast.Return) -> list[ir.Step]:
        if isinstance(node.value, ast.Yield):  # return (yield task)
            steps = self._yield(node.value.value, "__result", node.lineno)
            return [*steps, ir.Return(ir.Var("__result"), node.lineno)]
        value = self.expr(node.value) if node.value is not None else ir.Const(None)
        return [ir.Return(value, node.lineno)]

    def _Raise(self, node: ast.Raise) -> list[ir.Step]:
        if node.exc is None:
            errs = sorted(self.scope.errors)
            if not errs:
                raise self.refuse(node, "FIAC601", "a bare raise outside an except block",
                                  "raise SomeError(\"message\")")
            return [ir.Reraise(errs[-1], node.lineno)]
        exc = node.exc
        if isinstance(exc, ast.Call) and isinstance(exc.func, ast.Name) and len(exc.args) <= 1 \
                and not exc.keywords:
            message = self.expr(exc.args[0]) if exc.args else ir.Const("")
            return [ir.Raise(exc.func.id, message, node.lineno)]
        raise self.refuse(node, "FIAC601", f"`raise {ast.unparse(exc)}` cannot be translated",
                          "raise SomeError(\"message\") with one argument")

    def _Pass(self, node: ast.Pass) -> list[ir.Step]:
        return []

    def _FunctionDef(self, node: ast.FunctionDef) -> list[ir.Step]:
        raise self.refuse(node, "FIAC614", f"the nested function {node.name!r}",
                          "define helpers at module level as activities")

    _ClassDef = _FunctionDef
    _AsyncFunctionDef = _FunctionDef

    def _Break(self, node: ast.Break) -> list[ir.Step]:
        raise self.refuse(node, "FIAC613", "break/continue cannot be translated",
                          "put the exit condition in the while test")

    _Continue = _Break

    def _Import(self, node: ast.Import) -> list[ir.Step]:
        raise self.refuse(node, "FIAC604", "an import inside an orchestrator",
                          "import at module level; do I/O in activities")

    _ImportFrom = _Import

    def _With(self, node: ast.With) -> list[ir.Step]:
        raise self.refuse(node, "FIAC604", "a with-block in an orchestrator (usually I/O)",
                          "do I/O in an activity and yield ctx.call_activity(...)")

    def _Global(self, node: ast.Global) -> list[ir.Step]:
        raise self.refuse(node, "FIAC603", "global state in an orchestrator changes between "
                          "replays", "pass values through the input and activity results")

    _Nonlocal = _Global

    def _AugAssign(self, node: ast.AugAssign) -> list[ir.Step]:
        if not isinstance(node.target, ast.Name):
            raise self.refuse(node, "FIAC601", "augmented assignment to a subscript",
                              "rebuild the value: x = x + [item]")
        value = ast.BinOp(ast.Name(node.target.id, ast.Load()), node.op, node.value)
        ast.copy_location(value, node)
        return [ir.Assign(node.target.id, self.expr(value), node.lineno)]


def analyze(handler: Callable[..., Any], name: str | None = None, *,
            activities: Iterable[str] | None = None,
            orchestrators: Iterable[str] | None = None, root: Path | None = None) -> ir.Workflow:
    """Translate one orchestrator function into the IR (or raise a coded :class:`Refusal`)."""
    fn_name = str(name or getattr(handler, "__name__", "orchestrator"))
    try:
        lines, start = inspect.getsourcelines(handler)
        path = Path(inspect.getsourcefile(handler) or "?")
    except (OSError, TypeError) as exc:
        raise refuse("FIAC600", f"the source of orchestrator {fn_name!r} cannot be read: {exc}",
                     "define orchestrators in a .py file", "", 0) from None
    file = path.name
    if root is not None:
        with contextlib.suppress(ValueError):
            file = path.resolve().relative_to(root.resolve()).as_posix()
    tree = ast.parse(textwrap.dedent("".join(lines)))
    ast.increment_lineno(tree, start - 1)
    fn = next((n for n in tree.body if isinstance(n, ast.FunctionDef)), None)
    if fn is None:
        raise refuse("FIAC600", f"orchestrator {fn_name!r} is not a plain generator function",
                     "write it as def name(ctx): ... with yields", file, start)
    analyzer = Analyzer(fn, file, getattr(handler, "__globals__", {}), activities, orchestrators)
    steps = analyzer.block(fn.body)
    if not ir.ends(steps):
        steps = (*steps, ir.Return(ir.Const(None), fn.end_lineno or fn.lineno))
    return ir.Workflow(fn_name, steps, file, fn.lineno,
                       tuple(sorted(analyzer.used["activity"])),
                       tuple(sorted(analyzer.used["orchestrator"])),
                       tuple(sorted(analyzer.used["event"])), analyzer.uses_status)
