"""Fan-out/fan-in (the Azure sample "Backup site content"): list the work, run one activity
per item in parallel, then add up the results."""

from __future__ import annotations

from typing import Any

from faas_iac import Blueprint

bp = Blueprint("fan_out")


@bp.orchestrator
def backup_site(ctx: Any) -> Any:
    files = yield ctx.call_activity("list_files", ctx.get_input())
    sizes = yield ctx.task_all([ctx.call_activity("copy_file", f) for f in files])
    return {"files": len(files), "bytes": sum(sizes)}


@bp.activity
def list_files(count: int) -> list[str]:
    return [f"file-{n:04d}.txt" for n in range(count)]


@bp.activity
def copy_file(name: str) -> int:
    return len(name) + int(name[5:9])
