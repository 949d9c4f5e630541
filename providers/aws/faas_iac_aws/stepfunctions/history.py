"""Step Functions Standard history: how many events an execution of a definition writes.

Per state (as the service and moto's executor record them): a Task 5 (entered, scheduled,
started, succeeded/failed, exited), a Map or Parallel 4 plus, per iteration or branch, 2 (Map)
and its inner states, other states 2, the execution 2. :func:`history_events` follows the
costliest path (back edges ignored: a loop adds its states once) for ``items`` Map iterations.
"""

from __future__ import annotations

from typing import Any

from faas_iac.errors import Diagnostic
from faas_iac.translate import ir
from faas_iac.translate.limits import STEP_FUNCTIONS, check_ir, check_size

EXECUTION = 2
TASK = 5
CONTAINER = 4
OTHER = 2


def _successors(state: dict[str, Any]) -> list[str]:
    found = [state[k] for k in ("Next", "Default") if k in state]
    found += [r["Next"] for r in state.get("Choices", [])]
    found += [c["Next"] for c in state.get("Catch", [])]
    return found


def _machine(definition: dict[str, Any], items: int) -> int:
    states: dict[str, dict[str, Any]] = definition["States"]
    best: dict[str, int] = {}

    def cost(state: dict[str, Any]) -> int:
        kind = state["Type"]
        if kind == "Task":
            return TASK
        if kind == "Map":
            return CONTAINER + items * (2 + _machine(state["ItemProcessor"], items))
        if kind == "Parallel":
            return CONTAINER + sum(_machine(b, items) for b in state["Branches"])
        return OTHER

    def walk(name: str, path: frozenset[str]) -> int:
        if name in best:
            return best[name]
        state = states[name]
        after = [walk(n, path | {name}) for n in _successors(state) if n not in path | {name}]
        best[name] = cost(state) + max(after, default=0)
        return best[name]

    return walk(definition["StartAt"], frozenset())


def history_events(definition: dict[str, Any], items: int = 1) -> int:
    """Events of one execution along its costliest path, with ``items`` per Map."""
    return EXECUTION + _machine(definition, items)


def check_history(
    workflow: ir.Workflow, definition: dict[str, Any], items: int = 100
) -> list[Diagnostic]:
    """An error when one pass, with ``items`` elements per fan-out, exceeds the limit."""
    events = history_events(definition, items)
    limit = STEP_FUNCTIONS.history_events or 0
    if events <= limit:
        return []
    return [
        Diagnostic(
            "FIAC620",
            f"an execution writes about {events:,} history events with "
            f"{items} items per fan-out; Step Functions stops at {limit:,}",
            "fan out through a sub-orchestration per batch, or continue_as_new",
            workflow.location(workflow.line),
        )
    ]


def check(workflow: ir.Workflow, definition: dict[str, Any]) -> list[Diagnostic]:
    """Every limit finding for one translated state machine (errors and warnings)."""
    import json

    text = json.dumps(definition)
    return [
        *check_ir(workflow, STEP_FUNCTIONS),
        *check_history(workflow, definition),
        *check_size(workflow, text, STEP_FUNCTIONS),
    ]
