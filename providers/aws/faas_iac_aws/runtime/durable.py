"""The portable durable client on AWS (``ctx.durable`` and ``faas_iac_aws.runtime.durable``):
orchestrations are Step Functions executions, external events complete the task token that the
machine recorded in the token registry table, entities are DynamoDB items updated by the
entity function with conditional writes.

Configuration comes from ``FAAS_IAC_DURABLE`` (written by the planner). boto3 is imported on
first use.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

#: Step Functions execution status → the Azure Durable Functions runtime status.
RUNTIME_STATUS = {
    "RUNNING": "Running",
    "SUCCEEDED": "Completed",
    "FAILED": "Failed",
    "TIMED_OUT": "Failed",
    "ABORTED": "Terminated",
    "PENDING_REDRIVE": "Failed",
}


class EventNotAwaited(LookupError):
    """``raise_event`` found no waiting task for (instance, event) in the token registry."""


def token_key(instance_id: str, event_name: str) -> str:
    """The token registry's key of (instance, event): what the machine writes, what
    ``raise_event`` reads."""
    return f"{instance_id}#{event_name}"


@dataclass
class AwsDurableClient:
    machines: Mapping[str, str]
    tokens_table: str
    status_table: str
    entities_table: str = ""
    entity_functions: Mapping[str, str] = field(default_factory=dict)
    session: Any = None
    _clients: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: Mapping[str, str], session: Any = None) -> AwsDurableClient:
        config = json.loads(env["FAAS_IAC_DURABLE"])
        return cls.from_config(config, session)

    @classmethod
    def from_config(cls, config: Mapping[str, Any], session: Any = None) -> AwsDurableClient:
        return cls(
            machines=dict(config["machines"]),
            tokens_table=config["tokens"],
            status_table=config["status"],
            entities_table=config.get("entities", ""),
            entity_functions=dict(config.get("entity_functions", {})),
            session=session,
        )

    def _client(self, service: str) -> Any:
        if service not in self._clients:
            if self.session is None:
                import boto3

                self.session = boto3.session.Session()
            self._clients[service] = self.session.client(service)
        return self._clients[service]

    def _execution_arn(self, instance_id: str) -> str:
        item = self._client("dynamodb").get_item(
            TableName=self.status_table, Key={"instance": {"S": instance_id}}
        ).get("Item")
        if item is None:
            raise LookupError(f"no orchestration instance {instance_id!r}")
        return str(item["execution_arn"]["S"])

    def start_new(
        self, orchestration_function_name: str, instance_id: str | None = None,
        client_input: Any = None,
    ) -> str:  # fmt: skip
        """Start an orchestration; return its instance id (the execution's name)."""
        try:
            machine = self.machines[orchestration_function_name]
        except KeyError:
            known = ", ".join(sorted(self.machines)) or "none"
            raise LookupError(
                f"no orchestrator {orchestration_function_name!r} (known: {known})"
            ) from None
        instance = instance_id or uuid.uuid4().hex
        started = self._client("stepfunctions").start_execution(
            stateMachineArn=machine,
            name=instance,
            input=json.dumps({"instance_id": instance, "input": client_input}),
        )
        self._client("dynamodb").put_item(
            TableName=self.status_table,
            Item={
                "instance": {"S": instance},
                "execution_arn": {"S": started["executionArn"]},
                "name": {"S": orchestration_function_name},
            },
        )
        return instance

    def get_status(self, instance_id: str) -> dict[str, Any]:
        """Azure-style status: name, instanceId, runtimeStatus, input, output, customStatus."""
        ddb = self._client("dynamodb")
        item = ddb.get_item(
            TableName=self.status_table, Key={"instance": {"S": instance_id}}
        ).get("Item")
        if item is None:
            return {"instanceId": instance_id, "runtimeStatus": None}
        described = self._client("stepfunctions").describe_execution(
            executionArn=item["execution_arn"]["S"]
        )
        given = json.loads(described.get("input") or "null")
        custom = item.get("custom_status", {}).get("S")
        return {
            "name": item.get("name", {}).get("S", ""),
            "instanceId": instance_id,
            "runtimeStatus": RUNTIME_STATUS.get(described["status"], described["status"]),
            "input": given.get("input") if isinstance(given, dict) else given,
            "output": json.loads(described["output"]) if described.get("output") else None,
            "customStatus": json.loads(custom) if custom else None,
            "createdTime": described["startDate"].isoformat(),
        }

    def raise_event(self, instance_id: str, event_name: str, event_data: Any = None) -> None:
        """Complete the task the instance waits on for ``event_name`` (from the registry)."""
        ddb = self._client("dynamodb")
        key = {"pk": {"S": token_key(instance_id, event_name)}}
        item = ddb.get_item(TableName=self.tokens_table, Key=key, ConsistentRead=True).get("Item")
        if item is None:
            raise EventNotAwaited(
                f"instance {instance_id!r} is not waiting for event {event_name!r}"
            )
        self._client("stepfunctions").send_task_success(
            taskToken=item["token"]["S"], output=json.dumps(event_data)
        )
        ddb.delete_item(TableName=self.tokens_table, Key=key)

    def terminate(self, instance_id: str, reason: str = "") -> None:
        self._client("stepfunctions").stop_execution(
            executionArn=self._execution_arn(instance_id), cause=reason[:32768]
        )

    def purge_instance_history(self, instance_id: str) -> int:
        """Forget an instance's records (Step Functions keeps its own history for 90 days)."""
        ddb = self._client("dynamodb")
        found = ddb.get_item(
            TableName=self.status_table, Key={"instance": {"S": instance_id}}
        ).get("Item")
        ddb.delete_item(TableName=self.status_table, Key={"instance": {"S": instance_id}})
        return 1 if found else 0

    purge = purge_instance_history

    def signal_entity(self, entity: str, key: str, operation: str, input: Any = None) -> None:
        """One operation on entity (name, key), run by the entity's function."""
        try:
            function = self.entity_functions[entity]
        except KeyError:
            raise LookupError(f"no entity {entity!r}") from None
        payload = {"entity": entity, "key": key, "operation": operation, "input": input}
        self._client("lambda").invoke(
            FunctionName=function, InvocationType="Event", Payload=json.dumps(payload).encode()
        )
