"""One small blueprint per decorator, to ask each provider what it plans: a provider's
capabilities record (``provider.capabilities.plans``) must name exactly the decorators whose
probe compiles for it; every other probe must be refused with a coded error.

Handlers are top-level functions (no target imports a nested one), so each probe is a
``Blueprint`` of this module with the resources it needs declared on it."""

from __future__ import annotations

from typing import Any

from faas_iac import App, Blueprint, Bucket, Context, EventBus, Queue, Stream, Table, Topic
from faas_iac.plan.providers import EVERYTHING

PROBES: dict[str, Blueprint] = {name: Blueprint(name) for name in EVERYTHING}
PROBES["queue"].declare(Queue("jobs"))
PROBES["topic"].declare(Topic("news"))
PROBES["storage"].declare(Bucket("files"))
PROBES["table_changes"].declare(Table("items", key="id"))
PROBES["stream"].declare(Stream("clicks"))
PROBES["event"].declare(EventBus("default"))


def probe(decorator: str) -> App:
    """An app with one function of ``decorator``'s kind (and, for an orchestrator, the
    activity it calls)."""
    app = App("probe")
    app.register(PROBES[decorator])
    if decorator == "orchestrator":
        app.register(PROBES["activity"])
    return app


@PROBES["http"].http("/items/{id}", methods=["GET"])
def get_item(req: Any, ctx: Context) -> dict[str, str]:
    return {"id": req.route_params["id"]}


@PROBES["schedule"].schedule("0 2 * * *")
def nightly(timer: Any, ctx: Context) -> None: ...


@PROBES["queue"].queue("jobs")
def on_job(msg: Any, ctx: Context) -> None: ...


@PROBES["topic"].topic("news")
def on_news(msg: Any, ctx: Context) -> None: ...


@PROBES["storage"].storage("files")
def on_file(event: Any, ctx: Context) -> None: ...


@PROBES["table_changes"].table_changes("items")
def on_item(event: Any, ctx: Context) -> None: ...


@PROBES["stream"].stream("clicks")
def on_click(record: Any, ctx: Context) -> None: ...


@PROBES["event"].event({"source": ["shop"]})
def on_event(event: Any, ctx: Context) -> None: ...


@PROBES["orchestrator"].orchestrator
def chain(ctx: Any) -> Any:
    greeting = yield ctx.call_activity("hello", "Tokyo")
    return greeting


@PROBES["activity"].activity
def hello(city: str) -> str:
    return f"Hello {city}"


@PROBES["entity"].entity
def counter(ctx: Any) -> None:
    ctx.set_state((ctx.get_state(lambda: 0) or 0) + 1)
