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
                    {"resource_group_name": RG, "account_name": ref("data", "name"),
                     "queue_name": res.name},
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
                {"resource_group_name": RG, "namespace_name": ref("servicebus", "name"),
                 "topic_name": res.name},
            )
        elif res.kind == "bucket":
            _data_account(b, names)
            b.add(
                "storage:BlobContainer",
                f"bucket-{res.name}",
                {"resource_group_name": RG, "account_name": ref("data", "name"),
                 "container_name": res.name, "public_access": "None"},
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
                {"resource_group_name": RG, "topic_name": names.global_name(res.name, 50),
                 "input_schema": "EventGridSchema", "disable_local_auth": True},
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
                {"resource_group_name": RG, "account_name": ref("data", "name"),
                 "queue_name": f"{t.queue}-poison"},
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
        kinds = {"created": "Microsoft.Storage.BlobCreated",
                 "deleted": "Microsoft.Storage.BlobDeleted"}
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


def _sql_literal(value: Any, fn: Function) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    raise _filter_error(fn, f"value {value!r} is neither text, a number nor a boolean")


def _filter_error(fn: Function, why: str) -> FaasError:
    return FaasError.one(
        "FIAC405",
        f"the filter of topic function {fn.name!r} cannot become a Service Bus SQL filter: {why}",
        fix='filter on message attributes with {"attr": "value"} or {"attr": ["a", "b"]}',
        location=fn.source,
        path=f"functions.{fn.name}.trigger.filter",
    )


def _sql_matcher(column: str, matcher: dict[str, Any], fn: Function) -> str:
    if len(matcher) != 1:
        raise _filter_error(fn, f"matcher {matcher!r} has more than one test")
    (name, arg), = matcher.items()
    like = {"prefix": "{0}%", "suffix": "%{0}"}
    if name in like and isinstance(arg, str):
        escaped = arg.replace("'", "''").replace("%", "[%]").replace("_", "[_]")
        return f"{column} LIKE '{like[name].format(escaped)}'"
    if name == "exists":
        return f"{column} IS NOT NULL" if arg else f"{column} IS NULL"
    if name == "equals":
        return f"{column} = {_sql_literal(arg, fn)}"
    if name == "anything-but":
        items = arg if isinstance(arg, list) else [arg]
        return f"{column} NOT IN ({', '.join(_sql_literal(v, fn) for v in items)})"
    if name == "numeric" and isinstance(arg, list) and len(arg) % 2 == 0:
        ops = {"=", ">", ">=", "<", "<="}
        parts = []
        for op, bound in zip(arg[0::2], arg[1::2], strict=True):
            if op not in ops or isinstance(bound, bool) or not isinstance(bound, int | float):
                raise _filter_error(fn, f"numeric test {op!r} {bound!r}")
            parts.append(f"{column} {op} {bound!r}")
        return " AND ".join(parts)
    raise _filter_error(fn, f"matcher {name!r}")


def sql_filter(filt: dict[str, Any], fn: Function) -> str:
    """``{"kind": ["a", "b"], "region": "eu"}`` → ``kind IN ('a', 'b') AND region = 'eu'``;
    matchers (prefix, suffix, exists, anything-but, numeric, equals) become LIKE, IS NULL,
    NOT IN and comparisons."""
    clauses = []
    for key, value in sorted(filt.items()):
        if not key.replace("_", "").replace("-", "").replace(".", "").isalnum():
            raise _filter_error(fn, f"attribute name {key!r} is not a plain identifier")
        column = f"[{key}]" if "-" in key or "." in key else key
        items = value if isinstance(value, list) else [value]
        if not items:
            raise _filter_error(fn, f"attribute {key!r} lists no values")
        plain = [v for v in items if not isinstance(v, dict)]
        tests = [_sql_matcher(column, m, fn) for m in items if isinstance(m, dict)]
        if plain:
            literals = ", ".join(_sql_literal(v, fn) for v in plain)
            tests.insert(0, f"{column} IN ({literals})" if len(plain) > 1 or
                         isinstance(value, list) else f"{column} = {literals}")
        clauses.append(tests[0] if len(tests) == 1 else "(" + " OR ".join(tests) + ")")
    return " AND ".join(clauses)


_NUMERIC_OPS = {
    ">": "NumberGreaterThan", ">=": "NumberGreaterThanOrEquals",
    "<": "NumberLessThan", "<=": "NumberLessThanOrEquals",
}


def _number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _pattern_error(fn: Function, path: str, why: str) -> FaasError:
    return FaasError.one(
        "FIAC408",
        f"event pattern {path} of {fn.name!r} has no Event Grid filter: {why}",
        fix="per key use one kind of test: values (one kind: text, numbers or a boolean), "
        "prefix, suffix, exists, anything-but, or numeric comparisons",
        location=fn.source,
        path=f"functions.{fn.name}.trigger.pattern.{path}",
    )


def advanced_filters(key: str, spec: Any, fn: Function, path: str) -> list[dict[str, Any]]:
    """One pattern value (the language of ``faas_iac.local.patterns``) as Event Grid advanced
    filters on ``key`` (several filters on a key are ANDed, as the pattern's tests are)."""
    items = spec if isinstance(spec, list) else [spec]
    matchers = [i for i in items if isinstance(i, dict)]
    values = [i for i in items if not isinstance(i, dict)]
    if (matchers and values) or len(matchers) > 1:
        raise _pattern_error(fn, path, "alternatives mixing values and matchers cannot be ORed")
    if values:
        if all(isinstance(v, str) for v in values):
            return [{"key": key, "operator_type": "StringIn", "values": values}]
        if all(_number(v) for v in values):
            return [{"key": key, "operator_type": "NumberIn", "values": values}]
        if len(values) == 1 and isinstance(values[0], bool):
            return [{"key": key, "operator_type": "BoolEquals", "value": values[0]}]
        raise _pattern_error(fn, path, "values of several kinds")
    if not matchers or len(matchers[0]) != 1:
        raise _pattern_error(fn, path, "a matcher has exactly one test")
    (name, arg), = matchers[0].items()
    if name in ("prefix", "suffix") and isinstance(arg, str):
        op = "StringBeginsWith" if name == "prefix" else "StringEndsWith"
        return [{"key": key, "operator_type": op, "values": [arg]}]
    if name == "exists":
        return [{"key": key, "operator_type": "IsNotNull" if arg else "IsNullOrUndefined"}]
    if name == "equals":
        return advanced_filters(key, [arg], fn, path)
    if name == "anything-but":
        excluded = arg if isinstance(arg, list) else [arg]
        if all(isinstance(v, str) for v in excluded):
            return [{"key": key, "operator_type": "StringNotIn", "values": excluded}]
        if all(_number(v) for v in excluded):
            return [{"key": key, "operator_type": "NumberNotIn", "values": excluded}]
        raise _pattern_error(fn, path, "anything-but of several kinds")
    if name == "numeric" and isinstance(arg, list) and len(arg) % 2 == 0:
        out = []
        for op, bound in zip(arg[0::2], arg[1::2], strict=True):
            if op == "=":
                out.append({"key": key, "operator_type": "NumberIn", "values": [bound]})
            elif op in _NUMERIC_OPS and _number(bound):
                out.append({"key": key, "operator_type": _NUMERIC_OPS[op], "value": bound})
            else:
                raise _pattern_error(fn, path, f"numeric test {op!r} {bound!r}")
        return out
    raise _pattern_error(fn, path, f"matcher {name!r}")


def event_filter(pattern: dict[str, Any], fn: Function) -> dict[str, Any]:
    """An event pattern as an Event Grid filter: ``type`` → event types, ``source`` → subject
    (events are published with the source as subject), ``detail`` → ``data.*`` keys."""
    filt: dict[str, Any] = {}
    advanced: list[dict[str, Any]] = []

    def walk(prefix: str, spec: dict[str, Any], path: str) -> None:
        for key, value in sorted(spec.items()):
            if isinstance(value, dict) and not (len(value) == 1 and next(iter(value)) in {
                    "prefix", "suffix", "exists", "anything-but", "numeric", "equals"}):
                walk(f"{prefix}{key}.", value, f"{path}{key}.")
            else:
                advanced.extend(advanced_filters(f"{prefix}{key}", value, fn, f"{path}{key}"))

    for key, value in sorted(pattern.items()):
        if key == "type" and isinstance(value, list) and all(isinstance(v, str) for v in value):
            filt["included_event_types"] = list(value)
        elif key == "type":
            advanced.extend(advanced_filters("EventType", value, fn, "type"))
        elif key == "source":
            advanced.extend(advanced_filters("Subject", value, fn, "source"))
        elif key == "detail" and isinstance(value, dict):
            walk("data.", value, "detail.")
        else:
            raise _pattern_error(fn, key, "match on type, source and detail only")
    if advanced:
        if len(advanced) > 25:
            raise _pattern_error(fn, "", "more than 25 tests (Event Grid's limit)")
        filt["advanced_filters"] = advanced
    return filt
