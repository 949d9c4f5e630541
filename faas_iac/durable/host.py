"""``DurableHost``: the durable engine inside the local host (``faas-iac dev``).

The host builds it from the app model, calls ``await start()`` inside its event loop and
``await stop()`` at shutdown, puts ``client()`` into ``ctx.durable`` of functions declared
with ``durable_client=True``, and forwards every request under
``/runtime/webhooks/durabletask`` to ``management_app`` (ASGI), scope unchanged.

State lives in ``<state_dir>/durable.sqlite3`` (the event store) and
``<state_dir>/durable.secret`` (signs per-instance management links; mode 0600).
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ..local.asgi import DEFAULT_MAX_BODY
from ..local.keys import same_secret
from ..model import AppModel, Function
from .activities import ContextFactory, bare_context
from .client import DurableClient, Signer
from .clock import SYSTEM, Clock
from .engine import Engine, Registry
from .management import KeyCheck, ManagementApp
from .store import Store

DEFAULT_URL = "http://127.0.0.1:7071"
_KINDS = {"orchestrator": "orchestrators", "activity": "activities", "entity": "entities"}


def registry_of(
    model: AppModel,
    resolve: Callable[[Function], Callable[..., Any]],
    context: ContextFactory = bare_context,
) -> Registry:
    """The orchestrators, activities and entities of an app, resolved, with their limits."""
    registry = Registry(
        max_activities=model.durable.max_concurrent_activities,
        max_orchestrations=model.durable.max_concurrent_orchestrations,
        context=context,
    )
    for fn in model.functions:
        table = _KINDS.get(fn.kind)
        if table is None:
            continue
        getattr(registry, table)[fn.name] = resolve(fn)
        if fn.scaling.max_instances is not None:
            registry.limits[fn.name] = fn.scaling.max_instances
    return registry


def admin_key_check(state_dir: Path) -> KeyCheck:
    """The default check: the master key of ``<state_dir>/keys.json``, as ``?code=`` or
    ``x-functions-key``. With no key file, nothing passes (secure by default)."""

    def check(headers: Mapping[str, str], query: Mapping[str, str]) -> bool:
        try:
            master = json.loads((state_dir / "keys.json").read_text())["master"]
        except (OSError, ValueError, KeyError, TypeError):
            return False
        given = query.get("code") or headers.get("x-functions-key") or ""
        return bool(given) and same_secret(given, str(master))

    return check


def _secret(path: Path) -> bytes:
    if path.exists():
        return path.read_bytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(value)
    return value


class DurableHost:
    def __init__(
        self,
        model: AppModel,
        resolve: Callable[[Function], Callable[..., Any]],
        state_dir: Path,
        *,
        check_key: KeyCheck | None = None,
        base_url: str | None = None,
        max_body: int = DEFAULT_MAX_BODY,
        context: ContextFactory = bare_context,
        clock: Clock = SYSTEM,
    ) -> None:
        self.model = model
        self.state_dir = Path(state_dir)
        self.engine = Engine(
            registry_of(model, resolve, context),
            Store(self.state_dir / "durable.sqlite3", model.durable.durability),
            clock,
        )
        signer = Signer(_secret(self.state_dir / "durable.secret"))
        hub = model.durable.task_hub or "".join(c for c in model.name if c.isalnum()) or "faas"
        url = base_url or os.environ.get("FAAS_IAC_URL", DEFAULT_URL)
        self._client = DurableClient(self.engine, signer, url, hub)
        self.management_app = ManagementApp(
            self.engine,
            self._client,
            signer,
            check_key or admin_key_check(self.state_dir),
            max_body,
        )
        self._started = False

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self.engine.loop = loop
        await loop.run_in_executor(None, self.engine.start)
        self._started = True

    async def stop(self) -> None:
        if self._started:
            await asyncio.get_running_loop().run_in_executor(None, self.engine.stop)
            self._started = False

    def client(self) -> DurableClient:
        return self._client
