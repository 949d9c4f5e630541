"""Python expressions and their JSONata translation give the same values: Python's own eval on
one side, jsonata-python (the JSONata engine moto's Step Functions uses here) on the other."""

from __future__ import annotations

import ast
import json
import subprocess
from pathlib import Path
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
    # collections
    "list(zip(a, words))",
    "list(zip(a, words, a))",
    "list(enumerate(words))",
    "list(enumerate(words, start=1))",
    "[i * 2 for i, w in enumerate(words)]",
    "list(d.items())",
    "[k for k, v in d.items() if v]",
    "dict(zip(words, a))",
    "{w: i for i, w in enumerate(words)}",
    "dict(d)",
    "len({x % 2 for x in a})",
    "sorted({w[0] for w in words + ['a']})",
    "a[1:]",
    "a[:-1]",
    "a[::-1]",
    "a[::2]",
    "a[-2:]",
    "s[1:]",
    "s[::-1]",
    "list(range(0, 7, 3))",
    "list(range(5, 0, -2))",
    "a.index(2)",
    "a.count(2)",
    "'banana'.count('an')",
    "'banana'.count('')",
    "'banana'.index('na')",
    "isinstance(s, str)",
    "isinstance(a, (list, tuple))",
    "isinstance(d, dict)",
    "isinstance(n, (int, float))",
    "isinstance(t, (int, float))",
    "isinstance(None, type(None))",
    "[[1, 2], [3]]",
    "[a, e, [s]]",
    "[[x, x] for x in a]",
    "e or [0]",
    "d.get('n') or 'none'",
    # min / max / sorted with a key
    "max(d, key=len)",
    "min(words, key=len)",
    "max(words, key=lambda w: (len(w), w))",
    "sorted(words, key=len)",
    "sorted(words, key=lambda w: w[-1], reverse=True)",
    "sorted(d.items(), key=lambda kv: str(kv[1]))",
    "min(a, key=lambda x: -x)",
    # numbers
    "round(2.5)",
    "round(3.5)",
    "round(-2.5)",
    "round(2.675, 2)",
    "round(f, 1)",
    "abs(-f)",
    # text
    "'hello wORLD'.title()",
    "\"they're bill's\".title()",
    "'a1b2 c'.title()",
    "'hELLO'.capitalize()",
    "'42'.zfill(5)",
    "'-42'.zfill(5)",
    "'12345'.zfill(3)",
    "'  x  '.lstrip()",
    "'  x  '.rstrip()",
    "'{} and {}'.format(s, n)",
    "'{1}-{0}'.format(s, n)",
    # format specs
    "f'{n:05d}'",
    "f'{f:.2f}'",
    "f'{-f:.1f}'",
    "f'{1234567.891:,.2f}'",
    "f'{s:<6}|'",
    "f'{s:>6}|'",
    "f'{s:^7}|'",
    "f'{s:*^7}|'",
    "f'{n:>5}'",
    "f'{m:+d}'",
    "f'{0.125:.0%}'",
    "f'{0.5:.1%}'",
    "f'{2.675:.2f}'",
    "f'{0.125:.2f}'",
    "f'{1e16:.0f}'",
    "f'{n:,}'",
    "f'{t}'",
    # a list literal indexed, then read (JSONata's `[a, b][1].k` is undefined)
    "[d, {'k': 2}][1]['k']",
    "[[1, 2], [3]][0][1]",
    # json
    "json.dumps(d)",
    "json.dumps(d, sort_keys=True)",
    "json.dumps([s, n, t, None, {}, []])",
    'json.loads(\'{"b": [1, 2.5, null], "a": "x"}\')',
]


def _python(expr: str, env: dict[str, Any]) -> Any:
    value = eval(expr, {"json": json, **env})  # globals: comprehensions see the variables
    return json.loads(json.dumps(value))  # tuples are JSON arrays


def _jsonata(expr: str, env: dict[str, Any]) -> Any:
    """The value jsonata-python gives the translation, bound to ``env``."""
    tree = ExprConverter("test.py", lambda node: None).convert(ast.parse(expr, mode="eval").body)
    bind = "; ".join(f"${k} := {json.dumps(v)}" for k, v in env.items())
    evaluator = jsonata.Jsonata(f"({bind}; {to_jsonata(tree)})")
    # Step Functions' own $parse (JSON text to a value); plain JSONata has none
    evaluator.register_lambda("parse", json.loads)
    return json.loads(json.dumps(evaluator.evaluate(None)))


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


@settings(max_examples=80, deadline=None)
@given(
    x=st.floats(-1e6, 1e6, allow_nan=False) | st.integers(-(10**6), 10**6),
    digits=st.integers(0, 4),
)
def test_fixed_point_formats_round_like_python(x: float, digits: int) -> None:
    env = {"x": x}
    for spec in (f".{digits}f", f"+.{digits}f", f",.{digits}f", f">14.{digits}f", f".{digits}%"):
        expr = f"f'{{x:{spec}}}'"
        assert _jsonata(expr, env) == _python(expr, env), expr
    assert _jsonata(f"round(x, {digits})", env) == _python(f"round(x, {digits})", env)


@given(
    x=st.integers(-(10**9), 10**9),
    width=st.integers(0, 12),
    text=st.text("ab ", max_size=4),
)
@settings(max_examples=60, deadline=None)
def test_integer_and_text_formats_agree(x: int, width: int, text: str) -> None:
    env = {"x": x, "t": text}
    for spec in (f"0{width}d", f"{width}d", ",", f"+{width},d", "_"):
        expr = f"f'{{x:{spec}}}'"
        assert _jsonata(expr, env) == _python(expr, env), expr
    for spec in (f"<{width}", f">{width}", f"^{width}", f"-^{width}", f".{width % 3}s"):
        expr = f"f'{{t:{spec}}}|'"
        assert _jsonata(expr, env) == _python(expr, env), expr


@settings(max_examples=60, deadline=None)
@given(
    xs=st.lists(st.integers(-5, 5), max_size=6),
    words=st.lists(st.text("abAB '1", max_size=4), max_size=4),
    i=st.integers(-7, 7),
    j=st.integers(-7, 7),
    k=st.integers(-3, 3).filter(bool),
)
def test_collections_and_text_methods_agree(
    xs: list[int], words: list[str], i: int, j: int, k: int
) -> None:
    env = {"xs": xs, "words": words, "i": i, "j": j, "k": k}
    for expr in (
        "xs[i:j:k]",
        "xs[i:]",
        "xs[:j]",
        "' '.join(words)[i:j:k]",
        "list(zip(xs, words))",
        "list(enumerate(words, i))",
        "dict(zip(words, xs))",
        "sorted(xs, key=lambda x: (x % 2, -x))",
        "sorted(words, key=len, reverse=True)",
        "[w.title() for w in words]",
        "[w.capitalize() for w in words]",
        "[w.zfill(i) for w in words]",
        "xs.count(j)",
        "' '.join(words).count('a')",
        "len({x for x in xs})",
        "list(range(i, j, k))",
        "[[x] for x in xs]",
    ):
        assert _jsonata(expr, env) == _python(expr, env), expr
    if xs:
        for expr in ("max(xs, key=lambda x: x % 3)", "min(xs, key=abs)", "xs.index(xs[-1])"):
            assert _jsonata(expr, env) == _python(expr, env), expr


#: JSON values whose text Python and JSONata write alike: no floats (JSONata writes 1.0 as 1),
#: text with quotes, backslashes, controls and characters beyond ASCII (one beyond the BMP).
_TEXT = st.text('aZ "\\\n\t\x01é✓😀', max_size=4)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**6), 10**6) | _TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TEXT, inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=60, deadline=None)
@given(value=_JSON)
def test_json_text_agrees(value: Any) -> None:
    env = {"v": value, "j": json.dumps(value)}
    for expr in ("json.dumps(v)", "json.dumps(v, sort_keys=True)", "json.loads(j)"):
        assert _jsonata(expr, env) == _python(expr, env), expr


#: JSONata in JavaScript, the engine Step Functions runs (asl-validator's own dependency).
NODE_JSONATA = Path(__file__).resolve().parents[2] / "node_modules" / "jsonata"
_NODE = """
const jsonata = require(process.argv[1]);
(async () => {
  const out = [];
  for (const text of JSON.parse(require("fs").readFileSync(0, "utf8"))) {
    const e = jsonata(text);
    e.registerFunction("parse", (s) => JSON.parse(s));  // Step Functions' $parse
    out.push(await e.evaluate(null));
  }
  console.log(JSON.stringify(out));
})();
"""


def test_json_text_agrees_on_javascript_jsonata() -> None:
    """jsonata-python's $string escapes what JavaScript's leaves as it is (non-ASCII text):
    the translations are also run by the JavaScript JSONata that Step Functions runs."""
    assert NODE_JSONATA.exists(), "run npm install (asl-validator brings jsonata)"
    values: list[Any] = [
        {"b": [1, {"z": None, "a": True}], "a": 'é ✓ 😀 "q" \\ \n\x01'},
        [],
        {},
        [[1], {"é": "ü"}],
        "plain",
        -7,
    ]
    cases = []
    for value in values:
        env = {"v": value, "j": json.dumps(value)}
        for expr in ("json.dumps(v)", "json.dumps(v, sort_keys=True)", "json.loads(j)"):
            tree = ExprConverter("test.py", lambda node: None).convert(
                ast.parse(expr, mode="eval").body
            )
            bind = "; ".join(f"${k} := {json.dumps(v)}" for k, v in env.items())
            cases.append((expr, f"({bind}; {to_jsonata(tree)})", _python(expr, env)))
    run = subprocess.run(
        ["node", "-e", _NODE, str(NODE_JSONATA)],
        input=json.dumps([text for _, text, _ in cases]),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    for (expr, _, want), got in zip(cases, json.loads(run.stdout), strict=True):
        assert got == want, expr


def _ir_value(e: Any, env: dict[str, Any]) -> Any:
    """The value jsonata-python gives an IR expression (a statement's rewrite), bound to env."""
    bind = "; ".join(f"${k} := {json.dumps(v)}" for k, v in env.items())
    value = jsonata.Jsonata(f"({bind}; {to_jsonata(e)})").evaluate(None)
    return json.loads(json.dumps(value))


@settings(max_examples=60, deadline=None)
@given(
    xs=st.lists(st.integers(-5, 5), max_size=5),
    d=st.dictionaries(st.text("abc", max_size=2), st.integers(-5, 5), max_size=3),
    i=st.integers(-7, 7),
    k=st.text("abc", max_size=2),
    v=st.integers(-9, 9),
)
def test_container_updates_agree(xs: list[int], d: dict[str, int], i: int, k: str, v: int) -> None:
    """The copies ``xs.insert(i, v)``, ``d[k] = v``, ``xs[i] = v``, ``del d[k]`` and
    ``del xs[i]`` become (``insert``, ``set_item``, ``without``), against Python's own."""
    from faas_iac.translate import ir

    env = {"xs": xs, "d": d}
    xs_, d_ = ir.Var("xs"), ir.Var("d")
    inserted = list(xs)
    inserted.insert(i, v)
    assert _ir_value(ir.Builtin("insert", (xs_, ir.Const(i), ir.Const(v))), env) == inserted
    assert _ir_value(ir.Builtin("set_item", (d_, ir.Const(k), ir.Const(v))), env) == {**d, k: v}
    if k in d:
        assert _ir_value(ir.Builtin("without", (d_, ir.Const(k))), env) == {
            key: value for key, value in d.items() if key != k
        }
    if -len(xs) <= i < len(xs):
        changed, dropped = list(xs), list(xs)
        changed[i] = v
        del dropped[i]
        assert _ir_value(ir.Builtin("set_item", (xs_, ir.Const(i), ir.Const(v))), env) == changed
        assert _ir_value(ir.Builtin("without", (xs_, ir.Const(i))), env) == dropped


#: Floats whose text differs between notations: integral ones, around the exponent bounds of
#: Python's repr (1e-4, 1e16) and of JavaScript's String (1e-7, 1e21), the extremes.
FLOATS = [
    *(0.0, 1.0, -2.5, 0.1, 100.0, 123456789.125, 0.0001, 0.00012, 1e-05, 1.5e-07, 1e-07),
    *(9999999999999998.0, 1e16, 1.5e16, 1e21, 1.25e21, 0.30000000000000004, 1e300, 1 / 3),
]


def _float_text(x: float) -> str:
    from faas_iac_aws.stepfunctions.jsonata_json import float_text

    temps = iter(range(1, 100))
    return float_text(json.dumps(x), lambda: f"$f{next(temps)}")


@settings(max_examples=150, deadline=None)
@given(
    x=st.floats(-1e300, 1e300)
    | st.floats(1e-8, 1e37).map(lambda v: v * 3.0)
    | st.sampled_from(FLOATS)
    | st.integers(-(10**6), 10**6).map(lambda i: i / 1000)
)
def test_float_text_agrees(x: float) -> None:
    """``json.dumps`` of a float, which JSONata's one number type would write as an int when
    integral: its repr; or, for a float needing 16-17 digits outside 1e-8..1e37, a failure
    naming why (never other digits)."""
    try:
        got = jsonata.Jsonata(_float_text(x)).evaluate(None)
    except jsonata.JException as exc:
        assert "FIAC615" in str(exc) and not 1e-8 <= abs(x) < 1e37, x  # or subnormal
        return
    assert got == json.dumps(x)


def test_float_text_agrees_on_javascript_jsonata() -> None:
    import random

    draw = random.Random(11)
    xs = FLOATS + [draw.choice([-1, 1]) * 10 ** draw.uniform(-7.9, 25) for _ in range(150)]
    xs += [float(round(x)) for x in xs[-40:]]
    run = subprocess.run(
        ["node", "-e", _NODE, str(NODE_JSONATA)],
        input=json.dumps([_float_text(x) for x in xs]),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert json.loads(run.stdout) == [json.dumps(x) for x in xs]


@given(st.integers(min_value=0, max_value=4_102_444_800_000))
def test_a_timers_time_stamp_is_a_whole_second_never_before_it_is_due(millis: int) -> None:
    """A Wait state drops a time stamp's milliseconds: the emitted one has none, and is the
    first whole second at or after the timer's instant (jsonata-python evaluates it)."""
    from datetime import UTC, datetime, timedelta

    from faas_iac_aws.stepfunctions.asl import whole_second

    stamp = jsonata.Jsonata(whole_second(str(millis))).evaluate(None)
    at = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    due = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=millis)
    assert at.microsecond == 0 and due <= at < due + timedelta(seconds=1), (millis, stamp)
