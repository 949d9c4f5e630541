"""The orchestration clock as a value: ``ctx.current_utc_datetime`` and ``timedelta``.

A datetime is held as seconds since the epoch and a timedelta as seconds, so their arithmetic
and comparisons are the numbers' (``deadline - now``, ``start + timedelta(hours=1)``,
``elapsed / timedelta(minutes=1)``, ``elapsed >= timedelta(hours=1)``,
``.total_seconds()``). The static kind of each expression (datetime, timedelta, or neither) is
tracked so that a datetime or a timedelta never leaves that arithmetic (printed, returned,
passed to an activity): those have no JSON form and are refused (FIAC609).
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import Literal

from . import ir
from .refusals import Refusal

TimeKind = Literal["datetime", "timedelta"]
#: timedelta's parameters in positional order, with their length in seconds.
TIMEDELTA_SECONDS: dict[str, float] = {
    "days": 86400,
    "seconds": 1,
    "microseconds": 0.000001,
    "milliseconds": 0.001,
    "minutes": 60,
    "hours": 3600,
    "weeks": 604800,
}
NOW = ir.Builtin("now", ())


def _is_timedelta(func: ast.expr) -> bool:
    return (isinstance(func, ast.Name) and func.id == "timedelta") or (
        isinstance(func, ast.Attribute) and func.attr == "timedelta"
    )


class ClockConverter:
    """Mixin of :class:`~.expr.ExprConverter`: the time kind of expressions, and timedelta."""

    file: str
    ctx: str | None
    typed: Callable[[str], str | None]
    convert: Callable[..., ir.Expr]
    refuse: Callable[..., Refusal]

    def is_now(self, node: ast.expr) -> bool:
        return (
            isinstance(node, ast.Attribute)
            and node.attr == "current_utc_datetime"
            and isinstance(node.value, ast.Name)
            and node.value.id == self.ctx
        )

    def time_kind(self, node: ast.expr) -> TimeKind | None:
        """``datetime``, ``timedelta``, or None (any other value); refuses arithmetic Python
        itself rejects (a datetime plus a number, two datetimes added)."""
        if self.is_now(node):
            return "datetime"
        match node:
            case ast.Name(id=name):
                kind = self.typed(name)
                return kind if kind in ("datetime", "timedelta") else None  # type: ignore[return-value]
            case ast.Call(func=func) if _is_timedelta(func):
                return "timedelta"
            case ast.UnaryOp(op=ast.USub() | ast.UAdd(), operand=operand):
                k = self.time_kind(operand)
                if k == "datetime":
                    raise self._bad(node)
                return k
            case ast.IfExp(body=body, orelse=orelse):
                a, b = self.time_kind(body), self.time_kind(orelse)
                if a != b:
                    raise self._bad(node)
                return a
            case ast.BinOp(left=left, op=op, right=right):
                return self._binop_kind(node, self.time_kind(left), op, self.time_kind(right))
        return None

    def _binop_kind(
        self, node: ast.expr, a: TimeKind | None, op: ast.operator, b: TimeKind | None
    ) -> TimeKind | None:
        if a is None and b is None:
            return None
        kinds = (a, b)
        match op:
            case ast.Add() if kinds in (("datetime", "timedelta"), ("timedelta", "datetime")):
                return "datetime"
            case ast.Add() | ast.Sub() if kinds == ("timedelta", "timedelta"):
                return "timedelta"
            case ast.Sub() if kinds == ("datetime", "timedelta"):
                return "datetime"
            case ast.Sub() if kinds == ("datetime", "datetime"):
                return "timedelta"
            case ast.Mult() if kinds in (("timedelta", None), (None, "timedelta")):
                return "timedelta"
            case ast.Div() | ast.FloorDiv() if kinds == ("timedelta", None):
                return "timedelta"
            case ast.Div() | ast.FloorDiv() | ast.Mod() if kinds == ("timedelta", "timedelta"):
                return "timedelta" if isinstance(op, ast.Mod) else None
        raise self._bad(node)

    def _bad(self, node: ast.expr) -> Refusal:
        return self.refuse(
            node,
            f"`{ast.unparse(node)}` mixes datetimes, timedeltas and numbers in a way Python "
            "rejects or that has no JSON value",
            "add and subtract timedeltas to datetimes, subtract datetimes, scale timedeltas "
            "by numbers, and compare them",
            "FIAC609",
        )

    def timedelta(self, node: ast.Call) -> ir.Expr:
        """``timedelta(...)`` → its length in seconds."""
        params = list(TIMEDELTA_SECONDS)
        given: list[tuple[str, ast.expr]] = list(zip(params, node.args, strict=False))
        if len(node.args) > len(params) or any(isinstance(a, ast.Starred) for a in node.args):
            raise self.refuse(node, "these timedelta arguments", "timedelta(hours=..., ...)")
        for kw in node.keywords:
            if kw.arg not in TIMEDELTA_SECONDS or kw.arg in dict(given):
                raise self.refuse(
                    node,
                    f"timedelta({kw.arg or '**'}=...)",
                    f"use {', '.join(params)}",
                    "FIAC609",
                )
            given.append((kw.arg, kw.value))
        total: ir.Expr | None = None
        const = 0.0
        for name, value in given:
            factor = TIMEDELTA_SECONDS[name]
            part = self.convert(value)
            if isinstance(part, ir.Const) and isinstance(part.value, int | float):
                const += part.value * factor
                continue
            term = part if factor == 1 else ir.BinOp("*", part, ir.Const(factor))
            total = term if total is None else ir.BinOp("+", total, term)
        whole: int | float = int(const) if float(const).is_integer() else round(const, 6)
        if total is None:
            return ir.Const(whole)
        return total if not const else ir.BinOp("+", total, ir.Const(whole))

    def timedelta_attribute(self, node: ast.Attribute) -> ir.Expr:
        """``td.days`` / ``td.seconds`` (Python normalizes: 0 <= seconds < 86400)."""
        value = self.convert(node.value, time_ok=True)
        days = ir.BinOp("//", value, ir.Const(86400))
        if node.attr == "days":
            return days
        if node.attr == "seconds":
            return ir.Builtin("int", (ir.BinOp("-", value, ir.BinOp("*", days, ir.Const(86400))),))
        raise self.refuse(
            node,
            f"the timedelta attribute .{node.attr}",
            "use .total_seconds(), .days or .seconds",
            "FIAC609",
        )
