"""Durable entities: function-based, as in azure-functions-durable (``get_state``,
``set_state``, ``operation_name``, ``get_input``, ``set_result``, ``destruct_on_exit``).

The engine runs the operations of one entity one at a time, in arrival order, each against
the state the previous one left, and commits the new state with the batch that ran it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import codec, errors
from .entity_id import EntityId


class DurableEntityContext:
    """What an entity function receives for one operation."""

    def __init__(self, entity: EntityId, state_json: str | None, exists: bool) -> None:
        self._entity = entity
        self._state_json = state_json
        self._state: Any = None
        self._loaded = False
        self._exists = exists
        self._operation = ""
        self._input_json: str | None = None
        self._result: Any = None

    @property
    def operation_name(self) -> str:
        """The operation being run (``"add"``, ``"get"``...)."""
        return self._operation

    @property
    def entity_name(self) -> str:
        return self._entity.name

    @property
    def entity_key(self) -> str:
        return self._entity.key

    @property
    def is_newly_constructed(self) -> bool:
        """Always False, as in azure-functions-durable (whose SDK never sets it: "its
        semantics are unclear"); ``get_state(initializer)`` is the way to start a state."""
        return False

    @classmethod
    def from_json(cls, json_str: str) -> tuple[DurableEntityContext, list[dict[str, Any]]]:
        """Azure builds an entity context from its host's JSON batch; the local engine has no
        such payload."""
        raise errors.lacking("DurableEntityContext.from_json", "local")

    def get_state(
        self, initializer: Callable[[], Any] | None = None, expected_type: type | None = None
    ) -> Any:
        """The entity's state; while it is ``None``, ``initializer()`` (as on Azure); a
        pydantic ``expected_type`` validates a plain state into that model."""
        if not self._loaded:
            self._state = codec.loads(self._state_json) if self._exists else None
            self._loaded = True
        if self._state is None and initializer is not None:
            if not callable(initializer):
                raise TypeError("initializer argument needs to be a callable function")
            return initializer()
        return codec.coerce(self._state, expected_type)

    def set_state(self, state: Any) -> None:
        self._state = state
        self._loaded = True
        self._exists = True

    def get_input(self, expected_type: type | None = None) -> Any:
        return codec.coerce(codec.loads(self._input_json), expected_type)

    def set_result(self, result: Any) -> None:
        """The value ``call_entity`` returns to the orchestrator; as on Azure, an entity that
        sets a result exists from then on (with the state it has, possibly ``None``)."""
        if not self._loaded:
            self._state = codec.loads(self._state_json) if self._exists else None
            self._loaded = True
        self._exists = True
        self._result = result

    def destruct_on_exit(self) -> None:
        """Delete the entity (its state) when this operation ends."""
        self._state = None
        self._loaded = True
        self._exists = False

    def _begin(self, operation: str, input_json: str | None) -> None:
        self._operation = operation
        self._input_json = input_json
        self._result = None

    def _snapshot(self) -> tuple[str | None, bool]:
        if not self._loaded:
            return self._state_json, self._exists
        return (codec.dumps(self._state) if self._exists else None), self._exists


@dataclass
class OperationResult:
    ok: bool
    result_json: str | None = None
    error: dict[str, str] | None = None


def run_operation(
    fn: Callable[..., Any], ctx: DurableEntityContext, operation: str, input_json: str | None
) -> OperationResult:
    """Run one operation. A failed operation leaves the state as it was before it."""
    before = ctx._snapshot()
    ctx._begin(operation, input_json)
    try:
        fn(ctx)
        return OperationResult(True, codec.dumps(ctx._result))
    except Exception as exc:
        ctx._state_json, ctx._exists = before
        ctx._loaded = False
        return OperationResult(False, error={"type": type(exc).__name__, "message": str(exc)})


class EntityTable:
    """The states of entities: read from the store on first use, then cached; each operation
    adds the new state to the batch that commits it."""

    def __init__(
        self,
        functions: dict[str, Callable[..., Any]],
        load: Callable[[str], tuple[str | None, bool]],
        now: Callable[[], float] = time.time,
    ) -> None:
        self._functions = {name.lower(): fn for name, fn in functions.items()}
        self._now = now
        self._load = load
        self._cache: dict[str, tuple[str | None, bool]] = {}

    def forget(self) -> None:
        """Drop cached states (after a failed commit): they are read again from the store."""
        self._cache.clear()

    def run(
        self,
        entity: str,
        operation: str,
        input_json: str | None,
        rows: list[tuple[str, str, str, str | None, float]],
    ) -> OperationResult:
        eid = EntityId.parse(entity)
        fn = self._functions.get(eid.name.lower())
        if fn is None:
            return OperationResult(
                False, error={"type": "LookupError", "message": f"no entity named {eid.name!r}"}
            )
        state, exists = self._cache.get(entity) or self._load(entity)
        ctx = DurableEntityContext(eid, state, exists)
        result = run_operation(fn, ctx, operation, input_json)
        new_state, new_exists = ctx._snapshot()
        self._cache[entity] = (new_state, new_exists)
        rows.append((entity, eid.name, eid.key, new_state if new_exists else None, self._now()))
        return result
