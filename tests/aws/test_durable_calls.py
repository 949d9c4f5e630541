"""The role of an orchestrator on Lambda durable functions invokes exactly what its source
calls (every IAM statement is judged for every app by tests/aws/test_pulumi.py through
tests/aws/iam_check.py); here, what the plan says when a target is computed at run time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from faas_iac.api import load
from faas_iac.plan import compile_app

APP = Path(__file__).resolve().parent / "apps" / "durable_calls" / "app.py"


def _invoked(compiled: Any, orchestrator: str) -> list[Any]:
    policy = compiled.plan.resource(f"policy-{orchestrator}").properties["policy"]["$json"]
    return [r for s in policy["Statement"] if s["Sid"] == "InvokeItsCalls" for r in s["Resource"]]


def test_a_target_computed_at_run_time_is_said_with_its_line() -> None:
    model, root = load(str(APP))
    compiled = compile_app(model, root, "aws")
    line = next(n for n, text in enumerate(APP.read_text().splitlines(), 1) if 'f"ship_' in text)
    computed = [n for n in compiled.plan.notes if "computed at run time" in n]
    assert computed == [
        f"orchestrator 'route' calls an activity whose name is computed at run time "
        f"(tests/aws/apps/durable_calls/app.py:{line}): its role may invoke every activity of "
        "the app"
    ]
    assert len(_invoked(compiled, "route")) == 3  # every activity
    assert _invoked(compiled, "pause") == []  # a timer alone invokes nothing
