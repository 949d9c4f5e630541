"""``host.json`` of the generated app, from the model: extension bundle, function timeout,
queue / Service Bus / Event Hubs settings, and the Durable Functions task hub and limits."""

from __future__ import annotations

import json
from typing import Any

from faas_iac.model import AppModel

from .options import AzureOptions, alnum

BUNDLE = {"id": "Microsoft.Azure.Functions.ExtensionBundle", "version": "[4.*, 5.0.0)"}


def _duration(seconds: int) -> str:
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h:02d}:{m:02d}:{s:02d}"


def task_hub(app: AppModel) -> str:
    hub = app.durable.task_hub or (alnum(app.name) or "app") + "hub"
    return hub if hub[0].isalpha() else f"h{hub}"


def host_json(app: AppModel, opts: AzureOptions) -> dict[str, Any]:
    timeout = max((fn.timeout for fn in app.functions), default=30)
    host: dict[str, Any] = {
        "version": "2.0",
        "extensionBundle": BUNDLE,
        "functionTimeout": _duration(timeout),
        "logging": {"applicationInsights": {"samplingSettings": {"isEnabled": True}}},
    }
    ext: dict[str, Any] = {}
    queue_triggers = [fn.trigger for fn in app.functions if fn.trigger.type == "queue"]
    if queue_triggers:
        batch = max(getattr(t, "batch_size", 1) for t in queue_triggers)
        deliveries = max((getattr(t, "max_deliveries", None) or 5) for t in queue_triggers)
        ext["queues"] = {
            "batchSize": min(batch, 32),
            "maxDequeueCount": deliveries,
            "messageEncoding": "base64",  # the adapter sends bytes base64-encoded
        }
        ext["serviceBus"] = {"maxConcurrentCalls": min(batch, 32) * 2, "autoCompleteMessages": True}
    streams = [fn.trigger for fn in app.functions if fn.trigger.type == "stream"]
    if streams:
        earliest = any(getattr(t, "starting_position", "") == "earliest" for t in streams)
        ext["eventHubs"] = {
            "maxEventBatchSize": max(getattr(t, "batch_size", 100) for t in streams),
            "initialOffsetOptions": {"type": "fromStart" if earliest else "fromEnd"},
        }
    if any(fn.kind != "function" for fn in app.functions) or any(
        fn.durable_client for fn in app.functions
    ):
        ext["durableTask"] = {
            "hubName": task_hub(app),
            "maxConcurrentActivityFunctions": app.durable.max_concurrent_activities,
            "maxConcurrentOrchestratorFunctions": app.durable.max_concurrent_orchestrations,
            "storageProvider": {"type": "AzureStorage", "connectionName": "AzureWebJobsStorage"},
        }
    http = [fn for fn in app.functions if fn.trigger.type == "http"]
    if http:
        ext["http"] = {"routePrefix": "api"}
    if ext:
        host["extensions"] = dict(sorted(ext.items()))
    return host


def render(app: AppModel, opts: AzureOptions) -> str:
    return json.dumps(host_json(app, opts), indent=2, sort_keys=True) + "\n"
