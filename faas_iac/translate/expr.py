"""Python expressions over JSON-like values → the expression IR (:mod:`.ir`).

Only pure, deterministic pieces are accepted; anything else is refused with a coded, located
error (never translated into something that means something else).
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any, get_args

from . import ir
from .refusals import Refusal, refuse

_BINOPS: dict[type[ast.operator], ir.BinOpKind] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.Pow: "**",
}
_COMPARES: dict[type[ast.cmpop], ir.CompareKind] = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.In: "in",
    ast.NotIn: "not in",
    ast.Is: "is",
    ast.IsNot: "is not",
}

_ONE_ARG = {"any", "all", "sorted", "reversed", "list", "len", "bool", "abs"}
_METHODS = {
    "get",
    "keys",
    "values",
    "upper",
    "lower",
    "strip",
    "startswith",
    "endswith",
    "replace",
    "split",
    "join",
}
#: How many arguments each method takes (besides the object), when it is not any number.
_METHOD_ARITY = {
    "startswith": (1,),
    "endswith": (1,),
    "replace": (2,),
    "split": (0, 1),
    "join": (1,),
}
#: Builtin functions: every builtin of the IR that is not a method.
_FUNCTIONS = frozenset(get_args(ir.BuiltinKind)) - _METHODS
_NONDETERMINISTIC = {"random", "uuid", "time", "datetime", "os", "secrets"}
_IO = {"open", "print", "input", "requests", "httpx", "urllib", "socket", "boto3", "subprocess"}


class ExprConverter:
    """Converts expressions of one orchestrator. ``resolve`` maps a special name (a task
    variable, ``ctx``) to its IR, or returns None for an ordinary variable."""

    def __init__(self, file: str, resolve: Callable[[ast.expr], ir.Expr | None]) -> None:
        self.file = file
        self.resolve = resolve

    def refuse(self, node: ast.AST, what: str, fix: str, code: str = "FIAC602") -> Refusal:
        return refuse(code, what, fix, self.file, node)

    def convert(self, node: ast.expr) -> ir.Expr:
        special = self.resolve(node)
        if special is not None:
            return special
        match node:
            case ast.Constant():
                return self._Constant(node)
            case ast.Name():
                return self._Name(node)
            case ast.Subscript():
                return self._Subscript(node)
            case ast.BinOp():
                return self._BinOp(node)
            case ast.UnaryOp():
                return self._UnaryOp(node)
            case ast.BoolOp():
                return self._BoolOp(node)
            case ast.Compare():
                return self._Compare(node)
            case ast.IfExp():
                return self._IfExp(node)
            case ast.List() | ast.Tuple():
                return self._items(node.elts, node)
            case ast.Dict():
                return self._Dict(node)
            case ast.JoinedStr():
                return self._JoinedStr(node)
            case ast.ListComp():
                return self._ListComp(node)
            case ast.Call():
                return self._Call(node)
        raise self.refuse(
            node,
            f"the expression `{ast.unparse(node)}` cannot be translated",
            "use JSON values, arithmetic, comparisons, subscripts, len/str/int, f-strings, "
            "list/dict literals and comprehensions; move other Python into an activity",
        )

    def _Constant(self, node: ast.Constant) -> ir.Expr:
        if node.value is None or isinstance(node.value, bool | int | float | str):
            return ir.Const(node.value)
        raise self.refuse(
            node,
            f"the constant {node.value!r} is not a JSON value",
            "use None, booleans, numbers or strings",
        )

    def _Name(self, node: ast.Name) -> ir.Expr:
        if node.id in {"True", "False", "None"}:
            return ir.Const({"True": True, "False": False, "None": None}[node.id])
        if node.id in _NONDETERMINISTIC:
            raise self.refuse(
                node,
                f"`{node.id}` gives a different value on every replay",
                "use ctx.current_utc_datetime or ctx.new_uuid(), or compute the "
                "value in an activity",
                "FIAC603",
            )
        return ir.Var(node.id)

    def _Subscript(self, node: ast.Subscript) -> ir.Expr:
        if isinstance(node.slice, ast.Slice):
            raise self.refuse(
                node,
                f"the slice `{ast.unparse(node)}` cannot be translated",
                "index one element, or slice in an activity",
            )
        return ir.Index(self.convert(node.value), self.convert(node.slice))

    def _BinOp(self, node: ast.BinOp) -> ir.Expr:
        op = _BINOPS.get(type(node.op))
        if op is None:
            raise self.refuse(
                node,
                f"the operator in `{ast.unparse(node)}` cannot be translated",
                "use + - * / // % **",
            )
        return ir.BinOp(op, self.convert(node.left), self.convert(node.right))

    def _UnaryOp(self, node: ast.UnaryOp) -> ir.Expr:
        if isinstance(node.op, ast.Not):
            return ir.Not(self.convert(node.operand))
        if isinstance(node.op, ast.USub):
            inner = self.convert(node.operand)
            if isinstance(inner, ir.Const) and isinstance(inner.value, int | float):
                return ir.Const(-inner.value)
            return ir.Neg(inner)
        if isinstance(node.op, ast.UAdd):
            return self.convert(node.operand)
        raise self.refuse(node, f"`{ast.unparse(node)}` cannot be translated", "use not or -")

    def _BoolOp(self, node: ast.BoolOp) -> ir.Expr:
        op: Any = "and" if isinstance(node.op, ast.And) else "or"
        return ir.BoolOp(op, tuple(self.convert(v) for v in node.values))

    def _Compare(self, node: ast.Compare) -> ir.Expr:
        parts: list[ir.Expr] = []
        left = node.left
        for op, right in zip(node.ops, node.comparators, strict=True):
            kind = _COMPARES[type(op)]
            r = self.convert(right)
            if kind in ("is", "is not") and r != ir.Const(None):
                raise self.refuse(
                    node,
                    f"`{ast.unparse(node)}` compares identities",
                    "compare values with == (is only with None)",
                )
            parts.append(ir.Compare(kind, self.convert(left), r))
            left = right
        return parts[0] if len(parts) == 1 else ir.BoolOp("and", tuple(parts))

    def _IfExp(self, node: ast.IfExp) -> ir.Expr:
        return ir.IfExp(self.convert(node.test), self.convert(node.body), self.convert(node.orelse))

    def _items(self, elts: list[ast.expr], node: ast.AST) -> ir.Expr:
        if any(isinstance(e, ast.Starred) for e in elts):
            raise self.refuse(node, "starred items cannot be translated", "build the list in steps")
        return ir.ListLit(tuple(self.convert(e) for e in elts))

    def _Dict(self, node: ast.Dict) -> ir.Expr:
        """Literal keys make one DictLit; a computed key or a ``**`` merge splits the dict into
        parts merged in order."""
        parts: list[ir.Expr] = []
        items: list[tuple[str, ir.Expr]] = []
        for key, value in zip(node.keys, node.values, strict=True):
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                items.append((key.value, self.convert(value)))
                continue
            if items:
                parts.append(ir.DictLit(tuple(items)))
                items = []
            converted = self.convert(value)
            parts.append(converted if key is None else ir.DictOf(self.convert(key), converted))
        if items or not parts:
            parts.append(ir.DictLit(tuple(items)))
        return (
            parts[0]
            if len(parts) == 1 and isinstance(parts[0], ir.DictLit)
            else ir.Merge(tuple(parts))
        )

    def _JoinedStr(self, node: ast.JoinedStr) -> ir.Expr:
        parts: list[ir.Expr] = []
        for value in node.values:
            if isinstance(value, ast.FormattedValue):
                if value.format_spec is not None or value.conversion not in (-1, 115):
                    raise self.refuse(
                        node,
                        "format specs and !r in f-strings cannot be translated",
                        "use {value} with no format spec",
                    )
                parts.append(self.convert(value.value))
            else:
                parts.append(self.convert(value))
        return ir.Concat(tuple(parts))

    def _ListComp(self, node: ast.ListComp | ast.GeneratorExp) -> ir.Expr:
        if len(node.generators) != 1:
            raise self.refuse(
                node,
                "only one `for` per comprehension",
                "nest comprehensions in separate assignments",
            )
        gen = node.generators[0]
        if not isinstance(gen.target, ast.Name) or gen.is_async:
            raise self.refuse(
                node, "comprehension targets must be one name", "write [f(x) for x in items]"
            )
        conds = [self.convert(c) for c in gen.ifs]
        cond = (
            None if not conds else conds[0] if len(conds) == 1 else ir.BoolOp("and", tuple(conds))
        )
        return ir.Comprehension(self.convert(node.elt), gen.target.id, self.convert(gen.iter), cond)

    def _arg(self, node: ast.expr) -> ir.Expr:
        """A call's argument; a generator expression there is the list it yields."""
        return self._ListComp(node) if isinstance(node, ast.GeneratorExp) else self.convert(node)

    def _Call(self, node: ast.Call) -> ir.Expr:
        func = node.func
        sorting = isinstance(func, ast.Name) and func.id == "sorted" and len(node.args) == 1
        keywords = [k for k in node.keywords if not (sorting and k.arg == "reverse")]
        if keywords:
            raise self.refuse(
                node,
                f"keyword arguments in `{ast.unparse(node)}`",
                "call builtins with positional arguments (sorted takes reverse=)",
            )
        args = tuple(self._arg(a) for a in node.args)
        if sorting:
            reverse = self.convert(node.keywords[0].value) if node.keywords else ir.Const(False)
            if not (isinstance(reverse, ir.Const) and isinstance(reverse.value, bool)):
                raise self.refuse(
                    node, "sorted(reverse=...) takes True or False", "write reverse=True"
                )
            return ir.Builtin("sorted", (*args, reverse))
        if isinstance(func, ast.Name) and func.id in _FUNCTIONS:
            if func.id == "range" and not 1 <= len(args) <= 2:
                raise self.refuse(
                    node,
                    "range() with a step cannot be translated",
                    "write range(n) or range(start, stop)",
                )
            if func.id in _ONE_ARG and len(args) != 1:
                raise self.refuse(
                    node, f"{func.id}() takes one argument", f"write {func.id}(items)"
                )
            return ir.Builtin(func.id, args)  # type: ignore[arg-type]
        if isinstance(func, ast.Attribute) and func.attr in _METHODS:
            if len(args) not in _METHOD_ARITY.get(func.attr, (len(args),)):
                raise self.refuse(
                    node,
                    f"`{ast.unparse(node)}`: .{func.attr}() with these arguments cannot be "
                    "translated",
                    f"call .{func.attr}() with {_METHOD_ARITY[func.attr]} argument(s)",
                )
            return ir.Builtin(func.attr, (self.convert(func.value), *args))  # type: ignore[arg-type]
        root: ast.expr = func
        while isinstance(root, ast.Attribute | ast.Call):
            root = root.value if isinstance(root, ast.Attribute) else root.func
        if isinstance(root, ast.Name) and root.id in _IO:
            raise self.refuse(
                node,
                f"`{ast.unparse(node)}` does I/O inside the orchestrator",
                "move it into an activity and `yield ctx.call_activity(...)` it",
                "FIAC604",
            )
        if isinstance(root, ast.Name) and root.id in _NONDETERMINISTIC:
            raise self.refuse(
                node,
                f"`{ast.unparse(node)}` gives a different value on every replay",
                "use ctx.current_utc_datetime / ctx.new_uuid(), or an activity",
                "FIAC603",
            )
        raise self.refuse(
            node,
            f"the call `{ast.unparse(node)}` cannot be translated",
            "orchestrators may call len, str, int, float, bool, abs, min, max, sum, "
            "round and dict/str methods get, keys, values, upper, lower, strip; "
            "move other code into an activity",
        )
