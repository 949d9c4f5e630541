"""The durable tasks of an orchestrator: calls, retries, timers, events, ``task_all`` and
the event-vs-timer ``task_any``; and the expressions around them (``ctx``, task variables).
The statements are in :mod:`.analyze`."""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..errors import Diagnostic
from . import ir, retries
from .clock import NOW
from .entities import ENTITY_CALLS, entity_call
from .expr import ExprConverter
from .refusals import Refusal, refuse

_CALLS = {
    "call_activity": ("activity", False),
    "call_activity_with_retry": ("activity", True),
    "call_sub_orchestrator": ("orchestrator", False),
    "call_sub_orchestrator_with_retry": ("orchestrator", True),
}
_ENTITY = {"lock", "create_entity_proxy"}


@dataclass(frozen=True)
class _Pending:
    """A task created but not yet yielded: a call, a timer or an event (its name).

    A timer has ``seconds`` from now (``until`` None) or fires at ``until``; ``deadline`` is
    the variable its firing instant was saved in when it was made, for a race that comes
    after other durable steps (a loop's shared timeout)."""

    kind: str  # "call" | "timer" | "event"
    call: ir.Call | None = None
    seconds: ir.Expr | None = None
    event: str = ""
    depth: int = 0  # how many loops enclose the statement that made it
    until: ir.Expr | None = None
    deadline: str = ""
    made_after: int = 0  # durable steps made before this task
    retry: retries.Computed | None = None  # retry options computed at run time


@dataclass
class _Scope:
    tasks: dict[str, _Pending] = field(default_factory=dict)
    task_lists: dict[str, ast.expr] = field(default_factory=dict)
    race_tags: dict[str, str] = field(default_factory=dict)  # task var → tag string
    race_results: dict[str, str] = field(default_factory=dict)  # event task var → payload var
    errors: list[str] = field(default_factory=list)  # caught errors in scope, innermost last
    #: variables known to hold a datetime / timedelta (seconds), or a caught error
    kinds: dict[str, str] = field(default_factory=dict)
    retries: dict[str, ir.Retry | retries.Computed] = field(default_factory=dict)
    constants: dict[str, Any] = field(default_factory=dict)  # assigned once, a constant
    timers: dict[str, _Pending] = field(default_factory=dict)  # timers raced already
    #: the values a variable may hold, when a loop takes them from a literal list of strings
    values: dict[str, list[str]] = field(default_factory=dict)
    literal_lists: dict[str, list[str]] = field(default_factory=dict)  # x = ["a", "b"]
    entity_ids: dict[str, str] = field(default_factory=dict)  # x = EntityId("name", key)
    counter: int = 0


class TaskAnalyzer:
    def __init__(
        self,
        fn: ast.FunctionDef,
        file: str,
        globals_: dict[str, Any],
        activities: Iterable[str] | None,
        orchestrators: Iterable[str] | None,
        entities: Iterable[str] | None = None,
    ) -> None:
        self.fn = fn
        self.file = file
        self.globals = globals_
        self.activities = set(activities) if activities is not None else None
        self.orchestrators = set(orchestrators) if orchestrators is not None else None
        self.entities = set(entities) if entities is not None else None
        if not fn.args.args:
            raise self.refuse(
                fn,
                "FIAC601",
                "the orchestrator takes no context argument",
                "write def orchestrator(ctx): ...",
            )
        self.ctx = fn.args.args[0].arg
        self.scope = _Scope()
        self.exprs = ExprConverter(file, self._resolve, self.ctx, self._typed)
        self.durable = 0  # durable steps made so far (a timer raced later compares)
        self.used: dict[str, set[str]] = {
            "activity": set(),
            "orchestrator": set(),
            "event": set(),
            "entity": set(),
        }
        self.uses_status = False
        self.problems: list[Diagnostic] = []  # refused statements, all reported at the end
        self.untrusted: set[str] = set()  # names made or used by a refused statement
        self.depth = 0
        stores = [
            n.id for n in ast.walk(fn) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
        ]
        #: variables assigned in one place only (a constant there is their only value)
        self.assigned_once = {n for n in stores if stores.count(n) == 1}

    def refuse(self, node: ast.AST | int, code: str, what: str, fix: str) -> Refusal:
        return refuse(code, what, fix, self.file, node)

    # -- expressions --------------------------------------------------------------------------
    def _is_ctx(self, node: ast.expr) -> bool:
        return isinstance(node, ast.Name) and node.id == self.ctx

    def _typed(self, name: str) -> str | None:
        if name in self.scope.errors:
            return "error"
        return self.scope.kinds.get(name)

    def _resolve(self, node: ast.expr) -> ir.Expr | None:
        s = self.scope
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and self._is_ctx(node.func.value)
            and node.func.attr == "get_input"
        ):
            return ir.Var(ir.INPUT)
        if isinstance(node, ast.Attribute) and self._is_ctx(node.value):
            if node.attr == "is_replaying":
                return ir.Const(False)
            if node.attr in ("instance_id", "parent_instance_id"):
                return ir.Builtin(node.attr, ())  # type: ignore[arg-type]
            raise self.refuse(
                node,
                "FIAC601",
                f"`{ast.unparse(node)}` cannot be translated",
                "use get_input, call_activity[_with_retry], call_sub_orchestrator, "
                "task_all, create_timer, wait_for_external_event, set_custom_status "
                "or continue_as_new",
            )
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and self._is_ctx(node.func.value)
            and node.func.attr == "new_uuid"
            and not node.args
        ):
            return ir.Builtin("uuid", ())
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in s.errors
            and node.attr in ("error_type", "error_message")
        ):
            return ir.Index(ir.Var(node.value.id), ir.Const(node.attr.removeprefix("error_")))
        if (
            isinstance(node, ast.Attribute)
            and node.attr == "is_completed"
            and isinstance(node.value, ast.Name)
            and (s.tasks.get(node.value.id) or s.timers.get(node.value.id))
        ):
            timer = s.tasks.get(node.value.id) or s.timers[node.value.id]
            if timer.kind != "timer":
                raise self.refuse(node, "FIAC612", "is_completed of a task", "use its result")
            return ir.Compare(">=", NOW, ir.Var(timer.deadline))
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and self._is_ctx(node.func.value)
        ):
            raise self.refuse(
                node,
                "FIAC605",
                f"`{ast.unparse(node)}` makes a durable task that is used as a value",
                "yield the task: x = yield ctx.call_activity(...)",
            )
        if isinstance(node, ast.Name):
            if node.id in s.entity_ids:
                raise self.refuse(
                    node,
                    "FIAC612",
                    f"the entity id `{node.id}` is used as a value",
                    "pass it only to ctx.call_entity / ctx.signal_entity",
                )
            if node.id == self.ctx:
                raise self.refuse(
                    node,
                    "FIAC612",
                    "the context object is used as a value",
                    "pass JSON values to activities, not ctx",
                )
            if node.id in s.race_tags:
                return ir.Const(s.race_tags[node.id])
            if node.id in s.retries:
                raise self.refuse(
                    node,
                    "FIAC608",
                    f"the retry options `{node.id}` are used as a value",
                    "pass them only to call_activity_with_retry / call_sub_orchestrator_with_retry",
                )
            if node.id in s.tasks or node.id in s.task_lists:
                raise self.refuse(
                    node,
                    "FIAC612",
                    f"the task `{node.id}` is used as a value",
                    "yield it (x = yield task) and use its result",
                )
        if (
            isinstance(node, ast.Attribute)
            and node.attr == "result"
            and isinstance(node.value, ast.Name)
            and node.value.id in s.race_results
        ):
            return ir.Var(s.race_results[node.value.id])
        if isinstance(node, ast.Yield | ast.YieldFrom | ast.Await):
            raise self.refuse(
                node,
                "FIAC605",
                "a yield inside an expression",
                "write the yield as its own statement: x = yield task",
            )
        if isinstance(node, ast.Lambda):
            raise self.refuse(
                node, "FIAC614", "a lambda in an orchestrator", "write the function as an activity"
            )
        return None

    def expr(self, node: ast.expr) -> ir.Expr:
        return self.exprs.convert(node)

    # -- tasks --------------------------------------------------------------------------------
    def _ctx_call(self, node: ast.expr) -> tuple[str, ast.Call] | None:
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and self._is_ctx(node.func.value)
        ):
            return node.func.attr, node
        return None

    def _name_of(self, node: ast.expr | None, kind: str) -> tuple[str, ir.Expr | None]:
        """The called function's name: a literal, or (the candidates, comma-separated, and
        the expression) when computed at run time: the values it may take when it is a loop
        variable over a literal list, else every function of that kind in the app."""
        if node is None or (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            return self._literal_name(node, kind), None
        known = self.activities if kind == "activity" else self.orchestrators
        if known is None:
            raise self.refuse(
                node,
                "FIAC607",
                f"the {kind} name is computed and the app's {kind} names are not known",
                f'name the {kind} with a literal: ctx.call_activity("send_email", payload)',
            )
        expr = self.expr(node)
        values = self.scope.values.get(node.id) if isinstance(node, ast.Name) else None
        candidates = sorted(set(values) & known) if values else sorted(known - {self.fn.name})
        if not candidates:
            raise self.refuse(node, "FIAC611", f"no {kind} this name can be", "name one")
        self.used[kind] |= set(candidates)
        return ",".join(candidates), expr

    def _literal_name(self, node: ast.expr | None, kind: str) -> str:
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            raise self.refuse(
                node or self.fn,
                "FIAC607",
                f"the {kind} name is not a string literal",
                f'name the {kind} with a literal: ctx.call_activity("send_email", payload)',
            )
        known = self.activities if kind == "activity" else self.orchestrators
        if known is not None and node.value not in known:
            listed = ", ".join(sorted(known)) or "none"
            raise self.refuse(
                node,
                "FIAC611",
                f"no {kind} named {node.value!r} in this app",
                f"declare it with @app.{kind} or use one of: {listed}",
            )
        self.used[kind].add(node.value)
        return node.value

    def _retry_call(self, node: ast.expr) -> ir.Retry | retries.Computed | None:
        """``RetryOptions(...)`` (faas_iac's or Azure's) written in the source, or None."""
        if not isinstance(node, ast.Call):
            return None
        cls = retries.global_value(node.func, self.globals)
        if not retries.is_retry_class(cls):
            return None
        consts: dict[str, ir.Expr] = {k: ir.Const(v) for k, v in self.scope.constants.items()}
        return retries.from_call(
            node, cls, lambda n: ir.substitute(self.expr(n), consts), self.file
        )

    def _retry(self, node: ast.expr) -> ir.Retry | retries.Computed:
        if isinstance(node, ast.Name) and node.id in self.scope.retries:
            return self.scope.retries[node.id]
        found = self._retry_call(node)
        if found is not None:
            return found
        value = retries.global_value(node, self.globals)
        if value is not None and retries.is_retry_class(type(value)):
            return retries.from_object(value, node, self.file)
        raise self.refuse(
            node,
            "FIAC608",
            "the retry options are not known at compile time",
            "pass RetryOptions(...) with literal arguments, a variable assigned one, or a "
            "module-level RetryOptions constant",
        )

    def _call(self, attr: str, node: ast.Call) -> ir.Call:
        """A call whose retry policy (if any) is known at compile time."""
        call, computed = self._call_with(attr, node)
        if computed is not None:
            raise self.refuse(
                node,
                "FIAC608",
                "retry options computed at run time, for a call in task_all",
                "give the RetryOptions literal numbers, or yield the call on its own",
            )
        return call

    def _call_with(self, attr: str, node: ast.Call) -> tuple[ir.Call, retries.Computed | None]:
        """A call, and its retry options when they are computed at run time."""
        kind, with_retry = _CALLS[attr]
        params: tuple[str, ...] = (
            ("name", "retry_options", "input_") if with_retry else ("name", "input_")
        )
        if kind == "orchestrator":
            params = (*params, "instance_id")
        if any(isinstance(a, ast.Starred) for a in node.args) or len(node.args) > len(params):
            raise self.refuse(
                node,
                "FIAC601",
                f"the arguments of ctx.{attr}",
                f"pass {', '.join(params)} (positionally or by keyword)",
            )
        given: dict[str, ast.expr] = dict(zip(params, node.args, strict=False))
        for kw in node.keywords:
            if kw.arg is None or kw.arg not in params or kw.arg in given:
                raise self.refuse(
                    node,
                    "FIAC601",
                    f"the argument {kw.arg or '**'}= of ctx.{attr} cannot be translated",
                    f"pass {', '.join(params)} (positionally or by keyword)",
                )
            given[kw.arg] = kw.value
        name, name_expr = self._name_of(given.get("name"), kind)
        options = given.get("retry_options")
        if with_retry and options is None:
            raise self.refuse(
                node,
                "FIAC608",
                f"ctx.{attr} without retry options",
                "pass RetryOptions as the second argument",
            )
        retry = self._retry(options) if options is not None else None
        value = self.expr(given["input_"]) if "input_" in given else ir.Const(None)
        instance = given.get("instance_id")
        child_id = None if instance is None else self.expr(instance)
        if child_id == ir.Const(None):
            child_id = None
        policy = retry if isinstance(retry, ir.Retry) else None
        computed = retry if isinstance(retry, retries.Computed) else None
        call = ir.Call(kind, name, value, policy, name_expr, child_id)  # type: ignore[arg-type]
        return call, computed

    def _fire_at(self, node: ast.expr) -> tuple[ir.Expr, ir.Expr | None]:
        """A timer's fire-at time → (seconds from now, None) when written as
        ``ctx.current_utc_datetime + <timedelta>``, else (0, the instant)."""
        conv = self.exprs
        if conv.time_kind(node) != "datetime":
            raise self.refuse(
                node,
                "FIAC609",
                f"the timer `{ast.unparse(node)}` does not fire at a datetime",
                "write ctx.create_timer(ctx.current_utc_datetime + timedelta(...)), or at a "
                "datetime computed from ctx.current_utc_datetime",
            )
        if (
            isinstance(node, ast.BinOp)
            and isinstance(node.op, ast.Add)
            and conv.is_now(node.left)
            and conv.time_kind(node.right) == "timedelta"
        ):
            return conv.convert(node.right, time_ok=True), None
        return ir.Const(0), conv.convert(node, time_ok=True)

    def _pending(self, node: ast.expr) -> _Pending | None:
        """A task-making expression (not yielded), or None."""
        if isinstance(node, ast.Name) and node.id in self.scope.tasks:
            return self.scope.tasks[node.id]
        found = self._ctx_call(node)
        if found is None:
            return None
        attr, call = found
        if attr in _CALLS:
            made, computed = self._call_with(attr, call)
            return _Pending("call", call=made, depth=self.depth, retry=computed)
        if attr in ENTITY_CALLS:
            held = self.scope.entity_ids
            made = entity_call(call, held, self.expr, self.refuse, self.entities)
            self.used["entity"].add(made.name)
            return _Pending("call", call=made, depth=self.depth)
        if attr == "create_timer":
            if len(call.args) != 1:
                raise self.refuse(
                    call,
                    "FIAC609",
                    "create_timer takes one fire-at time",
                    "ctx.create_timer(ctx.current_utc_datetime + timedelta(...))",
                )
            seconds, until = self._fire_at(call.args[0])
            self.scope.counter += 1
            return _Pending(
                "timer",
                seconds=seconds,
                until=until,
                depth=self.depth,
                deadline=f"__deadline{self.scope.counter}",
                made_after=self.durable,
            )
        if attr == "wait_for_external_event":
            if (
                len(call.args) != 1
                or not isinstance(call.args[0], ast.Constant)
                or not isinstance(call.args[0].value, str)
            ):
                raise self.refuse(
                    call,
                    "FIAC607",
                    "the event name is not a string literal",
                    'write ctx.wait_for_external_event("Approval")',
                )
            self.used["event"].add(call.args[0].value)
            return _Pending("event", event=call.args[0].value, depth=self.depth)
        if attr in _ENTITY:
            raise self.refuse(
                call,
                "FIAC610",
                f"ctx.{attr}: entity locks and proxies are not translated (entity operations "
                "are, with ctx.call_entity / ctx.signal_entity, for Step Functions)",
                "run this orchestrator on the local or azure target (native entities), or "
                "operate on the entity with ctx.call_entity",
            )
        return None

    def _yield(self, value: ast.expr | None, target: str | None, line: int) -> list[ir.Step]:
        steps = self._yielded(value, target, line)
        self.durable += 1
        return steps

    def _timer_step(self, pending: _Pending, held: bool, line: int) -> ir.Timer:
        """A pending timer yielded now; ``held``: it was kept in a variable, so durable steps
        may have passed since it was made (it then fires at the instant saved then)."""
        assert pending.seconds is not None
        if held and (pending.made_after != self.durable or pending.depth < self.depth):
            return ir.Timer(ir.Const(0), line, until=ir.Var(pending.deadline))
        return ir.Timer(pending.seconds, line, until=pending.until)

    def _yielded(self, value: ast.expr | None, target: str | None, line: int) -> list[ir.Step]:
        if value is None:
            raise self.refuse(line, "FIAC605", "a bare yield", "yield a durable task")
        pending = self._pending(value)
        if pending is not None:
            if isinstance(value, ast.Name):
                del self.scope.tasks[value.id]
            if pending.kind == "call":
                assert pending.call is not None
                if pending.retry is not None:
                    return self._retried(pending.call, pending.retry, target, line)
                return [ir.Task(pending.call, target, line)]
            if pending.kind == "timer":
                timer = self._timer_step(pending, isinstance(value, ast.Name), line)
                if target is not None:
                    return [timer, ir.Assign(target, ir.Const(None), line)]
                return [timer]
            return [ir.WaitEvent(pending.event, target, line=line)]
        found = self._ctx_call(value)
        if found is not None and found[0] == "task_all":
            return self._task_all(found[1], target, line)
        if found is not None and found[0] == "task_any":
            return self._task_any(found[1], target, line)
        raise self.refuse(
            value,
            "FIAC605",
            f"`yield {ast.unparse(value)}` does not yield a durable task",
            "yield ctx.call_activity(...), ctx.task_all([...]), "
            "ctx.create_timer(...) or ctx.wait_for_external_event(...)",
        )

    def _task_list(self, node: ast.Call) -> ast.expr:
        if len(node.args) != 1:
            raise self.refuse(
                node,
                "FIAC612",
                "task_all/task_any take one list of tasks",
                "pass a list: ctx.task_all([ ... ])",
            )
        arg = node.args[0]
        if isinstance(arg, ast.Name) and arg.id in self.scope.task_lists:
            return self.scope.task_lists.pop(arg.id)
        return arg

    def _task_all(self, node: ast.Call, target: str | None, line: int) -> list[ir.Step]:
        arg = self._task_list(node)
        if isinstance(arg, ast.ListComp):
            found = self._ctx_call(arg.elt)
            if found is not None and found[0] in _CALLS:
                gen, var, names = self.exprs._generator(arg)
                source = self.expr(gen.iter)
                conds = [ir.substitute(self.expr(c), names) for c in gen.ifs]
                if conds:  # the calls of the items the filters keep
                    cond = conds[0] if len(conds) == 1 else ir.BoolOp("and", tuple(conds))
                    source = ir.Comprehension(ir.Var(var), var, source, cond)
                call = ir.map_call(self._call(*found), lambda e: ir.substitute(e, names))
                return [ir.FanOut(call, var, source, target, line)]
        if isinstance(arg, ast.List | ast.Tuple) and arg.elts:
            pendings = [self._pending(elt) for elt in arg.elts]
            if all(p is not None and p.kind in ("call", "event") for p in pendings):
                for elt in arg.elts:
                    if isinstance(elt, ast.Name):
                        del self.scope.tasks[elt.id]
                return self._all_of([p for p in pendings if p is not None], target, line)
        raise self.refuse(
            arg,
            "FIAC612",
            "task_all takes a list of activity/sub-orchestrator "
            "calls or one comprehension over a list",
            'write ctx.task_all([ctx.call_activity("f", x) for x in items]) or '
            'ctx.task_all([ctx.call_activity("a", x), '
            'ctx.call_activity("b", y)])',
        )

    def _all_of(self, pendings: list[_Pending], target: str | None, line: int) -> list[ir.Step]:
        """``task_all`` of calls and events: the calls in parallel, then each event in turn
        (an event raised early is kept until waited for, so the results are the same as
        waiting for all at once)."""
        calls = [p.call for p in pendings if p.call is not None]
        events = [p.event for p in pendings if p.kind == "event"]
        if not events:
            return [ir.Parallel(tuple(calls), target, line)]
        self.scope.counter += 1
        n = self.scope.counter
        steps: list[ir.Step] = []
        if calls:
            steps.append(ir.Parallel(tuple(calls), f"__calls{n}" if target else None, line))
        results: list[ir.Expr] = []
        called = 0
        for i, p in enumerate(pendings):
            if p.kind == "event":
                got = f"__event{n}_{i}"
                steps.append(ir.WaitEvent(p.event, got if target else None, line=line))
                results.append(ir.Var(got))
            else:
                results.append(ir.Index(ir.Var(f"__calls{n}"), ir.Const(called)))
                called += 1
        if target:
            steps.append(ir.Assign(target, ir.ListLit(tuple(results)), line))
        return steps

    def _task_any(self, node: ast.Call, target: str | None, line: int) -> list[ir.Step]:
        arg = self._task_list(node)
        pendings: list[tuple[str, _Pending]] = []
        if isinstance(arg, ast.List | ast.Tuple):
            for elt in arg.elts:
                if isinstance(elt, ast.Name) and elt.id in self.scope.tasks:
                    pendings.append((elt.id, self.scope.tasks[elt.id]))
        kinds = sorted(p.kind for _, p in pendings)
        events = kinds.count("event")
        if (
            len(pendings) < 2
            or len(pendings) != len(getattr(arg, "elts", []))
            or kinds.count("timer") > 1
            or "call" in kinds
            or target is None
        ):
            raise self.refuse(
                node,
                "FIAC606",
                "task_any translates only as a race of external events and at most one "
                "timer, each held in a variable, with the winner assigned",
                "write: winner = yield ctx.task_any([event_task, "
                "timer_task]); a race with activities runs natively on the local and azure "
                "targets",
            )
        if events > 1:
            return [self._race(pendings, target, line)]
        ((ev_name, event),) = [p for p in pendings if p[1].kind == "event"]
        ((tm_name, timer),) = [p for p in pendings if p[1].kind == "timer"]
        seconds = self._time_left(timer)
        payload = f"{ev_name}_result"
        self.scope.race_tags[ev_name] = ev_name
        self.scope.race_tags[tm_name] = tm_name
        self.scope.race_results[ev_name] = payload
        self.scope.timers[tm_name] = timer
        del self.scope.tasks[ev_name], self.scope.tasks[tm_name]
        return [ir.WaitEvent(event.event, payload, seconds, target, ev_name, tm_name, line)]

    def _retried(
        self, call: ir.Call, options: retries.Computed, target: str | None, line: int
    ) -> list[ir.Step]:
        """A call retried as the local engine retries it, by the orchestration itself: a
        failed attempt waits (first interval * coefficient^(n-1), capped, whole ms) and tries
        again, until the attempts run out and the last failure goes on."""
        self.scope.counter += 1
        n = self.scope.counter
        attempt, delay, error = ir.Var(f"__attempt{n}"), ir.Var(f"__delay{n}"), f"__failed{n}"
        capped = ir.IfExp(
            ir.BoolOp(
                "and",
                (
                    ir.Compare("is not", options.max_interval_ms, ir.Const(None)),
                    ir.Compare(">", delay, options.max_interval_ms),
                ),
            ),
            options.max_interval_ms,
            delay,
        )
        wait = ir.BinOp("/", ir.Builtin("int", (capped,)), ir.Const(1000))
        handler: tuple[ir.Step, ...] = (
            ir.If(ir.Compare(">=", attempt, options.max_attempts), (ir.Reraise(error, line),)),
            ir.Timer(wait, line),
            ir.Assign(delay.name, ir.BinOp("*", delay, options.backoff_coefficient), line),
            ir.Assign(attempt.name, ir.BinOp("+", attempt, ir.Const(1)), line),
        )
        body = (ir.Task(call, target, line), ir.Break(line))
        loop = ir.Try(body, handler, error, line, (ir.TASK_FAILED,))
        return [
            ir.Assign(attempt.name, ir.Const(1), line),
            ir.Assign(delay.name, options.first_interval_ms, line),
            ir.While(ir.Const(True), (loop,), line),
        ]

    def _time_left(self, timer: _Pending) -> ir.Expr:
        """Seconds until a pending timer fires, from now."""
        if timer.depth < self.depth or timer.made_after != self.durable:
            # made before other durable steps (a loop's shared timeout): the time left
            return ir.BinOp("-", ir.Var(timer.deadline), NOW)
        if timer.until is not None:
            return ir.BinOp("-", timer.until, NOW)
        assert timer.seconds is not None
        return timer.seconds

    def _race(self, pendings: list[tuple[str, _Pending]], target: str, line: int) -> ir.Race:
        """A race of events (and a timer): each event's payload kept for ``.result``."""
        arms = []
        s = self.scope
        for name, task in pendings:
            s.race_tags[name] = name
            del s.tasks[name]
            if task.kind == "timer":
                s.timers[name] = task
                arms.append(ir.Arm(name, seconds=self._time_left(task)))
                continue
            s.race_results[name] = f"{name}_result"
            arms.append(ir.Arm(name, event=task.event, target=f"{name}_result"))
        return ir.Race(tuple(arms), target, line)

    # -- statements ---------------------------------------------------------------------------
