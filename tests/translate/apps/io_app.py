"""An orchestrator that does I/O itself: refused on every emitting target (FIAC604), whatever
the translator learns to accept."""

from __future__ import annotations

from typing import Any

from faas_iac import App

app = App("io-app")


@app.orchestrator
def reads_a_file(ctx: Any) -> Any:
    name = yield ctx.call_activity("pick", ctx.get_input())
    with open(name) as f:
        return f.read()


@app.activity
def pick(name: str) -> str:
    return name
