"""An orchestrator on Lambda durable functions whose module imports from faas_iac.durable, as
user code does: run from its unpacked code artifact alone by tests/aws/test_shim_artifact.py."""

from __future__ import annotations

from typing import Any

from faas_iac import App
from faas_iac.durable import DurableOrchestrationContext, TaskFailedError

app = App("shim")


@app.orchestrator(aws_engine="lambda_durable")
def reserve_all(ctx: DurableOrchestrationContext) -> Any:
    done: list[str] = []
    try:
        for item in ctx.get_input():
            done.append((yield ctx.call_activity("reserve", item)))
    except TaskFailedError as failure:
        released = []
        for item in reversed(done):
            released.append((yield ctx.call_activity("release", item)))
        return {"reserved": False, "error": failure.error_message, "released": released}
    return {"reserved": True, "items": done}


@app.activity
def reserve(item: str) -> str:
    if item.startswith("x"):
        raise ValueError(f"{item} is sold out")
    return item


@app.activity
def release(item: str) -> str:
    return f"released {item}"
