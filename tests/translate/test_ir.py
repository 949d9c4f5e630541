"""The IR's one child walk (``map_children``) reaches every sub-expression of every node kind,
and ``free_vars`` / ``substitute`` / ``transform`` built on it agree with each other. The test
reads the dataclass fields itself, so a new field the walk forgets fails here."""

from __future__ import annotations

import dataclasses
import json
import typing
from typing import Any

import pytest
from faas_iac_aws.stepfunctions import default_names, to_asl

from faas_iac.translate import ir
from faas_iac.translate.analyze import analyze

KINDS = typing.get_args(ir.Expr)


def sample(kind: type) -> tuple[ir.Expr, set[str]]:
    """One node of ``kind`` whose every sub-expression is a distinct variable; those names."""
    names: set[str] = set()

    def var() -> ir.Var:
        name = f"v{len(names)}"
        names.add(name)
        return ir.Var(name)

    values: dict[str, object] = {}
    for f in dataclasses.fields(kind):
        hint = str(f.type)
        if f.name == "var":
            values[f.name] = "bound"
        elif hint.startswith("tuple[tuple[str"):
            values[f.name] = (("k1", var()), ("k2", var()))
        elif hint.startswith("tuple["):
            values[f.name] = (var(), var())
        elif "Expr" in hint:
            values[f.name] = var()
        elif f.name in ("op",):
            values[f.name] = "+" if kind is ir.BinOp else "==" if kind is ir.Compare else "and"
        elif f.name == "name":
            values[f.name] = "x" if kind is ir.Var else "len"
        elif f.name == "value":
            values[f.name] = 1
        else:
            values[f.name] = "text" if f.name == "text" else None
    node: ir.Expr = kind(**values)
    if kind is ir.Var:
        names = {"x"}
    return node, names


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.__name__)
def test_walk_reaches_every_sub_expression(kind: type) -> None:
    node, names = sample(kind)
    assert ir.free_vars(node) == names
    if kind is not ir.Var:
        assert {v.name for v in ir.children(node) if isinstance(v, ir.Var)} == names
    renamed = ir.substitute(node, {n: ir.Var(n + "_new") for n in names})
    assert ir.free_vars(renamed) == {n + "_new" for n in names}
    doubled = ir.transform(node, lambda e: ir.Var(e.name * 2) if isinstance(e, ir.Var) else None)
    assert ir.free_vars(doubled) == {n * 2 for n in names}
    assert type(renamed) is type(node) or kind is ir.Var


def test_comprehension_binds_its_variable() -> None:
    comp = ir.Comprehension(ir.BinOp("+", ir.Var("x"), ir.Var("k")), "x", ir.Var("xs"), ir.Var("x"))
    assert ir.free_vars(comp) == {"k", "xs"}
    swapped = ir.substitute(comp, {"x": ir.Const(0), "xs": ir.Var("ys")})
    assert swapped == ir.Comprehension(
        ir.BinOp("+", ir.Var("x"), ir.Var("k")), "x", ir.Var("ys"), ir.Var("x")
    )


def test_walk_visits_nested_bodies_in_source_order() -> None:
    inner = ir.Assign("a", ir.Const(1), 3)
    steps = (
        ir.If(ir.Var("c"), (inner,), (ir.Return(ir.Const(2), 5),), 2),
        ir.Try((ir.While(ir.Var("c"), (ir.Timer(ir.Const(1), 7),), 6),), (), None, 6),
    )
    lines = [s.line for s in ir.walk(steps)]
    assert lines == [2, 3, 5, 6, 6, 7]


def scaled(ctx: Any) -> Any:
    order = ctx.get_input()
    factor = order["factor"]
    unused = order["id"] + "!"  # noqa: F841 (assigned, never read: dropped)
    acc = []
    for x in order["items"]:
        r = yield ctx.call_activity("work", x * factor)
        acc = acc + [r]  # noqa: RUF005 (the collecting-loop idiom)
    return acc


def _assigned(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        found |= set(node.get("Assign", {}))
        for value in node.values():
            found |= _assigned(value)
    elif isinstance(node, list):
        for value in node:
            found |= _assigned(value)
    return found


def test_asl_liveness_keeps_what_a_map_processor_reads_and_drops_the_rest() -> None:
    wf = analyze(scaled, activities=["work"])
    asl = to_asl(wf, default_names("app", ["work"], ["scaled"]))
    processor = next(s for s in asl["States"].values() if s["Type"] == "Map")["ItemProcessor"]
    assert "$factor" in json.dumps(processor)  # read only inside the processor
    assigned = _assigned(asl)
    assert "factor" in assigned
    assert "unused" not in assigned
