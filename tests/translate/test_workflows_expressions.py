"""Python expressions and their Workflows translation give the same values: Python's eval on
one side; on the other, a workflow that binds the variables and returns the translated
expression (with the steps lowering adds), run in workflows-emulator."""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator
from typing import Any

import pytest
from faas_iac_gcp.workflows import to_yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from faas_iac.translate import ir
from faas_iac.translate.expr import ExprConverter
from tests.translate.gcp_exec import GcpRunner, gcp_runner

ENV: dict[str, Any] = {
    "a": [1, 2, 3],
    "d": {"k": "v", "x": 2},
    "s": "hi",
    "n": 7,
    "e": [],
    "words": ["pear", "fig", "apple", "fig"],
}
EXPRESSIONS = [
    "[x * 2 for x in a if x > 1]",
    "[x for x in a if x > 1 if x < 3]",
    "sum(a)",
    "sum(x * 2 for x in a if x != 2)",
    "any(x > 2 for x in a)",
    "all(x > 2 for x in a)",
    "any(x > 2 for x in e)",
    "all(x > 2 for x in e)",
    "min(a)",
    "max(len(w) for w in words)",
    "list(reversed(words))",
    "sorted(words)",
    "sorted(words, reverse=True)",
    "sorted(a + [0])",
    "len([w for w in words if w != 'fig'])",
    "{**d, 'k': 1}",
    "{'k': 0, **d}",
    "{'total': sum(a), 'big': [x for x in a if x > 1]}",
    "s.startswith('h')",
    "s.startswith('hix')",
    "s.endswith('i')",
    "s.endswith('xhi')",
    "s.replace('h', 'ch')",
    "'a,,b'.split(',')",
    "'-'.join(words)",
    "', '.join([w.upper() for w in words if w != 'fig'])",
    "''.join(e)",
]


@pytest.fixture(scope="module")
def gcp() -> Iterator[GcpRunner]:
    with gcp_runner({}) as runner:
        yield runner


def _workflow(expr: str, env: dict[str, Any]) -> ir.Workflow:
    tree = ExprConverter("test.py", lambda node: None).convert(ast.parse(expr, mode="eval").body)
    steps: list[ir.Step] = [ir.Assign(k, ir.Index(ir.Var(ir.INPUT), ir.Const(k))) for k in env]
    return ir.Workflow("expr", (*steps, ir.Return(tree, 1)))


def _workflows(expr: str, env: dict[str, Any], gcp: GcpRunner) -> Any:
    outcome = gcp.run(to_yaml(_workflow(expr, env), gcp.names), env)
    assert outcome.status == "SUCCEEDED", (expr, outcome.error)
    return outcome.output


@pytest.mark.parametrize("expr", EXPRESSIONS)
def test_same_value_as_python(expr: str, gcp: GcpRunner) -> None:
    assert _workflows(expr, ENV, gcp) == eval(expr, {}, dict(ENV))


def test_max_of_nothing_fails_as_python_does(gcp: GcpRunner) -> None:
    outcome = gcp.run(to_yaml(_workflow("max(e)", ENV), gcp.names), ENV)
    assert outcome.status == "FAILED"
    with pytest.raises(ValueError) as python:
        max(ENV["e"])
    assert str(python.value) in str(outcome.error)


@settings(max_examples=15, deadline=None)
@given(
    xs=st.lists(st.integers(-20, 20), max_size=5),
    words=st.lists(st.text("abXY", max_size=3), max_size=4),
)
def test_lowered_folds_agree(xs: list[int], words: list[str], gcp: GcpRunner) -> None:
    env = {"xs": xs, "words": words}
    expr = (
        "{'sum': sum(x for x in xs if x % 2 == 0), 'any': any(x > 5 for x in xs), "
        "'all': all(x < 5 for x in xs), 'up': sorted(words), 'down': sorted(xs, reverse=True), "
        "'rev': list(reversed(words)), 'n': len([w for w in words if w != ''])}"
    )
    assert _workflows(expr, env, gcp) == eval(expr, {}, dict(env))


@settings(max_examples=15, deadline=None)
@given(text=st.text("ab,", max_size=6), part=st.text("ab,", max_size=2))
def test_string_methods_agree(text: str, part: str, gcp: GcpRunner) -> None:
    env = {"text": text, "part": part, "words": text.split(",")}
    expr = (
        "{'starts': text.startswith(part), 'ends': text.endswith(part), "
        "'split': text.split(','), 'joined': part.join(words), 'replaced': text.replace('a', part)}"
    )
    assert _workflows(expr, env, gcp) == eval(expr, {}, dict(env))


# -- builtins, methods and format specs added for the Durable Functions corpus ----------------
def python(expr: str, env: dict[str, Any]) -> Any:
    """Python's value of ``expr`` as JSON carries it (tuples are lists), the variables global
    so that comprehensions see them."""
    return json.loads(json.dumps(eval(expr, {"json": json, **env})))


MORE_ENV: dict[str, Any] = {
    **ENV,
    "t": "  Hello wORLD's 2nd\u3000",
    "pad": "\t\n x y \x85",
    "f": 2.675,
    "m": -7,
    "z": 0,
    "nothing": None,
    "pairs": [["a", 1], ["b", 2]],
    "price": 1234.5,
    "prices": {"pear": 3, "fig": 1, "apple": 2},
    "doc": '{"on": true, "n": [1, 2.5, null], "t": "\\u00e9"}',
}
MORE = [
    "t.strip()",
    "t.lstrip()",
    "t.rstrip()",
    "pad.strip()",
    "t.capitalize()",
    "t.title()",
    "s.zfill(5)",
    "str(m).zfill(5)",
    "round(f, 2)",
    "round(f)",
    "round(2.5)",
    "round(m / 2)",
    "round(n, 2)",
    "isinstance(n, (int, float))",
    "isinstance(True, (int, float))",
    "isinstance(s, (list, dict))",
    "isinstance(nothing, str)",
    "list(enumerate(words, 1))",
    "[i * x for i, x in enumerate(a)]",
    "list(prices.items())",
    "list(prices.values())",
    "list(zip(a, words))",
    "dict(pairs)",
    "dict(prices)",
    "len({w for w in words})",
    "a[1:]",
    "a[-2:]",
    "words[:-1]",
    "s[1:]",
    "a + words",
    "[a[i : i + 2] for i in range(0, len(a), 2)]",
    "list(range(10, 0, -3))",
    "min(words, key=len)",
    "max(prices, key=prices.get)",
    "sorted(words, key=len, reverse=True)",
    "words.index('fig')",
    "words.count('fig')",
    "'banana'.count('an')",
    "nothing or 'default'",
    "e or d",
    "s and n",
    "z or e or 'last'",
    "m // 2",
    "f // 1",
    "n % 3",
    "f'{f:.2f}'",
    "f'{price:>12,.2f}'",
    "f'{n:05d}'",
    "f'{m:+d}'",
    "f'{s:<6}|'",
    "f'{s:^7}|'",
    "f'{z / 8:.0%}'",
    "f'{price:,}'",
    "f'{m:=+8d}'",
    "json.loads(doc)",
    "json.loads(doc)['on'] and len(json.loads('[1, 2]'))",
]


@pytest.mark.parametrize("expr", MORE)
def test_more_same_value_as_python(expr: str, gcp: GcpRunner) -> None:
    assert _workflows(expr, MORE_ENV, gcp) == python(expr, MORE_ENV)


def test_index_of_a_missing_item_fails_as_python_does(gcp: GcpRunner) -> None:
    outcome = gcp.run(to_yaml(_workflow("words.index('kiwi')", ENV), gcp.names), ENV)
    assert outcome.status == "FAILED"
    assert "'kiwi' is not in list" in str(outcome.error)


@settings(max_examples=10, deadline=None)
@given(
    x=st.floats(-1e6, 1e6, allow_nan=False) | st.decimals(-1000, 1000, places=3).map(float),
    digits=st.integers(0, 4),
)
def test_round_is_half_to_even_on_the_exact_value(x: float, digits: int, gcp: GcpRunner) -> None:
    env = {"x": x}
    expr = f"[round(x), round(x, {digits})]"
    assert _workflows(expr, env, gcp) == python(expr, env)


SPECS = [
    "d",
    "5d",
    "+d",
    ",d",
    "<8d",
    "^9d",
    "=+7d",
    ".2f",
    ".0f",
    "10.3f",
    ",.2f",
    "+.1f",
    "_.4f",
    ".1%",
    ".0%",
    ">12,.2f",
    "*^14.3f",
    "08.2f",
    ">6",
    "<6",
]


@settings(max_examples=20, deadline=None)
@given(
    x=st.integers(-(10**7), 10**7)
    | st.floats(-1e7, 1e7, allow_nan=False)
    | st.decimals(-1000, 1000, places=3).map(float),
    spec=st.sampled_from(SPECS),
)
def test_format_specs_agree(x: float, spec: str, gcp: GcpRunner) -> None:
    expr = f"f'{{x:{spec}}}'"
    try:
        expected = python(expr, {"x": x})
    except ValueError:  # e.g. d of a float: the workflow fails too
        outcome = gcp.run(to_yaml(_workflow(expr, {"x": x}), gcp.names), {"x": x})
        assert outcome.status == "FAILED" and "Unknown format code" in str(outcome.error)
        return
    assert _workflows(expr, {"x": x}, gcp) == expected


WHITE = " \t\n\x0b\x0c\r\x1c\x85\xa0\u2003\u3000"


@settings(max_examples=10, deadline=None)
@given(text=st.text(WHITE + "aBç1'-ß", max_size=8), width=st.integers(0, 6))
def test_text_methods_agree(text: str, width: int, gcp: GcpRunner) -> None:
    env = {"text": text}
    expr = (
        "[text.strip(), text.lstrip(), text.rstrip(), text.capitalize(), text.title(), "
        f"text.zfill({width})]"
    )
    assert _workflows(expr, env, gcp) == python(expr, env)


JSON = (
    st.none()
    | st.booleans()
    | st.integers(-2, 2)
    | st.sampled_from([0.0, 1.5])
    | st.text("ab", max_size=1)
    | st.lists(st.integers(0, 1), max_size=1)
    | st.dictionaries(st.just("k"), st.integers(0, 1))
)


@settings(max_examples=10, deadline=None)
@given(a=JSON, b=JSON)
def test_and_or_return_an_operand(a: Any, b: Any, gcp: GcpRunner) -> None:
    env = {"a": a, "b": b}
    expr = "[a or b, a and b, not a, b if a else 'no', bool(a)]"
    assert _workflows(expr, env, gcp) == python(expr, env)


@settings(max_examples=20, deadline=None)
@given(
    xs=st.lists(st.integers(-5, 5), max_size=6),
    lo=st.none() | st.integers(-8, 8),
    hi=st.none() | st.integers(-8, 8),
    at=st.integers(-8, 8),
    step=st.integers(1, 3),
)
def test_collections_agree(
    xs: list[int], lo: int | None, hi: int | None, at: int, step: int, gcp: GcpRunner
) -> None:
    env = {"xs": xs, "lo": lo, "hi": hi, "at": at}
    expr = (
        f"[xs[lo:hi], list(enumerate(xs, at)), list(zip(xs, xs[1:])), xs.count(at), "
        f"sorted(xs, key=lambda v: v * v), [xs[i] for i in range(0, len(xs), {step})], "
        "xs + xs, sorted({v for v in xs}), dict(zip([str(v) for v in xs], xs)), at // 3, "
        "(at + 0.5) // 2]"
    )
    assert _workflows(expr, env, gcp) == python(expr, env)


#: JSON values with what Python's text escapes (quotes, backslashes, controls, DEL, characters
#: beyond ASCII, one beyond the Basic Multilingual Plane), integers and doubles (1.0 is not 1),
#: keys out of order.
_TEXT = st.text('zA "\\\n\t\r\b\f\x01\x7fé✓😀', max_size=4)
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.sampled_from([1.0, -2.5, 0.1, 1e-05])
    | _TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TEXT, inner, max_size=3),
    max_leaves=6,
)


@settings(max_examples=15, deadline=None)
@given(value=JSON_VALUES)
def test_json_text_agrees(value: Any, gcp: GcpRunner) -> None:
    env = {"v": value}
    expr = "[json.dumps(v), json.dumps(v, sort_keys=True), json.dumps([v, {'b': v, 'a': 1.0}])]"
    assert _workflows(expr, env, gcp) == python(expr, env)


def test_json_text_of_every_escape(gcp: GcpRunner) -> None:
    value = {"é": ["\x00\x1f\x7f\x80\u07ff\u0800\uffff\U00010000\U0010ffff", 'q"\\/', True]}
    env = {"v": value}
    expr = "[json.dumps(v), json.dumps(v, sort_keys=True)]"
    assert _workflows(expr, env, gcp) == python(expr, env)
