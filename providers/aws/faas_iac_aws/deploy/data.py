"""SDK handlers for SQS, SNS, S3, DynamoDB, Kinesis, EventBridge, Secrets Manager and Step
Functions, and the event source mappings that connect them to Lambda."""

from __future__ import annotations

from typing import Any

from .. import types as T
from .base import Env, Handler, Outputs, tag_list


def _queue_attributes(p: dict[str, Any]) -> dict[str, str]:
    attrs = {
        "VisibilityTimeout": str(p["visibility_timeout_seconds"]),
        "MessageRetentionPeriod": str(p["message_retention_seconds"]),
        "SqsManagedSseEnabled": str(p.get("sqs_managed_sse_enabled", True)).lower(),
    }
    if "redrive_policy" in p:
        attrs["RedrivePolicy"] = p["redrive_policy"]
    if p.get("fifo_queue"):
        attrs["FifoQueue"] = "true"
    return attrs


def _queue(env: Env, p: dict[str, Any], _: bytes | None) -> Outputs:
    sqs = env.client("sqs")
    url = sqs.create_queue(
        QueueName=p["name"], Attributes=_queue_attributes(p), tags=p.get("tags", {})
    )["QueueUrl"]
    return queue_outputs(env, url, p["name"])


def queue_outputs(env: Env, url: str, name: str) -> Outputs:
    sqs = env.client("sqs")
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
    return {"id": url, "url": url, "arn": arn["QueueArn"], "name": name}


def _queue_update(env: Env, o: Outputs, p: dict[str, Any], _: bytes | None) -> Outputs:
    attrs = _queue_attributes(p)
    attrs.pop("FifoQueue", None)
    env.client("sqs").set_queue_attributes(QueueUrl=o["url"], Attributes=attrs)
    return o


def _mapping(env: Env, p: dict[str, Any], _: bytes | None) -> Outputs:
    args: dict[str, Any] = {
        "EventSourceArn": p["event_source_arn"],
        "FunctionName": p["function_name"],
        "BatchSize": p["batch_size"],
        "FunctionResponseTypes": p["function_response_types"],
        "Enabled": p["enabled"],
    }
    if "maximum_batching_window_in_seconds" in p:
        args["MaximumBatchingWindowInSeconds"] = p["maximum_batching_window_in_seconds"]
    if "starting_position" in p:
        args["StartingPosition"] = p["starting_position"]
    made = env.client("lambda").create_event_source_mapping(**args)
    return {"id": made["UUID"], "uuid": made["UUID"]}


def _topic(env: Env, p: dict[str, Any], _: bytes | None) -> Outputs:
    arn = env.client("sns").create_topic(Name=p["name"], Tags=tag_list(p.get("tags")))["TopicArn"]
    return {"arn": arn, "id": arn, "name": p["name"]}


def _subscription(env: Env, p: dict[str, Any], _: bytes | None) -> Outputs:
    attrs = {"FilterPolicy": p["filter_policy"]} if "filter_policy" in p else {}
    arn = env.client("sns").subscribe(
        TopicArn=p["topic"],
        Protocol=p["protocol"],
        Endpoint=p["endpoint"],
        Attributes=attrs,
        ReturnSubscriptionArn=True,
    )["SubscriptionArn"]
    return {"arn": arn, "id": arn}


def _bucket(env: Env, p: dict[str, Any], _: bytes | None) -> Outputs:
    s3 = env.client("s3")
    args: dict[str, Any] = {"Bucket": p["bucket"]}
    if env.region != "us-east-1":
        args["CreateBucketConfiguration"] = {"LocationConstraint": env.region}
    s3.create_bucket(**args)
    settle_bucket(env, p)
    return bucket_outputs(p["bucket"])


def settle_bucket(env: Env, p: dict[str, Any]) -> None:
    """What a bucket's create sets after creating it (again on a take-over)."""
    env.client("s3").put_bucket_tagging(
        Bucket=p["bucket"], Tagging={"TagSet": tag_list(p.get("tags"))}
    )


def bucket_outputs(bucket: str) -> Outputs:
    return {"id": bucket, "bucket": bucket, "arn": f"arn:aws:s3:::{bucket}"}


def _bucket_delete(env: Env, o: Outputs) -> None:
    s3 = env.client("s3")
    for page in s3.get_paginator("list_object_versions").paginate(Bucket=o["id"]):
        for item in page.get("Versions", []) + page.get("DeleteMarkers", []):
            s3.delete_object(Bucket=o["id"], Key=item["Key"], VersionId=item["VersionId"])
    s3.delete_bucket(Bucket=o["id"])


def _public_access_block(env: Env, p: dict[str, Any], _: bytes | None) -> Outputs:
    env.client("s3").put_public_access_block(
        Bucket=p["bucket"],
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": p["block_public_acls"],
            "IgnorePublicAcls": p["ignore_public_acls"],
            "BlockPublicPolicy": p["block_public_policy"],
            "RestrictPublicBuckets": p["restrict_public_buckets"],
        },
    )
    return {"id": p["bucket"]}


def _versioning(env: Env, p: dict[str, Any], _: bytes | None) -> Outputs:
    env.client("s3").put_bucket_versioning(
        Bucket=p["bucket"],
        VersioningConfiguration={"Status": p["versioning_configuration"]["status"]},
    )
    return {"id": p["bucket"], "status": p["versioning_configuration"]["status"]}


def _notification(env: Env, p: dict[str, Any], _: bytes | None) -> Outputs:
    configs = []
    for target in p["lambda_functions"]:
        rules = (
            [{"Name": "prefix", "Value": target["filter_prefix"]}]
            if "filter_prefix" in target
            else []
        )
        rules += (
            [{"Name": "suffix", "Value": target["filter_suffix"]}]
            if "filter_suffix" in target
            else []
        )
        config: dict[str, Any] = {
            "LambdaFunctionArn": target["lambda_function_arn"],
            "Events": target["events"],
        }
        if rules:
            config["Filter"] = {"Key": {"FilterRules": rules}}
        configs.append(config)
    env.client("s3").put_bucket_notification_configuration(
        Bucket=p["bucket"], NotificationConfiguration={"LambdaFunctionConfigurations": configs}
    )
    return {"id": p["bucket"], "functions": sorted({c["LambdaFunctionArn"] for c in configs})}


def _table(env: Env, p: dict[str, Any], _: bytes | None) -> Outputs:
    keys = [{"AttributeName": p["hash_key"], "KeyType": "HASH"}]
    if "range_key" in p:
        keys.append({"AttributeName": p["range_key"], "KeyType": "RANGE"})
    args: dict[str, Any] = {
        "TableName": p["name"],
        "BillingMode": p["billing_mode"],
        "KeySchema": keys,
        "AttributeDefinitions": [
            {"AttributeName": a["name"], "AttributeType": a["type"]} for a in p["attributes"]
        ],
        "Tags": tag_list(p.get("tags")),
    }
    if p.get("stream_enabled"):
        args["StreamSpecification"] = {
            "StreamEnabled": True,
            "StreamViewType": p["stream_view_type"],
        }
    table = env.client("dynamodb").create_table(**args)["TableDescription"]
    return table_outputs(table, p["name"])


def table_outputs(table: dict[str, Any], name: str) -> Outputs:
    return {
        "arn": table["TableArn"],
        "id": name,
        "name": name,
        "stream_arn": table.get("LatestStreamArn", ""),
    }


def _stream(env: Env, p: dict[str, Any], _: bytes | None) -> Outputs:
    env.client("kinesis").create_stream(StreamName=p["name"], ShardCount=p["shard_count"])
    return stream_outputs(settle_stream(env, p)["StreamARN"], p["name"])


def settle_stream(env: Env, p: dict[str, Any]) -> dict[str, Any]:
    """What a stream's create does after creating it (again on a take-over): wait for it, then
    encrypt it unless it is; its summary."""
    kinesis = env.client("kinesis")
    kinesis.get_waiter("stream_exists").wait(
        StreamName=p["name"], WaiterConfig={"Delay": 1, "MaxAttempts": 30}
    )
    summary = kinesis.describe_stream_summary(StreamName=p["name"])["StreamDescriptionSummary"]
    if summary.get("EncryptionType", "NONE") == "NONE":
        kinesis.start_stream_encryption(
            StreamName=p["name"], EncryptionType=p["encryption_type"], KeyId=p["kms_key_id"]
        )
    return dict(summary)


def stream_outputs(arn: str, name: str) -> Outputs:
    return {"arn": arn, "id": name, "name": name}


def _bus(env: Env, p: dict[str, Any], _: bytes | None) -> Outputs:
    arn = env.client("events").create_event_bus(Name=p["name"], Tags=tag_list(p.get("tags")))
    return {"arn": arn["EventBusArn"], "id": p["name"], "name": p["name"]}


def _rule(env: Env, p: dict[str, Any], _: bytes | None) -> Outputs:
    arn = env.client("events").put_rule(
        Name=p["name"],
        EventBusName=p["event_bus_name"],
        EventPattern=p["event_pattern"],
        Tags=tag_list(p.get("tags")),
    )["RuleArn"]
    return {"arn": arn, "id": p["name"], "name": p["name"], "bus": p["event_bus_name"]}


def _target(env: Env, p: dict[str, Any], _: bytes | None) -> Outputs:
    env.client("events").put_targets(
        Rule=p["rule"],
        EventBusName=p["event_bus_name"],
        Targets=[{"Id": p["target_id"], "Arn": p["arn"]}],
    )
    return {"id": p["target_id"], "rule": p["rule"], "bus": p["event_bus_name"]}


def _secret(env: Env, p: dict[str, Any], _: bytes | None) -> Outputs:
    """Create the secret; one deleted with a recovery window (the console's and the CLI's
    default) still holds its name and its value: restore it instead (creating it again is
    refused until the window ends, and the value would be lost)."""
    manager = env.client("secretsmanager")
    try:
        held = manager.describe_secret(SecretId=p["name"])
    except manager.exceptions.ResourceNotFoundException:
        held = {}
    if "DeletedDate" in held:
        manager.restore_secret(SecretId=held["ARN"])
        return secret_outputs(held["ARN"], p["name"])
    made = manager.create_secret(
        Name=p["name"], Description=p["description"], Tags=tag_list(p.get("tags"))
    )
    return secret_outputs(made["ARN"], p["name"])


def secret_outputs(arn: str, name: str) -> Outputs:
    return {"arn": arn, "id": arn, "name": name}


def _machine(env: Env, p: dict[str, Any], _: bytes | None) -> Outputs:
    made = env.client("stepfunctions").create_state_machine(
        name=p["name"],
        definition=p["definition"],
        roleArn=p["role_arn"],
        type=p["type"],
        tags=tag_list(p.get("tags"), "key", "value"),
    )
    return {"arn": made["stateMachineArn"], "id": made["stateMachineArn"], "name": p["name"]}


def _machine_update(env: Env, o: Outputs, p: dict[str, Any], _: bytes | None) -> Outputs:
    env.client("stepfunctions").update_state_machine(
        stateMachineArn=o["arn"], definition=p["definition"], roleArn=p["role_arn"]
    )
    return o


HANDLERS: dict[str, Handler] = {
    T.QUEUE: Handler(
        _queue, lambda e, o: e.client("sqs").delete_queue(QueueUrl=o["url"]), _queue_update
    ),
    T.ESM: Handler(
        _mapping, lambda e, o: e.client("lambda").delete_event_source_mapping(UUID=o["uuid"])
    ),
    T.TOPIC: Handler(_topic, lambda e, o: e.client("sns").delete_topic(TopicArn=o["arn"])),
    T.SUBSCRIPTION: Handler(
        _subscription, lambda e, o: e.client("sns").unsubscribe(SubscriptionArn=o["arn"])
    ),
    T.BUCKET: Handler(_bucket, _bucket_delete),
    T.BUCKET_PAB: Handler(
        _public_access_block, lambda e, o: e.client("s3").delete_public_access_block(Bucket=o["id"])
    ),
    T.BUCKET_VERSIONING: Handler(
        _versioning,
        lambda e, o: e.client("s3").put_bucket_versioning(
            Bucket=o["id"], VersioningConfiguration={"Status": "Suspended"}
        ),
    ),
    T.BUCKET_NOTIFICATION: Handler(
        _notification,
        lambda e, o: e.client("s3").put_bucket_notification_configuration(
            Bucket=o["id"], NotificationConfiguration={}
        ),
    ),
    T.TABLE: Handler(_table, lambda e, o: e.client("dynamodb").delete_table(TableName=o["name"])),
    T.STREAM: Handler(
        _stream, lambda e, o: e.client("kinesis").delete_stream(StreamName=o["name"])
    ),
    T.BUS: Handler(_bus, lambda e, o: e.client("events").delete_event_bus(Name=o["name"])),
    T.RULE: Handler(
        _rule, lambda e, o: e.client("events").delete_rule(Name=o["name"], EventBusName=o["bus"])
    ),
    T.TARGET: Handler(
        _target,
        lambda e, o: e.client("events").remove_targets(
            Rule=o["rule"], EventBusName=o["bus"], Ids=[o["id"]]
        ),
    ),
    T.SECRET: Handler(
        _secret,
        lambda e, o: e.client("secretsmanager").delete_secret(
            SecretId=o["arn"], ForceDeleteWithoutRecovery=True
        ),
    ),
    T.STATE_MACHINE: Handler(
        _machine,
        lambda e, o: e.client("stepfunctions").delete_state_machine(stateMachineArn=o["arn"]),
        _machine_update,
    ),
}
