"""Runs an orchestrator on the local durable engine (faas_iac.durable): the meaning the
translations must keep. The engine runs on the harness's scaled clock (its clock parameter);
activity calls are recorded as the engine makes them."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from faas_iac.durable import codec
from faas_iac.durable.clock import SYSTEM, Clock
from faas_iac.durable.engine import Engine
from faas_iac.durable.host import registry_of
from faas_iac.durable.orchestration import TERMINAL
from faas_iac.durable.store import Store
from faas_iac.model import AppModel, Function
from faas_iac.translate import handler_of

from .outcome import Ran, Recorder, innermost

#: Real seconds a run may take before the harness calls it stuck.
REAL_TIMEOUT = 30.0


class LocalRunner:
    def __init__(self, engine: Engine, recorder: Recorder) -> None:
        self.engine = engine
        self.recorder = recorder

    def _instance(self, iid: str) -> Any:
        row = self.engine.store.instance(iid)
        assert row is not None
        return row

    def _waits_for(self, iid: str, event: str) -> bool:
        """Whether the instance waits for ``event`` now (read on the engine's thread; the
        engine keeps no public view of an instance's open event tasks)."""

        def check() -> bool:
            inst = self.engine._cache.get(iid)
            return inst is not None and bool(inst.waiting.get(event))

        return bool(self.engine.call(check).result(REAL_TIMEOUT))

    def deliver(self, iid: str, events: list[tuple[str, Any]]) -> None:
        """Raise each event once the orchestration waits for it (as on every target); stop
        when it has ended."""
        for event, payload in events:
            deadline = time.monotonic() + REAL_TIMEOUT
            while not self._waits_for(iid, event):
                if self._instance(iid).status in TERMINAL:
                    return
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{iid} never waited for {event!r}")
                time.sleep(0.005)
            self.engine.raise_event(iid, event, codec.dumps(payload)).result(REAL_TIMEOUT)

    def run(
        self,
        name: str,
        value: Any,
        events: list[tuple[str, Any]] | None = None,
        instance: str | None = None,
    ) -> Ran:
        self.recorder.take()
        iid = self.engine.start_new(name, instance, codec.dumps(value)).result(REAL_TIMEOUT)
        self.deliver(iid, list(events or []))
        self.engine.wait(iid).result(REAL_TIMEOUT)
        row = self._instance(iid)
        status = codec.loads(row.custom_status) if row.custom_status else None
        output = codec.loads(row.output) if row.output else None
        calls = self.recorder.take()
        if row.status == "Failed":
            # the output of a failed instance is the engine's whole error text; the four-target
            # comparison reads the portable part of it (``error``)
            return Ran("Failed", output, status, innermost(str(output)), calls, iid)
        return Ran(row.status, output, status, None, calls, iid)


def recording(fn: Function, handler: Callable[..., Any], recorder: Recorder) -> Callable[..., Any]:
    """An activity that records its call (signature kept for the engine's argument rules)."""
    if fn.kind != "activity":
        return handler

    @functools.wraps(handler)
    def activity(*args: Any) -> Any:
        recorder.record(fn.name, args[0] if args else None)
        return handler(*args)

    return activity


@contextmanager
def local_runner(
    model: AppModel, root: Path, state: Path, clock: Clock = SYSTEM
) -> Iterator[LocalRunner]:
    recorder = Recorder()
    registry = registry_of(model, lambda fn: recording(fn, handler_of(fn), recorder))
    # durability "normal" (no fsync per commit): the same meaning, less time between steps
    engine = Engine(registry, Store(state / "d.sqlite3", durability="normal"), clock)
    engine.start()
    try:
        yield LocalRunner(engine, recorder)
    finally:
        engine.stop()
