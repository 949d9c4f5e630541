"""Python builtins and methods (``ir.Builtin``) as JSONata, Python's meaning kept; the
longer forms are in :mod:`.jsonata_lib`."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import assert_never

from faas_iac.translate import ir
from faas_iac.translate.formats import FormatSpec, parse_spec

from . import jsonata_json
from . import jsonata_lib as lib
from .json_numbers import FLOAT


def _empty(name: str) -> str:
    """Python's error text for ``min([])`` / ``max([])``."""
    try:
        (min if name == "min" else max)([])
    except ValueError as exc:
        return json.dumps(f"ValueError: {exc}")
    raise AssertionError("unreachable")  # pragma: no cover


#: Builtins whose first argument is iterated (a dict gives its keys, a string its characters).
_ITERATES = {"any", "all", "sorted", "enumerate", "distinct", "reversed"}


class BuiltinRenderer:
    """Mixin of :class:`~.jsonata.Renderer`."""

    render: Callable[[ir.Expr], str]
    kind: Callable[[ir.Expr], str | None]
    _tmp: Callable[[], str]
    truthy: Callable[[ir.Expr], str]
    atom: Callable[[ir.Expr], str]
    item: Callable[[ir.Expr], str]
    _element_kind: Callable[[ir.Expr], str | None]
    seq: Callable[[ir.Expr], str]

    def _key(self, fn: ir.Expr) -> lib.Key:
        assert isinstance(fn, ir.Lambda)

        def parts(x: str) -> list[str]:
            body = ir.substitute(fn.body, {fn.var: ir.Native(x)})
            items = body.items if isinstance(body, ir.ListLit) else (body,)
            return [self.render(i) for i in items]

        return lib.Key(parts)

    def _Builtin(self, e: ir.Builtin) -> str:
        if e.name in ("min_by", "max_by", "sorted_by"):
            args = [self.seq(e.args[0])]
        elif e.name in _ITERATES or (e.name in ("min", "max") and len(e.args) == 1):
            args = [self.seq(a) for a in e.args[:1]] + [self.render(a) for a in e.args[1:]]
        elif e.name == "zip":
            args = [self.seq(a) for a in e.args]
        else:
            args = [self.render(a) for a in e.args]
        tmp = self._tmp
        match e.name:
            case "len":
                k = self.kind(e.args[0])
                if k == "str":
                    return f"$length({args[0]})"
                if k == "list":
                    return f"$count({args[0]})"
                t = self._tmp()
                return (
                    f'({t} := {args[0]}; $type({t}) = "string" ? $length({t}) : '
                    f'$type({t}) = "object" ? $count($keys({t})) : $type({t}) = "array" ? '
                    f'$count({t}) : $error("TypeError: object of type " & $type({t}) & '
                    '" has no len()"))'
                )
            case "str":
                if self.kind(e.args[0]) == "str":
                    return args[0]
                t = self._tmp()
                return (
                    f'({t} := {args[0]}; $type({t}) = "boolean" ? ({t} ? "True" : "False") : '
                    f'$type({t}) = "null" ? "None" : $string({t}))'
                )
            case "int":
                t = self._tmp()
                return (
                    f'({t} := {args[0]}; {t} := $type({t}) = "string" ? $number({t}) : {t}; '
                    f"{t} < 0 ? $ceil({t}) : $floor({t}))"
                )
            case "float":
                return f"$number({args[0]})"
            case "bool":
                return self.truthy(e.args[0])
            case "abs" | "sum":
                return f"${e.name}({args[0]})"
            case "min" | "max":
                if len(args) > 1:
                    return f"${e.name}([{', '.join(args)}])"
                t = tmp()
                return (
                    f"({t} := $append([], {args[0]}); $count({t}) = 0 ? "
                    f"$error({_empty(e.name)}) : ${e.name}({t}))"
                )
            case "range":
                return self._range(e.args, args)
            case "round":
                digits = e.args[1] if len(e.args) > 1 else None
                if (
                    isinstance(digits, ir.Const)
                    and isinstance(digits.value, int)
                    and digits.value >= 0
                ):
                    x = tmp()  # half to even on the float's exact value, as Python's round
                    text = lib.fixed(f"$abs({x})", digits.value, tmp)
                    return f"({x} := {args[0]}; ({x} < 0 ? -1 : 1) * $number({text}))"
                return f"$round({', '.join(args)})"
            case "get":
                default = args[2] if len(args) > 2 else "null"
                t = self._tmp()
                return f"({t} := $lookup({args[0]}, {args[1]}); $exists({t}) ? {t} : {default})"
            case "keys":
                return f"$append([], $keys({args[0]}))"
            case "values":
                return lib.values(args[0], tmp)
            case "items":
                return lib.items(args[0], tmp)
            case "upper":
                return f"$uppercase({args[0]})"
            case "lower":
                return f"$lowercase({args[0]})"
            case "strip":
                return f'$replace({args[0]}, /^\\s+|\\s+$/, "")'
            case "lstrip":
                return f'$replace({args[0]}, /^\\s+/, "")'
            case "rstrip":
                return f'$replace({args[0]}, /\\s+$/, "")'
            case "any" | "all":
                v = self._tmp()
                test = self.truthy(ir.Native(v, self._element_kind(e.args[0])))
                if e.name == "any":
                    return f"$count($filter({args[0]}, function({v}) {{ {test} }})) > 0"
                return f"$count($filter({args[0]}, function({v}) {{ $not({test}) }})) = 0"
            case "sorted":
                reverse = e.args[1] == ir.Const(True)
                if not reverse:
                    return f"$sort($append([], {args[0]}))"
                a, b = self._tmp(), self._tmp()
                return f"$sort($append([], {args[0]}), function({a}, {b}) {{ {a} < {b} }})"
            case "sorted_by":
                reverse = e.args[2] == ir.Const(True)
                return lib.sort_by(args[0], self._key(e.args[1]), reverse, tmp)
            case "min_by" | "max_by":
                name = e.name.removesuffix("_by")
                empty = _empty(name)
                return lib.best(args[0], self._key(e.args[1]), name == "max", tmp, empty)
            case "reversed":
                return f"$reverse($append([], {args[0]}))"
            case "list":
                return self._list(e.args[0], args[0])
            case "enumerate":
                return lib.enumerate_(args[0], args[1], tmp)
            case "zip":
                return lib.zip_(args)
            case "dict":
                return lib.to_dict(args[0], self.kind(e.args[0]), tmp)
            case "distinct":
                return f"$append([], $distinct({args[0]}))"
            case "set_item":
                return lib.set_item(args[0], args[1], args[2], self.kind(e.args[0]), tmp)
            case "without":
                return lib.without(args[0], args[1], self.kind(e.args[0]), tmp)
            case "slice":
                return lib.slice_(args[0], args[1], args[2], args[3], self.kind(e.args[0]), tmp)
            case "insert":
                return lib.insert(args[0], args[1], args[2], tmp)
            case "index":
                return lib.index(args[0], args[1], tmp)
            case "count":
                return lib.count(args[0], args[1], tmp)
            case "isinstance":
                assert isinstance(e.args[1], ir.Const)
                types = json.dumps([lib.TYPES[k] for k in e.args[1].value])
                return f"$type({args[0]}) in {types}"
            case "startswith":
                t = self._tmp()
                return f"({t} := {args[1]}; $substring({args[0]}, 0, $length({t})) = {t})"
            case "endswith":
                s, t = self._tmp(), self._tmp()
                return (
                    f"({s} := {args[0]}; {t} := {args[1]}; $length({t}) = 0 or "
                    f"$substring({s}, -$length({t})) = {t})"
                )
            case "replace":
                return f"$replace({args[0]}, {args[1]}, {args[2]})"
            case "split":
                if len(args) == 2:
                    return f"$append([], $split({args[0]}, {args[1]}))"
                t = self._tmp()  # runs of whitespace, none at the ends (JSONata's $trim)
                return f'({t} := $trim({args[0]}); {t} = "" ? [] : $append([], $split({t}, " ")))'
            case "join":
                return f"$join({args[1]}, {args[0]})"
            case "title":
                return lib.title(args[0], tmp)
            case "capitalize":
                return lib.capitalize(args[0], tmp)
            case "zfill":
                return lib.zfill(args[0], args[1], tmp)
            case "format":
                assert isinstance(e.args[1], ir.Const)
                return self._format(e.args[0], parse_spec(e.args[1].value))
            case "error_text":
                return f"{self.atom(e.args[0])}.text"
            case "json_loads":
                return f"$parse({args[0]})"
            case "json_dumps":
                assert isinstance(e.args[1], ir.Const)
                if e.args[2:] == (FLOAT,):  # a float (see .json_numbers)
                    return jsonata_json.float_text(args[0], tmp)
                return jsonata_json.dumps(args[0], bool(e.args[1].value), tmp)
            case "now":
                return "($toMillis($states.context.State.EnteredTime) / 1000)"
            case "uuid":
                return "$uuid()"
            case "instance_id" | "parent_instance_id":
                raise AssertionError("the ASL builder rewrites the context's own values")
            case _:
                assert_never(e.name)

    def _range(self, exprs: tuple[ir.Expr, ...], args: list[str]) -> str:
        if len(args) < 3:
            start, stop = ("0", args[0]) if len(args) == 1 else (args[0], args[1])
            a, b = self._tmp(), self._tmp()
            return f"({a} := {start}; {b} := {stop}; {b} > {a} ? [{a}..{b} - 1] : [])"
        a, b, s, n = (self._tmp() for _ in range(4))
        return (
            f"({a} := {args[0]}; {b} := {args[1]}; {s} := {args[2]}; "
            f'{s} = 0 ? $error("ValueError: range() arg 3 must not be zero") : '
            f"({n} := {s} > 0 ? $ceil(({b} - {a}) / {s}) : $ceil(({a} - {b}) / -{s}); "
            f"{n} > 0 ? $append([], $map([0..{n} - 1], function($j) {{ {a} + $j * {s} }})) : []))"
        )

    def _list(self, e: ir.Expr, arg: str) -> str:
        k = self.kind(e)
        if k == "list":
            return f"$append([], {arg})"
        if k == "dict":
            return f"$append([], $keys({arg}))"
        if k == "str":
            return f'$append([], $split({arg}, ""))'
        t = self._tmp()
        return (
            f'({t} := {arg}; $type({t}) = "object" ? $append([], $keys({t})) : '
            f'$type({t}) = "string" ? $append([], $split({t}, "")) : $append([], {t}))'
        )

    def _format(self, value: ir.Expr, spec: FormatSpec) -> str:
        """``format(value, spec)``: text padded; numbers signed, rounded, grouped."""
        v = self._tmp()
        kind = self.kind(value)
        text = self._format_text(v, spec)
        number = self._format_number(v, spec)
        if spec.type == "s" or (not spec.numeric and kind == "str"):
            body = text
        elif spec.numeric or kind in ("num", "bool"):
            body = number
        else:
            body = f'$type({v}) = "string" ? {text} : {number}'
        return f"({v} := {self.render(value)}; {body})"

    def _format_text(self, v: str, spec: FormatSpec) -> str:
        t = v if spec.precision is None else f"$substring({v}, 0, {spec.precision})"
        return lib.pad(t, spec.width, spec.padding, spec.align_for(True), '""', self._tmp)

    def _format_number(self, v: str, spec: FormatSpec) -> str:
        a, t, i = self._tmp(), self._tmp(), self._tmp()
        match spec.type:
            case "d":
                digits = f'$formatNumber({a}, "0")'
            case "f" | "F":
                digits = lib.fixed(a, 6 if spec.precision is None else spec.precision, self._tmp)
            case "%":
                digits = lib.fixed(
                    f"{a} * 100", 6 if spec.precision is None else spec.precision, self._tmp
                )
            case _:  # str() of the magnitude
                digits = f'($type({a}) = "boolean" ? ({a} ? "True" : "False") : $string({a}))'
        if spec.grouping:
            split = (
                f'({t} := {digits}; {i} := $contains({t}, ".") ? $substringBefore({t}, ".") : {t}; '
                f"{lib.group(i, spec.grouping)} & $substring({t}, $length({i})))"
            )
            digits = split
        if spec.type == "%":
            digits = f'{digits} & "%"'
        neg = f'$type({v}) = "number" and {v} < 0'
        sign = {"+": f'({neg} ? "-" : "+")', " ": f'({neg} ? "-" : " ")'}.get(
            spec.sign, f'({neg} ? "-" : "")'
        )
        magnitude = f'($type({v}) = "boolean" ? {v} : $abs({v}))'
        body = lib.pad(digits, spec.width, spec.padding, spec.align_for(False), sign, self._tmp)
        return f"({a} := {magnitude}; {body})"
