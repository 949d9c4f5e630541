"""The refusal corpus: every orchestrator in tests/translate/corpus/refused.py is refused with
exactly one coded error, located at the line marked ``# expect FIACxxx``; and the targets'
own refusals (an expression Workflows cannot express) are coded and located too."""

from __future__ import annotations

import inspect
import json
import re
from dataclasses import replace
from typing import Any, Literal

import pytest
from faas_iac_aws.stepfunctions import default_names, to_asl
from faas_iac_gcp.workflows import Names, to_workflows

from faas_iac.errors import CODES
from faas_iac.translate import Refusal, ir
from faas_iac.translate.analyze import analyze
from faas_iac.translate.numbers import exact_annotation
from tests.translate.corpus import refused

MARK = re.compile(r"# expect (FIAC\d{3})")
CASES = [
    (name, fn)
    for name, fn in vars(refused).items()
    if inspect.isfunction(fn) and fn.__module__ == refused.__name__
]


def _expected(fn: object) -> tuple[str, int]:
    lines, start = inspect.getsourcelines(fn)  # type: ignore[arg-type]
    for offset, line in enumerate(lines):
        found = MARK.search(line)
        if found:
            return found.group(1), start + offset
    raise AssertionError(f"{fn} has no # expect marker")


def test_the_corpus_is_large_enough() -> None:
    assert len(CASES) >= 25
    assert len({_expected(fn)[0] for _, fn in CASES}) >= 10


@pytest.mark.parametrize(("name", "fn"), CASES, ids=[c[0] for c in CASES])
def test_refused_with_one_located_code(name: str, fn: object) -> None:
    code, line = _expected(fn)
    with pytest.raises(Refusal) as caught:
        analyze(fn, activities=["work", "other"], orchestrators=["child"])  # type: ignore[arg-type]
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.code == code, diagnostic.render()
    assert diagnostic.location == f"refused.py:{line}", diagnostic.render()
    assert diagnostic.code in CODES
    assert diagnostic.message and diagnostic.fix


def comprehension(ctx: object) -> object:
    items = ctx.get_input()  # type: ignore[attr-defined]
    doubled = [x * 2 for x in items] if items else None  # computed only when items is truthy
    return (yield ctx.call_activity("work", doubled))  # type: ignore[attr-defined]


def power(ctx: object) -> object:
    items = ctx.get_input()  # type: ignore[attr-defined]
    root = items["area"] ** 0.5  # Workflows has no power operator
    return (yield ctx.call_activity("work", root))  # type: ignore[attr-defined]


def test_workflows_refuses_what_it_cannot_express() -> None:
    wf = analyze(power, activities=["work"])
    with pytest.raises(Refusal) as caught:
        to_workflows(wf, Names(functions={"work": "https://example.test/work"}))
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.code == "FIAC615"
    line = inspect.getsourcelines(power)[1] + 2
    assert diagnostic.location.endswith(f":{line}")
    assert "**" in diagnostic.message


def test_workflows_computes_a_comprehension_only_where_python_does() -> None:
    """A comprehension in one branch of ``x if c else y`` is built inside that branch of a
    switch (it used to be refused: lowering hoisted only what is always computed)."""
    wf = analyze(comprehension, activities=["work"])
    main = to_workflows(wf, Names(functions={"work": "https://example.test/work"}))["main"]
    (switch,) = [s for step in main["steps"] for s in step.values() if "switch" in s]
    then = switch["switch"][0]["steps"]
    assert any("for" in body for step in then for body in step.values())


def test_the_ir_of_an_accepted_orchestrator_is_plain_data() -> None:
    wf = analyze(comprehension, activities=["work"])
    assert isinstance(wf.steps[-1], ir.Return)
    assert [type(s).__name__ for s in wf.steps] == ["Assign", "Assign", "Task", "Return"]


def several_problems(ctx: Any) -> Any:
    import random  # the first problem

    n = random.randint(1, 3)  # noqa: F841 (follows from the import: not reported again)
    for x in ctx.get_input():
        print(x)  # the second, inside a loop
    yield ctx.call_activity("nobody", 1)  # the third
    return open("f").read()  # the fourth


def test_every_problem_at_once_each_on_its_line() -> None:
    with pytest.raises(Refusal) as caught:
        analyze(several_problems, activities=["work"])
    first = inspect.getsourcelines(several_problems)[1]
    found = [(d.code, d.location) for d in caught.value.diagnostics]
    assert found == [
        ("FIAC604", f"test_refusals.py:{first + 1}"),
        ("FIAC604", f"test_refusals.py:{first + 5}"),
        ("FIAC611", f"test_refusals.py:{first + 6}"),
        ("FIAC604", f"test_refusals.py:{first + 7}"),
    ]


def json_of_a_result(ctx: object) -> object:
    first = yield ctx.call_activity("work", 1)  # type: ignore[attr-defined]
    labels = json.dumps([str(first), len(str(first))])  # text and ints: exact
    half = json.dumps(len(labels) / 2)  # a float on its own: written as Python writes it
    return [labels, half, json.dumps({"first": first})]  # first may be 1.0: refused


def json_exactly(ctx: object) -> object:
    first = yield ctx.call_activity("work", 1)  # type: ignore[attr-defined]
    labels = json.dumps([str(first), len(str(first))])
    return [labels, json.dumps(len(labels) / 2)]


def test_step_functions_writes_json_of_floats_exactly_or_refuses() -> None:
    """JSONata has one number type: a value whose numbers may be floats (an activity's result)
    is refused where ``json.dumps`` writes it; text, ints and a float on its own are not."""
    names = default_names("refusals", ["work"], ["json_of_a_result", "json_exactly"])
    with pytest.raises(Refusal) as caught:
        to_asl(analyze(json_of_a_result, activities=["work"]), names)
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.code == "FIAC615"
    assert "1.0" in diagnostic.message
    assert diagnostic.location.endswith(f":{inspect.getsourcelines(json_of_a_result)[1] + 4}")
    assert to_asl(analyze(json_exactly, activities=["work"]), names)["States"]
    # an activity whose return annotation says its result holds no float: written
    exact = replace(analyze(json_of_a_result, activities=["work"]), exact_results=("work",))
    assert to_asl(exact, names)["States"]


def _int() -> int: ...
def _nested() -> dict[str, list[int | None]]: ...
def _text() -> str | None: ...
def _literal() -> Literal["a", 1, True]: ...
def _float() -> float: ...
def _floats() -> dict[str, float]: ...
def _any() -> Any: ...
def _bare() -> list: ...  # type: ignore[type-arg]
def _unannotated():  # type: ignore[no-untyped-def]
    ...


@pytest.mark.parametrize(
    ("fn", "exact"),
    [
        (_int, True),
        (_nested, True),
        (_text, True),
        (_literal, True),
        (_float, False),  # an int is a valid float: the result's type is not known
        (_floats, False),
        (_any, False),
        (_bare, False),
        (_unannotated, False),
    ],
)
def test_an_activity_result_is_exact_when_its_annotation_says_so(fn: Any, exact: bool) -> None:
    assert exact_annotation(fn) is exact
