"""The portable durable client on GCP (``ctx.durable``): orchestrations are executions of the
app's Workflows (google-cloud-workflows' ``ExecutionsClient``), external events go through the
callback registry (:mod:`.callbacks`), custom statuses are the Firestore documents the
translated workflow writes.

Workflows names its executions itself: the instance id is the execution id. Configuration
comes from ``FAAS_IAC_DURABLE`` (written by the planner); the clients are parameters, so a test
passes its own (and Google's libraries are imported on first use).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from faas_iac.durable.codec import json_or_text, named

#: Workflows execution state → the Azure Durable Functions runtime status.
RUNTIME_STATUS = {
    "QUEUED": "Pending",
    "ACTIVE": "Running",
    "SUCCEEDED": "Completed",
    "FAILED": "Failed",
    "CANCELLED": "Terminated",
    "UNAVAILABLE": "Failed",
}

Raise = Callable[[str, str, Any], str]
Post = Callable[[str, Any], dict[str, Any]]


def _entity(entity_id: Any) -> tuple[str, str]:
    """``EntityId`` (or ``"name@key"``) → (name, key)."""
    if isinstance(entity_id, str):
        name, _, key = entity_id.partition("@")
        return name.lower(), key
    return str(entity_id.name).lower(), str(entity_id.key)


def id_token_post(url: str, body: Any) -> dict[str, Any]:
    """POST to an IAM-protected function with an ID token for its URL."""
    import google.auth.transport.requests
    import google.oauth2.id_token
    import requests

    token = google.oauth2.id_token.fetch_id_token(  # type: ignore[no-untyped-call]
        google.auth.transport.requests.Request(), url
    )
    response = requests.post(
        url, json=body, headers={"Authorization": f"Bearer {token}"}, timeout=60
    )
    if response.status_code >= 400:
        raise RuntimeError(f"entity operation failed ({response.status_code}): {response.text}")
    answer: dict[str, Any] = response.json()
    return answer


@dataclass
class GcpDurableClient:
    """``workflows``: orchestrator → the workflow's resource name
    (``projects/P/locations/L/workflows/W``)."""

    workflows: Mapping[str, str]
    registry: str = ""
    status_collection: str = ""
    database: str = "(default)"
    executions: Any = None
    firestore: Any = None
    raiser: Raise | None = None
    entities: Mapping[str, str] = field(default_factory=dict)
    entity_collection: str = ""
    poster: Post | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> GcpDurableClient:
        config = json.loads(env["FAAS_IAC_DURABLE"])
        return cls(
            workflows=dict(config["workflows"]),
            registry=config.get("registry", ""),
            status_collection=config.get("status_collection", ""),
            database=config.get("database", "(default)"),
            entities=dict(config.get("entities", {})),
            entity_collection=config.get("entity_collection", ""),
        )

    # -- clients ------------------------------------------------------------------------------
    def _executions(self) -> Any:
        if self.executions is None:
            from google.cloud.workflows import executions_v1

            self.executions = executions_v1.ExecutionsClient()
        return self.executions

    def _firestore(self) -> Any:
        if self.firestore is None:
            import google.cloud.firestore as firestore

            self.firestore = firestore.Client(database=self.database)
        return self.firestore

    # -- the client API -------------------------------------------------------------------------
    def start_new(
        self,
        orchestration_function_name: str,
        instance_id: str | None = None,
        client_input: Any = None,
    ) -> str:
        """Start an orchestration; returns its instance id (the execution's id)."""
        if instance_id is not None:
            raise ValueError(
                "GCP Workflows names executions itself: call start_new without instance_id "
                "and keep the id it returns"
            )
        workflow = named(self.workflows, orchestration_function_name, "orchestrator")
        execution = self._executions().create_execution(
            request={"parent": workflow, "execution": {"argument": json.dumps(client_input)}}
        )
        return str(execution.name).rsplit("/", 1)[-1]

    def _find(self, instance_id: str) -> tuple[str, Any] | None:
        from google.api_core.exceptions import NotFound

        for name, workflow in sorted(self.workflows.items()):
            try:
                found = self._executions().get_execution(
                    request={"name": f"{workflow}/executions/{instance_id}"}
                )
            except NotFound:
                continue
            return name, found
        return None

    def _latest(self, execution: Any) -> Any:
        """continue_as_new ends an execution with the next one's name as its result."""
        prefix = str(execution.name).rsplit("/", 1)[0] + "/"
        while execution.state.name == "SUCCEEDED":
            nxt = json_or_text(execution.result)
            if not (isinstance(nxt, str) and nxt.startswith(prefix)):
                break
            execution = self._executions().get_execution(request={"name": nxt})
        return execution

    def custom_status(self, instance_id: str) -> Any:
        if not self.status_collection:
            return None
        doc = self._firestore().collection(self.status_collection).document(instance_id).get()
        return json_or_text((doc.to_dict() or {}).get("status")) if doc.exists else None

    def get_status(self, instance_id: str) -> dict[str, Any]:
        """Azure-style status: name, instanceId, runtimeStatus, input, output, customStatus."""
        found = self._find(instance_id)
        if found is None:
            return {"instanceId": instance_id, "runtimeStatus": None}
        name, execution = found
        first_input = json_or_text(execution.argument)
        execution = self._latest(execution)
        state = execution.state.name
        return {
            "name": name,
            "instanceId": instance_id,
            "runtimeStatus": RUNTIME_STATUS.get(state, state),
            "input": first_input,
            "output": json_or_text(execution.result) if state == "SUCCEEDED" else None,
            "error": execution.error.payload if state == "FAILED" else None,
            "customStatus": self.custom_status(instance_id),
        }

    def raise_event(self, instance_id: str, event_name: str, event_data: Any = None) -> str:
        """Deliver ``event_name`` to the callback the execution registered, or buffer it until
        it waits: ``"delivered"`` or ``"buffered"``."""
        if self.raiser is not None:
            return self.raiser(instance_id, event_name, event_data)
        from .callbacks import in_transaction, raise_event

        return in_transaction(
            self._firestore(),
            self.registry,
            lambda entries, post: raise_event(entries, post, instance_id, event_name, event_data),
        )

    # -- entities -------------------------------------------------------------------------------
    def signal_entity(
        self, entity_id: Any, operation_name: str, operation_input: Any = None
    ) -> Any:
        """Run one operation on the entity (its function, over IAM-authenticated HTTP); returns
        the operation's result."""
        name, key = _entity(entity_id)
        url = named(self.entities, name, "entity")
        body = {"key": key, "operation": operation_name, "input": operation_input}
        answer = (self.poster or id_token_post)(url, body)
        return answer.get("result")

    def read_entity_state(self, entity_id: Any) -> Any:
        """The entity's state, or ``None`` when it has none."""
        from .entities import document

        name, key = _entity(entity_id)
        doc = self._firestore().collection(self.entity_collection).document(document(name, key))
        snapshot = doc.get()
        return json_or_text((snapshot.to_dict() or {}).get("state")) if snapshot.exists else None

    def terminate(self, instance_id: str, reason: str = "") -> None:
        found = self._find(instance_id)
        if found is None:
            raise LookupError(f"no orchestration instance {instance_id!r}")
        self._executions().cancel_execution(request={"name": found[1].name})
