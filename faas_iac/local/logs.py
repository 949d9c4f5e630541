"""The local host's logs: readable lines in a terminal, JSON lines otherwise, secrets redacted.

A JSON line has ``ts``, ``level``, ``logger``, ``msg`` and, where known, ``event``,
``invocation_id``, ``function``, ``instance_id``, ``duration_ms``... (``_EXTRA``). In a terminal
(or with ``--log-format readable``) the same records are printed one per line as Core Tools
prints them, coloured (:mod:`faas_iac.local.console`, on rich). Any known secret value in a
line is replaced with ``***`` before it is written, whoever logged it (the host, a handler, a
library): the one redaction of :mod:`faas_iac.runtime.redact`, which the cloud adapters use
too. ``--functions a,b`` keeps the lines of those functions (and the host's own).
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, Literal, TextIO

from faas_iac.runtime.redact import add as redact
from faas_iac.runtime.redact import scrub

__all__ = ["JsonFormatter", "invocation_logger", "redact", "setup"]

_EXTRA = (
    "event",
    "invocation_id",
    "function",
    "instance_id",
    "trigger",
    "status",
    "outcome",
    "duration_ms",
    "code",
    "delivery",
    "message_id",
    "note",
)
#: ``json.dumps(line, default=str)``, without building an encoder per line.
_ENCODE = json.JSONEncoder(default=str).encode
LogFormat = Literal["auto", "readable", "json"]


_TRACEBACKS = logging.Formatter()


def line_of(record: logging.LogRecord) -> dict[str, Any]:
    """The record as a JSON line's fields, every text redacted."""
    line: dict[str, Any] = {
        "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
        "level": record.levelname.lower(),
        "logger": record.name,
        "msg": scrub(record.getMessage()),
    }
    for key in _EXTRA:
        value = getattr(record, key, None)
        if value is not None:
            line[key] = scrub(value) if isinstance(value, str) else value
    if record.exc_info and record.exc_info[0] is not None:
        line["error"] = scrub(_TRACEBACKS.formatException(record.exc_info))
    return line


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return scrub(_ENCODE(line_of(record)))


class FunctionFilter(logging.Filter):
    """Keeps the lines of the named functions, and every line that names no function."""

    def __init__(self, names: Iterable[str]) -> None:
        super().__init__()
        self.names = frozenset(names)

    def filter(self, record: logging.LogRecord) -> bool:
        function = getattr(record, "function", None)
        return function is None or function in self.names


def readable_wanted(fmt: LogFormat, stream: TextIO) -> bool:
    if fmt != "auto":
        return fmt == "readable"
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def setup(
    level: str = "info",
    stream: TextIO | None = None,
    *,
    fmt: LogFormat = "auto",
    functions: Iterable[str] = (),
    extra: Iterable[logging.Handler] = (),
) -> None:
    """Send the host's and the handlers' logs to ``stream`` (stderr): readable lines in a
    terminal, JSON lines when piped (``fmt`` forces one); ``extra`` handlers (the dashboard's
    hub) get every line, unfiltered by ``functions``."""
    out = stream or sys.stderr
    handler: logging.Handler
    if readable_wanted(fmt, out):
        from .console import ReadableHandler  # rich: imported only for a terminal

        handler = ReadableHandler(out)
    else:
        handler = logging.StreamHandler(out)
        handler.setFormatter(JsonFormatter())
    names = [n.strip() for n in functions if n.strip()]
    if names:
        handler.addFilter(FunctionFilter(names))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    for other in extra:
        root.addHandler(other)
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
