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


class Renderer:
    """Renders IR expressions as JSONata source. ``input_text`` is how the orchestration input
    is reached from where the expression is evaluated."""

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
                return "[" + ", ".join(self.render(i) for i in e.items) + "]"
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
            return f"{base}[{key.value}]"
        k = self.kind(key)
        if k == "str":
            return f"$lookup({self.render(e.value)}, {self.render(key)})"
        if k == "num":
            return f"{base}[{self.render(key)}]"
        t = self._tmp()
        return (
            f'({t} := {self.render(key)}; $type({t}) = "string" ? '
            f"$lookup({self.render(e.value)}, {t}) : {base}[{t}])"
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

    def _Comprehension(self, e: ir.Comprehension) -> str:
        v = "$" + var_name(e.var)
        source = self.render(e.source)
        if e.cond is not None:
            source = f"$filter({source}, function({v}) {{ {self.truthy(e.cond)} }})"
        return f"[$map({source}, function({v}) {{ {self.render(e.element)} }})]"

    def _Builtin(self, e: ir.Builtin) -> str:
        args = [self.render(a) for a in e.args]
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
                return f"${e.name}({args[0] if len(args) == 1 else '[' + ', '.join(args) + ']'})"
            case "range":
                start, stop = ("0", args[0]) if len(args) == 1 else (args[0], args[1])
                a, b = self._tmp(), self._tmp()
                return f"({a} := {start}; {b} := {stop}; {b} > {a} ? [{a}..{b} - 1] : [])"
            case "round":
                return f"$round({', '.join(args)})"
            case "get":
                default = args[2] if len(args) > 2 else "null"
                t = self._tmp()
                return f"({t} := $lookup({args[0]}, {args[1]}); $exists({t}) ? {t} : {default})"
            case "keys":
                return f"[$keys({args[0]})]"
            case "values":
                return f"[$each({args[0]}, function($v) {{ $v }})]"
            case "upper":
                return f"$uppercase({args[0]})"
            case "lower":
                return f"$lowercase({args[0]})"
            case "strip":
                return f'$replace({args[0]}, /^\\s+|\\s+$/, "")'
            case "any" | "all":
                v = self._tmp()
                test = self.truthy(ir.Native(v, self._element_kind(e.args[0])))
                if e.name == "any":
                    return f"$count($filter({args[0]}, function({v}) {{ {test} }})) > 0"
                return f"$count($filter({args[0]}, function({v}) {{ $not({test}) }})) = 0"
            case "sorted":
                reverse = e.args[1] == ir.Const(True)
                if not reverse:
                    return f"$sort({args[0]})"
                a, b = self._tmp(), self._tmp()
                return f"$sort({args[0]}, function({a}, {b}) {{ {a} < {b} }})"
            case "reversed":
                return f"$reverse({args[0]})"
            case "list":
                k = self.kind(e.args[0])
                if k == "list":
                    return f"$append([], {args[0]})"
                if k == "dict":
                    return f"[$keys({args[0]})]"
                if k == "str":
                    return f'[$split({args[0]}, "")]'
                t = self._tmp()
                return (
                    f'({t} := {args[0]}; $type({t}) = "object" ? [$keys({t})] : '
                    f'$type({t}) = "string" ? [$split({t}, "")] : $append([], {t}))'
                )
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
                    return f"[$split({args[0]}, {args[1]})]"
                t = self._tmp()  # runs of whitespace, none at the ends (JSONata's $trim)
                return f'({t} := $trim({args[0]}); {t} = "" ? [] : [$split({t}, " ")])'
            case "join":
                return f"$join({args[1]}, {args[0]})"
            case _:
                assert_never(e.name)

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
