"""The expression IR → JSONata (Step Functions ``QueryLanguage: JSONata``), keeping Python's
meaning: ``+`` on text is ``&``, on lists ``$append``; ``%`` and ``//`` floor like Python;
truthiness of lists is "non-empty"; comprehensions stay arrays even with one element (JSONata
would collapse a one-element sequence). Where the static type is unknown, the expression
dispatches on ``$type`` at run time instead of guessing.

Known gap: JSON has one number type, so ``str()`` / an f-string of a float with an integral
value (``0.0``) gives ``"0"`` here where Python gives ``"0.0"``; lists whose elements are lists
are flattened by JSONata's array constructor inside comprehensions.
"""

from __future__ import annotations

import json
import re
from typing import assert_never

from faas_iac.translate import ir
from faas_iac.translate.kinds import expr_kind

from . import jsonata_lib as lib
from .jsonata_calls import BuiltinRenderer

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
#: JSONata's built-in functions: a variable with one of these names would hide the function.
_RESERVED = frozenset(
    [
        "states",
        "string",
        "length",
        "substring",
        "substringBefore",
        "substringAfter",
        "uppercase",
        "lowercase",
        "trim",
        "pad",
        "contains",
        "split",
        "join",
        "match",
        "replace",
        "now",
        "millis",
        "fromMillis",
        "toMillis",
        "formatNumber",
        "formatBase",
        "formatInteger",
        "parseInteger",
        "number",
        "abs",
        "floor",
        "ceil",
        "power",
        "sqrt",
        "random",
        "round",
        "sum",
        "max",
        "min",
        "average",
        "count",
        "append",
        "sort",
        "reverse",
        "shuffle",
        "distinct",
        "zip",
        "keys",
        "lookup",
        "spread",
        "merge",
        "sift",
        "each",
        "error",
        "assert",
        "type",
        "boolean",
        "not",
        "exists",
        "map",
        "filter",
        "single",
        "reduce",
        "eval",
        "base64encode",
        "base64decode",
        "encodeUrl",
        "encodeUrlComponent",
        "decodeUrl",
        "decodeUrlComponent",
        "partition",
        "hash",
        "uuid",
        "parse",
    ]
)


def var_name(name: str) -> str:
    """The JSONata variable (without ``$``) that holds the Python variable ``name``."""
    return f"{name}_" if name in _RESERVED else name


class Renderer(BuiltinRenderer):
    """Renders IR expressions as JSONata source."""

    def __init__(self, env: dict[str, str | None] | None = None) -> None:
        self.temps = 0
        self.env = env or {}

    def kind(self, e: ir.Expr) -> str | None:
        return expr_kind(e, self.env)

    def _tmp(self) -> str:
        self.temps += 1
        return f"$t{self.temps}"

    def render(self, e: ir.Expr) -> str:
        match e:
            case ir.Const():
                return self._Const(e)
            case ir.Native():
                return e.text
            case ir.Var():
                return "$" + var_name(e.name)
            case ir.Index():
                return self._Index(e)
            case ir.BinOp():
                return self._BinOp(e)
            case ir.Compare():
                return self._Compare(e)
            case ir.BoolOp():
                return self._BoolOp(e)
            case ir.Not():
                return f"$not({self.truthy(e.value)})"
            case ir.Neg():
                return f"-{self.atom(e.value)}"
            case ir.IfExp():
                return f"({self.truthy(e.test)} ? {self.render(e.then)} : {self.render(e.orelse)})"
            case ir.ListLit():
                return "[" + ", ".join(self.item(i) for i in e.items) + "]"
            case ir.Lambda():
                raise AssertionError("a key function is rendered by the builtin using it")
            case ir.DictLit():
                return (
                    "{" + ", ".join(f"{json.dumps(k)}: {self.render(v)}" for k, v in e.items) + "}"
                )
            case ir.DictOf(key, value):
                return f"{{{self.render(key)}: {self.render(value)}}}"
            case ir.Merge(parts):
                return "$merge([" + ", ".join(self.render(p) for p in parts) + "])"
            case ir.Concat():
                return " & ".join(self._text(p) for p in e.parts) if e.parts else '""'
            case ir.Comprehension():
                return self._Comprehension(e)
            case ir.Builtin():
                return self._Builtin(e)
            case _:
                assert_never(e)

    def atom(self, e: ir.Expr) -> str:
        text = self.render(e)
        if isinstance(e, ir.Var | ir.Const | ir.Index | ir.ListLit | ir.DictLit) or (
            isinstance(e, ir.Native) and _IDENT.match(text.lstrip("$").replace(".", "_"))
        ):
            return text
        if isinstance(e, ir.Builtin) and text.startswith("$") and text.endswith(")"):
            return text
        return f"({text})"

    def truthy(self, e: ir.Expr) -> str:
        k = self.kind(e)
        if k == "bool":
            return self.render(e)
        if k == "num":
            return f"{self.atom(e)} != 0"
        if k == "str":
            return f'{self.atom(e)} != ""'
        if k == "list":
            return f"$count({self.render(e)}) > 0"
        if k == "dict":
            return f"$count($keys({self.render(e)})) > 0"
        t = self._tmp()
        return f'({t} := {self.render(e)}; $type({t}) = "array" ? $count({t}) > 0 : $boolean({t}))'

    def _Const(self, e: ir.Const) -> str:
        return json.dumps(e.value, sort_keys=False, separators=(", ", ": "))

    def _Index(self, e: ir.Index) -> str:
        base = self.atom(e.value)
        key = e.key
        if isinstance(key, ir.Const) and isinstance(key.value, str):
            field = key.value if _IDENT.match(key.value) else f"`{key.value}`"
            return f"{base}.{field}"
        if isinstance(key, ir.Const) and isinstance(key.value, int):
            return self._position(e.value, str(key.value))
        k = self.kind(key)
        if k == "str":
            return f"$lookup({self.render(e.value)}, {self.render(key)})"
        if k == "num":
            return self._position(e.value, self.render(key))
        t = self._tmp()
        return (
            f'({t} := {self.render(key)}; $type({t}) = "string" ? '
            f"$lookup({self.render(e.value)}, {t}) : {self._position(e.value, t)})"
        )

    def _position(self, value: ir.Expr, key: str) -> str:
        """``value[key]`` for a number ``key``: an item of a list, a character of a text
        (JSONata would give the whole text)."""
        match self.kind(value):
            case "list" if isinstance(value, ir.ListLit):
                # `[a, b][0].x` is undefined in JSONata (the predicate joins the path's
                # step); `([a, b])[0].x` is a's x
                return f"({self.render(value)})[{key}]"
            case "list":
                return f"{self.atom(value)}[{key}]"
            case "str":
                return f"$substring({self.render(value)}, {key}, 1)"
        b = self._tmp()
        return (
            f'({b} := {self.render(value)}; $type({b}) = "string" ? $substring({b}, {key}, 1) '
            f": {b}[{key}])"
        )

    def _BinOp(self, e: ir.BinOp) -> str:
        left, right = self.atom(e.left), self.atom(e.right)
        if e.op == "+":
            lk, rk = self.kind(e.left), self.kind(e.right)
            both = {lk, rk} - {None}
            if both == {"str"}:
                return f"{left} & {right}"
            if both == {"list"}:
                return f"$append({self.render(e.left)}, {self.render(e.right)})"
            if both == {"num"}:
                return f"{left} + {right}"
            a, b = self._tmp(), self._tmp()
            return (
                f"({a} := {self.render(e.left)}; {b} := {self.render(e.right)}; "
                f'$type({a}) = "string" ? {a} & {b} : $type({a}) = "array" ? '
                f"$append({a}, {b}) : {a} + {b})"
            )
        if e.op == "//":
            return f"$floor({left} / {right})"
        if e.op == "%":
            b = self._tmp()
            return f"({b} := {right}; ({left} % {b} + {b}) % {b})"
        if e.op == "**":
            return f"$power({self.render(e.left)}, {self.render(e.right)})"
        return f"{left} {e.op} {right}"

    def _Compare(self, e: ir.Compare) -> str:
        left, right = self.atom(e.left), self.atom(e.right)
        if e.op in ("is", "is not") or (
            e.op in ("==", "!=") and ir.Const(None) in (e.left, e.right)
        ):
            other = e.left if e.right == ir.Const(None) else e.right
            t = self._tmp()
            test = f"({t} := {self.render(other)}; $not($exists({t})) or {t} = null)"
            return test if e.op in ("is", "==") else f"$not({test})"
        if e.op in ("in", "not in"):
            rk = self.kind(e.right)
            if rk == "str":
                test = f"$contains({self.render(e.right)}, {self.render(e.left)})"
            elif rk == "dict":
                test = f"{left} in $keys({self.render(e.right)})"
            elif rk == "list":
                test = f"{left} in {right}"
            else:
                r = self._tmp()
                test = (
                    f'({r} := {self.render(e.right)}; $type({r}) = "string" ? '
                    f'$contains({r}, {self.render(e.left)}) : $type({r}) = "object" ? '
                    f"{left} in $keys({r}) : {left} in {r})"
                )
            return test if e.op == "in" else f"$not({test})"
        op = {"==": "=", "!=": "!="}.get(e.op, e.op)
        return f"{left} {op} {right}"

    def _BoolOp(self, e: ir.BoolOp) -> str:
        if all(self.kind(v) == "bool" for v in e.values):
            return f" {e.op} ".join(self.atom(v) for v in e.values)
        # Python returns the deciding operand, not a boolean.
        *first, last = e.values
        text = self.render(last)
        for value in reversed(first):
            t = self._tmp()
            pick = f"{text} : {t}" if e.op == "and" else f"{t} : {text}"
            test = self.truthy(ir.Native(t, self.kind(value)))
            text = f"({t} := {self.render(value)}; {test} ? {pick})"
        return text

    def _text(self, e: ir.Expr) -> str:
        k = self.kind(e)
        if k in ("str", "num"):
            return self.atom(e)
        return self._Builtin(ir.Builtin("str", (e,)))

    def seq(self, e: ir.Expr) -> str:
        """``e`` as the JSONata array of what Python iterates over: a list's items, a dict's
        keys, a string's characters."""
        text = self.render(e)
        match self.kind(e):
            case "list":
                return text
            case "dict":
                return f"$append([], $keys({text}))"
            case "str":
                return f'$split({text}, "")'
        t = self._tmp()
        return (
            f'({t} := {text}; $type({t}) = "object" ? $append([], $keys({t})) : '
            f'$type({t}) = "string" ? $split({t}, "") : $append([], {t}))'
        )

    def item(self, e: ir.Expr) -> str:
        """``e`` as one element of an array constructor (never flattened into it)."""
        return lib.item(self.render(e), self.kind(e), self._tmp)

    def _Comprehension(self, e: ir.Comprehension) -> str:
        v = "$" + var_name(e.var)
        source = self.seq(e.source)
        if self.kind(ir.substitute(e.element, {e.var: ir.Native(v)})) in ("str", "num", "bool"):
            if e.cond is not None:  # scalars: $map / $filter do not flatten them
                source = f"$filter({source}, function({v}) {{ {self.truthy(e.cond)} }})"
            return f"[$map({source}, function({v}) {{ {self.render(e.element)} }})]"

        def element(x: str, _: str) -> str:
            return f"({v} := {x}; {lib.kept(self.item(e.element))})"

        def cond(x: str, _: str) -> str:
            assert e.cond is not None
            return f"({v} := {x}; {self.truthy(e.cond)})"

        return lib.build(source, element, self._tmp, cond if e.cond is not None else None)

    def _element_kind(self, e: ir.Expr) -> str | None:
        """The static type of the elements of list ``e``, when known."""
        match e:
            case ir.Comprehension():
                return expr_kind(e.element, {**self.env, e.var: None})
            case ir.ListLit(items):
                kinds = {self.kind(i) for i in items}
                return kinds.pop() if len(kinds) == 1 else None
        return None


def jsonata(e: ir.Expr, env: dict[str, str | None] | None = None) -> str:
    """The JSONata source of ``e`` (without the ``{% %}`` delimiters)."""
    return Renderer(env).render(e)


def template(e: ir.Expr, env: dict[str, str | None] | None = None) -> object:
    """A field value for a JSONata state: a JSON constant as itself, anything else as
    ``{% expression %}``."""
    folded = ir.fold(e)
    if (folded is not ir.UNKNOWN and isinstance(folded, bool | int | float)) or folded is None:
        return folded
    if isinstance(e, ir.Const) and not isinstance(e.value, str):
        return e.value
    if isinstance(e, ir.Const):
        return e.value if not e.value.startswith("{%") else "{% " + jsonata(e, env) + " %}"
    return "{% " + jsonata(e, env) + " %}"
