"""Least privilege: one role per function, its policy derived from its trigger and bindings.

Every statement names exact actions and the ARNs of the plan's own resources. The one
exception is X-Ray's ``PutTraceSegments``/``PutTelemetryRecords``, which AWS does not scope to
a resource (its service authorization reference lists no resource type for them), added only
when tracing is on.
"""

from __future__ import annotations

from typing import Any

from faas_iac.model import Binding, Function
from faas_iac.plan.refs import ref, sub

Statement = dict[str, Any]

#: (kind, access) → actions. "read"/"write" are unioned for "readwrite".
BINDING_ACTIONS: dict[tuple[str, str], tuple[str, ...]] = {
    ("queue", "read"): (
        "sqs:ChangeMessageVisibility",
        "sqs:DeleteMessage",
        "sqs:GetQueueAttributes",
        "sqs:ReceiveMessage",
    ),
    ("queue", "write"): ("sqs:GetQueueUrl", "sqs:SendMessage"),
    ("topic", "read"): ("sns:GetTopicAttributes",),
    ("topic", "write"): ("sns:Publish",),
    ("table", "read"): (
        "dynamodb:BatchGetItem",
        "dynamodb:DescribeTable",
        "dynamodb:GetItem",
        "dynamodb:Query",
        "dynamodb:Scan",
    ),
    ("table", "write"): (
        "dynamodb:BatchWriteItem",
        "dynamodb:DeleteItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
    ),
    ("secret", "read"): ("secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"),
    ("secret", "write"): ("secretsmanager:PutSecretValue",),
    ("bus", "read"): ("events:DescribeEventBus",),
    ("bus", "write"): ("events:PutEvents",),
    ("stream", "read"): (
        "kinesis:DescribeStreamSummary",
        "kinesis:GetRecords",
        "kinesis:GetShardIterator",
        "kinesis:ListShards",
    ),
    ("stream", "write"): ("kinesis:PutRecord", "kinesis:PutRecords"),
}

#: What an event source mapping polls with, on the source's ARN attribute.
TRIGGER_ACTIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "queue": (BINDING_ACTIONS[("queue", "read")], "arn"),
    "table": (
        ("dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"),
        "stream_arn",
    ),
    # No kinesis:SubscribeToShard: it applies to enhanced fan-out consumers only (its resource
    # type is a consumer ARN), and the mapping reads the stream with shared throughput.
    "stream": (
        (
            "kinesis:DescribeStream",
            "kinesis:DescribeStreamSummary",
            "kinesis:GetRecords",
            "kinesis:GetShardIterator",
            "kinesis:ListShards",
        ),
        "arn",
    ),
}

XRAY_ACTIONS = ("xray:PutTelemetryRecords", "xray:PutTraceSegments")

RESOURCE_PREFIX = {
    "queue": "queue",
    "topic": "topic",
    "bucket": "bucket",
    "table": "table",
    "secret": "secret",
    "bus": "bus",
    "stream": "stream",
}


def logical(kind: str, name: str) -> str:
    return f"{RESOURCE_PREFIX[kind]}-{name}"


def bus_arn(name: str) -> dict[str, str]:
    if name == "default":
        return sub("arn:${aws:partition}:events:${aws:region}:${aws:account}:event-bus/default")
    return ref(logical("bus", name), "arn")


def _statement(sid: str, actions: tuple[str, ...] | list[str], resources: list[Any]) -> Statement:
    return {
        "Sid": sid,
        "Effect": "Allow",
        "Action": sorted(set(actions)),
        "Resource": resources,
    }


def _sid(*words: str) -> str:
    return "".join(w.replace("-", " ").replace("_", " ").title().replace(" ", "") for w in words)


def binding_statements(b: Binding) -> list[Statement]:
    accesses = ("read", "write") if b.access == "readwrite" else (b.access,)
    sid = _sid(b.access, b.kind, b.name)
    if b.kind == "bucket":
        bucket = logical("bucket", b.name)
        out: list[Statement] = []
        if "read" in accesses:
            out.append(_statement(sid + "List", ["s3:ListBucket"], [ref(bucket, "arn")]))
        objects = sub("${" + bucket + ".arn}/*")
        actions = [
            *(["s3:GetObject"] if "read" in accesses else []),
            *(["s3:DeleteObject", "s3:PutObject"] if "write" in accesses else []),
        ]
        out.append(_statement(sid + "Objects", actions, [objects]))
        return out
    actions = [a for acc in accesses for a in BINDING_ACTIONS[(b.kind, acc)]]
    resource = bus_arn(b.name) if b.kind == "bus" else ref(logical(b.kind, b.name), "arn")
    return [_statement(sid, actions, [resource])]


def function_policy(
    fn: Function, log_group: str, durable: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The role policy of ``fn``: logs, its trigger's source, its bindings, durable access."""
    statements = [
        _statement(
            "WriteOwnLogs",
            ["logs:CreateLogStream", "logs:PutLogEvents"],
            [sub("${" + log_group + ".arn}:log-stream:*")],
        )
    ]
    t = fn.trigger
    if t.type in TRIGGER_ACTIONS:
        actions, attr = TRIGGER_ACTIONS[t.type]
        source = {"queue": "queue", "table": "table", "stream": "stream"}[t.type]
        name = getattr(t, source)
        statements.append(
            _statement(_sid("poll", source, name), actions, [ref(logical(source, name), attr)])
        )
    for b in fn.bindings:
        statements += binding_statements(b)
    if durable:
        statements += durable_client_statements(durable)
    if fn.monitoring.tracing:
        statements.append(_statement("XRayHasNoResourceLevelPermissions", XRAY_ACTIONS, ["*"]))
    return {"Version": "2012-10-17", "Statement": statements}


def durable_client_statements(durable: dict[str, Any]) -> list[Statement]:
    """Start, inspect, stop and signal the app's orchestrations and entities (``durable`` from
    :meth:`..durable.DurableNames.client_access`)."""
    out: list[Statement] = []
    if durable["entity_functions"]:
        out.append(
            _statement(
                "SignalEntities",
                ["lambda:InvokeFunction"],
                [ref(e, "arn") for e in durable["entity_functions"]],
            )
        )
    functions = durable.get("durable_functions", [])
    if functions:
        out.append(_statement("StartDurableOrchestrations", ["lambda:InvokeFunction"], functions))
        out.append(
            _statement(
                "ManageDurableExecutions",
                [
                    "lambda:DeleteDurableExecution",
                    "lambda:GetDurableExecution",
                    "lambda:ListDurableExecutionsByFunction",
                    "lambda:SendDurableExecutionCallbackSuccess",
                    "lambda:StopDurableExecution",
                ],
                durable["durable_executions"],
            )
        )
    if not durable["machines"]:
        if functions:
            out.append(
                _statement(
                    "RaiseEventsAndReadStatus",
                    ["dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem"],
                    [ref(t, "arn") for t in durable["tables"]],
                )
            )
        return out
    return [
        *out,
        _statement("StartOrchestrations", ["states:StartExecution"], durable["machines"]),
        _statement(
            "ManageOrchestrations",
            ["states:DescribeExecution", "states:GetExecutionHistory", "states:StopExecution"],
            durable["executions"],
        ),
        _statement(
            "RaiseEventsAndReadStatus",
            ["dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem"],
            [ref(t, "arn") for t in durable["tables"]],
        ),
        _statement("CompleteWaitingTasks", ["states:SendTaskSuccess"], durable["machines"]),
    ]


def assume(service: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": f"{service}.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }


def invoke_policy(sid: str, functions: list[str]) -> dict[str, Any]:
    """A policy that may invoke exactly ``functions`` (plan logical names of Lambdas)."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            _statement(sid, ["lambda:InvokeFunction"], [ref(f, "arn") for f in sorted(functions)])
        ],
    }
