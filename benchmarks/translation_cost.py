"""What a translated orchestration costs per execution, next to a hand-written one.

For every pattern of tests/translate/apps/durable_app.py, and the idioms of
tests/translate/apps/idioms_app.py that have a reference (comprehensions over a fan-out's
results, Azure RetryOptions, yields inside expressions), the translated state machine and the
hand-written minimal one (benchmarks/reference/<name>.asl.json) run side by side on moto's Step
Functions executor, and the translated and hand-written Workflows YAML in workflows-emulator,
with the same input and events. Counted per execution: billed state transitions (StateEntered
events of every execution the run starts, child executions included, plus every retry of a
Task: Step Functions bills each retry attempt as a transition, and a retried Task enters its
state once but is scheduled once per attempt) and Workflows steps (every named step executed).
``counter`` (continue_as_new) and ``status`` (custom status) call the Workflows Executions and
Firestore connectors, served in memory by the harness (tests/translate/emulator_fixes.py); an
instance's steps are counted over every execution it continues as.

Printed: both counts, the ratio (translated / hand-written; target <= 1.0) and the cost per
million executions at list price (Step Functions Standard $0.025 per 1,000 transitions;
Workflows $0.01 per 1,000 internal steps, free tier ignored).

    python benchmarks/translation_cost.py
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # for tests.translate

from faas_iac_aws.stepfunctions import default_names, to_asl  # noqa: E402
from faas_iac_gcp.workflows import to_yaml  # noqa: E402

from tests.translate.aws_exec import AwsRunner, aws_runner  # noqa: E402
from tests.translate.gcp_exec import gcp_runner  # noqa: E402
from tests.translate.targets import APPS, load_app  # noqa: E402

REFERENCE = Path(__file__).resolve().parent / "reference"
ASL_PER_TRANSITION = 0.025 / 1000
#: One of these per attempt of a Task state (service integration, Lambda ARN, activity).
SCHEDULED = ("TaskScheduled", "LambdaFunctionScheduled", "ActivityScheduled")
WORKFLOWS_PER_STEP = 0.01 / 1000
ORDER = {"id": "o1", "items": [{"qty": 2, "price": 3.5}, {"qty": 1, "price": 1.25}]}
#: (example, input, events); flaky's input gets a fresh id per run.
CASES: list[tuple[str, Any, list[tuple[str, Any]]]] = [
    ("chaining", ORDER, []),
    ("fan_out_in", {"words": ["a", "bc", "def"]}, []),
    ("parallel_fixed", {"n": 7}, []),
    ("monitor", {"id": "j1", "every": 1, "done_at": 2}, []),
    ("approval", {"who": "bob"}, [("Approval", {"ok": True, "by": "ann"})]),
    ("saga", {"city": "oslo", "no_flights": True}, []),
    ("retry_backoff", {"id": "r", "fail": 1}, []),
    ("parent", ORDER, []),
    ("counter", {"value": 3, "round": 0}, []),
    ("status", {"items": ["x", "y", "z"]}, []),
]
#: Idioms of tests/translate/apps/idioms_app.py with a hand-written Step Functions reference.
IDIOMS: list[tuple[str, Any, list[tuple[str, Any]]]] = [
    ("totals", {"items": ["2x3.5", "1x0", "4x2.25"]}, []),
    ("sorted_labels", ["pear", "fig", "apple"], []),
    ("yields_inside", ["x", "y"], []),
]


def _fill(text: str, fn: dict[str, str], extra: dict[str, str]) -> str:
    for name, value in {**{f"fn:{k}": v for k, v in fn.items()}, **extra}.items():
        text = text.replace(f"@@{name}@@", value)
    return text


def _transitions(runner: AwsRunner, before: set[str]) -> int:
    total = 0
    for machine in runner.sfn.list_state_machines()["stateMachines"]:
        for ex in runner.sfn.list_executions(stateMachineArn=machine["stateMachineArn"])[
            "executions"
        ]:
            if ex["executionArn"] in before:
                continue
            events = runner.sfn.get_execution_history(
                executionArn=ex["executionArn"], maxResults=1000
            )["events"]
            kinds = [e["type"] for e in events]
            attempts = sum(kinds.count(k) for k in SCHEDULED)
            retries = attempts - kinds.count("TaskStateEntered")
            assert retries >= 0, kinds
            total += sum(1 for k in kinds if k.endswith("StateEntered")) + retries
    return total


def _executions(runner: AwsRunner) -> set[str]:
    return {
        ex["executionArn"]
        for m in runner.sfn.list_state_machines()["stateMachines"]
        for ex in runner.sfn.list_executions(stateMachineArn=m["stateMachineArn"])["executions"]
    }


def _value(value: Any, n: int) -> Any:
    return (
        {**value, "id": f"{value['id']}-{n}"}
        if isinstance(value, dict) and "fail" in value
        else value
    )


def aws_counts(
    folder: str = "patterns", cases: list[tuple[str, Any, list[tuple[str, Any]]]] = CASES
) -> dict[str, tuple[int, int]]:
    app = load_app(APPS[folder])
    acts = [f.name for f in app.model.by_kind("activity")]
    names = default_names(app.model.name, acts, list(app.workflows))
    counts: dict[str, tuple[int, int]] = {}
    with aws_runner(names, app.activities()) as runner:
        for name, wf in app.workflows.items():
            runner.deploy(name, to_asl(wf, names))
        extra = {"registrar": names.token_registrar, "table": names.registry_table}
        refs: dict[str, str] = {}
        for name, _, _ in cases:
            path = REFERENCE / f"{name}.asl.json"
            arns = {f"sm:{k}": v for k, v in runner.arns.items() if not k.startswith("ref-")}
            definition = json.loads(
                _fill(path.read_text(), dict(names.functions), {**extra, **arns})
            )
            refs[name] = runner.deploy(f"ref-{name}", definition)
        for n, (name, value, events) in enumerate(cases):
            before = _executions(runner)
            ours = runner.run(name, _value(value, 2 * n), events)
            mine = _transitions(runner, before)
            before = _executions(runner)
            theirs = runner.run(f"ref-{name}", _value(value, 2 * n + 1), events)
            hand = _transitions(runner, before)
            assert ours.output == theirs.output, (name, ours, theirs)
            counts[name] = (mine, hand)
    return counts


def gcp_counts() -> dict[str, tuple[int, int]]:
    app = load_app(APPS["patterns"])
    counts: dict[str, tuple[int, int]] = {}
    with gcp_runner(app.activities()) as runner:
        for n, (name, value, events) in enumerate(CASES):
            path = REFERENCE / f"{name}.yaml"
            if not path.exists():
                continue
            ours = runner.run(
                to_yaml(app.workflows[name], runner.names, app.workflows),
                _value(value, 100 + 2 * n),
                f"ours-{name}",
                events,
            )
            hand = _fill(
                path.read_text(),
                dict(runner.names.functions),
                {"callbacks": runner.names.callbacks, "status": runner.names.status_collection},
            )
            theirs = runner.run(hand, _value(value, 101 + 2 * n), f"hand-{name}", events)
            assert ours.output == theirs.output, (name, ours, theirs)
            ours_status = runner.apis.custom_status(f"ours-{name}")
            assert ours_status == runner.apis.custom_status(f"hand-{name}"), name
            counts[name] = (ours.steps, theirs.steps)
    return counts


def _table(title: str, counts: dict[str, tuple[int, int]], price: float, unit: str) -> float:
    print(f"\n{title}")
    print(
        f"{'example':<16}{'translated':>11}{'by hand':>9}{'ratio':>8}"
        f"{'$/1M translated':>17}{'$/1M by hand':>14}"
    )
    worst = 0.0
    for name, (mine, hand) in counts.items():
        ratio = mine / hand
        worst = max(worst, ratio)
        print(
            f"{name:<16}{mine:>11}{hand:>9}{ratio:>8.2f}{mine * price * 1e6:>17,.2f}"
            f"{hand * price * 1e6:>14,.2f}"
        )
    mine = sum(m for m, _ in counts.values())
    hand = sum(h for _, h in counts.values())
    print(f"{'all':<16}{mine:>11}{hand:>9}{mine / hand:>8.2f}   ({unit}; worst ratio {worst:.2f})")
    return worst


def main() -> None:
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        os.environ.setdefault(key, "bench")
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    import logging

    logging.disable(logging.CRITICAL)
    _table(
        "Step Functions (Standard): state transitions per execution",
        {**aws_counts(), **aws_counts("idioms", IDIOMS)},
        ASL_PER_TRANSITION,
        "transitions",
    )
    gcp = gcp_counts()
    _table("GCP Workflows: billable steps per execution", gcp, WORKFLOWS_PER_STEP, "steps")
    missing = [name for name, _, _ in CASES if name not in gcp]
    if missing:
        print(f"(no GCP reference run for {', '.join(missing)}: see the module's docstring)")


if __name__ == "__main__":
    main()
