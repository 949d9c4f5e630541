"""Plan records that connect a trigger to its Lambda: API Gateway routes, schedules, event
source mappings, subscriptions, bucket notifications and EventBridge rules. Pure."""

from __future__ import annotations

import re
from typing import Any

from faas_iac.model import AppModel, Function
from faas_iac.plan import PlanResource
from faas_iac.plan.refs import as_json, ref, sub
from faas_iac.runtime.cors import MAX_AGE_S
from faas_iac.schedule import parse_schedule

from .. import types as T
from .iam import assume, invoke_policy, logical
from .resources import physical, tags
from .schedule import render

API = "http-api"
AUTH_TYPES = {"anonymous": "NONE", "function": "AWS_IAM", "iam": "AWS_IAM", "jwt": "JWT"}
POSITIONS = {"latest": "LATEST", "earliest": "TRIM_HORIZON"}


def fn_name(fn: Function) -> str:
    return f"fn-{fn.name}"


def _permission(fn: Function, suffix: str, principal: str, source_arn: Any) -> PlanResource:
    return PlanResource(
        type=T.PERMISSION,
        name=f"allow-{suffix}-{fn.name}",
        properties={
            "action": "lambda:InvokeFunction",
            "function": ref(fn_name(fn), "name"),
            "principal": f"{principal}.amazonaws.com",
            "source_arn": source_arn,
        },
        depends_on=(fn_name(fn),),
    )


_GREEDY = re.compile(r"\{\*([A-Za-z_][A-Za-z0-9_]*)\}")
_PARAM = re.compile(r"\{[^}]+\}")


def api_path(route: str) -> str:
    """``/files/{*rest}`` → ``/files/{rest+}`` (API Gateway's greedy parameter)."""
    return _GREEDY.sub(lambda m: "{" + m.group(1) + "+}", route) if "{*" in route else route


def cors_configuration(app: AppModel) -> dict[str, Any]:
    """``App(cors=...)`` as the HTTP API's own CORS answer (API Gateway then answers every
    preflight itself, before any route's authorizer)."""
    methods = {m for fn in app.functions if fn.trigger.type == "http" for m in fn.trigger.methods}
    return {
        "allow_origins": list(app.cors),
        "allow_methods": sorted(methods),
        "allow_headers": ["*"],
        "max_age": MAX_AGE_S,
    }


def http_api(app: AppModel) -> list[PlanResource]:
    props: dict[str, Any] = {"name": app.name, "protocol_type": "HTTP", "tags": tags(app)}
    if app.cors:
        props["cors_configuration"] = cors_configuration(app)
    api = PlanResource(type=T.HTTP_API, name=API, properties=props)
    stage = PlanResource(
        type=T.STAGE,
        name=f"{API}-stage",
        properties={"api_id": ref(API, "id"), "name": "$default", "auto_deploy": True},
        depends_on=(API,),
    )
    return [api, stage]


def _http(app: AppModel, fn: Function, policy: str) -> list[PlanResource]:
    t = fn.trigger
    assert t.type == "http"
    integration = f"integration-{fn.name}"
    out = [
        PlanResource(
            type=T.INTEGRATION,
            name=integration,
            properties={
                "api_id": ref(API, "id"),
                "integration_type": "AWS_PROXY",
                "integration_method": "POST",
                "integration_uri": ref(fn_name(fn), "arn"),
                "payload_format_version": "2.0",
            },
            depends_on=(API, fn_name(fn)),
        )
    ]
    auth: dict[str, Any] = {"authorization_type": AUTH_TYPES[t.auth]}
    deps = [API, integration]
    if t.auth == "jwt" and t.jwt is not None:
        authorizer = f"authorizer-{fn.name}"
        out.append(
            PlanResource(
                type=T.AUTHORIZER,
                name=authorizer,
                properties={
                    "api_id": ref(API, "id"),
                    "authorizer_type": "JWT",
                    "name": f"{fn.name}-jwt",
                    "identity_sources": ["$request.header.Authorization"],
                    "jwt_configuration": {
                        "issuer": t.jwt.issuer,
                        "audiences": list(t.jwt.audience),
                    },
                },
                depends_on=(API,),
            )
        )
        auth["authorizer_id"] = ref(authorizer, "id")
        deps.append(authorizer)
    path = api_path(t.route)
    source_path = _PARAM.sub("*", path)
    for method in t.methods:
        out.append(
            PlanResource(
                type=T.ROUTE,
                name=f"route-{fn.name}-{method.lower()}",
                properties={
                    "api_id": ref(API, "id"),
                    "route_key": f"{method} {path}",
                    "target": sub("integrations/${" + integration + ".id}"),
                    **auth,
                },
                depends_on=tuple(deps),
            )
        )
        out.append(
            _permission(
                fn,
                f"http-{method.lower()}",
                "apigateway",
                sub("${" + API + ".execution_arn}/*/" + method + source_path),
            )
        )
    return out


def _schedule(app: AppModel, fn: Function, policy: str) -> list[PlanResource]:
    t = fn.trigger
    assert t.type == "schedule"
    expression, tz = render(
        parse_schedule(t.cron, None if t.cron else t.every, t.tz),
        f"{fn.source} [functions.{fn.name}.trigger]",
    )
    role = f"scheduler-role-{fn.name}"
    return [
        PlanResource(
            type=T.ROLE,
            name=role,
            properties={
                "name": f"{physical(app, fn.name)}-scheduler"[:64],
                "assume_role_policy": as_json(assume("scheduler")),
                "tags": tags(app),
            },
        ),
        PlanResource(
            type=T.ROLE_POLICY,
            name=f"scheduler-policy-{fn.name}",
            properties={
                "name": "invoke-function",
                "role": ref(role, "id"),
                "policy": as_json(invoke_policy("InvokeScheduledFunction", [fn_name(fn)])),
            },
            depends_on=(role, fn_name(fn)),
        ),
        PlanResource(
            type=T.SCHEDULE,
            name=f"schedule-{fn.name}",
            properties={
                "name": physical(app, fn.name)[:64],
                "schedule_expression": expression,
                "schedule_expression_timezone": tz,
                "flexible_time_window": {"mode": "OFF"},
                "target": {
                    "arn": ref(fn_name(fn), "arn"),
                    "role_arn": ref(role, "arn"),
                    "input": '{"faas_iac":"schedule",'
                    '"scheduled_time":"<aws.scheduler.scheduled-time>"}',
                },
            },
            depends_on=(fn_name(fn), role, f"scheduler-policy-{fn.name}"),
        ),
    ]


def _mapping(fn: Function, policy: str, source: Any, props: dict[str, Any]) -> PlanResource:
    return PlanResource(
        type=T.ESM,
        name=f"trigger-{fn.name}",
        properties={
            "event_source_arn": source,
            "function_name": ref(fn_name(fn), "arn"),
            "function_response_types": ["ReportBatchItemFailures"],
            "enabled": True,
            **props,
        },
        depends_on=(fn_name(fn), policy),
    )


def _queue(app: AppModel, fn: Function, policy: str) -> list[PlanResource]:
    t = fn.trigger
    assert t.type == "queue"
    props: dict[str, Any] = {"batch_size": t.batch_size}
    if t.batch_window:
        props["maximum_batching_window_in_seconds"] = t.batch_window
    return [_mapping(fn, policy, ref(logical("queue", t.queue), "arn"), props)]


def _table(app: AppModel, fn: Function, policy: str) -> list[PlanResource]:
    t = fn.trigger
    assert t.type == "table"
    props = {"batch_size": t.batch_size, "starting_position": POSITIONS[t.starting_position]}
    return [_mapping(fn, policy, ref(logical("table", t.table), "stream_arn"), props)]


def _stream(app: AppModel, fn: Function, policy: str) -> list[PlanResource]:
    t = fn.trigger
    assert t.type == "stream"
    props = {"batch_size": t.batch_size, "starting_position": POSITIONS[t.starting_position]}
    return [_mapping(fn, policy, ref(logical("stream", t.stream), "arn"), props)]


def _topic(app: AppModel, fn: Function, policy: str) -> list[PlanResource]:
    t = fn.trigger
    assert t.type == "topic"
    topic = logical("topic", t.topic)
    props: dict[str, Any] = {
        "topic": ref(topic, "arn"),
        "protocol": "lambda",
        "endpoint": ref(fn_name(fn), "arn"),
    }
    if t.filter:
        props["filter_policy"] = as_json(event_pattern(t.filter))
    permission = _permission(fn, "sns", "sns", ref(topic, "arn"))
    sub_res = PlanResource(
        type=T.SUBSCRIPTION,
        name=f"trigger-{fn.name}",
        properties=props,
        depends_on=(topic, fn_name(fn), permission.name),
    )
    return [permission, sub_res]


def _storage(app: AppModel, fn: Function, policy: str) -> list[PlanResource]:
    t = fn.trigger
    assert t.type == "storage"
    return [_permission(fn, "s3", "s3", ref(logical("bucket", t.bucket), "arn"))]


S3_EVENTS = {"created": "s3:ObjectCreated:*", "deleted": "s3:ObjectRemoved:*"}


def bucket_notifications(app: AppModel) -> list[PlanResource]:
    """S3 allows one notification configuration per bucket: one record per bucket, listing
    every function triggered by it."""
    by_bucket: dict[str, list[Function]] = {}
    for fn in app.functions:
        if fn.trigger.type == "storage":
            by_bucket.setdefault(fn.trigger.bucket, []).append(fn)
    out = []
    for bucket, fns in sorted(by_bucket.items()):
        targets = []
        for fn in fns:
            t = fn.trigger
            assert t.type == "storage"
            target: dict[str, Any] = {
                "lambda_function_arn": ref(fn_name(fn), "arn"),
                "events": [S3_EVENTS[e] for e in t.events],
            }
            if t.prefix:
                target["filter_prefix"] = t.prefix
            if t.suffix:
                target["filter_suffix"] = t.suffix
            targets.append(target)
        name = logical("bucket", bucket)
        out.append(
            PlanResource(
                type=T.BUCKET_NOTIFICATION,
                name=f"{name}-notifications",
                properties={"bucket": ref(name, "id"), "lambda_functions": targets},
                depends_on=(name, *(f"allow-s3-{fn.name}" for fn in fns)),
            )
        )
    return out


def event_pattern(pattern: dict[str, Any]) -> dict[str, Any]:
    """Portable ``{"source": ..., "type": ..., "detail": {...}}`` → EventBridge's pattern, where
    every leaf is a list of accepted values and the event type is ``detail-type``."""

    def leaves(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: leaves(v) for k, v in sorted(value.items())}
        return value if isinstance(value, list) else [value]

    return {("detail-type" if k == "type" else k): leaves(v) for k, v in sorted(pattern.items())}


def _event(app: AppModel, fn: Function, policy: str) -> list[PlanResource]:
    t = fn.trigger
    assert t.type == "event"
    bus = "default" if t.bus == "default" else physical(app, t.bus)
    bus_deps = () if t.bus == "default" else (logical("bus", t.bus),)
    rule = f"rule-{fn.name}"
    return [
        PlanResource(
            type=T.RULE,
            name=rule,
            properties={
                "name": physical(app, fn.name)[:64],
                "event_bus_name": bus,
                "event_pattern": as_json(event_pattern(t.pattern)),
                "tags": tags(app),
            },
            depends_on=bus_deps,
        ),
        PlanResource(
            type=T.TARGET,
            name=f"rule-target-{fn.name}",
            properties={
                "rule": ref(rule, "name"),
                "event_bus_name": bus,
                "arn": ref(fn_name(fn), "arn"),
                "target_id": "function",
            },
            depends_on=(rule, fn_name(fn)),
        ),
        _permission(fn, "events", "events", ref(rule, "arn")),
    ]


def _none(app: AppModel, fn: Function, policy: str) -> list[PlanResource]:
    return []


TRIGGER_PLANNERS = {
    "http": _http,
    "schedule": _schedule,
    "queue": _queue,
    "topic": _topic,
    "storage": _storage,
    "table": _table,
    "stream": _stream,
    "event": _event,
    "activity": _none,
    "entity": _none,
    "orchestration": _none,
}


def plan_trigger(app: AppModel, fn: Function, policy: str) -> list[PlanResource]:
    return TRIGGER_PLANNERS[fn.trigger.type](app, fn, policy)
