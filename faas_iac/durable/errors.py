"""Errors the durable client raises (coded, with what is wrong and how to fix it)."""

from __future__ import annotations

from ..errors import FaasError


def unknown_orchestrator(name: str, known: list[str]) -> FaasError:
    return FaasError.one(
        "FIAC870",
        f"no orchestrator named {name!r} (known: {', '.join(sorted(known)) or 'none'})",
        fix="declare it with @app.orchestrator, or correct the name",
    )


def already_running(instance_id: str, status: str) -> FaasError:
    return FaasError.one(
        "FIAC871",
        f"instance {instance_id!r} already exists and is {status}",
        fix="wait for it to finish, terminate it, or start with another instance id",
    )


def not_found(instance_id: str) -> FaasError:
    return FaasError.one(
        "FIAC872",
        f"no orchestration instance {instance_id!r}",
        fix="check the instance id (faas-iac durable status lists instances)",
    )


def not_running(instance_id: str, status: str, action: str) -> FaasError:
    return FaasError.one(
        "FIAC873",
        f"cannot {action} instance {instance_id!r}: it is {status}",
        fix="only a Pending, Running or Suspended instance accepts this",
    )


def still_running(instance_id: str, status: str) -> FaasError:
    return FaasError.one(
        "FIAC876",
        f"cannot purge instance {instance_id!r}: it is {status}",
        fix="only a Completed, Failed or Terminated instance is purged: wait for it to "
        "finish, or terminate it first",
    )


def unknown_status(name: str, known: list[str]) -> FaasError:
    return FaasError.one(
        "FIAC875",
        f"{name!r} is not a runtime status (known: {', '.join(known)})",
        fix="name one of those (any case), e.g. -s Running or runtimeStatus=Completed",
    )


def unfiltered_purge(filters: tuple[str, ...]) -> FaasError:
    return FaasError.one(
        "FIAC877",
        "a purge of many instances needs a filter; none was given, so nothing was purged",
        fix=f"give at least one of {', '.join(filters)} (e.g. runtimeStatus=Completed), "
        "or purge one instance by its id",
    )


def not_failed(instance_id: str, status: str) -> FaasError:
    return FaasError.one(
        "FIAC880",
        f"cannot rewind instance {instance_id!r}: it is {status}, and only a Failed instance "
        "is rewound",
        fix="rewind a Failed instance; restart (client.restart) runs any instance again from "
        "its input",
    )


def lacking(member: str, target: str) -> FaasError:
    """A member of azure-functions-durable's API that ``target`` cannot provide."""
    return FaasError.one(
        "FIAC879",
        f"{member} is not available on target {target!r}",
        fix="it exists only on Azure Durable Functions; use the portable API instead "
        "(see the README's durable section)",
    )


def blocked_error(name: str, limit: float) -> dict[str, str]:
    """The error of an instance failed because one step of its code ran too long."""
    return {
        "type": "OrchestratorBlockedError",
        "message": f"orchestrator {name!r} ran for more than {limit:g} s without yielding, "
        "which would stall every other instance: orchestrator code must not block (no "
        "time.sleep, no I/O); wait with yield ctx.create_timer(...) and do I/O in an activity",
        "code": "FIAC878",
    }


def unreachable(url: str, reason: str) -> FaasError:
    return FaasError.one(
        "FIAC874",
        f"cannot reach the durable host at {url}: {reason}",
        fix="start it with `faas-iac dev APP`, or pass --url / --key",
    )
