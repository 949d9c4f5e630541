"""The expression IR: typed, pure expressions over JSON values, and the one child walk
(``map_children``) that ``children``, ``free_vars``, ``substitute`` and ``transform`` build on."""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, assert_never

BinOpKind = Literal["+", "-", "*", "/", "//", "%", "**"]
CompareKind = Literal["==", "!=", "<", "<=", ">", ">=", "in", "not in", "is", "is not"]
BuiltinKind = Literal[
    "len",
    "str",
    "int",
    "float",
    "bool",
    "abs",
    "min",
    "max",
    "sum",
    "keys",
    "values",
    "get",
    "upper",
    "lower",
    "strip",
    "round",
    "range",
    "any",
    "all",
    "sorted",
    "reversed",
    "list",
    "startswith",
    "endswith",
    "replace",
    "split",
    "join",
    # the orchestration's own values
    "now",  # ctx.current_utc_datetime, as seconds since the epoch (a timedelta is seconds)
    "instance_id",
    "parent_instance_id",
    "uuid",  # ctx.new_uuid(): a new UUID per call, fixed for the execution
    # collections
    "items",
    "enumerate",  # (items, start)
    "zip",
    "dict",  # a copy of a dict, or the dict of a list of [key, value] pairs
    "distinct",  # a set's items, each once, in first-seen order (only where order is unseen)
    "set_item",  # (container, key, value): a copy with container[key] = value
    "without",  # (dict, key): a copy without the key
    "slice",  # (value, start, stop, step), each bound None when absent
    "insert",  # (list, index, value): a copy with the value inserted
    "index",
    "count",
    "isinstance",  # (value, Const([kinds])): str, int, float, bool, list, dict, NoneType
    "min_by",  # (items, Lambda): the first smallest by key
    "max_by",
    "sorted_by",  # (items, Lambda, reverse)
    # text
    "title",
    "capitalize",
    "zfill",
    "lstrip",
    "rstrip",
    "format",  # (value, Const(spec)): format(value, spec)
    "error_text",  # (error value): str(e) of a caught error
    "json_loads",  # json.loads(text)
    "json_dumps",  # (value, Const(sort_keys)): json.dumps(value, sort_keys=...)
]


@dataclass(frozen=True)
class Const:
    value: Any  # a JSON value: None, bool, int, float, str, list, dict of JSON values


@dataclass(frozen=True)
class Var:
    name: str


@dataclass(frozen=True)
class Index:
    """``value[key]``: a list index (int) or a dict key (str)."""

    value: Expr
    key: Expr


@dataclass(frozen=True)
class BinOp:
    op: BinOpKind
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Compare:
    op: CompareKind
    left: Expr
    right: Expr


@dataclass(frozen=True)
class BoolOp:
    op: Literal["and", "or"]
    values: tuple[Expr, ...]


@dataclass(frozen=True)
class Not:
    value: Expr


@dataclass(frozen=True)
class Neg:
    value: Expr


@dataclass(frozen=True)
class IfExp:
    test: Expr
    then: Expr
    orelse: Expr


@dataclass(frozen=True)
class Builtin:
    """A pure builtin or method: ``len(x)``, ``str(x)``, ``d.get(k, default)``, ``s.upper()``."""

    name: BuiltinKind
    args: tuple[Expr, ...]


@dataclass(frozen=True)
class ListLit:
    items: tuple[Expr, ...]


@dataclass(frozen=True)
class DictLit:
    items: tuple[tuple[str, Expr], ...]


@dataclass(frozen=True)
class DictOf:
    """``{key: value}`` with a key computed at run time."""

    key: Expr
    value: Expr


@dataclass(frozen=True)
class Merge:
    """``{**a, "k": v, **b}``: the dicts merged left to right (a later key replaces the value
    and keeps the position of the first, as Python's dict does)."""

    parts: tuple[Expr, ...]


@dataclass(frozen=True)
class Concat:
    """An f-string: the parts are joined as text (non-strings through ``str``)."""

    parts: tuple[Expr, ...]


@dataclass(frozen=True)
class Comprehension:
    """``[element for var in source if cond]``."""

    element: Expr
    var: str
    source: Expr
    cond: Expr | None = None


@dataclass(frozen=True)
class Lambda:
    """``lambda var: body`` (a key function of ``sorted`` / ``min`` / ``max``)."""

    var: str
    body: Expr


@dataclass(frozen=True)
class Native:
    """A target-language expression made by an emitter (never by the analyzer), e.g. the
    result of the state being built. Its ``kind`` is the static type when known."""

    text: str
    kind: str | None = None


Expr = (
    Const
    | Var
    | Index
    | BinOp
    | Compare
    | BoolOp
    | Not
    | Neg
    | IfExp
    | Builtin
    | ListLit
    | DictLit
    | DictOf
    | Merge
    | Concat
    | Comprehension
    | Lambda
    | Native
)

#: The variable that holds the orchestration input (``ctx.get_input()``).
INPUT = "input"


def map_children(expr: Expr, fn: Callable[[Expr], Expr]) -> Expr:
    """``expr`` with ``fn`` applied to each of its direct sub-expressions (the one child walk
    of the expression IR; :func:`children`, :func:`free_vars`, :func:`substitute` and
    :func:`transform` are built on it)."""
    match expr:
        case Const() | Var() | Native():
            return expr
        case Index(value, key):
            return Index(fn(value), fn(key))
        case BinOp(op, left, right):
            return BinOp(op, fn(left), fn(right))
        case Compare(op, left, right):
            return Compare(op, fn(left), fn(right))
        case BoolOp(op, values):
            return BoolOp(op, tuple(fn(v) for v in values))
        case Not(value):
            return Not(fn(value))
        case Neg(value):
            return Neg(fn(value))
        case IfExp(test, then, orelse):
            return IfExp(fn(test), fn(then), fn(orelse))
        case Builtin(name, args):
            return Builtin(name, tuple(fn(a) for a in args))
        case ListLit(items):
            return ListLit(tuple(fn(i) for i in items))
        case DictLit(items):
            return DictLit(tuple((k, fn(v)) for k, v in items))
        case DictOf(key, value):
            return DictOf(fn(key), fn(value))
        case Merge(parts):
            return Merge(tuple(fn(p) for p in parts))
        case Concat(parts):
            return Concat(tuple(fn(p) for p in parts))
        case Comprehension(element, var, source, cond):
            return Comprehension(fn(element), var, fn(source), None if cond is None else fn(cond))
        case Lambda(var, body):
            return Lambda(var, fn(body))
        case _:
            assert_never(expr)


def children(expr: Expr) -> list[Expr]:
    """The direct sub-expressions of ``expr``, in field order."""
    found: list[Expr] = []

    def keep(child: Expr) -> Expr:
        found.append(child)
        return child

    map_children(expr, keep)
    return found


def substitute(expr: Expr, env: dict[str, Expr]) -> Expr:
    """``expr`` with each free variable named in ``env`` replaced by its value."""
    if not env:
        return expr
    match expr:
        case Var(name):
            return env.get(name, expr)
        case Comprehension(element, var, source, cond):
            inner = {k: v for k, v in env.items() if k != var}
            return Comprehension(
                substitute(element, inner),
                var,
                substitute(source, env),
                None if cond is None else substitute(cond, inner),
            )
        case Lambda(var, body):
            return Lambda(var, substitute(body, {k: v for k, v in env.items() if k != var}))
    return map_children(expr, lambda child: substitute(child, env))


def free_vars(expr: Expr) -> set[str]:
    """The variables an expression reads."""
    match expr:
        case Var(name):
            return {name}
        case Comprehension(element, var, source, cond):
            inner = free_vars(element) | (free_vars(cond) if cond is not None else set())
            return (inner - {var}) | free_vars(source)
        case Lambda(var, body):
            return free_vars(body) - {var}
    found: set[str] = set()
    for child in children(expr):
        found |= free_vars(child)
    return found


_UNKNOWN = object()


def fold(expr: Expr) -> Any:
    """The value of an expression made only of constants (Python's meaning), or ``UNKNOWN``."""
    match expr:
        case Const(value):
            return value
        case ListLit(items):
            values = [fold(i) for i in items]
            return _UNKNOWN if any(v is _UNKNOWN for v in values) else values
        case Not(value):
            v = fold(value)
            return _UNKNOWN if v is _UNKNOWN else not v
        case BinOp(op, left, right) if op in ("+", "-", "*"):
            lv, rv = fold(left), fold(right)
            numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (lv, rv))
            if not numbers:
                return _UNKNOWN
            return lv + rv if op == "+" else lv - rv if op == "-" else lv * rv
        case BoolOp(op, values):
            folded = [fold(v) for v in values]
            result: Any = _UNKNOWN
            for v in folded:
                if v is _UNKNOWN:
                    return _UNKNOWN
                result = v
                if (op == "and" and not v) or (op == "or" and v):
                    return v
            return result
        case Compare(op, left, right):
            lv, rv = fold(left), fold(right)
            if lv is _UNKNOWN or rv is _UNKNOWN:
                return _UNKNOWN
            ops: dict[str, Callable[[Any, Any], bool]] = {
                "==": operator.eq,
                "!=": operator.ne,
                "<": operator.lt,
                "<=": operator.le,
                ">": operator.gt,
                ">=": operator.ge,
                "is": operator.is_,
                "is not": operator.is_not,
            }
            if op not in ops or (
                type(lv) is not type(rv)
                and not (isinstance(lv, int | float) and isinstance(rv, int | float))
            ):
                return _UNKNOWN
            try:
                return ops[op](lv, rv)
            except TypeError:
                return _UNKNOWN
    return _UNKNOWN


UNKNOWN = _UNKNOWN


def transform(expr: Expr, fn: Callable[[Expr], Expr | None]) -> Expr:
    """``expr`` rebuilt bottom-up, each node replaced by ``fn(node)`` when that is not None."""
    rebuilt = map_children(expr, lambda child: transform(child, fn))
    return fn(rebuilt) or rebuilt
