"""The ``local`` provider: what ``faas-iac dev`` will run, as an inspectable plan.

Pure: reads the model, returns records. The dev host reads the same model; this plan is the
review of what it will start (ports, routes, schedules, queues, worker pools, state files).
"""

from __future__ import annotations

from typing import Any

from ..model import AppModel, Function
from ..plan.model import Plan, PlanResource, ordered
from ..plan.providers import EVERYTHING, BuildContext, Capabilities

HOST = "127.0.0.1"
PORT = 7071
DEFAULT_WORKERS = 8


def _res(type_: str, name: str, props: dict[str, Any], deps: tuple[str, ...] = ()) -> PlanResource:
    return PlanResource(type=f"local:{type_}", name=name, properties=props, depends_on=deps)


def _function(fn: Function, artifact: str) -> PlanResource:
    props: dict[str, Any] = {
        "kind": fn.kind,
        "handler": fn.handler.model_dump(mode="json", exclude_none=True),
        "runtime": fn.runtime,
        "timeout": fn.timeout,
        "workers": fn.scaling.max_instances or DEFAULT_WORKERS,
        "env": dict(sorted(fn.env.items())),
        "secrets": dict(sorted(fn.secrets.items())),
        "bindings": [b.ref + ":" + b.access for b in fn.bindings],
        "durable_client": fn.durable_client,
    }
    if not fn.handler.python:
        props["note"] = f"{fn.runtime} runs only on the cloud targets; locally it is not started"
    res = _res("function", f"fn-{fn.name}", props, ("state",))
    return res.model_copy(update={"artifact": artifact})


def _trigger(fn: Function) -> PlanResource | None:
    t = fn.trigger
    deps = (f"fn-{fn.name}",)
    if t.type == "http":
        props: dict[str, Any] = {
            "route": "/api" + t.route,
            "methods": list(t.methods),
            "auth": t.auth,
        }
        return _res("route", f"route-{fn.name}", props, (*deps, "http-server"))
    if t.type == "schedule":
        props = {"cron": t.cron, "every": t.every, "tz": t.tz, "run_on_startup": t.run_on_startup}
        return _res("schedule", f"schedule-{fn.name}", props, deps)
    sources = {
        "queue": ("queue", getattr(t, "queue", "")),
        "topic": ("topic", getattr(t, "topic", "")),
        "storage": ("bucket", getattr(t, "bucket", "")),
        "table": ("table", getattr(t, "table", "")),
        "stream": ("stream", getattr(t, "stream", "")),
        "event": ("bus", getattr(t, "bus", "")),
    }
    if t.type in sources:
        kind, name = sources[t.type]
        props = t.model_dump(mode="json", exclude={"type"})
        return _res("subscription", f"sub-{fn.name}", props, (*deps, f"{kind}-{name}"))
    return None


def plan(app: AppModel, build: BuildContext) -> Plan:
    state = {
        "dir": ".faas",
        "engine": "sqlite",
        "file": ".faas/local.sqlite",
        "wal": True,
        "keys": ".faas/keys.json",
        "secrets": ".faas/secrets.env",
    }
    resources = [_res("state", "state", state)]
    if any(fn.trigger.type == "http" for fn in app.functions) or app.by_kind("orchestrator"):
        resources.append(
            _res("http-server", "http-server", {"host": HOST, "port": PORT, "prefix": "/api"})
        )
    for res in app.resources:
        props = res.model_dump(mode="json", exclude={"kind", "name"})
        if res.kind == "bucket":
            props["folder"] = f".faas/buckets/{res.name}"
        resources.append(_res(res.kind, f"{res.kind}-{res.name}", props, ("state",)))
    for fn in app.functions:
        resources.append(_function(fn, build.code.name))
        trigger = _trigger(fn)
        if trigger is not None:
            resources.append(trigger)
    if any(fn.kind != "function" for fn in app.functions):
        props = {
            "file": ".faas/durable.sqlite3",
            "synchronous": app.durable.durability.upper(),
            "max_concurrent_activities": app.durable.max_concurrent_activities,
            "max_concurrent_orchestrations": app.durable.max_concurrent_orchestrations,
        }
        resources.append(_res("durable-store", "durable-store", props, ("state",)))
    return Plan(
        provider="local",
        app=app.name,
        resources=ordered(resources),
        artifacts=(build.code,),
        outputs={"url": f"http://{HOST}:{PORT}/api"},
    )


class LocalProvider:
    name = "local"
    capabilities = Capabilities(
        plans=EVERYTHING,
        deploys=("dev",),
        tested=("azure-functions-durable replay", "moto event patterns"),
    )

    def plan(self, app: AppModel, build: BuildContext) -> Plan:
        return plan(app, build)


provider = LocalProvider()
