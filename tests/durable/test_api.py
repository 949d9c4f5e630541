"""The public names of faas_iac.durable, and their signatures checked against the real
azure-functions-durable classes: every shared method takes the same parameters, in the same
order, with the same names (so Azure code calls ours positionally or by keyword alike)."""

from __future__ import annotations

import inspect

import azure.durable_functions as df
import pytest

import faas_iac.durable as durable

CONTEXT = ["call_activity", "call_activity_with_retry", "call_sub_orchestrator",
           "call_sub_orchestrator_with_retry", "task_all", "task_any", "create_timer",
           "wait_for_external_event", "continue_as_new", "set_custom_status", "new_uuid",
           "call_entity", "signal_entity", "get_input"]  # fmt: skip
CONTEXT_PROPERTIES = ["instance_id", "parent_instance_id", "is_replaying",
                      "current_utc_datetime", "custom_status", "will_continue_as_new"]  # fmt: skip
CLIENT = ["start_new", "get_status", "get_status_all", "get_status_by", "raise_event",
          "terminate", "suspend", "resume", "purge_instance_history", "purge_instance_history_by",
          "signal_entity", "read_entity_state", "create_check_status_response",
          "create_http_management_payload",
          "wait_for_completion_or_create_check_status_response"]  # fmt: skip
ENTITY = ["get_state", "set_state", "get_input", "set_result", "destruct_on_exit"]
ENTITY_PROPERTIES = ["operation_name", "entity_name", "entity_key", "is_newly_constructed"]

PAIRS = [
    (df.DurableOrchestrationContext, durable.DurableOrchestrationContext, CONTEXT),
    (df.DurableOrchestrationClient, durable.DurableClient, CLIENT),
    (df.DurableOrchestrationClient, durable.HttpDurableClient, CLIENT),
    (df.DurableEntityContext, durable.DurableEntityContext, ENTITY),
]


def test_exported_names() -> None:
    assert sorted(durable.__all__) == [
        "DurableClient", "DurableEntityContext", "DurableOrchestrationContext",
        "DurableOrchestrationStatus", "EntityId", "EntityStateResponse", "HttpDurableClient",
        "NonDeterminismError", "OrchestrationRuntimeStatus", "PurgeHistoryResult",
        "RetryOptions", "TaskBase", "TaskFailedError", "TimerTask",
    ]  # fmt: skip


@pytest.mark.parametrize(("theirs", "ours", "names"), PAIRS,
                         ids=[p[1].__name__ for p in PAIRS])  # fmt: skip
def test_signatures_match_azure_functions_durable(theirs: type, ours: type,
                                                  names: list[str]) -> None:  # fmt: skip
    for name in names:
        azure = list(inspect.signature(getattr(theirs, name)).parameters)
        local = list(inspect.signature(getattr(ours, name)).parameters)
        assert local == azure, name


@pytest.mark.parametrize(("theirs", "ours", "names"), [
    (df.DurableOrchestrationContext, durable.DurableOrchestrationContext, CONTEXT_PROPERTIES),
    (df.DurableEntityContext, durable.DurableEntityContext, ENTITY_PROPERTIES),
])  # fmt: skip
def test_properties_match(theirs: type, ours: type, names: list[str]) -> None:
    for name in names:
        assert isinstance(getattr(theirs, name), property), name
        assert isinstance(getattr(ours, name), property), name


def test_status_values_and_entity_ids_match() -> None:
    assert [s.value for s in durable.OrchestrationRuntimeStatus] == [
        s.value for s in df.OrchestrationRuntimeStatus
    ]
    assert str(durable.EntityId("Counter", "k1")) == df.EntityId.get_scheduler_id(
        df.EntityId("Counter", "k1")
    )
