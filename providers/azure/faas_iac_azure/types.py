"""Plan resource types → their ``pulumi_azure_native`` module and class (a typed table shared
by the Pulumi emitter and the ejected program), and the deploy context the plan refers to."""

from __future__ import annotations

from typing import Final

NATIVE_TYPES: Final[dict[str, tuple[str, str]]] = {
    "azure-native:resources:ResourceGroup": ("resources", "ResourceGroup"),
    "azure-native:managedidentity:UserAssignedIdentity": (
        "managedidentity",
        "UserAssignedIdentity",
    ),
    "azure-native:storage:StorageAccount": ("storage", "StorageAccount"),
    "azure-native:storage:BlobContainer": ("storage", "BlobContainer"),
    "azure-native:storage:Queue": ("storage", "Queue"),
    "azure-native:storage:Blob": ("storage", "Blob"),
    "azure-native:operationalinsights:Workspace": ("operationalinsights", "Workspace"),
    "azure-native:applicationinsights:Component": ("applicationinsights", "Component"),
    "azure-native:web:AppServicePlan": ("web", "AppServicePlan"),
    "azure-native:web:WebApp": ("web", "WebApp"),
    "azure-native:authorization:RoleAssignment": ("authorization", "RoleAssignment"),
    "azure-native:servicebus:Namespace": ("servicebus", "Namespace"),
    "azure-native:servicebus:Queue": ("servicebus", "Queue"),
    "azure-native:servicebus:Topic": ("servicebus", "Topic"),
    "azure-native:servicebus:Subscription": ("servicebus", "Subscription"),
    "azure-native:servicebus:Rule": ("servicebus", "Rule"),
    "azure-native:eventhub:Namespace": ("eventhub", "Namespace"),
    "azure-native:eventhub:EventHub": ("eventhub", "EventHub"),
    "azure-native:eventhub:ConsumerGroup": ("eventhub", "ConsumerGroup"),
    "azure-native:eventgrid:Topic": ("eventgrid", "Topic"),
    "azure-native:eventgrid:SystemTopic": ("eventgrid", "SystemTopic"),
    "azure-native:eventgrid:SystemTopicEventSubscription": (
        "eventgrid",
        "SystemTopicEventSubscription",
    ),
    "azure-native:eventgrid:EventSubscription": ("eventgrid", "EventSubscription"),
    "azure-native:cosmosdb:DatabaseAccount": ("cosmosdb", "DatabaseAccount"),
    "azure-native:cosmosdb:SqlResourceSqlDatabase": ("cosmosdb", "SqlResourceSqlDatabase"),
    "azure-native:cosmosdb:SqlResourceSqlContainer": ("cosmosdb", "SqlResourceSqlContainer"),
    "azure-native:cosmosdb:SqlResourceSqlRoleAssignment": (
        "cosmosdb",
        "SqlResourceSqlRoleAssignment",
    ),
    "azure-native:keyvault:Vault": ("keyvault", "Vault"),
}

#: deploy context token (``${azure:...}``) → attribute of ``get_client_config_output()``
CONTEXT: Final[dict[str, str]] = {
    "azure:subscription": "subscription_id",
    "azure:tenant": "tenant_id",
}
