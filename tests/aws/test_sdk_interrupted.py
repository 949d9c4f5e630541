"""The SDK engine when AWS throttles it and when it is killed mid-deploy, on a real
``moto_server``.

moto never throttles, so a ``before-send`` handler on the boto3 session the engine is given
(``DeployOptions.session``: its clients inherit the session's event hooks) answers the first N
sends of one operation with the throttling responses AWS gives (Lambda's 429
``TooManyRequestsException``, CloudWatch Logs' 400 ``ThrottlingException``) before letting the
call reach moto. botocore's own ``standard`` retry handler does the retrying; its back-off
sleeps are recorded instead of slept. A kill is a ``BaseException`` raised from the same
session's ``after-call`` hook: the call reached moto, the engine never saw the answer.
"""

from __future__ import annotations

import hashlib
import json
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import botocore.endpoint
import botocore.loaders
import botocore.session
import pytest
from botocore.awsrequest import AWSResponse
from faas_iac_aws import types as T
from faas_iac_aws.provider import provider

from faas_iac.api import load
from faas_iac.errors import Diagnostic, FaasError
from faas_iac.plan import Compiled, DeployOptions, DeployReport, compile_app
from tests.aws import test_sdk_deploy
from tests.aws.moto_server import fake_credentials
from tests.aws.test_sdk_engine import APP

endpoint = test_sdk_deploy.endpoint  # a moto_server per module
LOADER = botocore.loaders.create_loader()


def new_session() -> boto3.session.Session:
    """A session of its own (its own event hooks), reading the service models through one
    loader for the module (botocore caches them per loader: loading is most of a client)."""
    core = botocore.session.Session()
    core.register_component("data_loader", LOADER)
    return boto3.session.Session(botocore_session=core, region_name="us-east-1")


@pytest.fixture
def session() -> Iterator[boto3.session.Session]:
    with fake_credentials():
        yield new_session()


@pytest.fixture
def slept(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """botocore's retry back-off delays, recorded instead of slept (botocore.endpoint's sleep
    between attempts is its only use of ``time``)."""
    delays: list[float] = []
    monkeypatch.setattr(botocore.endpoint, "time", types.SimpleNamespace(sleep=delays.append))
    return delays


@pytest.fixture
def compiled(tmp_path: Path, request: pytest.FixtureRequest) -> Compiled:
    """The app, on a stage of its own per test (they share one moto server)."""
    (tmp_path / "app.py").write_text(APP)
    model, root = load(str(tmp_path / "app.py"))
    stage = "s" + hashlib.sha256(request.node.name.encode()).hexdigest()[:8]
    return compile_app(model, root, "aws", {"stage": stage})


def deploy(compiled: Compiled, endpoint: str, session: Any, destroy: bool = False) -> DeployReport:
    options = DeployOptions(endpoint_url=endpoint, session=session)
    return (provider.destroy if destroy else provider.deploy)(compiled, options)


class _Body:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_: Any) -> Any:
        yield self.data


class Answer:
    """Answers the first ``times`` sends of ``service``'s ``operation`` with an error of
    ``code`` and ``status`` (JSON, as Lambda and CloudWatch Logs send them); counts every send
    of it, the ones botocore's retries make included."""

    def __init__(
        self, session: Any, service: str, operation: str, code: str, status: int, times: int
    ) -> None:
        self.code, self.status, self.times, self.sent = code, status, times, 0
        session.events.register(f"before-send.{service}.{operation}", self.send)

    def send(self, request: Any, **_: Any) -> AWSResponse | None:
        self.sent += 1
        if self.sent > self.times:
            return None  # on to moto
        body = json.dumps({"__type": self.code, "message": "answered by the test"}).encode()
        headers = {"x-amzn-ErrorType": self.code, "Content-Type": "application/x-amz-json-1.1"}
        return AWSResponse(request.url, self.status, headers, _Body(body))


def refused(compiled: Compiled, endpoint: str, session: Any) -> Diagnostic:
    """The deploy fails with one FIAC304."""
    with pytest.raises(FaasError) as failed:
        deploy(compiled, endpoint, session)
    (diag,) = failed.value.diagnostics
    assert diag.code == "FIAC304"
    return diag


def state_of(compiled: Compiled) -> dict[str, Any]:
    path = compiled.root / ".faas" / "aws" / f"{compiled.plan.app}.state.json"
    return dict(json.loads(path.read_text()))


def test_throttled_calls_are_retried_by_botocore(
    compiled: Compiled, endpoint: str, session: Any, slept: list[float]
) -> None:
    create = Answer(session, "lambda", "CreateFunction", "TooManyRequestsException", 429, 2)
    group = Answer(session, "cloudwatch-logs", "CreateLogGroup", "ThrottlingException", 400, 3)
    report = deploy(compiled, endpoint, session)
    assert len(report.created) == len(compiled.plan.resources)
    functions = sum(1 for r in compiled.plan.resources if r.type == T.LAMBDA)
    groups = sum(1 for r in compiled.plan.resources if r.type == T.LOG_GROUP)
    # The first function's create was answered twice with 429, then reached moto; every
    # other create went through at once. Same for the first log group, three times.
    assert create.sent == 2 + functions and group.sent == 3 + groups
    assert len(slept) == 5  # one back-off per retry, none for the calls that went through
    assert all(0 <= d <= 20 for d in slept)
    app = compiled.plan.app
    assert Inventory(session, endpoint, app).functions() == [f"{app}-hello", f"{app}-work"]


def test_a_call_refused_for_good_fails_fast_and_the_state_stays_whole(
    compiled: Compiled, endpoint: str, session: Any, slept: list[float]
) -> None:
    denied = Answer(session, "lambda", "CreateFunction", "AccessDeniedException", 403, 99)
    diag = refused(compiled, endpoint, session)
    assert denied.sent == 1 and slept == []  # not retryable: one attempt, no back-off
    assert "fn-" in diag.message and "CreateFunction" in diag.message
    assert "AccessDeniedException" in diag.message
    assert "throttl" not in diag.fix
    state = state_of(compiled)  # a whole JSON document, no temporary file left beside it
    assert not list((compiled.root / ".faas" / "aws").glob("*.tmp"))
    assert state["resources"] and not any(n.startswith("fn-") for n in state["resources"])
    iam = session.client("iam", endpoint_url=endpoint)
    for item in state["resources"].values():  # what it records is really there
        if item["type"] == T.ROLE:
            assert iam.get_role(RoleName=item["outputs"]["name"])


def test_a_throttle_outlasting_the_retries_names_the_call_and_the_next_deploy_resumes(
    compiled: Compiled, endpoint: str, session: Any, slept: list[float]
) -> None:
    throttle = Answer(session, "lambda", "CreateFunction", "TooManyRequestsException", 429, 5)
    diag = refused(compiled, endpoint, session)
    assert throttle.sent == 5 and len(slept) == 4  # standard mode: 5 attempts in all
    assert diag.message.startswith("creating fn-")
    assert "CreateFunction" in diag.message and "TooManyRequestsException" in diag.message
    assert "max retries" in diag.message
    assert "throttling the call (5 attempts)" in diag.fix
    recorded = set(state_of(compiled)["resources"])

    again = deploy(compiled, endpoint, session)  # the throttle has passed
    assert not recorded & set(again.created)  # resumed: nothing recorded was created again
    assert recorded | set(again.created) == {r.name for r in compiled.plan.resources}


class Killed(BaseException):
    """The process dying: not an Exception, so nothing on the way catches it."""


def kill_after(session: Any, service: str, operation: str) -> Callable[[], bool]:
    """Kill the deploy as soon as the first ``operation`` has been answered by moto."""
    fired: list[bool] = []

    def after(**_: Any) -> None:
        if not fired:
            fired.append(True)
            raise Killed(operation)

    session.events.register(f"after-call.{service}.{operation}", after)
    return lambda: bool(fired)


@pytest.mark.parametrize(
    ("service", "operation"),
    [
        ("lambda", "CreateFunction"),
        ("iam", "CreateRole"),
        ("apigatewayv2", "CreateApi"),
        ("lambda", "CreateEventSourceMapping"),
        ("lambda", "PublishLayerVersion"),
        ("apigatewayv2", "CreateIntegration"),
    ],
)
def test_a_killed_deploy_resumes_without_duplicates_and_destroys_clean(
    compiled: Compiled, endpoint: str, session: Any, service: str, operation: str
) -> None:
    fired = kill_after(session, service, operation)
    with pytest.raises(Killed):
        deploy(compiled, endpoint, session)
    assert fired()
    state = state_of(compiled)
    (pending,) = state["pending"]  # the one whose create was answered, not recorded
    assert pending not in state["resources"]
    lives = Inventory(session, endpoint, compiled.plan.app)
    assert lives.functions() == sorted(
        o["outputs"]["name"] for o in state["resources"].values() if o["type"] == T.LAMBDA
    ) + ([f"{compiled.plan.app}-{pending[3:]}"] if pending.startswith("fn-") else [])

    fresh = new_session()  # no more kills
    again = deploy(compiled, endpoint, fresh)
    assert set(state_of(compiled)["resources"]) == {r.name for r in compiled.plan.resources}
    assert state_of(compiled)["pending"] == {}
    assert pending in again.created
    # One of each: no second function, role, queue, API or mapping.
    app = compiled.plan.app
    assert lives.functions() == [f"{app}-hello", f"{app}-work"]
    assert lives.roles() == [f"{app}-hello", f"{app}-work"]
    assert lives.queues() == [f"{app}-jobs"]
    assert lives.apis() == [app] and lives.integrations() == 1
    assert len(lives.mappings()) == 1
    assert lives.layer_versions() == [1]  # the adapter layer, published once

    deploy(compiled, endpoint, fresh, destroy=True)
    assert lives.functions() == lives.roles() == lives.queues() == lives.apis() == []
    assert lives.mappings() == [] and lives.log_groups() == []
    assert lives.layer_versions() == []


def test_a_killed_deploy_then_destroy_leaves_nothing(
    compiled: Compiled, endpoint: str, session: Any
) -> None:
    kill_after(session, "lambda", "CreateFunction")
    with pytest.raises(Killed):
        deploy(compiled, endpoint, session)
    lives = Inventory(session, endpoint, compiled.plan.app)
    assert len(lives.functions()) == 1  # created, never recorded
    deploy(compiled, endpoint, new_session(), destroy=True)
    assert lives.functions() == lives.roles() == lives.queues() == lives.apis() == []
    assert lives.log_groups() == []


class Inventory:
    """What moto holds for one app (names starting with ``<app>-``, or the app's API)."""

    def __init__(self, session: Any, endpoint: str, app: str) -> None:
        self.client = lambda s: session.client(s, endpoint_url=endpoint)
        self.app = app

    def _mine(self, names: list[str]) -> list[str]:
        return sorted(n for n in names if n.startswith(f"{self.app}-"))

    def functions(self) -> list[str]:
        found = self.client("lambda").list_functions()["Functions"]
        return self._mine([f["FunctionName"] for f in found])

    def roles(self) -> list[str]:
        return self._mine([r["RoleName"] for r in self.client("iam").list_roles()["Roles"]])

    def queues(self) -> list[str]:
        urls = self.client("sqs").list_queues().get("QueueUrls", [])
        return self._mine([u.rsplit("/", 1)[1] for u in urls])

    def apis(self) -> list[str]:
        items = self.client("apigatewayv2").get_apis()["Items"]
        return [a["Name"] for a in items if a["Name"] == self.app]

    def integrations(self) -> int:
        apigw = self.client("apigatewayv2")
        (api,) = (a["ApiId"] for a in apigw.get_apis()["Items"] if a["Name"] == self.app)
        return len(apigw.get_integrations(ApiId=api)["Items"])

    def mappings(self) -> list[str]:
        found = self.client("lambda").list_event_source_mappings()["EventSourceMappings"]
        return [m["UUID"] for m in found if f":function:{self.app}-" in m["FunctionArn"]]

    def log_groups(self) -> list[str]:
        found = self.client("logs").describe_log_groups()["logGroups"]
        return [g["logGroupName"] for g in found if f"/{self.app}-" in g["logGroupName"]]

    def layer_versions(self) -> list[int]:
        """How many versions each of the app's layers has (layers without one included)."""
        lam = self.client("lambda")
        names = self._mine([x["LayerName"] for x in lam.list_layers()["Layers"]])
        counts = [len(lam.list_layer_versions(LayerName=n)["LayerVersions"]) for n in names]
        return [c for c in counts if c]
