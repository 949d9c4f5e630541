"""Static JSON types of variables, inferred over a whole workflow (for emitters whose target
language needs them: ``+`` on text vs lists, truthiness, ``in``)."""

from __future__ import annotations

from . import ir

#: The static type of a builtin's result, when it does not depend on its arguments.
_KINDS: dict[str, str] = {
    **dict.fromkeys(
        (
            "str",
            "upper",
            "lower",
            "strip",
            "lstrip",
            "rstrip",
            "replace",
            "join",
            "title",
            "capitalize",
            "zfill",
            "format",
            "error_text",
            "json_dumps",
            "instance_id",
            "uuid",
        ),
        "str",
    ),
    **dict.fromkeys(("len", "int", "float", "abs", "sum", "round", "count", "index", "now"), "num"),
    **dict.fromkeys(
        (
            "keys",
            "values",
            "range",
            "sorted",
            "sorted_by",
            "reversed",
            "list",
            "split",
            "items",
            "enumerate",
            "zip",
            "insert",
            "distinct",
        ),
        "list",
    ),
    **dict.fromkeys(("bool", "any", "all", "startswith", "endswith", "isinstance"), "bool"),
    "dict": "dict",
}


def expr_kind(e: ir.Expr, env: dict[str, str | None]) -> str | None:
    """str, num, bool, list, dict, null — or None when unknown."""
    match e:
        case ir.Const(value):
            if value is None:
                return "null"
            if isinstance(value, bool):
                return "bool"
            if isinstance(value, int | float):
                return "num"
            if isinstance(value, str):
                return "str"
            return "list" if isinstance(value, list) else "dict"
        case ir.Var(name):
            return env.get(name)
        case ir.Native(_, k):
            return k
        case ir.Concat():
            return "str"
        case ir.ListLit() | ir.Comprehension():
            return "list"
        case ir.Lambda():
            return None
        case ir.DictLit() | ir.DictOf() | ir.Merge():
            return "dict"
        case ir.Compare() | ir.Not():
            return "bool"
        case ir.BoolOp(_, values):
            kinds = {expr_kind(v, env) for v in values}
            return kinds.pop() if len(kinds) == 1 else None
        case ir.Builtin(name, args):
            if name in _KINDS:
                return _KINDS[name]
            if name in ("min", "max") and len(args) > 1:
                kinds = {expr_kind(a, env) for a in args}
                return kinds.pop() if len(kinds) == 1 else None
            if name in ("slice", "set_item", "without"):
                return expr_kind(args[0], env)
        case ir.BinOp(op, left, right):
            lk, rk = expr_kind(left, env), expr_kind(right, env)
            if op == "+":
                return lk if lk == rk else None
            return "num" if {lk, rk} == {"num"} else None
        case ir.Neg():
            return "num"
        case ir.IfExp(_, then, orelse):
            k = expr_kind(then, env)
            return k if k == expr_kind(orelse, env) else None
    return None


def infer(workflow: ir.Workflow) -> dict[str, str | None]:
    """The type of each variable where every assignment to it agrees; None where unknown.

    Optimistic: an assignment whose type depends on a variable not yet typed is skipped until
    that variable is typed (``checks = checks + 1`` after ``checks = 0`` is a number)."""
    opaque = "?"  # a value from outside (an activity result, an event): never typed
    bindings: dict[str, list[ir.Expr | str]] = {}

    def bind(name: str | None, value: ir.Expr | str) -> None:
        if name:
            bindings.setdefault(name, []).append(value)

    for step in ir.walk(workflow.steps):
        if isinstance(step, ir.Assign):
            bind(step.target, step.value)
        elif isinstance(step, ir.Task):
            bind(step.target, opaque)
        elif isinstance(step, ir.FanOut | ir.Parallel):  # task_all of nothing gives []
            bind(step.target, "list")
        elif isinstance(step, ir.Race):
            for arm in step.arms:
                bind(arm.target, opaque)
            bind(step.winner, "str")
        elif isinstance(step, ir.WaitEvent):
            bind(step.target, opaque)
            bind(step.winner, "str")
        elif isinstance(step, ir.ForEach):
            bind(step.var, opaque)
    env: dict[str, str | None] = {}
    settled: set[str] = {ir.INPUT}  # typed, or known to be untypeable
    for _ in range(2 * len(bindings) + 2):
        new: dict[str, str | None] = {}
        for name, values in bindings.items():
            kinds: set[str | None] = set()
            for v in values:
                if isinstance(v, str):
                    kinds.add(v)
                    continue
                k = expr_kind(v, env)
                if k is None and ir.free_vars(v) - settled:
                    continue  # depends on a variable not typed yet: decide later
                kinds.add(opaque if k is None else k)
            new[name] = kinds.pop() if len(kinds) == 1 and opaque not in kinds else None
        now_settled = (
            {ir.INPUT}
            | {n for n, k in new.items() if k is not None}
            | {
                n
                for n, values in bindings.items()
                if all(isinstance(v, str) or not (ir.free_vars(v) - settled) for v in values)
            }
        )
        if new == env and now_settled == settled:
            break
        env, settled = new, now_settled
    return env
