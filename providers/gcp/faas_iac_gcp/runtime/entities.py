"""Durable entities on GCP: an entity function is an HTTP function (IAM-authenticated) that
runs one operation on (entity, key): it reads the state document in a Firestore transaction,
runs the user's entity function on the portable ``DurableEntityContext`` (the local engine's
own), and writes the new state (or deletes it on ``destruct_on_exit``) in the same transaction,
so concurrent operations on one entity run one after another (Firestore retries a transaction
that lost the race). A failed operation leaves the state as it was.

The request is ``{"key": ..., "operation": ..., "input": <JSON value>}``; the answer ``200``
with ``{"result": ...}``, or ``500`` with ``{"error": type, "message": text}``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, MutableMapping
from typing import Any

from faas_iac.durable import codec
from faas_iac.durable.entities import DurableEntityContext, OperationResult, run_operation
from faas_iac.durable.entity_id import EntityId

JSON = {"content-type": "application/json"}


def document(entity: str, key: str) -> str:
    """The state document's id: ``<entity>@<key>`` (``/`` is not allowed in an id)."""
    return f"{entity.lower()}@{key}".replace("/", "_")


def apply(
    entries: MutableMapping[str, dict[str, Any]],
    fn: Callable[..., Any],
    entity: str,
    key: str,
    operation: str,
    input_json: str | None,
) -> OperationResult:
    """One operation against the state held in ``entries`` (one transaction's view)."""
    doc = document(entity, key)
    item = entries.get(doc)
    ctx = DurableEntityContext(EntityId(entity, key), item["state"] if item else None, bool(item))
    result = run_operation(fn, ctx, operation, input_json)
    state, exists = ctx._snapshot()
    if exists:
        entries[doc] = {"state": state}
    elif item is not None:
        del entries[doc]
    return result


def invoke(
    transact: Callable[[Callable[[MutableMapping[str, dict[str, Any]]], OperationResult]], Any],
    fn: Callable[..., Any],
    entity: str,
    body: bytes,
) -> tuple[int, dict[str, str], bytes]:
    """Serve one operation request; ``transact(step)`` runs ``step`` in a transaction."""
    try:
        request = json.loads(body or b"{}")
        key, operation = str(request["key"]), str(request["operation"])
    except (ValueError, KeyError, TypeError) as exc:
        return 400, JSON, json.dumps({"error": "BadRequest", "message": repr(exc)}).encode()
    input_json = codec.dumps(request.get("input"))
    outcome: OperationResult = transact(
        lambda entries: apply(entries, fn, entity, key, operation, input_json)
    )
    if not outcome.ok:
        return 500, JSON, json.dumps(outcome.error).encode()
    result = codec.loads(outcome.result_json) if outcome.result_json else None
    return 200, JSON, json.dumps({"result": result}).encode()
