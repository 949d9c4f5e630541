"""The orchestration's own values on Step Functions: its instance id, its parent's, and the
input as the orchestrator sees it.

An instance is its first execution's name. ``continue_as_new`` starts the next generation
with the input wrapped as ``{"__faas_iac__": {"instance", "parent"}, "input": ...}``, and so
does a parent starting a child that reads ``ctx.parent_instance_id``: a machine that may be
started so (:func:`unwraps`) takes its input, instance and parent from the wrapper when there
is one. The registry keys (events, custom status) use the instance id, so ``raise_event`` and
the custom status reach the latest generation.
"""

from __future__ import annotations

from collections.abc import Mapping

from faas_iac.translate import ir

WRAPPER = "__faas_iac__"
NAME = "$states.context.Execution.Name"
#: The wrapped input, the instance id and the parent's, read in a machine's first state.
UNWRAPPED_INPUT = (
    f'($i := $states.input; $type($i) = "object" and $exists($lookup($i, "{WRAPPER}")) ? '
    "$i.input : $i)"
)
INSTANCE = (
    f'($i := $states.input; $type($i) = "object" and $exists($lookup($i, "{WRAPPER}")) ? '
    f'$lookup($i, "{WRAPPER}").instance : {NAME})'
)
PARENT = (
    f'($i := $states.input; $type($i) = "object" and $exists($lookup($i, "{WRAPPER}")) ? '
    f'$lookup($i, "{WRAPPER}").parent : null)'
)


def uses(wf: ir.Workflow, name: str) -> bool:
    """Whether a step of ``wf`` reads builtin ``name``."""
    return any(
        isinstance(node, ir.Builtin) and node.name == name
        for step in ir.walk(wf.steps)
        for e in ir.reads(step)
        for node in _nodes(e)
    )


def _nodes(e: ir.Expr) -> list[ir.Expr]:
    found = [e]
    for child in ir.children(e):
        found += _nodes(child)
    return found


def reads_parent(wf: ir.Workflow) -> bool:
    return uses(wf, "parent_instance_id")


def unwraps(wf: ir.Workflow) -> bool:
    """Whether this orchestrator's machine may be started with a wrapped input."""
    return reads_parent(wf) or any(isinstance(s, ir.ContinueAsNew) for s in ir.walk(wf.steps))


def wrapped_children(
    wf: ir.Workflow, orchestrators: Mapping[str, ir.Workflow] | None
) -> frozenset[str]:
    """The sub-orchestrators this one starts with a wrapped input (those reading their
    parent's instance id)."""
    if not orchestrators:
        return frozenset()
    return frozenset(
        n for n in wf.orchestrators if n in orchestrators and reads_parent(orchestrators[n])
    )


def own_values(wf: ir.Workflow) -> tuple[dict[str, ir.Expr], dict[str, ir.Expr]]:
    """(the first state's assignments, the IR rewrite of the context's values)."""
    if not unwraps(wf):
        plain: dict[str, ir.Expr] = {ir.INPUT: ir.Native("$states.input")}
        return (
            plain,
            {"instance_id": ir.Native(NAME, "str"), "parent_instance_id": ir.Const(None)},
        )
    first: dict[str, ir.Expr] = {
        ir.INPUT: ir.Native(UNWRAPPED_INPUT),
        "__instance": ir.Native(INSTANCE, "str"),
        "__parent": ir.Native(PARENT),
    }
    return first, {"instance_id": ir.Var("__instance"), "parent_instance_id": ir.Var("__parent")}


def instance_text(wf: ir.Workflow) -> str:
    """JSONata for the instance id, in any state of the machine."""
    return "$__instance" if unwraps(wf) else NAME


def rewrite(wf: ir.Workflow, values: Mapping[str, ir.Expr]) -> ir.Workflow:
    """``wf`` with ``ctx.instance_id`` / ``ctx.parent_instance_id`` as this machine has them."""

    def swap(e: ir.Expr) -> ir.Expr | None:
        if isinstance(e, ir.Builtin) and e.name in values:
            return values[e.name]
        return None

    return ir.map_steps(wf, lambda e: ir.transform(e, swap))
