"""Durable entities in an orchestrator: ``EntityId(name, key)`` (inline or held in a variable),
``yield ctx.call_entity(entity, operation[, input])`` and ``ctx.signal_entity(...)``.

An operation becomes a call of kind ``entity`` to the entity's function, whose input is the
operation: ``{"entity": name, "key": key, "operation": op, "input": value}`` (what the AWS
entity runtime reads). A signal is that call with its result unused, made in order with the
orchestrator's other steps, so its operation applies before the orchestrator's next one on the
same entity, as Durable Functions guarantees for one sender. The entity's name must be a string
literal (the function is chosen at compile time); its key may be any expression.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Collection, Mapping

from . import ir
from .refusals import Refusal

ENTITY_CALLS = ("call_entity", "signal_entity")
_PARAMS = ("entityId", "operationName", "operationInput")


def is_entity_id(node: ast.expr) -> bool:
    """``EntityId(...)`` or ``df.EntityId(...)`` written in the source."""
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
    return name == "EntityId"


def entity_id(
    node: ast.expr,
    held: Mapping[str, str],
    convert: Callable[[ast.expr], ir.Expr],
    refuse: Callable[[ast.AST, str, str, str], Refusal],
    known: Collection[str] | None,
) -> tuple[str, ir.Expr]:
    """(entity name, key) of an entity id: ``EntityId("name", key)`` or a variable assigned
    one (``held``: variable → entity name; the variable holds the key)."""
    if isinstance(node, ast.Name) and node.id in held:
        return held[node.id], ir.Var(node.id)
    if not is_entity_id(node):
        raise refuse(
            node,
            "FIAC607",
            f"the entity `{ast.unparse(node)}` is not known at compile time",
            'pass EntityId("counter", key), or a variable assigned one',
        )
    assert isinstance(node, ast.Call)
    given = dict(zip(("name", "key"), node.args, strict=False))
    given.update({k.arg: k.value for k in node.keywords if k.arg in ("name", "key")})
    name = given.get("name")
    if not (isinstance(name, ast.Constant) and isinstance(name.value, str)) or "key" not in given:
        raise refuse(
            node,
            "FIAC607",
            "the entity's name is not a string literal",
            'write EntityId("counter", key)',
        )
    if known is not None and name.value not in known:
        listed = ", ".join(sorted(known)) or "none"
        raise refuse(
            name,
            "FIAC611",
            f"no entity named {name.value!r} in this app",
            f"declare it with @app.entity or use one of: {listed}",
        )
    return name.value, convert(given["key"])


def entity_call(
    call: ast.Call,
    held: Mapping[str, str],
    convert: Callable[[ast.expr], ir.Expr],
    refuse: Callable[[ast.AST, str, str, str], Refusal],
    known: Collection[str] | None,
) -> ir.Call:
    """``ctx.call_entity(...)`` / ``ctx.signal_entity(...)`` → a call of kind ``entity``."""
    if any(isinstance(a, ast.Starred) for a in call.args) or len(call.args) > len(_PARAMS):
        raise refuse(call, "FIAC601", "the arguments of an entity operation", _fix())
    given = dict(zip(_PARAMS, call.args, strict=False))
    for kw in call.keywords:
        if kw.arg not in _PARAMS or kw.arg in given:
            raise refuse(call, "FIAC601", f"the argument {kw.arg or '**'}=", _fix())
        given[kw.arg] = kw.value
    if "entityId" not in given or "operationName" not in given:
        raise refuse(call, "FIAC601", "an entity operation without entity or operation", _fix())
    name, key = entity_id(given["entityId"], held, convert, refuse, known)
    value = convert(given["operationInput"]) if "operationInput" in given else ir.Const(None)
    operation = ir.DictLit(
        (
            ("entity", ir.Const(name)),
            ("key", key),
            ("operation", convert(given["operationName"])),
            ("input", value),
        )
    )
    return ir.Call("entity", name, operation)


def _fix() -> str:
    return "pass (entity id, operation name[, input])"
