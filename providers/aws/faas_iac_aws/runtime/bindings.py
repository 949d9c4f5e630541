"""The AWS :class:`~faas_iac.runtime.types.Bindings`: queues on SQS, topics on SNS, buckets on
S3, tables on DynamoDB, buses on EventBridge, streams on Kinesis, secrets in Secrets Manager.

Imported only when a function first uses a binding; boto3 is in every Lambda Python runtime.
Resource addresses come from ``FAAS_IAC_RESOURCES`` (written by the planner); the endpoint
honours ``AWS_ENDPOINT_URL`` (emulators).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import boto3  # type: ignore[import-untyped]

from .events import exact_number


def _to_ddb(value: Any) -> Any:
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, dict):
        return {k: _to_ddb(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_to_ddb(v) for v in value]
    return value


def _from_ddb(value: Any) -> Any:
    if isinstance(value, Decimal):
        return exact_number(value)
    if isinstance(value, dict):
        return {k: _from_ddb(v) for k, v in value.items()}
    if isinstance(value, list | set):
        return [_from_ddb(v) for v in value]
    return value


class AwsBindings:
    def __init__(self, resources: Mapping[str, str]) -> None:
        self.resources = dict(resources)
        self._clients: dict[str, Any] = {}
        self._secrets: dict[str, str] = {}

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> AwsBindings:
        return cls(json.loads(env.get("FAAS_IAC_RESOURCES", "{}")))

    def _client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = boto3.client(service)
        return self._clients[service]

    def _address(self, kind: str, name: str) -> str:
        try:
            return self.resources[f"{kind}:{name}"]
        except KeyError:
            raise LookupError(f"{kind} {name!r} is not bound to this function") from None

    def send(self, queue: str, body: bytes, attributes: Mapping[str, str]) -> str:
        url = self._address("queue", queue)
        args: dict[str, Any] = {"QueueUrl": url, "MessageBody": body.decode("utf-8")}
        if attributes:
            args["MessageAttributes"] = {
                k: {"DataType": "String", "StringValue": v} for k, v in attributes.items()
            }
        if url.endswith(".fifo"):
            args["MessageGroupId"] = attributes.get("group", "default")
            args["MessageDeduplicationId"] = (
                attributes.get("dedup") or hashlib.sha256(body).hexdigest()
            )
        return str(self._client("sqs").send_message(**args)["MessageId"])

    def publish(self, topic: str, body: bytes, attributes: Mapping[str, str]) -> str:
        args: dict[str, Any] = {
            "TopicArn": self._address("topic", topic),
            "Message": body.decode("utf-8"),
        }
        if attributes:
            args["MessageAttributes"] = {
                k: {"DataType": "String", "StringValue": v} for k, v in attributes.items()
            }
        return str(self._client("sns").publish(**args)["MessageId"])

    def put_object(self, bucket: str, key: str, data: bytes, content_type: str) -> None:
        args: dict[str, Any] = {"Bucket": self._address("bucket", bucket), "Key": key, "Body": data}
        if content_type:
            args["ContentType"] = content_type
        self._client("s3").put_object(**args)

    def get_object(self, bucket: str, key: str) -> bytes | None:
        s3 = self._client("s3")
        try:
            return bytes(
                s3.get_object(Bucket=self._address("bucket", bucket), Key=key)["Body"].read()
            )
        except s3.exceptions.NoSuchKey:
            return None

    def delete_object(self, bucket: str, key: str) -> None:
        self._client("s3").delete_object(Bucket=self._address("bucket", bucket), Key=key)

    def list_objects(self, bucket: str, prefix: str) -> list[str]:
        pages = self._client("s3").get_paginator("list_objects_v2")
        keys: list[str] = []
        for page in pages.paginate(Bucket=self._address("bucket", bucket), Prefix=prefix):
            keys += [obj["Key"] for obj in page.get("Contents", [])]
        return keys

    def _table(self, table: str) -> Any:
        key = f"table-resource:{table}"
        if key not in self._clients:
            self._clients[key] = boto3.resource("dynamodb").Table(self._address("table", table))
        return self._clients[key]

    def table_get(self, table: str, key: Mapping[str, Any]) -> dict[str, Any] | None:
        item = self._table(table).get_item(Key=_to_ddb(dict(key))).get("Item")
        return None if item is None else dict(_from_ddb(item))

    def table_put(self, table: str, item: Mapping[str, Any]) -> None:
        self._table(table).put_item(Item=_to_ddb(dict(item)))

    def table_delete(self, table: str, key: Mapping[str, Any]) -> None:
        self._table(table).delete_item(Key=_to_ddb(dict(key)))

    def emit(self, bus: str, source: str, type: str, detail: Any) -> str:
        entry = {
            "EventBusName": self._address("bus", bus),
            "Source": source,
            "DetailType": type,
            "Detail": json.dumps(detail, default=str),
        }
        result = self._client("events").put_events(Entries=[entry])
        return str(result["Entries"][0].get("EventId", ""))

    def stream_put(self, stream: str, data: bytes, partition_key: str) -> str:
        result = self._client("kinesis").put_record(
            StreamName=self._address("stream", stream), Data=data, PartitionKey=partition_key
        )
        return str(result["SequenceNumber"])

    def secret(self, name: str) -> str:
        if name not in self._secrets:
            value = self._client("secretsmanager").get_secret_value(
                SecretId=self._address("secret", name)
            )
            self._secrets[name] = str(value["SecretString"])
        return self._secrets[name]
