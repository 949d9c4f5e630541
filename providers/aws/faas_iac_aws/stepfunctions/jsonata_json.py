"""JSONata for ``json.dumps(value, sort_keys=...)`` as Python writes it: ``", "`` and ``": "``
separators, keys in insertion order or sorted, and every character beyond ASCII as a
``\\uXXXX`` escape (a surrogate pair beyond the Basic Multilingual Plane), which JSONata's
``$string`` leaves as it is. ``json.loads`` is Step Functions' ``$parse``.

A character's code point is read from its UTF-8 bytes (``$encodeUrlComponent``), since JSONata
has no function giving it. The regular expression takes a UTF-16 surrogate pair as one match
(JSONata in JavaScript sees two code units) or any other non-ASCII character.
"""

from __future__ import annotations

import json
from collections.abc import Callable

Tmp = Callable[[], str]

_HEX = '"0123456789ABCDEF"'
_NON_ASCII = "/[\\ud800-\\udbff][\\udc00-\\udfff]|[^\\u0000-\\u007f]/"


def _escape(m: str, tmp: Tmp) -> str:
    """A function of a regex match ``m``: Python's ``\\uXXXX`` escape of the character."""
    u, b, c, h, d = (tmp() for _ in range(5))
    byte = (
        f"function({h}) {{ $length($substringBefore({_HEX}, $substring({h}, 0, 1))) * 16 + "
        f"$length($substringBefore({_HEX}, $substring({h}, 1, 1))) }}"
    )
    code = (
        f"$count({b}) = 2 ? ({b}[0] - 192) * 64 + ({b}[1] - 128) : "
        f"$count({b}) = 3 ? ({b}[0] - 224) * 4096 + ({b}[1] - 128) * 64 + ({b}[2] - 128) : "
        f"({b}[0] - 240) * 262144 + ({b}[1] - 128) * 4096 + ({b}[2] - 128) * 64 + ({b}[3] - 128)"
    )
    four = '"\\\\u" & $pad($formatBase({0}, 16), -4, "0")'
    return (
        f"function({m}) {{ ({u} := $encodeUrlComponent({m}.match); "
        f'{b} := $map($split($substring({u}, 1), "%"), {byte}); {c} := {code}; '
        f"{c} < 65536 ? {four.format(c)} : ({d} := {c} - 65536; "
        f"{four.format(f'55296 + $floor({d} / 1024)')} & {four.format(f'56320 + {d} % 1024')})) }}"
    )


def dumps(value: str, sort_keys: bool, tmp: Tmp) -> str:
    """JSONata for ``json.dumps(value, sort_keys=sort_keys)``."""
    q, d, v, s, j, k, e, m, ks = (tmp() for _ in range(9))
    quote = (
        f"function({s}) {{ ({j} := $string([{s}]); "
        f"$replace($substring({j}, 1, $length({j}) - 2), {_NON_ASCII}, {_escape(m, tmp)})) }}"
    )
    keys = f"$sort($keys({v}))" if sort_keys else f"$keys({v})"
    dump = (
        f"function({v}) {{ "
        f'$type({v}) = "object" ? ({ks} := {keys}; $count({ks}) = 0 ? "{{}}" : '
        f'"{{" & $join($map({ks}, function({k}) {{ {q}({k}) & ": " & {d}($lookup({v}, {k})) }}), '
        f'", ") & "}}") : '
        f'$type({v}) = "array" ? ($count({v}) = 0 ? "[]" : '
        f'"[" & $join($map({v}, function({e}) {{ {d}({e}) }}), ", ") & "]") : '
        f'$type({v}) = "string" ? {q}({v}) : $string({v}) }}'
    )
    return f"({q} := {quote}; {d} := {dump}; {d}({value}))"


def _split(v: str, hi: str, lo: str) -> str:
    """Veltkamp's split of ``v`` into two halves of 26 bits (``hi + lo = v`` exactly)."""
    return f"{hi} := 134217729 * {v} - (134217729 * {v} - {v}); {lo} := {v} - {hi}; "


def _two_product(a: str, b: str, p: str, err: str, tmp: Tmp) -> str:
    """Dekker's exact product: ``p + err = a * b`` exactly, ``p`` the rounded product."""
    ah, al, bh, bl = (tmp() for _ in range(4))
    return (
        f"{p} := {a} * {b}; {_split(a, ah, al)}{_split(b, bh, bl)}"
        f"{err} := (({ah} * {bh} - {p}) + {ah} * {bl} + {al} * {bh}) + {al} * {bl}; "
    )


def float_text(value: str, tmp: Tmp) -> str:
    """JSONata for ``json.dumps(x)`` of a float ``x``: Python's ``repr``, the shortest digits that
    read back as ``x``, positional for decimal exponents -4 to 15 (``1.0``, ``0.0001``,
    ``1e+16``, ``1e-05``).

    JSONata's ``$string`` writes a number rounded to 15 significant digits (``0.1 + 0.2`` as
    ``0.3``). When those read back as ``x`` they are its shortest digits. Otherwise ``x`` needs
    16 or 17: ``f``, where ``x`` lies between two 15-digit neighbours, is computed exactly
    (Dekker's product of ``x`` and a power of ten, exact up to 10**22; outside 1e-8..1e37, and
    for subnormals, the execution fails naming why rather than writing other digits), then
    the 16-digit rounding is kept if it reads back as ``x`` (``$number``), else the 17-digit
    one. Digit strings are joined as text, since 16 digits exceed JSONata's exact integers.
    """
    x, a, t, m, ip, fp, e, d, n, f, k, h, last = (tmp() for _ in range(13))
    p, err, q = tmp(), tmp(), tmp()
    # the digits of $string(a) and its leading digit's exponent
    parse = (
        f'{m} := $contains({t}, "e") ? $substringBefore({t}, "e") : {t}; '
        f'{ip} := $contains({m}, ".") ? $substringBefore({m}, ".") : {m}; '
        f'{fp} := $contains({m}, ".") ? $substringAfter({m}, ".") : ""; '
        f'{e} := $contains({t}, "e") ? $number($replace($substringAfter({t}, "e"), "+", "")) : '
        f'{ip} != "0" ? $length({ip}) - 1 : '
        f'-($length({fp}) - $length($replace({fp}, /^0+/, "")) + 1); '
        f'{d} := $replace({ip} & {fp}, /^0+/, ""); '
    )
    # f = x / 10**(e - 14) - n, n the 15 digits as an integer
    scaled = (
        f"{e} <= 14 ? ({q} := $power(10, 14 - {e}); "
        f"{_two_product(a, q, p, err, tmp)}({p} - {n}) + {err}) : "
        f"({q} := $power(10, {e} - 14); {_two_product(n, q, p, err, tmp)}"
        f"(({a} - {p}) - {err}) / {q})"
    )
    too_far = json_text_error(
        "json.dumps of a subnormal float, or of one needing 16 or 17 digits beyond 1e-8..1e37, "
        "is not written exactly on Step Functions"
    )

    def digits(places: int) -> str:  # the 15 digits and `places` more, rounded, as text
        step = 10**places
        return (
            f"({k} := $round({f} * {step}); {h} := {n} - ({k} < 0 ? 1 : 0); "
            f'$string({h}) & $pad($string(({k} + {step}) % {step}), -{places}, "0"))'
        )

    # [digits, the exponent of the last one]
    longer = (
        f'({n} := $number($substring($pad({d}, 15, "0"), 0, 15)); '
        f"{e} < -8 or {e} > 36 ? {too_far} : {f} := {scaled}; "
        f'$number({digits(1)} & "e" & ({e} - 15)) = {a} ? [{digits(1)}, {e} - 15] : '
        f"[{digits(2)}, {e} - 16])"
    )
    scientific = (
        f'$substring({d}, 0, 1) & ($length({d}) > 1 ? "." & $substring({d}, 1) : "") & "e" & '
        f'({e} < 0 ? "-" : "+") & $pad($string($abs({e})), -2, "0")'
    )
    body = (
        f'{a} = 0 ? "0.0" : {e} >= 16 or {e} < -4 ? {scientific} : '
        f'{e} < 0 ? "0." & $pad("", -{e} - 1, "0") & {d} : '
        f'$length({d}) <= {e} + 1 ? $pad({d}, {e} + 1, "0") & ".0" : '
        f'$substring({d}, 0, {e} + 1) & "." & $substring({d}, {e} + 1)'
    )
    return (
        f"({x} := {value}; {a} := $abs({x}); {t} := $string({a}); {parse}"
        f"{last} := {a} != 0 and {a} < 2.2250738585072014e-308 ? {too_far} : "
        f"$number({t}) = {a} ? [{d}, {e} - $length({d}) + 1] : {longer}; "
        f'{d} := $replace({last}[0], /^0+/, ""); {e} := {last}[1] + $length({d}) - 1; '
        f'{d} := $replace({d}, /0+$/, ""); '
        f'({x} < 0 ? "-" : "") & ({body}))'
    )


def json_text_error(message: str) -> str:
    """JSONata that fails the state with ``message`` (coded: the translator's FIAC615)."""
    return f"$error({json.dumps('FIAC615: ' + message)})"
