"""The adapter's one seam to AWS (:class:`.adapter.Backend` with boto3): the callback registry
and custom statuses in the durable table, entity operations on the entity table (the same
store and conditional writes as every other entity call, :mod:`faas_iac_aws.runtime.entities`),
and the start of a ``continue_as_new`` generation. boto3 is imported on first use."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from faas_iac.runtime.handlers import resolve

from ..runtime.entities import run_entity
from . import registry


class AwsBackend:
    def __init__(
        self,
        registry_table: str,
        entity_table: str = "",
        entities: Mapping[str, str] | None = None,
        session: Any = None,
        endpoint_url: str | None = None,
    ) -> None:
        self.registry_table, self.entity_table = registry_table, entity_table
        self.entities = dict(entities or {})
        self.session, self.endpoint_url = session, endpoint_url
        self._clients: dict[str, Any] = {}

    def client(self, service: str) -> Any:
        if service not in self._clients:
            if self.session is None:
                import boto3  # type: ignore[import-untyped]

                self.session = boto3.session.Session()
            self._clients[service] = self.session.client(service, endpoint_url=self.endpoint_url)
        return self._clients[service]

    def register(self, instance: str, event: str, callback_id: str) -> str | None:
        return registry.register(
            self.client("dynamodb"), self.registry_table, instance, event, callback_id
        )

    def entity(self, entity: str, key: str, operation: str, input_json: str) -> Any:
        spec = self.entities.get(entity.lower())
        if spec is None:
            raise LookupError(f"no entity named {entity!r} (known: {sorted(self.entities)})")
        event = {"entity": entity, "key": key, "operation": operation}
        event["input"] = json.loads(input_json)
        env = {"FAAS_IAC_DURABLE": json.dumps({"entities": self.entity_table})}
        return run_entity(resolve(spec), event, env, self.client("dynamodb"))

    def start(self, function: str, execution: str, payload: dict[str, Any]) -> None:
        self.client("lambda").invoke(
            FunctionName=function,
            InvocationType="Event",
            DurableExecutionName=execution,
            Payload=json.dumps(payload).encode(),
        )

    def child(self, instance: str, orchestrator: str, execution_arn: str) -> None:
        registry.put_execution(
            self.client("dynamodb"), self.registry_table, instance, orchestrator, execution_arn
        )

    def custom_status(self, instance: str, text: str) -> None:
        registry.put_custom_status(self.client("dynamodb"), self.registry_table, instance, text)
