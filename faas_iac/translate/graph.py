"""Draws the IR of one orchestrator as a flowchart: Mermaid or Graphviz dot text."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Literal

from . import ir

Format = Literal["mermaid", "dot"]
Shape = Literal["box", "diamond", "round", "end"]


@dataclass
class Graph:
    nodes: list[tuple[str, str, Shape]] = field(default_factory=list)
    edges: list[tuple[str, str, str]] = field(default_factory=list)
    #: The enclosing loops: (head node, the exits that leave the loop by ``break``).
    loops: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list)

    def node(self, label: str, shape: Shape = "box") -> str:
        name = f"n{len(self.nodes)}"
        self.nodes.append((name, label, shape))
        return name

    def link(self, sources: list[tuple[str, str]], target: str) -> None:
        for source, label in sources:
            self.edges.append((source, target, label))


Exits = list[tuple[str, str]]  # (node, edge label)


def _label(step: ir.Step) -> str:
    match step:
        case ir.Assign(target):
            return f"{target} = …"
        case ir.Task(call, target):
            kind = "sub-orchestration" if call.kind == "orchestrator" else "activity"
            retry = f" (up to {call.retry.max_attempts} tries)" if call.retry else ""
            return f"{target + ' = ' if target else ''}{kind} {call.name}{retry}"
        case ir.FanOut(call, var):
            return f"for each {var}: {call.name} (in parallel)"
        case ir.Parallel(calls):
            return "parallel: " + ", ".join(c.name for c in calls)
        case ir.Timer():
            return "durable timer"
        case ir.WaitEvent(event, _, timeout):
            return f"wait for event {event}" + (" or timeout" if timeout is not None else "")
        case ir.Race(arms):
            return "first of " + ", ".join(a.event or "timer" for a in arms)
        case ir.SetStatus():
            return "set custom status"
        case ir.ContinueAsNew():
            return "continue as new"
        case ir.Raise(error):
            return f"raise {error}"
        case ir.Reraise():
            return "re-raise"
        case ir.Break():
            return "break"
        case ir.Continue():
            return "continue"
    return type(step).__name__


def _block(g: Graph, steps: tuple[ir.Step, ...], exits: Exits) -> Exits:
    for step in steps:
        exits = _step(g, step, exits)
    return exits


def _step(g: Graph, step: ir.Step, exits: Exits) -> Exits:
    if isinstance(step, ir.If):
        test = g.node(f"if (line {step.line})", "diamond")
        g.link(exits, test)
        done = _block(g, step.body, [(test, "yes")])
        return done + (_block(g, step.orelse, [(test, "no")]) if step.orelse else [(test, "no")])
    if isinstance(step, ir.While | ir.ForEach):
        title = (
            f"while (line {step.line})"
            if isinstance(step, ir.While)
            else f"for {step.var} (line {step.line})"
        )
        head = g.node(title, "diamond")
        g.link(exits, head)
        broken: Exits = []
        g.loops.append((head, broken))
        g.link(_block(g, step.body, [(head, "loop")]), head)
        g.loops.pop()
        return [(head, "done"), *broken]
    if isinstance(step, ir.Break | ir.Continue):
        head, broken = g.loops[-1]
        if isinstance(step, ir.Break):
            broken += [(source, label or "break") for source, label in exits]
        else:
            g.edges += [(source, head, label or "continue") for source, label in exits]
        return []
    if isinstance(step, ir.Try):
        start = g.node(f"try (line {step.line})", "round")
        g.link(exits, start)
        done = _block(g, step.body, [(start, "")])
        return done + _block(g, step.handler, [(start, "error")])
    if isinstance(step, ir.Return):
        end = g.node("return", "end")
        g.link(exits, end)
        return []
    node = g.node(
        _label(step), "end" if isinstance(step, ir.Raise | ir.Reraise | ir.ContinueAsNew) else "box"
    )
    g.link(exits, node)
    if isinstance(step, ir.Raise | ir.Reraise | ir.ContinueAsNew):
        return []
    if isinstance(step, ir.WaitEvent) and step.timeout_seconds is not None:
        return [(node, "event"), (node, "timeout")]
    return [(node, "")]


def build(workflow: ir.Workflow) -> Graph:
    g = Graph()
    start = g.node(workflow.name, "round")
    _block(g, workflow.steps, [(start, "")])
    return g


def render(workflow: ir.Workflow, fmt: Format = "mermaid") -> str:
    g = build(workflow)
    if fmt == "dot":
        shapes = {"box": "box", "diamond": "diamond", "round": "oval", "end": "doublecircle"}
        lines = [f"digraph {json.dumps(workflow.name, ensure_ascii=False)} {{", "  rankdir=TB;"]
        lines += [
            f"  {n} [label={json.dumps(label, ensure_ascii=False)}, shape={shapes[s]}];"
            for n, label, s in g.nodes
        ]
        for a, b, lbl in g.edges:
            attrs = f" [label={json.dumps(lbl, ensure_ascii=False)}]" if lbl else ""
            lines.append(f"  {a} -> {b}{attrs};")
        return "\n".join([*lines, "}"]) + "\n"
    wrap = {"box": ("[", "]"), "diamond": ("{", "}"), "round": ("([", "])"), "end": ("[[", "]]")}
    lines = ["flowchart TD"]
    for n, label, s in g.nodes:
        left, right = wrap[s]
        lines.append(f'  {n}{left}"{label.replace(chr(34), "#quot;")}"{right}')
    for a, b, lbl in g.edges:
        lines.append(f"  {a} -->|{lbl}| {b}" if lbl else f"  {a} --> {b}")
    return "\n".join(lines) + "\n"
