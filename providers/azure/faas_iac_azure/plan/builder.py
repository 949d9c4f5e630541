"""Plan-building helpers: references between plan resources and role assignments.

References use the plan's one vocabulary (:mod:`faas_iac.plan.refs`): ``ref(name, attr)`` is
another resource's output (``id`` unless said), ``fmt("https://{0}.vault.azure.net/", ref(...))``
a ``$sub`` string built from ``str.format`` placeholders, :data:`SUBSCRIPTION` / :data:`TENANT`
the deploying subscription and tenant. Dependencies follow from the references
(:func:`faas_iac.plan.model.ordered`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from faas_iac.plan import refs
from faas_iac.plan.model import PlanResource

from .roles import COSMOS_ROLE_IDS, ROLE_IDS, role_definition_path

NS = "azure-native"
ROLE_ASSIGNMENT = f"{NS}:authorization:RoleAssignment"
COSMOS_ROLE_ASSIGNMENT = f"{NS}:cosmosdb:SqlResourceSqlRoleAssignment"
_UUID_NS = uuid.UUID("5b0c3c8e-6f7e-4d5a-9a53-0f4a1a2b3c4d")


def ref(name: str, attr: str = "id") -> dict[str, str]:
    return refs.ref(name, attr)


def fmt(template: str, *args: dict[str, str]) -> dict[str, str]:
    """``template`` with ``{0}``, ``{1}``... filled by references (``$sub`` values)."""
    return refs.sub(template.format(*(arg["$sub"] for arg in args)))


SUBSCRIPTION = refs.context("azure:subscription")
TENANT = refs.context("azure:tenant")


@dataclass
class PlanBuilder:
    app: str
    resources: dict[str, PlanResource] = field(default_factory=dict)
    grants: dict[tuple[str, str], set[str]] = field(default_factory=dict)

    def add(
        self,
        kind: str,
        name: str,
        props: dict[str, Any],
        deps: tuple[str, ...] = (),
        artifact: str | None = None,
    ) -> str:
        """Add a resource once (the same logical name twice keeps the first)."""
        if name not in self.resources:
            self.resources[name] = PlanResource(
                type=f"{NS}:{kind}",
                name=name,
                properties=props,
                depends_on=deps,
                artifact=artifact,
            )
        return name

    def has(self, name: str) -> bool:
        return name in self.resources

    def grant(self, resource: str, role: str, why: str) -> None:
        """Record that the app's identity needs ``role`` on plan resource ``resource``."""
        self.grants.setdefault((resource, role), set()).add(why)

    def role_assignments(self) -> None:
        """One assignment per (resource, role): the Function App has one identity, so two
        functions needing the same role on the same resource share one assignment."""
        for (resource, role), reasons in sorted(self.grants.items()):
            gid = str(uuid.uuid5(_UUID_NS, f"{self.app}/{resource}/{role}"))
            label = f"ra-{resource}-{_slug(role)}"
            description = "faas-iac: " + "; ".join(sorted(reasons))
            if role in COSMOS_ROLE_IDS:
                container = self.resources[resource].properties
                scope = f"/dbs/{container['database_name']}/colls/{container['container_name']}"
                props: dict[str, Any] = {
                    "resource_group_name": ref("rg", "name"),
                    "account_name": ref("cosmos", "name"),
                    "role_assignment_id": gid,
                    "principal_id": ref("identity", "principal_id"),
                    "role_definition_id": fmt(
                        "{0}/sqlRoleDefinitions/" + COSMOS_ROLE_IDS[role], ref("cosmos")
                    ),
                    "scope": fmt("{0}" + scope, ref("cosmos")),
                }
                self.add("cosmosdb:SqlResourceSqlRoleAssignment", label, props)
                continue
            assert role in ROLE_IDS, role
            props = {
                "role_assignment_name": gid,
                "principal_id": ref("identity", "principal_id"),
                "principal_type": "ServicePrincipal",
                "role_definition_id": fmt(
                    "/subscriptions/{0}" + role_definition_path(role), SUBSCRIPTION
                ),
                "scope": ref(resource),
                "description": description[:1024],
            }
            self.add("authorization:RoleAssignment", label, props)


def _slug(text: str) -> str:
    return "-".join(w.lower() for w in text.replace("Azure ", "").split())
