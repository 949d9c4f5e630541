"""Secret values never reach a log line, on the local host and in every cloud adapter.

Every value of a declared secret the process reads (``ctx.secret``, the local host's
``secrets.env``, a secret environment variable the platform filled) is added with :func:`add`;
:func:`scrub` masks each one in a text. The local host's JSON formatter scrubs each line it
writes; a cloud adapter calls :func:`install` before each invocation, which wraps the formatter
of every handler on the root logger (the platform's own: the Lambda runtime's, the Azure
Functions worker's, the one :func:`ensure_handler` gives functions-framework), so the line
written is masked whatever made it: the message, extra fields, a traceback.

Standard library only (it ships in every artifact). Every platform's runtime has imported
``logging`` before it loads the app, so importing it here costs nothing there.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterable

MASK = "***"
#: Shorter values are not masked: they would mask ordinary words.
MIN_LENGTH = 4

_lock = threading.Lock()
_values: tuple[str, ...] = ()


def add(values: Iterable[str]) -> None:
    """Secret values that must never appear in a log line (also as JSON escapes them)."""
    global _values
    found = [v for v in values if len(v) >= MIN_LENGTH]
    new = set(found)
    for value in found:
        new |= {json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1]}
    with _lock:
        if not new.issubset(_values):
            # longest first, so a secret holding another is masked whole
            _values = tuple(sorted(new.union(_values), key=lambda v: (-len(v), v)))


def scrub(text: str) -> str:
    for value in _values:
        if value in text:
            text = text.replace(value, MASK)
    return text


class Redacting(logging.Formatter):
    """A handler's formatter whose every line has the secret values masked."""

    def __init__(self, inner: logging.Formatter | None) -> None:
        super().__init__()
        self.inner = inner or logging.Formatter()

    def format(self, record: logging.LogRecord) -> str:
        return scrub(self.inner.format(record))


def install() -> None:
    """Wrap the formatter of every handler on the root logger, once each. Cheap to repeat: an
    adapter calls it per invocation, so a handler added since (by the platform or the app) is
    covered too."""
    for handler in logging.getLogger().handlers:
        if not isinstance(handler.formatter, Redacting):
            handler.setFormatter(Redacting(handler.formatter))


def ensure_handler() -> None:
    """A root handler on stderr at INFO when the platform set none (functions-framework):
    without one Python drops every line below WARNING and writes the rest through no formatter
    that could be wrapped. Cloud Logging reads each stderr line."""
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
        root.setLevel(logging.INFO)
