"""The task-token registry: how ``raise_event`` finds the Step Functions task waiting for it.

A translated ``wait_for_external_event("Approval")`` is a ``lambda:invoke.waitForTaskToken``
task whose Lambda (the *registrar*, :func:`handler`) records the token in the app's durable
DynamoDB table. One item per (execution, event):

* partition key ``pk`` (S): ``"<execution name>#<event name>"``;
* ``token`` (S): the task token, while a task waits;
* ``payload`` (S): the event's JSON, when the event was raised before anything waited for it
  (Durable Functions buffers such events; so does this registry).

:func:`raise_event` (what the portable client's ``raise_event`` calls on AWS) sends the payload
to the waiting task (``SendTaskSuccess``) and deletes the item, or buffers the payload; the
registrar delivers a buffered payload at once. Custom statuses live in the same table under
``"<execution name>#status"`` (attribute ``status``: the JSON text), written by the state
machine itself through the DynamoDB ``putItem`` integration.

The clients are parameters (boto3 ``dynamodb`` and ``stepfunctions`` clients), so tests pass
clients of moto and the Lambda runtime passes real ones.
"""

from __future__ import annotations

import json
from typing import Any


def _key(execution: str, event: str) -> dict[str, Any]:
    return {"pk": {"S": f"{execution}#{event}"}}


def register(dynamodb: Any, sfn: Any, table: str, key: str, token: str) -> str:
    """Record ``token`` under ``key``, or deliver an event that was raised earlier."""
    try:
        found = dynamodb.delete_item(
            TableName=table,
            Key={"pk": {"S": key}},
            ConditionExpression="attribute_exists(payload)",
            ReturnValues="ALL_OLD",
        )
    except dynamodb.exceptions.ConditionalCheckFailedException:
        dynamodb.put_item(TableName=table, Item={"pk": {"S": key}, "token": {"S": token}})
        return "waiting"
    sfn.send_task_success(taskToken=token, output=found["Attributes"]["payload"]["S"])
    return "delivered"


def raise_event(
    dynamodb: Any, sfn: Any, table: str, execution: str, event: str, payload: Any
) -> str:
    """Deliver ``payload`` to the task waiting for ``event`` in ``execution``, or buffer it."""
    text = json.dumps(payload)
    try:
        found = dynamodb.delete_item(
            TableName=table,
            Key=_key(execution, event),
            ConditionExpression="attribute_exists(#t)",
            ExpressionAttributeNames={"#t": "token"},
            ReturnValues="ALL_OLD",
        )
    except dynamodb.exceptions.ConditionalCheckFailedException:
        return _buffer(dynamodb, table, execution, event, text)
    try:
        sfn.send_task_success(taskToken=found["Attributes"]["token"]["S"], output=text)
    except (sfn.exceptions.TaskTimedOut, sfn.exceptions.TaskDoesNotExist):
        # the task stopped waiting (its timeout, or another task won its race): the event is
        # kept for the next wait, as Durable Functions keeps an event nobody waits for
        return _buffer(dynamodb, table, execution, event, text)
    return "delivered"


def _buffer(dynamodb: Any, table: str, execution: str, event: str, text: str) -> str:
    dynamodb.put_item(TableName=table, Item={**_key(execution, event), "payload": {"S": text}})
    return "buffered"


def custom_status(dynamodb: Any, table: str, execution: str) -> Any:
    """The custom status an execution last set (None if it set none)."""
    item = dynamodb.get_item(TableName=table, Key=_key(execution, "status")).get("Item")
    return None if item is None else json.loads(item["status"]["S"])


def handler(event: dict[str, Any], context: Any) -> str:  # pragma: no cover - Lambda entry
    """The registrar Lambda: ``{"table", "key", "token"}`` from the waiting task."""
    import boto3  # type: ignore[import-untyped]

    return register(
        boto3.client("dynamodb"),
        boto3.client("stepfunctions"),
        event["table"],
        event["key"],
        event["token"],
    )
