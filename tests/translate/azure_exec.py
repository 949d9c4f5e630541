"""Runs an orchestrator of the generated Azure Function App through the real
``azure-functions-durable`` replay (``tests/azure/replay.py`` plays the Durable extension, on
virtual time: it jumps to each timer). Activity calls are recorded as the host makes them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

from tests.azure.replay import Host
from tests.azure.support import generated_app

from .outcome import Ran, Recorder, innermost


class RecordingHost(Host):
    recorder: Recorder

    def _activity(self, name: str, payload: Any) -> tuple[bool, Any]:
        self.recorder.record(name, payload)
        return super()._activity(name, payload)


class AzureRunner:
    def __init__(self, function_app: ModuleType) -> None:
        self.function_app = function_app
        self.recorder = Recorder()

    def run(
        self,
        name: str,
        value: Any,
        events: list[tuple[str, Any]] | None = None,
        instance: str = "instance-1",
    ) -> Ran:
        self.recorder.take()
        host = RecordingHost(self.function_app, events)
        host.recorder = self.recorder
        out = host.run(name, value, instance)
        calls = self.recorder.take()
        if out.status == "Failed":
            return Ran("Failed", None, out.custom_status, innermost(out.error), calls, instance)
        return Ran(out.status, out.output, out.custom_status, None, calls, instance)


@contextmanager
def azure_runner(app_file: Path, out: Path) -> Iterator[AzureRunner]:
    with generated_app(app_file, out) as function_app:
        yield AzureRunner(function_app)
