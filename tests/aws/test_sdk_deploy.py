"""Deploy → invoke through the deployed configuration → update → destroy, against a real
``moto_server`` subprocess; every call goes through botocore's request validation."""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from faas_iac_aws.provider import provider
from faas_iac_aws.runtime import entry

from faas_iac.api import load
from faas_iac.plan import DeployOptions, DeployReport, compile_app
from tests.aws.moto_server import moto_server

HERE = Path(__file__).parent
READ_ONLY = ("Get", "List", "Describe")


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    with moto_server() as url:
        yield url


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, endpoint: str) -> str:
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(key, value)
    return endpoint


class Calls:
    """Every API operation the engine sends, as botocore names it."""

    def __init__(self, session: boto3.session.Session) -> None:
        self.names: list[str] = []
        session.events.register("before-call", self.record)

    def record(self, model: Any, **_: Any) -> None:
        self.names.append(model.name)

    def mutating(self) -> list[str]:
        return [n for n in self.names if not n.startswith(READ_ONLY)]


def apply(app_dir: Path, endpoint: str, session: Any, destroy: bool = False) -> DeployReport:
    model, root = load(str(app_dir / "app.py"))
    compiled = compile_app(model, root, "aws")
    options = DeployOptions(endpoint_url=endpoint, session=session)
    return (provider.destroy if destroy else provider.deploy)(compiled, options)


def test_deploy_invoke_update_destroy(tmp_path: Path, aws_env: str, monkeypatch: Any) -> None:
    app_dir = tmp_path / "all_triggers"
    shutil.copytree(HERE / "apps" / "all_triggers", app_dir)
    session = boto3.session.Session(region_name="us-east-1")
    calls = Calls(session)
    client = lambda service: session.client(service, endpoint_url=aws_env)  # noqa: E731

    first = apply(app_dir, aws_env, session)
    assert first.created and not first.updated
    lam = client("lambda")
    names = sorted(f["FunctionName"] for f in lam.list_functions()["Functions"])
    assert names == sorted(
        f"allt-{n}"
        for n in (
            "place",
            "files",
            "admin",
            "take",
            "nightly",
            "every_five",
            "on_news",
            "on_file",
            "on_change",
            "on_click",
            "on_event",
        )
    )
    place = lam.get_function_configuration(FunctionName="allt-place")
    assert place["Handler"] == "faas_iac_aws.runtime.entry.handler"
    assert place["Layers"] and place["TracingConfig"]["Mode"] == "Active"
    iam = client("iam")
    policy = json.loads(
        json.dumps(
            iam.get_role_policy(RoleName="allt-place", PolicyName="least-privilege")[
                "PolicyDocument"
            ]
        )
    )
    actions = {a for st in policy["Statement"] for a in st["Action"]}
    assert {"sqs:SendMessage", "sns:Publish", "events:PutEvents", "kinesis:PutRecord"} <= actions
    assert not any("*" in a for a in actions)
    sqs = client("sqs")
    url = sqs.get_queue_url(QueueName="allt-orders")["QueueUrl"]
    redrive = json.loads(
        sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["RedrivePolicy"])["Attributes"][
            "RedrivePolicy"
        ]
    )
    assert redrive["deadLetterTargetArn"].endswith(":allt-orders-dlq")
    mappings = [
        m
        for m in lam.list_event_source_mappings()["EventSourceMappings"]
        if m["FunctionArn"].endswith(":allt-take")
    ]
    assert mappings[0]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mappings[0]["EventSourceArn"].endswith(":allt-orders")
    api_id = first.outputs["url"].split("//")[1].split(".")[0]
    routes = {r["RouteKey"]: r for r in client("apigatewayv2").get_routes(ApiId=api_id)["Items"]}
    assert routes["POST /orders"]["AuthorizationType"] == "NONE"
    assert routes["GET /files/{rest+}"]["AuthorizationType"] == "JWT"
    assert routes["GET /admin"]["AuthorizationType"] == "AWS_IAM"

    # Invoke: the deployed function's own configuration, through the Lambda adapter, with the
    # API Gateway event SAM generates; its bindings reach the deployed queue on the emulator.
    event = json.loads((HERE / "fixtures" / "apigw_v2_post.json").read_text())
    for key, value in place["Environment"]["Variables"].items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("AWS_ENDPOINT_URL", aws_env)
    monkeypatch.syspath_prepend(str(app_dir))
    entry._cache.clear()
    try:
        response = entry.handler(event, None)
    finally:
        entry._cache.clear()
        sys.modules.pop("app", None)
    assert response["statusCode"] == 200, response
    # The queue's event source mapping hands messages to moto's Lambda at once, so read what
    # the function wrote to the deployed Kinesis stream.
    kinesis = client("kinesis")
    shard = kinesis.list_shards(StreamName="allt-clicks")["Shards"][0]["ShardId"]
    iterator = kinesis.get_shard_iterator(
        StreamName="allt-clicks", ShardId=shard, ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    records = kinesis.get_records(ShardIterator=iterator)["Records"]
    assert json.loads(records[0]["Data"]) == {"id": "o-1", "items": ["pen"], "total": 3}
    assert records[0]["PartitionKey"] == "o-1"
    for key in place["Environment"]["Variables"]:
        os.environ.pop(key, None)

    # A second deploy of the unchanged app changes nothing.
    calls.names.clear()
    second = apply(app_dir, aws_env, session)
    assert second.created == second.updated == second.deleted == ()
    assert calls.mutating() == []

    # Update: more memory for one function, one function removed.
    source = (app_dir / "app.py").read_text()
    source = source.replace(
        'auth="iam", reserved_concurrency=5)', 'auth="iam", reserved_concurrency=5, memory=512)'
    )
    start = source.index('@app.schedule(every="5 minutes")')
    end = source.index("@app.topic(")
    (app_dir / "app.py").write_text(source[:start] + source[end:])
    third = apply(app_dir, aws_env, session)
    assert "fn-admin" in third.updated
    assert {"fn-every_five", "schedule-every_five", "role-every_five"} <= set(third.deleted)
    assert lam.get_function_configuration(FunctionName="allt-admin")["MemorySize"] == 512
    assert "allt-every_five" not in {f["FunctionName"] for f in lam.list_functions()["Functions"]}

    gone = apply(app_dir, aws_env, session, destroy=True)
    assert "fn-place" in gone.deleted
    assert lam.list_functions()["Functions"] == []
    assert not sqs.list_queues().get("QueueUrls")
    assert client("dynamodb").list_tables()["TableNames"] == []


def test_cli_deploys_the_shop_example_idempotently(
    tmp_path: Path, aws_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from faas_iac.cli import cli

    app = str(HERE.parents[1] / "examples" / "shop" / "app.py")
    common = [
        "-p",
        "aws",
        "--yes",
        "--endpoint-url",
        aws_env,
        "--state",
        str(tmp_path / "shop.json"),
    ]
    runner = CliRunner()
    first = runner.invoke(cli, ["deploy", app, *common])
    assert first.exit_code == 0, first.output
    assert "0 deleted" in first.output and "created    sm-fulfil_order" not in first.output
    again = runner.invoke(cli, ["deploy", app, *common])
    assert again.exit_code == 0, again.output
    assert "0 created, 0 updated, 0 replaced, 0 deleted" in again.output

    session = boto3.session.Session(region_name="us-east-1")
    lam = session.client("lambda", endpoint_url=aws_env)
    get_order = lam.get_function_configuration(FunctionName="shop-get_order")
    session.client("dynamodb", endpoint_url=aws_env).put_item(
        TableName="shop-orders", Item={"id": {"S": "o-1"}, "total": {"N": "3"}}
    )
    event = json.loads((HERE / "fixtures" / "apigw_v1_get.json").read_text())
    event["pathParameters"] = {"id": "o-1"}
    env = get_order["Environment"]["Variables"]
    monkeypatch.setenv("AWS_ENDPOINT_URL", aws_env)  # boto3 reads it from the process
    monkeypatch.syspath_prepend(str(HERE.parents[1] / "examples" / "shop"))
    entry._cache.clear()
    try:
        response = entry.dispatch(event, None, env)
    finally:
        entry._cache.clear()
        sys.modules.pop("app", None)
    assert response["statusCode"] == 200, response
    assert json.loads(response["body"]) == {"id": "o-1", "total": 3}
    machines = session.client("stepfunctions", endpoint_url=aws_env).list_state_machines()
    assert [m["name"] for m in machines["stateMachines"]] == ["shop-fulfil_order"]

    gone = runner.invoke(cli, ["destroy", app, *common])
    assert gone.exit_code == 0, gone.output
    assert lam.list_functions()["Functions"] == []
    missing = runner.invoke(cli, ["destroy", app, *common])
    assert missing.exit_code == 2 and "FIAC305" in missing.output
