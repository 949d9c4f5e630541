"""The portable durable client on Lambda durable functions (what ``ctx.durable`` does for an
orchestrator that runs there): an instance is a durable execution named after its instance id
(``continue_as_new`` chains executions ``<id>__1``, ``<id>__2``...), an external event completes
the callback the instance registered (:mod:`.registry`), the custom status is the registry's.

:class:`LambdaApi` is the one seam: five calls of the Lambda durable execution API, made with
a boto3 ``lambda`` client (or, in tests, against the SDK's local runner).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Mapping
from typing import Any

from . import registry

ENVELOPE = "faas_iac_durable"
#: Durable execution status → the Azure Durable Functions runtime status.
RUNTIME_STATUS = {
    "RUNNING": "Running",
    "SUCCEEDED": "Completed",
    "FAILED": "Failed",
    "TIMED_OUT": "Failed",
    "STOPPED": "Terminated",
}
TERMINAL = frozenset({"Completed", "Failed", "Terminated"})
#: What a durable execution name may hold (the service's pattern for its ARN).
NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class LambdaApi:
    """The durable execution calls the client makes, on a boto3 ``lambda`` client."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def start(self, function: str, name: str, payload: Any) -> None:
        self.client.invoke(
            FunctionName=function,
            InvocationType="Event",
            DurableExecutionName=name,
            Payload=json.dumps(payload).encode(),
        )

    def find(self, function: str, name: str) -> dict[str, Any] | None:
        """The execution of ``function`` named ``name`` (GetDurableExecution's fields)."""
        found = self.client.list_durable_executions_by_function(
            FunctionName=function, DurableExecutionName=name
        ).get("DurableExecutions", [])
        if not found:
            return None
        arn = found[0]["DurableExecutionArn"]
        return dict(self.client.get_durable_execution(DurableExecutionArn=arn))

    def get(self, arn: str) -> dict[str, Any]:
        return dict(self.client.get_durable_execution(DurableExecutionArn=arn))

    def stop(self, arn: str, reason: str) -> None:
        self.client.stop_durable_execution(
            DurableExecutionArn=arn, Error={"ErrorType": "Terminated", "ErrorMessage": reason}
        )

    def delete(self, arn: str) -> None:
        self.client.delete_durable_execution(DurableExecutionArn=arn)

    def send(self, callback_id: str, text: str) -> None:
        try:
            self.client.send_durable_execution_callback_success(
                CallbackId=callback_id, Result=text.encode()
            )
        except Exception as exc:  # botocore's modeled errors are built per client
            code = getattr(exc, "response", {}).get("Error", {}).get("Code", "")
            if code in ("CallbackTimeoutException", "ResourceNotFoundException"):
                raise registry.CallbackClosed(callback_id) from exc
            raise


class LambdaDurableClient:
    """``start_new``, ``get_status``, ``raise_event``, ``terminate``, ``purge_instance_history``
    and ``wait_for_completion`` for the orchestrators of ``functions`` (name → qualified ARN)."""

    def __init__(
        self,
        functions: Mapping[str, str],
        registry_table: str,
        api: LambdaApi,
        dynamodb: Any,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.functions, self.registry_table = dict(functions), registry_table
        self.api, self.dynamodb = api, dynamodb
        self.sleep, self.clock = sleep, clock

    def start_new(self, name: str, instance_id: str, client_input: Any = None) -> str:
        if not NAME.match(instance_id):
            raise ValueError(
                f"instance id {instance_id!r}: on Lambda durable functions an instance id is "
                "1-64 letters, digits, '-' or '_' (it names the durable execution)"
            )
        payload = {
            ENVELOPE: {
                "instance": instance_id,
                "parent": None,
                "generation": 0,
                "input": json.dumps(client_input),
            }
        }
        self.api.start(self.functions[name], instance_id, payload)
        return instance_id

    def _first(self, instance_id: str) -> tuple[str, dict[str, Any]] | None:
        """The first generation's execution: named after the instance (started by a client,
        or the instance's own ``continue_as_new``), or recorded by a sub-orchestration."""
        for name, function in sorted(self.functions.items()):
            found = self.api.find(function, instance_id)
            if found is not None:
                return name, found
        child = registry.execution(self.dynamodb, self.registry_table, instance_id)
        if child is None or child[0] not in self.functions:
            return None
        return child[0], self.api.get(child[1])

    def _chain(self, instance_id: str) -> list[tuple[str, dict[str, Any]]]:
        """Every generation of the instance, oldest first: (orchestrator, execution)."""
        first = self._first(instance_id)
        if first is None:
            return []
        name, found = first
        chain = [first]
        while (nxt := _continued(found)) is not None:
            later = None
            for _ in range(50):  # the next generation is started asynchronously
                later = self.api.find(self.functions[name], nxt)
                if later is not None:
                    break
                self.sleep(0.1)
            if later is None:
                break
            found = later
            chain.append((name, found))
        return chain

    def get_status(self, instance_id: str) -> dict[str, Any]:
        """Azure-style status: name, instanceId, runtimeStatus, input, output, customStatus."""
        from ..stepfunctions.registry import custom_status

        chain = self._chain(instance_id)
        if not chain:
            return {"instanceId": instance_id, "runtimeStatus": None}
        name, last = chain[-1]
        status = RUNTIME_STATUS.get(last["Status"], last["Status"])
        if _continued(last) is not None:
            status = "Running"  # the next generation is on its way
        output: Any = None
        if status == "Completed":
            output = json.loads(last.get("Result") or "null")
        elif status in ("Failed", "Terminated"):
            output = (last.get("Error") or {}).get("ErrorMessage")
        started = chain[0][1].get("StartTimestamp")
        return {
            "name": name,
            "instanceId": instance_id,
            "runtimeStatus": status,
            "input": _input(last.get("InputPayload")),
            "output": output,
            "customStatus": custom_status(self.dynamodb, self.registry_table, instance_id),
            "createdTime": started.isoformat() if started is not None else None,
        }

    def raise_event(self, instance_id: str, event_name: str, event_data: Any = None) -> str:
        """``"delivered"`` to the waiting callback, or ``"buffered"`` until the instance
        waits for ``event_name``."""
        return registry.raise_event(
            self.dynamodb,
            self.api.send,
            self.registry_table,
            instance_id,
            event_name,
            json.dumps(event_data),
        )

    def terminate(self, instance_id: str, reason: str = "") -> None:
        chain = self._chain(instance_id)
        if not chain:
            raise LookupError(f"no orchestration instance {instance_id!r}")
        self.api.stop(chain[-1][1]["DurableExecutionArn"], reason)

    def purge_instance_history(self, instance_id: str) -> int:
        """Delete every generation's execution and the registry's items of the instance."""
        chain = self._chain(instance_id)
        for _, execution in chain:
            self.api.delete(execution["DurableExecutionArn"])
        registry.forget(self.dynamodb, self.registry_table, instance_id)
        return len(chain)

    def wait_for_completion(
        self, instance_id: str, timeout: float = 60, interval: float = 0.5
    ) -> dict[str, Any]:
        deadline = self.clock() + timeout
        while True:
            status = self.get_status(instance_id)
            if status["runtimeStatus"] in TERMINAL or self.clock() >= deadline:
                return status
            self.sleep(interval)


def _continued(execution: Mapping[str, Any]) -> str | None:
    if execution.get("Status") != "SUCCEEDED":
        return None
    try:
        output = json.loads(execution.get("Result") or "null")
    except ValueError:
        return None
    meta = output.get(ENVELOPE) if isinstance(output, dict) else None
    nxt = meta.get("continued") if isinstance(meta, dict) else None
    return nxt if isinstance(nxt, str) else None


def _input(payload: str | None) -> Any:
    data = json.loads(payload or "null")
    meta = data.get(ENVELOPE) if isinstance(data, dict) else None
    if isinstance(meta, dict) and "input" in meta:
        return json.loads(meta["input"])
    return data
