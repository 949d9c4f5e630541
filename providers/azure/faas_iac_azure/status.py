"""``faas-iac status APP --provider azure``: the deployed Function App through azure-mgmt-web
(the one I/O boundary of this module). Reads state, host name, functions and the *names* of
app settings; host keys are only checked for presence. Values are never kept or printed.

Also the portable durable client of a deployed app: Azure's Durable HTTP management API,
authenticated with the Durable extension's system key.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from faas_iac.errors import FaasError
from faas_iac.plan.providers import AppStatus, FunctionState

from .plan.hostjson import task_hub

if TYPE_CHECKING:
    from faas_iac.durable import HttpDurableClient
    from faas_iac.plan.pipeline import Compiled

DURABLE_KEY = "durabletask_extension"


def target(compiled: Compiled) -> tuple[str, str]:
    """(resource group, Function App name): deterministic, read from the plan."""
    plan = compiled.plan
    return (
        str(plan.resource("rg").properties["resource_group_name"]),
        str(plan.resource("app").properties["name"]),
    )


def subscription_id() -> str:
    """The subscription to look in (``AZURE_SUBSCRIPTION_ID``), or FIAC410."""
    subscription = os.environ.get("AZURE_SUBSCRIPTION_ID", "")
    if not subscription:
        raise FaasError.one(
            "FIAC410",
            "no Azure subscription to look in",
            fix="set AZURE_SUBSCRIPTION_ID (az account show --query id -o tsv)",
        )
    return subscription


def management_client(compiled: Compiled) -> Any:
    subscription = subscription_id()
    try:
        from azure.identity import DefaultAzureCredential
    except ImportError:
        raise FaasError.one(
            "FIAC410",
            "azure-identity is not installed, so faas-iac cannot sign in to Azure",
            fix="pip install -e 'providers/azure[deploy]'",
        ) from None
    from azure.mgmt.web import WebSiteManagementClient

    return WebSiteManagementClient(DefaultAzureCredential(), str(subscription))


def _not_deployed(compiled: Compiled, group: str, name: str) -> FaasError:
    return FaasError.one(
        "FIAC411",
        f"Function App {name!r} of app {compiled.plan.app!r} was not found in resource group "
        f"{group!r}",
        fix="deploy it first (pulumi up in stacks/azure), with the same compile options",
    )


def status(compiled: Compiled, client: Any = None) -> AppStatus:
    from azure.core.exceptions import ResourceNotFoundError

    web = client if client is not None else management_client(compiled)
    group, name = target(compiled)
    try:
        site = web.web_apps.get(group, name)
        envelopes = list(web.web_apps.list_functions(group, name))
        settings = web.web_apps.list_application_settings(group, name)
        keys = web.web_apps.list_host_keys(group, name)
    except ResourceNotFoundError:
        raise _not_deployed(compiled, group, name) from None
    functions = []
    for env in envelopes:
        bindings = (env.config or {}).get("bindings", [])
        trigger = next(
            (b.get("type", "") for b in bindings if str(b.get("type", "")).endswith("Trigger")), ""
        )
        short = str(env.name or "").rsplit("/", 1)[-1]
        functions.append(
            FunctionState(short, trigger, "disabled" if env.is_disabled else "enabled")
        )
    system = keys.system_keys or {}
    return AppStatus(
        app=compiled.plan.app,
        provider="azure",
        state=str(site.state or "unknown"),
        url=f"https://{site.default_host_name}/api" if site.default_host_name else "",
        functions=tuple(sorted(functions, key=lambda f: f.name)),
        settings=tuple(sorted((settings.properties or {}).keys())),
        details={
            "resource group": group,
            "function app": name,
            "durable management key": "present" if DURABLE_KEY in system else "absent",
            "task hub": task_hub(compiled.model),
        },
    )


def durable_client(compiled: Compiled, client: Any = None) -> HttpDurableClient:
    """The portable durable client (start_new, get_status, raise_event...) of the deployed
    app, over Azure's Durable HTTP management API with the extension's system key."""
    from faas_iac.durable import HttpDurableClient

    web = client if client is not None else management_client(compiled)
    group, name = target(compiled)
    site = web.web_apps.get(group, name)
    keys = web.web_apps.list_host_keys(group, name)
    key = (keys.system_keys or {}).get(DURABLE_KEY)
    if not key:
        raise FaasError.one(
            "FIAC412",
            f"Function App {name!r} has no {DURABLE_KEY} system key yet",
            fix="the key appears once the app has started with a durable function: call any "
            "function, then retry",
        )
    return HttpDurableClient(f"https://{site.default_host_name}", key, task_hub(compiled.model))
