"""What an orchestrator on Lambda durable functions calls, read from its source (never run), so
its role may invoke exactly those functions.

A call's target is known when it is written as a literal (``ctx.call_activity("charge")``) or a
module-level string constant (``ctx.call_activity(FIRST)``). When any target of a kind is
computed at run time, the role may invoke every function of that kind, and the plan says so
(with the line of the call). Entity operations run inside the orchestrator's own function, on
the entity table: any ``call_entity`` / ``signal_entity`` grants that table.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from faas_iac.model import Function
from faas_iac.model.orchestrations import CALLS, _argument, _source
from faas_iac.translate import handler_of

ENTITY_CALLS = frozenset({"call_entity", "signal_entity"})


@dataclass(frozen=True)
class Calls:
    """The functions one orchestrator calls, by kind (``activity``, ``orchestrator``)."""

    targets: Mapping[str, frozenset[str]] = field(default_factory=dict)
    #: kind → where a target of that kind is computed at run time (``file:line``)
    computed: Mapping[str, str] = field(default_factory=dict)
    entities: bool = False
    #: (kind, target) → where it is first called (``file:line``)
    lines: Mapping[tuple[str, str], str] = field(default_factory=dict)

    def where(self, kind: str, target: str) -> str:
        """Where ``target`` is called: its call's line, or the computed call of that kind."""
        return self.lines.get((kind, target)) or self.computed.get(kind, "")

    def of(self, kind: str, every: list[str]) -> list[str]:
        """The functions of ``kind`` it may call: its targets, or ``every`` one when a target
        of that kind is computed at run time (only names the app defines)."""
        if kind in self.computed:
            return sorted(every)
        return sorted(self.targets.get(kind, frozenset()) & set(every))

    def notes(self, orchestrator: str) -> tuple[str, ...]:
        return tuple(
            f"orchestrator {orchestrator!r} calls an {kind} whose name is computed at run time "
            f"({where}): its role may invoke every {kind} of the app"
            for kind, where in sorted(self.computed.items())
        )


def calls_of(fn: Function) -> Calls:
    """What ``fn`` (an orchestrator of a loaded app) calls. An orchestrator whose source cannot
    be read may call anything: every kind is then computed."""
    handler = handler_of(fn)
    source = _source(handler)
    if source is None:
        where = str(fn.source)
        return Calls(computed={kind: where for kind in set(CALLS.values())}, entities=True)
    tree, file = source
    globals_: Mapping[str, Any] = getattr(handler, "__globals__", {})
    targets: dict[str, set[str]] = {}
    computed: dict[str, str] = {}
    lines: dict[tuple[str, str], str] = {}
    entities = False
    found = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    for node in sorted(found, key=lambda n: (n.lineno, n.col_offset)):  # first calls first
        if not isinstance(node.func, ast.Attribute):
            continue
        method = node.func.attr
        entities = entities or method in ENTITY_CALLS
        kind = CALLS.get(method)
        if kind is None:
            continue
        name = _target(node, globals_)
        if name is None:
            computed.setdefault(kind, f"{file}:{node.lineno}")
        else:
            targets.setdefault(kind, set()).add(name)
            lines.setdefault((kind, name), f"{file}:{node.lineno}")
    return Calls({k: frozenset(v) for k, v in targets.items()}, computed, entities, lines)


def _target(node: ast.Call, globals_: Mapping[str, Any]) -> str | None:
    """The call's target when written as a literal or a module-level string constant (as the
    model's own check of call targets reads it)."""
    arg = _argument(node, 0, "name")
    value = arg.value if isinstance(arg, ast.Constant) else None
    if isinstance(arg, ast.Name):
        value = globals_.get(arg.id)
    return value if isinstance(value, str) else None
