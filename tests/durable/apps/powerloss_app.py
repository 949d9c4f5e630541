"""The app of the power-loss test: a two-step chain, its durability from ``$DURABILITY``."""

from __future__ import annotations

import os
from typing import Any

from faas_iac import App

app = App("powerloss", durable={"durability": os.environ.get("DURABILITY", "full")})


@app.orchestrator
def chain(ctx: Any) -> Any:
    n = ctx.get_input()
    first = yield ctx.call_activity("double", n)
    second = yield ctx.call_activity("double", first)
    return {"n": n, "out": second}


@app.activity
def double(n: int) -> int:
    return n * 2
