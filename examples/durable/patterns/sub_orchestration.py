"""Sub-orchestrations (the Azure sample "Provision new devices"): one child orchestration per
device, run in parallel."""

from __future__ import annotations

from typing import Any

from faas_iac import Blueprint

bp = Blueprint("sub_orchestration")


@bp.orchestrator
def provision_devices(ctx: Any) -> Any:
    devices = ctx.get_input()
    results = yield ctx.task_all(
        [ctx.call_sub_orchestrator("provision_device", d) for d in devices]
    )
    return results


@bp.orchestrator
def provision_device(ctx: Any) -> Any:
    device = ctx.get_input()
    key = yield ctx.call_activity("create_device_key", device)
    yield ctx.call_activity("register_device", {"device": device, "key": key})
    return {"device": device, "key": key, "parent": ctx.parent_instance_id}


@bp.activity
def create_device_key(device: str) -> str:
    return f"key-{device}"


@bp.activity
def register_device(request: dict[str, Any]) -> bool:
    return True
