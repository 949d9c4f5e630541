"""The local host: one app, one state folder, every trigger running on this machine.

Stages at start: load the app (the only place user code is imported) → keys and secrets →
store (SQLite, WAL) → bindings → one :class:`Invoker` per function → HTTP routes, consumers,
schedules, the durable engine. A reload builds a new :class:`Runtime` from the changed source
and swaps it in only when it loaded cleanly; the store and the HTTP server stay up.
"""

from __future__ import annotations

import asyncio
import fcntl
import importlib
import json
import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from ..errors import FaasError
from ..loader import load_app
from ..model import AppModel, Function, build_model
from .admin import AdminApi
from .asgi import DEFAULT_MAX_BODY, HostApp, HttpRoute, Served
from .bindings import LocalBindings
from .clock import SYSTEM, Clock
from .handlers import forget_modules, resolve
from .invoker import Invoker, activity_contexts
from .keys import Keys, Secrets, load_keys
from .logs import redact
from .routes import Router
from .workers import Consumer, Scheduler

log = logging.getLogger("faas_iac.host")
DURABLE_KINDS = ("orchestrator", "activity", "entity")
SHUTDOWN_GRACE_S = 10.0


def load_model(target: str) -> tuple[AppModel, Path]:
    loaded = load_app(target)
    return build_model(loaded.app, loaded.root), loaded.root


def _durable_host_class() -> Any:
    try:
        module = importlib.import_module("faas_iac.durable.host")
    except ImportError:
        return None
    return getattr(module, "DurableHost", None)


@dataclass
class Runtime:
    """Everything built from one version of the app's source."""

    model: AppModel
    root: Path
    bindings: LocalBindings
    invokers: dict[str, Invoker]
    consumers: list[Consumer] = field(default_factory=list)
    scheduler: Scheduler | None = None
    durable: Any = None

    async def stop_sources(self) -> None:
        """Stop what only one version may run at a time: schedules and the durable engine."""
        if self.scheduler is not None:
            await self.scheduler.stop()
        if self.durable is not None:
            try:
                await self.durable.stop()
            except Exception:
                log.exception("the durable engine failed to stop cleanly")

    async def stop_workers(self, grace: float) -> None:
        """Let running handlers finish for ``grace`` s, requeue the rest, close the pools
        (calls already queued to a pool still run)."""
        await asyncio.gather(*(c.stop(grace) for c in self.consumers))
        for invoker in self.invokers.values():
            invoker.close()

    async def stop(self, grace: float) -> None:
        await self.stop_sources()
        await self.stop_workers(grace)


class Host:
    def __init__(
        self,
        target: str,
        state: Path,
        *,
        url: str = "",
        max_body: int = DEFAULT_MAX_BODY,
        durable_host: Callable[[], Any] = _durable_host_class,
        clock: Clock = SYSTEM,
        resolver: Callable[[Function], Callable[..., Any]] = resolve,
    ) -> None:
        from .store import Store

        self.target, self.state, self.url = target, state, url
        self.clock = clock
        self._resolve = resolver
        self._durable_host = durable_host
        state.mkdir(parents=True, exist_ok=True)
        self._lock_file = (state / "host.lock").open("w")
        try:
            fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise FaasError.one(
                "FIAC810",
                f"another faas-iac dev is already using the state folder {state}",
                fix="stop it first, or give this one its own --state-dir",
            ) from None
        self.store = Store(state / "local.sqlite", clock)
        self.runtime: Runtime | None = None
        self.keys = Keys("", {})
        self.app = HostApp(Served(Router([])), self.keys, max_body)
        self._loop: asyncio.AbstractEventLoop | None = None

    # -- building -------------------------------------------------------------------------------
    def _notify(self, channel: str) -> None:
        loop = self._loop
        if loop is None or self.runtime is None:
            return
        for consumer in self.runtime.consumers:
            if consumer.channel == channel:
                loop.call_soon_threadsafe(consumer.wake.set)

    def build(self, model: AppModel, root: Path) -> Runtime:
        secret_names = {r.name for r in model.resources if r.kind == "secret"}
        secrets = Secrets(self.state, secret_names, on_read=redact)
        secrets.snapshot()  # every value set now is redacted from the logs from now on
        for fn in model.functions:
            for key, value in fn.env.items():
                os.environ.setdefault(key, value)
        bindings = LocalBindings(model, self.store, self.state, secrets, self._notify)
        invokers = {
            fn.name: Invoker(fn, self._resolve(fn), bindings)
            for fn in model.functions
            if fn.handler.python and fn.kind not in DURABLE_KINDS
        }
        return Runtime(model, root, bindings, invokers)

    async def _start_durable(self, rt: Runtime) -> None:
        if not any(fn.kind in DURABLE_KINDS for fn in rt.model.functions):
            return
        cls = self._durable_host()
        if cls is None:
            log.warning(
                "this app has durable functions but the durable engine (faas_iac.durable.host) "
                "is not installed; serving everything else"
            )
            return
        keys = self.keys

        def check_key(headers: Mapping[str, str], query: Mapping[str, str]) -> bool:
            lower = {k.lower(): v for k, v in headers.items()}
            return keys.is_master(lower.get("x-functions-key") or query.get("code"))

        rt.durable = cls(
            rt.model,
            self._resolve,
            self.state,
            check_key=check_key,
            base_url=self.url,
            max_body=self.app.max_body,
            context=activity_contexts(rt.model, rt.bindings),
            clock=self.clock,
        )
        await rt.durable.start()
        client = rt.durable.client()
        for invoker in rt.invokers.values():
            if invoker.fn.durable_client:
                invoker.durable = client

    async def activate(self, rt: Runtime) -> None:
        await self.prepare(rt)
        for consumer in rt.consumers:
            consumer.start()
        assert rt.scheduler is not None
        rt.scheduler.start()

    async def prepare(self, rt: Runtime) -> None:
        """Make ``rt`` the served version: keys, the durable engine (started), HTTP routes,
        consumers and the scheduler (built, not started: :meth:`activate` starts their loops;
        the test kit drives them itself)."""
        self.keys = load_keys(self.state, [fn.name for fn in rt.model.functions])
        await self._start_durable(rt)
        routes = []
        for fn in rt.model.functions:
            t = fn.trigger
            if t.type == "http":
                target = HttpRoute(fn, rt.invokers.get(fn.name), t.auth == "anonymous")
                routes.append((t.route, t.methods, target))
        rt.consumers = [
            Consumer(rt.model, inv, self.store)
            for inv in rt.invokers.values()
            if inv.fn.trigger.type not in ("http",)
        ]
        schedules = [
            fn
            for fn in rt.model.functions
            if fn.trigger.type == "schedule" and fn.name in rt.invokers
        ]
        rt.scheduler = Scheduler(schedules, self.store, self._notify, self.clock)
        self.runtime = rt
        self.app.keys = self.keys
        self.app.served = Served(
            Router(routes),
            AdminApi(rt.model, rt.bindings, self.keys, self.app.max_body),
            getattr(rt.durable, "management_app", None),
        )

    # -- lifecycle ------------------------------------------------------------------------------
    async def start(self) -> Runtime:
        self._loop = asyncio.get_running_loop()
        recovered = self.store.recover()
        model, root = load_model(self.target)
        rt = self.build(model, root)
        await self.activate(rt)
        if recovered:
            log.info(f"requeued {recovered} deliveries claimed by a previous run")
        return rt

    async def reload(self) -> bool:
        """Rebuild from the changed source; keep the running version if it does not load."""
        assert self.runtime is not None
        old = self.runtime
        forget_modules(old.root)
        try:
            model, root = load_model(self.target)
            rt = self.build(model, root)
        except FaasError as exc:
            log.error(
                "reload failed, still serving the previous version:\n" + exc.render(),
                extra={"code": exc.codes[0] if exc.codes else None},
            )
            return False
        # The new version takes requests before the old one drains, so a reload drops none.
        await old.stop_sources()
        await self.activate(rt)
        await old.stop_workers(grace=SHUTDOWN_GRACE_S)
        log.info(f"reloaded app {model.name!r} ({len(model.functions)} functions)")
        return True

    async def stop(self) -> None:
        if self.runtime is not None:
            await self.runtime.stop(grace=SHUTDOWN_GRACE_S)
        (self.state / "host.json").unlink(missing_ok=True)
        self.store.close()
        self._lock_file.close()

    def write_info(self, url: str) -> None:
        info = {"url": url, "pid": os.getpid()}
        (self.state / "host.json").write_text(json.dumps(info) + "\n", encoding="utf-8")

    def banner(self, url: str, out: TextIO) -> None:
        rt = self.runtime
        assert rt is not None
        lines = [
            f"faas-iac dev: app {rt.model.name!r} on {url}/api  (state: {self.state})",
            f"  master key (every function, /admin, durable API): {self.keys.master}",
        ]
        factor = getattr(self.clock, "factor", None)
        if factor is not None:
            lines.append(
                f"  time runs {factor:g}x faster (--time-scale): durable timers, schedules, "
                "queue visibility and retry delays; HTTP and handler timeouts do not"
            )
        for fn in rt.model.functions:
            t = fn.trigger
            local = fn.name in rt.invokers or fn.kind in DURABLE_KINDS
            note = "" if local else f"  [{fn.name}: {fn.runtime} is not run locally]"
            if t.type == "http":
                key = "anonymous"
                if t.auth != "anonymous":
                    key = "key " + self.keys.functions[fn.name]
                methods = ",".join(t.methods)
                lines.append(f"  {methods:<12} {url}/api{t.route}  -> {fn.name} ({key}){note}")
            else:
                lines.append(f"  {t.type:<12} {fn.name}{note}")
        out.write("\n".join(lines) + "\n")
        out.flush()
