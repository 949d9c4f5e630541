"""Built-in Azure roles, by the access a binding needs: the narrowest role for each case.

Role definition ids are the fixed GUIDs Azure documents for its built-in roles (the same in
every tenant). Cosmos DB data-plane roles are Cosmos "SQL role definitions", not Azure RBAC.
"""

from __future__ import annotations

from typing import Final

#: Role name → built-in role definition GUID.
ROLE_IDS: Final[dict[str, str]] = {
    "Storage Blob Data Owner": "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
    "Storage Blob Data Contributor": "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
    "Storage Blob Data Reader": "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
    "Storage Queue Data Contributor": "974c5e8b-45b9-4653-ba55-5f855dd0fb88",
    "Storage Queue Data Message Processor": "8a0f0c08-91a1-4084-bc3d-661d67233fed",
    "Storage Queue Data Message Sender": "c6a89b2d-59bc-44d0-9896-0f6e12d7b80a",
    "Storage Queue Data Reader": "19e7f393-937e-4f77-808e-94535e297925",
    "Storage Table Data Contributor": "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
    "Azure Service Bus Data Receiver": "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0",
    "Azure Service Bus Data Sender": "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39",
    "Azure Event Hubs Data Receiver": "a638d3c7-ab3a-418d-83e6-5f17a39d4fde",
    "Azure Event Hubs Data Sender": "2b629674-e913-4c01-ae53-ef4638d8f975",
    "EventGrid Data Sender": "d5a91429-5739-47e2-a06b-3470a27159e7",
    "Key Vault Secrets User": "4633458b-17de-408a-b874-0445c86b69e6",
    "Monitoring Metrics Publisher": "3913510d-42f4-4e42-8a64-420c390055eb",
}

#: Cosmos DB built-in data-plane role definitions (ids under the account).
COSMOS_ROLE_IDS: Final[dict[str, str]] = {
    "Cosmos DB Built-in Data Reader": "00000000-0000-0000-0000-000000000001",
    "Cosmos DB Built-in Data Contributor": "00000000-0000-0000-0000-000000000002",
}

#: (resource kind, access) → the role. "trigger" is the access a trigger needs to consume.
BINDING_ROLES: Final[dict[tuple[str, str], str]] = {
    ("storage-queue", "trigger"): "Storage Queue Data Message Processor",
    ("storage-queue", "read"): "Storage Queue Data Reader",
    ("storage-queue", "write"): "Storage Queue Data Message Sender",
    ("storage-queue", "readwrite"): "Storage Queue Data Contributor",
    ("servicebus-queue", "trigger"): "Azure Service Bus Data Receiver",
    ("servicebus-queue", "read"): "Azure Service Bus Data Receiver",
    ("servicebus-queue", "write"): "Azure Service Bus Data Sender",
    ("servicebus-subscription", "trigger"): "Azure Service Bus Data Receiver",
    ("servicebus-topic", "write"): "Azure Service Bus Data Sender",
    ("blob-container", "read"): "Storage Blob Data Reader",
    ("blob-container", "write"): "Storage Blob Data Contributor",
    ("blob-container", "readwrite"): "Storage Blob Data Contributor",
    ("eventhub", "trigger"): "Azure Event Hubs Data Receiver",
    ("eventhub", "read"): "Azure Event Hubs Data Receiver",
    ("eventhub", "write"): "Azure Event Hubs Data Sender",
    ("eventgrid-topic", "write"): "EventGrid Data Sender",
    ("keyvault", "read"): "Key Vault Secrets User",
    ("cosmos-container", "trigger"): "Cosmos DB Built-in Data Reader",
    ("cosmos-container", "read"): "Cosmos DB Built-in Data Reader",
    ("cosmos-container", "write"): "Cosmos DB Built-in Data Contributor",
    ("cosmos-container", "readwrite"): "Cosmos DB Built-in Data Contributor",
}

#: What the host itself needs on its own storage account (identity-based AzureWebJobsStorage);
#: Durable Functions' Azure Storage backend adds queues and tables for the task hub.
HOST_ROLES: Final[tuple[str, ...]] = ("Storage Blob Data Owner",)
DURABLE_HOST_ROLES: Final[tuple[str, ...]] = (
    "Storage Blob Data Owner",
    "Storage Queue Data Contributor",
    "Storage Table Data Contributor",
)


def role_definition_path(role: str) -> str:
    """The subscription-relative part of a role definition id (after ``/subscriptions/{id}``)."""
    return f"/providers/Microsoft.Authorization/roleDefinitions/{ROLE_IDS[role]}"
