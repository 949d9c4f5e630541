"""Finding what an interrupted deploy created but never recorded.

The engine records a resource after its create call answers. A deploy killed in between
(Ctrl-C, a lost connection, the machine going down) leaves a resource in the cloud that the
state file does not know, so the next deploy would create a second one (an HTTP API, an event
source mapping: names are not unique) or fail on a name clash (a function, a role). So before
each create the engine notes it as *pending* in the state file; the next deploy or destroy
looks a pending resource up by the name the plan gives it and takes it over (a deploy then
updates it to the plan, a destroy deletes it) instead of creating it again.

Only resources the state file says this engine was creating are looked up: a resource of the
same name made by someone else is never taken over. Types whose create is a put, idempotent
for the same name and properties (alarms, topics, subscriptions, rules, targets, inline
policies, bucket settings, provisioned concurrency), need no finder.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from typing import Any

from .. import types as T
from .base import Env, Outputs
from .compute import (
    alias_outputs,
    api_outputs,
    function_outputs,
    layer_outputs,
    log_group_outputs,
    role_outputs,
    settle_log_group,
)
from .data import (
    bucket_outputs,
    queue_outputs,
    secret_outputs,
    settle_bucket,
    settle_stream,
    stream_outputs,
    table_outputs,
)
from .probe import PROBES, gone

Finder = Callable[[Env, dict[str, Any], str | None], Outputs | None]
"""``finder(env, props, code_sha256)``: the code's SHA-256 as Lambda reports it (base64)."""


def _function(e: Env, p: dict[str, Any], _: str | None) -> Outputs:
    return function_outputs(
        e, e.client("lambda").get_function(FunctionName=p["name"])["Configuration"]
    )


def _role(e: Env, p: dict[str, Any], _: str | None) -> Outputs:
    return role_outputs(e.client("iam").get_role(RoleName=p["name"])["Role"], p["name"])


def _log_group(e: Env, p: dict[str, Any], _: str | None) -> Outputs | None:
    return log_group_outputs(e, p["name"]) if PROBES[T.LOG_GROUP](e, p) else None


def _queue(e: Env, p: dict[str, Any], _: str | None) -> Outputs:
    url = e.client("sqs").get_queue_url(QueueName=p["name"])["QueueUrl"]
    return queue_outputs(e, url, p["name"])


def _api(e: Env, p: dict[str, Any], _: str | None) -> Outputs | None:
    apis = e.client("apigatewayv2").get_paginator("get_apis").paginate()
    mine = [a for page in apis for a in page["Items"] if a["Name"] == p["name"]]
    return api_outputs(e, mine[0]) if mine else None


def _mapping(e: Env, p: dict[str, Any], _: str | None) -> Outputs | None:
    pages = e.client("lambda").get_paginator("list_event_source_mappings")
    for page in pages.paginate(EventSourceArn=p["event_source_arn"]):
        for m in page["EventSourceMappings"]:
            if m["FunctionArn"].split(":")[-1] == p["function_name"].split(":")[-1]:
                return {"id": m["UUID"], "uuid": m["UUID"]}
    return None


def _table(e: Env, p: dict[str, Any], _: str | None) -> Outputs:
    return table_outputs(
        e.client("dynamodb").describe_table(TableName=p["name"])["Table"], p["name"]
    )


def _layer(e: Env, p: dict[str, Any], code_sha256: str | None) -> Outputs | None:
    """The version of the layer holding this very zip (publishing adds a version each time)."""
    if code_sha256 is None:
        return None
    lam = e.client("lambda")
    pages = lam.get_paginator("list_layer_versions").paginate(LayerName=p["layer_name"])
    for version in (v for page in pages for v in page["LayerVersions"]):
        got = lam.get_layer_version(LayerName=p["layer_name"], VersionNumber=version["Version"])
        if got["Content"]["CodeSha256"] == code_sha256:
            return layer_outputs(got, p["layer_name"])
    return None


def _named(service: str, method: str, arg: str, arn: str) -> Finder:
    """A finder reading the resource by its name (``arg=props["name"]``): outputs
    ``{"arn", "id": name, "name"}`` with the ARN read from the answer's ``arn`` key."""

    def finder(e: Env, p: dict[str, Any], _: str | None) -> Outputs:
        found = getattr(e.client(service), method)(**{arg: p["name"]})
        return {"arn": found[arn], "id": p["name"], "name": p["name"]}

    return finder


def _secret(e: Env, p: dict[str, Any], _: str | None) -> Outputs:
    arn = e.client("secretsmanager").describe_secret(SecretId=p["name"])["ARN"]
    return secret_outputs(arn, p["name"])


def _machine(e: Env, p: dict[str, Any], _: str | None) -> Outputs | None:
    pages = e.client("stepfunctions").get_paginator("list_state_machines").paginate()
    for machine in (m for page in pages for m in page["stateMachines"]):
        if machine["name"] == p["name"]:
            arn = machine["stateMachineArn"]
            return {"arn": arn, "id": arn, "name": p["name"]}
    return None


def _bucket(e: Env, p: dict[str, Any], _: str | None) -> Outputs:
    e.client("s3").head_bucket(Bucket=p["bucket"])
    return bucket_outputs(p["bucket"])


def _api_child(listing: str, key: str, field: str, prop: str) -> Finder:
    """A finder for an API's stage, route, integration or authorizer: the item of the API's
    listing whose ``field`` is the props' ``prop`` (its name, route key or target)."""

    def finder(e: Env, p: dict[str, Any], _: str | None) -> Outputs | None:
        pages = e.client("apigatewayv2").get_paginator(listing).paginate(ApiId=p["api_id"])
        for item in (i for page in pages for i in page["Items"]):
            if item.get(field) == p[prop]:
                return {"id": item[key], "api_id": p["api_id"]}
        return None

    return finder


def _stream(e: Env, p: dict[str, Any], _: str | None) -> Outputs:
    found = e.client("kinesis").describe_stream_summary(StreamName=p["name"])
    return stream_outputs(found["StreamDescriptionSummary"]["StreamARN"], p["name"])


def _permission(e: Env, p: dict[str, Any], _: str | None) -> Outputs | None:
    recorded = {"id": p["_logical"], "function": p["function"]}
    return recorded if PROBES[T.PERMISSION](e, recorded) else None


def _alias(e: Env, p: dict[str, Any], _: str | None) -> Outputs:
    lam = e.client("lambda")
    return alias_outputs(
        lam.get_alias(FunctionName=p["function_name"], Name=p["name"])["AliasArn"], p
    )


FINDERS: dict[str, Finder] = {
    T.BUCKET: _bucket,
    T.BUS: _named("events", "describe_event_bus", "Name", "Arn"),
    T.SCHEDULE: _named("scheduler", "get_schedule", "Name", "Arn"),
    T.STREAM: _stream,
    T.SECRET: _secret,
    T.STATE_MACHINE: _machine,
    T.STAGE: _api_child("get_stages", "StageName", "StageName", "name"),
    T.ROUTE: _api_child("get_routes", "RouteId", "RouteKey", "route_key"),
    T.INTEGRATION: _api_child(
        "get_integrations", "IntegrationId", "IntegrationUri", "integration_uri"
    ),
    T.AUTHORIZER: _api_child("get_authorizers", "AuthorizerId", "Name", "name"),
    T.PERMISSION: _permission,
    T.ALIAS: _alias,
    T.LAYER: _layer,
    T.LAMBDA: _function,
    T.ROLE: _role,
    T.LOG_GROUP: _log_group,
    T.QUEUE: _queue,
    T.HTTP_API: _api,
    T.ESM: _mapping,
    T.TABLE: _table,
}


SETTLE: dict[str, Callable[[Env, dict[str, Any]], object]] = {
    T.LOG_GROUP: settle_log_group,
    T.BUCKET: settle_bucket,
    T.STREAM: settle_stream,
}
"""The calls a create makes after the one that creates the resource, for types without an
update (an update brings a resource taken over to the plan): repeated on a take-over."""


def code_sha256(code: bytes | None) -> str | None:
    return None if code is None else base64.b64encode(hashlib.sha256(code).digest()).decode()


def find(env: Env, type_: str, props: dict[str, Any], sha256: str | None) -> Outputs | None:
    """The outputs of the resource ``props`` (and the code of ``sha256``) describe if it
    exists, else None (also for a type without a finder)."""
    finder = FINDERS.get(type_)
    if finder is None:
        return None
    try:
        return finder(env, props, sha256)
    except Exception as exc:
        if gone(exc):
            return None
        raise
