"""An orchestrator whose code changes between two runs of the host (``$EVOLVING_VARIANT``):
the second run renames its first activity, which replay must detect."""

from __future__ import annotations

import os
from typing import Any

from faas_iac import App

app = App("evolving")
FIRST = "reserve" if os.environ.get("EVOLVING_VARIANT", "a") == "a" else "reserve_v2"


@app.orchestrator
def evolving(ctx: Any) -> Any:
    reserved = yield ctx.call_activity(FIRST, ctx.get_input())
    approval = yield ctx.wait_for_external_event("approve")
    return {"reserved": reserved, "approval": approval}


@app.activity
def reserve(item: str) -> str:
    return f"reserved {item}"


@app.activity
def reserve_v2(item: str) -> str:
    return f"reserved {item} (v2)"
