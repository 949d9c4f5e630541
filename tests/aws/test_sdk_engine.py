"""The SDK engine against a real ``moto_server``: resources deleted behind its back are created
again by the next deploy, a second deploy of the same app at once is refused with a coded
error, and each change is reported as it is made."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import boto3
import pytest
from faas_iac_aws.provider import provider

from faas_iac.api import load
from faas_iac.errors import FaasError
from faas_iac.plan import Compiled, DeployOptions, DeployReport, compile_app
from tests.aws import test_sdk_deploy
from tests.aws.test_sdk_deploy import Calls

APP = """
from faas_iac import App, Queue

app = App("probe")
app.declare(Queue("jobs"))


@app.http("/hello", auth="anonymous")
def hello(req, ctx):
    return {"hello": "world"}


@app.queue("jobs")
def work(msg, ctx): ...
"""

endpoint = test_sdk_deploy.endpoint  # a moto_server per module


@pytest.fixture
def session(monkeypatch: pytest.MonkeyPatch, endpoint: str) -> boto3.session.Session:
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(key, value)
    return boto3.session.Session(region_name="us-east-1")


@pytest.fixture
def compiled(tmp_path: Path, request: pytest.FixtureRequest) -> Compiled:
    """The app, on a stage of its own per test (they share one moto server)."""
    (tmp_path / "app.py").write_text(APP)
    model, root = load(str(tmp_path / "app.py"))
    return compile_app(model, root, "aws", {"stage": request.node.name.split("_")[1]})


def deploy(compiled: Compiled, endpoint: str, session: Any, **extra: Any) -> DeployReport:
    options = DeployOptions(endpoint_url=endpoint, session=session, **extra)
    return provider.deploy(compiled, options)


def test_resources_deleted_out_of_band_are_created_again(
    compiled: Compiled, endpoint: str, session: boto3.session.Session
) -> None:
    deploy(compiled, endpoint, session)
    lam = session.client("lambda", endpoint_url=endpoint)
    sqs = session.client("sqs", endpoint_url=endpoint)
    iam = session.client("iam", endpoint_url=endpoint)
    # Someone deletes the function, the queue and a role (with its inline policy) by hand.
    lam.delete_function(FunctionName="probe-resources-hello")
    sqs.delete_queue(QueueUrl=sqs.get_queue_url(QueueName="probe-resources-jobs")["QueueUrl"])
    for policy in iam.list_role_policies(RoleName="probe-resources-work")["PolicyNames"]:
        iam.delete_role_policy(RoleName="probe-resources-work", PolicyName=policy)
    iam.delete_role(RoleName="probe-resources-work")

    told: list[tuple[str, str]] = []
    again = deploy(
        compiled, endpoint, session, progress=lambda verb, name, _: told.append((verb, name))
    )
    assert {"fn-hello", "queue-jobs", "role-work"} <= set(again.created)
    assert ("recreated", "fn-hello") in told and ("recreated", "queue-jobs") in told
    assert (
        lam.get_function(FunctionName="probe-resources-hello")["Configuration"]["State"] == "Active"
    )
    assert sqs.get_queue_url(QueueName="probe-resources-jobs")["QueueUrl"]
    assert iam.list_role_policies(RoleName="probe-resources-work")["PolicyNames"]

    # Everything is there again: the next deploy only reads.
    calls = Calls(session)
    third = deploy(compiled, endpoint, session)
    assert third.created == third.updated == third.replaced == ()
    assert calls.mutating() == []


def test_a_second_deploy_at_once_is_refused(
    compiled: Compiled, endpoint: str, session: boto3.session.Session
) -> None:
    first_is_applying, second_done = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def hold(verb: str, name: str, seconds: float) -> None:
        first_is_applying.set()  # the first deploy is inside its lock, between two changes
        second_done.wait(timeout=30)

    def first() -> None:
        try:
            deploy(compiled, endpoint, session, progress=hold)
        except BaseException as exc:  # reported below
            errors.append(exc)

    thread = threading.Thread(target=first)
    thread.start()
    assert first_is_applying.wait(timeout=60)
    with pytest.raises(FaasError) as refused:
        deploy(compiled, endpoint, session)
    second_done.set()
    thread.join(timeout=60)
    assert errors == []
    assert refused.value.diagnostics[0].code == "FIAC313"
    assert "probe-a.state.json.lock" in refused.value.diagnostics[0].message
    # Once the first one is done, the lock is free again.
    assert deploy(compiled, endpoint, session).created == ()


def test_lambda_updates_wait_for_the_function_between_calls(
    compiled: Compiled, endpoint: str, session: boto3.session.Session, tmp_path: Path
) -> None:
    """botocore's waiters poll GetFunction after the code update and after the configuration
    update (AWS refuses a second update while one is in progress)."""
    deploy(compiled, endpoint, session)
    (tmp_path / "app.py").write_text(
        APP.replace('auth="anonymous")', 'auth="anonymous", memory=512)')
    )
    model, root = load(str(tmp_path / "app.py"))
    bigger = compile_app(model, root, "aws", {"stage": "lambda"})
    calls = Calls(session)
    updated = deploy(bigger, endpoint, session).updated
    assert {"fn-hello", "fn-work"} <= set(updated)  # the code zip changed for both
    steps = ("UpdateFunctionCode", "GetFunction", "UpdateFunctionConfiguration")
    lam = [c for c in calls.names if c in steps]
    # per function: the probe's read, then code, wait, configuration, wait
    each = ["UpdateFunctionCode", "GetFunction", "UpdateFunctionConfiguration", "GetFunction"]
    assert lam == ["GetFunction", *each] * 2
    client = session.client("lambda", endpoint_url=endpoint)
    memory = client.get_function_configuration(FunctionName="probe-lambda-hello")["MemorySize"]
    assert memory == 512
