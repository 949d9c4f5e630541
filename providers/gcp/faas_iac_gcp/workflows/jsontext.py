"""``json.dumps(value, sort_keys=...)`` as Python writes it, where Workflows'
``json.encode_to_string`` writes compact text with its own escapes: two helper subworkflows,
emitted once per definition and called by a ``call`` step (lowering names the value first).

:data:`DUMPS` ``(v, sort)`` writes Python's default text: ``", "`` and ``": "`` separators,
``true`` / ``false`` / ``null``, an integer's digits and a double's text as ``str()`` gives it
(``1.0`` stays ``1.0``: Workflows keeps integers and doubles apart, unlike JSONata), lists and
maps item by item (it calls itself: nesting costs one call level each), keys in insertion order
or sorted by code point (an insertion sort, stable, as ``sorted``).

:data:`TEXT` ``(s)`` quotes a string as ``ensure_ascii=True`` does: ``\\`` and ``"`` escaped,
``\\b \\f \\n \\r \\t`` by name, every other character outside printable ASCII (controls, DEL
and beyond) as ``\\uXXXX`` in lower-case hex, a surrogate pair beyond the Basic Multilingual
Plane. A character's code point is read from its UTF-8 bytes as ``text.url_encode`` writes
them (``%E2%82%AC``), since no Workflows function gives it. No expression here holds a
backslash: the backslash and the quote are plain YAML values bound to variables first.
"""

from __future__ import annotations

from typing import Any

DUMPS = "faas_iac_json"
TEXT = "faas_iac_json_text"

_DIGITS = '"0123456789abcdef"'
_HEX = {**{f"{n:X}": n for n in range(16)}, **{f"{n:x}": n for n in range(10, 16)}}


def _digit(n: str) -> str:
    return f"text.substring({_DIGITS}, {n}, {n} + 1)"


def _u4(code: str) -> str:
    """The ``\\uXXXX`` escape of a code unit (an expression), ``bs`` holding a backslash."""
    digits = " + ".join(_digit(f"{code} // {p} % 16") for p in (4096, 256, 16, 1))
    return f'bs + "u" + {digits}'


def _when(name: str, condition: str, body: dict[str, Any]) -> dict[str, Any]:
    return {name: {"switch": [{"condition": condition, **body}]}}


def text_helper() -> dict[str, Any]:
    """``(s) -> json.dumps(s)`` for a string ``s``."""
    named = {8: "b", 9: "t", 10: "n", 12: "f", 13: "r"}
    escape = [
        {"condition": f"${{code == {code}}}", "assign": [{"e": f'${{bs + "{letter}"}}'}]}
        for code, letter in named.items()
    ]
    escape += [
        {"condition": "${code < 65536}", "assign": [{"e": "${" + _u4("code") + "}"}]},
        {
            "condition": "${true}",
            "assign": [
                {"d": "${code - 65536}"},
                {"e": "${" + _u4("(55296 + d // 1024)") + " + " + _u4("(56320 + d % 1024)") + "}"},
            ],
        },
    ]
    # a UTF-8 byte's bits: the first byte's after its length marker, the others' after 10
    bits = (
        "${code * 64 + hex[text.substring(h, 0, 1)] * 16 + hex[text.substring(h, 1, 2)]"
        " - if(k == 0, [0, 0, 192, 224, 240][len(hs)], 128)}"
    )
    escaped = [
        {
            "utf8": {
                "assign": [
                    {"u": "${text.url_encode(c)}"},
                    {"hs": '${text.split(text.substring(u, 1, len(u)), "%")}'},
                    {"code": 0},
                ]
            }
        },
        {
            "each_byte": {
                "for": {
                    "value": "h",
                    "index": "k",
                    "in": "${hs}",
                    "steps": [{"add_bits": {"assign": [{"code": bits}]}}],
                }
            }
        },
        {"escape": {"switch": escape}},
        {"escaped": {"assign": [{"out": "${out + e}"}]}},
    ]
    one_char = [
        {"char": {"assign": [{"c": "${text.substring(t, i, i + 1)}"}]}},
        {
            "kind": {
                "switch": [
                    {
                        "condition": '${text.match_regex(c, "^[ -~]$")}',
                        "assign": [{"out": "${out + c}"}],
                    },
                    {"condition": "${true}", "steps": escaped},
                ]
            }
        },
    ]
    return {
        "params": ["s"],
        "steps": [
            {"start": {"assign": [{"bs": "\\"}, {"q": '"'}, {"hex": _HEX}, {"out": ""}]}},
            {"backslashes": {"assign": [{"t": "${text.replace_all(s, bs, bs + bs)}"}]}},
            {"quotes": {"assign": [{"t": "${text.replace_all(t, q, bs + q)}"}]}},
            _when("plain", '${not(text.match_regex(t, "[^ -~]"))}', {"return": "${q + t + q}"}),
            {
                "each_char": {
                    "for": {"value": "i", "range": "${[0, len(t) - 1]}", "steps": one_char}
                }
            },
            {"done": {"return": "${q + out + q}"}},
        ],
    }


def dumps_helper() -> dict[str, Any]:
    """``(v, sort) -> json.dumps(v, sort_keys=sort)``."""
    insert_key = [  # before the first placed key it sorts before, as sorted() places it
        {"insert": {"assign": [{"grown": []}, {"placed": False}]}},
        {
            "scan": {
                "for": {
                    "value": "other",
                    "in": "${ks}",
                    "steps": [
                        _when(
                            "before",
                            "${not(placed) and key < other}",
                            {"assign": [{"grown": "${list.concat(grown, key)}"}, {"placed": True}]},
                        ),
                        {"keep": {"assign": [{"grown": "${list.concat(grown, other)}"}]}},
                    ],
                }
            }
        },
        _when("last", "${not(placed)}", {"assign": [{"grown": "${list.concat(grown, key)}"}]}),
        {"sorted": {"assign": [{"ks": "${grown}"}]}},
    ]
    sorting = [
        {"no_keys": {"assign": [{"ks": []}]}},
        {"each_key": {"for": {"value": "key", "in": "${keys(v)}", "steps": insert_key}}},
    ]
    entry = {"assign": [{"out": "${out + sep + part}"}, {"sep": ", "}]}
    each_key = [
        {"key_text": {"call": TEXT, "args": {"s": "${key}"}, "result": "kt"}},
        {
            "value_text": {
                "call": DUMPS,
                "args": {"v": "${v[key]}", "sort": "${sort}"},
                "result": "vt",
            }
        },
        {"entry": {"assign": [{"out": '${out + sep + kt + ": " + vt}'}, {"sep": ", "}]}},
    ]
    each_item = [
        {
            "item_text": {
                "call": DUMPS,
                "args": {"v": "${item}", "sort": "${sort}"},
                "result": "part",
            }
        },
        {"entry": entry},
    ]
    number = '${t in ["int", "integer", "double", "float"]}'
    return {
        "params": ["v", "sort"],
        "steps": [
            {"start": {"assign": [{"t": "${get_type(v)}"}, {"out": ""}, {"sep": ""}]}},
            {
                "scalar": {
                    "switch": [
                        {"condition": '${t == "null"}', "return": "null"},
                        {
                            "condition": '${t in ["bool", "boolean"]}',
                            "return": '${if(v, "true", "false")}',
                        },
                        {"condition": number, "return": "${string(v)}"},  # str(): 1.0 is 1.0
                        {"condition": '${t == "string"}', "next": "string"},
                        {"condition": '${t == "list"}', "next": "list"},
                    ]
                }
            },
            {"map": {"assign": [{"ks": "${keys(v)}"}, {"open": "{"}, {"close": "}"}]}},
            _when("sorting", "${sort}", {"steps": sorting}),
            {"each_key": {"for": {"value": "key", "in": "${ks}", "steps": each_key}}},
            {"map_done": {"return": "${open + out + close}"}},
            {"string": {"call": TEXT, "args": {"s": "${v}"}, "result": "out"}},
            {"string_done": {"return": "${out}"}},
            {"list": {"for": {"value": "item", "in": "${v}", "steps": each_item}}},
            {"list_done": {"return": '${"[" + out + "]"}'}},
        ],
    }
