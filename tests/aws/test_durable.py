"""Durable on AWS, end to end in one process: the SDK engine deploys an app's plan (state
machines from the translator, execution roles, registry table, registrar and activity Lambdas)
into moto; the portable client starts executions that moto's Step Functions executor runs for
real; each Lambda task runs the deployed function's own configuration through the Lambda
adapter (moto's no-Docker ``invoke`` is the one seam); ``raise_event`` completes a
human-interaction execution through the token registry."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from faas_iac_aws.provider import provider
from faas_iac_aws.runtime import entry
from faas_iac_aws.runtime.durable import AwsDurableClient
from moto import mock_aws
from moto.awslambda_simple.models import LambdaSimpleBackend, lambda_simple_backends

from faas_iac.api import load
from faas_iac.plan import DeployOptions, DeployReport, compile_app
from tests.translate import aws_exec

ROOT = Path(__file__).resolve().parents[2]
CONFIG = {"stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": False}}


def _invoke(
    self: Any, function_name: str, qualifier: Any, body: Any, headers: Any, response_headers: Any
) -> bytes:
    """Run the deployed function: its handler string and environment, as Lambda would."""
    name = function_name.split(":function:")[-1].split(":")[0]
    fn = lambda_simple_backends["123456789012"]["us-east-1"].get_function(name)
    env = dict(fn.environment_vars)
    payload = json.loads(body) if body else None
    try:
        if fn.handler == "faas_iac_aws.stepfunctions.registry.handler":
            from faas_iac_aws.stepfunctions.registry import handler

            return json.dumps(handler(payload, None)).encode()
        return json.dumps(entry.dispatch(payload, None, env)).encode()
    except Exception as exc:
        response_headers["x-amz-function-error"] = "Unhandled"
        return json.dumps({"errorType": type(exc).__name__, "errorMessage": str(exc)}).encode()


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(LambdaSimpleBackend, "invoke", _invoke)
    # moto's executor lacks a JSONata evaluator and LocalStack's states: name mapping; the
    # translator's test helpers patch in jsonata-python and that mapping.
    monkeypatch.setattr(aws_exec.moto_jsonata, "_eval_jsonata", aws_exec._eval)
    monkeypatch.setattr(aws_exec._SfnTask, "_normalise_parameters", aws_exec._params)
    monkeypatch.setattr(aws_exec._SfnTask, "_normalise_response", aws_exec._response)
    entry._cache.clear()
    with mock_aws(config=CONFIG):  # type: ignore[arg-type]
        yield
    entry._cache.clear()


def deploy(app: str, tmp_path: Path) -> tuple[DeployReport, AwsDurableClient]:
    model, root = load(str(ROOT / app))
    compiled = compile_app(model, root, "aws")
    report = provider.deploy(compiled, DeployOptions(state=tmp_path / "state.json"))
    machines = {
        k.split(":", 1)[1]: v for k, v in report.outputs.items() if k.startswith("state_machine:")
    }
    config = {"machines": machines, "registry": f"{model.name}-durable"}
    return report, AwsDurableClient.from_config(config, boto3.session.Session())


def finish(client: AwsDurableClient, instance: str, timeout: float = 30) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        status = client.get_status(instance)
        if status["runtimeStatus"] not in ("Running", None) or time.monotonic() > deadline:
            return status
        time.sleep(0.05)


def waiting(instance: str) -> None:
    registry = boto3.client("dynamodb")
    deadline = time.monotonic() + 20
    while "Item" not in registry.get_item(
        TableName="durable-durable", Key={"pk": {"S": f"{instance}#Approval"}}
    ):
        assert time.monotonic() < deadline, "the approval task never registered its token"
        time.sleep(0.05)


def test_durable_app_runs_on_moto_through_the_portable_client(aws: None, tmp_path: Path) -> None:
    _report, client = deploy("tests/translate/apps/durable_app.py", tmp_path)
    sfn = boto3.client("stepfunctions")
    machines = {m["name"] for m in sfn.list_state_machines()["stateMachines"]}
    assert {"durable-chaining", "durable-approval", "durable-saga"} <= machines
    role = boto3.client("iam").get_role_policy(RoleName="durable-chaining-sfn", PolicyName="calls")
    statements = role["PolicyDocument"]["Statement"]
    assert [s["Action"] for s in statements] == [["lambda:InvokeFunction"]]
    assert sorted(statements[0]["Resource"]) == [
        "arn:aws:lambda:us-east-1:123456789012:function:durable-add_tax",
        "arn:aws:lambda:us-east-1:123456789012:function:durable-price",
    ]

    order = {"id": "o-1", "items": [{"qty": 2, "price": 5}, {"qty": 1, "price": 10}]}
    chained = client.start_new("chaining", "chain-1", order)
    done = finish(client, chained)
    assert done["runtimeStatus"] == "Completed", done
    # (the label's number formatting is the translator's: JSONata $string(24.0) gives "24")
    assert (done["output"]["id"], done["output"]["total"]) == ("o-1", 24.0)
    assert done["input"] == order

    rounds = client.start_new("counter", "count-1", {"value": 1, "round": 0})
    assert finish(client, rounds)["output"] == {"value": 8, "rounds": 3}  # continue_as_new x2

    steps = client.start_new("status", "status-1", {"items": ["a", "b"]})
    shown = finish(client, steps)
    assert shown["output"] == ["A!", "B!"]
    assert shown["customStatus"] == {"step": "b", "done": 1}  # written by the machine itself

    trip = client.start_new("saga", "saga-1", {"city": "oslo", "no_flights": True})
    assert finish(client, trip)["output"] == {"status": "compensated", "hotel": "hotel-oslo"}

    instance = client.start_new("approval", "appr-1", {"who": "ana", "wait": 30})
    waiting(instance)
    assert client.get_status(instance)["runtimeStatus"] == "Running"
    assert client.raise_event(instance, "Approval", {"ok": True, "by": "ana"}) == "delivered"
    approved = finish(client, instance)
    assert approved["runtimeStatus"] == "Completed", approved
    assert approved["output"] == {"approved": True, "by": "ana"}
    # (terminate is not exercised here: moto 5.2's StopExecution fails on a running
    # executor-backed execution, its worker's environment being None)


def test_shop_queue_function_starts_the_orchestration(aws: None, tmp_path: Path) -> None:
    _, client = deploy("examples/shop/app.py", tmp_path)
    take = boto3.client("lambda").get_function_configuration(FunctionName="shop-take_order")
    env = take["Environment"]["Variables"]
    event = json.loads((Path(__file__).parent / "fixtures" / "sqs.json").read_text())
    event["Records"][0]["body"] = json.dumps({"id": "o-7", "items": ["pen"], "total": 4})
    assert entry.dispatch(event, None, env) == {"batchItemFailures": []}
    executions = boto3.client("stepfunctions").list_executions(
        stateMachineArn=client.machines["fulfil_order"]
    )["executions"]
    done = finish(client, executions[0]["name"])
    assert done["runtimeStatus"] == "Completed", done
    assert done["output"] == {"order": "o-7", "reserved": True, "charged": "charged 4"}


def test_entity_operations_are_serialised_through_dynamodb(aws: None, tmp_path: Path) -> None:
    deploy("tests/aws/apps/entities/app.py", tmp_path)
    bump = boto3.client("lambda").get_function_configuration(FunctionName="ents-bump")
    env = bump["Environment"]["Variables"]
    event = json.loads((Path(__file__).parent / "fixtures" / "apigw_v2_post.json").read_text())
    event["pathParameters"] = {"key": "k1"}
    for by in (3, 4):
        event["body"] = json.dumps({"by": by})
        event["isBase64Encoded"] = False
        assert entry.dispatch(event, None, env)["statusCode"] == 200
    table = boto3.client("dynamodb")
    deadline = time.monotonic() + 10
    while True:
        item = table.get_item(
            TableName="ents-durable-entities", Key={"entity": {"S": "counter@k1"}}
        ).get("Item")
        if (item and item["version"]["N"] == "2") or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert item is not None and json.loads(item["state"]["S"]) == 7
    assert item["version"]["N"] == "2"


def test_concurrent_entity_operations_lose_no_update(
    aws: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Threads run operations on one entity at once through its deployed Lambda: the version
    check makes the losers of each race retry, and every operation lands exactly once."""
    from moto.dynamodb.models import DynamoDBBackend

    deploy("tests/aws/apps/entities/app.py", tmp_path)
    # moto checks a ConditionExpression and writes the item in two Python steps with no lock;
    # DynamoDB does both atomically, so writes are serialised here. Reads wait 2 ms before
    # answering, so that the threads' read-modify-write cycles overlap.
    lock, conflicts = threading.Lock(), [0]
    put, get = DynamoDBBackend.put_item, DynamoDBBackend.get_item

    def atomic_put(self: Any, *args: Any, **kwargs: Any) -> Any:
        with lock:
            try:
                return put(self, *args, **kwargs)
            except Exception as exc:
                conflicts[0] += type(exc).__name__ == "ConditionalCheckFailed"
                raise

    def slow_get(self: Any, *args: Any, **kwargs: Any) -> Any:
        item = get(self, *args, **kwargs)
        time.sleep(0.002)
        return item

    monkeypatch.setattr(DynamoDBBackend, "put_item", atomic_put)
    monkeypatch.setattr(DynamoDBBackend, "get_item", slow_get)
    env = boto3.client("lambda").get_function_configuration(FunctionName="ents-counter")
    env = env["Environment"]["Variables"]
    threads, per_thread = 4, 5
    applied: list[int] = []

    def operate(t: int) -> None:
        for n in range(per_thread):
            by = 100 * t + n + 1  # distinct amounts: a lost or doubled one shows in the sum
            event = {"entity": "counter", "key": "shared", "operation": "add", "input": by}
            for _ in range(3):  # Lambda retries an asynchronous invocation twice
                try:
                    entry.dispatch(event, None, env)
                except RuntimeError:  # "kept changing": not applied, invoked again
                    continue
                applied.append(by)
                break

    workers = [threading.Thread(target=operate, args=(t,)) for t in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    item = boto3.client("dynamodb").get_item(
        TableName="ents-durable-entities", Key={"entity": {"S": "counter@shared"}}
    )["Item"]
    assert len(applied) == threads * per_thread
    assert json.loads(item["state"]["S"]) == sum(applied)  # no lost update, none doubled
    assert item["version"]["N"] == str(threads * per_thread)
    assert conflicts[0] > 0, "no write conflicted: the conditional path was not exercised"
