"""What the generated ``function_app.py`` calls: resolve the user's handler, build the
portable ``Context``, convert the Azure input, call the handler, convert the result back.

Dispatch is by a typed table from trigger kind to converter, never by building names.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
import uuid
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import azure.durable_functions as df
import azure.functions as func

from faas_iac.runtime import redact
from faas_iac.runtime.handlers import Handler, resolve
from faas_iac.runtime.types import Bindings, Context

from . import convert
from .bindings import AzureBindings
from .durable import DurableClient, OrchestrationContext, bridge, retry_loop
from .localtime import Fields, local_fire

#: trigger kind → converter of the Azure input into the portable argument(s).
CONVERTERS: dict[str, Callable[[Any, str], Any]] = {
    "http": lambda req, _src: convert.to_http_request(req),
    "timer": lambda timer, _src: convert.to_timer_info(timer),
    "queue": convert.to_queue_message,
    "servicebus": convert.to_servicebus_message,
    "eventhub": convert.to_eventhub_message,
    "eventgrid": lambda event, _src: convert.to_cloud_event(event),
    "blob": lambda blob, _src: convert.to_blob_event(blob),
    "cosmos": lambda docs, src: convert.to_record_events(docs, src),
}


@dataclass(frozen=True)
class FunctionInfo:
    """What the generated app knows of one function (written as literals by the emitter)."""

    handler: str
    trigger: str = ""
    source: str = ""
    timeout: int = 30
    allowed: Mapping[str, str] = field(default_factory=dict)
    #: a schedule in a time zone whose timer fires on UTC: (zone, local fields, UTC fields)
    local: tuple[str, Fields, Fields] | None = None


class Runtime:
    def __init__(
        self,
        functions: Mapping[str, FunctionInfo],
        bindings: Bindings | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.functions = dict(functions)
        self._bindings = bindings
        self.clock = clock
        self._handlers: dict[str, Handler] = {}

    @property
    def bindings(self) -> Bindings:
        if self._bindings is None:
            self._bindings = AzureBindings()
        return self._bindings

    def handler(self, name: str) -> Handler:
        """The user's handler of function ``name``, with its signature decided once. Every
        invocation passes here: the worker's log handlers are made to mask every secret value
        read (:mod:`faas_iac.runtime.redact`)."""
        redact.install()
        found = self._handlers.get(name)
        if found is None:
            found = self._handlers[name] = Handler(resolve(self.functions[name].handler))
        return found

    def context(
        self, name: str, invocation: func.Context | None = None, durable: Any = None
    ) -> Context:
        info = self.functions[name]
        invocation_id = getattr(invocation, "invocation_id", None) or str(uuid.uuid4())
        return Context(
            invocation_id=invocation_id,
            function_name=name,
            bindings=self.bindings,
            allowed=dict(info.allowed),
            deadline=time.time() + info.timeout,
            logger=logging.getLogger(f"faas_iac.function.{name}"),
            durable=durable,
        )

    def _call(self, name: str, native: Any, ctx: Context) -> Any:
        info = self.functions[name]
        arg = CONVERTERS[info.trigger](native, info.source)
        if info.local is not None:
            tz, local, utc = info.local
            fired = local_fire(local, tz, utc, self.clock())
            if fired is None:
                return None  # a UTC firing for another offset of the zone: not asked for
            arg = arg._replace(scheduled_time=fired)
        handler = self.handler(name)
        items = arg if info.trigger == "cosmos" else [arg]
        out = [handler(item, lambda: ctx) for item in items]
        if info.trigger == "http":
            return convert.from_http_response(out[0])
        return None

    def invoke(self, name: str, native: Any, invocation: func.Context | None = None) -> Any:
        """Run a (non-durable-client) function: Azure input in, Azure output out."""
        return self._call(name, native, self.context(name, invocation))

    async def invoke_with_client(
        self, name: str, native: Any, client: Any, invocation: func.Context | None = None
    ) -> Any:
        """Run a function that has ``durable_client=True``: the handler runs in a worker
        thread, so its synchronous ``ctx.durable`` calls can use this event loop."""
        loop = asyncio.get_running_loop()
        native_client = (
            client
            if isinstance(client, df.DurableOrchestrationClient)
            else df.DurableOrchestrationClient(client)
        )
        ctx = self.context(name, invocation, DurableClient(native_client, loop))
        return await asyncio.to_thread(self._call, name, native, ctx)

    # durable functions --------------------------------------------------------------------
    def orchestrate(self, name: str, context: df.DurableOrchestrationContext) -> Any:
        """The user's generator on Azure's context (see ``durable.OrchestrationContext``)."""
        produced = self.handler(name).fn(OrchestrationContext(context))
        if inspect.isgenerator(produced):
            return bridge(produced)
        return produced

    def retry_loop(self, context: df.DurableOrchestrationContext) -> Generator[Any, Any, Any]:
        return retry_loop(context)

    def activity(self, name: str, payload: Any, invocation: func.Context | None = None) -> Any:
        return self.handler(name)(payload, lambda: self.context(name, invocation))

    def entity(self, name: str, context: df.DurableEntityContext) -> Any:
        return self.handler(name).fn(context)
