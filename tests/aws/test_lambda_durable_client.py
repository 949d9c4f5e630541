"""The portable client on Lambda durable functions: ``start_new``, ``get_status`` (custom status
included), ``raise_event`` through the callback registry, ``terminate``, ``purge`` and
``wait_for_completion``, against executions the durable SDK's local runner runs. The client's
Lambda calls go to the runner's own implementation of the same API (``RunnerLambda`` below
answers boto3's method names with the runner executor's responses, in the API's shapes), and
botocore's request validation judges every call the client makes (``test_calls_fit_the_api``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from aws_durable_execution_sdk_python.lambda_service import ErrorObject
from botocore.stub import ANY, Stubber
from faas_iac_aws.lambda_durable.client import LambdaApi, LambdaDurableClient

from faas_iac.api import load
from tests.aws.durable_runner import REGISTRY, SdkRunner, sdk_runner
from tests.aws.moto_server import fake_credentials

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class RunnerLambda:
    """boto3 ``lambda`` method names, answered by the runner's executor."""

    def __init__(self, sdk: SdkRunner) -> None:
        self.sdk, self.executor = sdk, sdk.runner._executor
        self.deleted: list[str] = []

    def invoke(self, **kw: Any) -> dict[str, Any]:
        assert kw["InvocationType"] == "Event"
        self.sdk.runner.run_async(
            input=kw["Payload"].decode(),
            function_name=kw["FunctionName"],
            execution_name=kw["DurableExecutionName"],
        )
        return {"StatusCode": 202}

    def list_durable_executions_by_function(self, **kw: Any) -> dict[str, Any]:
        found = self.executor.list_executions_by_function(
            kw["FunctionName"], execution_name=kw["DurableExecutionName"]
        )
        return dict(found.to_dict())

    def get_durable_execution(self, **kw: Any) -> dict[str, Any]:
        if kw["DurableExecutionArn"] in self.deleted:
            raise LookupError(kw["DurableExecutionArn"])
        return dict(self.executor.get_execution_details(kw["DurableExecutionArn"]).to_dict())

    def stop_durable_execution(self, **kw: Any) -> dict[str, Any]:
        error = ErrorObject(kw["Error"]["ErrorMessage"], kw["Error"]["ErrorType"], None, None)
        self.executor.stop_execution(kw["DurableExecutionArn"], error)
        return {}

    def delete_durable_execution(self, **kw: Any) -> dict[str, Any]:
        self.deleted.append(kw["DurableExecutionArn"])  # the local runner keeps executions
        return {}

    def send_durable_execution_callback_success(self, **kw: Any) -> dict[str, Any]:
        self.sdk.runner.send_callback_success(kw["CallbackId"], kw["Result"])
        return {}


@pytest.fixture(scope="module")
def client() -> Iterator[LambdaDurableClient]:
    model, _ = load(os.path.join(ROOT, "examples", "durable", "app.py"))
    with fake_credentials(), sdk_runner(model) as sdk:
        functions = {f.name: f.name for f in model.by_kind("orchestrator")}
        ddb = boto3.client("dynamodb")
        yield LambdaDurableClient(functions, REGISTRY, LambdaApi(RunnerLambda(sdk)), ddb)


def test_start_status_event_and_custom_status(client: LambdaDurableClient) -> None:
    iid = client.start_new("report_progress", "progress-1", None)
    status = client.get_status(iid)
    assert status["name"] == "report_progress" and status["runtimeStatus"] == "Running"
    assert client.raise_event(iid, "Approval", {"by": "ann"}) in ("delivered", "buffered")
    done = client.wait_for_completion(iid, timeout=30, interval=0.05)
    assert done["runtimeStatus"] == "Completed"
    assert done["output"] == {"approved": {"by": "ann"}}
    assert done["customStatus"] == {"stage": "done", "percent": 100}
    assert done["input"] is None


def test_failure_terminate_and_purge(client: LambdaDurableClient) -> None:
    failed = client.start_new("flaky_call", "flaky-1", {"id": "c1", "fail_times": 9, "attempts": 2})
    status = client.wait_for_completion(failed, timeout=30, interval=0.05)
    assert status["runtimeStatus"] == "Failed"
    assert status["output"] == (
        "Orchestrator function 'flaky_call' failed: TaskFailedError: Activity function 'flaky' "
        "failed: ConnectionError: attempt 2 failed"
    )
    waiting = client.start_new("report_progress", "progress-2", None)
    client.terminate(waiting, "no longer needed")
    stopped = client.wait_for_completion(waiting, timeout=30, interval=0.05)
    assert stopped["runtimeStatus"] == "Terminated"
    assert client.purge_instance_history(failed) == 1
    assert client.get_status("nobody")["runtimeStatus"] is None


def test_continue_as_new_is_one_instance(client: LambdaDurableClient) -> None:
    iid = client.start_new("periodic_cleanup", "cleanup-1", {"round": 0, "rounds": 3})
    status = client.wait_for_completion(iid, timeout=30, interval=0.05)
    assert (status["runtimeStatus"], status["output"]) == ("Completed", {"rounds": 3})
    assert status["input"] == {"round": 2, "rounds": 3}  # the last generation's
    assert client.purge_instance_history(iid) == 3


def test_a_sub_orchestration_is_found_by_its_instance_id(client: LambdaDurableClient) -> None:
    iid = client.start_new("provision_devices", "devices-1", ["d1", "d2"])
    done = client.wait_for_completion(iid, timeout=30, interval=0.05)
    assert done["runtimeStatus"] == "Completed"
    # the local engine's ids of the children: the parent's id and the task's position
    children = [f"{iid}:{n:04d}" for n in range(2)]
    for child, device, output in zip(children, ["d1", "d2"], done["output"], strict=True):
        status = client.get_status(child)
        assert status["name"] == "provision_device", status
        assert (status["runtimeStatus"], status["input"]) == ("Completed", device)
        assert status["output"] == output == {"device": device, "key": f"key-{device}",
                                              "parent": iid}  # fmt: skip
    assert client.purge_instance_history(children[0]) == 1
    assert client.get_status(children[0])["runtimeStatus"] is None
    assert client.get_status(children[1])["runtimeStatus"] == "Completed"


def test_instance_ids_name_executions() -> None:
    bad = LambdaDurableClient({"o": "f"}, REGISTRY, LambdaApi(None), None)
    with pytest.raises(ValueError, match="1-64 letters, digits"):
        bad.start_new("o", "parent:0001")


def test_calls_fit_the_api() -> None:
    """Every request the client's API seam makes, validated by botocore against the Lambda
    service model (parameter names, types, required members)."""
    lam = boto3.client("lambda", region_name="us-east-1")
    arn = "arn:aws:lambda:us-east-1:123456789012:function:f:1/durable-execution/i-1/abc"
    with Stubber(lam) as stub:
        stub.add_response(
            "invoke",
            {"StatusCode": 202},
            {
                "FunctionName": "f:1",
                "InvocationType": "Event",
                "DurableExecutionName": "i-1",
                "Payload": ANY,
            },
        )
        stub.add_response(
            "list_durable_executions_by_function",
            {"DurableExecutions": []},
            {"FunctionName": "f:1", "DurableExecutionName": "i-1"},
        )
        stub.add_response(
            "get_durable_execution",
            {
                "DurableExecutionArn": arn,
                "DurableExecutionName": "i-1",
                "FunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:f:1",
                "Status": "RUNNING",
                "StartTimestamp": "2026-01-01T00:00:00Z",
            },
            {"DurableExecutionArn": arn},
        )
        stub.add_response(
            "stop_durable_execution",
            {"StopTimestamp": "2026-01-01T00:00:00Z"},
            {"DurableExecutionArn": arn, "Error": ANY},
        )
        stub.add_response(
            "delete_durable_execution",
            {"DeletionRequestTimestamp": "2026-01-01T00:00:00Z"},
            {"DurableExecutionArn": arn},
        )
        stub.add_response(
            "send_durable_execution_callback_success", {}, {"CallbackId": "Y2I=", "Result": ANY}
        )
        api = LambdaApi(lam)
        api.start("f:1", "i-1", {"faas_iac_durable": {"input": json.dumps(1)}})
        assert api.find("f:1", "i-1") is None
        assert api.get(arn)["Status"] == "RUNNING"
        api.stop(arn, "bye")
        api.delete(arn)
        api.send("Y2I=", "1")
        stub.assert_no_pending_responses()
