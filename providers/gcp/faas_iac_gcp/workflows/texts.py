"""Text that Python makes and Workflows expressions cannot: ``format(value, spec)`` (f-string
format specs) and ``str.title()``, as helper subworkflows emitted once per definition and
called by a ``call`` step (lowering names each such value first).

:data:`FORMAT` follows Python's mini-language for the specs :mod:`faas_iac.translate.formats`
accepts: types ``d``, ``f``/``F``, ``%``, ``s`` or none; fill, alignment (``<``, ``>``, ``^``,
``=``), sign, zero padding, width, ``,``/``_`` grouping and precision. Fixed-point digits are
rounded half to even on the exact binary value, as Python does (the same exact product as
``round``; see :mod:`.lower`). Limits, as Workflows' integers are 64-bit: a fixed-point value
times ``10**precision`` stays under 2**63.
"""

from __future__ import annotations

from typing import Any

from faas_iac.translate.formats import FormatSpec

FORMAT = "faas_iac_format"
TITLE = "faas_iac_title"
#: What a helper's call passes: the parsed spec's fields (the value comes first).
_POWERS = [10**n for n in range(16)]


def format_args(spec: FormatSpec) -> dict[str, Any]:
    return {
        "type": spec.type,
        "prec": spec.precision,
        "width": spec.width,
        "align": spec.align,
        "zero": spec.zero,
        "fill": spec.padding,
        "sign": spec.sign,
        "group": spec.grouping,
    }


def _raise(message: str) -> dict[str, Any]:
    return {"message": message, "tags": ["ValueError"]}


def format_helper() -> dict[str, Any]:
    """``(v, type, prec, width, align, zero, fill, sign, group) -> format(v, spec)``."""
    kind_error = (
        '${"Unknown format code \'" + type + "\' for object of type \'" + '
        'if(t == "string", "str", if(t == "double", "float", t)) + "\'"}'
    )
    fixed = [
        {"x": '${if(type == "%", double(v) * 100, double(v))}'},
        {"neg": "${x < 0}"},
        {"a": "${math.abs(x)}"},
        {"p": "${default(prec, 6)}"},
        {"scale": "${" + str(_POWERS) + "[p]}"},
        {"y": "${a * scale}"},
        {"f": "${math.floor(y)}"},
        {"c": "${134217729 * a}"},
        {"ah": "${c - (c - a)}"},
        {"al": "${a - ah}"},
        {"c": "${134217729 * double(scale)}"},
        {"sh": "${c - (c - scale)}"},
        {"sl": "${scale - sh}"},
        {"e": "${((ah * sh - y) + ah * sl + al * sh) + al * sl}"},
        {"d": "${y - f}"},
        {"k": "${f + if(d > 0.5 or (d == 0.5 and (e > 0 or (e == 0 and f % 2 != 0))), 1, 0)}"},
        {"ks": "${string(k)}"},
        {"ks": '${text.substring("0000000000000000", 0, math.max(p + 1 - len(ks), 0)) + ks}'},
        {"digits": "${text.substring(ks, 0, len(ks) - p)}"},
        {"frac": '${if(p > 0, "." + text.substring(ks, len(ks) - p, len(ks)), "")}'},
        {"suffix": '${if(type == "%", "%", "")}'},
    ]

    def when(name: str, condition: str, body: dict[str, Any]) -> dict[str, Any]:
        return {name: {"switch": [{"condition": condition, **body}]}}

    each_digit = {
        "for": {
            "value": "i",
            "range": "${[0, n - 1]}",
            "steps": [
                when(
                    "separator",
                    "${i > 0 and (n - i) % 3 == 0}",
                    {"assign": [{"g": "${g + group}"}]},
                ),
                {"digit": {"assign": [{"g": "${g + text.substring(digits, i, i + 1)}"}]}},
            ],
        }
    }
    numeric = '${mode != "text"}'
    steps: list[dict[str, Any]] = [
        {
            "start": {
                "assign": [
                    {"t": "${get_type(v)}"},
                    {"mode": "fixed"},
                    {"neg": False},
                    {"digits": ""},
                    {"frac": ""},
                    {"suffix": ""},
                    {"lead": ""},
                    {"body": ""},
                ]
            }
        },
        {
            "by_type": {
                "switch": [
                    {
                        "condition": '${t == "string" and (type == "s" or type == "")}',
                        "assign": [{"mode": "text"}, {"body": "${v}"}],
                    },
                    {"condition": '${t == "string" or type == "s"}', "raise": _raise(kind_error)},
                    {"condition": '${type == "d" and t != "int"}', "raise": _raise(kind_error)},
                    {
                        "condition": '${type == "d" or (type == "" and t == "int")}',
                        "assign": [{"mode": "whole"}],
                    },
                    {"condition": '${type == ""}', "assign": [{"mode": "plain"}]},
                ]
            }
        },
        when(
            "cut",
            '${mode == "text" and prec != null}',
            {"assign": [{"body": "${text.substring(v, 0, prec)}"}]},
        ),
        when(
            "whole",
            '${mode == "whole" or mode == "plain"}',
            {"assign": [{"neg": "${v < 0}"}, {"digits": "${string(math.abs(v))}"}]},
        ),
        when(  # str(a float): its integer digits are grouped, the rest kept
            "point",
            '${mode == "plain"}',
            {
                "assign": [
                    {"parts": '${text.split(digits, ".")}'},
                    {"digits": "${parts[0]}"},
                    {"frac": '${if(len(parts) > 1, "." + parts[len(parts) - 1], "")}'},
                ]
            },
        ),
        when("fixed", '${mode == "fixed"}', {"assign": fixed}),
        when(
            "grouped",
            '${group != ""}',
            {
                "steps": [
                    {"group_start": {"assign": [{"g": ""}, {"n": "${len(digits)}"}]}},
                    {"each_digit": each_digit},
                    {"group_end": {"assign": [{"digits": "${g}"}]}},
                ]
            },
        ),
        when(
            "signed",
            numeric,
            {
                "assign": [
                    {"lead": '${if(neg, "-", if(sign == "+", "+", if(sign == " ", " ", "")))}'},
                    {"body": "${digits + frac + suffix}"},
                ]
            },
        ),
        {
            "pad": {
                "assign": [
                    {"align": '${default(align, if(mode == "text", "<", if(zero, "=", ">")))}'},
                    {"n": "${width - len(lead) - len(body)}"},
                    {"padding": ""},
                ]
            }
        },
        {
            "each_fill": {
                "for": {
                    "value": "i",
                    "range": "${[1, n]}",
                    "steps": [{"one_fill": {"assign": [{"padding": "${padding + fill}"}]}}],
                }
            }
        },
        {
            "aligned": {
                "switch": [
                    {"condition": '${align == "<"}', "return": "${lead + body + padding}"},
                    {"condition": '${align == "="}', "return": "${lead + padding + body}"},
                    {
                        "condition": '${align == "^"}',
                        "return": "${text.substring(padding, 0, n // 2) + lead + body + "
                        "text.substring(padding, n // 2, len(padding))}",
                    },
                ]
            }
        },
        {"right": {"return": "${padding + lead + body}"}},
    ]
    return {
        "params": ["v", "type", "prec", "width", "align", "zero", "fill", "sign", "group"],
        "steps": steps,
    }


def title_helper() -> dict[str, Any]:
    """``(s) -> s.title()``: each letter after a letter lower case, every other upper case (a
    letter: a character whose upper and lower cases differ)."""
    return {
        "params": ["s"],
        "steps": [
            {"start": {"assign": [{"out": ""}, {"prev": False}]}},
            {
                "each_char": {
                    "for": {
                        "value": "i",
                        "range": "${[0, len(s) - 1]}",
                        "steps": [
                            {
                                "cases": {
                                    "assign": [
                                        {"c": "${text.substring(s, i, i + 1)}"},
                                        {"up": "${text.to_upper(c)}"},
                                        {"low": "${text.to_lower(c)}"},
                                        {
                                            "out": "${out + if(prev, low, text.substring(up, 0, "
                                            "1) + text.to_lower(text.substring(up, 1, len(up))))}"
                                        },
                                        {"prev": "${up != low}"},
                                    ]
                                }
                            }
                        ],
                    }
                }
            },
            {"done": {"return": "${out}"}},
        ],
    }
