"""The callback registry of orchestrations on Lambda durable functions: how ``raise_event``
finds the callback an instance waits on, and where an event waits when nothing does yet.

It lives in the app's durable table (``<app>-durable``, shared with the Step Functions token
registry), one item per (instance, event): partition key ``pk`` = ``"<instance>#<event>"``,

* ``callbacks`` (L of S): the callback ids of the waits, oldest first (the orchestrator
  delivers events to its waits in that order too);
* ``payloads`` (L of S): events raised while nothing waited, oldest first (JSON texts);
* ``taken`` (M): callback id → the buffered payload its wait took (so a registration retried
  after a crash takes the same one);
* ``version`` (N): every write is conditional on it (optimistic concurrency).

Custom statuses are stored as on Step Functions: ``"<instance>#status"``, attribute ``status``.
A sub-orchestration's execution is started by its parent's ``invoke``, which names no execution
after the child's instance id: the child records ``"<instance>#execution"`` (attributes
``orchestrator`` and ``arn``), where the client finds it.
The DynamoDB client is a parameter (moto's in tests, the runtime's in Lambda).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

RETRIES = 16


class CallbackClosed(Exception):
    """The callback completed or its execution ended: deliver to the next waiter instead."""


def _key(instance: str, event: str) -> dict[str, Any]:
    return {"pk": {"S": f"{instance}#{event}"}}


class _Item:
    def __init__(self, raw: dict[str, Any]) -> None:
        self.version = int(raw["version"]["N"]) if "version" in raw else 0
        self.callbacks = [v["S"] for v in raw.get("callbacks", {}).get("L", [])]
        self.payloads = [v["S"] for v in raw.get("payloads", {}).get("L", [])]
        self.taken = {k: v["S"] for k, v in raw.get("taken", {}).get("M", {}).items()}

    def encode(self, key: dict[str, Any]) -> dict[str, Any]:
        return {
            **key,
            "version": {"N": str(self.version + 1)},
            "callbacks": {"L": [{"S": c} for c in self.callbacks]},
            "payloads": {"L": [{"S": p} for p in self.payloads]},
            "taken": {"M": {k: {"S": v} for k, v in sorted(self.taken.items())}},
        }


def _update(dynamodb: Any, table: str, key: dict[str, Any], change: Callable[[_Item], Any]) -> Any:
    """Apply ``change`` to the item and write it back unless someone wrote it meanwhile;
    return what ``change`` returned."""
    for _ in range(RETRIES):
        raw = dynamodb.get_item(TableName=table, Key=key, ConsistentRead=True).get("Item")
        item = _Item(raw or {})
        outcome = change(item)
        condition: dict[str, Any] = (
            {"ConditionExpression": "attribute_not_exists(pk)"}
            if raw is None
            else {
                "ConditionExpression": "version = :v",
                "ExpressionAttributeValues": {":v": {"N": str(item.version)}},
            }
        )
        try:
            dynamodb.put_item(TableName=table, Item=item.encode(key), **condition)
        except dynamodb.exceptions.ConditionalCheckFailedException:
            continue
        return outcome
    raise RuntimeError(f"the callback registry item {key['pk']['S']} kept changing; try again")


def register(dynamodb: Any, table: str, instance: str, event: str, callback_id: str) -> str | None:
    """A wait for ``event`` begins: take the oldest buffered payload (its JSON text), or queue
    ``callback_id`` for the next ``raise_event`` and return None. Idempotent per callback."""

    def change(item: _Item) -> str | None:
        if callback_id in item.taken:
            return str(item.taken[callback_id])
        if callback_id in item.callbacks:
            return None
        if item.payloads:
            taken = item.taken[callback_id] = str(item.payloads.pop(0))
            return taken
        item.callbacks.append(callback_id)
        return None

    result: str | None = _update(dynamodb, table, _key(instance, event), change)
    return result


def raise_event(
    dynamodb: Any,
    send: Callable[[str, str], None],
    table: str,
    instance: str,
    event: str,
    text: str,
) -> str:
    """Complete the oldest wait for ``event`` with ``text`` (``send(callback_id, text)``), or
    buffer it: ``"delivered"`` or ``"buffered"``."""
    key = _key(instance, event)
    while True:

        def claim(item: _Item) -> str | None:
            if item.callbacks:
                return str(item.callbacks.pop(0))
            item.payloads.append(text)
            return None

        callback: str | None = _update(dynamodb, table, key, claim)
        if callback is None:
            return "buffered"
        try:
            send(callback, text)
        except CallbackClosed:
            continue  # a wait of an ended execution (or a lost race): the next one gets it
        return "delivered"


def put_execution(dynamodb: Any, table: str, instance: str, orchestrator: str, arn: str) -> None:
    """Record which execution runs ``instance`` (idempotent: always the same values)."""
    item = {"orchestrator": {"S": orchestrator}, "arn": {"S": arn}}
    dynamodb.put_item(TableName=table, Item={**_key(instance, "execution"), **item})


def execution(dynamodb: Any, table: str, instance: str) -> tuple[str, str] | None:
    """``(orchestrator, execution ARN)`` of a sub-orchestration's instance, or None."""
    item = dynamodb.get_item(TableName=table, Key=_key(instance, "execution")).get("Item")
    return None if item is None else (item["orchestrator"]["S"], item["arn"]["S"])


def forget(dynamodb: Any, table: str, instance: str) -> None:
    """Delete what the registry keeps of an instance besides its events."""
    for what in ("status", "execution"):
        dynamodb.delete_item(TableName=table, Key=_key(instance, what))


def put_custom_status(dynamodb: Any, table: str, instance: str, text: str) -> None:
    dynamodb.put_item(TableName=table, Item={**_key(instance, "status"), "status": {"S": text}})
