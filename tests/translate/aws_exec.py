"""Runs generated ASL on moto's Step Functions executor, with real activity code.

moto executes the states (Choice, Wait, Map, Parallel, Retry, Catch, the DynamoDB integration);
JSONata is evaluated by jsonata-python (patched in, as moto's JSONata evaluator is absent); a
Lambda task's result comes from calling the app's activity in-process (moto's no-Docker Lambda
backend's ``invoke`` is the one seam), and the token registrar Lambda runs the provider's real
registry code against moto's DynamoDB. Instances are started, watched and read (status, output,
custom status) through the product's own AWS durable client. Waits, retry intervals and task
timeouts run on the harness's scaled clock, one that moves only while moto waits
(``clock.WaitingClock``, ``clock.scaled_moto``).
"""

from __future__ import annotations

import json
import re
import time
import traceback
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import boto3
import jsonata
from faas_iac_aws.runtime.durable import AwsDurableClient
from faas_iac_aws.runtime.entities import run_entity
from faas_iac_aws.stepfunctions import Names, raise_event, register
from moto import mock_aws
from moto.awslambda_simple.models import LambdaSimpleBackend
from moto.stepfunctions.models import StepFunctionBackend
from moto.stepfunctions.parser.asl.component.common.string import (
    string_expression as moto_strings,
)
from moto.stepfunctions.parser.asl.component.intrinsic import jsonata as moto_intrinsics
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
    state_task_service_callback as moto_callback,
)
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
    state_task_service_sfn as moto_sfn,
)
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.resource import (
    ResourceCondition,
)
from moto.stepfunctions.parser.asl.eval import states as moto_states
from moto.stepfunctions.parser.asl.eval import variable_store as moto_variables
from moto.stepfunctions.parser.asl.jsonata import jsonata as moto_jsonata
from moto.stepfunctions.responses import get_backend

from .clock import SCALE, ScaledClock, WaitingClock, patched, scaled_moto
from .outcome import Ran, Recorder

REGION = "us-east-1"
ACCOUNT = "123456789012"
ROLE = "arn:aws:iam::123456789012:role/sfn"
CONFIG = {"stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": False}}
#: Real seconds a run may take before the harness calls it stuck.
REAL_TIMEOUT = 30.0


def _eval(expression: str) -> Any:
    evaluator = jsonata.Jsonata(expression)
    # Step Functions' JSONata has $uuid() (a random v4 UUID, documented among its JSONata
    # functions); moto declares it as returning the text "Function $uuid is currently not
    # supported" (its declaration is left out in aws_runner, and the function bound here).
    evaluator.register_lambda("uuid", lambda: str(uuid.uuid4()))
    result = evaluator.evaluate(None)
    return None if result is None else json.loads(json.dumps(result))


_REFERENCE = re.compile(r"\$\$|\$[A-Za-z0-9_$]+(?:\.[A-Za-z0-9_][A-Za-z0-9_$]*)*|\$")
#: After these a ``/`` opens a regular expression; after an operand it divides.
_BEFORE_REGEX = set("(,[:;?{=!<>+-*%&|~")


def _skip(text: str, i: int, end: str) -> int:
    """The index after the literal starting at ``i`` and closed by ``end`` (escapes kept)."""
    i += 1
    while i < len(text) and text[i] != end:
        i += 2 if text[i] == "\\" else 1
    return i + 1


def _references(expression: str) -> set[str]:
    """The ``$`` references of a JSONata expression, which moto declares before evaluating it.

    Bug: moto finds them with one regular expression whose first branch takes ``/.../`` for a
    regex literal wherever it stands, so the text between two divisions is skipped:
    ``(a / 1000) + ($states.input.hours * 3600) - (b / 1000)`` hides ``$states.input``, which
    is then never declared and the expression is undefined. Here a ``/`` opens a regex only
    where an operand is expected (as JSONata's parser decides); string literals are skipped."""
    found: set[str] = set()
    i, before = 0, ""
    while i < len(expression):
        c = expression[i]
        if c in "\"'":
            i, before = _skip(expression, i, c), "a"
        elif c == "/" and (before == "" or before in _BEFORE_REGEX):
            i, before = _skip(expression, i, "/"), "a"
            while i < len(expression) and expression[i].isalpha():  # flags
                i += 1
        elif c == "$":
            match = _REFERENCE.match(expression, i)
            assert match is not None
            found.add(match.group(0))
            i, before = match.end(), "a"
        else:
            before = before if c.isspace() else c
            i += 1
    for illegal in found & {"$", "$$"}:
        raise moto_jsonata.IllegalJSONataVariableReference(variable_reference=illegal)
    return found


def error_text(error: str | None, cause: str | None) -> str:
    """A failed execution's ``Error`` and ``Cause`` as ``Type: message``: a Lambda's error
    cause is the JSON of the Python error; a ``Fail`` state's cause is the message (or already
    ``Type: message``)."""
    try:
        parsed = json.loads(cause or "")
    except ValueError:
        parsed = None
    if isinstance(parsed, dict) and "errorType" in parsed:
        return f"{parsed['errorType']}: {parsed.get('errorMessage', '')}"
    if not cause:
        return error or ""
    if not error or cause.startswith(f"{error}: "):
        return cause
    return f"{error}: {cause}"


#: The table of entity states (the AWS planner's entities table).
ENTITY_TABLE = "durable-entities"


class AwsRunner:
    def __init__(
        self,
        names: Names,
        activities: Mapping[str, Callable[[Any], Any]],
        entities: Mapping[str, Callable[[Any], Any]] | None = None,
    ) -> None:
        self.names = names
        self.by_arn = {names.function(n): (n, fn) for n, fn in activities.items()}
        #: entity functions, run as the AWS entity runtime runs them (state in DynamoDB)
        self.entities = {names.function(n): fn for n, fn in (entities or {}).items()}
        self.sfn = boto3.client("stepfunctions", region_name=REGION)
        self.ddb = boto3.client("dynamodb", region_name=REGION)
        for table, key in ((names.registry_table, "pk"), (ENTITY_TABLE, "entity")):
            self.ddb.create_table(
                TableName=table,
                BillingMode="PAY_PER_REQUEST",
                AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"}],
                KeySchema=[{"AttributeName": key, "KeyType": "HASH"}],
            )
        self.arns: dict[str, str] = {}
        self.recorder = Recorder()
        self.client = AwsDurableClient(self.arns, names.registry_table)
        self.runs = 0

    def invoke(self, function_name: str, body: Any, response_headers: Any) -> bytes:
        payload = json.loads(body) if body else None
        if function_name == self.names.token_registrar or function_name.endswith(
            self.names.token_registrar.rsplit(":", 1)[-1]
        ):
            register(self.ddb, self.sfn, payload["table"], payload["key"], payload["token"])
            return b"null"
        entity = self.entities.get(function_name)
        if entity is not None:
            env = {"FAAS_IAC_DURABLE": json.dumps({"entities": ENTITY_TABLE})}
            run = lambda: run_entity(entity, payload, env, self.ddb)  # noqa: E731
            return self._answer(run, response_headers)
        name, fn = self.by_arn.get(function_name) or next(
            f for arn, f in self.by_arn.items() if arn.endswith(":" + function_name)
        )
        self.recorder.record(name, payload)
        return self._answer(lambda: fn(payload), response_headers)

    @staticmethod
    def _answer(run: Callable[[], Any], response_headers: Any) -> bytes:
        """A Lambda's answer: the result's JSON, or the error as the Python runtime gives it."""
        try:
            return json.dumps(run()).encode()
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
        machine = self.names.state_machines.get(name, f"durable-{name}").rsplit(":", 1)[-1]
        arn = self.sfn.create_state_machine(
            name=machine, roleArn=ROLE, definition=json.dumps(definition)
        )["stateMachineArn"]
        self.arns[name] = arn
        return arn

    def run(
        self,
        name: str,
        value: Any,
        events: list[tuple[str, Any]] | None = None,
        instance: str | None = None,
    ) -> Ran:
        self.runs += 1
        self.recorder.take()
        execution = instance or f"{name}-{self.runs}"
        self.client.start_new(name, execution, value)
        for event, payload in events or []:
            if not self._wait_for_token(execution, event):
                break
            raise_event(self.ddb, self.sfn, self.names.registry_table, execution, event, payload)
        deadline = time.monotonic() + REAL_TIMEOUT
        while self._running(name, execution):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{execution} still running")
            time.sleep(0.005)
        status = self.client.get_status(execution)  # read as a user reads it
        calls = self.recorder.take()
        custom = status.get("customStatus")
        if status["runtimeStatus"] != "Completed":
            last = self._last_generation(name, execution)
            error = error_text(last.get("error"), last.get("cause"))
            return Ran(status["runtimeStatus"], None, custom, error, calls, execution)
        return Ran("Completed", status["output"], custom, None, calls, execution)

    def _running(self, name: str, execution: str) -> bool:
        """Whether the instance (its latest generation) still runs, read from moto's own
        executions: cheap enough to ask every few milliseconds, where a status read through
        the client costs several API calls that take the executor's time."""
        backend = get_backend(ACCOUNT, REGION)
        arn = self.arns[name].replace(":stateMachine:", ":execution:") + ":" + execution
        prefix = arn.rsplit(":", 1)[0] + ":"
        while True:
            try:
                found = _ORIGINAL_DESCRIBE(backend, arn)  # the output as moto keeps it
            except Exception:  # not there yet (StartExecution is synchronous: not expected)
                return True
            output = found.output
            if found.status in (None, "RUNNING"):
                return True
            if found.status != "SUCCEEDED" or not (
                isinstance(output, str) and output.startswith(prefix)
            ):
                return False
            arn = output  # continue_as_new: the next generation's ARN

    def _last_generation(self, name: str, execution: str) -> dict[str, Any]:
        arn = self.arns[name].replace(":stateMachine:", ":execution:") + ":" + execution
        desc = self.sfn.describe_execution(executionArn=arn)
        prefix = arn.rsplit(":", 1)[0] + ":"
        while desc["status"] == "SUCCEEDED":
            nxt = desc.get("output") and json.loads(desc["output"])
            if not (isinstance(nxt, str) and nxt.startswith(prefix)):
                break
            desc = self.sfn.describe_execution(executionArn=nxt)
        return dict(desc)

    def _wait_for_token(self, execution: str, event: str) -> bool:
        """Wait until the execution waits for ``event`` (its token is registered); False if it
        ended first."""
        deadline = time.monotonic() + REAL_TIMEOUT
        key = {"pk": {"S": f"{execution}#{event}"}}
        name = self.client._machine_of.get(execution, "")
        while "token" not in self.ddb.get_item(TableName=self.names.registry_table, Key=key).get(
            "Item", {}
        ):
            if name and not self._running(name, execution):
                return False
            if time.monotonic() > deadline:
                raise TimeoutError(f"no task waits for {event} in {execution}")
            time.sleep(0.01)
        return True


class _Described:
    """moto's DescribeExecution answers an execution whose output is a string with that string
    unquoted (``responses.describe_execution`` passes a ``str`` output through as if it were
    JSON text), where AWS answers JSON text; a parent's ``startExecution.sync:2`` then fails
    parsing it ("Expecting value"). The execution as described, its string output encoded."""

    def __init__(self, execution: Any) -> None:
        self._execution = execution

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._execution, name)
        return json.dumps(value) if name == "output" and isinstance(value, str) else value


_ORIGINAL_DESCRIBE = StepFunctionBackend.describe_execution


def _describe(self: Any, execution_arn: str) -> Any:
    return _Described(_ORIGINAL_DESCRIBE(self, execution_arn))


_ORIGINAL_DECLARATIONS = moto_jsonata.encode_jsonata_variable_declarations


def _declarations(bindings: dict[str, Any]) -> str:
    """moto passes each variable to JSONata as text, a string one as ``"{value}"`` with no
    escaping: a string holding a quote (JSON text, say) breaks the expression ("Expected ),
    got ..."). Step Functions binds the value itself; here each string is JSON-encoded."""
    return "".join(
        f"{name}:={json.dumps(value)};"
        if isinstance(value, str)
        else _ORIGINAL_DECLARATIONS({name: value})
        for name, value in bindings.items()
    )


#: moto's declarations of Step Functions' own JSONata functions, but its $uuid stand-in
_WITHOUT_UUID = {
    name: text
    for name, text in moto_intrinsics._DECLARATION_BY_VARIABLE_REFERENCE.items()
    if name != "$uuid"
}
_Callback = moto_callback.StateTaskServiceCallback
_ORIGINAL_PATTERN = _Callback._eval_integration_pattern


def _pattern(self: Any, env: Any, *args: Any, **kwargs: Any) -> None:
    """moto makes a ``.sync`` task's callback endpoint once per state entry and interrupts it
    when an attempt ends, so a retried ``startExecution.sync:2`` finds it interrupted and times
    out at once (States.Timeout); Step Functions gives each attempt its own task token. A fresh
    one here, for the ``.sync`` conditions only (a ``.waitForTaskToken`` keeps its token)."""
    if self.resource.condition in (ResourceCondition.Sync, ResourceCondition.Sync2):
        env.callback_pool_manager.add(env.states.context_object.update_task_token())
    _ORIGINAL_PATTERN(self, env, *args, **kwargs)


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
def aws_runner(
    names: Names,
    activities: Mapping[str, Callable[[Any], Any]],
    clock: ScaledClock | None = None,
    entities: Mapping[str, Callable[[Any], Any]] | None = None,
) -> Iterator[AwsRunner]:
    with mock_aws(config=CONFIG):  # type: ignore[arg-type]
        runner = AwsRunner(names, activities, entities)

        def invoke(
            self: Any,
            function_name: str,
            qualifier: Any,
            body: Any,
            headers: Any,
            response_headers: Any,
        ) -> bytes:
            return runner.invoke(function_name, body, response_headers)

        with (
            patched(LambdaSimpleBackend, invoke=invoke),
            patched(moto_jsonata, _eval_jsonata=_eval),
            patched(moto_strings, extract_jsonata_variable_references=_references),
            patched(_SfnTask, _normalise_parameters=_params, _normalise_response=_response),
            patched(StepFunctionBackend, describe_execution=_describe),
            patched(_Callback, _eval_integration_pattern=_pattern),
            patched(moto_intrinsics, _DECLARATION_BY_VARIABLE_REFERENCE=_WITHOUT_UUID),
            patched(moto_states, encode_jsonata_variable_declarations=_declarations),
            patched(moto_variables, encode_jsonata_variable_declarations=_declarations),
            # moto's time moves only while it waits (see WaitingClock), at the harness's scale
            scaled_moto(WaitingClock(clock.scale if clock else SCALE)),
        ):
            yield runner
