"""RetryOptions at compile time: the azure.durable_functions class (the real package) and
faas_iac's, as a module constant, a local variable or inline, with positional or keyword
arguments; values computed at run time are refused, naming the value."""

from __future__ import annotations

from typing import Any

import azure.durable_functions as df
import pytest
from azure.durable_functions import RetryOptions as AzureRetry
from faas_iac_aws.stepfunctions import retrier
from faas_iac_gcp.workflows import retry_policy

from faas_iac import RetryOptions
from faas_iac.errors import FaasError
from faas_iac.translate import ir
from faas_iac.translate.analyze import analyze

AZURE_CONSTANT = df.RetryOptions(2000, 4)
BACKOFF = RetryOptions(1000, 3, 2.0, 4000)


def module_constant(ctx: Any) -> Any:
    return (yield ctx.call_activity_with_retry("work", AZURE_CONSTANT, 1))


def local_keywords(ctx: Any) -> Any:
    retry = df.RetryOptions(first_retry_interval_in_milliseconds=500, max_number_of_attempts=2)
    return (yield ctx.call_activity_with_retry("work", retry_options=retry, input_=ctx.get_input()))


def inline_by_name(ctx: Any) -> Any:
    return (yield ctx.call_activity_with_retry("work", AzureRetry(1500, 5), 1))


def faas_inline_keywords(ctx: Any) -> Any:
    opts = RetryOptions(
        max_number_of_attempts=3,
        first_retry_interval_in_milliseconds=1000,
        backoff_coefficient=2.0,
        max_retry_interval_in_milliseconds=4000,
    )
    x = yield ctx.call_activity_with_retry("work", opts, 1)
    y = yield ctx.call_sub_orchestrator_with_retry("child", BACKOFF, x)
    return y


CASES = [
    (module_constant, ir.Retry(4, 2000, 1.0, None)),
    (local_keywords, ir.Retry(2, 500, 1.0, None)),
    (inline_by_name, ir.Retry(5, 1500, 1.0, None)),
    (faas_inline_keywords, ir.Retry(3, 1000, 2.0, 4000)),
]


def _retries(wf: ir.Workflow) -> list[ir.Retry | None]:
    return [s.call.retry for s in ir.walk(wf.steps) if isinstance(s, ir.Task)]


@pytest.mark.parametrize(("fn", "expected"), CASES, ids=[c[0].__name__ for c in CASES])
def test_retry_options_of_every_form(fn: Any, expected: ir.Retry) -> None:
    wf = analyze(fn, activities=["work"], orchestrators=["child"])
    assert set(_retries(wf)) == {expected}
    assert retrier(expected)["MaxAttempts"] == expected.max_attempts - 1
    assert retry_policy(expected)["max_retries"] == expected.max_attempts - 1


def test_keyword_input_is_the_payload() -> None:
    wf = analyze(local_keywords, activities=["work"])
    (task,) = [s for s in ir.walk(wf.steps) if isinstance(s, ir.Task)]
    assert task.call.input == ir.Var(ir.INPUT)


def with_timeout(ctx: Any) -> Any:
    return (yield ctx.call_activity_with_retry("work", RetryOptions(1000, 3, 1.0, None, 5000), 1))


def retry_as_value(ctx: Any) -> Any:
    retry = df.RetryOptions(1000, 3)
    return {"retry": retry}  # line first + 2


@pytest.mark.parametrize(
    ("fn", "text"),
    [
        (with_timeout, "retry_timeout_in_milliseconds"),
        (retry_as_value, "used as a value"),
    ],
)
def test_refused_with_the_value_named(fn: Any, text: str) -> None:
    with pytest.raises(FaasError) as info:
        analyze(fn, activities=["work"])
    (diag,) = info.value.diagnostics
    assert diag.code == "FIAC608"
    assert text in diag.message
    first = fn.__code__.co_firstlineno
    assert diag.location.endswith((f":{first + 1}", f":{first + 2}"))
