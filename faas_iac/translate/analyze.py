"""Orchestrator source (AST) → :class:`~.ir.Workflow`, or a coded refusal.

Reads the generator's source; never runs it. A statement is translated only when its meaning
on every target is the meaning Python gives it; anything else is refused (FIAC6xx) with the
file:line, the construct and what to write instead.
"""

from __future__ import annotations

import ast
import contextlib
import copy
import inspect
import textwrap
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from . import ir
from .clock import NOW
from .entities import entity_id, is_entity_id
from .expr import element_arity
from .hoist import hoist_yields
from .refusals import Refusal, refuse
from .statements import MUTATING, StatementAnalyzer


class Analyzer(StatementAnalyzer):
    """Statements of an orchestrator → IR steps."""

    def block(self, body: list[ast.stmt]) -> tuple[ir.Step, ...]:
        """The steps of ``body``; a refused statement is recorded in ``problems`` and the
        next one is translated, so every problem is reported at once."""
        steps: list[ir.Step] = []
        skip = 0
        for i, stmt in enumerate(body):
            if skip:
                skip -= 1
                continue
            if i + 1 < len(body) and self._task_list_loop(stmt, body[i + 1]):
                skip = 1  # tasks = []; for x in xs: tasks.append(ctx.call_activity(...))
                continue
            if steps and isinstance(
                steps[-1],
                ir.ContinueAsNew | ir.Return | ir.Raise | ir.Reraise | ir.Break | ir.Continue,
            ):
                if isinstance(steps[-1], ir.ContinueAsNew) and isinstance(stmt, ast.Return):
                    continue  # `return` right after continue_as_new: the new run answers
                self.problems += self.refuse(
                    stmt,
                    "FIAC612",
                    "this code can never run",
                    "remove the code after return / raise / continue_as_new / break / continue",
                ).diagnostics
                break
            try:
                steps += self.stmt(stmt)
            except Refusal as exc:
                self._refused(stmt, exc)
        return tuple(steps)

    def _refused(self, stmt: ast.stmt, exc: Refusal) -> None:
        """Record a refused statement's problems, unless it only follows from an earlier one
        (it reads a name an earlier refused statement made or used as a task). The names it
        binds, and the tasks it reads, are not trusted after it."""
        read = {n.id for n in ast.walk(stmt) if isinstance(n, ast.Name)}
        if not read & self.untrusted:
            self.problems += exc.diagnostics
        s = self.scope
        self.untrusted |= read & (set(s.tasks) | set(s.task_lists) | set(s.race_tags))
        for node in ast.walk(stmt):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                self.untrusted.add(node.id)
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                self.untrusted.add(node.name)
            elif isinstance(node, ast.Import | ast.ImportFrom):
                self.untrusted |= {(a.asname or a.name).split(".")[0] for a in node.names}

    def _task_list_loop(self, first: ast.stmt, loop: ast.stmt) -> bool:
        """Azure's fan-out idiom: an empty list, then a loop that only appends one task per
        element (after plain assignments it uses); recorded as the comprehension it means,
        for ``task_all`` to fan out."""
        if not (
            isinstance(first, ast.Assign)
            and len(first.targets) == 1
            and isinstance(first.targets[0], ast.Name)
            and isinstance(first.value, ast.List)
            and not first.value.elts
            and isinstance(loop, ast.For)
            and not loop.orelse
            and loop.body
            and isinstance(loop.body[-1], ast.Expr)
        ):
            return False
        name = first.targets[0].id
        call = loop.body[-1].value
        if not (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and call.func.attr == "append"
            and isinstance(call.func.value, ast.Name)
            and call.func.value.id == name
            and len(call.args) == 1
            and self._ctx_call(call.args[0]) is not None
        ):
            return False
        element = call.args[0]
        for stmt in reversed(loop.body[:-1]):  # child_id = f"...{i}": inlined into the call
            if not (
                isinstance(stmt, ast.Assign)
                and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], ast.Name)
                and not any(
                    isinstance(n, ast.Yield)
                    or (isinstance(n, ast.Call) and self._ctx_call(n) is not None)
                    for n in ast.walk(stmt.value)
                )
            ):
                return False
            element = _inline(element, stmt.targets[0].id, stmt.value)
        comp = ast.ListComp(element, [ast.comprehension(loop.target, loop.iter, [], 0)])
        self.scope.task_lists[name] = ast.copy_location(comp, loop)
        return True

    def stmt(self, node: ast.stmt) -> list[ir.Step]:
        hoisted = hoist_yields(node, lambda: self.fresh("y"), MUTATING)
        if hoisted is not None:  # a yield inside an expression: its own step first
            yields, rest = hoisted
            steps = [s for name, value, line in yields for s in self._yield(value, name, line)]
            return steps + self.stmt(rest)
        match node:
            case ast.AnnAssign():
                return self._AnnAssign(node)
            case ast.Assign():
                return self._Assign(node)
            case ast.AugAssign():
                return self._AugAssign(node)
            case ast.Expr():
                return self._Expr(node)
            case ast.If():
                return self._If(node)
            case ast.While():
                return self._While(node)
            case ast.For():
                return self._For(node)
            case ast.Try():
                return self._Try(node)
            case ast.Return():
                return self._Return(node)
            case ast.Raise():
                return self._Raise(node)
            case ast.Pass():
                return []
            case ast.FunctionDef() | ast.AsyncFunctionDef() | ast.ClassDef():
                return self._FunctionDef(node)
            case ast.Break():
                return [ir.Break(node.lineno)]
            case ast.Continue():
                return [ir.Continue(node.lineno)]
            case ast.Import() | ast.ImportFrom():
                return self._Import(node)
            case ast.With():
                return self._With(node)
            case ast.Global() | ast.Nonlocal():
                return self._Global(node)
            case ast.Delete():
                return self._Delete(node)
        first = ast.unparse(node).splitlines()[0]
        raise self.refuse(
            node,
            "FIAC601",
            f"the statement `{first}` cannot be translated",
            "use assignments, if/while/for, try/except, "
            "return and raise; move other code into an activity",
        )

    def assign_name(self, name: str, value: ast.expr, node: ast.stmt) -> list[ir.Step]:
        s = self.scope
        tables = (s.tasks, s.task_lists, s.race_tags, s.race_results, s.retries, s.kinds)
        for table in (*tables, s.values, s.literal_lists, s.constants, s.entity_ids):
            table.pop(name, None)
        retry = self._retry_call(value)
        if retry is not None:
            s.retries[name] = retry
            return []
        if isinstance(value, ast.Yield):
            return self._yield(value.value, name, node.lineno)
        if is_entity_id(value):  # the variable holds the key; the entity is known here
            assert isinstance(value, ast.Call)
            entity, key = entity_id(value, {}, self.expr, self.refuse, self.entities)
            s.entity_ids[name] = entity
            return [ir.Assign(name, key, node.lineno)]
        pending = self._pending(value)
        if pending is not None:
            s.tasks[name] = pending
            if pending.kind != "timer":
                return []
            assert pending.seconds is not None  # its fire-at instant, kept for a later race
            at = pending.until or ir.BinOp("+", NOW, pending.seconds)
            return [ir.Assign(pending.deadline, at, node.lineno)]
        if isinstance(value, ast.ListComp | ast.List) and self._holds_tasks(value):
            s.task_lists[name] = value
            return []
        if isinstance(value, ast.Call):
            changed = self.method_statement(value, ast.Name(name, ast.Store()), node)
            if changed is not None:
                return changed
        kind = self.exprs.time_kind(value)
        converted = self.exprs.convert(value, time_ok=kind is not None)
        if kind is not None:
            s.kinds[name] = kind
        folded = ir.fold(converted)
        if isinstance(folded, list) and all(isinstance(v, str) for v in folded):
            s.literal_lists[name] = folded
        if name in self.assigned_once and (folded is None or isinstance(folded, int | float | str)):
            s.constants[name] = folded
        return [ir.Assign(name, converted, node.lineno)]

    def _holds_tasks(self, node: ast.ListComp | ast.List) -> bool:
        elts = [node.elt] if isinstance(node, ast.ListComp) else node.elts
        return any(
            self._ctx_call(e) is not None or (isinstance(e, ast.Name) and e.id in self.scope.tasks)
            for e in elts
        )

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
            if attr == "signal_entity":  # one-way: made in order, its result unused
                signal = self._pending(value)
                assert signal is not None and signal.call is not None
                return [ir.Task(signal.call, None, node.lineno)]
            self._pending(value)  # entity calls and the like refuse with their own code
        if isinstance(value, ast.Call):
            changed = self.method_statement(value, None, node)
            if changed is not None:
                return changed
        if (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Attribute)
            and value.func.attr == "cancel"
            and isinstance(value.func.value, ast.Name)
            and (
                value.func.value.id in self.scope.race_tags
                or getattr(self.scope.tasks.get(value.func.value.id), "kind", "") == "timer"
            )
        ):
            return []  # the timer lost the race: nothing to cancel on the targets
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            return []  # a docstring
        self.expr(value)  # refuses I/O and the like with a specific code
        raise self.refuse(
            node,
            "FIAC601",
            f"the expression statement `{ast.unparse(value)}` has no effect a target can reproduce",
            "remove it, or move it into an activity",
        )

    def _If(self, node: ast.If) -> list[ir.Step]:
        return [
            ir.If(self.expr(node.test), self.block(node.body), self.block(node.orelse), node.lineno)
        ]

    def _While(self, node: ast.While) -> list[ir.Step]:
        if node.orelse:
            raise self.refuse(
                node,
                "FIAC613",
                "while/else cannot be translated",
                "move the else block after the loop",
            )
        self.depth += 1
        try:
            body = self.block(node.body)
        finally:
            self.depth -= 1
        return [ir.While(self.expr(node.test), body, node.lineno)]

    def _For(self, node: ast.For) -> list[ir.Step]:
        if node.orelse:
            raise self.refuse(
                node,
                "FIAC613",
                "for/else cannot be translated",
                "move the else block after the loop (with a flag set before break)",
            )
        source = self.expr(node.iter)
        head: list[ir.Step] = []
        if isinstance(node.target, ast.Name):
            var = self.plain_name(node, node.target.id)
            self.scope.kinds.pop(var, None)
            folded = ir.fold(source) if not isinstance(source, ir.Var) else None
            if isinstance(source, ir.Var) and source.name in self.scope.literal_lists:
                folded = self.scope.literal_lists[source.name]
            if isinstance(folded, list) and all(isinstance(v, str) for v in folded):
                self.scope.values[var] = folded
        else:
            var = self.fresh("item")
            arity = element_arity(source)
            unpack = ast.copy_location(ast.Assign([node.target], ast.Name(var, ast.Load())), node)
            head = self._unpack_known(node.target, var, arity, unpack)
        self.depth += 1
        try:
            body = self.block(node.body)
        finally:
            self.depth -= 1
        return [ir.ForEach(var, source, (*head, *body), node.lineno)]

    def _unpack_known(
        self, target: ast.expr, var: str, arity: int | None, node: ast.Assign
    ) -> list[ir.Step]:
        """``for a, b in source``: the loop variable's items, checked for length unless
        ``source`` is known to give items of that length."""
        if not isinstance(target, ast.Tuple | ast.List):
            raise self.refuse(
                node,
                "FIAC613",
                f"the loop target `{ast.unparse(target)}`",
                "iterate with a name or a tuple of names",
            )
        if arity is not None and arity != len(target.elts):
            raise self.refuse(
                node, "FIAC613", f"{len(target.elts)} names for items of {arity}", "match them"
            )
        steps = self.assign_to(target, node.value, node)
        if arity is not None:  # the check the unpacking added is known to pass
            steps = [
                st
                for st in steps
                if not (isinstance(st, ir.If) and st.body and isinstance(st.body[0], ir.Raise))
            ]
        return steps

    def _Try(self, node: ast.Try) -> list[ir.Step]:
        if node.orelse or node.finalbody or len(node.handlers) != 1:
            raise self.refuse(
                node,
                "FIAC601",
                "only try with one `except` block is translated (no else/finally)",
                "write try: ... except Exception "
                "as e: ...; put finally-code at the end of both blocks",
            )
        handler = node.handlers[0]
        catches = self._catches(handler)
        body = self.block(node.body)
        name = handler.name or self.fresh("error")
        self.scope.errors.append(name)
        try:
            caught = self.block(handler.body)
        finally:
            self.scope.errors.pop()
        return [ir.Try(body, caught, name, node.lineno, catches)]

    def _catches(self, handler: ast.ExceptHandler) -> tuple[str, ...]:
        """What ``except <types>`` catches: every error, task failures (TaskFailedError), or
        errors of these classes raised by the orchestrator itself."""
        if handler.type is None:
            return (ir.EVERY,)
        types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        found: list[str] = []
        for t in types:
            name = (
                t.id if isinstance(t, ast.Name) else t.attr if isinstance(t, ast.Attribute) else ""
            )
            if name in ("Exception", "BaseException"):
                found.append(ir.EVERY)
            elif name == ir.TASK_FAILED:
                found.append(ir.TASK_FAILED)
            elif name:
                found.append(name)
            else:
                raise self.refuse(
                    handler,
                    "FIAC601",
                    f"`except {ast.unparse(handler.type)}`",
                    "catch Exception, TaskFailedError or an error class by name",
                )
        return tuple(dict.fromkeys(found))

    def _Return(self, node: ast.Return) -> list[ir.Step]:
        if isinstance(node.value, ast.Yield):  # return (yield task)
            steps = self._yield(node.value.value, "__result", node.lineno)
            return [*steps, ir.Return(ir.Var("__result"), node.lineno)]
        value = self.expr(node.value) if node.value is not None else ir.Const(None)
        return [ir.Return(value, node.lineno)]

    def _Raise(self, node: ast.Raise) -> list[ir.Step]:
        exc = node.exc
        errors = self.scope.errors
        if exc is None or (isinstance(exc, ast.Name) and exc.id in errors):
            if not errors:
                raise self.refuse(
                    node,
                    "FIAC601",
                    "a bare raise outside an except block",
                    'raise SomeError("message")',
                )
            return [ir.Reraise(exc.id if isinstance(exc, ast.Name) else errors[-1], node.lineno)]
        call = exc if isinstance(exc, ast.Call) else None
        cls = call.func if call is not None else exc
        name = (
            cls.id
            if isinstance(cls, ast.Name)
            else cls.attr
            if isinstance(cls, ast.Attribute)
            else ""
        )
        args = call.args if call is not None else []
        if name and len(args) <= 1 and not (call is not None and call.keywords):
            message = self.exprs.text_of(args[0]) if args else ir.Const("")
            return [ir.Raise(name, message, node.lineno)]
        raise self.refuse(
            node,
            "FIAC601",
            f"`raise {ast.unparse(exc)}` cannot be translated",
            'raise SomeError("message") with one argument',
        )

    def _FunctionDef(
        self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
    ) -> list[ir.Step]:
        raise self.refuse(
            node,
            "FIAC614",
            f"the nested function {node.name!r}",
            "define helpers at module level as activities",
        )

    def _Import(self, node: ast.Import | ast.ImportFrom) -> list[ir.Step]:
        raise self.refuse(
            node,
            "FIAC604",
            "an import inside an orchestrator",
            "import at module level; do I/O in activities",
        )

    def _With(self, node: ast.With) -> list[ir.Step]:
        raise self.refuse(
            node,
            "FIAC604",
            "a with-block in an orchestrator (usually I/O)",
            "do I/O in an activity and yield ctx.call_activity(...)",
        )

    def _Global(self, node: ast.Global | ast.Nonlocal) -> list[ir.Step]:
        raise self.refuse(
            node,
            "FIAC603",
            "global state in an orchestrator changes between replays",
            "pass values through the input and activity results",
        )


def _inline(node: ast.expr, name: str, value: ast.expr) -> ast.expr:
    """``node`` with each read of ``name`` replaced by ``value``."""

    class Swap(ast.NodeTransformer):
        def visit_Name(self, n: ast.Name) -> ast.expr:
            return value if n.id == name and isinstance(n.ctx, ast.Load) else n

    return Swap().visit(copy.deepcopy(node))  # type: ignore[no-any-return]


def _without_unread_deadlines(steps: tuple[ir.Step, ...]) -> tuple[ir.Step, ...]:
    """Drop the saved fire-at instants of timers no later race or yield needed."""
    read = {v for s in ir.walk(steps) for e in ir.reads(s) for v in ir.free_vars(e)}

    def keep(step: ir.Step) -> bool:
        return not (
            isinstance(step, ir.Assign)
            and step.target.startswith("__deadline")
            and step.target not in read
        )

    def block(body: tuple[ir.Step, ...]) -> tuple[ir.Step, ...]:
        return tuple(_rebuild(s, block) for s in body if keep(s))

    return block(steps)


def _rebuild(step: ir.Step, block: Callable[[tuple[ir.Step, ...]], tuple[ir.Step, ...]]) -> ir.Step:
    match step:
        case ir.If(test, body, orelse, line):
            return ir.If(test, block(body), block(orelse), line)
        case ir.While(test, body, line):
            return ir.While(test, block(body), line)
        case ir.ForEach(var, source, body, line):
            return ir.ForEach(var, source, block(body), line)
        case ir.Try(body, handler, error_var, line, catches):
            return ir.Try(block(body), block(handler), error_var, line, catches)
    return step


def analyze(
    handler: Callable[..., Any],
    name: str | None = None,
    *,
    activities: Iterable[str] | None = None,
    orchestrators: Iterable[str] | None = None,
    root: Path | None = None,
    entities: Iterable[str] | None = None,
) -> ir.Workflow:
    """Translate one orchestrator function into the IR (or raise a coded :class:`Refusal`)."""
    fn_name = str(name or getattr(handler, "__name__", "orchestrator"))
    try:
        lines, start = inspect.getsourcelines(handler)
        path = Path(inspect.getsourcefile(handler) or "?")
    except (OSError, TypeError) as exc:
        raise refuse(
            "FIAC600",
            f"the source of orchestrator {fn_name!r} cannot be read: {exc}",
            "define orchestrators in a .py file",
            "",
            0,
        ) from None
    file = path.name
    if root is not None:
        with contextlib.suppress(ValueError):
            file = path.resolve().relative_to(root.resolve()).as_posix()
    tree = ast.parse(textwrap.dedent("".join(lines)))
    ast.increment_lineno(tree, start - 1)
    fn = next((n for n in tree.body if isinstance(n, ast.FunctionDef)), None)
    if fn is None:
        raise refuse(
            "FIAC600",
            f"orchestrator {fn_name!r} is not a plain generator function",
            "write it as def name(ctx): ... with yields",
            file,
            start,
        )
    analyzer = Analyzer(
        fn, file, getattr(handler, "__globals__", {}), activities, orchestrators, entities
    )
    steps = analyzer.block(fn.body)
    if analyzer.problems:
        raise Refusal(analyzer.problems)
    if not ir.ends(steps):
        steps = (*steps, ir.Return(ir.Const(None), fn.end_lineno or fn.lineno))
    steps = _without_unread_deadlines(steps)
    return ir.Workflow(
        fn_name,
        steps,
        file,
        fn.lineno,
        tuple(sorted(analyzer.used["activity"])),
        tuple(sorted(analyzer.used["orchestrator"])),
        tuple(sorted(analyzer.used["event"])),
        analyzer.uses_status,
        tuple(sorted(analyzer.used["entity"])),
    )
