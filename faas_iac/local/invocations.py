"""One log record when a function starts and one when it ends, as Core Tools prints them, and
the same facts handed to the :class:`~faas_iac.local.monitor.Monitor` (counts, errors,
latencies) whether or not INFO lines are on.

Each record is structured for whoever renders it (the terminal renderer, the JSON-lines
formatter, the dashboard): ``event`` (``function.started``, ``function.completed``,
``function.failed``), ``function``, ``invocation_id``, ``trigger``; on an end ``duration_ms``,
``outcome`` (``Succeeded`` / ``Failed``), ``status`` (HTTP: the answer's status) and
``delivery`` and ``message_id`` (the attempt's number and the message's id, for a delivered
message or event); on a failure ``code`` and ``note`` (what happens next: "will retry",
"dead-lettered to ..."). Nothing is formatted when INFO is off (the benchmarks run that way).
"""

from __future__ import annotations

import logging

from .monitor import Monitor

log = logging.getLogger("faas_iac.invocations")
_INFO = logging.INFO
_ERROR = logging.ERROR


def started(function: str, invocation_id: str, trigger: str, reason: str) -> None:
    """``Executing 'name' (reason, Id=...)``; ``reason`` says what called it."""
    if log.isEnabledFor(_INFO):
        log.info(
            f"Executing '{function}' ({reason}, Id={invocation_id})",
            extra={
                "event": "function.started",
                "function": function,
                "invocation_id": invocation_id,
                "trigger": trigger,
            },
        )


def ended(
    monitor: Monitor | None,
    function: str,
    invocation_id: str,
    trigger: str,
    seconds: float,
    error: BaseException | None = None,
    *,
    code: str | None = None,
    note: str = "",
    exc_info: bool = False,
    status: int | None = None,
    delivery: int | None = None,
    message: str | None = None,
) -> None:
    """``Executed 'name' (Succeeded|Failed, Id=..., Duration=3ms)``, then the error and
    ``note`` on a failure; recorded in ``monitor`` either way."""
    failed = error is not None
    if monitor is not None:
        monitor.record(function, invocation_id, seconds, failed)
    if not log.isEnabledFor(_ERROR if failed else _INFO):
        return
    ms = round(seconds * 1000, 2)
    outcome = "Failed" if failed else "Succeeded"
    text = f"Executed '{function}' ({outcome}, Id={invocation_id}, Duration={ms:g}ms)"
    if error is not None:
        text += f": {type(error).__name__}: {error}"
    if note:
        text += f"; {note}"
    log.log(
        _ERROR if failed else _INFO,
        text,
        extra={
            "event": "function.failed" if failed else "function.completed",
            "function": function,
            "invocation_id": invocation_id,
            "trigger": trigger,
            "outcome": outcome,
            "status": status,
            "delivery": delivery,
            "message_id": message,
            "duration_ms": ms,
            "code": code,
            "note": note or None,
        },
        exc_info=error if exc_info else None,
    )
