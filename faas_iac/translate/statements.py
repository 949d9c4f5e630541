"""Assignments as Durable Functions users write them, rewritten into plain ``name = value``
steps: tuple unpacking (``a, b = ...``, with Python's length check where the length is not
known), assignments to subscripts (``d[k] = v``, ``d[k] += v``: the container gets a copy
with that item), mutating methods (``xs.append``, ``d.update``, ``d.setdefault``, ``d.pop``...)
and ``del d[k]``.

Values are JSON values: a variable holds its own copy (``ys = xs; xs.append(1)`` leaves ``ys``
as it was, where Python shares the list). The rewrites keep Python's meaning otherwise.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from . import ir
from .expr import element_arity
from .tasks import TaskAnalyzer


def _unpack_message(expected: int, got: ir.Expr) -> ir.Expr:
    """Python's ValueError text for ``a, b = value`` of the wrong length ``got``."""
    three: list[int] = [1, 2, 3]
    try:
        _a, _b = three  # what this Python says (the local engine runs the same Python)
    except ValueError as exc:
        many = str(exc).replace("2", str(expected))
    too_many = ir.Const(many)
    few = ir.Concat(
        (
            ir.Const(f"not enough values to unpack (expected {expected}, got "),
            ir.Builtin("str", (got,)),
            ir.Const(")"),
        )
    )
    return ir.IfExp(ir.Compare(">", got, ir.Const(expected)), too_many, few)


def value_arity(e: ir.Expr) -> int | None:
    """The length of the list ``e``, when known at compile time."""
    match e:
        case ir.ListLit(items):
            return len(items)
        case ir.Const(list(values)):
            return len(values)
        case ir.Builtin("min" | "max" | "min_by" | "max_by", (items, *_)) | ir.Index(items, _):
            return element_arity(items)
    return None


class StatementAnalyzer(TaskAnalyzer):
    """Mixin of the analyzer: assignment statements."""

    def fresh(self, base: str) -> str:
        self.scope.counter += 1
        return f"__{base}{self.scope.counter}"

    def plain_name(self, node: ast.stmt, name: str) -> str:
        if name == "_":
            return "__unused"  # Python's name for a value nobody reads
        if name == ir.INPUT or name.startswith("_"):
            raise self.refuse(
                node,
                "FIAC601",
                f"the variable name {name!r} is reserved",
                "rename it (not `input`, not starting with _)",
            )
        return name

    if TYPE_CHECKING:  # the analyzer's own (tasks, timers, retries...): for the type checker

        def assign_name(self, name: str, value: ast.expr, node: ast.stmt) -> list[ir.Step]: ...

    def forget(self, name: str) -> None:
        """What was known of a variable's value, now that it changes."""
        s = self.scope
        for table in (s.kinds, s.values, s.literal_lists):
            table.pop(name, None)

    def assign_to(self, target: ast.expr, value: ast.expr, node: ast.stmt) -> list[ir.Step]:
        match target:
            case ast.Name(id=name):
                return self.assign_name(self.plain_name(node, name), value, node)
            case ast.Tuple() | ast.List():
                return self._unpack(target, value, node)
            case ast.Subscript():
                return self._set_item(target, value, node)
        raise self.refuse(
            node,
            "FIAC601",
            f"the assignment target `{ast.unparse(target)}`",
            "assign to a variable, a subscript (d[k] = v) or a tuple of variables",
        )

    def _Assign(self, node: ast.Assign) -> list[ir.Step]:
        if len(node.targets) == 1:
            return self.assign_to(node.targets[0], node.value, node)
        first, *others = node.targets  # a = b = value: the value once, then copied
        steps = self.assign_to(first, node.value, node)
        if not isinstance(first, ast.Name):
            raise self.refuse(node, "FIAC601", "a chained assignment", "assign once per line")
        for other in others:
            steps += self.assign_to(
                other, ast.copy_location(ast.Name(first.id, ast.Load()), node), node
            )
        return steps

    def _AnnAssign(self, node: ast.AnnAssign) -> list[ir.Step]:
        if node.value is None:
            return []
        return self.assign_to(node.target, node.value, node)

    def _unpack(
        self, target: ast.Tuple | ast.List, value: ast.expr, node: ast.stmt
    ) -> list[ir.Step]:
        names = target.elts
        if any(isinstance(e, ast.Starred) for e in names):
            raise self.refuse(node, "FIAC601", "starred unpacking", "index the items instead")
        if isinstance(value, ast.Tuple | ast.List) and len(value.elts) == len(names):
            read = {n.id for v in value.elts for n in ast.walk(v) if isinstance(n, ast.Name)}
            bound = {n.id for t in names for n in ast.walk(t) if isinstance(n, ast.Name)}
            if not read & bound and not any(isinstance(v, ast.Yield) for v in value.elts):
                steps: list[ir.Step] = []
                for t, v in zip(names, value.elts, strict=True):
                    steps += self.assign_to(t, v, node)
                return steps
        tmp = self.fresh("tuple")
        steps = self.assign_name(tmp, value, node)
        known = self._arity(steps, tmp)
        if known is not None and known != len(names):
            raise self.refuse(
                node,
                "FIAC601",
                f"{len(names)} names for {known} values",
                "unpack as many names as there are values",
            )
        if known is None:
            got = ir.Builtin("len", (ir.Var(tmp),))
            wrong = ir.Compare("!=", got, ir.Const(len(names)))
            fail = ir.Raise("ValueError", _unpack_message(len(names), got), node.lineno)
            steps.append(ir.If(wrong, (fail,), (), node.lineno))
        for i, t in enumerate(names):
            item = ast.Subscript(ast.Name(tmp, ast.Load()), ast.Constant(i), ast.Load())
            steps += self.assign_to(t, ast.copy_location(item, node), node)
        return steps

    def _arity(self, steps: list[ir.Step], tmp: str) -> int | None:
        last = steps[-1] if steps else None
        if isinstance(last, ir.Parallel) and last.target == tmp:
            return len(last.calls)
        if (
            isinstance(last, ir.Assign)
            and last.target == tmp
            and isinstance(last.value, ir.ListLit)
        ):
            return len(last.value.items)
        if isinstance(last, ir.Assign) and last.target == tmp:
            return value_arity(last.value)
        return None

    # -- containers ---------------------------------------------------------------------------
    def _container(self, node: ast.expr, stmt: ast.stmt) -> tuple[str, list[ast.expr]]:
        """``d["a"][k]`` → ("d", [a, k]): the variable and the keys down to the item."""
        keys: list[ast.expr] = []
        while isinstance(node, ast.Subscript):
            if isinstance(node.slice, ast.Slice):
                raise self.refuse(
                    stmt, "FIAC601", "assignment to a slice", "build the new list: xs = ..."
                )
            keys.insert(0, node.slice)
            node = node.value
        if not isinstance(node, ast.Name):
            raise self.refuse(
                stmt,
                "FIAC601",
                f"changing `{ast.unparse(node)}` in place",
                "change a variable: d[k] = v, xs.append(v)",
            )
        return self.plain_name(stmt, node.id), keys

    def _rebuild(self, name: str, keys: list[ir.Expr], new: ir.Expr) -> ir.Expr:
        """The variable ``name`` with the item at ``keys`` replaced by ``new``."""
        if not keys:
            return new
        path: list[ir.Expr] = [ir.Var(name)]
        for k in keys[:-1]:
            path.append(ir.Index(path[-1], k))
        for holder, key in zip(reversed(path), reversed(keys), strict=True):
            new = ir.Builtin("set_item", (holder, key, new))
        return new

    def _set_item(self, target: ast.Subscript, value: ast.expr, node: ast.stmt) -> list[ir.Step]:
        name, key_nodes = self._container(target, node)
        keys = [self.expr(k) for k in key_nodes]
        steps: list[ir.Step] = []
        if isinstance(value, ast.Yield) or self._pending(value) is not None:
            tmp = self.fresh("value")
            steps = self.assign_name(tmp, value, node)
            new: ir.Expr = ir.Var(tmp)
        else:
            new = self.expr(value)
        self.forget(name)
        return [*steps, ir.Assign(name, self._rebuild(name, keys, new), node.lineno)]

    def _AugAssign(self, node: ast.AugAssign) -> list[ir.Step]:
        current = ast.copy_location(
            ast.Subscript(node.target.value, node.target.slice, ast.Load())
            if isinstance(node.target, ast.Subscript)
            else ast.Name(getattr(node.target, "id", "?"), ast.Load()),
            node,
        )
        value = ast.copy_location(ast.BinOp(current, node.op, node.value), node)
        ast.fix_missing_locations(value)
        return self.assign_to(node.target, value, node)

    def _Delete(self, node: ast.Delete) -> list[ir.Step]:
        steps: list[ir.Step] = []
        for target in node.targets:
            if not isinstance(target, ast.Subscript):
                raise self.refuse(node, "FIAC601", "del of a variable", "assign None instead")
            name, key_nodes = self._container(target, node)
            keys = [self.expr(k) for k in key_nodes]
            inner: ir.Expr = ir.Var(name)
            for k in keys[:-1]:
                inner = ir.Index(inner, k)
            steps += self._key_check(inner, keys[-1], node)
            removed = ir.Builtin("without", (inner, keys[-1]))
            steps.append(ir.Assign(name, self._rebuild(name, keys[:-1], removed), node.lineno))
        return steps

    def _key_check(self, container: ir.Expr, key: ir.Expr, node: ast.stmt) -> list[ir.Step]:
        """Python's KeyError when ``key`` is not in the dict ``container``."""
        missing = ir.Compare("not in", key, container)
        text: ir.Expr = (
            ir.Const(repr(key.value))
            if isinstance(key, ir.Const)
            else ir.Concat((ir.Const("'"), key, ir.Const("'")))
        )
        error = ir.Raise("KeyError", text, node.lineno)
        return [ir.If(missing, (error,), (), node.lineno)]

    # -- mutating methods ---------------------------------------------------------------------
    def method_statement(
        self, call: ast.Call, target: ast.expr | None, node: ast.stmt
    ) -> list[ir.Step] | None:
        """``xs.append(v)`` and the like (``target = d.pop(k)`` when ``target``): the steps,
        or None when ``call`` is not a mutating method of a variable."""
        func = call.func
        if not isinstance(func, ast.Attribute) or func.attr not in MUTATING:
            return None
        root = func.value
        while isinstance(root, ast.Subscript):
            root = root.value
        if not isinstance(root, ast.Name) or root.id == self.ctx:
            return None
        s = self.scope
        if root.id in s.tasks or root.id in s.task_lists or root.id in s.race_tags:
            return None
        if call.keywords and func.attr not in ("sort", "update"):
            raise self.refuse(
                node, "FIAC601", f"keywords in .{func.attr}()", "pass them by position"
            )
        if any(isinstance(a, ast.Starred) for a in call.args):
            raise self.refuse(node, "FIAC601", "starred arguments", "pass them one by one")
        name, key_nodes = self._container(func.value, node)
        keys = [self.expr(k) for k in key_nodes]
        obj: ir.Expr = ir.Var(name)
        for k in keys:
            obj = ir.Index(obj, k)
        args = [self.exprs.arg(a) for a in call.args]
        n = len(args)
        method = func.attr
        steps: list[ir.Step] = []
        result: ir.Expr | None = None
        new: ir.Expr
        arity = MUTATING[method]
        if n not in arity:
            raise self.refuse(
                node,
                "FIAC601",
                f".{method}() with {n} argument(s)",
                f"call .{method}() with {' or '.join(map(str, arity))} argument(s)",
            )
        match method:
            case "append":
                new = ir.BinOp("+", obj, ir.ListLit((args[0],)))
            case "extend":
                new = ir.BinOp("+", obj, ir.Builtin("list", (args[0],)))
            case "insert":
                new = ir.Builtin("insert", (obj, args[0], args[1]))
            case "update":
                extra: list[ir.Expr] = list(args)
                if call.keywords:
                    extra.append(
                        ir.DictLit(tuple((k.arg or "", self.expr(k.value)) for k in call.keywords))
                    )
                new = ir.Merge((obj, *(ir.Builtin("dict", (e,)) for e in extra)))
            case "setdefault":
                default = args[1] if n == 2 else ir.Const(None)
                present = ir.Compare("in", args[0], obj)
                new = ir.IfExp(present, obj, ir.Builtin("set_item", (obj, args[0], default)))
                result = ir.Index(obj, args[0])  # read after the change
            case "pop" if n == 0:
                empty = ir.Compare("==", ir.Builtin("len", (obj,)), ir.Const(0))
                fail = ir.Raise("IndexError", ir.Const("pop from empty list"), node.lineno)
                steps.append(ir.If(empty, (fail,), (), node.lineno))
                result = ir.Index(obj, ir.Const(-1))
                new = ir.Builtin("slice", (obj, ir.Const(None), ir.Const(-1), ir.Const(None)))
            case "pop" if n == 2:
                result = ir.Builtin("get", (obj, args[0], args[1]))
                new = ir.Builtin("without", (obj, args[0]))
            case "pop":
                result = ir.Index(obj, args[0])
                new = ir.Builtin("without", (obj, args[0]))
            case "remove":
                absent = ir.Compare("not in", args[0], obj)
                text = ir.Const("list.remove(x): x not in list")
                steps.append(ir.If(absent, (ir.Raise("ValueError", text, node.lineno),), ()))
                new = ir.Builtin("without", (obj, ir.Builtin("index", (obj, args[0]))))
            case "sort":
                kw = {k.arg: k.value for k in call.keywords}
                reverse = self.expr(kw["reverse"]) if "reverse" in kw else ir.Const(False)
                if "key" in kw:
                    new = ir.Builtin(
                        "sorted_by", (obj, self.exprs.key_function(kw["key"]), reverse)
                    )
                else:
                    new = ir.Builtin("sorted", (obj, reverse))
            case "reverse":
                new = ir.Builtin("list", (ir.Builtin("reversed", (obj,)),))
            case _:
                raise AssertionError(method)
        if target is not None and result is None:
            raise self.refuse(
                node, "FIAC601", f"the value of .{method}()", f"call .{method}() on its own line"
            )
        self.forget(name)
        if target is not None and result is not None and method != "setdefault":
            steps += self.assign_result(target, result, node)
        steps.append(ir.Assign(name, self._rebuild(name, keys, new), node.lineno))
        if target is not None and result is not None and method == "setdefault":
            steps += self.assign_result(target, result, node)
        return steps

    def assign_result(self, target: ast.expr, value: ir.Expr, node: ast.stmt) -> list[ir.Step]:
        if not isinstance(target, ast.Name):
            raise self.refuse(node, "FIAC601", "this assignment", "assign to one variable")
        return [ir.Assign(self.plain_name(node, target.id), value, node.lineno)]


#: Methods that change their object → allowed argument counts.
MUTATING: dict[str, tuple[int, ...]] = {
    "append": (1,),
    "extend": (1,),
    "insert": (2,),
    "update": (0, 1),
    "setdefault": (1, 2),
    "pop": (0, 1, 2),
    "remove": (1,),
    "sort": (0,),
    "reverse": (0,),
}
