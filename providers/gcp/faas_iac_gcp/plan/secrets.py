"""Secrets on GCP: a Secret Manager secret per declared secret (its value is added out of band,
never planned), exposed to the functions that read it as the environment variable their
``secrets=`` names, with ``roles/secretmanager.secretAccessor`` on that secret alone for the
function's service account. Pure."""

from __future__ import annotations

from typing import Any

from faas_iac.model import AppModel, Function
from faas_iac.plan.model import PlanResource
from faas_iac.plan.refs import ref, sub

from .. import types as T


def logical(secret: str) -> str:
    return f"secret-{secret}"


def secret_resources(app: AppModel) -> list[PlanResource]:
    return [
        PlanResource(
            type=T.SECRET,
            name=logical(res.name),
            properties={"secretId": f"{app.name}-{res.name}", "replication": {"auto": {}}},
        )
        for res in app.resources
        if res.kind == "secret"
    ]


def secret_env(fn: Function) -> list[dict[str, Any]]:
    """``serviceConfig.secretEnvironmentVariables`` of a function."""
    return [
        {
            "key": env,
            "projectId": ref(logical(secret), "project"),
            "secret": ref(logical(secret), "secret_id"),
            "version": "latest",
        }
        for env, secret in sorted(fn.secrets.items())
    ]


def secret_access(fn: Function, sa: str) -> list[PlanResource]:
    """Read access for the function's service account, on each secret it reads only."""
    return [
        PlanResource(
            type=T.SECRET_IAM_MEMBER,
            name=f"read-{secret}-by-{fn.name}",
            properties={
                "secretId": ref(logical(secret), "secret_id"),
                "role": "roles/secretmanager.secretAccessor",
                "member": sub(f"serviceAccount:${{{sa}.email}}"),
            },
        )
        for secret in sorted(set(fn.secrets.values()))
    ]
