"""Python expressions that Workflows has no expression for, as steps: a comprehension, and
``sum`` / ``any`` / ``all`` / one-argument ``min`` / ``max`` / ``reversed`` of a list become a
``for`` loop filling a temporary variable, run just before the step that reads the value (and
again at the end of a ``while`` body whose test reads it).

An IR → IR rewrite, run before the emitter. Only values computed unconditionally are lowered:
one in the right operand of ``and`` / ``or`` stays where it is (Python may never compute it),
and the emitter refuses it as before. ``x if c else y`` becomes a switch assigning the chosen
branch when a branch needs steps or may fail (:meth:`_Lowerer.total`).
"""

from __future__ import annotations

import dataclasses
import json
from typing import assert_never

from faas_iac.translate import ir
from faas_iac.translate.kinds import expr_kind, infer

from .expr import var_name

_FOLDS = {"sum", "any", "all", "min", "max", "reversed", "list"}


def _empty_message(name: str) -> str:
    """What this Python says for ``max([])`` (the local engine runs the same Python)."""
    try:
        (min if name == "min" else max)([])
    except ValueError as exc:
        return str(exc)
    raise AssertionError("unreachable")  # pragma: no cover


def lower(wf: ir.Workflow) -> ir.Workflow:
    return dataclasses.replace(wf, steps=_Lowerer(infer(wf)).block(wf.steps))


class _Lowerer:
    def __init__(self, env: dict[str, str | None]) -> None:
        self.counter = 0
        self.env = env

    def fresh(self, base: str) -> str:
        self.counter += 1
        return f"__{base}{self.counter}"

    def block(self, steps: tuple[ir.Step, ...]) -> tuple[ir.Step, ...]:
        out: list[ir.Step] = []
        for step in steps:
            out += self.step(step)
        return tuple(out)

    def step(self, step: ir.Step) -> list[ir.Step]:
        pre: list[ir.Step] = []
        line = step.line

        def low(e: ir.Expr) -> ir.Expr:
            return self.expr(e, pre, line)

        def call(c: ir.Call) -> ir.Call:
            return dataclasses.replace(c, input=low(c.input))

        new: ir.Step
        match step:
            case ir.Assign(target, value):
                new = ir.Assign(target, low(value), line)
            case ir.Task(c, target):
                new = ir.Task(call(c), target, line)
            case ir.FanOut(c, var, source, target):
                new = ir.FanOut(c, var, low(source), target, line)
            case ir.Parallel(calls, target):
                new = ir.Parallel(tuple(call(c) for c in calls), target, line)
            case ir.Timer(seconds, _, until):
                new = ir.Timer(low(seconds), line, until and low(until))
            case ir.WaitEvent():
                timeout = step.timeout_seconds
                new = dataclasses.replace(step, timeout_seconds=timeout and low(timeout))
            case ir.SetStatus(value):
                new = ir.SetStatus(low(value), line)
            case ir.Return(value):
                new = ir.Return(low(value), line)
            case ir.Raise(error, message):
                new = ir.Raise(error, low(message), line)
            case ir.ContinueAsNew(value):
                new = ir.ContinueAsNew(low(value), line)
            case ir.Reraise() | ir.Break() | ir.Continue() | ir.Race():
                new = step
            case ir.If(test, body, orelse):
                new = ir.If(self.test(test, pre, line), self.block(body), self.block(orelse), line)
            case ir.While(test, body):
                test = self.test(test, pre, line)
                if pre:  # computed before every test: while True, the test first
                    stop = ir.If(ir.Not(test), (ir.Break(line),), (), line)
                    body = (*pre, stop, *body)
                    pre.clear()
                    test = ir.Const(True)
                new = ir.While(test, self.block(body), line)
            case ir.ForEach(var, source, body):
                new = ir.ForEach(var, low(source), self.block(body), line)
            case ir.Try(body, handler, error_var):
                new = ir.Try(self.block(body), self.block(handler), error_var, line)
            case _:
                assert_never(step)
        return [*pre, new]

    def total(self, e: ir.Expr) -> bool:
        """Whether ``e`` is computed without an error whatever the values. Workflows' ``if()``
        may compute both its arguments (workflows-emulator does; Google's documentation does
        not say), so ``x if c else y`` is an ``if()`` only when both branches are total; a
        branch that may fail where Python never computes it (``total / n if n else 0``,
        ``items[0] if items else None``, ``x + 1 if x is not None else 0``) is a switch."""
        match e:
            case ir.Const() | ir.Var():
                return True
            case ir.ListLit(items):
                return all(self.total(i) for i in items)
            case ir.Compare("==" | "!=", left, right):
                return self.total(left) and self.total(right)
            case ir.BinOp("+" | "-" | "*", left, right):
                kinds = {expr_kind(left, self.env), expr_kind(right, self.env)}
                return kinds == {"num"} and self.total(left) and self.total(right)
            case ir.Neg(value):
                return expr_kind(value, self.env) == "num" and self.total(value)
        return False

    def test(self, e: ir.Expr, pre: list[ir.Step], line: int) -> ir.Expr:
        """A condition: an and / or there is read for its truth only (the emitter tests each
        operand), not for the operand it returns."""
        match e:
            case ir.BoolOp(op, values):  # later operands may never be computed
                return ir.BoolOp(op, (self.test(values[0], pre, line), *values[1:]))
            case ir.Not(value):
                return ir.Not(self.test(value, pre, line))
        return self.expr(e, pre, line)

    def expr(self, e: ir.Expr, pre: list[ir.Step], line: int) -> ir.Expr:
        match e:
            case ir.BoolOp(op, values) if {expr_kind(v, self.env) for v in values} != {"bool"}:
                return self.pick(op, values, pre, line)
            case ir.BoolOp(op, values):  # later operands may never be computed
                return ir.BoolOp(op, (self.expr(values[0], pre, line), *values[1:]))
            case ir.IfExp(test, then, orelse):
                test = self.expr(test, pre, line)
                then_pre: list[ir.Step] = []
                else_pre: list[ir.Step] = []
                then_v, else_v = self.expr(then, then_pre, line), self.expr(orelse, else_pre, line)
                if not then_pre and not else_pre and self.total(then) and self.total(orelse):
                    return ir.IfExp(test, then, orelse)
                # a branch needs steps or may fail: only the chosen one runs
                t = self.fresh("either")
                then_steps = (*then_pre, ir.Assign(t, then_v, line))
                else_steps = (*else_pre, ir.Assign(t, else_v, line))
                pre.append(ir.If(test, then_steps, else_steps, line))
                return ir.Var(t)
            case ir.BinOp("+", left, right) if "list" in (
                expr_kind(left, self.env),
                expr_kind(right, self.env),
            ) and not isinstance(right, ir.ListLit):
                return self.extend(
                    self.expr(left, pre, line), self.expr(right, pre, line), pre, line
                )
            case ir.Builtin("min_by" | "max_by" as name, (items, ir.Lambda() as key)):
                return self.extreme(name, self.expr(items, pre, line), key, pre, line)
            case ir.Builtin("sorted_by", (items, ir.Lambda() as key, ir.Const(bool(reverse)))):
                return self.sort(self.expr(items, pre, line), reverse, pre, line, key)
            case ir.Comprehension():
                return self.loop(e, "list", pre, line)
            case ir.Merge(parts):  # a dict literal in an expression: a variable first
                merged: list[ir.Expr] = []
                for part in parts:
                    part = self.expr(part, pre, line)
                    if isinstance(part, ir.DictLit):
                        t = self.fresh("dict")
                        pre.append(ir.Assign(t, part, line))
                        part = ir.Var(t)
                    merged.append(part)
                return ir.Merge(tuple(merged))
            case ir.Builtin(name, (arg,)) if name in _FOLDS:
                items = arg if isinstance(arg, ir.Comprehension) else self.expr(arg, pre, line)
                return self.loop(items, name, pre, line)
            case ir.Builtin("sorted", (arg, ir.Const(bool(reverse)))):
                return self.sort(self.expr(arg, pre, line), reverse, pre, line)
            case ir.Builtin("round", (value, *digits)) if _digits(digits) is not None:
                return self.round(self.expr(value, pre, line), digits, pre, line)
            case ir.BinOp("+", left, ir.ListLit(items)) if any(
                isinstance(i, ir.DictLit | ir.Merge) for i in items
            ):  # a map in an expression: a variable first
                named = tuple(
                    self.named(self.expr(i, pre, line), pre, line)
                    if isinstance(i, ir.DictLit | ir.Merge)
                    else self.expr(i, pre, line)
                    for i in items
                )
                return ir.BinOp("+", self.expr(left, pre, line), ir.ListLit(named))
            case ir.Builtin(
                "enumerate"
                | "items"
                | "values"
                | "zip"
                | "distinct"
                | "set_item"
                | "without"
                | "slice"
                | "dict"
                | "insert"
                | "index"
                | "count" as name,
                args,
            ) if self.collects(name, args):
                lowered = tuple(self.expr(a, pre, line) for a in args)
                return self.collection(name, lowered, pre, line)
            case ir.Builtin("format" | "title" | "json_dumps" as name, (value, *spec)):  # helpers
                t = self.fresh(name)
                called = ir.Builtin(name, (self.expr(value, pre, line), *spec))
                pre.append(ir.Assign(t, called, line))
                return ir.Var(t)
            case ir.Builtin("join", (sep, items)):
                return self.join(self.expr(sep, pre, line), self.expr(items, pre, line), pre, line)
        if isinstance(e, ir.ListLit | ir.DictLit):  # YAML structures where they stand
            return ir.map_children(e, lambda child: self.expr(child, pre, line))
        return ir.map_children(e, lambda child: self.operand(child, pre, line))

    def operand(self, e: ir.Expr, pre: list[ir.Step], line: int) -> ir.Expr:
        """An operand of an expression: a map literal there is a variable first (a map has no
        literal form inside a Workflows expression)."""
        lowered = self.expr(e, pre, line)
        if isinstance(lowered, ir.DictLit):
            return self.named(lowered, pre, line)
        return lowered

    def pick(self, op: str, values: tuple[ir.Expr, ...], pre: list[ir.Step], line: int) -> ir.Var:
        """Python's ``a or b`` / ``a and b`` on values that are not all booleans: the operand
        it returns, each later operand computed only when Python computes it."""
        t = ir.Var(self.fresh("pick"))
        pre.append(ir.Assign(t.name, self.expr(values[0], pre, line), line))
        for value in values[1:]:
            inner: list[ir.Step] = []
            then = (*inner, ir.Assign(t.name, self.expr(value, inner, line), line))
            go_on = t if op == "and" else ir.Not(t)
            pre.append(ir.If(go_on, then, (), line))
        return t

    def round(self, value: ir.Expr, digits: list[ir.Expr], pre: list[ir.Step], line: int) -> ir.Var:
        """``round(x[, n])`` as Python gives it: half to even on the exact binary value of
        ``x * 10**n``. The product's rounding error ``e`` is computed exactly (Dekker's
        product, doubles only); it decides only a product that lands on a half. An int stays
        itself (Python's ``round`` of an int)."""
        scale = 10 ** (_digits(digits) or 0)
        ph, pl = _split(float(scale))
        v, t = self.fresh("round_v"), self.fresh("round")
        x, y, f, c, xh, xl, e, d, up = (self.fresh(f"r{k}_") for k in "xyfchlEdu")
        steps = [
            (v, None),
            (x, f"double({v})"),
            (y, f"{x} * {scale}"),
            (f, f"math.floor({y})"),
            (c, f"134217729 * {x}"),
            (xh, f"{c} - ({c} - {x})"),
            (xl, f"{x} - {xh}"),
            (e, f"(({xh} * {ph!r} - {y}) + {xh} * {pl!r} + {xl} * {ph!r}) + {xl} * {pl!r}"),
            (d, f"{y} - {f}"),
            (
                up,
                f"if({d} > 0.5 or ({d} == 0.5 and ({e} > 0 or ({e} == 0 and {f} % 2 != 0))), 1, 0)",
            ),
        ]
        for name, text in steps:
            pre.append(ir.Assign(name, value if text is None else ir.Native(text, "num"), line))
        result = f"({f} + {up}) / {scale}" if digits else f"{f} + {up}"
        pre.append(
            ir.Assign(t, ir.Native(f'if(get_type({v}) == "int", {v}, {result})', "num"), line)
        )
        return ir.Var(t)

    def named(self, e: ir.Expr, pre: list[ir.Step], line: int) -> ir.Expr:
        """``e`` itself when reading it twice costs nothing, else a temporary holding it."""
        if isinstance(e, ir.Var | ir.Const):
            return e
        t = self.fresh("v")
        pre.append(ir.Assign(t, e, line))
        return ir.Var(t)

    def collects(self, name: str, args: tuple[ir.Expr, ...]) -> bool:
        """Whether :meth:`collection` builds this (else the emitter refuses it, named)."""
        match name, args:
            case "slice", (_, _, _, step):
                return step in (ir.Const(None), ir.Const(1))
            case "without", (container, _):
                return expr_kind(container, self.env) in ("dict", "list")
            case "dict", (_,):
                return True
            case "dict", _:
                return False
            case "count", (container, _):
                return expr_kind(container, self.env) != "str"
        return True

    def collection(
        self, name: str, args: tuple[ir.Expr, ...], pre: list[ir.Step], line: int
    ) -> ir.Var:
        """A list or dict built by a loop: ``enumerate``, ``d.items()``, ``d.values()``,
        ``zip``, a set's items, a copy with an item set or removed, a slice, ``dict(...)``."""
        t = ir.Var(self.fresh(name))
        v, i = ir.Var(self.fresh("item")), ir.Var(self.fresh("i"))

        def put(target: str, value: ir.Expr) -> ir.Assign:
            return ir.Assign(target, value, line)

        def grow(item: ir.Expr) -> ir.Assign:
            return put(t.name, ir.BinOp("+", t, ir.ListLit((item,))))

        def each(source: ir.Expr, *body: ir.Step, var: ir.Var = v) -> ir.ForEach:
            return ir.ForEach(var.name, source, tuple(body), line)

        one = ir.Const(1)
        match name, args:
            case "enumerate", (items, start):
                pre += [put(t.name, ir.ListLit(())), put(i.name, start)]
                pre.append(
                    each(items, grow(ir.ListLit((i, v))), put(i.name, ir.BinOp("+", i, one)))
                )
            case "items" | "values", (d,):
                d = self.named(d, pre, line)
                item = ir.ListLit((v, ir.Index(d, v))) if name == "items" else ir.Index(d, v)
                pre += [put(t.name, ir.ListLit(())), each(ir.Builtin("keys", (d,)), grow(item))]
            case "zip", lists:
                lists = tuple(self.named(a, pre, line) for a in lists)
                size = f"len({_text(lists[0])})"
                for other in lists[1:]:
                    size = f"math.min({size}, len({_text(other)}))"
                row = ir.ListLit(tuple(ir.Index(a, i) for a in lists))
                count = ir.Builtin("range", (ir.Native(size, "num"),))
                pre += [put(t.name, ir.ListLit(())), each(count, grow(row), var=i)]
            case "distinct", (items,):
                new = ir.If(ir.Compare("not in", v, t), (grow(v),), (), line)
                pre += [put(t.name, ir.ListLit(())), each(items, new)]
            case "set_item", (container, key, value):
                key = self.named(key, pre, line)
                pre += [put(t.name, container), put(_item(t, key), value)]
            case "without", (container, key):
                container, key = self.named(container, pre, line), self.named(key, pre, line)
                if expr_kind(container, self.env) == "dict":
                    keep = ir.If(
                        ir.Compare("!=", v, key),
                        (put(_item(t, v), ir.Index(container, v)),),
                        (),
                        line,
                    )
                    pre += [
                        put(t.name, ir.DictLit(())),
                        each(ir.Builtin("keys", (container,)), keep),
                    ]
                else:
                    at = ir.Var(self.fresh("at"))
                    where = ir.IfExp(
                        ir.Compare("<", key, ir.Const(0)),
                        ir.BinOp("+", ir.Builtin("len", (container,)), key),
                        key,
                    )
                    keep = ir.If(ir.Compare("!=", i, at), (grow(v),), (), line)
                    pre += [
                        put(t.name, ir.ListLit(())),
                        put(i.name, ir.Const(0)),
                        put(at.name, where),
                    ]
                    pre.append(each(container, keep, put(i.name, ir.BinOp("+", i, one))))
            case "slice", (value, start, stop, _):
                value = self.named(value, pre, line)
                n = ir.Builtin("len", (value,))
                lo = ir.Var(self.fresh("lo"))
                hi = ir.Var(self.fresh("hi"))
                pre += _bound(lo.name, start, ir.Const(0), n, line)
                pre += _bound(hi.name, stop, n, n, line)
                text = f"text.substring({_text(value)}, {lo.name}, math.max({hi.name}, {lo.name}))"
                as_text = put(t.name, ir.Native(text, "str"))
                as_list = (
                    put(t.name, ir.ListLit(())),
                    each(ir.Builtin("range", (lo, hi)), grow(ir.Index(value, i)), var=i),
                )
                kind = expr_kind(value, self.env)
                if kind == "str":
                    pre.append(as_text)
                elif kind == "list":
                    pre += as_list
                else:
                    is_text = ir.Native(f'get_type({_text(value)}) == "string"', "bool")
                    pre.append(ir.If(is_text, (as_text,), as_list, line))
            case "dict", (source,):
                source = self.named(source, pre, line)
                k = ir.Var(self.fresh("key"))
                pair = (
                    put(k.name, ir.Index(v, ir.Const(0))),
                    put(_item(t, k), ir.Index(v, one)),
                )
                pairs = (put(t.name, ir.DictLit(())), each(source, *pair))
                kind = expr_kind(source, self.env)
                if kind == "dict":
                    pre.append(put(t.name, source))
                elif kind == "list":
                    pre += pairs
                else:  # a copy of a map, or the map of a list of pairs
                    is_map = ir.Native(f'get_type({_text(source)}) == "map"', "bool")
                    pre.append(ir.If(is_map, (put(t.name, source),), pairs, line))
            case "insert", (items, position, value):  # Python's: from the end if < 0, clipped
                items = self.named(items, pre, line)
                position = self.named(position, pre, line)
                n = ir.Builtin("len", (items,))
                spot = ir.Var(self.fresh("at"))
                new = ir.If(ir.Compare("==", i, spot), (grow(value),), (), line)
                pre += [
                    put(t.name, ir.ListLit(())),
                    put(i.name, ir.Const(0)),
                    *_bound(spot.name, position, ir.Const(0), n, line),
                    each(items, new, grow(v), put(i.name, ir.BinOp("+", i, one))),
                    ir.If(ir.Compare(">=", spot, n), (grow(value),), (), line),
                ]
            case "index", (items, wanted):
                wanted = self.named(wanted, pre, line)
                found = ir.BoolOp(
                    "and", (ir.Compare("is", t, ir.Const(None)), ir.Compare("==", v, wanted))
                )
                w = _text(wanted)
                shown = ir.Native(
                    f'if(get_type({w}) == "string", "\'" + {w} + "\'", json.encode_to_string({w}))',
                    "str",
                )
                missing = ir.Raise(
                    "ValueError", ir.Concat((shown, ir.Const(" is not in list"))), line
                )
                pre += [
                    put(t.name, ir.Const(None)),
                    put(i.name, ir.Const(0)),
                    each(
                        items,
                        ir.If(found, (put(t.name, i),), (), line),
                        put(i.name, ir.BinOp("+", i, one)),
                    ),
                    ir.If(ir.Compare("is", t, ir.Const(None)), (missing,), (), line),
                ]
            case "count", (items, wanted):
                items, wanted = self.named(items, pre, line), self.named(wanted, pre, line)
                plus = put(t.name, ir.BinOp("+", t, one))
                in_list = (
                    put(t.name, ir.Const(0)),
                    each(items, ir.If(ir.Compare("==", v, wanted), (plus,), (), line)),
                )
                if expr_kind(items, self.env) == "list":
                    pre += in_list
                else:  # a text's count or a list's, by the value's type
                    is_text = ir.Native(f'get_type({_text(items)}) == "string"', "bool")
                    in_text = put(t.name, ir.Native(_text_count(items, wanted), "num"))
                    pre.append(ir.If(is_text, (in_text,), in_list, line))
            case _:
                raise AssertionError(name)
        return t

    def loop(self, items: ir.Expr, fold: str, pre: list[ir.Step], line: int) -> ir.Var:
        """A temporary variable holding ``fold`` of the list ``items``, and the steps that
        compute it (appended to ``pre``)."""
        t = ir.Var(self.fresh(fold))
        v = self.fresh("item")
        if isinstance(items, ir.Comprehension):
            rename: dict[str, ir.Expr] = {items.var: ir.Var(v)}
            source = self.expr(items.source, pre, line)
            element = ir.substitute(items.element, rename)
            cond = None if items.cond is None else ir.substitute(items.cond, rename)
        else:
            source, element, cond = items, ir.Var(v), None
        inner: list[ir.Step] = []
        element = self.expr(element, inner, line)

        def put(value: ir.Expr) -> ir.Assign:
            return ir.Assign(t.name, value, line)

        start: ir.Expr
        match fold:
            case "list" | "reversed":
                start = ir.ListLit(())
                grown = (
                    ir.BinOp("+", t, ir.ListLit((element,)))
                    if fold == "list"
                    else ir.Native(f"list.prepend({t.name}, {v})", "list")
                )
                body: tuple[ir.Step, ...] = (put(grown),)
            case "sum":
                start, body = ir.Const(0), (put(ir.BinOp("+", t, element)),)
            case "any":
                start, body = ir.Const(False), (ir.If(element, (put(ir.Const(True)),), (), line),)
            case "all":
                start = ir.Const(True)
                body = (ir.If(ir.Not(element), (put(ir.Const(False)),), (), line),)
            case _:  # min / max: the first of the smallest / largest, as Python keeps
                start = ir.Const(None)
                better = ir.Compare("<" if fold == "min" else ">", element, t)
                first = ir.Compare("is", t, ir.Const(None))
                body = (
                    ir.If(
                        first, (put(element),), (ir.If(better, (put(element),), (), line),), line
                    ),
                )
        body = (*inner, *body)
        if cond is not None:
            cond_pre: list[ir.Step] = []
            cond = self.expr(cond, cond_pre, line)
            body = (*cond_pre, ir.If(cond, body, (), line))
        pre += [put(start), ir.ForEach(v, source, body, line)]
        if fold in ("min", "max"):
            empty = ir.Raise("ValueError", ir.Const(_empty_message(fold)), line)
            pre.append(ir.If(ir.Compare("is", t, ir.Const(None)), (empty,), (), line))
        return t

    def extend(self, left: ir.Expr, right: ir.Expr, pre: list[ir.Step], line: int) -> ir.Var:
        """``a + b`` of two lists: ``a``'s items, then each of ``b``'s appended."""
        t, v = ir.Var(self.fresh("joined")), ir.Var(self.fresh("item"))
        grow = ir.Assign(t.name, ir.BinOp("+", t, ir.ListLit((v,))), line)
        pre += [ir.Assign(t.name, left, line), ir.ForEach(v.name, right, (grow,), line)]
        return t

    def extreme(
        self, name: str, items: ir.Expr, key: ir.Lambda, pre: list[ir.Step], line: int
    ) -> ir.Var:
        """``min(items, key=f)`` / ``max``: the first item whose key is smallest / largest."""
        t, best, v = ir.Var(self.fresh(name)), ir.Var(self.fresh("key")), ir.Var(self.fresh("item"))
        first, k = ir.Var(self.fresh("first")), ir.Var(self.fresh("k"))
        inner: list[ir.Step] = []
        value = self.expr(ir.substitute(key.body, {key.var: v}), inner, line)
        better = ir.Compare("<" if name == "min_by" else ">", k, best)
        take = (
            ir.Assign(t.name, v, line),
            ir.Assign(best.name, k, line),
            ir.Assign(first.name, ir.Const(False), line),
        )
        body = (
            *inner,
            ir.Assign(k.name, value, line),
            ir.If(ir.BoolOp("or", (first, better)), take, (), line),
        )
        pre += [
            ir.Assign(t.name, ir.Const(None), line),
            ir.Assign(best.name, ir.Const(None), line),
            ir.Assign(first.name, ir.Const(True), line),
            ir.ForEach(v.name, items, body, line),
        ]
        empty = ir.Raise("ValueError", ir.Const(_empty_message(name[:3])), line)
        pre.append(ir.If(first, (empty,), (), line))
        return t

    def sort(
        self,
        items: ir.Expr,
        reverse: bool,
        pre: list[ir.Step],
        line: int,
        key: ir.Lambda | None = None,
    ) -> ir.Var:
        """``sorted(items[, key=f])`` by insertion, stable as Python's: each item goes before
        the first placed one it sorts before (after those equal to it)."""
        t = ir.Var(self.fresh("sorted"))
        v, y, placed, grown = ir.Var(self.fresh("item")), self.fresh("item"), "__placed", "__grown"

        def put(name: str, value: ir.Expr) -> ir.Assign:
            return ir.Assign(name, value, line)

        def append(name: str, value: ir.Expr) -> ir.Assign:
            return put(name, ir.BinOp("+", ir.Var(name), ir.ListLit((value,))))

        kv: ir.Expr = v
        ky: ir.Expr = ir.Var(y)
        if key is not None:  # keys of pure expressions: computed again where compared
            kv, ky = (ir.substitute(key.body, {key.var: x}) for x in (v, ir.Var(y)))
        before = ir.Compare(">" if reverse else "<", kv, ky)
        scan = ir.ForEach(
            y,
            t,
            (
                ir.If(
                    ir.BoolOp("and", (ir.Not(ir.Var(placed)), before)),
                    (append(grown, v), put(placed, ir.Const(True))),
                    (),
                    line,
                ),
                append(grown, ir.Var(y)),
            ),
            line,
        )
        insert = (
            put(grown, ir.ListLit(())),
            put(placed, ir.Const(False)),
            scan,
            ir.If(ir.Not(ir.Var(placed)), (append(grown, v),), (), line),
            put(t.name, ir.Var(grown)),
        )
        pre += [put(t.name, ir.ListLit(())), ir.ForEach(v.name, items, insert, line)]
        return t

    def join(self, sep: ir.Expr, items: ir.Expr, pre: list[ir.Step], line: int) -> ir.Var:
        """``sep.join(items)``: each item added to text (``"" + item`` fails for a non-string
        item, as Python's join does)."""
        t, first, v = ir.Var(self.fresh("join")), self.fresh("first"), ir.Var(self.fresh("item"))
        then = (
            ir.Assign(t.name, ir.BinOp("+", ir.Const(""), v), line),
            ir.Assign(first, ir.Const(False), line),
        )
        after = (ir.Assign(t.name, ir.BinOp("+", ir.BinOp("+", t, sep), v), line),)
        pre += [
            ir.Assign(t.name, ir.Const(""), line),
            ir.Assign(first, ir.Const(True), line),
            ir.ForEach(v.name, items, (ir.If(ir.Var(first), then, after, line),), line),
        ]
        return t


def _split(a: float) -> tuple[float, float]:
    """Dekker's split of a double into two halves of 26 bits (their sum is ``a``)."""
    c = 134217729.0 * a
    hi = c - (c - a)
    return hi, a - hi


def _digits(digits: list[ir.Expr]) -> int | None:
    """``round``'s ndigits when Workflows can take it: none (0), or a literal 0..15."""
    n = ir.fold(digits[0]) if digits else 0
    ok = isinstance(n, int) and not isinstance(n, bool) and 0 <= n <= 15
    return n if ok else None


def _text(e: ir.Expr) -> str:
    """A named value (a variable or a constant) in Workflows' expression text."""
    if isinstance(e, ir.Var):
        return var_name(e.name)
    assert isinstance(e, ir.Const)
    return json.dumps(e.value)


def _item(t: ir.Var, key: ir.Expr) -> str:
    """The assignment target ``t[key]`` (a list index counted from the end made positive)."""
    if isinstance(key, ir.Const) and isinstance(key.value, int) and key.value < 0:
        return f"{t.name}[len({t.name}) - {-key.value}]"
    return f"{t.name}[{_text(key)}]"


def _bound(target: str, b: ir.Expr, default: ir.Expr, n: ir.Expr, line: int) -> list[ir.Step]:
    """Steps setting ``target`` to a slice bound as Python reads it (None: the default;
    negative: from the end; clipped to 0..len), each test only where it applies (Workflows'
    ``if()`` would compute every branch)."""
    if b == ir.Const(None):
        return [ir.Assign(target, default, line)]
    from_end = ir.Assign(target, ir.Builtin("max", (ir.BinOp("+", n, b), ir.Const(0))), line)
    from_start = ir.Assign(target, ir.Builtin("min", (b, n)), line)
    sign = ir.If(ir.Compare("<", b, ir.Const(0)), (from_end,), (from_start,), line)
    if isinstance(b, ir.Const):
        return [sign]
    given = ir.Compare("is not", b, ir.Const(None))
    return [ir.Assign(target, default, line), ir.If(given, (sign,), (), line)]


def _text_count(text: ir.Expr, part: ir.Expr) -> str:
    """``text.count(part)``: non-overlapping occurrences, as splitting finds them."""
    return f"len(text.split({_text(text)}, {_text(part)})) - 1"
