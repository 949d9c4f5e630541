"""Calls of Python builtins and methods → the expression IR (``ir.Builtin``), with their
keyword arguments (``sorted(key=, reverse=)``, ``min(key=)``, ``enumerate(start=)``) and key
functions (a lambda, ``d.get``, ``len``). Mutating methods (``append``, ``update``...) are
statements: :mod:`.statements` rewrites them as assignments.
"""

from __future__ import annotations

import ast
import string
from collections.abc import Callable
from typing import Any

from . import ir
from .refusals import Refusal

#: Builtin function → allowed numbers of positional arguments.
FUNCTIONS: dict[str, tuple[int, ...]] = {
    "len": (1,),
    "str": (1,),
    "int": (1,),
    "float": (1,),
    "bool": (1,),
    "abs": (1,),
    "round": (1, 2),
    "sum": (1,),
    "any": (1,),
    "all": (1,),
    "sorted": (1,),
    "reversed": (1,),
    "list": (1,),
    "tuple": (1,),
    "range": (1, 2, 3),
    "enumerate": (1, 2),
    "zip": (1, 2, 3, 4),
    "dict": (0, 1),
    "isinstance": (2,),
    "min": (1, 2, 3, 4),
    "max": (1, 2, 3, 4),
}
#: Methods that return a value and change nothing → allowed argument counts.
METHODS: dict[str, tuple[int, ...]] = {
    "get": (1, 2),
    "keys": (0,),
    "values": (0,),
    "items": (0,),
    "copy": (0,),
    "upper": (0,),
    "lower": (0,),
    "strip": (0,),
    "lstrip": (0,),
    "rstrip": (0,),
    "title": (0,),
    "capitalize": (0,),
    "zfill": (1,),
    "startswith": (1,),
    "endswith": (1,),
    "replace": (2,),
    "split": (0, 1),
    "join": (1,),
    "index": (1,),
    "count": (1,),
    "format": tuple(range(10)),
}
#: Builtins whose result does not depend on the order of their argument's items.
_ORDERLESS = {"len", "sorted", "sum", "min", "max", "any", "all"}
#: isinstance class names → the JSON kinds they accept (``bool`` is an ``int`` in Python).
_CLASSES = {
    "str": "str",
    "list": "list",
    "tuple": "list",
    "dict": "dict",
    "bool": "bool",
    "NoneType": "null",
}


class CallConverter:
    """Mixin of :class:`~.expr.ExprConverter` for calls."""

    file: str
    convert: Callable[..., ir.Expr]
    refuse: Callable[..., Refusal]
    arg: Callable[[ast.expr], ir.Expr]
    collection: Callable[[ast.expr], ir.Expr]
    text_of: Callable[[ast.expr], ir.Expr]

    def _keywords(self, node: ast.Call, allowed: set[str]) -> dict[str, ast.expr]:
        found: dict[str, ast.expr] = {}
        for kw in node.keywords:
            if kw.arg is None or kw.arg not in allowed:
                raise self.refuse(
                    node,
                    f"the argument {kw.arg or '**'}= in `{ast.unparse(node)}`",
                    f"pass only {', '.join(sorted(allowed)) or 'positional arguments'}",
                )
            found[kw.arg] = kw.value
        return found

    def key_function(self, node: ast.expr) -> ir.Lambda:
        """``key=``: a one-argument lambda, a bound ``d.get``, or a builtin / str method name."""
        if isinstance(node, ast.Lambda):
            args = node.args
            if (
                len(args.args) != 1
                or args.posonlyargs
                or args.kwonlyargs
                or args.vararg
                or args.kwarg
                or args.defaults
            ):
                raise self.refuse(node, "a key function takes one argument", "lambda x: ...")
            return ir.Lambda(args.args[0].arg, self.convert(node.body))
        v = ir.Var("__key")
        if isinstance(node, ast.Attribute) and node.attr == "get":
            return ir.Lambda(v.name, ir.Builtin("get", (self.convert(node.value), v)))
        if isinstance(node, ast.Name) and node.id in ("len", "str", "abs", "int", "float"):
            return ir.Lambda(v.name, ir.Builtin(node.id, (v,)))  # type: ignore[arg-type]
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "str"
            and node.attr in ("lower", "upper", "strip", "title", "capitalize")
        ):
            return ir.Lambda(v.name, ir.Builtin(node.attr, (v,)))  # type: ignore[arg-type]
        raise self.refuse(
            node,
            f"the key function `{ast.unparse(node)}`",
            "write key=lambda x: ... (or d.get, len, str.lower)",
        )

    def json_call(self, node: ast.Call, name: str) -> ir.Expr:
        """``json.loads(text)``, ``json.dumps(value[, sort_keys=...])`` (Python's default
        separators and ASCII escapes)."""
        kw = self._keywords(node, {"sort_keys"} if name == "dumps" else set())
        if len(node.args) != 1 or any(isinstance(a, ast.Starred) for a in node.args):
            raise self.refuse(node, f"json.{name} takes one value here", f"json.{name}(value)")
        value = self.convert(node.args[0])
        if name == "loads":
            return ir.Builtin("json_loads", (value,))
        sort = ir.fold(self.convert(kw["sort_keys"])) if "sort_keys" in kw else False
        if not isinstance(sort, bool):
            raise self.refuse(node, "sort_keys= not a literal", "write sort_keys=True or False")
        return ir.Builtin("json_dumps", (value, ir.Const(sort)))

    def function_call(self, node: ast.Call, name: str) -> ir.Expr:
        """A call of a builtin function ``name`` (one of :data:`FUNCTIONS`)."""
        n = len(node.args)
        if any(isinstance(a, ast.Starred) for a in node.args):
            raise self.refuse(node, "starred arguments", "pass the arguments one by one")
        allowed = {
            "sorted": {"key", "reverse"},
            "min": {"key", "default"},
            "max": {"key", "default"},
            "enumerate": {"start"},
            "round": {"ndigits"},
            "sum": {"start"},
        }.get(name, set())
        kw = self._keywords(node, allowed)
        if name == "dict" and not node.args and node.keywords:
            raise self.refuse(node, "dict(key=value)", "write a dict literal {'key': value}")
        if n not in FUNCTIONS[name]:
            raise self.refuse(
                node,
                f"{name}() with {n} argument(s) cannot be translated",
                f"call {name}() with {' or '.join(map(str, FUNCTIONS[name]))} argument(s)",
            )
        if name == "str" and n == 1:
            return self.text_of(node.args[0])
        if name == "isinstance":
            return ir.Builtin("isinstance", (self.convert(node.args[0]), self._classes(node)))
        args = tuple(
            self.collection(a) if i == 0 and name in _ORDERLESS else self.arg(a)
            for i, a in enumerate(node.args)
        )
        match name:
            case "sorted":
                reverse = self._reverse(node, kw)
                if "key" in kw:
                    return ir.Builtin("sorted_by", (args[0], self.key_function(kw["key"]), reverse))
                return ir.Builtin("sorted", (args[0], reverse))
            case "min" | "max":
                if "default" in kw:
                    raise self.refuse(
                        node, f"{name}(default=...)", "test the list first: x if xs else ..."
                    )
                if "key" in kw:
                    items = args[0] if n == 1 else ir.ListLit(args)
                    by: Any = f"{name}_by"
                    return ir.Builtin(by, (items, self.key_function(kw["key"])))
                return ir.Builtin(name, args)
            case "enumerate":
                start = self.convert(kw["start"]) if "start" in kw else ir.Const(0)
                return ir.Builtin("enumerate", (args[0], args[1] if n == 2 else start))
            case "round":
                digits = args[1:] or ((self.convert(kw["ndigits"]),) if "ndigits" in kw else ())
                return ir.Builtin("round", (args[0], *digits))
            case "sum":
                total = ir.Builtin("sum", args)
                return ir.BinOp("+", self.convert(kw["start"]), total) if "start" in kw else total
            case "tuple":
                return ir.Builtin("list", args)
            case "dict":
                return ir.Builtin("dict", args) if args else ir.DictLit(())
            case "range":
                return ir.Builtin("range", args)
        return ir.Builtin(name, args)  # type: ignore[arg-type]

    def _reverse(self, node: ast.Call, kw: dict[str, ast.expr]) -> ir.Const:
        reverse = self.convert(kw["reverse"]) if "reverse" in kw else ir.Const(False)
        if not (isinstance(reverse, ir.Const) and isinstance(reverse.value, bool)):
            raise self.refuse(node, "sorted(reverse=...) takes True or False", "write reverse=True")
        return reverse

    def _classes(self, node: ast.Call) -> ir.Const:
        spec = node.args[1]
        names = spec.elts if isinstance(spec, ast.Tuple) else [spec]
        kinds: list[str] = []
        for n in names:
            cls = n.id if isinstance(n, ast.Name) else ast.unparse(n)
            if cls == "type(None)":
                cls = "NoneType"
            if cls in _CLASSES:
                kinds.append(_CLASSES[cls])
            elif cls in ("int", "float"):
                kinds.append(cls)
            else:
                raise self.refuse(
                    node,
                    f"isinstance(..., {cls}) cannot be translated",
                    "test for JSON types: str, int, float, bool, list, tuple, dict, type(None)",
                )
        if ("int" in kinds) != ("float" in kinds):
            raise self.refuse(
                node,
                "isinstance with int or float alone: JSON numbers do not keep Python's int/float "
                "distinction on every target",
                "test isinstance(x, (int, float)) for any number",
            )
        if "int" in kinds:
            kinds = [k for k in kinds if k not in ("int", "float")] + ["num", "bool"]
        return ir.Const(sorted(set(kinds)))

    def method_call(self, node: ast.Call, func: ast.Attribute) -> ir.Expr:
        """``value.method(args)`` for a method of :data:`METHODS`."""
        name = func.attr
        n = len(node.args)
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            raise self.refuse(
                node,
                f"keyword or starred arguments in `{ast.unparse(node)}`",
                f"call .{name}() with positional arguments",
            )
        if n not in METHODS[name]:
            raise self.refuse(
                node,
                f"`{ast.unparse(node)}`: .{name}() with {n} argument(s) cannot be translated",
                f"call .{name}() with {' or '.join(map(str, METHODS[name]))} argument(s)",
            )
        if name == "format":
            return self._format_method(node, func)
        if name in ("strip", "lstrip", "rstrip") and n:
            raise self.refuse(node, f".{name}(chars)", f"call .{name}() without arguments")
        receiver = self.convert(func.value)
        args = tuple(self.arg(a) for a in node.args)
        if name == "copy":
            k = receiver
            return ir.Builtin("list", (k,)) if isinstance(k, ir.ListLit) else ir.Merge((k,))
        return ir.Builtin(name, (receiver, *args))  # type: ignore[arg-type]

    def _format_method(self, node: ast.Call, func: ast.Attribute) -> ir.Expr:
        """``"...{}...".format(a, b)`` with a literal template: the f-string it means."""
        if not (isinstance(func.value, ast.Constant) and isinstance(func.value.value, str)):
            raise self.refuse(node, "str.format on a computed template", "write an f-string")
        auto = 0
        parts: list[ast.expr] = []
        try:
            fields = list(string.Formatter().parse(func.value.value))
        except ValueError:
            raise self.refuse(node, "this format template", "write an f-string") from None
        for literal, field, spec, conversion in fields:
            if literal:
                parts.append(ast.Constant(literal))
            if field is None:
                continue
            if field == "":
                index, auto = auto, auto + 1
            elif field.isdigit():
                index = int(field)
            else:
                raise self.refuse(node, "named fields in str.format", "write an f-string")
            if index >= len(node.args) or "{" in (spec or ""):
                raise self.refuse(node, "this str.format call", "write an f-string")
            formatted = ast.FormattedValue(
                node.args[index],
                ord(conversion) if conversion else -1,
                ast.JoinedStr([ast.Constant(spec)]) if spec else None,
            )
            parts.append(formatted)
        joined = ast.copy_location(ast.JoinedStr(parts), node)
        ast.fix_missing_locations(joined)
        return self.convert(joined)
