"""An orchestrator that blocks by mistake (waits on a threading.Event as a time.sleep would),
beside ones that behave, for tests/durable/test_blocking_and_logs.py."""

from __future__ import annotations

import threading
from typing import Any

from faas_iac import App

app = App("blocking")
RELEASE = threading.Event()


@app.orchestrator
def stuck(ctx: Any) -> Any:
    yield ctx.call_activity("echo", "before")
    RELEASE.wait(5)  # a blocking call in orchestrator code: the mistake under test
    return "returned"


@app.orchestrator
def chain(ctx: Any) -> Any:
    out = []
    for word in ("a", "b", "c"):
        out.append((yield ctx.call_activity("echo", word)))
    return out


@app.orchestrator
def breaks(ctx: Any) -> Any:
    yield ctx.call_activity("explode", "x")
    return "unreachable"


@app.activity
def echo(word: str) -> str:
    return word


@app.activity
def explode(word: str) -> str:
    raise ValueError(f"cannot handle {word}")
