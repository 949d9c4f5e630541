"""A ``yield`` inside an expression, as Durable Functions users write it
(``undone.append((yield ctx.call_activity("cancel", step)))``, ``total += yield task``,
``return {"a": (yield t1), "b": (yield t2)}``), rewritten into yields of their own before the
statement: ``__yN = yield task``, then the statement reading ``__yN``.

Exact when nothing the statement evaluates before a yield has an effect, which holds when the
statement calls no mutating method except as its outermost call (whose arguments, the yields
among them, are evaluated before it runs), and no yield is evaluated only conditionally
(``a if c else (yield t)``, ``x or (yield t)``, a comprehension, a chained comparison). Any
other statement is left as it is (the analyzer then refuses the yield with its code).
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Callable, Collection

#: Nodes whose parts run only under a condition, or more than once.
_CONDITIONAL = (
    ast.IfExp,
    ast.BoolOp,
    ast.ListComp,
    ast.SetComp,
    ast.DictComp,
    ast.GeneratorExp,
    ast.Lambda,
    ast.NamedExpr,
)


def hoist_yields(
    node: ast.stmt, fresh: Callable[[], str], mutating: Collection[str]
) -> tuple[list[tuple[str, ast.expr | None, int]], ast.stmt] | None:
    """``(yields, statement)``: each ``(name, yielded value, line)`` in Python's evaluation
    order, and ``node`` with each yield replaced by its name; None when ``node`` has no yield
    to hoist or hoisting would change its meaning."""
    if not isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign | ast.Expr | ast.Return):
        return None
    value = node.value
    if value is None:
        return None
    if isinstance(value, ast.Yield) and not isinstance(node, ast.AugAssign):
        return None  # x = yield task: the analyzer's own form
    found = [n for n in ast.walk(value) if isinstance(n, ast.Yield | ast.YieldFrom)]
    if not found or not _safe(value, node, mutating):
        return None
    if any(isinstance(n, ast.YieldFrom) for n in found):
        return None
    rewritten = copy.deepcopy(node)
    assert rewritten.value is not None
    copies = [n for n in ast.walk(rewritten.value) if isinstance(n, ast.Yield)]
    # inner yields end first, and siblings end in the order Python evaluates them
    order = sorted(copies, key=lambda n: (n.end_lineno or 0, n.end_col_offset or 0))
    names = {id(n): fresh() for n in order}

    class Replace(ast.NodeTransformer):
        def visit_Yield(self, n: ast.Yield) -> ast.expr:
            self.generic_visit(n)  # the yields inside its operand first
            return ast.copy_location(ast.Name(names[id(n)], ast.Load()), n)

    rewritten.value = Replace().visit(rewritten.value)
    return [(names[id(n)], n.value, n.lineno) for n in order], rewritten


def _safe(value: ast.expr, node: ast.stmt, mutating: Collection[str]) -> bool:
    """No yield under a condition, no effect but the statement's outermost call."""
    outer = value if isinstance(node, ast.Expr) else None
    for parent in ast.walk(value):
        conditional = isinstance(parent, _CONDITIONAL) or (
            isinstance(parent, ast.Compare) and len(parent.ops) > 1
        )
        if conditional and any(isinstance(n, ast.Yield) for n in ast.walk(parent)):
            return False
        if (
            isinstance(parent, ast.Call)
            and parent is not outer
            and isinstance(parent.func, ast.Attribute)
            and parent.func.attr in mutating
        ):
            return False
    return True
