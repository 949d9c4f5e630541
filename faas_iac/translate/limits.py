"""Limits known at compile time: the targets' hard limits and what an orchestrator's IR says
about them (loops that grow the history without bound, fan-outs of unknown width, parallel
branch counts). Emitters add what only their output knows (definition size, ASL history)."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import Diagnostic
from . import ir


@dataclass(frozen=True)
class TargetLimits:
    name: str
    history_events: int | None = None  # Step Functions Standard: events per execution
    steps: int | None = None  # Workflows: steps per execution
    definition_bytes: int = 0
    parallel_branches: int | None = None
    concurrent_iterations: int | None = None
    payload_bytes: int = 0


STEP_FUNCTIONS = TargetLimits(
    "Step Functions",
    history_events=25_000,
    definition_bytes=1_048_576,
    concurrent_iterations=40,
    payload_bytes=262_144,
)
WORKFLOWS = TargetLimits(
    "GCP Workflows",
    steps=100_000,
    definition_bytes=128_000,
    parallel_branches=10,
    concurrent_iterations=20,
    payload_bytes=512_000,
)


def check_ir(workflow: ir.Workflow, limits: TargetLimits) -> list[Diagnostic]:
    """Warnings for loops (each iteration grows the history / step count, with no bound known
    at compile time) and errors for more parallel branches than the target runs."""
    found: list[Diagnostic] = []
    for step in ir.walk(workflow.steps):
        where = workflow.location(step.line)
        if isinstance(step, ir.While | ir.ForEach):
            budget = limits.history_events or limits.steps
            found.append(
                Diagnostic(
                    "FIAC620",
                    f"this loop runs a number of times unknown at compile time; each "
                    f"iteration adds to the execution's history ({limits.name} stops an execution "
                    f"at {budget:,} {'events' if limits.history_events else 'steps'})",
                    "bound the loop, or end each round with ctx.continue_as_new(...) so every "
                    "execution stays small",
                    where,
                    severity="warning",
                )
            )
        if isinstance(step, ir.FanOut) and limits.concurrent_iterations:
            found.append(
                Diagnostic(
                    "FIAC621",
                    f"fan-out over a list of unknown length: {limits.name} runs at most "
                    f"{limits.concurrent_iterations} calls at once, the rest queue",
                    "nothing to do for small lists; split very large ones into batches",
                    where,
                    severity="warning",
                )
            )
        if (
            isinstance(step, ir.Parallel)
            and limits.parallel_branches
            and len(step.calls) > limits.parallel_branches
        ):
            found.append(
                Diagnostic(
                    "FIAC622",
                    f"task_all of {len(step.calls)} fixed calls: {limits.name} runs at "
                    f"most {limits.parallel_branches} branches in one parallel step",
                    "fan out over a list instead: ctx.task_all([ctx.call_activity(...) for x in "
                    "xs])",
                    where,
                )
            )
    return found


def check_size(workflow: ir.Workflow, text: str, limits: TargetLimits) -> list[Diagnostic]:
    size = len(text.encode())
    if size <= limits.definition_bytes:
        return []
    return [
        Diagnostic(
            "FIAC623",
            f"the generated definition is {size:,} bytes; {limits.name} "
            f"accepts at most {limits.definition_bytes:,}",
            "split the orchestrator into sub-orchestrations",
            workflow.location(workflow.line),
        )
    ]
