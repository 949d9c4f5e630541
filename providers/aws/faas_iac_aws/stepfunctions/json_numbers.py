"""``json.dumps`` on Step Functions, exactly or not at all.

JSONata has one number type: a Python ``1.0`` reaches a state machine as ``1``, and
``json.dumps`` would write ``1`` where Python writes ``1.0``. Before emitting, each
``json.dumps`` argument's shape is read (:mod:`faas_iac.translate.numbers`): a value that
holds no float is written as it is; a float on its own (a float literal, ``/``, ``float()``) is
marked, and written as Python's ``repr`` (:func:`.jsonata_json.float_text`); a list or dict
literal holding floats is written piece by piece; anything else (a value from outside whose
numbers may be floats — an activity's result unless its return annotation says it holds none —
or a computed container holding a float) is refused
(FIAC615) at its line, rather than written wrong.
"""

from __future__ import annotations

import json

from faas_iac.translate import ir, numbers
from faas_iac.translate.refusals import refuse

from .context import uses

#: The third argument that marks a ``json_dumps`` of a float.
FLOAT = ir.Const("float")


class _Unknown(Exception):
    """A number whose float-ness cannot be told at compile time (caught where it decides)."""


def _mark(e: ir.Expr, env: dict[str, numbers.Shape]) -> ir.Expr:
    match e:
        case ir.Comprehension(item, var, source, cond):
            inner = {**env, var: numbers.element(numbers.shape_of(source, env))}
            return ir.Comprehension(
                _mark(item, inner),
                var,
                _mark(source, env),
                None if cond is None else _mark(cond, inner),
            )
        case ir.Lambda(var, body):
            return ir.Lambda(var, _mark(body, {**env, var: None}))
        case ir.Builtin("json_dumps", (value, ir.Const(bool(sort)) as flag)):
            return _dumps(_mark(value, env), sort, flag, env)
    return ir.map_children(e, lambda child: _mark(child, env))


def _dumps(value: ir.Expr, sort: bool, flag: ir.Const, env: dict[str, numbers.Shape]) -> ir.Expr:
    """``json.dumps(value)``: as it is when it holds no float, marked when it is a float, and a
    list or dict literal holding floats piece by piece (its keys are known: Python writes them
    and sorts them here); anything else is unknown."""
    shape = numbers.shape_of(value, env)
    if numbers.exact(shape):
        return ir.Builtin("json_dumps", (value, flag))
    if shape == numbers.FLOAT:
        return ir.Builtin("json_dumps", (value, flag, FLOAT))
    parts: list[ir.Expr] = []
    match value:
        case ir.ListLit(items):
            for i, item in enumerate(items):
                parts += [ir.Const(", " if i else "[")]
                parts.append(_dumps(item, sort, flag, env))
            parts.append(ir.Const("]" if items else "[]"))
        case ir.DictLit(items):
            pairs = sorted(items, key=lambda kv: kv[0]) if sort else list(items)
            for i, (key, item) in enumerate(pairs):
                parts.append(ir.Const(("{" if i == 0 else ", ") + json.dumps(key) + ": "))
                parts.append(_dumps(item, sort, flag, env))
            parts.append(ir.Const("}" if items else "{}"))
        case _:
            raise _Unknown
    return ir.Concat(tuple(parts))


def exact_json(workflow: ir.Workflow) -> ir.Workflow:
    """``workflow`` with each ``json.dumps`` of a float marked; a refusal where a
    ``json.dumps`` argument may hold a float that Step Functions would write as an int."""
    if not uses(workflow, "json_dumps"):
        return workflow
    env = numbers.infer(workflow)
    for step in ir.walk(workflow.steps):
        for e in ir.reads(step):
            try:
                _mark(e, env)
            except _Unknown:
                raise refuse(
                    "FIAC615",
                    "json.dumps of a value whose numbers may be floats: Step Functions keeps no "
                    "difference between 1 and 1.0 (JSONata writes both as 1), so Python's text "
                    "of a float cannot be written",
                    "annotate the activity's result with ints or text (-> dict[str, int]), make "
                    "its numbers ints (int(x)) or text (f'{x:.2f}') first, or json.dumps a "
                    "float on its own",
                    workflow.file,
                    getattr(step, "line", workflow.line),
                ) from None
    return ir.map_steps(workflow, lambda e: _mark(e, env))
