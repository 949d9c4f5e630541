"""The app's resources on GCP, and the IAM grant each binding needs on exactly that resource.

* queues, topics, streams, buses → Pub/Sub topics (a bus's events are JSON messages with
  ``source`` / ``type`` attributes; a stream's partition key is the ordering key);
* buckets → Cloud Storage buckets (uniform access, public access prevented), named after the
  project (bucket names are global);
* tables → collections of the app's Firestore database;
* secrets → Secret Manager secrets (the container only: values never enter the plan).

Pure.
"""

from __future__ import annotations

from typing import Any

from faas_iac.model import AppModel, Binding
from faas_iac.plan.model import PlanResource
from faas_iac.plan.refs import context, ref, sub

from .. import types as T
from .names import REGION, database_name, function_name, resource_name

DATABASE = "firestore"
#: binding kind → its plan resource's logical name prefix (Pub/Sub kinds share topics)
PREFIX = {
    "queue": "topic",
    "topic": "topic",
    "stream": "topic",
    "bus": "topic",
    "bucket": "bucket",
    "secret": "secret",
}
#: access → the narrowest predefined role (None: nothing the runtime API does needs one)
ROLES: dict[str, dict[str, str | None]] = {
    "queue": {"read": None, "write": "roles/pubsub.publisher"},
    "topic": {"read": None, "write": "roles/pubsub.publisher"},
    "stream": {"read": None, "write": "roles/pubsub.publisher"},
    "bus": {"read": None, "write": "roles/pubsub.publisher"},
    # writes overwrite and delete objects: objectCreator cannot, objectUser can
    "bucket": {"read": "roles/storage.objectViewer", "write": "roles/storage.objectUser"},
    "table": {"read": "roles/datastore.viewer", "write": "roles/datastore.user"},
    "secret": {"read": "roles/secretmanager.secretAccessor", "write": None},
}


def logical(kind: str, name: str) -> str:
    return f"{PREFIX[kind]}-{kind}-{name}" if PREFIX[kind] == "topic" else f"{kind}-{name}"


def labels(app: AppModel, extra: dict[str, str] | None = None) -> dict[str, str]:
    clean = {k.lower(): v.lower() for k, v in (extra or {}).items()}
    return {"faas-iac-app": app.name, **clean}


def bucket_name(app: AppModel, name: str) -> dict[str, str]:
    return sub("${gcp:project}-" + resource_name(app.name, "bucket", name))


def plan_resource(app: AppModel, res: Any) -> list[PlanResource]:
    kind, name = res.kind, res.name
    match kind:
        case "queue" | "topic" | "stream" | "bus":
            props: dict[str, Any] = {
                "name": resource_name(app.name, kind, name),
                "labels": labels(app),
            }
            if kind in ("queue", "stream"):
                hours = res.retention_hours
                props["message_retention_duration"] = f"{min(hours, 31 * 24) * 3600}s"
            return [PlanResource(type=T.TOPIC, name=logical(kind, name), properties=props)]
        case "bucket":
            return [
                PlanResource(
                    type=T.BUCKET,
                    name=logical(kind, name),
                    properties={
                        "name": bucket_name(app, name),
                        "location": REGION.upper(),
                        "uniform_bucket_level_access": True,
                        "public_access_prevention": "enforced",
                        "versioning": {"enabled": res.versioning},
                        "labels": labels(app),
                    },
                )
            ]
        case "secret":
            return [
                PlanResource(
                    type=T.SECRET,
                    name=logical(kind, name),
                    properties={
                        "secret_id": resource_name(app.name, kind, name),
                        "replication": {"auto": {}},
                        "labels": labels(app),
                    },
                )
            ]
        case "table":
            return []  # a collection of the app's database (see :func:`database`)
    raise AssertionError(kind)  # pragma: no cover (a closed union)


def database(app: AppModel) -> PlanResource:
    """The app's Firestore database: its tables' collections and the durable state."""
    return PlanResource(
        type=T.FIRESTORE_DATABASE,
        name=DATABASE,
        properties={
            "name": database_name(app.name),
            "location_id": REGION,
            "type": "FIRESTORE_NATIVE",
            "delete_protection_state": "DELETE_PROTECTION_ENABLED",
        },
    )


def database_grant(
    name: str, member: dict[str, str], why: str, role: str = "roles/datastore.user"
) -> PlanResource:
    """A project grant limited by an IAM condition to the app's database (Firestore has no
    per-database IAM resource)."""
    expression = 'resource.name == "projects/${gcp:project}/databases/${' + DATABASE + '.name}"'
    return PlanResource(
        type=T.PROJECT_IAM,
        name=name,
        properties={
            "project": context("gcp:project"),
            "role": role,
            "member": member,
            "condition": {"title": why, "expression": sub(expression)},
        },
    )


def invoker(app: AppModel, function: str, who: Any, name: str) -> PlanResource:
    """``who`` may invoke ``function`` (``roles/run.invoker`` on its Cloud Run service only)."""
    return PlanResource(
        type=T.SERVICE_INVOKER,
        name=name,
        properties={
            "name": function_name(app.name, function),
            "location": REGION,
            "role": "roles/run.invoker",
            "member": who,
        },
        depends_on=(f"fn-{function}",),
    )


def grants(app: AppModel, owner: str, member: dict[str, str], b: Binding) -> list[PlanResource]:
    """The grants binding ``b`` of function ``owner`` needs, each on the bound resource."""
    accesses = ["read", "write"] if b.access == "readwrite" else [b.access]
    roles = sorted({r for a in accesses if (r := ROLES[b.kind][a]) is not None})
    if b.kind == "bucket" and len(roles) == 2:
        roles = ["roles/storage.objectUser"]  # it includes reading
    if b.kind == "table" and len(roles) == 2:
        roles = ["roles/datastore.user"]
    out = []
    for role in roles:
        short = role.rsplit(".", 1)[-1].lower()
        name = f"grant-{owner}-{b.kind}-{b.name}-{short}"
        target = logical(b.kind, b.name) if b.kind != "table" else DATABASE
        match b.kind:
            case "queue" | "topic" | "stream" | "bus":
                props = {"topic": ref(target, "name"), "role": role, "member": member}
                out.append(PlanResource(type=T.TOPIC_IAM, name=name, properties=props))
            case "bucket":
                props = {"bucket": ref(target, "name"), "role": role, "member": member}
                out.append(PlanResource(type=T.BUCKET_IAM, name=name, properties=props))
            case "secret":
                props = {"secret_id": ref(target, "secret_id"), "role": role, "member": member}
                out.append(PlanResource(type=T.SECRET_IAM, name=name, properties=props))
            case "table":
                out.append(database_grant(name, member, f"{owner} uses table {b.name}", role))
    return out


def address(app: AppModel, b: Binding) -> Any:
    """What the runtime bindings (:mod:`faas_iac_gcp.runtime.bindings`) need to reach ``b``."""
    match b.kind:
        case "queue" | "topic" | "bus":
            return ref(logical(b.kind, b.name), "id")
        case "stream":
            res = app.resource("stream", b.name)
            return {"topic": ref(logical(b.kind, b.name), "id"), "partitions": res.partitions}
        case "bucket":
            return ref(logical(b.kind, b.name), "name")
        case "table":
            table = app.resource("table", b.name)
            where: dict[str, Any] = {
                "database": ref(DATABASE, "name"),
                "collection": b.name,
                "key": table.key,
            }
            if table.sort_key:
                where["sort_key"] = table.sort_key
            return where
        case "secret":
            return secret_variable(b.name)
    raise AssertionError(b.kind)  # pragma: no cover


def secret_variable(name: str) -> str:
    return "FAAS_IAC_SECRET_" + name.upper().replace("-", "_")
