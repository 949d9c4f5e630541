"""Durable orchestrations on AWS: one Step Functions state machine per orchestrator (the ASL
comes from the translator), its execution role limited to what the machine calls, and the
DynamoDB tables of the portable durable client: the token registry (``raise_event`` finds the
task token of (instance, event) there), custom status, and entity state. Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from faas_iac.errors import NotExpressible
from faas_iac.model import AppModel, Function

from . import types as T
from .iam import assume
from .refs import as_json, ref, refs_in, sub
from .resources import physical, table_props, tags

TOKENS, STATUS, ENTITIES = "durable-tokens", "durable-status", "durable-entities"
_TOKEN = re.compile(r"\$\{[A-Za-z0-9_.:-]+\}")


@dataclass(frozen=True)
class DurableNames:
    app: str
    machines: dict[str, str] = field(default_factory=dict)  # orchestrator → physical name
    entities: tuple[str, ...] = ()

    @property
    def used(self) -> bool:
        return bool(self.machines or self.entities)

    def machine_logical(self, orchestrator: str) -> str:
        return f"sm-{orchestrator}"

    def tables(self) -> list[str]:
        return [TOKENS, STATUS, *([ENTITIES] if self.entities else [])]

    def client_config(self) -> dict[str, Any]:
        """What the portable client reads at run time (``FAAS_IAC_DURABLE``)."""
        return {
            "machines": {o: ref(self.machine_logical(o)) for o in sorted(self.machines)},
            "tokens": f"{self.app}-{TOKENS}",
            "status": f"{self.app}-{STATUS}",
            "entities": f"{self.app}-{ENTITIES}" if self.entities else "",
            "entity_functions": {e: f"{self.app}-{e}" for e in self.entities},
        }

    def client_access(self) -> dict[str, Any]:
        return {
            "machines": {self.machine_logical(o): p for o, p in sorted(self.machines.items())},
            "tables": self.tables(),
            "entity_functions": [f"fn-{e}" for e in self.entities],
        }

    def entity_statements(self, fn: Function) -> list[dict[str, Any]]:
        return [
            {
                "Sid": "EntityState",
                "Effect": "Allow",
                "Action": ["dynamodb:GetItem", "dynamodb:PutItem"],
                "Resource": [ref(ENTITIES)],
            }
        ]


def durable_names(app: AppModel) -> DurableNames:
    return DurableNames(
        app=app.name,
        machines={fn.name: physical(app, fn.name) for fn in app.by_kind("orchestrator")},
        entities=tuple(fn.name for fn in app.by_kind("entity")),
    )


def with_refs(value: Any) -> Any:
    """Strings holding ``${logical.attr}`` tokens become ``$sub`` references."""
    if isinstance(value, str):
        return sub(value) if _TOKEN.search(value) else value
    if isinstance(value, dict):
        return {k: with_refs(v) for k, v in value.items()}
    if isinstance(value, list):
        return [with_refs(v) for v in value]
    return value


def definition(app: AppModel, fn: Function, names: DurableNames) -> dict[str, Any]:
    """The ASL of ``fn`` from the translator, with references to the plan's resources."""
    try:
        from ..stepfunctions import to_asl  # type: ignore[attr-defined]
    except ImportError:
        raise NotExpressible.one(
            "FIAC310",
            f"orchestrator {fn.name!r} needs the Step Functions translator "
            "(faas_iac_aws.stepfunctions), which is not installed",
            fix="install the full faas-iac-aws package, or deploy this app with the local or "
            "Azure provider",
            location=fn.source,
        ) from None
    resource_names = {
        "activities": {a.name: "${fn-" + a.name + ".arn}" for a in app.by_kind("activity")},
        "orchestrators": {
            o: "${" + names.machine_logical(o) + ".arn}" for o in sorted(names.machines)
        },
        "tokens_table": f"{app.name}-{TOKENS}",
        "status_table": f"{app.name}-{STATUS}",
    }
    return dict(with_refs(to_asl(app, fn, resource_names)))


#: logical-name prefix → (actions, attribute) a state machine needs to call it.
_CALLS: dict[str, tuple[tuple[str, ...], str]] = {
    "fn-": (("lambda:InvokeFunction",), "arn"),
    f"{TOKENS}": (("dynamodb:DeleteItem", "dynamodb:PutItem"), "arn"),
    f"{STATUS}": (("dynamodb:PutItem", "dynamodb:UpdateItem"), "arn"),
    "sm-": (("states:StartExecution",), "arn"),
}


def execution_policy(asl: dict[str, Any], app: AppModel) -> dict[str, Any]:
    statements = []
    for target in sorted(refs_in(asl)):
        for prefix, (actions, attr) in _CALLS.items():
            if target.startswith(prefix):
                statements.append(
                    {
                        "Sid": "Call" + re.sub(r"[^A-Za-z0-9]", "", target.title()),
                        "Effect": "Allow",
                        "Action": list(actions),
                        "Resource": [ref(target, attr)],
                    }
                )
    return {"Version": "2012-10-17", "Statement": statements}


def plan_durable(app: AppModel, names: DurableNames) -> list[Any]:
    from faas_iac.plan import PlanResource

    if not names.used:
        return []
    out: list[PlanResource] = [
        PlanResource(
            type=T.TABLE, name=TOKENS, properties=table_props(app, TOKENS, "pk", None, False)
        ),
        PlanResource(
            type=T.TABLE, name=STATUS, properties=table_props(app, STATUS, "instance", None, False)
        ),
    ]
    if names.entities:
        out.append(
            PlanResource(
                type=T.TABLE,
                name=ENTITIES,
                properties=table_props(app, ENTITIES, "entity", None, False),
            )
        )
    for fn in app.by_kind("orchestrator"):
        asl = definition(app, fn, names)
        role = f"sm-role-{fn.name}"
        policy = execution_policy(asl, app)
        machine = names.machine_logical(fn.name)
        out.append(
            PlanResource(
                type=T.ROLE,
                name=role,
                properties={
                    "name": f"{physical(app, fn.name)}-sfn"[:64],
                    "assume_role_policy": as_json(assume("states")),
                    "tags": tags(app),
                },
            )
        )
        policy_props = {"name": "calls", "role": ref(role, "id"), "policy": as_json(policy)}
        deps = refs_in(policy_props) - {machine}
        out.append(
            PlanResource(
                type=T.ROLE_POLICY,
                name=f"sm-policy-{fn.name}",
                properties=policy_props,
                depends_on=tuple(sorted(deps)),
            )
        )
        props = {
            "name": names.machines[fn.name],
            "role_arn": ref(role),
            "type": "STANDARD",
            "definition": as_json(asl),
            "tags": tags(app),
        }
        out.append(
            PlanResource(
                type=T.STATE_MACHINE,
                name=machine,
                properties=props,
                depends_on=tuple(sorted((refs_in(props) | {f"sm-policy-{fn.name}"}) - {machine})),
            )
        )
    return out
