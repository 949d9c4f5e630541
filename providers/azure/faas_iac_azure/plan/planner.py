"""The Azure planner: an app model → a plan of ``pulumi_azure_native`` resources.

Stages (one direction): options → names → core resources (resource group, managed identity,
host storage, monitoring, hosting plan) → resources of the app's triggers and bindings
(``infra``) → role assignments → the Function App with its settings → the code package.
Pure: no cloud calls, no files, no Pulumi imports. Every connection is identity-based: app
settings name accounts and endpoints, never keys or connection strings.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from faas_iac.errors import Diagnostic, FaasError, NotExpressible
from faas_iac.model import AppModel, ScheduleTrigger
from faas_iac.plan.model import Plan, ordered
from faas_iac.plan.providers import BuildContext

from . import infra
from .builder import PlanBuilder, fmt, ref
from .hostjson import host_json
from .limits import FLEX_MEMORY, check_limits
from .options import AzureOptions, Names, parse
from .roles import DURABLE_HOST_ROLES, HOST_ROLES

T = TypeVar("T")
RG = ref("rg", "name")
PACKAGE_CONTAINER = "app-package"
PACKAGE_BLOB = "released-package.zip"
IDENTITY = "managedidentity"


def _collect(problems: list[Diagnostic], step: Callable[[], T]) -> T | None:
    """``step()``, or ``None`` with its refusals added to ``problems``."""
    try:
        return step()
    except FaasError as exc:
        problems += exc.diagnostics
        return None


def _python_version(app: AppModel, problems: list[Diagnostic]) -> str:
    versions = sorted({fn.runtime for fn in app.functions if fn.runtime.startswith("python")})
    if len(versions) > 1:
        problems.append(
            Diagnostic(
                "FIAC409",
                f"an Azure Function App runs one Python version, the app uses "
                f"{', '.join(versions)}",
                "give every function the same runtime (App(..., runtime=...))",
                path="functions.runtime",
            )
        )
    problems += [
        Diagnostic(
            "FIAC409",
            f"function {fn.name!r} is {fn.runtime}; the generated Azure app is Python only",
            "deploy non-Python functions as their own Function App",
            fn.source,
            f"functions.{fn.name}.runtime",
        )
        for fn in app.functions
        if not fn.handler.python
    ]
    return versions[0].removeprefix("python") if versions else "3.11"


def time_zone(app: AppModel, opts: AzureOptions) -> str | None:
    """The one WEBSITE_TIME_ZONE of the app (Premium). Plans that ignore it fire each
    schedule on UTC at every instant its local times can fall on, and the adapter keeps the
    firings whose wall time matches (:mod:`faas_iac_azure.runtime.localtime`)."""
    if not opts.website_time_zone:
        return None
    zones = {
        fn.name: fn.trigger.tz
        for fn in app.functions
        if isinstance(fn.trigger, ScheduleTrigger) and fn.trigger.tz != "UTC"
    }
    if not zones:
        return None
    name, tz = sorted(zones.items())[0]
    fn = app.function(name)
    if len(set(zones.values())) > 1:
        raise FaasError.one(
            "FIAC402",
            f"schedules use several time zones ({', '.join(sorted(set(zones.values())))}); "
            "an Azure Function App has one (WEBSITE_TIME_ZONE)",
            fix="use one time zone for every schedule of the app, or UTC with shifted hours",
            location=fn.source,
            path=f"functions.{name}.trigger.tz",
        )
    return tz


def _check_schedules(app: AppModel, problems: list[Diagnostic]) -> None:
    """Every schedule renders as NCRONTAB (a rate that does not, FIAC201, is refused here,
    before anything is written)."""
    from faas_iac.schedule import parse_schedule

    from .schedule import render

    for fn in app.functions:
        t = fn.trigger
        if isinstance(t, ScheduleTrigger):
            schedule = parse_schedule(t.cron, None if t.cron else t.every, t.tz)
            _collect(problems, partial(render, schedule, fn.source))


def _check_http(app: AppModel, problems: list[Diagnostic]) -> None:
    for fn in app.functions:
        if fn.name == "faas_iac_retry":
            problems.append(
                Diagnostic(
                    "FIAC413",
                    "the function name 'faas_iac_retry' is taken by the generated Azure app (the "
                    "retry loop of backoff retries)",
                    "rename the function",
                    fn.source,
                    f"functions.{fn.name}",
                )
            )
        t = fn.trigger
        if t.type == "http" and t.auth in ("iam", "jwt"):
            problems.append(
                Diagnostic(
                    "FIAC404",
                    f"HTTP function {fn.name!r} asks for {t.auth} auth; a Function App's "
                    "built-in authentication (Easy Auth) applies to the whole app, not per "
                    "function",
                    "use auth='function' (function keys) or 'anonymous' with your own check, "
                    "or deploy the function in its own app",
                    fn.source,
                    f"functions.{fn.name}.trigger.auth",
                )
            )


def _core(b: PlanBuilder, app: AppModel, names: Names, opts: AzureOptions, durable: bool) -> None:
    rg_props: dict[str, Any] = {"resource_group_name": f"{app.name}-{names.tag}-rg"}
    if opts.location:
        rg_props["location"] = opts.location
    b.add("resources:ResourceGroup", "rg", rg_props)
    b.add(
        "managedidentity:UserAssignedIdentity",
        "identity",
        {"resource_group_name": RG, "resource_name_": f"{app.name}-identity"},
    )
    b.add(
        "storage:StorageAccount",
        "storage",
        {
            "resource_group_name": RG,
            "account_name": names.storage_account("host"),
            "kind": "StorageV2",
            "sku": {"name": "Standard_LRS"},
            "allow_blob_public_access": False,
            "allow_shared_key_access": False,
            "minimum_tls_version": "TLS1_2",
            "enable_https_traffic_only": True,
        },
    )
    b.add(
        "storage:BlobContainer",
        "package-container",
        {
            "resource_group_name": RG,
            "account_name": ref("storage", "name"),
            "container_name": PACKAGE_CONTAINER,
            "public_access": "None",
        },
    )
    for role in DURABLE_HOST_ROLES if durable else HOST_ROLES:
        b.grant("storage", role, "host storage (AzureWebJobsStorage)")
    retention = max([30, *(fn.monitoring.log_retention_days for fn in app.functions)])
    b.add(
        "operationalinsights:Workspace",
        "logs",
        {
            "resource_group_name": RG,
            "workspace_name": f"{app.name}-logs",
            "sku": {"name": "PerGB2018"},
            "retention_in_days": min(retention, 730),
        },
    )
    b.add(
        "applicationinsights:Component",
        "insights",
        {
            "resource_group_name": RG,
            "resource_name_": f"{app.name}-insights",
            "kind": "web",
            "application_type": "web",
            "workspace_resource_id": ref("logs"),
            "disable_local_auth": True,
            "ingestion_mode": "LogAnalytics",
        },
    )
    b.grant("insights", "Monitoring Metrics Publisher", "telemetry (Entra ID auth)")
    plan_props: dict[str, Any] = {
        "resource_group_name": RG,
        "name": f"{app.name}-plan",
        "kind": "functionapp",
        "reserved": True,
        "sku": {"name": opts.sku_name, "tier": opts.sku_tier},
    }
    if opts.plan == "premium":
        plan_props["maximum_elastic_worker_count"] = _max_instances(app) or 20
    b.add("web:AppServicePlan", "plan", plan_props)


def _max_instances(app: AppModel) -> int | None:
    values = [fn.scaling.max_instances for fn in app.functions if fn.scaling.max_instances]
    return max(values) if values else None


def _identity_connection(name: str, props: dict[str, Any]) -> list[dict[str, Any]]:
    settings = [{"name": f"{name}__{k}", "value": v} for k, v in props.items()]
    settings.append({"name": f"{name}__credential", "value": IDENTITY})
    settings.append({"name": f"{name}__clientId", "value": ref("identity", "client_id")})
    return settings


def app_settings(
    b: PlanBuilder,
    app: AppModel,
    opts: AzureOptions,
    services: dict[str, str],
    tz: str | None,
    problems: list[Diagnostic],
) -> list[dict[str, Any]]:
    s: list[dict[str, Any]] = []
    if opts.plan != "flex":
        s += [
            {"name": "FUNCTIONS_EXTENSION_VERSION", "value": "~4"},
            {"name": "FUNCTIONS_WORKER_RUNTIME", "value": "python"},
            {
                "name": "WEBSITE_RUN_FROM_PACKAGE",
                "value": fmt(
                    "https://{0}.blob.core.windows.net/" + f"{PACKAGE_CONTAINER}/{PACKAGE_BLOB}",
                    ref("storage", "name"),
                ),
            },
            {"name": "WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID", "value": ref("identity")},
        ]
    s += _identity_connection("AzureWebJobsStorage", {"accountName": ref("storage", "name")})
    s.append({"name": "AZURE_CLIENT_ID", "value": ref("identity", "client_id")})
    s.append(
        {
            "name": "APPLICATIONINSIGHTS_CONNECTION_STRING",
            "value": ref("insights", "connection_string"),
        }
    )
    s.append(
        {
            "name": "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
            "value": fmt("ClientId={0};Authorization=AAD", ref("identity", "client_id")),
        }
    )
    if b.has("data"):
        s += _identity_connection(
            "FAAS_DATA",
            {
                "queueServiceUri": fmt("https://{0}.queue.core.windows.net", ref("data", "name")),
                "blobServiceUri": fmt("https://{0}.blob.core.windows.net", ref("data", "name")),
            },
        )
    if b.has("servicebus"):
        s += _identity_connection(
            "FAAS_SERVICEBUS",
            {
                "fullyQualifiedNamespace": fmt(
                    "{0}.servicebus.windows.net", ref("servicebus", "name")
                )
            },
        )
    if b.has("eventhubs"):
        s += _identity_connection(
            "FAAS_EVENTHUBS",
            {
                "fullyQualifiedNamespace": fmt(
                    "{0}.servicebus.windows.net", ref("eventhubs", "name")
                )
            },
        )
    if b.has("cosmos"):
        s += _identity_connection(
            "FAAS_COSMOS",
            {"accountEndpoint": fmt("https://{0}.documents.azure.com:443/", ref("cosmos", "name"))},
        )
    if b.has("kv"):
        s.append(
            {
                "name": "FAAS_KEYVAULT_URI",
                "value": fmt("https://{0}.vault.azure.net/", ref("kv", "name")),
            }
        )
    for res in app.resources:
        if res.kind == "bus":
            s.append(
                {
                    "name": f"FAAS_BUS_{res.name.upper().replace('-', '_')}",
                    "value": ref(f"bus-{res.name}", "endpoint"),
                }
            )
    routing = {f"queue:{q}": svc for q, svc in sorted(services.items())}
    s.append({"name": "FAAS_IAC_ROUTING", "value": json.dumps(routing, sort_keys=True)})
    if tz:
        s.append({"name": "WEBSITE_TIME_ZONE", "value": tz})
    s += _user_settings(app, problems)
    names = [x["name"] for x in s]
    assert len(names) == len(set(names)), names
    return sorted(s, key=lambda x: str(x["name"]))


def _user_settings(app: AppModel, problems: list[Diagnostic]) -> list[dict[str, Any]]:
    values: dict[str, tuple[Any, str]] = {}
    for fn in app.functions:
        pairs: list[tuple[str, Any]] = list(fn.env.items())
        pairs += [
            (
                env,
                fmt(
                    "@Microsoft.KeyVault(SecretUri=https://{0}.vault.azure.net/secrets/"
                    + secret
                    + "/)",
                    ref("kv", "name"),
                ),
            )
            for env, secret in fn.secrets.items()
        ]
        for key, value in pairs:
            where, path = fn.source, f"functions.{fn.name}.env.{key}"
            if key in values and values[key][0] != value:
                problems.append(
                    Diagnostic(
                        "FIAC406",
                        f"{key} is set differently by {values[key][1]!r} and {fn.name!r}; app "
                        "settings are shared by every function of a Function App",
                        "give the variables different names, or the same value",
                        where,
                        path,
                    )
                )
            elif key.startswith(("AzureWebJobs", "FUNCTIONS_", "WEBSITE_", "FAAS_", "AZURE_")):
                problems.append(
                    Diagnostic(
                        "FIAC406",
                        f"{key} of {fn.name!r} is reserved by the Azure host or faas-iac",
                        "rename the variable",
                        where,
                        path,
                    )
                )
            else:
                values[key] = (value, fn.name)
    return [{"name": k, "value": v[0]} for k, v in sorted(values.items())]


def _function_app(
    b: PlanBuilder,
    app: AppModel,
    opts: AzureOptions,
    names: Names,
    settings: list[dict[str, Any]],
    python: str,
) -> None:
    site_config: dict[str, Any] = {
        "app_settings": settings,
        "min_tls_version": "1.2",
        "ftps_state": "Disabled",
        "http20_enabled": True,
    }
    props: dict[str, Any] = {
        "resource_group_name": RG,
        "name": names.global_name("func"),
        "kind": "functionapp,linux",
        "server_farm_id": ref("plan"),
        "https_only": True,
        "identity": {"type": "UserAssigned", "user_assigned_identities": [ref("identity")]},
        "site_config": site_config,
    }
    if b.has("kv"):
        props["key_vault_reference_identity"] = ref("identity")
    if opts.plan == "flex":
        props["function_app_config"] = _flex_config(app, python)
    else:
        site_config["linux_fx_version"] = f"Python|{python}"
        always = max((fn.scaling.min_instances for fn in app.functions), default=0)
        if opts.plan == "premium" and always:
            site_config["minimum_elastic_instance_count"] = always
            site_config["pre_warmed_instance_count"] = always
        if _max_instances(app):
            site_config["function_app_scale_limit"] = _max_instances(app)
    deps = tuple(sorted(n for n in b.resources if n.startswith("ra-storage-")))
    b.add("web:WebApp", "app", props, deps)


def _flex_config(app: AppModel, python: str) -> dict[str, Any]:
    memory = max((fn.memory for fn in app.functions), default=512)
    size = next(m for m in FLEX_MEMORY if m >= memory)  # check_limits refused anything larger
    scale: dict[str, Any] = {
        "maximum_instance_count": _max_instances(app) or 100,
        "instance_memory_mb": size,
    }
    always: dict[str, int] = {}
    for fn in app.functions:
        if fn.scaling.min_instances:
            group = (
                "http"
                if fn.trigger.type == "http"
                else ("durable" if fn.kind != "function" else f"function:{fn.name}")
            )
            always[group] = max(always.get(group, 0), fn.scaling.min_instances)
    if always:
        scale["always_ready"] = [
            {"name": k, "instance_count": v} for k, v in sorted(always.items())
        ]
    http = [fn.scaling.concurrency for fn in app.functions if fn.trigger.type == "http"]
    if http and max(http) > 1:
        scale["triggers"] = {"http": {"per_instance_concurrency": max(http)}}
    return {
        "deployment": {
            "storage": {
                "type": "blobContainer",
                "value": fmt(
                    "https://{0}.blob.core.windows.net/" + PACKAGE_CONTAINER, ref("storage", "name")
                ),
                "authentication": {
                    "type": "UserAssignedIdentity",
                    "user_assigned_identity_resource_id": ref("identity"),
                },
            }
        },
        "runtime": {"name": "python", "version": python},
        "scale_and_concurrency": scale,
    }


def plan(app: AppModel, build: BuildContext) -> Plan:
    """The plan, or one :class:`NotExpressible` listing every refusal (the compile options,
    which everything else depends on, are refused on their own first)."""
    opts = parse(build.options)
    names = Names(app.name, opts.suffix)
    problems: list[Diagnostic] = []
    python = _python_version(app, problems)
    _check_http(app, problems)
    _check_schedules(app, problems)
    _collect(problems, lambda: check_limits(app, opts))
    tz = _collect(problems, lambda: time_zone(app, opts))
    host = _collect(problems, lambda: host_json(app, opts))
    durable = host is not None and "durableTask" in host.get("extensions", {})
    b = PlanBuilder(app.name)
    _core(b, app, names, opts, durable)
    services = infra.queue_services(app, opts)
    infra.resources(b, app, names, services)
    for fn in app.functions:
        _collect(problems, partial(infra.bindings, b, fn, services))
        _collect(problems, partial(infra.trigger, b, fn, app, services))
    b.role_assignments()
    settings = app_settings(b, app, opts, services, tz, problems)
    if problems:
        raise NotExpressible(problems)
    _function_app(b, app, opts, names, settings, python)
    b.add(
        "storage:Blob",
        "app-code",
        {
            "resource_group_name": RG,
            "account_name": ref("storage", "name"),
            "container_name": PACKAGE_CONTAINER,
            "blob_name": PACKAGE_BLOB,
            "type": "Block",
            "content_type": "application/zip",
        },
        ("app", "package-container"),
        artifact=build.code.name,
    )
    return Plan(
        provider="azure",
        app=app.name,
        resources=ordered(list(b.resources.values())),
        artifacts=(build.code,),
        outputs={
            "url": fmt("https://{0}/api", ref("app", "default_host_name")),
            "function_app": ref("app", "name"),
            "resource_group": ref("rg", "name"),
            "plan": opts.plan,
        },
    )
