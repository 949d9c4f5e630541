"""Is a recorded resource still there? One read call per resource the deploy would otherwise
leave alone, so a resource deleted behind the engine's back (in the console, by another tool)
is created again by the next deploy instead of being trusted from the state file.

Every type the engine creates has a probe, children and settings too (an API's routes,
integrations and stages, a function's permissions, a rule's targets, a bucket's versioning,
notifications and public access block): each answers False when the resource is gone (a
*NotFound*-style error code, a listing or policy without it, a setting switched back), True
when it is there.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from .. import types as T
from .base import Env, Outputs

GONE_CODES = ("NotFound", "NoSuch", "NonExistent", "DoesNotExist", "404")


def gone(exc: BaseException) -> bool:
    """Whether a botocore error says the resource does not exist."""
    code = _code(exc)
    return any(word in code for word in GONE_CODES)


def _code(exc: BaseException) -> str:
    return str(getattr(exc, "response", {}).get("Error", {}).get("Code", ""))


def throttled(exc: BaseException) -> bool:
    """Whether a botocore error is AWS throttling the caller (what botocore's standard retry
    mode retries as throttling: ``Throttling*``, ``TooManyRequestsException``, S3's
    ``SlowDown``, EC2's ``RequestLimitExceeded``...)."""
    code = _code(exc)
    return "Throttl" in code or code in THROTTLED


THROTTLED = (
    "TooManyRequestsException",
    "SlowDown",
    "RequestLimitExceeded",
    "LimitExceededException",
    "ProvisionedThroughputExceededException",
    "BandwidthLimitExceeded",
    "TransactionInProgressException",
    "PriorRequestNotComplete",
)


def _lambda(e: Env, o: Outputs) -> bool:
    e.client("lambda").get_function(FunctionName=o["name"])
    return True


def _log_group(e: Env, o: Outputs) -> bool:
    found = e.client("logs").describe_log_groups(logGroupNamePrefix=o["name"])["logGroups"]
    return any(g["logGroupName"] == o["name"] for g in found)


def _alarm(e: Env, o: Outputs) -> bool:
    return bool(e.client("cloudwatch").describe_alarms(AlarmNames=[o["name"]])["MetricAlarms"])


def _layer(e: Env, o: Outputs) -> bool:
    e.client("lambda").get_layer_version(LayerName=o["layer_name"], VersionNumber=o["version"])
    return True


def _role(e: Env, o: Outputs) -> bool:
    e.client("iam").get_role(RoleName=o["name"])
    return True


def _role_policy(e: Env, o: Outputs) -> bool:
    e.client("iam").get_role_policy(RoleName=o["role"], PolicyName=o["name"])
    return True


def _permission(e: Env, o: Outputs) -> bool:
    """The statement id in the function's resource policy (GetPolicy; no policy at all is a
    ResourceNotFoundException, so gone)."""
    policy = json.loads(e.client("lambda").get_policy(FunctionName=o["function"])["Policy"])
    return any(s.get("Sid") == o["id"] for s in policy.get("Statement", []))


def _target(e: Env, o: Outputs) -> bool:
    events = e.client("events")
    found = events.list_targets_by_rule(Rule=o["rule"], EventBusName=o["bus"])["Targets"]
    return any(t["Id"] == o["id"] for t in found)


def _versioning(e: Env, o: Outputs) -> bool:
    status = e.client("s3").get_bucket_versioning(Bucket=o["id"]).get("Status")
    return bool(status == o.get("status", "Enabled"))


def _notification(e: Env, o: Outputs) -> bool:
    """Every function the notification was applied with is still a target (an emptied
    configuration is how it is deleted)."""
    config = e.client("s3").get_bucket_notification_configuration(Bucket=o["id"])
    there = {c["LambdaFunctionArn"] for c in config.get("LambdaFunctionConfigurations", [])}
    return bool(there) and set(o.get("functions", [])) <= there


def _secret(e: Env, o: Outputs) -> bool:
    """Gone also when scheduled for deletion: unreadable by the app until restored."""
    return "DeletedDate" not in e.client("secretsmanager").describe_secret(SecretId=o["arn"])


def _call(service: str, method: str, **keys: str) -> Callable[[Env, Outputs], bool]:
    """A probe calling ``method`` with arguments taken from the outputs (``Arg="output"``)."""

    def probe(e: Env, o: Outputs) -> bool:
        getattr(e.client(service), method)(**{arg: o[key] for arg, key in keys.items()})
        return True

    return probe


PROBES: dict[str, Callable[[Env, Outputs], bool]] = {
    T.LAMBDA: _lambda,
    T.LAYER: _layer,
    T.LOG_GROUP: _log_group,
    T.ALARM: _alarm,
    T.ROLE: _role,
    T.ROLE_POLICY: _role_policy,
    T.HTTP_API: _call("apigatewayv2", "get_api", ApiId="id"),
    T.SCHEDULE: _call("scheduler", "get_schedule", Name="name"),
    T.QUEUE: _call("sqs", "get_queue_attributes", QueueUrl="url"),
    T.TOPIC: _call("sns", "get_topic_attributes", TopicArn="arn"),
    T.BUCKET: _call("s3", "get_bucket_location", Bucket="bucket"),
    T.TABLE: _call("dynamodb", "describe_table", TableName="name"),
    T.STREAM: _call("kinesis", "describe_stream_summary", StreamName="name"),
    T.BUS: _call("events", "describe_event_bus", Name="name"),
    T.RULE: _call("events", "describe_rule", Name="name", EventBusName="bus"),
    T.ESM: _call("lambda", "get_event_source_mapping", UUID="uuid"),
    T.PERMISSION: _permission,
    T.ALIAS: _call("lambda", "get_alias", FunctionName="function_name", Name="name"),
    T.PROVISIONED: _call(
        "lambda",
        "get_provisioned_concurrency_config",
        FunctionName="function_name",
        Qualifier="qualifier",
    ),
    T.STAGE: _call("apigatewayv2", "get_stage", ApiId="api_id", StageName="id"),
    T.INTEGRATION: _call("apigatewayv2", "get_integration", ApiId="api_id", IntegrationId="id"),
    T.ROUTE: _call("apigatewayv2", "get_route", ApiId="api_id", RouteId="id"),
    T.AUTHORIZER: _call("apigatewayv2", "get_authorizer", ApiId="api_id", AuthorizerId="id"),
    T.SUBSCRIPTION: _call("sns", "get_subscription_attributes", SubscriptionArn="arn"),
    T.TARGET: _target,
    T.BUCKET_PAB: _call("s3", "get_public_access_block", Bucket="id"),
    T.BUCKET_VERSIONING: _versioning,
    T.BUCKET_NOTIFICATION: _notification,
    T.SECRET: _secret,
    T.STATE_MACHINE: _call("stepfunctions", "describe_state_machine", stateMachineArn="arn"),
}


def still_there(env: Env, type_: str, outputs: Outputs) -> bool:
    """False only when the cloud says the resource is gone; other errors propagate."""
    probe: Callable[[Env, Any], bool] = PROBES[type_]
    try:
        return probe(env, outputs)
    except Exception as exc:
        if gone(exc):
            return False
        raise
