"""Python expressions over JSON-like values → the expression IR (:mod:`.ir`).

Only pure, deterministic pieces are accepted; anything else is refused with a coded, located
error (never translated into something that means something else).
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Any

from . import ir
from .calls import FUNCTIONS, METHODS, CallConverter
from .clock import NOW, ClockConverter
from .formats import parse_spec
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

_NONDETERMINISTIC = {"random", "uuid", "time", "datetime", "os", "secrets"}
_IO = {
    "open",
    "print",
    "input",
    "requests",
    "httpx",
    "urllib",
    "socket",
    "boto3",
    "subprocess",
    "logging",
}


class ExprConverter(CallConverter, ClockConverter):
    """Converts expressions of one orchestrator. ``resolve`` maps a special name (a task
    variable, ``ctx``) to its IR, or returns None for an ordinary variable; ``typed`` gives
    the kind of a variable the analyzer knows more about (``datetime``, ``timedelta``,
    ``error``: a caught error), or None; ``ctx`` is the context parameter's name."""

    def __init__(
        self,
        file: str,
        resolve: Callable[[ast.expr], ir.Expr | None],
        ctx: str | None = None,
        typed: Callable[[str], str | None] | None = None,
    ) -> None:
        self.file = file
        self.resolve = resolve
        self.ctx = ctx
        self.typed = typed or (lambda name: None)

    def refuse(self, node: ast.AST, what: str, fix: str, code: str = "FIAC602") -> Refusal:
        return refuse(code, what, fix, self.file, node)

    def convert(self, node: ast.expr, time_ok: bool = False) -> ir.Expr:
        """``node`` as IR. A datetime or timedelta value is accepted only where ``time_ok``
        (an operand of time arithmetic or a comparison, an assignment, a timer)."""
        kind = self.time_kind(node)
        if kind is not None and not time_ok:
            raise self.refuse(
                node,
                f"the {kind} `{ast.unparse(node)}` is used as a value",
                "keep datetimes and timedeltas in arithmetic, comparisons, timers and "
                ".total_seconds(); pass numbers (seconds) to activities",
                "FIAC609",
            )
        if self.is_now(node):
            return NOW
        if isinstance(node, ast.Name) and self.typed(node.id) == "error":
            raise self.refuse(
                node,
                f"the caught error `{node.id}` is used as a value",
                f"use str({node.id}), {node.id}.error_type / .error_message, or re-raise it",
                "FIAC612",
            )
        special = self.resolve(node)
        if special is not None:
            return special
        if kind is not None:
            return self._time_value(node)
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
            case ast.ListComp() | ast.GeneratorExp():
                return self._ListComp(node)
            case ast.DictComp():
                return self._DictComp(node)
            case ast.SetComp() | ast.Set():
                raise self.refuse(
                    node,
                    "a set as a value (Python orders its items by hash)",
                    "use it only in len(...), sorted(...), sum/min/max/any/all(...) or `x in`",
                )
            case ast.Call():
                return self._Call(node)
            case ast.Attribute() if self.time_kind(node.value) == "timedelta":
                return self.timedelta_attribute(node)
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
            bounds = (node.slice.lower, node.slice.upper, node.slice.step)
            parts = tuple(ir.Const(None) if b is None else self.convert(b) for b in bounds)
            return ir.Builtin("slice", (self.convert(node.value), *parts))
        return ir.Index(self.convert(node.value), self.convert(node.slice))

    def _time_value(self, node: ast.expr) -> ir.Expr:
        """A datetime / timedelta expression, in seconds."""
        match node:
            case ast.Name(id=name):
                return ir.Var(name)
            case ast.Call():
                return self.timedelta(node)
            case ast.UnaryOp(op=ast.USub(), operand=operand):
                return ir.Neg(self.convert(operand, time_ok=True))
            case ast.UnaryOp(operand=operand):
                return self.convert(operand, time_ok=True)
            case ast.IfExp(test=test, body=body, orelse=orelse):
                return ir.IfExp(
                    self.convert(test),
                    self.convert(body, time_ok=True),
                    self.convert(orelse, time_ok=True),
                )
            case ast.BinOp():
                return self._BinOp(node)
        raise self.refuse(node, f"`{ast.unparse(node)}`", "simplify it", "FIAC609")

    def _BinOp(self, node: ast.BinOp) -> ir.Expr:
        op = _BINOPS.get(type(node.op))
        if op is None:
            raise self.refuse(
                node,
                f"the operator in `{ast.unparse(node)}` cannot be translated",
                "use + - * / // % **",
            )
        timed = self.time_kind(node.left) is not None or self.time_kind(node.right) is not None
        left, right = self.convert(node.left, timed), self.convert(node.right, timed)
        if timed and op == "//":
            return ir.Builtin("int", (ir.BinOp("//", left, right),))
        return ir.BinOp(op, left, right)

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
            timed = self.time_kind(left) is not None or self.time_kind(right) is not None
            r = self.collection(right) if kind in ("in", "not in") else self.convert(right, timed)
            if kind in ("is", "is not") and r != ir.Const(None):
                raise self.refuse(
                    node,
                    f"`{ast.unparse(node)}` compares identities",
                    "compare values with == (is only with None)",
                )
            parts.append(ir.Compare(kind, self.convert(left, timed), r))
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
            if not isinstance(value, ast.FormattedValue):
                parts.append(self.convert(value))
                continue
            if value.conversion not in (-1, 115):
                raise self.refuse(
                    node, "!r and !a in f-strings cannot be translated", "use {value} or {value!s}"
                )
            spec = value.format_spec
            if spec is None:
                parts.append(self.text_of(value.value))
                continue
            assert isinstance(spec, ast.JoinedStr)
            if not all(isinstance(p, ast.Constant) for p in spec.values):
                raise self.refuse(
                    node, "a format spec computed at run time", "write the spec literally: {x:.2f}"
                )
            text = "".join(str(p.value) for p in spec.values if isinstance(p, ast.Constant))
            try:
                parse_spec(text)
            except ValueError as exc:
                raise self.refuse(node, str(exc), "format the value in an activity") from None
            inner = (
                self.text_of(value.value) if value.conversion == 115 else self.convert(value.value)
            )
            parts.append(ir.Builtin("format", (inner, ir.Const(text))))
        return ir.Concat(tuple(parts))

    def text_of(self, node: ast.expr) -> ir.Expr:
        """``str(node)``; for a caught error, its message as Python prints it."""
        if isinstance(node, ast.Name) and self.typed(node.id) == "error":
            return ir.Builtin("error_text", (ir.Var(node.id),))
        return ir.Builtin("str", (self.convert(node),))

    def _generator(self, node: ast.expr) -> tuple[ast.comprehension, str, dict[str, ir.Expr]]:
        comp = node
        assert isinstance(comp, ast.ListComp | ast.GeneratorExp | ast.SetComp | ast.DictComp)
        if len(comp.generators) != 1:
            raise self.refuse(
                node,
                "only one `for` per comprehension",
                "nest comprehensions in separate assignments",
            )
        gen = comp.generators[0]
        if gen.is_async:
            raise self.refuse(node, "an async comprehension", "write [f(x) for x in items]")
        if isinstance(gen.target, ast.Name):
            return gen, gen.target.id, {}
        var = f"__item{gen.target.lineno}_{gen.target.col_offset}"
        arity = element_arity(self.convert(gen.iter))
        names = unpack_names(gen.target, ir.Var(var), arity, self, node)
        return gen, var, names

    def _comprehension(self, node: ast.expr, element: ast.expr | ir.Expr) -> ir.Expr:
        gen, var, names = self._generator(node)
        conds = [ir.substitute(self.convert(c), names) for c in gen.ifs]
        cond = (
            None if not conds else conds[0] if len(conds) == 1 else ir.BoolOp("and", tuple(conds))
        )
        elt = element if not isinstance(element, ast.expr) else self.convert(element)
        return ir.Comprehension(ir.substitute(elt, names), var, self.convert(gen.iter), cond)

    def _ListComp(self, node: ast.ListComp | ast.GeneratorExp | ast.SetComp) -> ir.Expr:
        return self._comprehension(node, node.elt)

    def _DictComp(self, node: ast.DictComp) -> ir.Expr:
        pair = ir.ListLit((self.convert(node.key), self.convert(node.value)))
        return ir.Builtin("dict", (self._comprehension(node, pair),))

    def collection(self, node: ast.expr) -> ir.Expr:
        """An argument whose order does not show (``len``, ``sorted``, ``sum``, ``in``): a set
        there is its distinct items."""
        if isinstance(node, ast.SetComp):
            return ir.Builtin("distinct", (self._ListComp(node),))
        if isinstance(node, ast.Set):
            return ir.Builtin("distinct", (self._items(node.elts, node),))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "set":
            if len(node.args) != 1 or node.keywords:
                raise self.refuse(node, "set() with these arguments", "write set(items)")
            return ir.Builtin("distinct", (self.arg(node.args[0]),))
        return self.arg(node)

    def arg(self, node: ast.expr) -> ir.Expr:
        """A call's argument; a generator expression there is the list it yields."""
        return self._ListComp(node) if isinstance(node, ast.GeneratorExp) else self.convert(node)

    def _Call(self, node: ast.Call) -> ir.Expr:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "total_seconds" and not node.args:
            if self.time_kind(func.value) != "timedelta":
                raise self.refuse(
                    node, "total_seconds() of a value not known to be a timedelta", "-", "FIAC609"
                )
            return self.convert(func.value, time_ok=True)
        if isinstance(func, ast.Name) and func.id in FUNCTIONS:
            return self.function_call(node, func.id)
        if isinstance(func, ast.Attribute) and func.attr in METHODS:
            return self.method_call(node, func)
        if (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id == "json"
            and func.attr in ("loads", "dumps")
        ):
            return self.json_call(node, func.attr)
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
            "orchestrators may call the builtins "
            + ", ".join(sorted(FUNCTIONS))
            + " and the methods "
            + ", ".join(sorted(METHODS))
            + "; move other code into an activity",
        )


def element_arity(source: ir.Expr) -> int | None:
    """How many items each element of the list ``source`` has, when known at compile time."""
    match source:
        case ir.Builtin("items" | "enumerate"):
            return 2
        case ir.Builtin("zip", args):
            return len(args)
        case ir.Builtin("sorted" | "reversed" | "list" | "slice" | "sorted_by", (inner, *_)):
            return element_arity(inner)
        case ir.Comprehension(element=ir.ListLit(items)):
            return len(items)
        case ir.ListLit(items) if items and all(isinstance(i, ir.ListLit) for i in items):
            lengths = {len(i.items) for i in items if isinstance(i, ir.ListLit)}
            return lengths.pop() if len(lengths) == 1 else None
        case ir.Const(list(values)) if values and all(isinstance(v, list) for v in values):
            lengths = {len(v) for v in values}
            return lengths.pop() if len(lengths) == 1 else None
    return None


def unpack_names(
    target: ast.expr, value: ir.Expr, arity: int | None, conv: ExprConverter, node: ast.AST
) -> dict[str, ir.Expr]:
    """``a, (b, c) = value`` → each name's expression; refuses a shape not known to fit."""
    if isinstance(target, ast.Name):
        return {target.id: value}
    if not isinstance(target, ast.Tuple | ast.List) or any(
        isinstance(e, ast.Starred) for e in target.elts
    ):
        raise conv.refuse(
            node, f"the target `{ast.unparse(target)}`", "unpack into plain names: a, b = ..."
        )
    if arity != len(target.elts):
        raise conv.refuse(
            node,
            f"unpacking into `{ast.unparse(target)}`: the items' length is not known to be "
            f"{len(target.elts)}",
            "iterate over .items(), zip(...) or enumerate(...), or write a for loop",
        )
    found: dict[str, ir.Expr] = {}
    for i, elt in enumerate(target.elts):
        if not isinstance(elt, ast.Name):
            raise conv.refuse(
                node, f"nested unpacking `{ast.unparse(target)}`", "unpack one level: a, b = ..."
            )
        found[elt.id] = ir.Index(value, ir.Const(i))
    return found
