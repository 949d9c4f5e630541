"""Executed, not just validated: each pattern runs on the local durable engine, as ASL on moto's
Step Functions executor and as YAML in workflows-emulator (activities over HTTP on 127.0.0.1),
for the same inputs and event sequences; the outputs must be equal."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from faas_iac_aws.stepfunctions import custom_status, default_names, to_asl
from faas_iac_gcp.workflows import to_yaml

from tests.translate.aws_exec import AwsRunner, aws_runner
from tests.translate.gcp_exec import GcpRunner, gcp_runner
from tests.translate.local_exec import LocalRunner, local_runner
from tests.translate.targets import APPS, Loaded, load_app

ORDER = {"id": "o1", "items": [{"qty": 2, "price": 3.5}, {"qty": 1, "price": 1.25}]}
APPROVE = [("Approval", {"ok": True, "by": "ann"})]
#: (case id, orchestrator, input, events). ``flaky`` counts calls per id, so ids get a suffix.
CASES: list[tuple[str, str, Any, list[tuple[str, Any]]]] = [
    ("chaining", "chaining", ORDER, []),
    ("fan-out", "fan_out_in", {"words": ["a", "bc", "def"]}, []),
    ("fan-out-one", "fan_out_in", {"words": ["solo"]}, []),
    # task_all([]) is [] on every target (azure-functions-durable alone gives None).
    ("fan-out-none", "fan_out_in", {"words": []}, []),
    ("azure-fan-out", "azure_fan_out", ["ab", "c", "def"], []),
    ("parallel", "parallel_fixed", {"n": 7}, []),
    ("monitor", "monitor", {"id": "j1", "every": 1, "done_at": 2}, []),
    ("monitor-gives-up", "monitor", {"id": "j2", "every": 0, "done_at": 9}, []),
    ("approval-event", "approval", {"who": "bob"}, APPROVE),
    ("approval-timeout", "approval", {"who": "bob"}, []),
    ("saga-booked", "saga", {"city": "rome"}, []),
    ("saga-compensated", "saga", {"city": "oslo", "no_flights": True}, []),
    ("retry", "retry_backoff", {"id": "r", "fail": 1}, []),
    ("sub-orchestration", "parent", ORDER, []),
    (
        "sub-orchestration-fan-out",
        "parents",
        [
            ORDER,
            {"id": "o2", "items": [{"qty": 3, "price": 2}]},
            {"id": "o3", "items": [{"qty": 1, "price": 0.5}]},
        ],
        [],
    ),
    ("continue-as-new", "counter", {"value": 3, "round": 0}, []),
    ("custom-status", "status", {"items": ["x", "y", "z"]}, []),
]
#: Not run in workflows-emulator: its connectors call the real Google APIs (Firestore,
#: Workflow Executions); their YAML is validated and golden-checked instead.
GCP_CONNECTORS = {"counter", "status"}
#: Not run in workflows-emulator either: its parallel ``for`` uses each item as a dict key, so
#: a fan-out over maps fails there ("unhashable type") — an emulator bug, not a YAML one.
GCP_EMULATOR_GAPS = {"parents"}


def _with_id(value: Any, suffix: str) -> Any:
    if isinstance(value, dict) and "fail" in value:
        return {**value, "id": value["id"] + suffix}
    return value


@pytest.fixture(scope="module")
def app() -> Loaded:
    return load_app(APPS["patterns"])


@pytest.fixture(scope="module")
def local(app: Loaded, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalRunner]:
    with local_runner(app.model, app.root, tmp_path_factory.mktemp("engine")) as runner:
        yield runner


@pytest.fixture(scope="module")
def aws(app: Loaded) -> Iterator[AwsRunner]:
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        os.environ.setdefault(key, "testing")
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    acts = [f.name for f in app.model.by_kind("activity")]
    names = default_names(app.model.name, acts, list(app.workflows))
    with aws_runner(names, app.activities()) as runner:
        for name, wf in app.workflows.items():
            runner.deploy(name, to_asl(wf, names))
        yield runner


@pytest.fixture(scope="module")
def gcp(app: Loaded) -> Iterator[GcpRunner]:
    with gcp_runner(app.activities()) as runner:
        yield runner


@pytest.mark.parametrize(("case", "name", "value", "events"), CASES, ids=[c[0] for c in CASES])
def test_same_outputs_everywhere(
    case: str,
    name: str,
    value: Any,
    events: list[Any],
    app: Loaded,
    local: LocalRunner,
    aws: AwsRunner,
    gcp: GcpRunner,
    tmp_path: Path,
) -> None:
    expected = local.run(name, _with_id(value, "-local"), events)
    assert expected.status in ("Completed", "Failed"), expected
    ok = expected.status == "Completed"
    on_aws = aws.run(name, _with_id(value, "-aws"), events)
    if not ok:
        assert on_aws.status == "FAILED", on_aws
        gcp_failed = gcp.run(
            to_yaml(app.workflows[name], gcp.names, app.workflows),
            _with_id(value, "-gcp"),
            f"{case}-1",
            events,
        )
        assert gcp_failed.status == "FAILED", gcp_failed
        return
    assert (on_aws.status, on_aws.output) == ("SUCCEEDED", expected.output)
    if name == "status":
        execution = f"{name}-{aws.runs}"
        stored = custom_status(aws.ddb, aws.names.registry_table, execution)
        assert stored == expected.custom_status
    if name in GCP_CONNECTORS | GCP_EMULATOR_GAPS:
        return
    definition = to_yaml(app.workflows[name], gcp.names, app.workflows)
    on_gcp = gcp.run(definition, _with_id(value, "-gcp"), f"{case}-1", events)
    assert (on_gcp.status, on_gcp.output) == ("SUCCEEDED", expected.output), on_gcp.error
