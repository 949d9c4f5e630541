"""Runs generated ASL on moto's Step Functions executor, with real activity code.

moto executes the states (Choice, Wait, Map, Parallel, Retry, Catch, the DynamoDB integration);
JSONata is evaluated by jsonata-python (patched in, as moto's JSONata evaluator is absent); a
Lambda task's result comes from calling the app's activity in-process (moto's no-Docker Lambda
backend's ``invoke`` is the one seam), and the token registrar Lambda runs the provider's real
registry code against moto's DynamoDB.
"""

from __future__ import annotations

import json
import time
import traceback
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import boto3
import jsonata
from faas_iac_aws.stepfunctions import Names, raise_event, register
from moto import mock_aws
from moto.awslambda_simple.models import LambdaSimpleBackend
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
    state_task_service_sfn as moto_sfn,
)
from moto.stepfunctions.parser.asl.jsonata import jsonata as moto_jsonata

REGION = "us-east-1"
ROLE = "arn:aws:iam::123456789012:role/sfn"
CONFIG = {"stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": False}}


def _eval(expression: str) -> Any:
    result = jsonata.Jsonata(expression).evaluate(None)
    return None if result is None else json.loads(json.dumps(result))


def _output(desc: dict[str, Any]) -> Any:
    text = desc.get("output")
    if not text:
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text  # moto gives some string outputs unquoted


@dataclass
class Outcome:
    status: str
    output: Any
    error: str | None = None


class AwsRunner:
    def __init__(self, names: Names, activities: Mapping[str, Callable[[Any], Any]]) -> None:
        self.names = names
        self.by_arn = {names.function(n): fn for n, fn in activities.items()}
        self.sfn = boto3.client("stepfunctions", region_name=REGION)
        self.ddb = boto3.client("dynamodb", region_name=REGION)
        self.ddb.create_table(
            TableName=names.registry_table,
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        )
        self.arns: dict[str, str] = {}
        self.runs = 0

    def invoke(self, function_name: str, body: Any, response_headers: Any) -> bytes:
        payload = json.loads(body) if body else None
        if function_name == self.names.token_registrar or function_name.endswith(
            self.names.token_registrar.rsplit(":", 1)[-1]
        ):
            register(self.ddb, self.sfn, payload["table"], payload["key"], payload["token"])
            return b"null"
        fn = self.by_arn.get(function_name) or next(
            f for arn, f in self.by_arn.items() if arn.endswith(":" + function_name)
        )
        try:
            return json.dumps(fn(payload)).encode()
        except Exception as exc:
            response_headers["x-amz-function-error"] = "Unhandled"
            return json.dumps(
                {
                    "errorType": type(exc).__name__,
                    "errorMessage": str(exc),
                    "stackTrace": traceback.format_exc().splitlines(),
                }
            ).encode()

    def deploy(self, name: str, definition: dict[str, Any]) -> str:
        arn = self.sfn.create_state_machine(
            name=f"durable-{name}", roleArn=ROLE, definition=json.dumps(definition)
        )["stateMachineArn"]
        self.arns[name] = arn
        return arn

    def run(
        self,
        name: str,
        value: Any,
        events: list[tuple[str, Any]] | None = None,
        timeout: float = 30.0,
    ) -> Outcome:
        self.runs += 1
        execution = f"{name}-{self.runs}"
        arn = self.sfn.start_execution(
            stateMachineArn=self.arns[name], name=execution, input=json.dumps(value)
        )["executionArn"]
        for event, payload in events or []:
            self._wait_for_token(execution, event, timeout)
            raise_event(self.ddb, self.sfn, self.names.registry_table, execution, event, payload)
        deadline = time.monotonic() + timeout
        while True:
            desc = self.sfn.describe_execution(executionArn=arn)
            if desc["status"] != "RUNNING":
                break
            if time.monotonic() > deadline:
                raise TimeoutError(f"{execution} still running")
            time.sleep(0.05)
        output = _output(desc)
        if isinstance(output, str) and output.startswith(
            self.arns[name].replace(":stateMachine:", ":execution:") + ":"
        ):
            return self._follow(output, timeout)  # continue_as_new: the chain's last output
        return Outcome(desc["status"], output, desc.get("error"))

    def _follow(self, arn: str, timeout: float) -> Outcome:
        deadline = time.monotonic() + timeout
        while True:
            desc = self.sfn.describe_execution(executionArn=arn)
            if desc["status"] != "RUNNING":
                break
            if time.monotonic() > deadline:
                raise TimeoutError(f"{arn} still running")
            time.sleep(0.05)
        output = _output(desc)
        if isinstance(output, str) and output.startswith(arn.rsplit(":", 1)[0] + ":"):
            return self._follow(output, timeout)
        return Outcome(desc["status"], output, desc.get("error"))

    def _wait_for_token(self, execution: str, event: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        key = {"pk": {"S": f"{execution}#{event}"}}
        while "Item" not in self.ddb.get_item(TableName=self.names.registry_table, Key=key):
            if time.monotonic() > deadline:
                raise TimeoutError(f"no task waits for {event} in {execution}")
            time.sleep(0.05)


_SfnTask = moto_sfn.StateTaskServiceSfn
_ORIGINAL_PARAMS = _SfnTask._normalise_parameters
_ORIGINAL_RESPONSE = _SfnTask._normalise_response


def _params(
    self: Any,
    parameters: dict[str, Any],
    boto_service_name: Any = None,
    service_action_name: Any = None,
) -> None:
    """moto's port of the ``states:`` integration lost LocalStack's name mapping: ASL says
    ``StateMachineArn`` / ``Input`` (as AWS documents), boto says ``stateMachineArn``."""
    _ORIGINAL_PARAMS(self, parameters, boto_service_name, service_action_name)
    for key in list(parameters):
        parameters[key[0].lower() + key[1:]] = parameters.pop(key)


def _response(
    self: Any, response: Any, boto_service_name: Any = None, service_action_name: Any = None
) -> None:
    _ORIGINAL_RESPONSE(self, response, boto_service_name, service_action_name)
    if isinstance(response, dict):
        for key in list(response):
            response[key[0].upper() + key[1:]] = response.pop(key)


@contextmanager
def aws_runner(names: Names, activities: Mapping[str, Callable[[Any], Any]]) -> Iterator[AwsRunner]:
    original_invoke = LambdaSimpleBackend.invoke
    original_eval = moto_jsonata._eval_jsonata
    with mock_aws(config=CONFIG):  # type: ignore[arg-type]
        runner = AwsRunner(names, activities)

        def invoke(
            self: Any,
            function_name: str,
            qualifier: Any,
            body: Any,
            headers: Any,
            response_headers: Any,
        ) -> bytes:
            return runner.invoke(function_name, body, response_headers)

        LambdaSimpleBackend.invoke = invoke  # type: ignore[method-assign]
        moto_jsonata._eval_jsonata = _eval
        _SfnTask._normalise_parameters = _params  # type: ignore[method-assign]
        _SfnTask._normalise_response = _response  # type: ignore[method-assign]
        try:
            yield runner
        finally:
            LambdaSimpleBackend.invoke = original_invoke  # type: ignore[method-assign]
            moto_jsonata._eval_jsonata = original_eval
            _SfnTask._normalise_parameters = _ORIGINAL_PARAMS  # type: ignore[method-assign]
            _SfnTask._normalise_response = _ORIGINAL_RESPONSE  # type: ignore[method-assign]
