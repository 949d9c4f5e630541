"""Calling one function's handler: its context, its worker pool, its timeout.

A sync handler runs in the function's own thread pool (``scaling.max_instances`` threads, so
that is its concurrency); an async one runs on the event loop. A handler that outlives its
timeout is abandoned (a thread cannot be killed) and the call fails with
:class:`HandlerTimeout`; the caller decides the status, retry or dead letter.
"""

from __future__ import annotations

import asyncio
import inspect
import time
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from ..model import Function
from ..runtime.types import Bindings, Context
from .handlers import wants_context
from .logs import invocation_logger

DEFAULT_WORKERS = 8


class HandlerTimeout(Exception):
    def __init__(self, seconds: float) -> None:
        super().__init__(f"the handler ran longer than its timeout of {seconds:g} s")


def new_invocation_id() -> str:
    return uuid.uuid4().hex


class Invoker:
    def __init__(
        self,
        fn: Function,
        handler: Callable[..., Any],
        bindings: Bindings,
        durable: Any = None,
        *,
        timeout: float | None = None,
    ) -> None:
        self.fn = fn
        self.handler = handler
        self.bindings = bindings
        self.durable = durable if fn.durable_client else None
        self.timeout = float(timeout if timeout is not None else fn.timeout)
        self.workers = fn.scaling.max_instances or DEFAULT_WORKERS
        self.is_async = inspect.iscoroutinefunction(handler)
        self.pass_ctx = wants_context(handler)
        self.allowed: Mapping[str, str] = {b.ref: b.access for b in fn.bindings}
        self._pool: ThreadPoolExecutor | None = None
        self._limit = asyncio.Semaphore(self.workers) if self.is_async else None

    @property
    def pool(self) -> ThreadPoolExecutor:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix=f"fn-{self.fn.name}")
        return self._pool

    def context(self, invocation_id: str, deadline: float) -> Context:
        return Context(
            invocation_id=invocation_id,
            function_name=self.fn.name,
            bindings=self.bindings,
            allowed=self.allowed,
            deadline=deadline,
            logger=invocation_logger(self.fn.name, invocation_id),
            durable=self.durable,
        )

    def _args(self, payload: Any, invocation_id: str, deadline: float) -> tuple[Any, ...]:
        if not self.pass_ctx:
            return (payload,)
        return (payload, self.context(invocation_id, deadline))

    async def call(self, payload: Any, invocation_id: str) -> Any:
        """Run the handler once; raises what it raised, or :class:`HandlerTimeout`."""
        loop = asyncio.get_running_loop()
        args = self._args(payload, invocation_id, time.time() + self.timeout)
        if self._limit is not None:
            async with self._limit:
                return await asyncio.wait_for(self.handler(*args), self.timeout)
        fut = loop.run_in_executor(self.pool, self.handler, *args)
        expired: list[bool] = []

        def expire() -> None:
            if not fut.done():
                expired.append(True)
                fut.cancel()

        timer = loop.call_later(self.timeout, expire)
        try:
            return await fut
        except asyncio.CancelledError:
            if expired:
                raise HandlerTimeout(self.timeout) from None
            raise
        finally:
            timer.cancel()

    def call_sync(self, payload: Any, invocation_id: str) -> Any:
        """Run the handler once in this thread (``faas-iac invoke``); async handlers too."""
        args = self._args(payload, invocation_id, time.time() + self.timeout)
        if self.is_async:
            return asyncio.run(asyncio.wait_for(self.handler(*args), self.timeout))
        return self.handler(*args)

    def close(self, wait: bool = False) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=wait, cancel_futures=True)

