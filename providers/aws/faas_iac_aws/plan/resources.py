"""Plan records for the app's resources: queues, topics, buckets, tables, streams, buses and
secrets. Pure."""

from __future__ import annotations

from typing import Any

from faas_iac.model import AppModel, Resource
from faas_iac.plan import PlanResource
from faas_iac.plan.refs import as_json, ref

from .. import types as T
from .iam import assume, logical


def physical(app: AppModel, name: str) -> str:
    return f"{app.name}-{name}"


def tags(app: AppModel, extra: dict[str, str] | None = None) -> dict[str, str]:
    return {"faas-iac:app": app.name, **(extra or {})}


#: The retention periods CloudWatch Logs accepts, in days.
RETENTION = (
    1,
    3,
    5,
    7,
    14,
    30,
    60,
    90,
    120,
    150,
    180,
    365,
    400,
    545,
    731,
    1096,
    1827,
    2192,
    2557,
    2922,
    3288,
    3653,
)


def lambda_identity(
    app: AppModel,
    key: str,
    policy: dict[str, Any],
    log_days: int,
    role_tags: dict[str, str] | None = None,
) -> list[PlanResource]:
    """What every Lambda of the app runs with: its role ``role-<key>`` (trusted by Lambda
    only), its log group ``log-<key>`` (``/aws/lambda/<app>-<key>``, kept ``log_days`` rounded
    up to a period CloudWatch accepts) and its least-privilege policy ``policy-<key>``."""
    role = f"role-{key}"
    retention = next(r for r in RETENTION if r >= log_days)
    return [
        PlanResource(
            type=T.ROLE,
            name=role,
            properties={
                "name": physical(app, key),
                "assume_role_policy": as_json(assume("lambda")),
                "tags": tags(app, role_tags),
            },
        ),
        PlanResource(
            type=T.LOG_GROUP,
            name=f"log-{key}",
            properties={
                "name": f"/aws/lambda/{physical(app, key)}",
                "retention_in_days": retention,
                "tags": tags(app),
            },
        ),
        PlanResource(
            type=T.ROLE_POLICY,
            name=f"policy-{key}",
            properties={
                "name": "least-privilege",
                "role": ref(role, "id"),
                "policy": as_json(policy),
            },
        ),
    ]


def error_alarm(app: AppModel, fn_name: str, name: str, lam: str) -> PlanResource:
    """An alarm on any error of the Lambda ``lam`` (physical ``name``) in five minutes."""
    return PlanResource(
        type=T.ALARM,
        name=f"alarm-{fn_name}",
        properties={
            "name": f"{name}-errors",
            "namespace": "AWS/Lambda",
            "metric_name": "Errors",
            "dimensions": {"FunctionName": name},
            "statistic": "Sum",
            "period": 300,
            "evaluation_periods": 1,
            "threshold": 1,
            "comparison_operator": "GreaterThanOrEqualToThreshold",
            "treat_missing_data": "notBreaching",
            "tags": tags(app),
        },
        depends_on=(lam,),
    )


def _queue(app: AppModel, res: Any) -> list[PlanResource]:
    props: dict[str, Any] = {
        "name": physical(app, res.name) + (".fifo" if res.fifo else ""),
        "visibility_timeout_seconds": res.visibility_timeout,
        "message_retention_seconds": res.retention_hours * 3600,
        "sqs_managed_sse_enabled": True,
        "tags": tags(app),
    }
    if res.fifo:
        props["fifo_queue"] = True
    deps: tuple[str, ...] = ()
    if res.dead_letter:
        dlq = logical("queue", res.dead_letter)
        props["redrive_policy"] = as_json(
            {"deadLetterTargetArn": ref(dlq, "arn"), "maxReceiveCount": res.max_deliveries}
        )
        deps = (dlq,)
    return [
        PlanResource(
            type=T.QUEUE, name=logical("queue", res.name), properties=props, depends_on=deps
        )
    ]


def _topic(app: AppModel, res: Any) -> list[PlanResource]:
    props = {"name": physical(app, res.name), "tags": tags(app)}
    return [PlanResource(type=T.TOPIC, name=logical("topic", res.name), properties=props)]


def _bucket(app: AppModel, res: Any) -> list[PlanResource]:
    name = logical("bucket", res.name)
    out = [
        PlanResource(
            type=T.BUCKET,
            name=name,
            properties={"bucket": physical(app, res.name), "tags": tags(app)},
        ),
        PlanResource(
            type=T.BUCKET_PAB,
            name=f"{name}-private",
            properties={
                "bucket": ref(name, "id"),
                "block_public_acls": True,
                "block_public_policy": True,
                "ignore_public_acls": True,
                "restrict_public_buckets": True,
            },
            depends_on=(name,),
        ),
    ]
    if res.versioning:
        out.append(
            PlanResource(
                type=T.BUCKET_VERSIONING,
                name=f"{name}-versioning",
                properties={
                    "bucket": ref(name, "id"),
                    "versioning_configuration": {"status": "Enabled"},
                },
                depends_on=(name,),
            )
        )
    return out


def table_props(
    app: AppModel, name: str, key: str, sort_key: str | None, stream: bool
) -> dict[str, Any]:
    attributes = [{"name": key, "type": "S"}]
    props: dict[str, Any] = {
        "name": physical(app, name),
        "billing_mode": "PAY_PER_REQUEST",
        "hash_key": key,
        "tags": tags(app),
    }
    if sort_key:
        attributes.append({"name": sort_key, "type": "S"})
        props["range_key"] = sort_key
    props["attributes"] = attributes
    if stream:
        props["stream_enabled"] = True
        props["stream_view_type"] = "NEW_AND_OLD_IMAGES"
    return props


def _table(app: AppModel, res: Any) -> list[PlanResource]:
    props = table_props(app, res.name, res.key, res.sort_key, res.change_stream)
    return [PlanResource(type=T.TABLE, name=logical("table", res.name), properties=props)]


def _stream(app: AppModel, res: Any) -> list[PlanResource]:
    props = {
        "name": physical(app, res.name),
        "shard_count": res.partitions,
        "retention_period": res.retention_hours,
        "encryption_type": "KMS",
        "kms_key_id": "alias/aws/kinesis",
        "tags": tags(app),
    }
    return [PlanResource(type=T.STREAM, name=logical("stream", res.name), properties=props)]


def _bus(app: AppModel, res: Any) -> list[PlanResource]:
    if res.name == "default":
        return []
    props = {"name": physical(app, res.name), "tags": tags(app)}
    return [PlanResource(type=T.BUS, name=logical("bus", res.name), properties=props)]


def _secret(app: AppModel, res: Any) -> list[PlanResource]:
    # Only the secret's container: its value is put by the operator, never by the plan.
    props = {
        "name": f"{app.name}/{res.name}",
        "description": f"faas-iac app {app.name}: put the value with "
        f"aws secretsmanager put-secret-value --secret-id {app.name}/{res.name}",
        "tags": tags(app),
    }
    return [PlanResource(type=T.SECRET, name=logical("secret", res.name), properties=props)]


RESOURCE_PLANNERS = {
    "queue": _queue,
    "topic": _topic,
    "bucket": _bucket,
    "table": _table,
    "stream": _stream,
    "bus": _bus,
    "secret": _secret,
}


def plan_resource(app: AppModel, res: Resource) -> list[PlanResource]:
    return RESOURCE_PLANNERS[res.kind](app, res)
