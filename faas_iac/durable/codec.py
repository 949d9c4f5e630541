"""JSON payloads of orchestrations, activities and entities, with pydantic models kept typed.

A pydantic model (anything with ``model_dump`` and ``model_validate``) is written as
``{"__model__": "module:Qualname", "value": {...}}`` and read back as the same class, so typed
inputs and outputs round-trip faithfully through history. Everything else is plain JSON.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ..runtime.handlers import UnresolvedHandler, resolve

_MODEL = "__model__"
_DATETIME = "__datetime__"


def _default(value: Any) -> Any:
    if hasattr(value, "model_dump") and hasattr(type(value), "model_validate"):
        cls = type(value)
        return {
            _MODEL: f"{cls.__module__}:{cls.__qualname__}",
            "value": value.model_dump(mode="json"),
        }
    if isinstance(value, datetime):
        return {_DATETIME: value.isoformat()}
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(
        f"a durable payload of type {type(value).__name__} is not JSON-serialisable; pass JSON "
        "values (dict, list, str, numbers, bool, None) or a pydantic model"
    )


def _hook(obj: dict[str, Any]) -> Any:
    if _MODEL in obj and len(obj) == 2:
        try:
            cls: Any = resolve(obj[_MODEL])
        except UnresolvedHandler:
            return obj["value"]
        return cls.model_validate(obj["value"])
    if _DATETIME in obj and len(obj) == 1:
        return datetime.fromisoformat(obj[_DATETIME])
    return obj


_ENCODER = json.JSONEncoder(separators=(",", ":"), default=_default)
_DECODER = json.JSONDecoder(object_hook=_hook)


def dumps(value: Any) -> str:
    """A payload as compact JSON text."""
    return _ENCODER.encode(value)


def loads(text: str | None) -> Any:
    """A payload from JSON text (``None`` stays ``None``); pydantic models come back typed."""
    if text is None:
        return None
    return _DECODER.decode(text)


def plain(text: str | None) -> Any:
    """JSON text as plain JSON values (models as their dicts), for HTTP status payloads."""
    if text is None:
        return None
    return json.loads(text, object_hook=_unwrap)


def json_or_text(text: str | None) -> Any:
    """What a cloud keeps as JSON text (an execution's input, output, a custom status): its
    value, or the text itself where it is not JSON (emulators may return a bare string
    unquoted); empty or ``None`` → ``None``."""
    if not text:
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def named(known: Mapping[str, str], name: str, what: str) -> str:
    """``known[name]`` (an orchestrator's machine or workflow, an entity's function), or a
    ``LookupError`` that lists the names there are."""
    try:
        return known[name]
    except KeyError:
        listed = ", ".join(sorted(known)) or "none"
        raise LookupError(f"no {what} {name!r} (known: {listed})") from None


def _unwrap(obj: dict[str, Any]) -> Any:
    if _MODEL in obj and len(obj) == 2:
        return obj["value"]
    if _DATETIME in obj and len(obj) == 1:
        return obj[_DATETIME]
    return obj


def coerce(value: Any, annotation: Any) -> Any:
    """``value`` validated into ``annotation`` when that is a pydantic model class and value is
    its plain form (a dict from an HTTP caller); anything else is returned unchanged."""
    validate = getattr(annotation, "model_validate", None)
    if validate is not None and isinstance(value, dict):
        return validate(value)
    return value
