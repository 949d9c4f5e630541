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

from faas_iac.durable.codec import json_or_text, named

#: Step Functions execution status → the Azure Durable Functions runtime status.
RUNTIME_STATUS = {
    "RUNNING": "Running",
    "SUCCEEDED": "Completed",
    "FAILED": "Failed",
    "TIMED_OUT": "Failed",
    "ABORTED": "Terminated",
    "PENDING_REDRIVE": "Failed",
}


@dataclass
class AwsDurableClient:
    machines: Mapping[str, str]
    registry_table: str
    entities_table: str = ""
    entity_functions: Mapping[str, str] = field(default_factory=dict)
    session: Any = None
    endpoint_url: str | None = None
    _clients: dict[str, Any] = field(default_factory=dict)
    #: instance → the orchestrator whose machine runs it, for instances started or found here
    #: (one DescribeExecution per status instead of one per machine of the app)
    _machine_of: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: Mapping[str, str], session: Any = None) -> AwsDurableClient:
        return cls.from_config(json.loads(env["FAAS_IAC_DURABLE"]), session)

    @classmethod
    def from_config(
        cls, config: Mapping[str, Any], session: Any = None, endpoint_url: str | None = None
    ) -> AwsDurableClient:
        return cls(
            machines=dict(config["machines"]),
            registry_table=config["registry"],
            entities_table=config.get("entities", ""),
            entity_functions=dict(config.get("entity_functions", {})),
            session=session,
            endpoint_url=endpoint_url,
        )

    def _client(self, service: str) -> Any:
        if service not in self._clients:
            if self.session is None:
                import boto3  # type: ignore[import-untyped]

                self.session = boto3.session.Session()
            self._clients[service] = self.session.client(service, endpoint_url=self.endpoint_url)
        return self._clients[service]

    def _describe(self, instance_id: str) -> dict[str, Any] | None:
        """The execution named ``instance_id`` of any of the app's machines."""
        sfn = self._client("stepfunctions")
        known = self._machine_of.get(instance_id)
        ordered = sorted(self.machines.items(), key=lambda m: (m[0] != known, m[0]))
        for name, machine in ordered:
            arn = machine.replace(":stateMachine:", ":execution:") + ":" + instance_id
            try:
                described = dict(sfn.describe_execution(executionArn=arn))
            except sfn.exceptions.ExecutionDoesNotExist:
                continue
            described["_name"] = name
            self._machine_of[instance_id] = name
            return described
        return None

    def _latest_generation(self, described: dict[str, Any]) -> dict[str, Any]:
        """continue_as_new ends an execution with the ARN of the next generation
        (``<instance>~<n>``) as its output: follow the chain to the live one."""
        sfn = self._client("stepfunctions")
        prefix = described["executionArn"].rsplit(":", 1)[0] + ":"
        while described["status"] == "SUCCEEDED":
            nxt = json_or_text(described.get("output"))
            if not (isinstance(nxt, str) and nxt.startswith(prefix)):
                break
            name = described["_name"]
            described = dict(sfn.describe_execution(executionArn=nxt))
            described["_name"] = name
        return described

    def start_new(
        self,
        orchestration_function_name: str,
        instance_id: str | None = None,
        client_input: Any = None,
    ) -> str:
        """Start an orchestration; its instance id is the execution's name."""
        machine = named(self.machines, orchestration_function_name, "orchestrator")
        instance = instance_id or uuid.uuid4().hex
        self._client("stepfunctions").start_execution(
            stateMachineArn=machine, name=instance, input=json.dumps(client_input)
        )
        self._machine_of[instance] = orchestration_function_name
        return instance

    def get_status(self, instance_id: str) -> dict[str, Any]:
        """Azure-style status: name, instanceId, runtimeStatus, input, output, customStatus."""
        from faas_iac_aws.stepfunctions.registry import custom_status

        described = self._describe(instance_id)
        if described is None:
            return {"instanceId": instance_id, "runtimeStatus": None}
        described = self._latest_generation(described)
        output = described.get("output")
        return {
            "name": described["_name"],
            "instanceId": instance_id,
            "runtimeStatus": RUNTIME_STATUS.get(described["status"], described["status"]),
            "input": json.loads(described.get("input") or "null"),
            "output": json_or_text(output),
            "customStatus": custom_status(
                self._client("dynamodb"), self.registry_table, instance_id
            ),
            "createdTime": described["startDate"].isoformat(),
        }

    def raise_event(self, instance_id: str, event_name: str, event_data: Any = None) -> str:
        """Complete the task the instance waits on for ``event_name`` (found in the token
        registry), or buffer the event until it waits: ``"delivered"`` or ``"buffered"``."""
        from faas_iac_aws.stepfunctions.registry import raise_event

        return raise_event(
            self._client("dynamodb"),
            self._client("stepfunctions"),
            self.registry_table,
            instance_id,
            event_name,
            event_data,
        )

    def terminate(self, instance_id: str, reason: str = "") -> None:
        described = self._describe(instance_id)
        if described is None:
            raise LookupError(f"no orchestration instance {instance_id!r}")
        self._client("stepfunctions").stop_execution(
            executionArn=described["executionArn"], cause=reason[:32768]
        )

    def purge_instance_history(self, instance_id: str) -> int:
        """Forget what the registry holds for an instance (Step Functions keeps its own
        execution history for 90 days and cannot delete it)."""
        ddb = self._client("dynamodb")
        removed = ddb.delete_item(
            TableName=self.registry_table,
            Key={"pk": {"S": f"{instance_id}#status"}},
            ReturnValues="ALL_OLD",
        )
        return 1 if removed.get("Attributes") else 0

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
