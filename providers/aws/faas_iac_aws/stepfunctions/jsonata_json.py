"""JSONata for ``json.dumps(value, sort_keys=...)`` as Python writes it: ``", "`` and ``": "``
separators, keys in insertion order or sorted, and every character beyond ASCII as a
``\\uXXXX`` escape (a surrogate pair beyond the Basic Multilingual Plane), which JSONata's
``$string`` leaves as it is. ``json.loads`` is Step Functions' ``$parse``.

A character's code point is read from its UTF-8 bytes (``$encodeUrlComponent``), since JSONata
has no function giving it. The regular expression takes a UTF-16 surrogate pair as one match
(JSONata in JavaScript sees two code units) or any other non-ASCII character.
"""

from __future__ import annotations

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
