"""Durable entities on AWS: one operation on (entity, key) loads the state item, runs the
user's entity function, and writes the state back only if nobody wrote it meanwhile (a
DynamoDB conditional write on a version number), retrying on conflict."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

RETRIES = 8


class EntityContext:
    """What an entity function sees (Azure's ``DurableEntityContext`` subset)."""

    def __init__(self, name: str, key: str, operation: str, input: Any, state: Any) -> None:
        self.entity_name, self.entity_key = name, key
        self.operation_name = operation
        self._input, self._state, self._result = input, state, None
        self._has_state = state is not None

    def get_input(self) -> Any:
        return self._input

    def get_state(self, initializer: Callable[[], Any] | None = None) -> Any:
        if not self._has_state and initializer is not None:
            return initializer()
        return self._state

    def set_state(self, state: Any) -> None:
        self._state, self._has_state = state, True

    def set_result(self, result: Any) -> None:
        self._result = result

    def destruct_on_exit(self) -> None:
        self._state, self._has_state = None, False


def run_entity(
    fn: Callable[..., Any], event: dict[str, Any], env: Mapping[str, str], ddb: Any = None
) -> Any:
    """Run one operation; return what the entity set as its result. ``ddb``: a DynamoDB
    client (default: boto3's, built here)."""
    if ddb is None:
        import boto3  # type: ignore[import-untyped]

        ddb = boto3.client("dynamodb")
    table = json.loads(env["FAAS_IAC_DURABLE"])["entities"]
    item_key = {"entity": {"S": f"{event['entity']}@{event['key']}"}}
    for _ in range(RETRIES):
        item = ddb.get_item(TableName=table, Key=item_key, ConsistentRead=True).get("Item")
        version = int(item["version"]["N"]) if item else 0
        state = json.loads(item["state"]["S"]) if item else None
        ectx = EntityContext(
            event["entity"], event["key"], event["operation"], event.get("input"), state
        )
        fn(ectx)
        new = {
            **item_key,
            "state": {"S": json.dumps(ectx.get_state())},
            "version": {"N": str(version + 1)},
        }
        try:
            if item:
                ddb.put_item(
                    TableName=table,
                    Item=new,
                    ConditionExpression="version = :v",
                    ExpressionAttributeValues={":v": {"N": str(version)}},
                )
            else:
                ddb.put_item(
                    TableName=table, Item=new, ConditionExpression="attribute_not_exists(entity)"
                )
            return ectx._result
        except ddb.exceptions.ConditionalCheckFailedException:
            continue
    raise RuntimeError(f"entity {event['entity']}@{event['key']} kept changing; try again")
