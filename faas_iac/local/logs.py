"""Structured JSON-lines logs for the local host, with secret values redacted.

Each line has ``ts``, ``level``, ``logger``, ``msg`` and, for an invocation, ``invocation_id``
and ``function``. Any known secret value in a line is replaced with ``***`` before it is
written, whoever logged it (the host, a handler, a library): the one redaction of
:mod:`faas_iac.runtime.redact`, which the cloud adapters use too.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

from faas_iac.runtime.redact import add as redact
from faas_iac.runtime.redact import scrub

__all__ = ["JsonFormatter", "invocation_logger", "redact", "setup"]

_EXTRA = (
    "invocation_id",
    "function",
    "trigger",
    "status",
    "duration_ms",
    "code",
    "delivery",
    "instance_id",
    "event",
)
#: ``json.dumps(line, default=str)``, without building an encoder per line.
_ENCODE = json.JSONEncoder(default=str).encode


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key in _EXTRA:
            value = getattr(record, key, None)
            if value is not None:
                line[key] = value
        if record.exc_info and record.exc_info[0] is not None:
            line["error"] = self.formatException(record.exc_info)
        return scrub(_ENCODE(line))


def setup(level: str = "info", stream: TextIO | None = None) -> None:
    """Send the host's and the handlers' logs to ``stream`` (stderr) as JSON lines."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)
    logging.getLogger("watchfiles").setLevel(logging.WARNING)


_FUNCTION_LOGGER = logging.getLogger("faas_iac.function")


def invocation_logger(function: str, invocation_id: str) -> logging.LoggerAdapter[logging.Logger]:
    """The logger a handler gets as ``ctx.logger``: its lines carry the function and the
    invocation id."""
    return logging.LoggerAdapter(
        _FUNCTION_LOGGER, {"function": function, "invocation_id": invocation_id}
    )
