"""JSONata for the Python builtins whose meaning takes more than one JSONata function: list
building that never flattens (``[$v]`` flattens an array ``$v`` into the list), ``items`` /
``enumerate`` / ``zip`` / ``dict``, copies with an item set or removed, slices, ``min`` /
``max`` / ``sorted`` with a key, ``str.title`` / ``zfill`` / ``count`` / ``index`` and
``format(value, spec)`` with Python's rounding (half to even on the float's exact value).

Each function takes JSONata source text and a temporary-variable allocator and returns
JSONata source text; :mod:`.jsonata` calls them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

Tmp = Callable[[], str]

#: isinstance kinds → JSONata ``$type`` names.
TYPES = {
    "str": "string",
    "num": "number",
    "bool": "boolean",
    "list": "array",
    "dict": "object",
    "null": "null",
}


def item(value: str, kind: str | None, tmp: Tmp) -> str:
    """An item of an array constructor that adds exactly one element, ``value``: JSONata
    flattens an array value into the constructor unless the item is itself a constructor."""
    if kind in ("str", "num", "bool", "null", "dict") or _constructor(value):
        return value
    if kind == "list":
        return f"[{value}]"
    t = tmp()
    return f'({t} := {value}; $type({t}) = "array" ? [[{t}]] : {t})'


def kept(item_text: str) -> str:
    """An :func:`item` text put where it is no longer an item of the constructor itself (the
    value of a block in it): an array constructor's value would be flattened there."""
    return f"[{item_text}]" if _constructor(item_text) else item_text


def _constructor(text: str) -> bool:
    """Whether ``text`` is one array constructor ``[...]`` (its value is never flattened)."""
    if not text.startswith("["):
        return False
    depth = 0
    quote = ""
    for i, c in enumerate(text):
        if quote:
            if c == "\\":
                continue
            if c == quote and text[i - 1] != "\\":
                quote = ""
            continue
        if c in "\"'":
            quote = c
        elif c in "[({":
            depth += 1
        elif c in "])}":
            depth -= 1
            if depth == 0:
                return i == len(text) - 1
    return False


def build(
    items: str,
    element: Callable[[str, str], str],
    tmp: Tmp,
    cond: Callable[[str, str], str] | None = None,
) -> str:
    """A list of one element per item of ``items`` (``element(item_var, index_var)`` gives
    the constructor item), never flattened, kept only where ``cond(item_var, index_var)``."""
    acc, x, i = tmp(), tmp(), tmp()
    add = f"$append({acc}, [{element(x, i)}])"
    body = f"{cond(x, i)} ? {add} : {acc}" if cond else add
    return f"$reduce($append([], {items}), function({acc}, {x}, {i}) {{ {body} }}, [])"


def items(d: str, tmp: Tmp) -> str:
    v = tmp()

    def pair(x: str, _: str) -> str:
        return f"[{x}, {item(f'$lookup({v}, {x})', None, tmp)}]"

    return f"({v} := {d}; {build(f'$keys({v})', pair, tmp)})"


def enumerate_(xs: str, start: str, tmp: Tmp) -> str:
    s = tmp()
    body = build(xs, lambda x, i: f"[{i} + {s}, {item(x, None, tmp)}]", tmp)
    return f"({s} := {start}; {body})"


def values(d: str, tmp: Tmp) -> str:
    v = tmp()
    body = build(f"$keys({v})", lambda x, _: item(f"$lookup({v}, {x})", None, tmp), tmp)
    return f"({v} := {d}; {body})"


def zip_(args: list[str]) -> str:
    """``zip(...)``: JSONata's ``$zip`` stops at the shortest list, as Python's does."""
    return f"$zip({', '.join(f'$append([], {a})' for a in args)})"


def to_dict(x: str, kind: str | None, tmp: Tmp) -> str:
    """``dict(x)``: a copy of a dict, or the dict of [key, value] pairs (keys as JSON text)."""
    v, a, p = tmp(), tmp(), tmp()
    pairs = (
        f"$reduce($append([], {v}), function({a}, {p}) {{ $merge([{a}, "
        f"{{{key_text(f'{p}[0]', tmp)}: {p}[1]}}]) }}, {{}})"
    )
    if kind == "dict":
        return f"$merge([{{}}, {x}])"
    if kind == "list":
        return f"({v} := {x}; {pairs})"
    return f'({v} := {x}; $type({v}) = "object" ? $merge([{{}}, {v}]) : {pairs})'


def key_text(key: str, tmp: Tmp) -> str:
    """A dict key as JSON keeps it (Python's json writes True as "true", 1 as "1")."""
    t = tmp()
    return f'({t} := {key}; $type({t}) = "string" ? {t} : $string({t}))'


def set_item(c: str, k: str, v: str, kind: str | None, tmp: Tmp) -> str:
    """A copy of ``c`` with ``c[k] = v`` (a dict: the key keeps its place; a list: the
    index, negative from the end)."""
    cv, kv, vv, n = tmp(), tmp(), tmp(), tmp()
    as_dict = f"$merge([{cv}, {{{kv}: {vv}}}])"
    as_list = (
        f"({n} := {kv} < 0 ? $count({cv}) + {kv} : {kv}; "
        f"{n} < 0 or {n} >= $count({cv}) ? "
        '$error("IndexError: list assignment index out of range") : '
        + build(cv, lambda x, i: item(f"({i} = {n} ? {vv} : {x})", None, tmp), tmp)
        + ")"
    )
    head = f"{cv} := {c}; {kv} := {k}; {vv} := {v}; "
    if kind == "dict":
        return f"({head}{as_dict})"
    if kind == "list":
        return f"({head}{as_list})"
    return f'({head}$type({cv}) = "array" ? {as_list} : {as_dict})'


def without(c: str, k: str, kind: str | None, tmp: Tmp) -> str:
    """A copy of ``c`` without the key (a dict) or the index (a list) ``k``."""
    cv, kv, r, n = tmp(), tmp(), tmp(), tmp()
    as_dict = f"({r} := $sift({cv}, function($v, $k) {{ $k != {kv} }}); $exists({r}) ? {r} : {{}})"
    kept = build(cv, lambda x, _: item(x, None, tmp), tmp, lambda _, i: f"{i} != {n}")
    as_list = f"({n} := {kv} < 0 ? $count({cv}) + {kv} : {kv}; {kept})"
    head = f"{cv} := {c}; {kv} := {k}; "
    if kind == "dict":
        return f"({head}{as_dict})"
    if kind == "list":
        return f"({head}{as_list})"
    return f'({head}$type({cv}) = "array" ? {as_list} : {as_dict})'


def insert(xs: str, i: str, v: str, tmp: Tmp) -> str:
    """``xs.insert(i, v)`` on a copy: the index clipped to the list as Python does."""
    x, n, at, vv, acc, j = tmp(), tmp(), tmp(), tmp(), tmp(), tmp()
    one = item(vv, None, tmp)
    here = item(f"{x}[{j}]", None, tmp)
    body = (
        f"$reduce([0..{n}], function({acc}, {j}) {{ "
        f"$append({j} = {at} ? $append({acc}, [{one}]) : {acc}, "
        f"{j} < {n} ? [{here}] : []) }}, [])"
    )
    return (
        f"({x} := $append([], {xs}); {n} := $count({x}); {vv} := {v}; {at} := {i}; "
        f"{at} := {at} < 0 ? $max([0, {n} + {at}]) : $min([{at}, {n}]); {body})"
    )


def slice_(x: str, start: str, stop: str, step: str, kind: str | None, tmp: Tmp) -> str:
    """``x[start:stop:step]`` of a list or a string, with Python's bounds (``null`` for an
    absent bound)."""
    v, n, s, a, b, k, j = (tmp() for _ in range(7))
    bounds = (
        f"{n} := $count({v}); {s} := {step} = null ? 1 : {step}; "
        f'{s} = 0 ? $error("ValueError: slice step cannot be zero") : null; '
        f"{a} := {start}; {b} := {stop}; "
        f"{a} := {a} = null ? ({s} > 0 ? 0 : {n} - 1) : "
        f"({a} < 0 ? $max([{s} > 0 ? 0 : -1, {a} + {n}]) : $min([{a}, {s} > 0 ? {n} : {n} - 1])); "
        f"{b} := {b} = null ? ({s} > 0 ? {n} : -1) : "
        f"({b} < 0 ? $max([{s} > 0 ? 0 : -1, {b} + {n}]) : $min([{b}, {s} > 0 ? {n} : {n} - 1])); "
        f"{k} := {s} > 0 ? $ceil(({b} - {a}) / {s}) : $ceil(({a} - {b}) / -{s}); "
        f"{k} := $max([0, {k}]); "
    )
    picked = build(f"[0..{k} - 1]", lambda idx, _: item(f"{v}[{a} + {idx} * {s}]", None, tmp), tmp)
    text = f'$join({build(f"[0..{k} - 1]", lambda idx, _: f"{v}[{a} + {idx} * {s}]", tmp)}, "")'
    if kind == "str":
        return f'({v} := $split({x}, ""); {bounds}{text})'
    if kind == "list":
        return f"({v} := {x}; {bounds}{picked})"
    return (
        f'({v} := {x}; {j} := $type({v}) = "string"; {v} := {j} ? $split({v}, "") : {v}; '
        f"{bounds}{j} ? {text} : {picked})"
    )


def less(a: list[str], b: list[str]) -> str:
    """``a < b`` for keys (tuples compare item by item, as Python's do)."""
    if len(a) == 1:
        return f"{a[0]} < {b[0]}"
    return f"({a[0]} < {b[0]} or ({a[0]} = {b[0]} and {less(a[1:], b[1:])}))"


@dataclass(frozen=True)
class Key:
    """A key function as JSONata: ``parts(x)`` gives the key's items for the value ``x``."""

    parts: Callable[[str], list[str]]


def best(xs: str, key: Key, pick_max: bool, tmp: Tmp, empty_message: str) -> str:
    """``min(xs, key=)`` / ``max(xs, key=)``: the first best item."""
    v, a, x = tmp(), tmp(), tmp()
    better = less(key.parts(a), key.parts(x)) if pick_max else less(key.parts(x), key.parts(a))
    return (
        f"({v} := $append([], {xs}); $count({v}) = 0 ? $error({empty_message}) : "
        f"$reduce({v}, function({a}, {x}) {{ {better} ? {x} : {a} }}))"
    )


def sort_by(xs: str, key: Key, reverse: bool, tmp: Tmp) -> str:
    """``sorted(xs, key=, reverse=)``, stable as Python's whatever the engine's ``$sort`` is:
    the positions are sorted, equal keys by position, then the items taken in that order."""
    v, a, b = tmp(), tmp(), tmp()
    ka, kb = key.parts(f"{v}[{a}]"), key.parts(f"{v}[{b}]")
    first, second = (ka, kb) if reverse else (kb, ka)
    after = f"{less(first, second)} or ($not({less(second, first)}) and {a} > {b})"
    order = f"$sort([0..$count({v}) - 1], function({a}, {b}) {{ {after} }})"
    taken = build(order, lambda i, _: item(f"{v}[{i}]", None, tmp), tmp)
    return f"({v} := $append([], {xs}); {taken})"


def title(s: str, tmp: Tmp) -> str:
    """``str.title()``: a letter after a cased letter is lower case, any other upper case."""
    acc, c, p = tmp(), tmp(), tmp()
    cased = f"$lowercase({p}) != $uppercase({p})"
    return (
        f'$reduce($split({s}, ""), function({acc}, {c}) {{ ({p} := $substring({acc}, -1); '
        f'{acc} & ({acc} != "" and {cased} ? $lowercase({c}) : $uppercase({c}))) }}, "")'
    )


def capitalize(s: str, tmp: Tmp) -> str:
    t = tmp()
    return f"({t} := {s}; $uppercase($substring({t}, 0, 1)) & $lowercase($substring({t}, 1)))"


def zfill(s: str, width: str, tmp: Tmp) -> str:
    t, w, sign = tmp(), tmp(), tmp()
    return (
        f"({t} := {s}; {w} := {width}; {sign} := $substring({t}, 0, 1); "
        f'$length({t}) >= {w} ? {t} : ({sign} = "-" or {sign} = "+") ? '
        f'{sign} & $pad($substring({t}, 1), -({w} - 1), "0") : $pad({t}, -{w}, "0"))'
    )


def count(x: str, v: str, tmp: Tmp) -> str:
    t, u, a, e = tmp(), tmp(), tmp(), tmp()
    return (
        f'({t} := {x}; {u} := {v}; $type({t}) = "string" ? '
        f'({u} = "" ? $length({t}) + 1 : $count($split({t}, {u})) - 1) : '
        f"$reduce($append([], {t}), function({a}, {e}) {{ {e} = {u} ? {a} + 1 : {a} }}, 0))"
    )


def index(x: str, v: str, tmp: Tmp) -> str:
    t, u, a, e, i, r = (tmp() for _ in range(6))
    in_list = (
        f"({r} := $reduce($append([], {t}), function({a}, {e}, {i}) {{ "
        f"{a} >= 0 ? {a} : ({e} = {u} ? {i} : -1) }}, -1); "
        f'{r} < 0 ? $error("ValueError: " & $string({u}) & " is not in list") : {r})'
    )
    in_text = (
        f"($contains({t}, {u}) ? $length($substringBefore({t}, {u})) : "
        '$error("ValueError: substring not found"))'
    )
    return f'({t} := {x}; {u} := {v}; $type({t}) = "string" ? {in_text} : {in_list})'


def fixed(a: str, digits: int, tmp: Tmp) -> str:
    """The decimal text of the number ``a`` >= 0 with ``digits`` decimals, rounded as Python
    rounds: half to even on the float's exact value (``a * 10**digits`` is rounded once; at
    an apparent tie, the product's exact error, by Dekker's two-product, decides)."""
    av, y, f, d, r, s = (tmp() for _ in range(6))
    p = 10**digits
    ah, al, bh, bl, c, e = (tmp() for _ in range(6))
    err = (
        f"{c} := 134217729 * {av}; {ah} := {c} - ({c} - {av}); {al} := {av} - {ah}; "
        f"{c} := 134217729 * {p}; {bh} := {c} - ({c} - {p}); {bl} := {p} - {bh}; "
        f"{e} := (({ah} * {bh} - {y}) + {ah} * {bl} + {al} * {bh}) + {al} * {bl}; "
    )
    tie = f"({err}{e} > 0 ? {f} + 1 : {e} < 0 ? {f} : ({f} % 2 = 0 ? {f} : {f} + 1))"
    rounded = f"{d} > 0.5 ? {f} + 1 : {d} < 0.5 ? {f} : {tie}"
    text = f'{s} := $pad($formatNumber({r}, "0"), -{digits + 1}, "0"); '
    if digits:
        text += f'$substring({s}, 0, $length({s}) - {digits}) & "." & $substring({s}, -{digits})'
    else:
        text += s
    return (
        f"({av} := {a}; {y} := {av} * {p}; {f} := $floor({y}); {d} := {y} - {f}; "
        f"{r} := {rounded}; {text})"
    )


def group(digits: str, sep: str) -> str:
    """Thousands separators in a run of digits."""
    return f'$replace({digits}, /(\\d)(?=(\\d{{3}})+$)/, "$1{sep}")'


def pad(text: str, width: int, fill: str, align: str, sign: str, tmp: Tmp) -> str:
    """``text`` (after ``sign``, JSONata text) padded to ``width`` as Python aligns it."""
    if width == 0:
        return f"{sign} & {text}" if sign != '""' else text
    t, g, n, left = tmp(), tmp(), tmp(), tmp()
    f = '"' + fill.replace("\\", "\\\\").replace('"', '\\"') + '"'
    head = f"{t} := {text}; {g} := {sign}; {n} := {width} - $length({g}) - $length({t}); "
    match align:
        case "<":
            body = f"$pad({g} & {t}, {width}, {f})"
        case ">":
            body = f"$pad({g} & {t}, -{width}, {f})"
        case "=":
            body = f"{g} & $pad({t}, -({width} - $length({g})), {f})"
        case _:
            body = (
                f"({left} := $max([0, $floor({n} / 2)]); "
                f'$pad("", -{left}, {f}) & $pad({g} & {t}, {width} - {left}, {f}))'
            )
    return f"({head}{body})"
