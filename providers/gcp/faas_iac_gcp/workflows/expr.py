"""The expression IR → GCP Workflows expressions (``${...}``), keeping Python's meaning.

Workflows expressions have no comprehensions, no general truthiness and no list + list; a piece
that has no exact form raises :class:`Unexpressible` (the emitter turns it into FIAC615 with
the orchestrator's file:line) instead of being translated into something else.
"""

from __future__ import annotations

import json
import re
from typing import Any, assert_never

from faas_iac.translate import ir
from faas_iac.translate.kinds import expr_kind

#: Names of the standard library and of expression keywords a variable must not hide.
_RESERVED = frozenset(
    [
        "sys",
        "http",
        "text",
        "base64",
        "json",
        "list",
        "map",
        "math",
        "time",
        "uuid",
        "retry",
        "events",
        "double",
        "int",
        "string",
        "keys",
        "len",
        "default",
        "if",
        "not",
        "get_type",
        "true",
        "false",
        "null",
        "in",
        "and",
        "or",
        "hash",
    ]
)
#: The JSON texts of Python's falsy JSON values but the empty map (a double zero in either
#: spelling); the empty map is the map whose text is two characters long (a brace in an
#: expression's text would end it early in workflows-emulator).
FALSY = json.dumps(["null", "false", "0", "0.0", "-0.0", "-0", '""', "[]"])
#: Python's whitespace (``str.isspace``) as an RE2 class: \t-\r, the four separators
#: \x1c-\x1f, NEL, and Unicode's separators (\pZ: Zs, Zl, Zp).
_WS = r"[\t-\r\x1c-\x1f\x85\pZ]"
#: The front end's JSON kinds (``isinstance``) → ``get_type``'s names.
_TYPES = {
    "str": ("string",),
    "num": ("int", "double"),
    "bool": ("bool",),
    "list": ("list",),
    "dict": ("map",),
    "null": ("null",),
}
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class Unexpressible(Exception):
    """A piece of Python with no exact Workflows form; the message says which and why."""


def var_name(name: str) -> str:
    return f"{name}_" if name in _RESERVED else name


class Renderer:
    def __init__(self, env: dict[str, str | None], responses: frozenset[str] = frozenset()) -> None:
        self.env = env
        self.responses = responses  # variables holding an HTTP response: the value is .body
        self.aliases: dict[str, str] = {}
        #: ``ctx.instance_id`` / ``ctx.parent_instance_id`` here (None: not known)
        self.instance: str | None = None
        self.parent = "null"

    def kind(self, e: ir.Expr) -> str | None:
        return expr_kind(e, self.env)

    def render(self, e: ir.Expr) -> str:
        match e:
            case ir.Const():
                return self._Const(e)
            case ir.Native():
                return e.text
            case ir.Var():
                return self._Var(e)
            case ir.Index():
                return self._Index(e)
            case ir.BinOp():
                return self._BinOp(e)
            case ir.Compare():
                return self._Compare(e)
            case ir.BoolOp():
                return self._BoolOp(e)
            case ir.Not():
                return self.truthy(e)
            case ir.Neg():
                return f"-{self.atom(e.value)}"
            case ir.IfExp():
                return f"if({self.truthy(e.test)}, {self.render(e.then)}, {self.render(e.orelse)})"
            case ir.ListLit():
                return "[" + ", ".join(self.render(i) for i in e.items) + "]"
            case ir.DictLit():
                raise Unexpressible(
                    "a dict literal nested in an expression; assign it to a variable first"
                )
            case ir.DictOf():
                raise Unexpressible(
                    "a dict with a computed key; Workflows map keys in expressions are literal"
                )
            case ir.Merge(parts):
                text = self.render(parts[0])
                for part in parts[1:]:
                    text = f"map.merge({text}, {self.render(part)})"
                return text
            case ir.Concat():
                return self._Concat(e)
            case ir.Lambda():
                raise Unexpressible("a key function outside sorted/min/max")
            case ir.Comprehension():
                raise Unexpressible(
                    "a list comprehension has no Workflows expression form; build the "
                    "list with a for loop (xs = xs + [f(x)])"
                )
            case ir.Builtin():
                return self._Builtin(e)
            case _:
                assert_never(e)

    def atom(self, e: ir.Expr) -> str:
        text = self.render(e)
        simple = isinstance(e, ir.Var | ir.Const | ir.Index | ir.ListLit | ir.Native | ir.Builtin)
        return text if simple else f"({text})"

    def truthy(self, e: ir.Expr) -> str:
        """A condition: Python's truthiness of ``e``. Where the type is unknown, from the
        value's JSON text: the falsy JSON values are exactly those whose text is one of
        :data:`FALSY`, and the empty map (an expression that raises on no type, unlike a
        choice on the type whose every branch Workflows' ``if()`` evaluates)."""
        if isinstance(e, ir.BoolOp) and {self.kind(v) for v in e.values} != {"bool"}:
            return f" {e.op} ".join(f"({self.truthy(v)})" for v in e.values)
        if isinstance(e, ir.Not):
            if self.kind(e.value) is None and not isinstance(e.value, ir.BoolOp | ir.Not):
                return self._falsy(e.value)
            return f"not({self.truthy(e.value)})"
        k = self.kind(e)
        if k == "num":
            return f"{self.atom(e)} != 0"
        if k == "str":
            return f'{self.atom(e)} != ""'
        if k in ("list", "dict"):
            return f"len({self.render(e)}) > 0"
        if k == "null":
            return "false"
        if k == "bool":
            return self.render(e)
        return f"not({self._falsy(e)})"

    def _falsy(self, e: ir.Expr) -> str:
        text = f"json.encode_to_string({self.render(e)})"
        empty_map = f'(get_type({self.render(e)}) == "map" and len({text}) == 2)'
        return f"{text} in {FALSY} or {empty_map}"

    def _Const(self, e: ir.Const) -> str:
        v = e.value
        if v is None:
            return "null"
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, list):
            return "[" + ", ".join(self._Const(ir.Const(i)) for i in v) + "]"
        if isinstance(v, dict):
            raise Unexpressible("a map literal inside an expression")
        return json.dumps(v)

    def _Var(self, e: ir.Var) -> str:
        name = self.aliases.get(e.name) or var_name(e.name)
        return f"{name}.body" if e.name in self.responses else name

    def _Index(self, e: ir.Index) -> str:
        base = self.atom(e.value)
        key = e.key
        if isinstance(key, ir.Const) and isinstance(key.value, int) and key.value < 0:
            return f"{base}[len({self.render(e.value)}) - {-key.value}]"
        return f"{base}[{self.render(key)}]"

    def _BinOp(self, e: ir.BinOp) -> str:
        lk, rk = self.kind(e.left), self.kind(e.right)
        if e.op == "+":
            if lk == "list" or rk == "list":
                if isinstance(e.right, ir.ListLit):
                    text = self.render(e.left)
                    for item in e.right.items:
                        text = f"list.concat({text}, {self.render(item)})"
                    return text
                raise Unexpressible(
                    f"`{_show(e)}` joins two lists; Workflows can only append "
                    "one element: write xs + [x]"
                )
            if lk and rk and lk != rk:
                raise Unexpressible(f"`{_show(e)}` adds a {rk} to a {lk}")
            # Unknown types: Workflows' + adds numbers and joins text like Python, and raises
            # a TypeError on anything else (an error, never a different answer).
        if e.op == "**":
            raise Unexpressible("** has no Workflows form; multiply, or compute in an activity")
        if e.op == "//" and {lk, rk} != {"num"}:  # Python's: an int of ints, else a float
            left, right = self.render(e.left), self.render(e.right)
            ints = f'get_type({left}) == "int" and get_type({right}) == "int"'
            floor = f"math.floor({self.atom(e.left)} / {self.atom(e.right)})"
            return f"if({ints}, {floor}, double({floor}))"
        return f"{self.atom(e.left)} {e.op} {self.atom(e.right)}"

    def _Compare(self, e: ir.Compare) -> str:
        op = {"is": "==", "is not": "!="}.get(e.op, e.op)
        if e.op in ("in", "not in") and self.kind(e.right) == "str":
            test = f"len(text.find_all({self.render(e.right)}, {self.render(e.left)})) > 0"
            return test if e.op == "in" else f"not({test})"
        if e.op == "not in":
            return f"not({self.atom(e.left)} in {self.atom(e.right)})"
        return f"{self.atom(e.left)} {op} {self.atom(e.right)}"

    def _BoolOp(self, e: ir.BoolOp) -> str:
        kinds = {self.kind(v) for v in e.values}
        if kinds <= {"bool", None}:
            return f" {e.op} ".join(self.atom(v) for v in e.values)
        raise Unexpressible(
            f"`{_show(e)}` returns one of its operands (Python's and/or on "
            "non-booleans); Workflows' and/or need booleans: compare explicitly"
        )

    def _Concat(self, e: ir.Concat) -> str:
        parts = []
        for p in e.parts:
            k = self.kind(p)
            parts.append(self.atom(p) if k == "str" else self._str(p))
        return " + ".join(parts) if parts else '""'

    def _str(self, e: ir.Expr) -> str:
        k = self.kind(e)
        if k == "str":
            return self.render(e)
        if k == "bool":
            return f'if({self.render(e)}, "True", "False")'
        if k == "null":
            return '"None"'
        return f"string({self.render(e)})"

    def _Builtin(self, e: ir.Builtin) -> str:
        a = [self.render(x) for x in e.args]
        match e.name:
            case "len" | "int" | "keys":
                return f"{e.name}({a[0]})"
            case "float":
                return f"double({a[0]})"
            case "upper":
                return f"text.to_upper({a[0]})"
            case "lower":
                return f"text.to_lower({a[0]})"
            case "abs":
                return f"math.abs({a[0]})"
            case "str":
                return self._str(e.args[0])
            case "bool":
                return self.truthy(e.args[0])
            case "startswith":
                return f"text.substring({a[0]}, 0, len({a[1]})) == {a[1]}"
            case "endswith":
                return (
                    f"text.substring({a[0]}, math.max(len({a[0]}) - len({a[1]}), 0), "
                    f"len({a[0]})) == {a[1]}"
                )
            case "strip" | "lstrip" | "rstrip":
                ends = {"strip": f"^{_WS}+|{_WS}+$", "lstrip": f"^{_WS}+", "rstrip": f"{_WS}+$"}
                return f'text.replace_all_regex({a[0]}, {json.dumps(ends[e.name])}, "")'
            case "capitalize":  # the first character in title case (ß: Ss), as Python
                first, rest = (
                    f"text.substring({a[0]}, 0, 1)",
                    f"text.substring({a[0]}, 1, len({a[0]}))",
                )
                return f"{_title_case(first)} + text.to_lower({rest})"
            case "zfill":
                width = ir.fold(e.args[1])
                if not isinstance(width, int) or isinstance(width, bool):
                    raise Unexpressible("str.zfill(width) with a width computed at run time")
                pad = json.dumps("0" * max(width, 0))
                zeros = f"text.substring({pad}, 0, math.max({width} - len({a[0]}), 0))"
                head, tail = (
                    f"text.substring({a[0]}, 0, 1)",
                    f"text.substring({a[0]}, 1, len({a[0]}))",
                )
                signed = f'{head} == "+" or {head} == "-"'
                return f"if({signed}, {head} + {zeros} + {tail}, {zeros} + {a[0]})"
            case "isinstance":
                kinds = ir.fold(e.args[1])
                assert isinstance(kinds, list)
                names = {name for k in kinds for name in _TYPES[k]}
                return f"get_type({a[0]}) in {json.dumps(sorted(names))}"
            case "count":  # of a text (a list's is lowered): non-overlapping, as split finds
                return f"len(text.split({a[0]}, {a[1]})) - 1"
            case "replace":
                return f"text.replace_all({a[0]}, {a[1]}, {a[2]})"
            case "split" if len(a) == 2:
                return f"text.split({a[0]}, {a[1]})"
            case "min" | "max" if len(a) == 2:
                return f"math.{e.name}({a[0]}, {a[1]})"
            case "get":
                got = f"map.get({a[0]}, {a[1]})"
                return got if len(a) == 2 else f"default({got}, {a[2]})"
            case "now":
                return "sys.now()"
            case "round":
                raise Unexpressible("round(x, n) with n not a literal from 0 to 15")
            case "error_text":
                return self.atom(e.args[0]) + '["text"]'
            case "instance_id":
                if self.instance is None:
                    raise Unexpressible(
                        "ctx.instance_id in a sub-orchestration its caller starts without an "
                        "instance id; pass one to call_sub_orchestrator"
                    )
                return self.instance
            case "parent_instance_id":
                return self.parent
            case "uuid":  # an execution runs once (no replay): a new UUID per call is stable
                return "uuid.generate()"
            case (
                "items"
                | "enumerate"
                | "zip"
                | "dict"
                | "distinct"
                | "set_item"
                | "without"
                | "slice"
                | "insert"
                | "index"
                | "min_by"
                | "max_by"
                | "sorted_by"
                | "title"
                | "format"
                | "json_dumps"
            ):
                raise Unexpressible(f"{e.name}() is not translated to Workflows yet")
            case "json_loads":
                return f"json.decode({a[0]})"
            case (
                "min"
                | "max"
                | "sum"
                | "values"
                | "range"
                | "any"
                | "all"
                | "sorted"
                | "reversed"
                | "list"
                | "split"
                | "join"
            ):
                raise Unexpressible(f"{e.name}() has no Workflows form; compute it in an activity")
            case _:
                assert_never(e.name)


def value(e: ir.Expr, r: Renderer) -> Any:
    """A YAML value: JSON constants as themselves, list/dict literals as YAML structures,
    anything else as ``${expression}``."""
    if isinstance(e, ir.Const) and not (isinstance(e.value, str) and "${" in e.value):
        return e.value
    if isinstance(e, ir.ListLit):
        return [value(i, r) for i in e.items]
    if isinstance(e, ir.DictLit):
        return {k: value(v, r) for k, v in e.items}
    return "${" + r.render(e) + "}"


def _show(e: ir.Expr) -> str:
    return type(e).__name__ if not isinstance(e, ir.Var) else e.name


def _title_case(char: str) -> str:
    """A character in title case, from its upper case: the first letter of it, the rest in
    lower case (ß → SS → Ss; a one-letter upper case is itself)."""
    up = f"text.to_upper({char})"
    return f"text.substring({up}, 0, 1) + text.to_lower(text.substring({up}, 1, len({up})))"
