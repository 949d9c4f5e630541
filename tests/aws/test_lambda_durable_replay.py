"""Deterministic replay on Lambda durable functions: an orchestrator changed between two
invocations of a running execution fails it with the local engine's NonDeterminismError (and
its message), never a silent divergence. The execution runs on the durable SDK's local runner;
the code changes while it waits for an event."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from aws_durable_execution_sdk_python_testing import DurableFunctionTestRunner
from faas_iac_aws.lambda_durable import registry
from faas_iac_aws.lambda_durable.adapter import envelope
from faas_iac_aws.lambda_durable.entry import build
from moto import mock_aws

from faas_iac.durable import codec
from tests.aws.durable_runner import REGISTRY, RunnerBackend, _tables
from tests.aws.moto_server import fake_credentials

#: The code the durable function runs now (the test swaps it while the execution waits).
CURRENT: list[Callable[..., Any]] = []


def orchestrator(ctx: Any) -> Any:
    return CURRENT[0](ctx)


def first(ctx: Any) -> Any:
    a = yield ctx.call_activity("a", 1)
    go = yield ctx.wait_for_external_event("go")
    b = yield ctx.call_activity("b", go)
    return [a, b]


def renamed(ctx: Any) -> Any:
    a = yield ctx.call_activity("c", 1)  # was "a": the recorded call no longer matches
    go = yield ctx.wait_for_external_event("go")
    return [a, go]


def removed(ctx: Any) -> Any:
    go = yield ctx.wait_for_external_event("go")  # the call to "a" before it is gone
    return go


def timer_instead(ctx: Any) -> Any:
    yield ctx.create_timer(ctx.current_utc_datetime)  # a timer where an activity ran
    go = yield ctx.wait_for_external_event("go")
    return go


@pytest.fixture
def runner() -> Iterator[DurableFunctionTestRunner]:
    with fake_credentials(), mock_aws():
        _tables()
        env = {
            "FAAS_IAC_HANDLER": f"{__name__}:orchestrator",
            "FAAS_IAC_DURABLE_FUNCTION": json.dumps({"orchestrator": "evolving"}),
        }
        sdk = DurableFunctionTestRunner(handler=build(env, RunnerBackend({})), skip_time=True)
        for name in ("a", "b", "c"):
            sdk.register_function(name, lambda event, context, n=name: f"{n}{event}")
        try:
            yield sdk
        finally:
            sdk.close()
            CURRENT.clear()


def _run(sdk: DurableFunctionTestRunner, then: Callable[..., Any], event: Any) -> Any:
    """Start with :func:`first`, swap in ``then`` once it waits for ``go``, raise ``go``."""
    CURRENT[:] = [first]
    arn = sdk.run_async(
        input=json.dumps(envelope("run-1", None, "null")),
        function_name="evolving",
        execution_name="run-1",
    )
    sdk.wait_for_callback(arn, "event:go", timeout=30)
    CURRENT[:] = [then]

    def send(callback: str, text: str) -> None:
        sdk.send_callback_success(callback, text.encode())

    ddb = boto3.client("dynamodb")
    assert registry.raise_event(ddb, send, REGISTRY, "run-1", "go", codec.dumps(event)) == (
        "delivered"
    )
    return sdk.wait_for_result(arn, 30)


def test_unchanged_code_completes(runner: DurableFunctionTestRunner) -> None:
    result = _run(runner, first, 7)
    assert result.error is None and json.loads(result.result) == ["a1", "b7"]


def test_a_renamed_call_is_our_nondeterminism_error(runner: DurableFunctionTestRunner) -> None:
    result = _run(runner, renamed, 7)
    assert result.error is not None
    assert result.error.message == (
        "Orchestrator function 'evolving' failed: NonDeterminismError: Non-deterministic "
        "workflow detected: history has TaskScheduled 'a' at position 0, but the orchestrator "
        "code now schedules TaskScheduled 'c'"
    )
    assert json.loads(result.error.data) == {
        "type": "NonDeterminismError",
        "message": "Non-deterministic workflow detected: history has TaskScheduled 'a' at "
        "position 0, but the orchestrator code now schedules TaskScheduled 'c'",
    }


def test_a_removed_call_is_our_nondeterminism_error(runner: DurableFunctionTestRunner) -> None:
    result = _run(runner, removed, 7)
    assert result.error is not None
    assert result.error.message.startswith(
        "Orchestrator function 'evolving' failed: NonDeterminismError: Non-deterministic "
        "workflow detected: the operation at position 1 changed: "
    )


def test_another_kind_of_task_is_our_nondeterminism_error(
    runner: DurableFunctionTestRunner,
) -> None:
    result = _run(runner, timer_instead, 7)
    assert result.error is not None
    assert result.error.message == (
        "Orchestrator function 'evolving' failed: NonDeterminismError: Non-deterministic "
        "workflow detected: history has TaskScheduled 'a' at position 0, but the orchestrator "
        "code now schedules TimerCreated ''"
    )
