"""What a deploy would change, as ``pulumi preview`` and ``cdk diff`` show it: per resource
``+`` (create), ``~`` (update, with the changed property paths) or ``-`` (delete), computed from
the plan and a record of what is deployed. Pure: the record is read by the caller, from an SDK
engine's state file (:func:`from_engine_state`) or a Pulumi stack export
(:func:`from_pulumi_export`).

Properties are compared as the plan writes them (references unresolved), so a preview needs no
cloud call; an artifact counts as changed when its identity (a zip's SHA-256, a dependency
bundle's recipe hash) differs.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ..errors import FaasError
from .model import Plan
from .refs import refs_in

Op = Literal["+", "~", "-"]


@dataclass(frozen=True)
class Deployed:
    """One deployed resource as recorded: its type, its plan properties when the record has
    them (``None``: unknown) and the identity of the artifact it was deployed with (``None``:
    unknown)."""

    type: str
    properties: dict[str, Any] | None = None
    artifact: str | None = None


@dataclass(frozen=True)
class Change:
    op: Op
    name: str
    type: str
    #: the changed property paths (``memory_size``, ``environment.variables.STAGE``, ``code``)
    properties: tuple[str, ...] = ()

    def render(self) -> str:
        head = f"{self.op} {self.name} ({self.type})"
        return f"{head}: {', '.join(self.properties)}" if self.properties else head


def artifact_ids(plan: Plan) -> dict[str, str]:
    """The identity of every artifact and dependency bundle of the plan, by name."""
    return {a.name: a.sha256 for a in plan.artifacts} | {b.name: b.key for b in plan.bundles}


def changed_paths(before: Any, after: Any, prefix: str = "") -> list[str]:
    """The dotted paths where two JSON values differ (a list counts as one value)."""
    if isinstance(before, dict) and isinstance(after, dict) and not _is_ref(after):
        out: list[str] = []
        for key in sorted(set(before) | set(after)):
            out += changed_paths(before.get(key), after.get(key), f"{prefix}{key}.")
        return out
    return [] if before == after else [prefix.rstrip(".") or "*"]


def _is_ref(value: dict[str, Any]) -> bool:
    return len(value) == 1 and next(iter(value)) in ("$sub", "$json")


def diff(plan: Plan, deployed: dict[str, Deployed]) -> list[Change]:
    """Creates and updates in plan order, then deletes of what the plan no longer has."""
    ids = artifact_ids(plan)
    changes: list[Change] = []
    for res in plan.resources:
        before = deployed.get(res.name)
        if before is None:
            changes.append(Change("+", res.name, res.type))
            continue
        if before.type != res.type:
            changes.append(Change("-", res.name, before.type))
            changes.append(Change("+", res.name, res.type))
            continue
        paths = (
            changed_paths(before.properties, res.properties)
            if before.properties is not None
            else []
        )
        known = before.artifact is not None  # a Pulumi export hashes archives its own way
        if res.artifact is not None and known and before.artifact != ids.get(res.artifact):
            paths.append("code")
        if paths:
            changes.append(Change("~", res.name, res.type, tuple(paths)))
    planned = {r.name for r in plan.resources}
    changes += [
        Change("-", name, item.type) for name, item in deployed.items() if name not in planned
    ]
    return changes


def summary(changes: list[Change]) -> str:
    counts = {op: sum(1 for c in changes if c.op == op) for op in ("+", "~", "-")}
    if not any(counts.values()):
        return "no changes"
    return f"{counts['+']} to create, {counts['~']} to update, {counts['-']} to delete"


def from_engine_state(state: dict[str, Any]) -> dict[str, Deployed]:
    """An SDK engine's state (``{"resources": {name: {"type", "properties", "artifact"}}}``)."""
    return {
        name: Deployed(item["type"], item.get("properties"), item.get("artifact"))
        for name, item in state.get("resources", {}).items()
    }


_URN = re.compile(
    r"^urn:pulumi:[^:]*::[^:]*::(?:[^$]*\$)?(?P<type>[^:]+:[^:]*:[^:]+)::(?P<name>.+)$"
)


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(part.title() for part in rest)


def from_pulumi_export(path: Path, plan: Plan) -> dict[str, Deployed]:
    """``pulumi stack export`` of a stack that ``faas_iac.pulumi.deploy`` (or ``stacks/``)
    created: each custom resource whose name is ``<app>-<logical name>``, its inputs
    compared on the keys the plan gives literally (Pulumi records inputs in camelCase;
    references it resolved to ids cannot be compared without the cloud, so they are left out).
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise FaasError.one(
            "FIAC210",
            f"cannot read the Pulumi stack export {path.name}: {exc}",
            fix="write it with `pulumi stack export --file stack.json` in the stack's folder",
        ) from None
    prefix = f"{plan.app}-"
    planned = {r.name: r for r in plan.resources}
    out: dict[str, Deployed] = {}
    for item in data.get("deployment", {}).get("resources", []) or []:
        match = _URN.match(str(item.get("urn", "")))
        if not match or not item.get("custom") or not match["name"].startswith(prefix):
            continue
        name = match["name"][len(prefix) :]
        inputs = item.get("inputs", {}) or {}
        res = planned.get(name)
        props: dict[str, Any] | None = None
        if res is not None and res.type == match["type"]:
            props = {}
            for key, value in res.properties.items():
                if refs_in(value):
                    props[key] = value  # compared as equal: resolved only in the cloud
                elif _camel(key) in inputs:
                    props[key] = _snake_keys(inputs[_camel(key)], value)
        out[name] = Deployed(match["type"], props)
    return out


def _snake_keys(value: Any, like: Any) -> Any:
    """Pulumi's camelCase nested inputs read back with the plan's snake_case keys."""
    if isinstance(value, dict) and isinstance(like, dict):
        by_camel = {_camel(k): k for k in like}
        return {
            by_camel.get(k, k): _snake_keys(v, like.get(by_camel.get(k, k)))
            for k, v in value.items()
        }
    return value
