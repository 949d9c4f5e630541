"""Python expressions that Workflows has no expression for, as steps: a comprehension, and
``sum`` / ``any`` / ``all`` / one-argument ``min`` / ``max`` / ``reversed`` of a list become a
``for`` loop filling a temporary variable, run just before the step that reads the value (and
again at the end of a ``while`` body whose test reads it).

An IR → IR rewrite, run before the emitter. Only values computed unconditionally are lowered:
one in the right operand of ``and`` / ``or`` or in a branch of ``x if c else y`` stays where it
is (Python may never compute it), and the emitter refuses it as before.
"""

from __future__ import annotations

import dataclasses
from typing import assert_never

from faas_iac.translate import ir
from faas_iac.translate.kinds import expr_kind, infer

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
                return ir.IfExp(self.expr(test, pre, line), then, orelse)
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
            case ir.Builtin("join", (sep, items)):
                return self.join(self.expr(sep, pre, line), self.expr(items, pre, line), pre, line)
        return ir.map_children(e, lambda child: self.expr(child, pre, line))

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

    def sort(self, items: ir.Expr, reverse: bool, pre: list[ir.Step], line: int) -> ir.Var:
        """``sorted(items)`` by insertion, stable as Python's: each item goes before the first
        placed one it sorts before (after those equal to it)."""
        t = ir.Var(self.fresh("sorted"))
        v, y, placed, grown = ir.Var(self.fresh("item")), self.fresh("item"), "__placed", "__grown"

        def put(name: str, value: ir.Expr) -> ir.Assign:
            return ir.Assign(name, value, line)

        def append(name: str, value: ir.Expr) -> ir.Assign:
            return put(name, ir.BinOp("+", ir.Var(name), ir.ListLit((value,))))

        before = ir.Compare(">" if reverse else "<", v, ir.Var(y))
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
