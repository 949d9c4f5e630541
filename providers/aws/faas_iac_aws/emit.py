"""The files the AWS provider writes next to ``plan.json``: the layer zips and
``statemachines/<name>.asl.json`` per orchestrator."""

from __future__ import annotations

import json
from pathlib import Path

from faas_iac.plan import Plan
from faas_iac.plan.refs import resolve

from . import types as T
from .plan.layer import artifact_paths, provider_blobs


def emit(plan: Plan, out: Path) -> list[str]:
    """The layer zips (adapter, durable SDK, dependencies) and
    ``statemachines/<name>.asl.json`` per orchestrator."""
    blobs = provider_blobs(plan)
    written = []
    for name, path in artifact_paths(plan).items():
        if name in blobs:
            target = out / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(blobs[name])
            written.append(path)
    for res in plan.of_type(T.STATE_MACHINE):
        path = f"statemachines/{res.properties['name']}.asl.json"
        (out / "statemachines").mkdir(parents=True, exist_ok=True)
        # References shown as their ${resource.attribute} templates, for review.
        asl = resolve(res.properties["definition"]["$json"], lambda t: "${" + t + "}")
        text = json.dumps(asl, indent=2, sort_keys=True)
        (out / path).write_text(text + "\n", encoding="utf-8")
        written.append(path)
    return written
