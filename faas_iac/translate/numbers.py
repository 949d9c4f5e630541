"""Which values may hold a float, for targets whose numbers do not keep Python's ``int`` /
``float`` apart (Step Functions' JSONata has one number type: ``1.0`` reads back as ``1``), where
the difference shows: ``json.dumps(1.0)`` is ``1.0`` in Python.

A value's *shape* is one of:

* :data:`EXACT`: no float anywhere in it (text, booleans, None, integers, containers of those);
* :data:`FLOAT`: a float (a float literal, ``/``, ``float()``, an operation on a float);
* ``("each", shape)``: a list whose items all have ``shape``;
* ``("pair", first, second)``: a two-item list (what ``items()``, ``enumerate`` and ``zip``
  give);
* ``None``: unknown (an activity's result, the input, an event, ``json.loads``).

Shapes of variables are inferred over the whole workflow, as :func:`.kinds.infer` does for
types: every assignment to a variable must agree.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from . import ir
from .kinds import _KINDS

EXACT = "exact"
FLOAT = "float"
#: Not assigned yet (the fixed point starts from it): absorbs operations, vanishes in joins.
_NONE = "none"
Shape = str | tuple[object, ...] | None

#: Builtins whose result never holds a float, whatever their arguments: text, booleans, ints.
_EXACT = {n for n, k in _KINDS.items() if k in ("str", "bool")} | {
    "len",
    "int",
    "count",
    "index",
    "keys",
    "range",
    "split",
    "parent_instance_id",
}
#: Builtins whose result has the shape of their first argument.
_SAME = {"sorted", "sorted_by", "reversed", "list", "distinct", "slice", "without", "abs"}


def exact(shape: Shape) -> bool:
    """Whether a value of ``shape`` certainly holds no float."""
    match shape:
        case "exact":
            return True
        case ("each", item):
            return exact(item)  # type: ignore[arg-type]
        case ("pair", first, second):
            return exact(first) and exact(second)  # type: ignore[arg-type]
    return False


def join(a: Shape, b: Shape) -> Shape:
    """The shape of a value that is either ``a`` or ``b``."""
    if a == _NONE:
        return b
    if b == _NONE or a == b:
        return a
    if exact(a) and exact(b):
        return EXACT
    match a, b:
        case ("each", x), ("each", y):
            return ("each", join(x, y))  # type: ignore[arg-type]
        case ("pair", x1, x2), ("pair", y1, y2):
            return ("pair", join(x1, y1), join(x2, y2))  # type: ignore[arg-type]
    return None


def _joined(shapes: list[Shape]) -> Shape:
    out: Shape = _NONE
    for s in shapes:
        out = join(out, s)
    return out


def element(shape: Shape) -> Shape:
    """The shape of the items of a list (or the keys of a dict) of ``shape``."""
    match shape:
        case "exact" | "none":
            return shape
        case ("each", item):
            return item  # type: ignore[return-value]
    return None


def _index(shape: Shape, key: ir.Expr) -> Shape:
    match shape:
        case "exact" | "none":
            return shape
        case ("each", item):
            return item  # type: ignore[return-value]
        case ("pair", first, second) if isinstance(key, ir.Const) and key.value in (0, 1, -1, -2):
            return first if key.value in (0, -2) else second  # type: ignore[return-value]
    return None


def _const(value: object) -> Shape:
    if isinstance(value, float):
        return FLOAT
    if isinstance(value, list):
        return EXACT if all(_const(v) == EXACT for v in value) else None
    if isinstance(value, dict):
        return EXACT if all(_const(v) == EXACT for v in value.values()) else None
    return EXACT


def _arith(op: str, a: Shape, b: Shape, right: ir.Expr) -> Shape:
    if _NONE in (a, b):
        return _NONE
    if op == "/":
        return FLOAT
    if op == "**":  # int ** a negative int is a float
        if a == EXACT and isinstance(right, ir.Const) and isinstance(right.value, int):
            return EXACT if right.value >= 0 else FLOAT
        return FLOAT if FLOAT in (a, b) and {a, b} <= {EXACT, FLOAT} else None
    if a == EXACT and b == EXACT:
        return EXACT
    if {a, b} <= {EXACT, FLOAT}:
        return FLOAT
    return None


def shape_of(e: ir.Expr, env: dict[str, Shape]) -> Shape:
    """The shape of ``e``'s value, variables' shapes from ``env`` (missing: unknown)."""

    def of(x: ir.Expr) -> Shape:
        return shape_of(x, env)

    match e:
        case ir.Const(value):
            return _const(value)
        case ir.Var(name):
            return env.get(name)
        case ir.Native(_, kind):
            return EXACT if kind in ("str", "bool", "null") else None
        case ir.Concat() | ir.Compare() | ir.Not():
            return EXACT
        case ir.Lambda():
            return None
        case ir.Index(value, key):
            return _index(of(value), key)
        case ir.BinOp(op, left, right):
            return _arith(op, of(left), of(right), right)
        case ir.Neg(value):
            return of(value)
        case ir.IfExp(_, then, orelse):
            return join(of(then), of(orelse))
        case ir.BoolOp(_, values):
            return _joined([of(v) for v in values])
        case ir.ListLit(items):
            shape = _joined([of(i) for i in items]) if items else EXACT
            return EXACT if exact(shape) else ("each", shape)
        case ir.DictLit(items):
            return EXACT if all(exact(of(v)) for _, v in items) else None
        case ir.DictOf(key, value):
            return EXACT if exact(of(key)) and exact(of(value)) else None
        case ir.Merge(parts):
            return EXACT if all(exact(of(p)) for p in parts) else None
        case ir.Comprehension(item, var, source, _):
            inner = shape_of(item, {**env, var: element(of(source))})
            return EXACT if exact(inner) else ("each", inner)
        case ir.Builtin(name, args):
            return _builtin(name, [of(a) for a in args])
    return None


def _builtin(name: str, args: list[Shape]) -> Shape:
    if name in _EXACT:
        return EXACT
    if name in _SAME:
        return args[0]
    match name:
        case "float" | "now":
            return FLOAT
        case "items":
            values = EXACT if args[0] == EXACT else None
            return ("each", ("pair", EXACT, values))
        case "values":
            return EXACT if args[0] == EXACT else None
        case "enumerate":
            return ("each", ("pair", EXACT, element(args[0])))
        case "zip" if len(args) == 2:
            return ("each", ("pair", element(args[0]), element(args[1])))
        case "sum" | "min_by" | "max_by":
            return element(args[0])
        case "min" | "max":
            return element(args[0]) if len(args) == 1 else _joined(args)
        case "round":
            if len(args) == 1 or args[0] == _NONE:
                return EXACT if len(args) == 1 else _NONE
            return args[0] if args[0] in (EXACT, FLOAT) else None
        case "get":  # d.get(k[, default])
            found = EXACT if args[0] == EXACT else None
            return join(found, args[2] if len(args) > 2 else EXACT)
        case "set_item" | "insert":
            return EXACT if all(exact(a) for a in args) else None
    return None


def infer(workflow: ir.Workflow) -> dict[str, Shape]:
    """Each variable's shape, joined over every assignment to it (unknown for a value from
    outside: an event, the input, an activity's result unless its annotation says it holds no
    float)."""

    def _exact_call(call: ir.Call) -> bool:  # a name computed at run time lists candidates
        names = call.name.split(",") if call.name_expr is not None else [call.name]
        return call.kind == "activity" and all(n in workflow.exact_results for n in names)

    bindings: dict[str, list[ir.Expr | None]] = {}

    def bind(name: str | None, value: ir.Expr | None) -> None:
        if name:
            bindings.setdefault(name, []).append(value)

    loops: dict[str, list[ir.Expr]] = {}
    for step in ir.walk(workflow.steps):
        match step:
            case ir.Assign(target, value):
                bind(target, value)
            case ir.ForEach(var, source):
                loops.setdefault(var, []).append(source)
                bindings.setdefault(var, [])
            case ir.Task(call, target):
                bind(target, ir.Const(0) if _exact_call(call) else None)
            case ir.Parallel(calls, target):
                bind(target, ir.Const(0) if all(map(_exact_call, calls)) else None)
            case ir.FanOut(call=call, var=var, source=source, target=target):
                loops.setdefault(var, []).append(source)
                bindings.setdefault(var, [])
                bind(target, ir.Const(0) if _exact_call(call) else None)
            case ir.Race(arms, winner):
                for arm in arms:
                    bind(arm.target, None)
                bind(winner, ir.Const(""))
            case ir.WaitEvent(target=target, winner=winner):
                bind(target, None)
                bind(winner, ir.Const(""))
    env: dict[str, Shape] = dict.fromkeys(bindings, _NONE)
    for _ in range(2 * len(bindings) + 4):
        new = {
            name: _joined(
                [None if v is None else shape_of(v, env) for v in values]
                + [element(shape_of(s, env)) for s in loops.get(name, [])]
            )
            for name, values in bindings.items()
        }
        if new == env:
            break
        env = new
    else:  # no fixed point (a value nested in itself): unknown
        env = {name: None for name in env}
    return {name: None if s == _NONE else s for name, s in env.items()}


def exact_annotation(handler: Callable[..., Any]) -> bool:
    """Whether ``handler``'s return annotation says its result holds no float: ``int``,
    ``str``, ``bool``, ``None``, and lists, tuples, sets, dicts, unions and literals of those.
    ``float`` is not (an int is a valid ``float``, so the result's type is not known either
    way); an annotation that cannot be read is not."""
    try:
        hints = typing.get_type_hints(handler)
    except Exception:  # a name the annotation uses cannot be resolved
        return False
    return "return" in hints and _exact_type(hints["return"])


def _exact_type(t: Any) -> bool:
    if t in (int, str, bool, type(None), None):
        return True
    origin, args = typing.get_origin(t), typing.get_args(t)
    if origin is typing.Literal:
        return all(not isinstance(a, float) for a in args)
    if origin in (typing.Union, types.UnionType):
        return all(map(_exact_type, args))
    if origin in (list, tuple, set, frozenset, Sequence, dict, Mapping) and args:
        return all(_exact_type(a) for a in args if a is not Ellipsis)
    return False
