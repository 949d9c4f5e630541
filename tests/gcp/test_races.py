"""A race of external events on GCP: the workflow's first branch wakes the others through
their callback endpoints (faas_iac_gcp.workflows.races), so the plan grants the workflow's own
account the right to answer its own executions' callbacks, and only to a workflow that races."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import yaml
from faas_iac_gcp.workflows import Names, to_yaml
from workflows_emulator.main import WORKFLOW_SCHEMA

from faas_iac.api import load
from faas_iac.translate import translate
from tests.gcp.support import compiled

APP = """
from typing import Any

from faas_iac import App

app = App("racing")


@app.orchestrator
def approve_or_reject(ctx: Any) -> Any:
    approve = ctx.wait_for_external_event("Approve")
    reject = ctx.wait_for_external_event("Reject")
    winner = yield ctx.task_any([approve, reject])
    return "approved" if winner == approve else "rejected"


@app.orchestrator
def one_event(ctx: Any) -> Any:
    return (yield ctx.wait_for_external_event("Approve"))
"""


def test_only_a_racing_workflow_may_answer_its_own_callbacks(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(APP, encoding="utf-8")
    plan = compiled(tmp_path / "app.py").plan
    grants = {r.name: r.properties for r in plan.resources if r.name.startswith("callbacks-by-")}
    assert list(grants) == ["callbacks-by-approve_or_reject"]
    (props,) = grants.values()
    assert props["role"] == "roles/workflows.invoker"
    assert props["member"] == {"$sub": "serviceAccount:${sa-wf-approve_or_reject.email}"}
    assert props["condition"]["expression"] == {
        "$sub": 'resource.name.startsWith("projects/${gcp:project}/locations/us-central1/'
        'workflows/racing-approve-or-reject/")'
    }


def test_the_race_is_a_definition_the_published_schema_accepts(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(APP, encoding="utf-8")
    model, root = load(str(tmp_path / "app.py"))
    names = Names(functions={}, callbacks="https://registry.example.test", auth=True)
    definition = yaml.safe_load(to_yaml(translate(model, root, "approve_or_reject"), names))
    jsonschema.validate(definition, WORKFLOW_SCHEMA)
    text = json.dumps(definition)
    assert text.count('"events.await_callback"') == 2 and '"parallel"' in text
    assert text.count('"type": "OAuth2"') == 2  # each branch wakes the other
