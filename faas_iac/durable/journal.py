"""One log line per orchestration and activity start, completion and failure.

Each line is structured for whoever renders it (the JSON-lines formatter of the local host, a
dashboard): ``event`` (``orchestration.started``, ``orchestration.completed``,
``orchestration.failed``, ``orchestration.terminated``, ``orchestration.continued``,
``activity.started``, ``activity.completed``, ``activity.failed``), ``instance_id``,
``function``, ``duration_ms`` on an end (engine-clock time for an orchestration, so a 30-day
approval says 30 days under the test kit; wall time for an activity) and ``code`` when the engine
itself failed the instance. Nothing is formatted when INFO is off (the benchmarks' default).
"""

from __future__ import annotations

import logging

log = logging.getLogger("faas_iac.durable")
_INFO = logging.INFO
_ERROR = logging.ERROR


def orchestration_started(name: str, instance_id: str) -> None:
    if log.isEnabledFor(_INFO):
        log.info(
            f"orchestration {name} ({instance_id}) started",
            extra={"event": "orchestration.started", "function": name, "instance_id": instance_id},
        )


def orchestration_ended(
    name: str,
    instance_id: str,
    status: str,
    seconds: float,
    error: dict[str, str] | None = None,
    code: str | None = None,
) -> None:
    failed = status == "Failed"
    if not log.isEnabledFor(_ERROR if failed else _INFO):
        return
    ms = round(seconds * 1000, 3)
    text = f"orchestration {name} ({instance_id}) {status.lower()} after {ms:g} ms"
    if error:
        text += f": {error.get('type')}: {error.get('message')}"
    log.log(
        _ERROR if failed else _INFO,
        text,
        extra={
            "event": f"orchestration.{_EVENT.get(status, status.lower())}",
            "function": name,
            "instance_id": instance_id,
            "status": status,
            "duration_ms": ms,
            "code": code,
        },
    )


_EVENT = {"ContinuedAsNew": "continued"}


def activity_started(name: str, instance_id: str, task_id: int) -> None:
    if log.isEnabledFor(_INFO):
        log.info(
            f"activity {name} started for {instance_id}",
            extra={
                "event": "activity.started",
                "function": name,
                "instance_id": instance_id,
                "invocation_id": f"{instance_id}:{task_id}",
            },
        )


def activity_ended(
    name: str, instance_id: str, task_id: int, seconds: float, error: BaseException | None
) -> None:
    if not log.isEnabledFor(_ERROR if error is not None else _INFO):
        return
    ms = round(seconds * 1000, 3)
    extra = {
        "function": name,
        "instance_id": instance_id,
        "invocation_id": f"{instance_id}:{task_id}",
        "duration_ms": ms,
    }
    if error is None:
        log.info(
            f"activity {name} completed for {instance_id} in {ms:g} ms",
            extra={**extra, "event": "activity.completed", "status": "Completed"},
        )
    else:
        log.error(
            f"activity {name} failed for {instance_id} after {ms:g} ms: "
            f"{type(error).__name__}: {error}",
            extra={**extra, "event": "activity.failed", "status": "Failed"},
        )
