"""One function on GCP: its own service account, the Cloud Function gen2 (the app's source zip,
runtime, memory, CPU, timeout, instances, per-instance concurrency, env, secrets by reference),
a log-match alert on its errors, and what delivers its trigger:

* HTTP: the function's URL; ``allUsers`` may invoke it only when ``auth="anonymous"``
  (otherwise callers need ``roles/run.invoker``, granted outside the app);
* schedule: a Cloud Scheduler job calling the URL with an OIDC token of the function's
  delivery account, the only one allowed to invoke it;
* queue / topic / stream: a Pub/Sub push subscription with an OIDC token (dead-letter topic and
  max delivery attempts, ack deadline from the visibility timeout, a filter for topics,
  ordering for streams);
* storage / table changes / bus events: Eventarc triggers (Storage, Firestore, Pub/Sub).

Each binding's grant is on the bound resource (:func:`.resources.grants`). Pure.
"""

from __future__ import annotations

from typing import Any

from faas_iac.model import AppModel, Function
from faas_iac.plan.model import Artifact, PlanResource
from faas_iac.plan.refs import as_json, context, ref, sub

from .. import types as T
from .durable import client_config, client_grants, entity_collection, entity_grants
from .filters import pubsub_filter
from .names import REGION, account_id, database_name, delivery, entry_point, function_name
from .resources import DATABASE, address, grants, invoker, labels, logical, secret_variable

SOURCE_BUCKET = "source-bucket"
SOURCE_OBJECT = "source-object"
RUNTIMES = {
    "python3.11": "python311",
    "python3.12": "python312",
    "python3.13": "python313",
    "nodejs20": "nodejs20",
    "nodejs22": "nodejs22",
    "java21": "java21",
    "dotnet8": "dotnet8",
    "go1": "go122",
}
#: Pub/Sub's bounds: max delivery attempts 5-100, ack deadline 10-600 s.
MIN_ATTEMPTS, MAX_ATTEMPTS = 5, 100
EVENTARC_TYPES = {
    "created": "google.cloud.storage.object.v1.finalized",
    "deleted": "google.cloud.storage.object.v1.deleted",
}


def member(sa: str) -> dict[str, str]:
    return sub("serviceAccount:${" + sa + ".email}")


def _cpu(fn: Function) -> str | None:
    """Memory above 1 GiB needs more CPU, and concurrency above 1 needs at least one CPU."""
    for limit, cpu in ((1024, None), (2048, "1"), (8192, "2"), (16384, "4")):
        if fn.memory <= limit:
            return "1" if cpu is None and fn.scaling.concurrency > 1 else cpu
    return "8"


def source_resources(app: AppModel, code: Artifact) -> list[PlanResource]:
    """The bucket holding the app's source zip and the zip itself (the ``code`` artifact, made
    runnable by :mod:`faas_iac_gcp.emit`: ``main.py``, the shim, the adapter)."""
    return [
        PlanResource(
            type=T.BUCKET,
            name=SOURCE_BUCKET,
            properties={
                "name": sub("${gcp:project}-" + function_name(app.name, "source")),
                "location": REGION.upper(),
                "uniform_bucket_level_access": True,
                "public_access_prevention": "enforced",
                "labels": labels(app),
            },
        ),
        PlanResource(
            type=T.BUCKET_OBJECT,
            name=SOURCE_OBJECT,
            properties={
                "name": f"source-{code.sha256[:16]}.zip",
                "bucket": ref(SOURCE_BUCKET, "name"),
            },
            artifact=code.name,
        ),
    ]


def _environment(app: AppModel, fn: Function) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    env: dict[str, Any] = dict(sorted(fn.env.items()))
    env_for = {secret: var for var, secret in fn.secrets.items()}
    secrets = []
    resources: dict[str, Any] = {}
    for b in sorted(fn.bindings, key=lambda b: b.ref):
        if b.kind != "secret":
            resources[b.ref] = address(app, b)
        else:
            var = env_for.get(b.name) or secret_variable(b.name)
            resources[b.ref] = var
            secrets.append(
                {
                    "key": var,
                    "project_id": context("gcp:project"),
                    "secret": ref(logical("secret", b.name), "secret_id"),
                    "version": "latest",
                }
            )
    if resources:
        env["FAAS_IAC_RESOURCES"] = as_json(resources)
    if fn.durable_client:
        env["FAAS_IAC_DURABLE"] = as_json(client_config(app))
    if fn.kind == "entity":
        env["FAAS_IAC_ENTITIES"] = entity_collection(app)
        env["FAAS_IAC_DATABASE"] = database_name(app.name)
    return env, secrets


def _function(app: AppModel, fn: Function, sa: str) -> PlanResource:
    env, secrets = _environment(app, fn)
    service: dict[str, Any] = {
        "available_memory": f"{fn.memory}M",
        "timeout_seconds": fn.timeout,
        "max_instance_count": fn.scaling.max_instances or 100,
        "min_instance_count": fn.scaling.min_instances,
        "max_instance_request_concurrency": fn.scaling.concurrency,
        "ingress_settings": "ALLOW_ALL" if fn.trigger.type == "http" else "ALLOW_INTERNAL_ONLY",
        "all_traffic_on_latest_revision": True,
        "service_account_email": ref(sa, "email"),
    }
    if (cpu := _cpu(fn)) is not None:
        service["available_cpu"] = cpu
    if env:
        service["environment_variables"] = env
    if secrets:
        service["secret_environment_variables"] = secrets
    python = fn.handler.python
    props: dict[str, Any] = {
        "name": function_name(app.name, fn.name),
        "location": REGION,
        "build_config": {
            "runtime": RUNTIMES[fn.runtime],
            "entry_point": entry_point(fn.name) if python else str(fn.handler.handler),
            "source": {
                "storage_source": {
                    "bucket": ref(SOURCE_BUCKET, "name"),
                    "object": ref(SOURCE_OBJECT, "name"),
                }
            },
        },
        "service_config": service,
        "labels": labels(app, fn.tags),
    }
    if fn.description:
        props["description"] = fn.description
    return PlanResource(type=T.FUNCTION, name=f"fn-{fn.name}", properties=props)


def _alert(app: AppModel, fn: Function) -> PlanResource:
    service = function_name(app.name, fn.name)
    query = (
        'resource.type="cloud_run_revision" AND '
        f'resource.labels.service_name="{service}" AND severity>=ERROR'
    )
    return PlanResource(
        type=T.ALERT_POLICY,
        name=f"alert-{fn.name}",
        properties={
            "display_name": f"{service} errors",
            "combiner": "OR",
            "conditions": [
                {"display_name": "error logged", "condition_matched_log": {"filter": query}}
            ],
            "alert_strategy": {"notification_rate_limit": {"period": "300s"}},
            "severity": "ERROR",
            "user_labels": labels(app),
        },
        depends_on=(f"fn-{fn.name}",),
    )


def plan_function(app: AppModel, fn: Function, code: Artifact) -> list[PlanResource]:
    """Everything one (non-orchestrator) function needs; limits are checked by the caller."""
    sa = f"sa-{fn.name}"
    out = [
        PlanResource(
            type=T.SERVICE_ACCOUNT,
            name=sa,
            properties={
                "account_id": account_id(app.name, fn.name),
                "display_name": f"faas-iac {app.name} function {fn.name}",
            },
        ),
        _function(app, fn, sa),
    ]
    for b in fn.bindings:
        out += grants(app, fn.name, member(sa), b)
    if fn.durable_client:
        out += client_grants(app, fn.name, member(sa))
    if fn.kind == "entity":
        out += entity_grants(app, fn.name, member(sa))
    if fn.monitoring.error_alert:
        out.append(_alert(app, fn))
    return out + _trigger(app, fn)


def _delivery_account(app: AppModel, fn: Function) -> tuple[str, list[PlanResource]]:
    """The account a trigger invokes the function as, allowed to invoke only that function."""
    sa = f"sa-in-{fn.name}"
    return sa, [
        PlanResource(
            type=T.SERVICE_ACCOUNT,
            name=sa,
            properties={
                "account_id": account_id(app.name, f"in-{fn.name}"),
                "display_name": f"faas-iac {app.name}: delivers {fn.name}'s trigger",
            },
        ),
        invoker(app, fn.name, member(sa), f"invoker-{fn.name}"),
    ]


def _trigger(app: AppModel, fn: Function) -> list[PlanResource]:
    t = fn.trigger
    kind = delivery(fn)
    if kind == "http":
        anonymous = getattr(t, "auth", "") == "anonymous"
        return [invoker(app, fn.name, "allUsers", f"invoker-{fn.name}")] if anonymous else []
    if kind in ("activity", "entity", "none"):
        return []  # workflows invoke activities; the durable client, entities (:mod:`.durable`)
    sa, out = _delivery_account(app, fn)
    url = ref(f"fn-{fn.name}", "url")
    match t.type:
        case "schedule":
            out.append(_schedule_job(app, fn, sa, url))
        case "queue" | "topic" | "stream":
            out += _push_subscription(app, fn, sa, url)
        case "storage":
            out += _eventarc(app, fn, sa, [(e, EVENTARC_TYPES[e]) for e in t.events])
        case "table":
            out += _eventarc(
                app, fn, sa, [("written", "google.cloud.firestore.document.v1.written")]
            )
        case "event":
            out += _eventarc(
                app, fn, sa, [("bus", "google.cloud.pubsub.topic.v1.messagePublished")]
            )
    return out


def _schedule_job(app: AppModel, fn: Function, sa: str, url: Any) -> PlanResource:
    from .schedule import rendered

    cron, tz = rendered(fn)
    return PlanResource(
        type=T.SCHEDULER_JOB,
        name=f"schedule-{fn.name}",
        properties={
            "name": function_name(app.name, fn.name),
            "region": REGION,
            "schedule": cron,
            "time_zone": tz,
            "attempt_deadline": f"{max(15, min(fn.timeout, 1800))}s",
            "http_target": {
                "uri": url,
                "http_method": "POST",
                "oidc_token": {"service_account_email": ref(sa, "email"), "audience": url},
            },
        },
    )


def pubsub_agent() -> dict[str, str]:
    """Pub/Sub's own service agent: it dead-letters messages and needs grants to do so."""
    return sub("serviceAccount:service-${gcp:project_number}@gcp-sa-pubsub.iam.gserviceaccount.com")


def _push_subscription(app: AppModel, fn: Function, sa: str, url: Any) -> list[PlanResource]:
    t: Any = fn.trigger
    kind = t.type
    source = getattr(t, kind)
    name = f"sub-{fn.name}"
    props: dict[str, Any] = {
        "name": function_name(app.name, fn.name),
        "topic": ref(logical(kind, source), "id"),
        "ack_deadline_seconds": max(10, min(fn.timeout, 600)),
        "push_config": {
            "push_endpoint": url,
            "oidc_token": {"service_account_email": ref(sa, "email"), "audience": url},
        },
        "retry_policy": {"minimum_backoff": "10s", "maximum_backoff": "600s"},
        "expiration_policy": {"ttl": ""},
        "labels": labels(app),
    }
    out: list[PlanResource] = []
    if kind == "queue":
        queue = app.resource("queue", source)
        props["ack_deadline_seconds"] = max(10, min(queue.visibility_timeout, 600))
        props["message_retention_duration"] = f"{min(queue.retention_hours, 168) * 3600}s"
        props["enable_message_ordering"] = queue.fifo
        if queue.dead_letter:
            dlq = logical("queue", queue.dead_letter)
            props["dead_letter_policy"] = {
                "dead_letter_topic": ref(dlq, "id"),
                "max_delivery_attempts": max(MIN_ATTEMPTS, min(queue.max_deliveries, MAX_ATTEMPTS)),
            }
            out += [
                PlanResource(
                    type=T.TOPIC_IAM,
                    name=f"deadletter-{fn.name}-publish",
                    properties={
                        "topic": ref(dlq, "name"),
                        "role": "roles/pubsub.publisher",
                        "member": pubsub_agent(),
                    },
                ),
                PlanResource(
                    type=T.SUBSCRIPTION_IAM,
                    name=f"deadletter-{fn.name}-subscribe",
                    properties={
                        "subscription": ref(name, "name"),
                        "role": "roles/pubsub.subscriber",
                        "member": pubsub_agent(),
                    },
                ),
            ]
    elif kind == "topic" and t.filter:
        props["filter"] = pubsub_filter(fn, t.filter)[0]
    elif kind == "stream":
        props["enable_message_ordering"] = True
    return [PlanResource(type=T.SUBSCRIPTION, name=name, properties=props), *out]


def _eventarc(
    app: AppModel, fn: Function, sa: str, types: list[tuple[str, str]]
) -> list[PlanResource]:
    t: Any = fn.trigger
    out: list[PlanResource] = []
    destination = {
        "cloud_run_service": {"service": function_name(app.name, fn.name), "region": REGION}
    }
    for suffix, event_type in types:
        criteria: list[dict[str, Any]] = [{"attribute": "type", "value": event_type}]
        props: dict[str, Any] = {
            "name": function_name(app.name, f"{fn.name}-{suffix}"),
            "location": REGION,
            "destination": destination,
            "service_account": ref(sa, "email"),
            "labels": labels(app),
        }
        if t.type == "storage":
            criteria.append(
                {"attribute": "bucket", "value": ref(logical("bucket", t.bucket), "name")}
            )
        elif t.type == "table":
            criteria += [
                {"attribute": "database", "value": ref(DATABASE, "name")},
                {
                    "attribute": "document",
                    "value": f"{t.table}/{{doc}}",
                    "operator": "match-path-pattern",
                },
            ]
            props["event_data_content_type"] = "application/protobuf"
        else:
            props["transport"] = {"pubsub": {"topic": ref(logical("bus", t.bus), "id")}}
        props["matching_criterias"] = criteria
        out.append(
            PlanResource(
                type=T.EVENTARC_TRIGGER,
                name=f"trigger-{fn.name}-{suffix}",
                properties=props,
                depends_on=(f"invoker-{fn.name}", f"fn-{fn.name}"),
            )
        )
    if t.type in ("storage", "table"):
        out.append(
            PlanResource(
                type=T.PROJECT_IAM,
                name=f"receiver-{fn.name}",
                properties={
                    "project": context("gcp:project"),
                    "role": "roles/eventarc.eventReceiver",
                    "member": member(sa),
                },
            )
        )
    return out
