"""An app's orchestrators on the durable SDK's own local runner
(``aws_durable_execution_sdk_python_testing.DurableFunctionTestRunner``): each orchestrator is
a durable function whose handler is the production one (:func:`faas_iac_aws.lambda_durable.
entry.build`, the SDK's ``durable_execution`` around the adapter), each activity a plain
function whose handler is the Lambda adapter (``faas_iac_aws.runtime.entry.dispatch``). The
runner checkpoints, replays, dispatches chained invokes and fires waits on its own skipping
clock; the registry and entity tables are moto's DynamoDB (in-process ``mock_aws``)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import boto3
from aws_durable_execution_sdk_python_testing import DurableFunctionTestRunner
from faas_iac_aws.lambda_durable import registry
from faas_iac_aws.lambda_durable.adapter import ENVELOPE, envelope
from faas_iac_aws.lambda_durable.aws import AwsBackend
from faas_iac_aws.lambda_durable.entry import build
from faas_iac_aws.runtime import entry
from moto import mock_aws

from faas_iac.durable import codec
from faas_iac.model import AppModel

REGISTRY, ENTITIES = "app-durable", "app-durable-entities"


@dataclass
class Outcome:
    status: str
    output: Any
    custom_status: Any = None
    calls: list[tuple[str, Any]] = field(default_factory=list)
    instance: str = ""


class RunnerBackend(AwsBackend):
    """The production backend on moto's DynamoDB; a next generation starts on the runner."""

    def __init__(self, entities: dict[str, str]) -> None:
        super().__init__(REGISTRY, ENTITIES, entities)
        self.runner: DurableFunctionTestRunner | None = None
        self.arns: dict[str, str] = {}

    def start(self, function: str, execution: str, payload: dict[str, Any]) -> None:
        assert self.runner is not None
        self.arns[execution] = self.runner.run_async(
            input=json.dumps(payload), function_name=function, execution_name=execution
        )


def _tables() -> None:
    ddb = boto3.client("dynamodb")
    for name, key in ((REGISTRY, "pk"), (ENTITIES, "entity")):
        ddb.create_table(
            TableName=name,
            KeySchema=[{"AttributeName": key, "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )


class SdkRunner:
    def __init__(self, model: AppModel, runner: DurableFunctionTestRunner, backend: RunnerBackend):
        self.model, self.runner, self.backend = model, runner, backend
        self.calls: list[tuple[str, Any]] = []
        self._lock = threading.Lock()
        self._count = 0
        orchestrators = [f.name for f in model.by_kind("orchestrator")]
        config = {
            "activities": {a.name: a.name for a in model.by_kind("activity")},
            "orchestrators": {o: o for o in orchestrators},
            "entities": {e.name.lower(): _spec(e) for e in model.by_kind("entity")},
        }
        for fn in model.by_kind("orchestrator"):
            env = {
                "FAAS_IAC_HANDLER": _spec(fn),
                "FAAS_IAC_DURABLE_FUNCTION": json.dumps({"orchestrator": fn.name, **config}),
                "FAAS_IAC_DURABLE": json.dumps({"registry": REGISTRY, "entities": ENTITIES}),
            }
            runner.register_durable_function(fn.name, build(env, backend), execution_timeout=600)
        for fn in model.by_kind("activity"):
            runner.register_function(fn.name, self._activity(fn.name, _spec(fn)))

    def _activity(self, name: str, spec: str) -> Callable[[Any, Any], Any]:
        env = {
            "FAAS_IAC_HANDLER": spec,
            "FAAS_IAC_FUNCTION": name,
            "FAAS_IAC_TRIGGER": "activity",
            "FAAS_IAC_BINDINGS": "{}",
        }

        def handler(event: Any, context: Any) -> Any:
            with self._lock:
                self.calls.append((name, event))
            return entry.dispatch(event, context, env)

        return handler

    def start(self, name: str, value: Any, instance: str | None = None) -> tuple[str, str]:
        with self._lock:
            self._count += 1
            instance = instance or f"i{self._count}"
        payload = envelope(instance, None, codec.dumps(value))
        arn = self.runner.run_async(
            input=json.dumps(payload), function_name=name, execution_name=instance
        )
        return instance, arn

    def raise_event(self, instance: str, event: str, value: Any) -> str:
        def send(callback: str, text: str) -> None:
            self.runner.send_callback_success(callback, text.encode())

        ddb = boto3.client("dynamodb")
        return registry.raise_event(ddb, send, REGISTRY, instance, event, codec.dumps(value))

    def wait(self, arn: str, timeout: float = 60) -> Any:
        result = self.runner.wait_for_result(arn, int(timeout))
        while True:
            output = json.loads(result.result) if result.result else None
            nxt = output.get(ENVELOPE, {}).get("continued") if isinstance(output, dict) else None
            if nxt is None:
                return result
            deadline = time.monotonic() + timeout
            while nxt not in self.backend.arns and time.monotonic() < deadline:
                time.sleep(0.01)
            result = self.runner.wait_for_result(self.backend.arns[nxt], int(timeout))

    def run(
        self,
        name: str,
        value: Any,
        events: list[tuple[str, Any]] | None = None,
        timeout: float = 60,
    ) -> Outcome:
        start = len(self.calls)
        with self._lock:
            self._count += 1
            instance = f"i{self._count}"
        # Raised first: the registry buffers them until the orchestrator waits. (On the
        # runner's skipping clock a pending timer fires as soon as the execution waits, so an
        # event raised later would lose every race against a timer.)
        for event, payload in events or []:
            self.raise_event(instance, event, payload)
        instance, arn = self.start(name, value, instance)
        result = self.wait(arn, timeout)
        status = registry_status(instance)
        calls = self.calls[start:]
        if result.error is not None:
            return Outcome("Failed", result.error.message, status, calls, instance)
        output = codec.loads(result.result) if result.result else None
        return Outcome("Completed", output, status, calls, instance)


def registry_status(instance: str) -> Any:
    from faas_iac_aws.stepfunctions.registry import custom_status

    return custom_status(boto3.client("dynamodb"), REGISTRY, instance)


def _spec(fn: Any) -> str:
    return f"{fn.handler.module}:{fn.handler.qualname}"


@contextmanager
def sdk_runner(model: AppModel) -> Iterator[SdkRunner]:
    with mock_aws():
        _tables()
        backend = RunnerBackend({e.name.lower(): _spec(e) for e in model.by_kind("entity")})
        runner = DurableFunctionTestRunner(handler=_unused, skip_time=True, poll_interval=0.05)
        backend.runner = runner
        entry._cache.clear()
        try:
            yield SdkRunner(model, runner, backend)
        finally:
            runner.close()
            entry._cache.clear()


def _unused(event: Any, context: Any) -> Any:  # pragma: no cover - every run names its function
    raise AssertionError("the runner's own handler is never invoked")
