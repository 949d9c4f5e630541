"""Python expressions and their Workflows translation give the same values: Python's eval on
one side; on the other, a workflow that binds the variables and returns the translated
expression (with the steps lowering adds), run in workflows-emulator."""

from __future__ import annotations

import ast
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
