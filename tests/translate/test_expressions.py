"""Python expressions and their JSONata translation give the same values: Python's own eval on
one side, jsonata-python (the JSONata engine moto's Step Functions uses here) on the other."""

from __future__ import annotations

import ast
import json
from typing import Any

import jsonata
import pytest
from faas_iac_aws.stepfunctions.jsonata import jsonata as to_jsonata
from hypothesis import given, settings
from hypothesis import strategies as st

from faas_iac.translate.expr import ExprConverter

ENV: dict[str, Any] = {
    "a": [1, 2, 3],
    "d": {"k": "v", "n": None, "x": 2},
    "s": "hi",
    "n": 7,
    "m": -3,
    "t": True,
    "e": [],
    "f": 2.5,
    "words": ["ab", "c"],
}
EXPRESSIONS = [
    "a + [4]",
    "s + '!'",
    "n % m",
    "-7 % 3",
    "n // 2",
    "-n // 2",
    "n / 2",
    "n ** 2",
    "[x * 2 for x in a if x > 1]",
    "[w.upper() for w in words]",
    "len(a)",
    "len(s)",
    "len(d)",
    "str(t)",
    "str(n)",
    "f'{s}-{n}-{t}'",
    "d.get('zz', 5)",
    "d.get('n')",
    "d.get('x')",
    "'k' in d",
    "1 in a",
    "'h' in s",
    "4 not in a",
    "a and s",
    "e or n",
    "not e",
    "not a",
    "d['k']",
    "a[0]",
    "a[-1]",
    "n if t else m",
    "n if e else m",
    "int('12')",
    "int(-2.5)",
    "int(f)",
    "float(n)",
    "max(n, m)",
    "min(a)",
    "sum(a)",
    "abs(m)",
    "d['n'] is None",
    "d['k'] is not None",
    "e == []",
    "a == [1, 2, 3]",
    "s.upper()",
    "s.lower()",
    "{'x': [y for y in a], 'b': n > 3}",
    "[x + 1 for x in [5]]",
    "n > 3 and m < 0",
    "n > 3 or m > 0",
    "1 < n < 10",
    "bool(e)",
    "bool(s)",
    "sum(x * 2 for x in a if x > 1)",
    "[x for x in a if x > 1 if x < 3]",
    "any(x > 2 for x in a)",
    "all(x > 2 for x in a)",
    "any(e)",
    "all(e)",
    "any(words)",
    "all([1, '', 2])",
    "max(len(w) for w in words)",
    "sorted(a, reverse=True)",
    "sorted(words)",
    "sorted([5])",
    "list(reversed(a))",
    "[w for w in reversed(words)]",
    "list(a)",
    "list(d)",
    "list(s)",
    "list(e)",
    "len([x for x in a if x != 2])",
    "{**d, 'k': 1}",
    "{s: n}",
    "{**d, **{'z': 1}, 'x': 5}",
    "{'a': 1, s: 2, 'a': 3}",
    "{**d}",
    "{'k': 0, **d}",
    "s.startswith('h')",
    "s.startswith('hix')",
    "s.endswith('i')",
    "s.endswith('')",
    "s.replace('h', 'ch')",
    "'a,,b'.split(',')",
    "'  a  b c '.split()",
    "''.split()",
    "'-'.join(words)",
    "', '.join([w.upper() for w in words])",
]


def _python(expr: str, env: dict[str, Any]) -> Any:
    return eval(expr, {}, dict(env))


def _jsonata(expr: str, env: dict[str, Any]) -> Any:
    tree = ExprConverter("test.py", lambda node: None).convert(ast.parse(expr, mode="eval").body)
    bind = "; ".join(f"${k} := {json.dumps(v)}" for k, v in env.items())
    value = jsonata.Jsonata(f"({bind}; {to_jsonata(tree)})").evaluate(None)
    return json.loads(json.dumps(value))


@pytest.mark.parametrize("expr", EXPRESSIONS)
def test_same_value_as_python(expr: str) -> None:
    assert _jsonata(expr, ENV) == _python(expr, ENV)


@settings(max_examples=60, deadline=None)
@given(
    x=st.integers(-50, 50),
    y=st.integers(-9, 9).filter(bool),
    words=st.lists(st.text("abcXYZ", max_size=3), max_size=4),
)
def test_arithmetic_and_lists_agree(x: int, y: int, words: list[str]) -> None:
    env = {"x": x, "y": y, "words": words}
    for expr in (
        "x % y",
        "x // y",
        "x + y * 2",
        "x - y",
        "-x % y",
        "abs(x) > y",
        "len(words)",
        "[w + '!' for w in words]",
        "words + ['z']",
        "x if words else y",
        "'a' in words",
        "f'{x}:{len(words)}'",
        "sorted(words)",
        "sorted(words, reverse=True)",
        "any(w == 'a' for w in words)",
        "all(w for w in words)",
        "sum(len(w) for w in words if w)",
        "list(reversed(words))",
        "[w for w in words if len(w) > 1 if w != 'ab']",
    ):
        assert _jsonata(expr, env) == _python(expr, env), expr


@settings(max_examples=60, deadline=None)
@given(
    text=st.text(" \t\nabAB,", max_size=8),
    part=st.text("ab,", max_size=2),
    words=st.lists(st.text("abXY", max_size=3), max_size=4),
)
def test_string_methods_agree(text: str, part: str, words: list[str]) -> None:
    env = {"text": text, "part": part, "words": words}
    for expr in (
        "text.startswith(part)",
        "text.endswith(part)",
        "text.split(',')",
        "text.split()",
        "part.join(words)",
        "text.replace('a', part)",
    ):
        assert _jsonata(expr, env) == _python(expr, env), expr
