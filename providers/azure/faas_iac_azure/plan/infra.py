"""Resources for what an app's triggers and bindings use, and the roles each needs.

Pure: model in, plan records out. Queues become Storage queues, or Service Bus queues when the
queue needs what Storage queues lack (a named dead-letter queue, FIFO) or ``queues=servicebus``
is chosen; topics become Service Bus topics with one subscription (and SQL filter) per
consuming function; buckets become blob containers; tables Cosmos DB containers; secrets a Key
Vault; buses Event Grid topics; streams Event Hubs.
"""

from __future__ import annotations

import math
from typing import Any

from faas_iac.errors import FaasError
from faas_iac.model import AppModel, Function, QueueResource

from .builder import TENANT, PlanBuilder, fmt, ref
from .filters import event_filter, sql_filter
from .options import AzureOptions, Names, alnum
from .roles import BINDING_ROLES

RG = ref("rg", "name")
COSMOS_DB = "app"
LEASES = "leases"


def queue_services(app: AppModel, opts: AzureOptions) -> dict[str, str]:
    """Portable queue name → ``storage`` or ``servicebus``."""
    out: dict[str, str] = {}
    queues = [r for r in app.resources if isinstance(r, QueueResource)]
    dlqs = {q.dead_letter for q in queues if q.dead_letter}
    for q in queues:
        needs_sb = bool(q.dead_letter) or q.fifo or q.name in dlqs
        out[q.name] = "servicebus" if opts.queues == "servicebus" or needs_sb else "storage"
    return out


def target(kind: str, name: str, services: dict[str, str]) -> tuple[str, str]:
    """(plan resource, role kind) a binding to ``kind:name`` is scoped to."""
    if kind == "queue":
        if services.get(name) == "servicebus":
            return f"sbq-{name}", "servicebus-queue"
        return f"queue-{name}", "storage-queue"
    table = {
        "topic": (f"sbt-{name}", "servicebus-topic"),
        "bucket": (f"bucket-{name}", "blob-container"),
        "table": (f"table-{name}", "cosmos-container"),
        "secret": ("kv", "keyvault"),
        "bus": (f"bus-{name}", "eventgrid-topic"),
        "stream": (f"stream-{name}", "eventhub"),
    }
    return table[kind]


def _data_account(b: PlanBuilder, names: Names) -> str:
    return b.add(
        "storage:StorageAccount",
        "data",
        {
            "resource_group_name": RG,
            "account_name": names.storage_account("data"),
            "kind": "StorageV2",
            "sku": {"name": "Standard_LRS"},
            "allow_blob_public_access": False,
            "allow_shared_key_access": False,
            "minimum_tls_version": "TLS1_2",
            "enable_https_traffic_only": True,
        },
    )


def _servicebus(b: PlanBuilder, names: Names) -> str:
    return b.add(
        "servicebus:Namespace",
        "servicebus",
        {
            "resource_group_name": RG,
            "namespace_name": names.global_name("sb", 50),
            "sku": {"name": "Standard", "tier": "Standard"},
            "disable_local_auth": True,
            "minimum_tls_version": "1.2",
        },
    )


def _eventhubs(b: PlanBuilder, names: Names) -> str:
    return b.add(
        "eventhub:Namespace",
        "eventhubs",
        {
            "resource_group_name": RG,
            "namespace_name": names.global_name("eh", 50),
            "sku": {"name": "Standard", "tier": "Standard"},
            "disable_local_auth": True,
            "minimum_tls_version": "1.2",
        },
    )


def _cosmos(b: PlanBuilder, names: Names) -> str:
    b.add(
        "cosmosdb:DatabaseAccount",
        "cosmos",
        {
            "resource_group_name": RG,
            "account_name": names.global_name("db", 44),
            "database_account_offer_type": "Standard",
            "locations": [{"location_name": ref("rg", "location"), "failover_priority": 0}],
            "capabilities": [{"name": "EnableServerless"}],
            "disable_local_auth": True,
            "minimal_tls_version": "Tls12",
        },
    )
    return b.add(
        "cosmosdb:SqlResourceSqlDatabase",
        "cosmos-db",
        {
            "resource_group_name": RG,
            "account_name": ref("cosmos", "name"),
            "database_name": COSMOS_DB,
            "resource": {"id": COSMOS_DB},
        },
    )


def _cosmos_container(b: PlanBuilder, logical: str, name: str, key: str) -> str:
    return b.add(
        "cosmosdb:SqlResourceSqlContainer",
        logical,
        {
            "resource_group_name": RG,
            "account_name": ref("cosmos", "name"),
            "database_name": COSMOS_DB,
            "container_name": name,
            "resource": {"id": name, "partition_key": {"paths": [f"/{key}"], "kind": "Hash"}},
        },
        ("cosmos-db",),
    )


def resources(b: PlanBuilder, app: AppModel, names: Names, services: dict[str, str]) -> None:
    """One plan resource (plus its account or namespace) per declared or implied resource."""
    for res in app.resources:
        if res.kind == "queue":
            if services[res.name] == "storage":
                _data_account(b, names)
                b.add(
                    "storage:Queue",
                    f"queue-{res.name}",
                    {
                        "resource_group_name": RG,
                        "account_name": ref("data", "name"),
                        "queue_name": res.name,
                    },
                )
                continue
            _servicebus(b, names)
            props: dict[str, Any] = {
                "resource_group_name": RG,
                "namespace_name": ref("servicebus", "name"),
                "queue_name": res.name,
                "max_delivery_count": res.max_deliveries,
                "lock_duration": f"PT{max(5, min(res.visibility_timeout, 300))}S",
                "default_message_time_to_live": f"PT{res.retention_hours}H",
                "requires_session": res.fifo,
            }
            deps: tuple[str, ...] = ()
            if res.dead_letter:
                props["forward_dead_lettered_messages_to"] = res.dead_letter
                deps = (f"sbq-{res.dead_letter}",)
            b.add("servicebus:Queue", f"sbq-{res.name}", props, deps)
        elif res.kind == "topic":
            _servicebus(b, names)
            b.add(
                "servicebus:Topic",
                f"sbt-{res.name}",
                {
                    "resource_group_name": RG,
                    "namespace_name": ref("servicebus", "name"),
                    "topic_name": res.name,
                },
            )
        elif res.kind == "bucket":
            _data_account(b, names)
            b.add(
                "storage:BlobContainer",
                f"bucket-{res.name}",
                {
                    "resource_group_name": RG,
                    "account_name": ref("data", "name"),
                    "container_name": res.name,
                    "public_access": "None",
                },
            )
        elif res.kind == "table":
            _cosmos(b, names)
            _cosmos_container(b, f"table-{res.name}", res.name, res.key)
        elif res.kind == "secret":
            b.add(
                "keyvault:Vault",
                "kv",
                {
                    "resource_group_name": RG,
                    "vault_name": f"{alnum(names.app)[:12]}kv{names.tag}"[:24],
                    "properties": {
                        "tenant_id": TENANT,
                        "sku": {"family": "A", "name": "standard"},
                        "enable_rbac_authorization": True,
                        "enable_soft_delete": True,
                        "public_network_access": "Enabled",
                    },
                },
            )
        elif res.kind == "bus":
            b.add(
                "eventgrid:Topic",
                f"bus-{res.name}",
                {
                    "resource_group_name": RG,
                    "topic_name": names.global_name(res.name, 50),
                    "input_schema": "EventGridSchema",
                    "disable_local_auth": True,
                },
            )
        elif res.kind == "stream":
            _eventhubs(b, names)
            b.add(
                "eventhub:EventHub",
                f"stream-{res.name}",
                {
                    "resource_group_name": RG,
                    "namespace_name": ref("eventhubs", "name"),
                    "event_hub_name": res.name,
                    "partition_count": res.partitions,
                    "message_retention_in_days": min(7, math.ceil(res.retention_hours / 24)),
                },
            )


def _grant(b: PlanBuilder, fn: Function, resource: str, role_kind: str, access: str) -> None:
    role = BINDING_ROLES.get((role_kind, access))
    if role is None and access == "readwrite":
        _grant(b, fn, resource, role_kind, "read")
        _grant(b, fn, resource, role_kind, "write")
        return
    if role is None:
        raise FaasError.one(
            "FIAC407",
            f"function {fn.name!r} declares {access} access to a resource that has no such "
            f"access on Azure ({role_kind})",
            fix="declare writes= for an event bus; subscribe with a trigger to consume it",
            location=fn.source,
            path=f"functions.{fn.name}.bindings",
        )
    b.grant(resource, role, f"{fn.name} {access}")


def bindings(b: PlanBuilder, fn: Function, services: dict[str, str]) -> None:
    for binding in fn.bindings:
        resource, role_kind = target(binding.kind, binding.name, services)
        _grant(b, fn, resource, role_kind, binding.access)


def _function_destination(fn: Function) -> dict[str, Any]:
    return {
        "endpoint_type": "AzureFunction",
        "resource_id": fmt("{0}/functions/" + fn.name, ref("app")),
        "max_events_per_batch": 1,
    }


def trigger(b: PlanBuilder, fn: Function, app: AppModel, services: dict[str, str]) -> None:
    """Resources and roles a trigger needs to deliver events to ``fn``."""
    t = fn.trigger
    if t.type == "queue":
        resource, role_kind = target("queue", t.queue, services)
        _grant(b, fn, resource, role_kind, "trigger")
        if services[t.queue] == "storage":
            poison = b.add(
                "storage:Queue",
                f"queue-{t.queue}-poison",
                {
                    "resource_group_name": RG,
                    "account_name": ref("data", "name"),
                    "queue_name": f"{t.queue}-poison",
                },
            )
            _grant(b, fn, poison, "storage-queue", "write")
    elif t.type == "topic":
        sub = b.add(
            "servicebus:Subscription",
            f"sbs-{fn.name}",
            {
                "resource_group_name": RG,
                "namespace_name": ref("servicebus", "name"),
                "topic_name": t.topic,
                "subscription_name": fn.name[:50],
                "max_delivery_count": 10,
                "dead_lettering_on_message_expiration": True,
            },
            (f"sbt-{t.topic}",),
        )
        if t.filter:
            b.add(
                "servicebus:Rule",
                f"sbr-{fn.name}",
                {
                    "resource_group_name": RG,
                    "namespace_name": ref("servicebus", "name"),
                    "topic_name": t.topic,
                    "subscription_name": fn.name[:50],
                    "rule_name": "faas-iac-filter",
                    "filter_type": "SqlFilter",
                    "sql_filter": {"sql_expression": sql_filter(t.filter, fn)},
                },
                (sub,),
            )
        _grant(b, fn, sub, "servicebus-subscription", "trigger")
    elif t.type == "storage":
        b.add(
            "eventgrid:SystemTopic",
            "data-events",
            {
                "resource_group_name": RG,
                "system_topic_name": f"{b.app}-data-events",
                "source": ref("data"),
                "topic_type": "Microsoft.Storage.StorageAccounts",
                "location": ref("rg", "location"),
            },
        )
        kinds = {
            "created": "Microsoft.Storage.BlobCreated",
            "deleted": "Microsoft.Storage.BlobDeleted",
        }
        filt: dict[str, Any] = {
            "included_event_types": [kinds[e] for e in t.events],
            "subject_begins_with": f"/blobServices/default/containers/{t.bucket}/blobs/{t.prefix}",
        }
        if t.suffix:
            filt["subject_ends_with"] = t.suffix
        b.add(
            "eventgrid:SystemTopicEventSubscription",
            f"egs-{fn.name}",
            {
                "resource_group_name": RG,
                "system_topic_name": ref("data-events", "name"),
                "event_subscription_name": fn.name,
                "destination": _function_destination(fn),
                "filter": filt,
                "event_delivery_schema": "EventGridSchema",
            },
            ("app-code",),
        )
    elif t.type == "table":
        _grant(b, fn, f"table-{t.table}", "cosmos-container", "trigger")
        _cosmos_container(b, "table-leases", LEASES, "id")
        _grant(b, fn, "table-leases", "cosmos-container", "readwrite")
    elif t.type == "stream":
        b.add(
            "eventhub:ConsumerGroup",
            f"cg-{fn.name}",
            {
                "resource_group_name": RG,
                "namespace_name": ref("eventhubs", "name"),
                "event_hub_name": t.stream,
                "consumer_group_name": fn.name,
            },
            (f"stream-{t.stream}",),
        )
        _grant(b, fn, f"stream-{t.stream}", "eventhub", "trigger")
    elif t.type == "event":
        b.add(
            "eventgrid:EventSubscription",
            f"egs-{fn.name}",
            {
                "scope": ref(f"bus-{t.bus}"),
                "event_subscription_name": fn.name,
                "destination": _function_destination(fn),
                "filter": event_filter(t.pattern, fn),
                "event_delivery_schema": "EventGridSchema",
            },
            ("app-code",),
        )
