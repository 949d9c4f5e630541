"""Durable orchestrations on GCP: one Workflow per orchestrator (the translator's YAML), run as
its own service account allowed exactly what the workflow calls:

* ``roles/run.invoker`` on each activity's Cloud Run service it calls (OIDC-authenticated
  ``http.post``), and on the callback registry when it waits for events;
* ``roles/datastore.user`` on the app's Firestore database when it sets a custom status;
* ``roles/workflows.invoker`` conditioned on its own workflow, for ``continue_as_new``
  (sub-orchestrations are subworkflows of the same definition).

Function URLs reach the YAML as the workflow's own environment (``user_env_vars``, read with
``sys.get_env``), so the definition is known at plan time and deploys unchanged.

The callback registry (:mod:`faas_iac_gcp.runtime.callbacks`) is one generated function,
``durable-callbacks``, keeping ``"<execution>#<event>"`` → callback URL or buffered payload in
Firestore. Pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from faas_iac.model import AppModel, Function, HandlerRef, HttpTrigger
from faas_iac.plan.artifacts import sha256
from faas_iac.plan.model import Artifact, PlanResource
from faas_iac.plan.refs import context, ref, sub
from faas_iac.translate import ir

from .. import types as T
from ..workflows import Names
from .names import REGION, account_id, database_name, function_name
from .resources import database_grant, invoker, labels

CALLBACKS = "durable-callbacks"
STATUS_COLLECTION = "durable-status"


def env_name(function: str) -> str:
    return "FAAS_IAC_FN_" + function.upper().replace("-", "_")


def names(app: AppModel) -> Names:
    """Every URL as the workflow's own environment variable (see the module doc)."""
    return Names(
        functions={
            a.name: '${sys.get_env("' + env_name(a.name) + '")}' for a in app.by_kind("activity")
        },
        entities={
            e.name: '${sys.get_env("' + env_name(e.name) + '")}' for e in app.by_kind("entity")
        },
        callbacks='${sys.get_env("' + env_name(CALLBACKS) + '")}',
        status_collection=f"{app.name}-{STATUS_COLLECTION}",
        database=database_name(app.name),
    )


def reached(name: str, workflows: Mapping[str, ir.Workflow]) -> set[str]:
    """The orchestrators ``name`` runs, itself included (sub-orchestrations, transitively)."""
    seen: set[str] = set()
    todo = [name]
    while todo:
        current = todo.pop()
        if current in seen or current not in workflows:
            continue
        seen.add(current)
        todo += workflows[current].orchestrators
    return seen


def _continues(wf: ir.Workflow) -> bool:
    return any(isinstance(step, ir.ContinueAsNew) for step in ir.walk(wf.steps))


def _races(wf: ir.Workflow) -> bool:
    """A race of events: its first branch wakes the others through their callbacks."""
    return any(isinstance(step, ir.Race) for step in ir.walk(wf.steps))


def workflow_artifact(name: str, text: str) -> Artifact:
    """A workflow's YAML as an artifact of the plan (written to ``workflows/<name>.yaml``; the
    Workflow's ``source_contents`` when deployed): the plan changes when the definition does."""
    data = text.encode()
    return Artifact(
        name=f"workflow-{name}", path=f"workflows/{name}.yaml", sha256=sha256(data), size=len(data)
    )


def callbacks_function(app: AppModel) -> Function:
    """The callback registry as one more HTTP function of the app (IAM-authenticated: only
    the workflows and the portable client's callers may call it)."""
    return Function(
        name=CALLBACKS,
        description="faas-iac durable callback registry",
        handler=HandlerRef(module="faas_iac_gcp.runtime.callbacks", qualname="serve"),
        trigger=HttpTrigger(route="/", methods=("POST",), auth="iam"),
        timeout=60,
        env={
            "FAAS_IAC_REGISTRY": f"{app.name}-{CALLBACKS}",
            "FAAS_IAC_DATABASE": database_name(app.name),
        },
    )


def needs_callbacks(workflows: Mapping[str, ir.Workflow]) -> bool:
    return any(wf.events for wf in workflows.values())


def plan_durable(
    app: AppModel, workflows: Mapping[str, ir.Workflow], texts: Mapping[str, str]
) -> list[PlanResource]:
    """The workflows (``texts``: their YAML) and their accounts and grants."""
    out: list[PlanResource] = []
    for name in sorted(workflows):
        sa = f"sa-wf-{name}"
        member = sub("serviceAccount:${" + sa + ".email}")
        runs = reached(name, workflows)
        activities = sorted({a for o in runs for a in workflows[o].activities})
        # the entity functions it operates on, called like activities
        activities += sorted({e for o in runs for e in workflows[o].entities} - set(activities))
        events = any(workflows[o].events for o in runs)
        env: dict[str, Any] = {env_name(a): ref(f"fn-{a}", "url") for a in activities}
        if events:
            env[env_name(CALLBACKS)] = ref(f"fn-{CALLBACKS}", "url")
        out.append(
            PlanResource(
                type=T.SERVICE_ACCOUNT,
                name=sa,
                properties={
                    "account_id": account_id(app.name, f"wf-{name}"),
                    "display_name": f"faas-iac {app.name}: workflow {name}",
                },
            )
        )
        out.append(
            PlanResource(
                type=T.WORKFLOW,
                name=f"workflow-{name}",
                properties={
                    "name": function_name(app.name, name),
                    "region": REGION,
                    "service_account": ref(sa, "id"),
                    "user_env_vars": env,
                    "call_log_level": "LOG_ERRORS_ONLY",
                    "deletion_protection": False,
                    "labels": labels(app),
                },
                artifact=workflow_artifact(name, texts[name]).name,
            )
        )
        for target in [*activities, *([CALLBACKS] if events else [])]:
            out.append(invoker(app, target, member, f"invoke-{target}-by-{name}"))
        if any(workflows[o].uses_status for o in runs):
            out.append(database_grant(f"status-by-{name}", member, f"workflow {name}'s status"))
        workflow = f"projects/${{gcp:project}}/locations/{REGION}/workflows/"
        workflow += function_name(app.name, name)
        if any(_continues(workflows[o]) for o in runs):  # sub-orchestrators are subworkflows
            out.append(
                _own_workflow(
                    f"start-by-{name}",
                    member,
                    f"workflow {name} starts its own executions",
                    f'resource.name == "{workflow}"',
                )
            )
        if any(_races(workflows[o]) for o in runs):  # see faas_iac_gcp.workflows.races
            out.append(
                _own_workflow(
                    f"callbacks-by-{name}",
                    member,
                    f"workflow {name} answers its own callbacks",
                    f'resource.name.startsWith("{workflow}/")',
                )
            )
    return out


def _own_workflow(name: str, member: dict[str, str], title: str, expression: str) -> PlanResource:
    """``roles/workflows.invoker`` for a workflow's account, conditioned on its own workflow."""
    return PlanResource(
        type=T.PROJECT_IAM,
        name=name,
        properties={
            "project": context("gcp:project"),
            "role": "roles/workflows.invoker",
            "member": member,
            "condition": {"title": title, "expression": sub(expression)},
        },
    )


def client_config(app: AppModel) -> dict[str, Any]:
    """``FAAS_IAC_DURABLE`` of a function with ``durable_client=True`` (see
    :class:`faas_iac_gcp.runtime.durable.GcpDurableClient`)."""
    return {
        "workflows": {o.name: ref(f"workflow-{o.name}", "id") for o in app.by_kind("orchestrator")},
        "registry": f"{app.name}-{CALLBACKS}",
        "status_collection": f"{app.name}-{STATUS_COLLECTION}",
        "database": database_name(app.name),
        "entities": {e.name.lower(): ref(f"fn-{e.name}", "url") for e in app.by_kind("entity")},
        "entity_collection": entity_collection(app),
    }


def entity_collection(app: AppModel) -> str:
    """The Firestore collection of the app's entity states."""
    return f"{app.name}-durable-entities"


def entity_grants(app: AppModel, owner: str, member: dict[str, str]) -> list[PlanResource]:
    """An entity function reads and writes its states in the app's database."""
    return [database_grant(f"entity-{owner}-state", member, f"entity {owner} keeps its state")]


def client_grants(app: AppModel, owner: str, member: dict[str, str]) -> list[PlanResource]:
    """What the durable client may do: start, read and cancel executions of the app's
    workflows and send their callbacks; read and write the registry and statuses."""
    workflows = sub(
        'resource.name.startsWith("projects/${gcp:project}/locations/'
        + f'{REGION}/workflows/{app.name}-")'
    )
    roles = {
        "roles/workflows.invoker": "start executions and send callbacks",
        "roles/workflows.viewer": "read executions",
    }
    out = [
        PlanResource(
            type=T.PROJECT_IAM,
            name=f"durable-{owner}-{role.rsplit('.', 1)[-1]}",
            properties={
                "project": context("gcp:project"),
                "role": role,
                "member": member,
                "condition": {"title": f"{owner}: {why} of {app.name}", "expression": workflows},
            },
        )
        for role, why in roles.items()
    ]
    out += [
        invoker(app, e.name, member, f"durable-{owner}-calls-{e.name}")
        for e in app.by_kind("entity")
    ]
    out.append(database_grant(f"durable-{owner}-registry", member, f"{owner}: durable state"))
    return out
