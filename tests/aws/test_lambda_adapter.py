"""The Lambda adapter on the real event shapes of ``sam local generate-event`` (fixtures made by
``tests/aws/fixtures/generate.py``), dispatched through the one entry point a Lambda calls."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from faas_iac_aws.runtime import entry

from tests.aws import handlers

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


class LambdaContext:
    aws_request_id = "req-1"

    def get_remaining_time_in_millis(self) -> int:
        return 3000


@pytest.fixture(autouse=True)
def fresh() -> Iterator[None]:
    handlers.SEEN.clear()
    entry._cache.clear()
    yield
    entry._cache.clear()


def run(monkeypatch: pytest.MonkeyPatch, handler: str, trigger: str, event: Any) -> Any:
    monkeypatch.setenv("FAAS_IAC_HANDLER", f"tests.aws.handlers:{handler}")
    monkeypatch.setenv("FAAS_IAC_TRIGGER", trigger)
    monkeypatch.setenv("FAAS_IAC_FUNCTION", handler)
    monkeypatch.setenv("FAAS_IAC_BINDINGS", "{}")
    return entry.handler(event, LambdaContext())


def test_http_api_v2(monkeypatch: pytest.MonkeyPatch) -> None:
    event = fixture("apigw_v2_post.json")
    result = run(monkeypatch, "echo_http", "http", event)
    req = handlers.SEEN[0]
    assert req.method == "POST" and req.path == "/orders"
    assert req.json() == {"id": "o-1", "items": ["pen"], "total": 3}
    assert req.header("Header2") == "value1,value2"
    assert req.header("cookie") == "cookie1; cookie2"
    # the raw query string keeps both values; queryStringParameters joined them with ","
    assert req.query == {"parameter1": "value2", "parameter2": "value"}
    assert req.query_list("parameter1") == ["value1", "value2"]
    assert result["statusCode"] == 201
    assert result["headers"]["content-type"] == "application/json"
    assert json.loads(result["body"]) == {"path": "/orders", "params": {"parameter1": "value1"}}
    assert result["isBase64Encoded"] is False


def test_rest_api_v1_greedy_path(monkeypatch: pytest.MonkeyPatch) -> None:
    event = fixture("apigw_v1_get.json")
    result = run(monkeypatch, "echo_http", "http", event)
    req = handlers.SEEN[0]
    assert (req.method, req.path) == ("GET", "/orders/o-1")
    assert req.route_params == {"proxy": "/orders/o-1"}
    assert req.query == {"foo": "bar"}
    assert req.header("user-agent") == "Custom User Agent String"
    assert result["statusCode"] == 201


def test_function_url(monkeypatch: pytest.MonkeyPatch) -> None:
    result = run(monkeypatch, "echo_http", "http", fixture("function_url.json"))
    assert handlers.SEEN[0].route_params == {}
    assert json.loads(result["body"])["path"] == "/orders"


def test_binary_and_async_and_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    event = fixture("apigw_v2_post.json")
    result = run(monkeypatch, "binary_http", "http", event)
    assert result["isBase64Encoded"] is True
    assert base64.b64decode(result["body"]) == b"\x89PNG\x00\xff"
    entry._cache.clear()
    assert run(monkeypatch, "async_http", "http", event)["body"] == "async ok"
    entry._cache.clear()
    failed = run(monkeypatch, "failing_http", "http", event)
    assert failed["statusCode"] == 500 and "secret detail" not in failed["body"]


def test_sqs_partial_batch_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    event = fixture("sqs.json")
    good = event["Records"][0]
    poison = {**good, "messageId": "m-2", "body": "poison"}
    last = {**good, "messageId": "m-3"}
    event["Records"] = [good, poison, last]
    result = run(monkeypatch, "on_message", "queue", event)
    assert result == {"batchItemFailures": [{"itemIdentifier": "m-2"}]}
    msg = handlers.SEEN[0]
    assert msg.id == good["messageId"] and msg.text() == "order o-1"
    assert msg.delivery_count == 1 and msg.source.endswith(":shop-orders")
    assert msg.enqueued_at is not None and msg.enqueued_at.year == 2018
    assert len(handlers.SEEN) == 3


def test_sns(monkeypatch: pytest.MonkeyPatch) -> None:
    assert run(monkeypatch, "on_message", "topic", fixture("sns.json")) is None
    msg = handlers.SEEN[0]
    assert msg.text() == "example message"
    # SNS hands a Binary attribute to Lambda as base64 text (tests/adapters/test_message_rules)
    assert msg.attributes == {"Test": "TestString", "TestBinary": "TestBinary"}
    assert msg.source == "arn:aws:sns:us-east-1:123456789012:ExampleTopic"


def test_s3_put_and_delete(monkeypatch: pytest.MonkeyPatch) -> None:
    run(monkeypatch, "on_event", "storage", fixture("s3_put.json"))
    run(monkeypatch, "on_event", "storage", fixture("s3_delete.json"))
    put, delete = handlers.SEEN
    assert (put.type, put.subject, put.data["bucket"]) == (
        "object.created",
        "2024/report.txt",
        "shop-reports",
    )
    assert put.data["size"] == 1024
    assert (delete.type, delete.subject) == ("object.deleted", "old.txt")


def test_dynamodb_stream(monkeypatch: pytest.MonkeyPatch) -> None:
    result = run(monkeypatch, "on_event", "table", fixture("dynamodb.json"))
    assert result == {"batchItemFailures": []}
    kinds = [e.type for e in handlers.SEEN]
    assert kinds == ["record.inserted", "record.modified", "record.removed"]
    inserted, modified, _ = handlers.SEEN
    assert inserted.data["keys"] == {"Id": 101}
    assert inserted.data["new"] == {"Id": 101, "Message": "New item!"}
    assert modified.data["old"]["Message"] == "New item!"


def test_kinesis_ordered_failures(monkeypatch: pytest.MonkeyPatch) -> None:
    event = fixture("kinesis.json")
    first = event["Records"][0]
    poison = json.loads(json.dumps(first))
    poison["kinesis"]["sequenceNumber"] = "2"
    poison["kinesis"]["data"] = base64.b64encode(b"poison").decode()
    after = json.loads(json.dumps(first))
    after["kinesis"]["sequenceNumber"] = "3"
    event["Records"] = [first, poison, after]
    result = run(monkeypatch, "on_message", "stream", event)
    # Ordered source: the failed record and everything after it are retried, in order.
    assert result == {"batchItemFailures": [{"itemIdentifier": "2"}, {"itemIdentifier": "3"}]}
    msg = handlers.SEEN[0]
    assert msg.text() == "order o-1" and msg.partition_key == "o-1"
    assert len(handlers.SEEN) == 2


def test_schedules(monkeypatch: pytest.MonkeyPatch) -> None:
    run(monkeypatch, "on_timer", "schedule", fixture("scheduled.json"))
    run(
        monkeypatch,
        "on_timer",
        "schedule",
        {"faas_iac": "schedule", "scheduled_time": "2026-01-02T03:04:05Z"},
    )
    rule, scheduler = handlers.SEEN
    assert rule.scheduled_time.isoformat() == "1970-01-01T00:00:00+00:00"
    assert scheduler.scheduled_time.isoformat() == "2026-01-02T03:04:05+00:00"


def test_eventbridge_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    run(monkeypatch, "on_event", "event", fixture("eventbridge_rule.json"))
    event = handlers.SEEN[0]
    assert (event.source, event.type, event.data) == (
        "shop",
        "order.placed",
        {"id": "o-1", "total": 3},
    )


def test_activity_takes_its_input(monkeypatch: pytest.MonkeyPatch) -> None:
    assert run(monkeypatch, "activity", "activity", {"id": "o-9"}) == "reserved o-9"


def test_adapter_imports_no_boto3_or_compiler() -> None:
    import subprocess
    import sys

    code = (
        "import sys, os, json\n"
        "os.environ.update(FAAS_IAC_HANDLER='tests.aws.handlers:echo_http', "
        "FAAS_IAC_TRIGGER='http')\n"
        "from faas_iac_aws.runtime import entry\n"
        "event = json.load(open(sys.argv[1]))\n"
        "entry.handler(event, None)\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "('boto3', 'botocore', 'pydantic', 'click', 'croniter', 'pulumi')"
        " or m.startswith(('faas_iac.model', 'faas_iac.plan', 'faas_iac_aws.plan'))]\n"
        "print(json.dumps(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(FIXTURES / "apigw_v2_post.json")],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parents[2],
    )
    assert json.loads(out.stdout) == []
