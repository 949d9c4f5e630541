"""Runs an orchestrator on the local durable engine (faas_iac.durable): the meaning the
translations must keep."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from faas_iac.durable import codec
from faas_iac.durable.engine import Engine
from faas_iac.durable.host import registry_of
from faas_iac.durable.store import Store
from faas_iac.model import AppModel
from faas_iac.translate import handler_of


@dataclass
class Outcome:
    status: str
    output: Any
    custom_status: Any = None


class LocalRunner:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def run(
        self,
        name: str,
        value: Any,
        events: list[tuple[str, Any]] | None = None,
        timeout: float = 30,
    ) -> Outcome:
        iid = self.engine.start_new(name, None, codec.dumps(value)).result(timeout)
        for event, payload in events or []:
            time.sleep(0.2)  # let the orchestrator reach its wait (an early event is buffered)
            self.engine.raise_event(iid, event, codec.dumps(payload)).result(timeout)
        self.engine.wait(iid).result(timeout)
        row = self.engine.store.instance(iid)
        assert row is not None
        while row.status == "ContinuedAsNew":  # pragma: no cover - the engine keeps the id
            time.sleep(0.05)
            row = self.engine.store.instance(iid)
            assert row is not None
        status = codec.loads(row.custom_status) if row.custom_status else None
        return Outcome(row.status, codec.loads(row.output) if row.output else None, status)


@contextmanager
def local_runner(model: AppModel, root: Path, state: Path) -> Iterator[LocalRunner]:
    engine = Engine(registry_of(model, handler_of), Store(state / "d.sqlite3"))
    engine.start()
    try:
        yield LocalRunner(engine)
    finally:
        engine.stop()
