"""Compile-time limits: the history estimate equals the history moto's executor records for the
same definitions; loops, wide fan-outs and too many branches are reported with codes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from faas_iac_aws.stepfunctions import default_names, to_asl
from faas_iac_aws.stepfunctions.history import check_history, history_events

from faas_iac.translate.analyze import analyze
from faas_iac.translate.limits import STEP_FUNCTIONS, WORKFLOWS, check_ir, check_size
from tests.aws.moto_server import fake_credentials
from tests.translate.aws_exec import AwsRunner, aws_runner
from tests.translate.targets import APPS, Loaded, load_app

RUNS: list[tuple[str, Any, int]] = [  # (orchestrator, input, items per Map)
    ("chaining", {"id": "o", "items": []}, 1),
    ("fan_out_in", {"words": ["a", "b", "c"]}, 3),
    ("parallel_fixed", {"n": 2}, 1),
    ("saga", {"city": "x", "no_flights": True}, 1),
    ("retry_backoff", {"id": "h", "fail": 0}, 1),
]


@pytest.fixture(scope="module")
def app() -> Loaded:
    return load_app(APPS["patterns"])


@pytest.fixture(scope="module")
def aws(app: Loaded) -> Iterator[AwsRunner]:
    names = default_names(
        app.model.name, [f.name for f in app.model.by_kind("activity")], list(app.workflows)
    )
    with fake_credentials(), aws_runner(names, app.activities()) as runner:
        for name, _, _ in RUNS:
            runner.deploy(name, to_asl(app.workflows[name], names))
        yield runner


@pytest.mark.parametrize(("name", "value", "items"), RUNS, ids=[r[0] for r in RUNS])
def test_history_estimate_matches_moto(
    name: str, value: Any, items: int, app: Loaded, aws: AwsRunner
) -> None:
    assert aws.run(name, value).status == "Completed"
    arn = aws.sfn.list_executions(stateMachineArn=aws.arns[name])["executions"][0]
    events = aws.sfn.get_execution_history(executionArn=arn["executionArn"], maxResults=1000)[
        "events"
    ]
    names = default_names(
        "durable", [f.name for f in app.model.by_kind("activity")], list(app.workflows)
    )
    assert history_events(to_asl(app.workflows[name], names), items) == len(events)


def test_a_wide_fan_out_exceeds_the_history_limit(app: Loaded) -> None:
    wf = app.workflows["fan_out_in"]
    names = default_names("durable", [f.name for f in app.model.by_kind("activity")], [])
    assert check_history(wf, to_asl(wf, names), items=100) == []
    (problem,) = check_history(wf, to_asl(wf, names), items=5000)
    assert problem.code == "FIAC620" and "35,006" in problem.message


def test_loops_and_fan_outs_are_warned_about(app: Loaded) -> None:
    codes = [(d.code, d.severity) for d in check_ir(app.workflows["monitor"], STEP_FUNCTIONS)]
    assert codes == [("FIAC620", "warning")]
    fan = check_ir(app.workflows["fan_out_in"], WORKFLOWS)
    assert [d.code for d in fan] == ["FIAC621"] and "20" in fan[0].message


def wide(ctx: Any) -> Any:
    results = yield ctx.task_all(
        [
            ctx.call_activity("work", 1),
            ctx.call_activity("work", 2),
            ctx.call_activity("work", 3),
            ctx.call_activity("work", 4),
            ctx.call_activity("work", 5),
            ctx.call_activity("work", 6),
            ctx.call_activity("work", 7),
            ctx.call_activity("work", 8),
            ctx.call_activity("work", 9),
            ctx.call_activity("work", 10),
            ctx.call_activity("work", 11),
        ]
    )
    return results


def test_too_many_branches_for_workflows() -> None:
    wf = analyze(wide, activities=["work"])
    (problem,) = check_ir(wf, WORKFLOWS)
    assert problem.code == "FIAC622" and problem.severity == "error"
    assert check_ir(wf, STEP_FUNCTIONS) == []


def test_definition_size_limit(app: Loaded) -> None:
    wf = app.workflows["chaining"]
    assert check_size(wf, "x" * 1000, WORKFLOWS) == []
    (problem,) = check_size(wf, "x" * 200_000, WORKFLOWS)
    assert problem.code == "FIAC623"
