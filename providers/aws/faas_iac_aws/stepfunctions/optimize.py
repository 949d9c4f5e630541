"""Whole-machine rewrites after building: fewer transitions, the same meaning."""

from __future__ import annotations

from typing import Any

from faas_iac.translate import ir


def _inner(condition: str) -> str:
    return condition.removeprefix("{%").removesuffix("%}").strip()


def _and(first: str, second: str) -> str:
    return "{% (" + _inner(first) + ") and (" + _inner(second) + ") %}"


def thread_choices(definition: dict[str, Any]) -> None:
    """Fewer transitions, same meaning: a Choice edge that leads to another Choice takes that
    Choice's rules itself; one that leads to a plain Wait followed by a Choice decides first and
    goes to a copy of the Wait per outcome (a Wait changes no variable, so the decision is the
    same before and after it). Then drops the states nothing reaches."""
    states: dict[str, dict[str, Any]] = definition["States"]

    def targets_of(choice: dict[str, Any]) -> list[tuple[dict[str, Any] | None, str]]:
        rules: list[tuple[dict[str, Any] | None, str]] = [(r, r["Next"]) for r in choice["Choices"]]
        return [*rules, (None, choice["Default"])] if "Default" in choice else rules

    def wait_then(wait: str, then: str) -> str:
        name = f"{wait} then {then}"[:80]
        if name not in states:
            states[name] = {**states[wait], "Next": then}
        return name

    for _ in range(2):
        changed = False
        for state in list(states.values()):
            if state.get("Type") != "Choice":
                continue
            rules: list[dict[str, Any]] = []
            default = state.get("Default")
            for rule, target in targets_of(state):
                nxt = states.get(target, {})
                via_wait = None
                if (
                    nxt.get("Type") == "Wait"
                    and not {"Assign", "Output"} & set(nxt)
                    and states.get(nxt.get("Next", ""), {}).get("Type") == "Choice"
                ):
                    via_wait, nxt = target, states[nxt["Next"]]
                if (
                    nxt.get("Type") != "Choice"
                    or nxt is state
                    or (rule and "Assign" in rule)
                    or len(nxt["Choices"]) > 4
                ):
                    if rule is not None:
                        rules.append(rule)
                    continue
                changed = True
                for inner, goal in targets_of(nxt):
                    goal = wait_then(via_wait, goal) if via_wait else goal
                    if inner is None:
                        if rule is None:
                            default = goal
                        else:
                            rules.append({"Condition": rule["Condition"], "Next": goal})
                        continue
                    cond = (
                        inner["Condition"]
                        if rule is None
                        else _and(rule["Condition"], inner["Condition"])
                    )
                    rules.append({**inner, "Condition": cond, "Next": goal})
                if rule is None and "Default" not in nxt:
                    state.pop("Default", None)
                    default = None
            state["Choices"] = rules
            if default is not None:
                state["Default"] = default
        if not changed:
            break
    _drop_unreachable(definition)


def _drop_unreachable(definition: dict[str, Any]) -> None:
    states: dict[str, dict[str, Any]] = definition["States"]
    seen: set[str] = set()
    todo = [definition["StartAt"]]
    while todo:
        name = todo.pop()
        if name in seen or name not in states:
            continue
        seen.add(name)
        state = states[name]
        todo += [state[k] for k in ("Next", "Default") if k in state]
        todo += [r["Next"] for r in state.get("Choices", [])]
        todo += [c["Next"] for c in state.get("Catch", [])]
    for name in [n for n in states if n not in seen]:
        del states[name]


def vars_in(step: ir.Step) -> set[ir.Var]:
    return {ir.Var(v) for e in ir.reads(step) for v in ir.free_vars(e)}
